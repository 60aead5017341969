//! Plain data as the Node binding's JavaScript records it: a "tape" of
//! structure codes and one string of every key, string and number, back to
//! JSON text.
//!
//! Node's `JSON.stringify` escapes every string character by character in
//! C++ and was measured at ~6,800 instructions for a tool call's three small
//! arguments, the largest single cost of a call. Walking the value in
//! JavaScript and only concatenating its strings (no escaping) costs about
//! half. This module checks a tape on the caller's thread ([`check`]: the
//! structure, surrogates, and the numbers the strict rules might refuse) and
//! turns it into JSON text where the line is built ([`write_json`]: escaping,
//! UTF-16 to UTF-8), which then goes where `JSON.stringify`'s text went
//! (canonicalization and the hash on the writer's thread). So the tape never
//! decides what a value hashes to: the JSON text does.
//!
//! The tape (`bindings-node/lib/tape.js` writes it):
//! - `ops`: one value, as codes. `n >= 0`: a string, the next `n` UTF-16
//!   units of `text` (in an object, keys and values alternate); [`OBJECT`] …
//!   [`END_OBJECT`]; [`ARRAY`] … [`END_ARRAY`]; [`TRUE`], [`FALSE`], [`NULL`];
//!   `n <= NUMBER`: a finite number, the next `NUMBER - n` units of `text`
//!   (ECMAScript's `Number.prototype.toString`, as `JSON.stringify` prints it).
//!   Then [`END`]; codes after it are stale (the array is reused) and not read.
//! - `text`: those units, in that order, and nothing else.
//!
//! A lone surrogate is refused here (`JSON.stringify` would have escaped it
//! and the strict parser refused the escape), as is a tape that does not
//! hold exactly one value: the binding then converts the host value itself,
//! whose errors name the offending path.

use crate::error::{CanonError, ErrorKind};
use crate::escape::write_string;
use crate::value::{Value, check_depth};

/// Opens an object: keys (strings) and values alternate until [`END_OBJECT`].
pub const OBJECT: i32 = -1;
/// Closes the innermost object.
pub const END_OBJECT: i32 = -2;
/// Opens an array: values until [`END_ARRAY`].
pub const ARRAY: i32 = -3;
/// Closes the innermost array.
pub const END_ARRAY: i32 = -4;
/// `true`.
pub const TRUE: i32 = -5;
/// `false`.
pub const FALSE: i32 = -6;
/// `null`.
pub const NULL: i32 = -7;
/// A number whose text is `NUMBER - code` units long (`code <= NUMBER`).
pub const NUMBER: i32 = -8;
/// After the value: where its codes stop (no other code is this low).
pub const END: i32 = i32::MIN;

/// Checks, on the caller's thread, what would send the value to the
/// binding's converter instead: a lone surrogate, or an integer beyond 2^53
/// (the strict rules refuse it as text, where the converter reads the host's
/// number). Returns how many codes the value takes (those before [`END`]).
///
/// A pass over the text finds whether it holds any surrogate, and one over
/// the codes whether a number is 16 characters or longer (an integer beyond
/// 2^53 has 16 digits); only then is the tape walked (and, for the number,
/// its JSON text canonicalized) to know. Both passes are branch-free, so
/// they vectorize. The structure is not checked here: a tape the binding's
/// JavaScript did not write whole fails when [`write_json`] reads it, and
/// the call logs that as its `args_error`.
pub fn check(ops: &[i32], text: &[u16]) -> Result<usize, CanonError> {
    let used = ops
        .iter()
        .position(|&c| c == END)
        .ok_or_else(|| malformed("no end code"))?;
    let ops = &ops[..used];
    let surrogates = text
        .iter()
        .fold(false, |any, &u| any | (u & 0xf800 == 0xd800));
    let long_number = ops.iter().fold(false, |any, &c| any | (c <= NUMBER - 16));
    if surrogates {
        Reader::<false>::new(ops, text).whole(&mut Vec::new())?;
    }
    if long_number {
        let json = json_string(ops, text)?;
        crate::text::write_canonical_text(&json, &mut Vec::new())?;
    }
    Ok(used)
}

/// Appends the JSON text of the value on the tape (`ops`, `text`) to `out`
/// (members in tape order, RFC 8785 string escaping). On error `out` holds
/// what it held before.
pub fn write_json(ops: &[i32], text: &[u16], out: &mut Vec<u8>) -> Result<(), CanonError> {
    let at = out.len();
    let written = Reader::<true>::new(ops, text).whole(out);
    if written.is_err() {
        out.truncate(at);
    }
    written
}

/// The JSON text of a tape as the gateway reads it: [`check`]ed, then
/// [`json_string`] of the codes before [`END`]; or why it is refused.
pub fn checked_json(ops: &[i32], text: &[u16]) -> Result<String, CanonError> {
    let used = check(ops, text)?;
    json_string(&ops[..used], text)
}

/// [`write_json`] into a new string.
pub fn json_string(ops: &[i32], text: &[u16]) -> Result<String, CanonError> {
    let mut out = Vec::with_capacity(text.len() + 2 * ops.len());
    write_json(ops, text, &mut out)?;
    // Only escaped strings (whole UTF-8) and ASCII are written.
    String::from_utf8(out).map_err(|_| malformed("not UTF-8"))
}

/// Walks one value of a tape; writes its JSON text to the `out` it is given
/// when `WRITE`, else only checks it.
struct Reader<'a, const WRITE: bool> {
    ops: &'a [i32],
    text: &'a [u16],
    /// The next code to read.
    op: usize,
    /// The next unit of `text` to read.
    unit: usize,
    /// A string's UTF-8, before escaping.
    scratch: String,
}

impl<'a, const WRITE: bool> Reader<'a, WRITE> {
    fn new(ops: &'a [i32], text: &'a [u16]) -> Self {
        Self {
            ops,
            text,
            op: 0,
            unit: 0,
            scratch: String::new(),
        }
    }

    /// One value, and then no text left over.
    fn whole(&mut self, out: &mut Vec<u8>) -> Result<(), CanonError> {
        self.value(out, 0)?;
        match self.unit == self.text.len() {
            true => Ok(()),
            false => Err(malformed("text left over after the value")),
        }
    }

    fn next_op(&mut self) -> Result<i32, CanonError> {
        let code = *self
            .ops
            .get(self.op)
            .ok_or_else(|| malformed("the tape ends inside a value"))?;
        self.op += 1;
        Ok(code)
    }

    fn units(&mut self, n: usize) -> Result<&'a [u16], CanonError> {
        let text = self.text;
        let end = self.unit.checked_add(n).filter(|&e| e <= text.len());
        let end = end.ok_or_else(|| malformed("the text ends inside a string"))?;
        let units = &text[self.unit..end];
        self.unit = end;
        Ok(units)
    }

    fn value(&mut self, out: &mut Vec<u8>, depth: usize) -> Result<(), CanonError> {
        let code = self.next_op()?;
        self.value_from(code, out, depth)
    }

    fn value_from(&mut self, code: i32, out: &mut Vec<u8>, depth: usize) -> Result<(), CanonError> {
        match code {
            0.. => self.string(code, out),
            OBJECT => self.object(out, depth),
            ARRAY => self.array(out, depth),
            TRUE => self.put(out, b"true"),
            FALSE => self.put(out, b"false"),
            NULL => self.put(out, b"null"),
            END_OBJECT | END_ARRAY => Err(malformed("a container closes where a value belongs")),
            ..=NUMBER => self.number(NUMBER - code, out),
        }
    }

    /// An object opening at `depth` (containers around it).
    fn object(&mut self, out: &mut Vec<u8>, depth: usize) -> Result<(), CanonError> {
        check_depth(depth)?;
        self.put(out, b"{")?;
        let mut first = true;
        loop {
            match self.next_op()? {
                END_OBJECT => break,
                key @ 0.. => {
                    if !first {
                        self.put(out, b",")?;
                    }
                    first = false;
                    self.string(key, out)?;
                    self.put(out, b":")?;
                    self.value(out, depth + 1)?;
                }
                _ => return Err(malformed("an object's key is not a string")),
            }
        }
        self.put(out, b"}")?;
        Ok(())
    }

    /// An array opening at `depth`.
    fn array(&mut self, out: &mut Vec<u8>, depth: usize) -> Result<(), CanonError> {
        check_depth(depth)?;
        self.put(out, b"[")?;
        let mut first = true;
        loop {
            let code = self.next_op()?;
            if code == END_ARRAY {
                break;
            }
            if !first {
                self.put(out, b",")?;
            }
            first = false;
            self.value_from(code, out, depth + 1)?;
        }
        self.put(out, b"]")?;
        Ok(())
    }

    /// Writes `bytes` (when writing); never fails, `Result` for `?`'s sake.
    fn put(&self, out: &mut Vec<u8>, bytes: &[u8]) -> Result<(), CanonError> {
        if WRITE {
            out.extend_from_slice(bytes);
        }
        Ok(())
    }

    /// A string of `n` units (`n >= 0`), escaped: printable ASCII without
    /// `"` or `\\` (ids, keys, most text) copied as is, the rest decoded
    /// from UTF-16 (a surrogate without its pair is refused) and escaped.
    fn string(&mut self, n: i32, out: &mut Vec<u8>) -> Result<(), CanonError> {
        let units = self.units(n as usize)?;
        if !WRITE {
            // Arithmetic, so the scan vectorizes; pairs checked only if needed.
            let surrogates = units
                .iter()
                .fold(false, |any, &u| any | (u & 0xf800 == 0xd800));
            return match surrogates && char::decode_utf16(units.iter().copied()).any(|c| c.is_err())
            {
                true => Err(lone_surrogate()),
                false => Ok(()),
            };
        }
        // Branch-free, so the scan vectorizes.
        let plain = |u: u16| {
            (u.wrapping_sub(0x20) < 0x60) & (u != u16::from(b'"')) & (u != u16::from(b'\\'))
        };
        if units.iter().fold(true, |all, &u| all & plain(u)) {
            out.reserve(units.len() + 2);
            out.push(b'"');
            let at = out.len();
            out.resize(at + units.len(), 0);
            // Slice to slice, so the narrowing vectorizes.
            for (b, &u) in out[at..].iter_mut().zip(units) {
                *b = u as u8;
            }
            out.push(b'"');
            return Ok(());
        }
        let scratch = &mut self.scratch;
        scratch.clear();
        for c in char::decode_utf16(units.iter().copied()) {
            scratch.push(c.map_err(|_| lone_surrogate())?);
        }
        write_string(scratch, out);
        Ok(())
    }

    /// A number's text, copied: only characters of a JSON number may be in
    /// it (the strict parser checks its grammar when the text is read).
    fn number(&mut self, n: i32, out: &mut Vec<u8>) -> Result<(), CanonError> {
        let units = self.units(n as usize)?;
        let numeric = |u: &u16| matches!(u, 0x30..=0x39 | 0x2b | 0x2d | 0x2e | 0x45 | 0x65);
        if units.is_empty() || !units.iter().all(numeric) {
            return Err(malformed("a number's text is not a number"));
        }
        if WRITE {
            out.extend(units.iter().map(|&u| u as u8));
        }
        Ok(())
    }
}

fn lone_surrogate() -> CanonError {
    CanonError::new(ErrorKind::LoneSurrogate, "string holds a lone surrogate")
}

fn malformed(what: &str) -> CanonError {
    CanonError::new(ErrorKind::InvalidJson, format!("malformed tape: {what}"))
}

/// The tape of `v`, as the Node binding's `lib/tape.js` records a plain JS
/// value: for Rust callers and tests that need one. It is not ended (push
/// [`END`] to hand it to [`check`]).
pub fn encode(v: &Value) -> (Vec<i32>, Vec<u16>) {
    fn put(v: &Value, ops: &mut Vec<i32>, text: &mut Vec<u16>) {
        match v {
            Value::Null => ops.push(NULL),
            Value::Bool(true) => ops.push(TRUE),
            Value::Bool(false) => ops.push(FALSE),
            Value::Number(n) => {
                let mut s = Vec::new();
                crate::number::format_number(*n, &mut s);
                ops.push(NUMBER - s.len() as i32);
                text.extend(s.iter().map(|&b| u16::from(b)));
            }
            Value::String(s) => string(s, ops, text),
            Value::Array(items) => {
                ops.push(ARRAY);
                items.iter().for_each(|x| put(x, ops, text));
                ops.push(END_ARRAY);
            }
            Value::Object(members) => {
                ops.push(OBJECT);
                for (k, x) in members {
                    string(k, ops, text);
                    put(x, ops, text);
                }
                ops.push(END_OBJECT);
            }
        }
    }
    fn string(s: &str, ops: &mut Vec<i32>, text: &mut Vec<u16>) {
        let at = text.len();
        text.extend(s.encode_utf16());
        ops.push((text.len() - at) as i32);
    }
    let (mut ops, mut text) = (Vec::new(), Vec::new());
    put(v, &mut ops, &mut text);
    (ops, text)
}

mod write;
pub use write::write_canonical;

#[cfg(test)]
mod tests;
