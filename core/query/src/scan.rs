//! Reading one log line without building a [`Value`]: the queries need a
//! handful of top-level strings and numbers per event, and allocating every
//! member of every line was most of their time.
//!
//! The scanner is conservative: it answers only for lines it can read
//! exactly as [`parse_json`](tooltrail_json::parse_json) would (no escapes,
//! no control characters, shallow nesting), and says "not sure" for the
//! rest, which the callers then parse in full. So a line is an event, or a
//! skipped line, exactly as before; only the common case got cheaper.

use memchr::memchr;
use tooltrail_core::schema::{event, field};
use tooltrail_json::{MAX_SAFE_INTEGER, Value};

use super::{num_field, str_field};

/// The fields of one event, however it was read: a parsed [`Value`] or a
/// [`View`] of its line.
pub(crate) trait Fields {
    /// A top-level string member.
    fn str(&self, key: &str) -> Option<&str>;
    /// A top-level number member.
    fn num(&self, key: &str) -> Option<f64>;
    /// A top-level `true` or `false` member.
    fn bool(&self, key: &str) -> Option<bool>;
    /// Whether there is a top-level member `key`, whatever its value.
    fn has(&self, key: &str) -> bool;
}

impl Fields for Value {
    fn str(&self, key: &str) -> Option<&str> {
        str_field(self, key)
    }

    fn num(&self, key: &str) -> Option<f64> {
        num_field(self, key)
    }

    fn bool(&self, key: &str) -> Option<bool> {
        match self.get(key)? {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
}

/// Nesting the scanner follows; deeper lines (none a writer makes) are left
/// to the full parser, which also owns the real limit.
const MAX_NESTING: usize = 16;

/// Members of one object the scanner checks for duplicates by scanning;
/// objects with more are left to the full parser.
const MAX_MEMBERS: usize = 64;

#[derive(Debug, Clone, Copy)]
enum Kind {
    Str,
    Num(f64),
    Bool(bool),
    Other,
}

/// A top-level member: where its key and value are in the line.
#[derive(Debug, Clone, Copy)]
struct Member {
    fp: u64,
    key: (u32, u32),
    val: (u32, u32),
    kind: Kind,
}

/// Reusable state for reading lines (one per thread: no allocation per line).
#[derive(Debug, Default)]
pub(crate) struct Scanner {
    top: Vec<Member>,
    /// The keys of the objects being read, for the duplicate check.
    keys: Vec<(u64, u32, u32)>,
    /// Whether the line read is a `writer_dropped` report (its `event`).
    dropped: bool,
}

/// A line read by [`Scanner::view`]: its top-level members.
pub(crate) struct View<'a> {
    line: &'a str,
    members: &'a [Member],
}

impl Scanner {
    /// The line's top-level members if it certainly is one JSON object that
    /// `parse_json` accepts; `None` when it is not or the scanner cannot tell.
    pub(crate) fn view<'a>(&'a mut self, line: &'a [u8]) -> Option<View<'a>> {
        let line = self.scan::<true>(line)?;
        Some(View {
            line,
            members: &self.top,
        })
    }

    /// Whether the line certainly is one JSON object that `parse_json`
    /// accepts, and if so whether the event is a `writer_dropped` report
    /// (which the record's gaps count): `None` for a line that is not an
    /// event, or that the scanner cannot tell is one.
    pub(crate) fn event_drops(&mut self, line: &[u8]) -> Option<bool> {
        self.scan::<false>(line)?;
        Some(self.dropped)
    }

    fn scan<'l, const VIEW: bool>(&mut self, s: &'l [u8]) -> Option<&'l str> {
        if s.len() >= u32::MAX as usize {
            return None;
        }
        let text = match clean(s)? {
            // SAFETY: all ASCII (`clean`), so UTF-8.
            true => unsafe { std::str::from_utf8_unchecked(s) },
            false => std::str::from_utf8(s).ok()?,
        };
        self.top.clear();
        self.keys.clear();
        self.dropped = false;
        let i = ws(s, 0);
        if s.get(i) != Some(&b'{') {
            return None;
        }
        let i = ws(s, self.object::<VIEW>(s, i, 0)?);
        (i == s.len()).then_some(text)
    }

    fn object<const VIEW: bool>(&mut self, s: &[u8], i: usize, depth: usize) -> Option<usize> {
        if depth >= MAX_NESTING {
            return None;
        }
        let base = self.keys.len();
        let mut filter = 0u64;
        let mut i = ws(s, i + 1);
        if s.get(i) == Some(&b'}') {
            return Some(i + 1);
        }
        loop {
            if s.get(i) != Some(&b'"') || self.keys.len() - base >= MAX_MEMBERS {
                return None;
            }
            let (ks, ke) = string(s, i)?;
            let key = &s[ks..ke];
            let fp = fingerprint(key);
            // A 64-bit filter of the keys so far: most keys need no scan.
            let bit = 1u64 << (fp.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58);
            if filter & bit != 0
                && self.keys[base..]
                    .iter()
                    .any(|&(f, a, b)| same(f, fp, key, || &s[a as usize..b as usize]))
            {
                return None; // a duplicate key: parse_json refuses the line
            }
            filter |= bit;
            self.keys.push((fp, ks as u32, ke as u32));
            i = ws(s, ke + 1);
            if s.get(i) != Some(&b':') {
                return None;
            }
            let vs = ws(s, i + 1);
            // Most values are strings: read here, not through `value`
            // (which recursion keeps out of line).
            let (kind, ve) = match s.get(vs) {
                Some(b'"') => (Kind::Str, string(s, vs)?.1 + 1),
                _ => self.value::<VIEW>(s, vs, depth + 1)?,
            };
            if !VIEW && depth == 0 && key == field::EVENT.as_bytes() {
                let value = &s[vs..ve];
                self.dropped = matches!(kind, Kind::Str)
                    && value[1..value.len() - 1] == *event::WRITER_DROPPED.as_bytes();
            }
            if VIEW && depth == 0 {
                let val = match kind {
                    Kind::Str => (vs as u32 + 1, ve as u32 - 1),
                    _ => (vs as u32, ve as u32),
                };
                let key = (ks as u32, ke as u32);
                self.top.push(Member { fp, key, val, kind });
            }
            i = ws(s, ve);
            match s.get(i) {
                Some(b',') => i = ws(s, i + 1),
                Some(b'}') => {
                    self.keys.truncate(base);
                    return Some(i + 1);
                }
                _ => return None,
            }
        }
    }

    fn array<const VIEW: bool>(&mut self, s: &[u8], i: usize, depth: usize) -> Option<usize> {
        if depth >= MAX_NESTING {
            return None;
        }
        let mut i = ws(s, i + 1);
        if s.get(i) == Some(&b']') {
            return Some(i + 1);
        }
        loop {
            let (_, end) = self.value::<VIEW>(s, i, depth + 1)?;
            i = ws(s, end);
            match s.get(i) {
                Some(b',') => i = ws(s, i + 1),
                Some(b']') => return Some(i + 1),
                _ => return None,
            }
        }
    }

    /// The value at `i` and the index just past it.
    fn value<const VIEW: bool>(
        &mut self,
        s: &[u8],
        i: usize,
        depth: usize,
    ) -> Option<(Kind, usize)> {
        match *s.get(i)? {
            b'"' => string(s, i).map(|(_, end)| (Kind::Str, end + 1)),
            b'{' => Some((Kind::Other, self.object::<VIEW>(s, i, depth)?)),
            b'[' => Some((Kind::Other, self.array::<VIEW>(s, i, depth)?)),
            b't' => literal(s, i, b"true", Kind::Bool(true)),
            b'f' => literal(s, i, b"false", Kind::Bool(false)),
            b'n' => literal(s, i, b"null", Kind::Other),
            b'-' | b'0'..=b'9' => number(s, i, VIEW && depth == 1),
            _ => None,
        }
    }
}

impl Fields for View<'_> {
    fn str(&self, key: &str) -> Option<&str> {
        match self.find(key)? {
            Member {
                kind: Kind::Str,
                val: (a, b),
                ..
            } => Some(&self.line[*a as usize..*b as usize]),
            _ => None,
        }
    }

    fn num(&self, key: &str) -> Option<f64> {
        match self.find(key)?.kind {
            Kind::Num(n) => Some(n),
            _ => None,
        }
    }

    fn bool(&self, key: &str) -> Option<bool> {
        match self.find(key)?.kind {
            Kind::Bool(b) => Some(b),
            _ => None,
        }
    }

    fn has(&self, key: &str) -> bool {
        self.find(key).is_some()
    }
}

impl View<'_> {
    fn find(&self, key: &str) -> Option<&Member> {
        let fp = fingerprint(key.as_bytes());
        let (line, key) = (self.line.as_bytes(), key.as_bytes());
        self.members
            .iter()
            .find(|m| same(m.fp, fp, key, || &line[m.key.0 as usize..m.key.1 as usize]))
    }
}

/// Whether a key with fingerprint `f` (its bytes from `bytes`) is `key`,
/// whose fingerprint is `fp`.
fn same<'a>(f: u64, fp: u64, key: &[u8], bytes: impl FnOnce() -> &'a [u8]) -> bool {
    f == fp && (key.len() < 8 || bytes() == key)
}

fn ws(s: &[u8], mut i: usize) -> usize {
    // Only spaces: `clean` already sent lines with tabs or CRs to the parser.
    while s.get(i) == Some(&b' ') {
        i += 1;
    }
    i
}

/// The content of the string whose quote is at `i`: (first byte, closing quote).
fn string(s: &[u8], i: usize) -> Option<(usize, usize)> {
    // No backslash in the line (`clean`), so the next quote closes it.
    Some((i + 1, quote(s, i + 1)?))
}

fn literal(s: &[u8], i: usize, word: &[u8], kind: Kind) -> Option<(Kind, usize)> {
    s[i..].starts_with(word).then_some((kind, i + word.len()))
}

/// A number as `parse_json` reads it (same grammar, same range checks);
/// its value only if `want` (checking the range is cheaper than that).
fn number(s: &[u8], start: usize, want: bool) -> Option<(Kind, usize)> {
    let digits = |mut i: usize| {
        while s.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    let mut i = start + usize::from(s[start] == b'-');
    match s.get(i)? {
        b'0' => i += 1,
        b'1'..=b'9' => i = digits(i),
        _ => return None,
    }
    let mut integral = true;
    if s.get(i) == Some(&b'.') {
        integral = false;
        if !s.get(i + 1)?.is_ascii_digit() {
            return None;
        }
        i = digits(i + 1);
    }
    let exponent = matches!(s.get(i), Some(b'e' | b'E'));
    if exponent {
        integral = false;
        i += 1;
        if matches!(s.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !s.get(i)?.is_ascii_digit() {
            return None;
        }
        i = digits(i);
    }
    let token = &s[start..i];
    // Within 2^53 as a whole number, finite as a float.
    let short = token.len() <= 15 && !exponent;
    if !want && short {
        return Some((Kind::Other, i));
    }
    // ASCII by the grammar above.
    let token = std::str::from_utf8(token).ok()?;
    let n = if integral {
        let n: i64 = token.parse().ok()?;
        let digits = token.trim_start_matches('-').len();
        if digits > 16 || n.unsigned_abs() > MAX_SAFE_INTEGER as u64 {
            return None;
        }
        n as f64
    } else {
        let f: f64 = token.parse().ok()?;
        if !f.is_finite() {
            return None;
        }
        f
    };
    Some((Kind::Num(n), i))
}

/// Whether `s` has no control character and no backslash (then every
/// string in it ends at its next quote and means its own bytes), and if so
/// whether it is all ASCII (then it is UTF-8 without another look).
fn clean(s: &[u8]) -> Option<bool> {
    #[cfg(target_arch = "x86_64")]
    let clean = clean_sse2;
    #[cfg(not(target_arch = "x86_64"))]
    let clean = clean_words;
    clean(s)
}

/// [`clean`] 16 bytes at a time.
#[cfg(target_arch = "x86_64")]
fn clean_sse2(s: &[u8]) -> Option<bool> {
    use std::arch::x86_64::*;
    let mut chunks = s.chunks_exact(16);
    // SAFETY: SSE2 is part of every x86_64 CPU, and each load reads the 16
    // bytes of one chunk of `s` (unaligned loads).
    let (bad, high) = unsafe {
        let (mut bad, mut high) = (_mm_setzero_si128(), _mm_setzero_si128());
        let (ctl, slash) = (_mm_set1_epi8(0x1f), _mm_set1_epi8(b'\\' as i8));
        for c in &mut chunks {
            let x = _mm_loadu_si128(c.as_ptr().cast());
            // x <= 0x1f (unsigned) exactly when max(x, 0x1f) == 0x1f.
            let low = _mm_cmpeq_epi8(_mm_max_epu8(x, ctl), ctl);
            bad = _mm_or_si128(bad, _mm_or_si128(low, _mm_cmpeq_epi8(x, slash)));
            high = _mm_or_si128(high, x);
        }
        (_mm_movemask_epi8(bad), _mm_movemask_epi8(high))
    };
    let rest = chunks.remainder();
    if bad != 0 || rest.iter().any(|&b| b < 0x20 || b == b'\\') {
        return None;
    }
    Some(high == 0 && rest.is_ascii())
}

/// [`clean`] a word at a time, for any CPU (tested against the SSE2 one).
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn clean_words(s: &[u8]) -> Option<bool> {
    let mut words = s.chunks_exact(8);
    let (mut bad, mut high) = (0, 0);
    for w in &mut words {
        let x = u64::from_le_bytes(w.try_into().expect("8 bytes"));
        // A byte below 0x20, and a byte equal to '\' (a zero byte of x ^ '\'),
        // by the usual word tricks; exact as a yes/no for the whole word.
        let slash = x ^ (ONES * u64::from(b'\\'));
        bad |= (x.wrapping_sub(ONES * 0x20) & !x) | (slash.wrapping_sub(ONES) & !slash);
        high |= x;
    }
    let rest = words.remainder();
    if bad & HIGH != 0 || rest.iter().any(|&b| b < 0x20 || b == b'\\') {
        return None;
    }
    Some(high & HIGH == 0 && rest.is_ascii())
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The index of the first `"` at or after `from`: strings are short, and
/// 16 bytes (or a word) at a time beats a call per string.
fn quote(s: &[u8], mut from: usize) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        while let Some(w) = s.get(from..from + 16) {
            // SAFETY: SSE2 is part of every x86_64 CPU; `w` is 16 bytes.
            let mask = unsafe {
                let x = _mm_loadu_si128(w.as_ptr().cast());
                _mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(b'"' as i8)))
            };
            if mask != 0 {
                return Some(from + mask.trailing_zeros() as usize);
            }
            from += 16;
        }
    }
    while let Some(w) = s.get(from..from + 8) {
        let x = u64::from_le_bytes(w.try_into().expect("8 bytes")) ^ (ONES * u64::from(b'"'));
        let zero = x.wrapping_sub(ONES) & !x & HIGH;
        if zero != 0 {
            // The lowest flagged byte is a real zero (borrows only run upward).
            return Some(from + (zero.trailing_zeros() / 8) as usize);
        }
        from += 8;
    }
    memchr(b'"', s.get(from..)?).map(|i| from + i)
}

/// A cheap summary of a key; equal keys have equal ones, and for keys
/// shorter than 8 bytes only equal keys do ([`same`]).
fn fingerprint(key: &[u8]) -> u64 {
    let n = key.len();
    if n >= 8 {
        let head = u64::from_le_bytes(key[..8].try_into().expect("8 bytes"));
        let tail = u64::from_le_bytes(key[n - 8..].try_into().expect("8 bytes"));
        (head ^ tail.rotate_left(23) ^ (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)) | 1 << 63
    } else {
        // Exact: the bytes and the length, and never bit 63 (long keys'
        // mark). Read by overlapping loads, not copied into a buffer first
        // (a copy then a wide read stalls the CPU, on every key).
        let bytes = match n {
            0 => 0,
            1..=3 => {
                let b = |i: usize| u64::from(key[i]) << (8 * i);
                b(0) | b(n / 2) | b(n - 1)
            }
            _ => {
                let head = u32::from_le_bytes(key[..4].try_into().expect("4 bytes"));
                let tail = u32::from_le_bytes(key[n - 4..].try_into().expect("4 bytes"));
                u64::from(head) | u64::from(tail) << (8 * (n - 4))
            }
        };
        bytes ^ ((n as u64) << 60)
    }
}

#[cfg(test)]
#[path = "scan_tests.rs"]
mod tests;
