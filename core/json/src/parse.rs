//! A strict RFC 8259 parser of tooltrail's own.
//!
//! Unlike a serde_json round trip it rejects duplicate keys, keeps integer
//! tokens exact long enough to range-check them, reports lone-surrogate
//! escapes, and stops at [`MAX_DEPTH`] without recursing further, so hostile
//! input (depth 100,000) fails fast instead of overflowing the stack.

use std::collections::HashSet;

use crate::error::{CanonError, ErrorKind};
use crate::escape::clean_prefix;
use crate::number::{MAX_SAFE_INTEGER, check_float, out_of_range};
use crate::value::Value;
use crate::value::check_depth;

/// Parses UTF-8 JSON text into a [`Value`], applying the input policy.
pub fn parse_json(text: &[u8]) -> Result<Value, CanonError> {
    match std::str::from_utf8(text) {
        Ok(text) => parse_json_str(text),
        Err(e) => Err(invalid(format!(
            "invalid UTF-8 at byte {}",
            e.valid_up_to()
        ))),
    }
}

/// [`parse_json`] of text already known to be UTF-8 (a `&str`): the
/// bindings' strings, which need no second validation.
pub fn parse_json_str(text: &str) -> Result<Value, CanonError> {
    let mut p = Parser {
        s: text.as_bytes(),
        text,
        i: 0,
    };
    p.skip_ws();
    let v = p.value(0)?;
    p.skip_ws();
    if p.i != p.s.len() {
        return Err(p.unexpected("end of input"));
    }
    Ok(v)
}

/// Members checked for duplicates by scanning before a set takes over.
const SCAN_LIMIT: usize = 16;

fn invalid(detail: String) -> CanonError {
    CanonError::new(ErrorKind::InvalidJson, detail)
}

struct Parser<'a> {
    s: &'a [u8],
    /// The same input as text, for cutting strings out without revalidating.
    text: &'a str,
    i: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn unexpected(&self, wanted: &str) -> CanonError {
        match self.peek() {
            None => invalid(format!("unexpected end of input, expected {wanted}")),
            Some(b) => invalid(format!(
                "unexpected {:?} at byte {}, expected {wanted}",
                char::from(b),
                self.i
            )),
        }
    }

    fn expect(&mut self, b: u8, wanted: &str) -> Result<(), CanonError> {
        if self.peek() == Some(b) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.unexpected(wanted))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, CanonError> {
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => Ok(Value::String(self.string()?)),
            Some(b't') => self.literal(b"true", Value::Bool(true)),
            Some(b'f') => self.literal(b"false", Value::Bool(false)),
            Some(b'n') => self.literal(b"null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.unexpected("a JSON value")),
        }
    }

    fn literal(&mut self, word: &[u8], v: Value) -> Result<Value, CanonError> {
        if self.s[self.i..].starts_with(word) {
            self.i += word.len();
            Ok(v)
        } else {
            Err(self.unexpected("a JSON value"))
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, CanonError> {
        check_depth(depth)?;
        self.i += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_ws();
            let index = items.len();
            items.push(self.value(depth + 1).map_err(|e| e.within_index(index))?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.unexpected("',' or ']'").within_index(index)),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, CanonError> {
        check_depth(depth)?;
        self.i += 1;
        let mut members: Vec<(String, Value)> = Vec::new();
        // Duplicates by linear scan while the object is small (the usual
        // case: no hashing, no key copies); a set once it grows.
        let mut seen: Option<HashSet<String>> = None;
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(Value::Object(members));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.unexpected("a string key"));
            }
            let key = self.string()?;
            let repeated = match seen.as_mut() {
                Some(set) => !set.insert(key.clone()),
                None if members.len() < SCAN_LIMIT => members.iter().any(|(k, _)| *k == key),
                None => {
                    let mut set: HashSet<String> = members.iter().map(|m| m.0.clone()).collect();
                    let repeated = !set.insert(key.clone());
                    seen = Some(set);
                    repeated
                }
            };
            if repeated {
                return Err(CanonError::new(
                    ErrorKind::DuplicateKey,
                    format!("key {key:?} appears more than once"),
                )
                .within_key(&key));
            }
            self.skip_ws();
            self.expect(b':', "':'")?;
            self.skip_ws();
            let v = self.value(depth + 1).map_err(|e| e.within_key(&key))?;
            members.push((key, v));
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(Value::Object(members));
                }
                _ => {
                    let key = &members[members.len() - 1].0;
                    return Err(self.unexpected("',' or '}'").within_key(key));
                }
            }
        }
    }

    fn string(&mut self) -> Result<String, CanonError> {
        self.i += 1; // opening quote
        let mut start = self.i;
        self.i += clean_prefix(&self.s[self.i..]);
        // The usual string: no escapes, copied once at its exact size.
        if self.peek() == Some(b'"') {
            let out = self.slice(start).to_owned();
            self.i += 1;
            return Ok(out);
        }
        let mut out = String::new();
        loop {
            let Some(b) = self.peek() else {
                return Err(self.unexpected("'\"'"));
            };
            match b {
                b'"' => {
                    out.push_str(self.slice(start));
                    self.i += 1;
                    return Ok(out);
                }
                b'\\' => {
                    out.push_str(self.slice(start));
                    self.i += 1;
                    self.escape(&mut out)?;
                    start = self.i;
                }
                0x00..=0x1f => {
                    return Err(invalid(format!(
                        "unescaped control character U+{b:04X} in string at byte {}",
                        self.i
                    )));
                }
                _ => self.i += 1,
            }
        }
    }

    fn slice(&self, start: usize) -> &'a str {
        // Cut only at ASCII bytes, so always on character boundaries.
        &self.text[start..self.i]
    }

    fn escape(&mut self, out: &mut String) -> Result<(), CanonError> {
        let Some(b) = self.peek() else {
            return Err(self.unexpected("an escape"));
        };
        self.i += 1;
        let c = match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => return self.unicode_escape(out),
            _ => {
                self.i -= 1;
                return Err(self.unexpected("a valid escape"));
            }
        };
        out.push(c);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u16, CanonError> {
        let digits = self.s.get(self.i..self.i + 4).unwrap_or(&[]);
        let parsed = std::str::from_utf8(digits)
            .ok()
            .filter(|d| d.len() == 4 && d.bytes().all(|c| c.is_ascii_hexdigit()))
            .and_then(|d| u16::from_str_radix(d, 16).ok());
        match parsed {
            Some(u) => {
                self.i += 4;
                Ok(u)
            }
            None => Err(self.unexpected("4 hex digits")),
        }
    }

    fn unicode_escape(&mut self, out: &mut String) -> Result<(), CanonError> {
        let first = self.hex4()?;
        let lone = |u: u16| {
            CanonError::new(
                ErrorKind::LoneSurrogate,
                format!("escape \\u{u:04x} is an unpaired surrogate"),
            )
        };
        let c = match first {
            0xD800..=0xDBFF => {
                if !self.s[self.i..].starts_with(b"\\u") {
                    return Err(lone(first));
                }
                self.i += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(lone(first));
                }
                let cp = 0x10000 + (((first as u32) - 0xD800) << 10) + ((second as u32) - 0xDC00);
                char::from_u32(cp).expect("valid surrogate pair")
            }
            0xDC00..=0xDFFF => return Err(lone(first)),
            _ => char::from_u32(first as u32).expect("BMP non-surrogate"),
        };
        out.push(c);
        Ok(())
    }

    fn number(&mut self) -> Result<Value, CanonError> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.unexpected("a digit")),
        }
        let mut integral = true;
        if self.peek() == Some(b'.') {
            integral = false;
            self.i += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.unexpected("a digit after '.'"));
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            integral = false;
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.unexpected("a digit in the exponent"));
            }
            self.digits();
        }
        let token = self.slice(start);
        if integral {
            // More than 16 significant digits can never be within 2^53-1.
            let digits = token.trim_start_matches('-');
            match token.parse::<i64>() {
                Ok(n) if digits.len() <= 16 && n.unsigned_abs() <= MAX_SAFE_INTEGER as u64 => {
                    Ok(Value::Number(n as f64))
                }
                _ => Err(out_of_range(token)),
            }
        } else {
            let f: f64 = token.parse().expect("grammar-checked float token");
            check_float(f).map(Value::Number).map_err(|_| {
                CanonError::new(ErrorKind::NonFinite, format!("{token} overflows a double"))
            })
        }
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
    }
}
