//! RFC 8785 bytes straight from JSON text, without building a [`Value`].
//!
//! JSON text as serializers print it (`JSON.stringify`, `json.dumps` with
//! default escaping of controls) is already canonical except for the order
//! of object members: RFC 8785 escapes strings and formats numbers exactly
//! as ECMAScript's `JSON.stringify` does. So the usual text is canonicalized
//! by copying its tokens and reordering members, one pass, no allocation per
//! string: what the gateway does with every call's arguments in Node.
//!
//! The fast pass takes only what it can copy exactly (strings whose escapes
//! are the canonical ones, keys without escapes, integers of at most 15
//! digits, other numbers re-formatted, literals). Anything else (a
//! non-canonical escape, an escaped or duplicate key, a long integer, deep
//! nesting, invalid text) sends the whole text through the strict parser and
//! [`write_canonical`], so results and errors are exactly theirs.
//!
//! [`Value`]: crate::value::Value

use crate::error::CanonError;
use crate::escape::clean_prefix;
use crate::members::{Member, Members};
use crate::number::{check_float, format_number};
use crate::parse::parse_json_str;
use crate::value::MAX_DEPTH;
use crate::write::{utf16_cmp, write_canonical};

/// Appends the canonical bytes of JSON text `text` to `out`: the same bytes
/// and the same errors as parsing it strictly and writing the value with
/// [`write_canonical`]. On error `out` holds what it held before.
pub fn write_canonical_text(text: &str, out: &mut Vec<u8>) -> Result<(), CanonError> {
    let at = out.len();
    if fast(text, out).is_some() {
        return Ok(());
    }
    out.truncate(at);
    let written = parse_json_str(text).and_then(|v| write_canonical(&v, out));
    if written.is_err() {
        out.truncate(at);
    }
    written
}

/// Whether [`write_canonical_text`] might refuse `text` for a reason a
/// serializer of plain data can produce: a `\u` escape of a surrogate (how
/// `JSON.stringify` writes a lone one), a run of 16 or more digits (an
/// integer beyond 2^53 is one), or as many brackets as the nesting limit.
/// `false` means that `text`, if it is JSON without duplicate keys (any
/// serializer's output), canonicalizes: the gateway then defers the work to
/// the writer's thread. A scan of the bytes, 8 at a time, no parse.
pub fn may_refuse(text: &str) -> bool {
    let s = text.as_bytes();
    // Nesting as deep as the limit needs its brackets opened and closed.
    // (`[` is 0x5b, `{` 0x7b: one compare each, so the count vectorizes.)
    if s.len() >= 2 * MAX_DEPTH && s.iter().filter(|&&b| b | 0x20 == b'{').count() >= MAX_DEPTH {
        return true;
    }
    let mut chunks = s.chunks_exact(8);
    for (k, chunk) in chunks.by_ref().enumerate() {
        let x = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        // A run of 16 digits covers a whole aligned chunk of 8.
        if (has_byte(x, b'\\') && surrogate_escape(s, k * 8, k * 8 + 8))
            || (all_digits(x) && digit_run(s, k * 8) >= 16)
        {
            return true;
        }
    }
    surrogate_escape(s, s.len() - chunks.remainder().len(), s.len())
}

const ONES: u64 = 0x0101_0101_0101_0101;

/// Whether some byte of `x` is `b` (exact: the borrow trick errs only above
/// a real match).
fn has_byte(x: u64, b: u8) -> bool {
    let v = x ^ (ONES * u64::from(b));
    v.wrapping_sub(ONES) & !v & (ONES << 7) != 0
}

/// Whether all 8 bytes of `x` are ASCII digits: high nibble 3, and adding 6
/// keeps it 3 (0x39 + 6 = 0x3f; 0x3a + 6 = 0x40). No byte carries into the
/// next: each is at most 0x3f + 6.
fn all_digits(x: u64) -> bool {
    const HIGH: u64 = 0xf0f0_f0f0_f0f0_f0f0;
    const THREES: u64 = 0x3030_3030_3030_3030;
    x & HIGH == THREES && x.wrapping_add(6 * ONES) & HIGH == THREES
}

/// Whether a backslash in `s[from..to]` starts `\ud` / `\uD`.
fn surrogate_escape(s: &[u8], from: usize, to: usize) -> bool {
    (from..to).any(|i| {
        s[i] == b'\\' && s.get(i + 1) == Some(&b'u') && matches!(s.get(i + 2), Some(b'd' | b'D'))
    })
}

/// The length of the run of digits through `s[at]`.
fn digit_run(s: &[u8], at: usize) -> usize {
    let before = s[..at]
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let after = s[at..].iter().take_while(|b| b.is_ascii_digit()).count();
    before + after
}

/// Parses JSON text strictly and returns its canonical form.
pub fn canonical_json_from_text(text: &str) -> Result<String, CanonError> {
    let mut out = Vec::with_capacity(text.len());
    write_canonical_text(text, &mut out)?;
    // Only whole UTF-8 strings and ASCII are ever appended.
    Ok(String::from_utf8(out).expect("canonical output is UTF-8"))
}

/// The fast pass: `None` when `text` needs the strict parser.
fn fast(text: &str, out: &mut Vec<u8>) -> Option<()> {
    let mut pass = Pass {
        s: text.as_bytes(),
        text,
        i: 0,
        out,
        members: Members::take(),
    };
    pass.skip_ws();
    let done = pass.value(0).and_then(|()| {
        pass.skip_ws();
        (pass.i == pass.s.len()).then_some(())
    });
    pass.members.give_back();
    done
}

struct Pass<'a, 'o> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
    out: &'o mut Vec<u8>,
    /// The members of the objects open now.
    members: Members,
}

impl Pass<'_, '_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        (self.peek() == Some(b)).then(|| self.i += 1)
    }

    fn value(&mut self, depth: usize) -> Option<()> {
        match self.peek()? {
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'"' => self.string().map(|_| ()),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        self.s[self.i..].starts_with(word).then_some(())?;
        self.i += word.len();
        self.out.extend_from_slice(word);
        Some(())
    }

    /// Copies a string token whose escapes are all canonical; returns
    /// whether it had any.
    fn string(&mut self) -> Option<bool> {
        let start = self.i;
        self.i += 1;
        let mut escaped = false;
        loop {
            self.i += clean_prefix(&self.s[self.i..]);
            match self.peek()? {
                b'"' => break,
                b'\\' => {
                    escaped = true;
                    self.i += canonical_escape(&self.s[self.i..])?;
                }
                // A raw control character: invalid text, the parser says so.
                _ => return None,
            }
        }
        self.i += 1;
        self.out.extend_from_slice(&self.s[start..self.i]);
        Some(escaped)
    }

    fn number(&mut self) -> Option<()> {
        self.i += copy_number(&self.s[self.i..], self.out)?;
        Some(())
    }

    /// After an item of a container: `,` (copied; more follow) or the
    /// container's `close` (false); anything else is for the parser.
    fn more(&mut self, close: u8) -> Option<bool> {
        self.skip_ws();
        let b = self.peek()?;
        self.i += 1;
        if b == b',' {
            self.out.push(b',');
            Some(true)
        } else {
            (b == close).then_some(false)
        }
    }

    fn array(&mut self, depth: usize) -> Option<()> {
        (depth < MAX_DEPTH).then_some(())?;
        self.i += 1;
        self.out.push(b'[');
        self.skip_ws();
        if self.eat(b']').is_none() {
            loop {
                self.skip_ws();
                self.value(depth + 1)?;
                if !self.more(b']')? {
                    break;
                }
            }
        }
        self.out.push(b']');
        Some(())
    }

    fn object(&mut self, depth: usize) -> Option<()> {
        (depth < MAX_DEPTH).then_some(())?;
        self.i += 1;
        self.out.push(b'{');
        let body = self.out.len();
        let first = self.members.open();
        self.skip_ws();
        if self.eat(b'}').is_none() {
            loop {
                self.skip_ws();
                if self.peek()? != b'"' {
                    return None;
                }
                let (key_at, out_at) = (self.i + 1, self.out.len());
                // An escaped key would have to be decoded to be ordered.
                if self.string()? {
                    return None;
                }
                let key = (key_at, self.i - 1);
                self.skip_ws();
                self.eat(b':')?;
                self.out.push(b':');
                self.skip_ws();
                self.value(depth + 1)?;
                self.members.push(Member {
                    key,
                    out: (out_at, self.out.len()),
                });
                if !self.more(b'}')? {
                    break;
                }
            }
            let text = self.text;
            let key = |m: &Member| &text[m.key.0..m.key.1];
            // RFC 8785 §3.2.3: UTF-16 code units.
            self.members
                .order(first, body, self.out, |a, b| utf16_cmp(key(a), key(b)))?;
        }
        self.out.push(b'}');
        Some(())
    }
}

/// Copies the JSON number token at the start of `s` to `out` in canonical
/// form and returns its length; `None` when it is not a number's grammar or
/// needs the strict parser (an integer of 16 or more digits, `-0`, a float
/// it refuses). Integers of at most 15 digits are exact in a double and
/// printed by ECMAScript as the same digits; other numbers are re-formatted.
pub(crate) fn copy_number(s: &[u8], out: &mut Vec<u8>) -> Option<usize> {
    let digits = |i: &mut usize| {
        while matches!(s.get(*i), Some(b'0'..=b'9')) {
            *i += 1;
        }
    };
    let mut i = usize::from(s.first() == Some(&b'-'));
    match s.get(i)? {
        b'0' => i += 1,
        b'1'..=b'9' => digits(&mut i),
        _ => return None,
    }
    let int_end = i;
    if s.get(i) == Some(&b'.') {
        i += 1;
        matches!(s.get(i), Some(b'0'..=b'9')).then_some(())?;
        digits(&mut i);
    }
    if matches!(s.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(s.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        matches!(s.get(i), Some(b'0'..=b'9')).then_some(())?;
        digits(&mut i);
    }
    // Only ASCII was consumed: the token is text.
    let token = std::str::from_utf8(&s[..i]).ok()?;
    if i == int_end {
        // (`-0` prints as `0`; longer integers are range-checked by the parser.)
        let digits = token.trim_start_matches('-');
        (digits.len() <= 15 && token != "-0").then_some(())?;
        out.extend_from_slice(token.as_bytes());
    } else {
        let f = check_float(token.parse().ok()?).ok()?;
        format_number(f, out);
    }
    Some(i)
}

/// The length of the escape at the start of `s` (which starts with `\`) if
/// it is the one RFC 8785 writes for its character: `\"`, `\\`, `\b`, `\f`,
/// `\n`, `\r`, `\t`, or `\u00xx` (lowercase hex) for the other controls.
fn canonical_escape(s: &[u8]) -> Option<usize> {
    match *s.get(1)? {
        b'"' | b'\\' | b'b' | b'f' | b'n' | b'r' | b't' => Some(2),
        b'u' => {
            let hex = s.get(2..6)?;
            let low = |b: u8| matches!(b, b'0'..=b'9' | b'a'..=b'f');
            let ok = hex[0] == b'0'
                && hex[1] == b'0'
                && matches!(hex[2], b'0' | b'1')
                && low(hex[3])
                && !matches!(&hex[2..], b"08" | b"09" | b"0a" | b"0c" | b"0d");
            ok.then_some(6)
        }
        _ => None,
    }
}

#[cfg(test)]
#[path = "text_tests.rs"]
mod tests;
