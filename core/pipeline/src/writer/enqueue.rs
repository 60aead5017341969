//! The producers' side of the writer: serializing or deferring an event,
//! the queue's two bounds and overflow policy, and writes after `close`.

use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use crossbeam_channel::TrySendError;

use super::entry::{DeferredLine, Entry};
use super::stats::{Counters, DropReason};
use super::{EventWriter, Overflow, Running, SinkSpec};
use crate::event::write_event_line;
use crate::time::now_timestamp;
use tooltrail_json::CanonError;
use tooltrail_json::Value;

impl EventWriter {
    /// Serializes one event (`{"v":1,"ts":…,"event":name,…fields}`) on the
    /// calling thread and enqueues it. `Ok(false)` means it was dropped and
    /// counted; `Err` means `fields` could not be serialized (nothing queued).
    pub fn event(&self, name: &str, fields: &Value) -> Result<bool, CanonError> {
        let mut line = Vec::with_capacity(256);
        write_event_line(name, fields, now_timestamp, &mut line)?;
        Ok(self.write_line(line))
    }

    /// A line logged after `close()`: at exit, a handler that runs after the
    /// writer's exit hook (an `atexit` registered earlier, a later
    /// `process.on('exit')`) still logs `run_end`. The worker is gone, so the
    /// line is written synchronously, on the caller's thread, to a sink of
    /// the same spec (the directory sink's lock keeps lines whole). Only if
    /// that fails is it dropped as `closed`, counted and said once on stderr.
    fn write_late(&self, line: &[u8], counters: &Counters) -> bool {
        let mut late = self.shared.late.lock().unwrap_or_else(|e| e.into_inner());
        // OTLP has its own exporter (closed too); a sink of its kind is not
        // ours to open here.
        if late.is_none() && !matches!(self.shared.config.sink, SinkSpec::Export(_)) {
            *late = self.shared.config.sink.open().ok();
        }
        let written = late
            .as_mut()
            .is_some_and(|sink| sink.write_batch(line).and_then(|()| sink.flush()).is_ok());
        if written {
            counters.count_late();
            return true;
        }
        counters.count_drop(DropReason::Closed, 1);
        if !self.shared.late_failed.swap(true, Relaxed) {
            eprintln!(
                "tooltrail: an event logged after the writer closed could not be written to {}; \
                 it and any later ones are counted in stats() as dropped `closed`",
                format_args!("{:?}", self.shared.config.sink)
            );
        }
        false
    }

    /// Enqueues one complete, `\n`-terminated line. Never blocks unless
    /// [`Overflow::Block`] is configured. Returns whether it was accepted by
    /// the local sink's queue (the OTLP export queue, if any, never blocks
    /// and counts its own drops).
    pub fn write_line(&self, line: Vec<u8>) -> bool {
        if let Some(otlp) = &self.shared.otlp {
            otlp.write_line(line.clone());
        }
        self.enqueue(&self.running(), Entry::Line(line))
    }

    /// Enqueues an event the worker renders (see [`DeferredLine`]), with
    /// the same guarantees as [`write_line`](Self::write_line). It is
    /// rendered here instead when the bytes are needed on this thread (OTLP
    /// export, a write after `close`) and when a batch's worth of events is
    /// already queued: then the worker is falling behind producers that
    /// outrun its rendering, and they share the work (they slow down, it
    /// only copies) rather than fill the queue and drop events. Except when
    /// the queue is full and full queues drop ([`Overflow::Drop`]): the line
    /// would be refused once built, so it is counted as dropped unbuilt (a
    /// stuck sink must not make every call pay for a line nobody writes).
    /// An event whose inputs outweigh a batch is rendered here too.
    pub fn write_deferred(&self, event: Box<dyn DeferredLine>) -> bool {
        let running = self.running();
        let backlog = running.counters.queued();
        let behind = backlog >= self.shared.config.batch_events as u64;
        let (otlp, closed) = (self.shared.otlp.is_some(), self.shared.closed.load(Relaxed));
        let drops = matches!(self.shared.config.overflow, Overflow::Drop);
        if behind && drops && !otlp && !closed && running.tx.is_full() {
            running.counters.count_drop(DropReason::QueueFull, 1);
            return false;
        }
        // An event holding more than a batch (64 MiB of arguments, say)
        // would weigh on the queue's byte bound as its inputs, though its
        // line is a few hundred bytes once the arguments are hashed: an idle
        // writer refused it as queue_full. Rendered here, it queues as that.
        let big = event.len_hint() > self.shared.config.batch_bytes;
        if otlp || closed || behind || big {
            drop(running);
            return self.write_line(event.to_line());
        }
        self.enqueue(&running, Entry::Deferred(event))
    }

    fn enqueue(&self, running: &Running, entry: Entry) -> bool {
        let counters = &running.counters;
        if self.shared.closed.load(Relaxed) {
            let mut line = Vec::new();
            entry.append_to(&mut line);
            return self.write_late(&line, counters);
        }
        let len = entry.len();
        let limit = self.shared.config.queue_bytes;
        // Reserve before sending so the worker never takes more than was put.
        let before = counters.reserve(len);
        let refuse = |reason| {
            counters.unreserve(len);
            counters.count_drop(reason, 1);
            false
        };
        let sent = match self.shared.config.overflow {
            Overflow::Drop => {
                if before + len > limit {
                    return refuse(DropReason::QueueFull);
                }
                running.tx.try_send(entry).map_err(|e| match e {
                    TrySendError::Full(_) => DropReason::QueueFull,
                    TrySendError::Disconnected(_) => DropReason::Closed,
                })
            }
            Overflow::Block(timeout) => {
                let deadline = Instant::now() + timeout;
                if !wait_for_bytes(counters, before, len, limit, deadline) {
                    return refuse(DropReason::QueueFull);
                }
                let left = deadline.saturating_duration_since(Instant::now());
                running.tx.send_timeout(entry, left).map_err(|e| {
                    if e.is_timeout() {
                        DropReason::QueueFull
                    } else {
                        DropReason::Closed
                    }
                })
            }
        };
        match sent {
            Ok(()) => true,
            Err(reason) => refuse(reason),
        }
    }
}

fn wait_for_bytes(
    counters: &Counters,
    before: usize,
    len: usize,
    limit: usize,
    deadline: Instant,
) -> bool {
    let mut queued = before;
    while queued + len > limit {
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
        queued = counters.queued_bytes().saturating_sub(len);
    }
    true
}
