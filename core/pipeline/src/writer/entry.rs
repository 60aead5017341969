//! What the writer's queue carries: a finished line, or an event the
//! worker renders itself.
//!
//! Building a gateway event's bytes (its timestamp, escaped ids, the args'
//! canonical form and SHA-256) costs the calling thread more than queueing
//! it. A [`DeferredLine`] carries the event's facts instead, and the worker
//! renders it into the batch: same bytes, produced on the writer's thread,
//! in queue order.

/// An event whose line the writer's thread builds when it writes the batch.
///
/// Rendering must be a pure function of the value (the bytes are the same
/// whichever thread renders them, and whenever) and must not panic.
pub trait DeferredLine: Send {
    /// Appends the complete `\n`-terminated line to `out`.
    fn render(&self, out: &mut Vec<u8>);

    /// About how long the line will be: what the queue's byte bound counts
    /// for it until it is rendered.
    fn len_hint(&self) -> usize;

    /// The line, rendered now (a sink the worker does not feed: OTLP's
    /// fan-out, a write after `close`, a host logger).
    fn to_line(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.len_hint());
        self.render(&mut out);
        out
    }
}

/// One queued event.
pub(crate) enum Entry {
    /// Bytes serialized by the producer.
    Line(Vec<u8>),
    /// Facts the worker renders.
    Deferred(Box<dyn DeferredLine>),
}

impl Entry {
    /// The bytes it counts for in the queue's byte bound.
    pub(super) fn len(&self) -> usize {
        match self {
            Entry::Line(line) => line.len(),
            Entry::Deferred(d) => d.len_hint(),
        }
    }

    /// Appends its line to `out`.
    pub(super) fn append_to(&self, out: &mut Vec<u8>) {
        match self {
            Entry::Line(line) => out.extend_from_slice(line),
            Entry::Deferred(d) => d.render(out),
        }
    }
}
