//! The byte strings of a deferred event, stored inside the event itself.
//!
//! A deferred event is allocated by the caller's thread and freed by the
//! writer's. Every separate allocation it owned (a `String` per id, the
//! args' tree in Python) and every reference count it shared (a tool name's
//! `Arc`) moved a cache line between the two threads on every call: measured,
//! that cost the caller more than building the line. So the strings are
//! copied into one inline buffer, and the event is one allocation that only
//! the writer's thread touches once it is queued.

/// Inline room: an event's ids, tool name and typical args fit.
const INLINE: usize = 448;

/// Where one string lives in a [`Packed`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    start: u32,
    end: u32,
}

/// Byte strings appended one after another; inline until they outgrow
/// [`INLINE`], then all on the heap (rare: long args).
pub(crate) struct Packed {
    len: usize,
    inline: [u8; INLINE],
    heap: Vec<u8>,
}

impl Span {
    /// Nothing, before the string is pushed.
    pub const EMPTY: Span = Span { start: 0, end: 0 };
}

impl Packed {
    pub fn new() -> Self {
        Self {
            len: 0,
            inline: [0; INLINE],
            heap: Vec::new(),
        }
    }

    /// Appends `s`; returns where it is.
    pub fn push(&mut self, s: &[u8]) -> Span {
        let start = self.len;
        let end = start + s.len();
        if self.heap.is_empty() && end <= INLINE {
            self.inline[start..end].copy_from_slice(s);
        } else {
            if self.heap.is_empty() {
                self.heap.reserve(end);
                self.heap.extend_from_slice(&self.inline[..start]);
            }
            self.heap.extend_from_slice(s);
        }
        self.len = end;
        // Spans index a buffer of at most one call's strings (< 4 GiB).
        Span {
            start: start as u32,
            end: end as u32,
        }
    }

    /// Appends `parts` one after another; returns where they all are.
    pub fn push_parts(&mut self, parts: &[&[u8]]) -> Span {
        let start = self.len as u32;
        for part in parts {
            self.push(part);
        }
        Span {
            start,
            end: self.len as u32,
        }
    }

    /// Appends the little-endian bytes of `items` (`N` each); returns where
    /// they are (read back with [`Packed::words`]).
    pub fn push_words<const N: usize, T: Copy>(
        &mut self,
        items: &[T],
        bytes: impl Fn(T) -> [u8; N],
    ) -> Span {
        let start = self.len;
        let end = start + N * items.len();
        let dst = if self.heap.is_empty() && end <= INLINE {
            &mut self.inline[start..end]
        } else {
            if self.heap.is_empty() {
                self.heap.reserve(end);
                self.heap.extend_from_slice(&self.inline[..start]);
            }
            self.heap.resize(end, 0);
            &mut self.heap[start..end]
        };
        for (d, &item) in dst.chunks_exact_mut(N).zip(items) {
            d.copy_from_slice(&bytes(item));
        }
        self.len = end;
        Span {
            start: start as u32,
            end: end as u32,
        }
    }

    /// The items at `span` (pushed with [`Packed::push_words`]).
    pub fn words<const N: usize, T>(&self, span: Span, item: impl Fn([u8; N]) -> T) -> Vec<T> {
        let bytes = self.get(span).chunks_exact(N);
        bytes
            .map(|c| item(c.try_into().expect("N bytes")))
            .collect()
    }

    pub fn push_str(&mut self, s: &str) -> Span {
        self.push(s.as_bytes())
    }

    /// How many bytes it holds.
    pub fn len(&self) -> usize {
        self.len
    }

    /// The bytes at `span`.
    pub fn get(&self, span: Span) -> &[u8] {
        let range = span.start as usize..span.end as usize;
        if self.heap.is_empty() {
            &self.inline[range]
        } else {
            &self.heap[range]
        }
    }

    /// The string at `span` (pushed with [`Packed::push_str`]).
    pub fn str(&self, span: Span) -> &str {
        // Only `push_str` spans are read back as text.
        std::str::from_utf8(self.get(span)).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_read_back_inline_and_after_spilling() {
        let mut p = Packed::new();
        let a = p.push_str("abc");
        let b = p.push(&[]);
        let c = p.push_str("é☕");
        assert!(p.heap.is_empty());
        let long = "x".repeat(INLINE);
        let d = p.push_str(&long);
        assert!(!p.heap.is_empty(), "spilled");
        let e = p.push_str("tail");
        assert_eq!(
            (p.str(a), p.get(b), p.str(c), p.str(d), p.str(e)),
            ("abc", &[][..], "é☕", long.as_str(), "tail")
        );
    }
}
