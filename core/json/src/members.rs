//! Reordering an object's members in place, for the passes that copy input
//! to RFC 8785 bytes in one go ([`canonical_text`](crate::text)
//! from JSON text, [`tape`](crate::tape) from Node's tape): each writes an
//! object's members in input order, records them here, and has them put in
//! key order (RFC 8785 §3.2.3) once the object closes.

use std::cell::Cell;
use std::cmp::Ordering;

use crate::write::utf16_cmp;

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
    /// Keys copied here by passes whose input is not one buffer
    /// ([`host`](crate::walk): each key is a host string of its own).
    keys: Vec<u8>,
}

thread_local!(static SPARE: Cell<Option<Members>> = const { Cell::new(None) });

impl Members {
    /// This thread's lists, empty.
    pub(crate) fn take() -> Self {
        SPARE.take().unwrap_or_default()
    }

    /// Gives the lists back to this thread, unless they grew huge.
    pub(crate) fn give_back(mut self) {
        if self.list.capacity() <= 1 << 12
            && self.scratch.capacity() <= 1 << 16
            && self.keys.capacity() <= 1 << 16
        {
            self.list.clear();
            self.scratch.clear();
            self.keys.clear();
            SPARE.set(Some(self));
        }
    }

    /// Where the next object's members start (pass it to [`Members::order`]).
    pub(crate) fn open(&self) -> usize {
        self.list.len()
    }

    /// Records a member of the innermost open object.
    pub(crate) fn push(&mut self, member: Member) {
        self.list.push(member);
    }

    /// Copies `key` to the kept keys; returns its range there (a
    /// [`Member::key`] for [`Members::order_by_kept_keys`]).
    pub(crate) fn keep_key(&mut self, key: &str) -> (usize, usize) {
        let at = self.keys.len();
        self.keys.extend_from_slice(key.as_bytes());
        (at, self.keys.len())
    }

    /// [`Members::order`] by the kept keys (UTF-16 order, RFC 8785's), then
    /// forgets those of the closed object too.
    pub(crate) fn order_by_kept_keys(
        &mut self,
        first: usize,
        body: usize,
        out: &mut Vec<u8>,
    ) -> Option<()> {
        let keys = std::mem::take(&mut self.keys);
        let from = self.list.get(first).map_or(keys.len(), |m| m.key.0);
        // SAFETY: only whole `str`s are copied in (`keep_key`), and a range
        // is one of them.
        let key = |m: &Member| unsafe { std::str::from_utf8_unchecked(&keys[m.key.0..m.key.1]) };
        let done = self.order(first, body, out, |a, b| utf16_cmp(key(a), key(b)));
        self.keys = keys;
        self.keys.truncate(from);
        done
    }

    /// Puts the members from `first` on in the order `cmp` gives their
    /// keys; their bytes, comma-separated, start at `body` in `out`. Then
    /// forgets them (their object is closed). `None` for a duplicate key
    /// (the strict parser reports it).
    pub(crate) fn order(
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
