//! Reordering an object's members in place, for the passes that copy input
//! to RFC 8785 bytes in one go ([`canonical_text`](crate::canonical_text)
//! from JSON text, [`tape`](crate::tape) from Node's tape): each writes an
//! object's members in input order, records them here, and has them put in
//! key order (RFC 8785 §3.2.3) once the object closes.

use std::cell::Cell;
use std::cmp::Ordering;

/// One member of an object being copied: where its key is in the input and
/// where the member (`"key":value`) went in the output.
#[derive(Clone, Copy)]
pub(crate) struct Member {
    /// The key's range in the pass's input (its units or bytes).
    pub key: (usize, usize),
    /// The member's range in the output.
    pub out: (usize, usize),
}

/// The members of the objects open now (innermost last) and the room to
/// reorder them; kept per thread between passes (every gateway call's
/// arguments go through one), a nested pass gets fresh ones.
#[derive(Default)]
pub(crate) struct Members {
    list: Vec<Member>,
    scratch: Vec<u8>,
}

thread_local!(static SPARE: Cell<Option<Members>> = const { Cell::new(None) });

impl Members {
    /// This thread's lists, empty.
    pub fn take() -> Self {
        SPARE.take().unwrap_or_default()
    }

    /// Gives the lists back to this thread, unless they grew huge.
    pub fn give_back(mut self) {
        if self.list.capacity() <= 1 << 12 && self.scratch.capacity() <= 1 << 16 {
            self.list.clear();
            self.scratch.clear();
            SPARE.set(Some(self));
        }
    }

    /// Where the next object's members start (pass it to [`Members::order`]).
    pub fn open(&self) -> usize {
        self.list.len()
    }

    /// Records a member of the innermost open object.
    pub fn push(&mut self, member: Member) {
        self.list.push(member);
    }

    /// Puts the members from `first` on in the order `cmp` gives their
    /// keys; their bytes, comma-separated, start at `body` in `out`. Then
    /// forgets them (their object is closed). `None` for a duplicate key
    /// (the strict parser reports it).
    pub fn order(
        &mut self,
        first: usize,
        body: usize,
        out: &mut Vec<u8>,
        cmp: impl Fn(&Member, &Member) -> Ordering,
    ) -> Option<()> {
        let members = &mut self.list[first..];
        // Usually already in order: then nothing moves.
        if !members.windows(2).all(|w| cmp(&w[0], &w[1]).is_lt()) {
            members.sort_unstable_by(&cmp);
            if members.windows(2).any(|w| cmp(&w[0], &w[1]).is_eq()) {
                return None;
            }
            self.scratch.clear();
            self.scratch.extend_from_slice(&out[body..]);
            out.truncate(body);
            for (n, m) in members.iter().enumerate() {
                if n > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(&self.scratch[m.out.0 - body..m.out.1 - body]);
            }
        }
        self.list.truncate(first);
        Some(())
    }
}
