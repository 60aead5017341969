//! RFC 8785 bytes straight from a binding's host values, without a [`Value`].
//!
//! Python's binding converted every call's arguments into a [`Value`] (a
//! `String` per key and string, a `Vec` per dict and list) only to write
//! them in canonical form and drop them: measured with `perf` on the bench's
//! loop, converting and writing were a third of a call's samples on the
//! caller's thread, much of it allocating and freeing. Here the binding
//! walks its own objects and hands each scalar to a [`HostWriter`], which
//! writes it in canonical form at once and puts each object's members in
//! key order when the object closes (as `canonical_text` does for JSON
//! text), so the binding keeps only its type dispatch.
//!
//! The walk takes only what it can write exactly; anything else (a type
//! with no JSON form, a non-string key, an integer beyond ±(2^53−1), a
//! non-finite float, a lone surrogate, nesting past the limit, a duplicate
//! key) stops it, and [`write`] converts the value with the binding's
//! converter ([`HostValue::to_value`]) and writes that, so results and
//! errors (with their paths) are exactly the converter's.

use std::fmt;

use crate::error::CanonError;
use crate::escape::write_string;
use crate::hash::hash_canonical;
use crate::members::{Member, Members};
use crate::number::{check_integer, format_number};
use crate::value::{MAX_DEPTH, Value};
use crate::write::write_canonical;

/// A host language's value, as a binding reads it.
pub trait HostValue {
    /// Writes the value through `w`: one of its scalar methods, or an
    /// object or array and what they hold. `None` stops the walk (return
    /// the `None` of `w`'s methods, or `None` for a value with no JSON
    /// form); [`HostValue::to_value`] then says why.
    fn write_canonical(&self, w: &mut HostWriter<'_>) -> Option<()>;

    /// The value converted, or why it has no JSON form (with its path).
    fn to_value(&self) -> Result<Value, CanonError>;
}

impl fmt::Debug for dyn HostValue + '_ {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HostValue")
    }
}

/// Appends the canonical bytes of `host` to `out`, or returns why it has
/// none; on error `out` holds what it held before.
pub fn write(host: &dyn HostValue, out: &mut Vec<u8>) -> Result<(), CanonError> {
    let at = out.len();
    let mut w = HostWriter {
        out,
        members: Members::take(),
        depth: 0,
    };
    let done = host.write_canonical(&mut w);
    w.members.give_back();
    if done.is_some() {
        return Ok(());
    }
    out.truncate(at);
    let result = write_canonical(&host.to_value()?, out);
    if result.is_err() {
        out.truncate(at);
    }
    result
}

/// `stable_hash` of `host` (HMAC-SHA256 under `key`).
pub fn stable_hash(host: &dyn HostValue, key: Option<&[u8]>) -> Result<String, CanonError> {
    hash_canonical(|out| write(host, out), key)
}

/// Where a [`HostValue`] writes itself. Each method appends one value (or
/// member) in canonical form; `None` means the walk must stop.
pub struct HostWriter<'o> {
    out: &'o mut Vec<u8>,
    /// The members of the objects open now.
    members: Members,
    /// How many arrays and objects are open.
    depth: usize,
}

impl HostWriter<'_> {
    /// `null`.
    pub fn null(&mut self) -> Option<()> {
        self.put(b"null")
    }

    /// `true` or `false`.
    pub fn bool(&mut self, b: bool) -> Option<()> {
        self.put(if b { b"true" } else { b"false" })
    }

    /// An integer; `None` beyond ±(2^53−1).
    pub fn integer(&mut self, n: i64) -> Option<()> {
        format_number(check_integer(i128::from(n)).ok()?, self.out);
        Some(())
    }

    /// A float; `None` for NaN and ±Infinity.
    pub fn float(&mut self, f: f64) -> Option<()> {
        f.is_finite().then_some(())?;
        format_number(f, self.out);
        Some(())
    }

    /// A string (the binding checked that it is whole Unicode: a `&str`).
    pub fn string(&mut self, s: &str) -> Option<()> {
        write_string(s, self.out);
        Some(())
    }

    /// An object: `members` calls [`HostWriter::member`] once per member.
    pub fn object(&mut self, members: impl FnOnce(&mut Self) -> Option<()>) -> Option<()> {
        (self.depth < MAX_DEPTH).then_some(())?;
        self.out.push(b'{');
        let body = self.out.len();
        let first = self.members.open();
        self.depth += 1;
        members(self)?;
        self.depth -= 1;
        self.members.order_by_kept_keys(first, body, self.out)?;
        self.out.push(b'}');
        Some(())
    }

    /// A member of the innermost object: its key, then `value` writes one value.
    pub fn member(&mut self, key: &str, value: impl FnOnce(&mut Self) -> Option<()>) -> Option<()> {
        // No value ends in `{`: the object's opening brace is the only one.
        if self.out.last() != Some(&b'{') {
            self.out.push(b',');
        }
        let at = self.out.len();
        let key_at = self.members.keep_key(key);
        write_string(key, self.out);
        self.out.push(b':');
        value(self)?;
        self.members.push(Member {
            key: key_at,
            out: (at, self.out.len()),
        });
        Some(())
    }

    /// An array: `items` calls [`HostWriter::item`] once per item.
    pub fn array(&mut self, items: impl FnOnce(&mut Self) -> Option<()>) -> Option<()> {
        (self.depth < MAX_DEPTH).then_some(())?;
        self.out.push(b'[');
        self.depth += 1;
        items(self)?;
        self.depth -= 1;
        self.out.push(b']');
        Some(())
    }

    /// An item of the innermost array: `value` writes one value.
    pub fn item(&mut self, value: impl FnOnce(&mut Self) -> Option<()>) -> Option<()> {
        // No value ends in `[`: the array's opening bracket is the only one.
        if self.out.last() != Some(&b'[') {
            self.out.push(b',');
        }
        value(self)
    }

    fn put(&mut self, bytes: &[u8]) -> Option<()> {
        self.out.extend_from_slice(bytes);
        Some(())
    }
}
