//! Gateway events written straight to their JSONL bytes.
//!
//! Every tool call writes two events, so they are serialized field by field
//! into one buffer (no intermediate `Value` tree, no owned keys): the bytes
//! are exactly what `event::write_event_line` writes for the same fields in
//! the same order, which the golden vectors check in all three languages.

use std::borrow::Cow;
use std::fmt;

use crate::time::push_timestamp;
use crate::writer::{DeferredLine, EventWriter};
use tooltrail_json::Value;
use tooltrail_json::format_number;
use tooltrail_json::{write_ordered, write_string};

/// The events of one call's `begin` or `finish`: nearly always one, held
/// without an allocation of its own.
pub type Events = smallvec::SmallVec<[Event; 1]>;

/// One event for the logger: its name and its line, built or to build.
pub struct Event {
    /// `tool_call`, `tool_result`, …
    pub name: &'static str,
    body: Body,
}

enum Body {
    /// Serialized when the event happened.
    Line(Vec<u8>),
    /// A call's facts, serialized by whoever needs the bytes: the writer's
    /// thread ([`Event::write_to`]) or the caller of [`Event::line`].
    Deferred(Box<dyn DeferredLine>),
}

impl Event {
    /// An event a [`DeferredLine`] renders.
    pub(crate) fn deferred(name: &'static str, facts: Box<dyn DeferredLine>) -> Self {
        Event {
            name,
            body: Body::Deferred(facts),
        }
    }

    /// The JSONL line, `{"v":1,"ts":…,"event":…,…}` and a newline: what a
    /// native writer stores as is (built now if it was deferred).
    pub fn line(&self) -> Cow<'_, [u8]> {
        match &self.body {
            Body::Line(line) => Cow::Borrowed(line),
            Body::Deferred(facts) => Cow::Owned(facts.to_line()),
        }
    }

    /// The line, built now if it was deferred.
    pub fn into_line(self) -> Vec<u8> {
        match self.body {
            Body::Line(line) => line,
            Body::Deferred(facts) => facts.to_line(),
        }
    }

    /// Hands the event to `writer`: a deferred one is built on the writer's
    /// thread, the same bytes [`line`](Self::line) gives. Returns whether the
    /// writer accepted it (a drop is counted there).
    pub fn write_to(self, writer: &EventWriter) -> bool {
        match self.body {
            Body::Line(line) => writer.write_line(line),
            Body::Deferred(facts) => writer.write_deferred(facts),
        }
    }

    /// The fields (`ts` first, without `v` and `event`), for loggers and
    /// callbacks that take `(name, fields)`.
    pub fn fields(&self) -> Value {
        let line = self.line();
        let text = line.strip_suffix(b"\n").unwrap_or(&line);
        match tooltrail_json::parse_json(text) {
            Ok(Value::Object(members)) => Value::Object(
                members
                    .into_iter()
                    .filter(|(k, _)| k != "v" && k != "event")
                    .collect(),
            ),
            // The gateway wrote this line from valid values; never reached.
            _ => Value::Object(Vec::new()),
        }
    }

    /// One field, by name (tests and callers that need a single value).
    pub fn get(&self, key: &str) -> Option<Value> {
        match self.fields() {
            Value::Object(members) => members.into_iter().find(|(k, _)| k == key).map(|m| m.1),
            _ => None,
        }
    }
}

// By their bytes: a deferred event equals, clones to and prints as its line.
impl Clone for Event {
    fn clone(&self) -> Self {
        Event {
            name: self.name,
            body: Body::Line(self.line().into_owned()),
        }
    }
}

impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.line() == other.line()
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("name", &self.name)
            .field("line", &String::from_utf8_lossy(&self.line()))
            .finish()
    }
}

/// Builds one event line; fields are appended in the order called.
pub(crate) struct Line {
    name: &'static str,
    buf: Vec<u8>,
}

impl Line {
    /// `{"v":1,"ts":"<at_us>","event":"<name>"`.
    pub(super) fn new(name: &'static str, at_us: i64) -> Self {
        Self::on(name, at_us, Vec::with_capacity(384))
    }

    /// As [`Line::new`], appended to `buf` (a writer's batch).
    pub(super) fn on(name: &'static str, at_us: i64, mut buf: Vec<u8>) -> Self {
        buf.extend_from_slice(b"{\"v\":1,\"ts\":\"");
        push_timestamp(at_us, &mut buf);
        // Event names are the schema's own words: nothing to escape.
        debug_assert!(name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
        buf.extend_from_slice(b"\",\"event\":\"");
        buf.extend_from_slice(name.as_bytes());
        buf.push(b'"');
        Self { name, buf }
    }

    /// A fragment of members (`,"k":v,…`) to splice into lines later.
    pub(super) fn members() -> Self {
        Self {
            name: "",
            buf: Vec::with_capacity(160),
        }
    }

    /// The fragment built by a [`Line::members`] builder.
    pub(super) fn into_members(self) -> Vec<u8> {
        self.buf
    }

    /// Pre-serialized members (`,"k":v,…`), such as a call's common ids.
    pub(super) fn raw(&mut self, members: &[u8]) -> &mut Self {
        self.buf.extend_from_slice(members);
        self
    }

    /// Pre-serialized members in pieces, one after another (an event's ids:
    /// `CommonIds::parts`).
    pub(super) fn raw_parts(&mut self, parts: &[&[u8]]) -> &mut Self {
        for part in parts {
            self.buf.extend_from_slice(part);
        }
        self
    }

    /// Keys are the gateway's own field names (plain ASCII, never escaped).
    fn key(&mut self, key: &str) {
        debug_assert!(key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
        self.buf.extend_from_slice(b",\"");
        self.buf.extend_from_slice(key.as_bytes());
        self.buf.extend_from_slice(b"\":");
    }

    pub(super) fn str(&mut self, key: &str, v: &str) -> &mut Self {
        self.key(key);
        write_string(v, &mut self.buf);
        self
    }

    /// A string the gateway generated that needs no escaping (hex ids and
    /// hashes, fixed words): copied as is.
    pub(super) fn plain(&mut self, key: &str, v: &str) -> &mut Self {
        debug_assert!(v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
        self.key(key);
        self.buf.push(b'"');
        self.buf.extend_from_slice(v.as_bytes());
        self.buf.push(b'"');
        self
    }

    /// A string, or `null`.
    pub(super) fn opt_str(&mut self, key: &str, v: Option<&str>) -> &mut Self {
        match v {
            Some(v) => self.str(key, v),
            None => {
                self.key(key);
                self.buf.extend_from_slice(b"null");
                self
            }
        }
    }

    /// A finite number in canonical form.
    pub(super) fn num(&mut self, key: &str, v: f64) -> &mut Self {
        self.key(key);
        format_number(v, &mut self.buf);
        self
    }

    /// Microseconds as a decimal number of milliseconds: the digits of
    /// `us / 1000` with trailing zeros of the fraction dropped. Below 10^15
    /// µs (31 years) that is exactly ECMAScript's shortest form of the double
    /// `us as f64 / 1000.0` (a decimal of at most 15 significant digits is
    /// the only one that short naming its double), without the float
    /// formatter; beyond, and for negatives, it is that formatter's answer.
    pub(super) fn millis(&mut self, key: &str, us: i64) -> &mut Self {
        if !(0..1_000_000_000_000_000).contains(&us) {
            return self.num(key, us as f64 / 1000.0);
        }
        self.key(key);
        let (whole, frac) = (us / 1000, us % 1000);
        format_number(whole as f64, &mut self.buf);
        if frac != 0 {
            let digits = [
                b'0' + (frac / 100) as u8,
                b'0' + (frac / 10 % 10) as u8,
                b'0' + (frac % 10) as u8,
            ];
            let keep = if frac % 10 != 0 {
                3
            } else if frac % 100 != 0 {
                2
            } else {
                1
            };
            self.buf.push(b'.');
            self.buf.extend_from_slice(&digits[..keep]);
        }
        self
    }

    pub(super) fn bool(&mut self, key: &str, v: bool) -> &mut Self {
        self.key(key);
        self.buf
            .extend_from_slice(if v { b"true" } else { b"false" });
        self
    }

    /// Any value, keys in their order. A value that cannot be written (it
    /// came from a binding's converter, so it never happens) becomes `null`.
    pub(super) fn value(&mut self, key: &str, v: &Value) -> &mut Self {
        self.key(key);
        let at = self.buf.len();
        if write_ordered(v, &mut self.buf).is_err() {
            self.buf.truncate(at);
            self.buf.extend_from_slice(b"null");
        }
        self
    }

    pub(super) fn finish(self) -> Event {
        Event {
            name: self.name,
            body: Body::Line(self.finish_bytes()),
        }
    }

    /// The buffer with the line closed (`}` and a newline).
    pub(super) fn finish_bytes(mut self) -> Vec<u8> {
        self.buf.extend_from_slice(b"}\n");
        self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The builder writes what `write_event_line` writes for the same fields.
    #[test]
    fn lines_match_the_generic_writer() {
        let mut line = Line::new("tool_call", 1_795_550_260_123_456);
        line.raw(b",\"run_id\":\"r\"")
            .str("tool", "se\"nd\n")
            .opt_str("user_id", None)
            .num("seq", 3.0)
            .num("latency_ms", 0.001)
            .bool("ok", false)
            .value(
                "args",
                &Value::object([("b", Value::Null), ("a", Value::Number(1.5))]),
            );
        let event = line.finish();
        let fields = event.fields();
        let mut expected = Vec::new();
        crate::event::write_event_line("tool_call", &fields, || unreachable!(), &mut expected)
            .unwrap();
        assert_eq!(
            String::from_utf8(event.line().to_vec()).unwrap(),
            String::from_utf8(expected).unwrap()
        );
        assert_eq!(event.get("seq"), Some(Value::Number(3.0)));
        assert_eq!(
            event.get("ts"),
            Some(Value::from("2026-11-24T19:57:40.123456Z"))
        );
        assert_eq!(event.get("v"), None);
    }

    /// `millis` writes what the float formatter writes for `us / 1000`.
    #[test]
    fn millis_match_the_number_formatter() {
        let mut cases: Vec<i64> = vec![0, 1, 9, 10, 99, 100, 999, 1000, 1001, 1010, 1100, 123_456];
        cases.extend([
            999_999_999_999_999,
            1_000_000_000_000_000,
            9_007_199_254_740_993,
            -1,
            -1500,
        ]);
        // A deterministic spread over the range (xorshift).
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let digits = 1 + (x % 16) as u32;
            cases.push((x >> 8) as i64 % 10_i64.pow(digits));
        }
        for us in cases {
            let mut fast = Line::members();
            fast.millis("t", us);
            let mut slow = Line::members();
            slow.num("t", us as f64 / 1000.0);
            assert_eq!(fast.into_members(), slow.into_members(), "{us}");
        }
    }
}
