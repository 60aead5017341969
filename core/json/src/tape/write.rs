//! RFC 8785 bytes straight from a tape, without its JSON text.
//!
//! The writer's thread hashes every Node call's arguments from their tape.
//! Going through [`json_string`](super::json_string) and then
//! [`write_canonical_text`] wrote the text, allocated it and scanned it
//! again: measured, that was half the writer's time per call, and a writer
//! that falls behind makes callers render lines themselves. A tape already
//! holds what canonical form needs: strings as UTF-16 units (the order
//! RFC 8785 sorts keys by is their order as `u16` slices) and numbers as
//! ECMAScript prints them. So one pass copies it in canonical form,
//! reordering each object's members as `canonical_text` does.
//!
//! The pass takes only what it can write exactly; anything else (a
//! malformed tape, a lone surrogate, a duplicate key, an integer of 16 or
//! more digits, deep nesting) returns `None`, and [`write_canonical`] goes
//! the old way, so results and errors are exactly that way's.

use super::{ARRAY, END_ARRAY, END_OBJECT, FALSE, NULL, NUMBER, OBJECT, Reader, TRUE, json_string};
use crate::error::CanonError;
use crate::members::{Member, Members};
use crate::text::{copy_number, write_canonical_text};
use crate::value::MAX_DEPTH;

/// Appends the canonical bytes of the value on the tape (`ops`, `text`,
/// the codes before `END`) to `out`: the same bytes and errors as
/// [`write_canonical_text`] of its [`json_string`]. On error `out` holds
/// what it held before.
pub fn write_canonical(ops: &[i32], text: &[u16], out: &mut Vec<u8>) -> Result<(), CanonError> {
    let at = out.len();
    if fast(ops, text, out).is_some() {
        return Ok(());
    }
    out.truncate(at);
    write_canonical_text(&json_string(ops, text)?, out)
}

/// The one pass: `None` when the tape needs the old way.
pub(super) fn fast(ops: &[i32], text: &[u16], out: &mut Vec<u8>) -> Option<()> {
    let mut pass = Pass {
        reader: Reader::<true>::new(ops, text),
        out,
        members: Members::take(),
    };
    let done = pass.value(0).and_then(|()| {
        (pass.reader.unit == text.len() && pass.reader.op == ops.len()).then_some(())
    });
    pass.members.give_back();
    done
}

struct Pass<'a, 'o> {
    reader: Reader<'a, true>,
    out: &'o mut Vec<u8>,
    /// The members of the objects open now.
    members: Members,
}

impl Pass<'_, '_> {
    fn value(&mut self, depth: usize) -> Option<()> {
        let code = self.reader.next_op().ok()?;
        self.value_from(code, depth)
    }

    fn value_from(&mut self, code: i32, depth: usize) -> Option<()> {
        match code {
            // Escaped as RFC 8785 escapes (the JSON text's strings are too).
            0.. => self.reader.string(code, self.out).ok(),
            OBJECT => self.object(depth),
            ARRAY => self.array(depth),
            TRUE => self.put(b"true"),
            FALSE => self.put(b"false"),
            NULL => self.put(b"null"),
            END_OBJECT | END_ARRAY => None,
            ..=NUMBER => self.number(NUMBER - code),
        }
    }

    fn put(&mut self, bytes: &[u8]) -> Option<()> {
        self.out.extend_from_slice(bytes);
        Some(())
    }

    /// A number's text, as `canonical_text` copies a number token (which
    /// also checks its grammar).
    fn number(&mut self, n: i32) -> Option<()> {
        let units = self.reader.units(n as usize).ok()?;
        // ECMAScript prints at most 25 characters ("-1.2345678901234567e-308").
        let mut token = [0u8; 32];
        let token = token.get_mut(..units.len())?;
        for (b, &u) in token.iter_mut().zip(units) {
            *b = u8::try_from(u).ok()?;
        }
        (copy_number(token, self.out)? == token.len()).then_some(())
    }

    fn array(&mut self, depth: usize) -> Option<()> {
        (depth < MAX_DEPTH).then_some(())?;
        self.out.push(b'[');
        let mut first = true;
        loop {
            let code = self.reader.next_op().ok()?;
            if code == END_ARRAY {
                break;
            }
            if !first {
                self.out.push(b',');
            }
            first = false;
            self.value_from(code, depth + 1)?;
        }
        self.out.push(b']');
        Some(())
    }

    fn object(&mut self, depth: usize) -> Option<()> {
        (depth < MAX_DEPTH).then_some(())?;
        self.out.push(b'{');
        let body = self.out.len();
        let first = self.members.open();
        loop {
            let key = match self.reader.next_op().ok()? {
                END_OBJECT => break,
                key @ 0.. => key,
                _ => return None,
            };
            if self.members.open() > first {
                self.out.push(b',');
            }
            let (key_at, out_at) = (self.reader.unit, self.out.len());
            self.reader.string(key, self.out).ok()?;
            let key = (key_at, self.reader.unit);
            self.out.push(b':');
            self.value(depth + 1)?;
            self.members.push(Member {
                key,
                out: (out_at, self.out.len()),
            });
        }
        let text = self.reader.text;
        let key = |m: &Member| &text[m.key.0..m.key.1];
        // UTF-16 code units, as the tape holds them: RFC 8785's order.
        self.members
            .order(first, body, self.out, |a, b| key(a).cmp(key(b)))?;
        self.out.push(b'}');
        Some(())
    }
}
