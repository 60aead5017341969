//! `key=value` and `key: value` inside free text: error messages, log lines,
//! query strings and form bodies, Python/JS reprs, HTTP header dumps.
//!
//! A hand-written single pass: each `=`/`:` looks back over at most a few
//! blanks, a quote and 64 name characters, so the cost stays linear.

/// How a name found before a separator is judged: a sensitive key's label,
/// given the normalized-or-raw name and whether it sits in a query string.
pub(crate) trait Names {
    /// The label if `name` (as written) is a sensitive key.
    fn label(&self, name: &str) -> Option<String>;
    /// The label if `name` is sensitive only as a query/form parameter.
    fn query_label(&self, name: &str) -> Option<&'static str>;
    /// Whether `name` is secret-like (`signing_key`): its value goes only if
    /// it looks like key material.
    fn soft(&self, name: &str) -> bool;
}

/// A byte of a name: ASCII letters, digits, `_-.`, and any non-ASCII byte
/// (`CONTRASEÑA=`; a walk back over them stops on a character boundary).
fn is_name(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.') || b >= 0x80
}

/// Whether the value being scanned ends at `b[k]`: a blank, a delimiter, or
/// a `&` that starts the next query or form parameter (`&name=`); another
/// `&` is part of the value (`password=ab&cd`, `Passwort=&Vj9…`).
fn ends_value_at(b: &[u8], k: usize) -> bool {
    if b[k] != b'&' {
        return ends_value(b[k]);
    }
    let mut e = k + 1;
    while e < b.len() && e - k <= 64 && (is_name(b[e]) || matches!(b[e], b'%' | b'[' | b']')) {
        e += 1;
    }
    e > k + 1 && b.get(e) == Some(&b'=')
}

fn ends_value(b: u8) -> bool {
    b.is_ascii_whitespace()
        || matches!(
            b,
            b',' | b';' | b'"' | b'\'' | b'<' | b'>' | b')' | b']' | b'}' | b'|' | b'`' | b'\\'
        )
}

/// Authorization schemes whose credential follows after a space.
const SCHEMES: &[&str] = &[
    "basic",
    "bearer",
    "digest",
    "token",
    "negotiate",
    "ntlm",
    "apikey",
    "aws4-hmac-sha256",
    "sso-key",
];

/// Values that are placeholders, not secrets: `None`, `null`, `***`,
/// already-redacted text.
fn placeholder(v: &str) -> bool {
    v.is_empty()
        || v.starts_with("[REDACTED")
        // An absolute path (`pwd: /home/app`), but not padded base64 key
        // material that happens to begin with `/`.
        || v.starts_with('/')
            && v[1..].contains('/')
            && !(v.ends_with('=') && crate::redact::keys::looks_like_key(v))
        || !v.bytes().any(|b| b.is_ascii_alphanumeric())
        || v.len() <= 10
            && matches!(
                v.to_ascii_lowercase().as_str(),
                "none"
                    | "null"
                    | "nil"
                    | "undefined"
                    | "true"
                    | "false"
                    | "redacted"
                    | "<redacted>"
                    | "[filtered]"
                    | "<hidden>"
                    | "hidden"
                    | "masked"
            )
}

/// After `key: ` (a colon and a blank, unquoted) a short letters-only word or
/// a small count is prose ("Password: required", "token: expired"); a
/// number is not prose after a name whose numbers are secret (`pin: 1234`).
fn prose(v: &str, label: &str) -> bool {
    let letters = v.bytes().all(|b| b.is_ascii_alphabetic());
    let digits = v.bytes().all(|b| b.is_ascii_digit());
    (letters && v.len() < 16)
        || (digits && v.len() < 6 && !crate::redact::keys::redacts_numbers(label))
}

/// Redacts the values of sensitive `key=value` / `key: value` pairs in `text`;
/// `None` when nothing changed.
pub(crate) fn redact_pairs(text: &str, names: &dyn Names) -> Option<String> {
    let b = text.as_bytes();
    let mut spans = Spans::new(b);
    let mut out = String::new();
    let mut last = 0;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'-'
            && b.get(i + 1) == Some(&b'-')
            && (i == 0 || b[i - 1].is_ascii_whitespace() || matches!(b[i - 1], b'"' | b'\''))
        {
            // A command-line flag and its value: `--password hunter2`.
            let mut e = i + 2;
            while e < b.len()
                && e - i < 66
                && (b[e].is_ascii_alphanumeric() || matches!(b[e], b'-' | b'_'))
            {
                e += 1;
            }
            let mut v = e;
            while v < b.len() && b[v] == b' ' {
                v += 1;
            }
            if e > i + 2
                && v > e
                && v < b.len()
                && b[v] != b'-'
                && let Some(label) = names.label(&text[i + 2..e])
            {
                let (start, end, _) = spans.value(v);
                if !placeholder(&text[start..end]) {
                    out.push_str(&text[last..start]);
                    push_label(&mut out, &label);
                    last = end;
                    i = end;
                    continue;
                }
            }
            i = e.max(i + 2);
            continue;
        }
        if c != b'=' && c != b':' {
            i += 1;
            continue;
        }
        let next = b.get(i + 1).copied();
        let prev = if i > 0 { b[i - 1] } else { 0 };
        let mut sep_end = i + 1;
        // `==` straight after a name (`Password==x`) is the separator and a
        // value that begins with `=`; spaced (`a == b`) it is a comparison.
        let eq_value = c == b'=' && next == Some(b'=') && is_name(prev);
        if c == b'=' {
            if matches!(prev, b'!' | b'<' | b'>' | b'=') || (next == Some(b'=') && !eq_value) {
                i += 2;
                continue;
            }
            if next == Some(b'>') {
                sep_end += 1;
            }
        } else {
            if next == Some(b':') || (next == Some(b'/') && b.get(i + 2) == Some(&b'/')) {
                i += 2;
                continue;
            }
            if next == Some(b'=') {
                sep_end += 1;
            }
        }
        // The name before the separator.
        let mut j = i;
        let mut blanks = 0;
        while j > 0 && matches!(b[j - 1], b' ' | b'\t') && blanks < 4 {
            j -= 1;
            blanks += 1;
        }
        if j > 0 && matches!(b[j - 1], b'"' | b'\'') {
            j -= 1;
            if j > 0 && b[j - 1] == b'\\' {
                j -= 1;
            }
        }
        let key_end = j;
        let mut len = 0;
        while j > 0 && is_name(b[j - 1]) && len < 64 {
            j -= 1;
            len += 1;
        }
        // A longer name is judged by its last 64 characters (its suffix).
        if j == key_end {
            i = sep_end;
            continue;
        }
        let key = text[j..key_end].trim_matches(['"', '\'', '\\']);
        let in_query = j > 0 && matches!(b[j - 1], b'?' | b'&') && c == b'=';
        // The value after it.
        let mut v = sep_end;
        while v < b.len() && matches!(b[v], b' ' | b'\t') {
            v += 1;
        }
        let blank = v > sep_end;
        let (start, end, quoted) = spans.value(v);
        let value = &text[start..end];
        let label = match names.label(key) {
            Some(l) => Some(l),
            None if in_query => names.query_label(key).map(str::to_owned),
            None => None,
        }
        .or_else(|| {
            (crate::redact::keys::looks_like_key(value) && names.soft(key))
                .then(|| "secret".to_owned())
        });
        let Some(label) = label else {
            i = sep_end;
            continue;
        };
        // An authorization scheme: keep it, redact the credential after it.
        if label == "authorization"
            && !quoted
            && value.len() <= 16
            && SCHEMES.contains(&value.to_ascii_lowercase().as_str())
        {
            let mut s = end;
            while s < b.len() && b[s] == b' ' {
                s += 1;
            }
            let (cs, ce, _) = spans.value(s);
            if s > end && !placeholder(&text[cs..ce]) {
                out.push_str(&text[last..cs]);
                push_label(&mut out, &label);
                last = ce;
                i = ce.max(sep_end);
            } else {
                i = sep_end;
            }
            continue;
        }
        if placeholder(value) || (c == b':' && blank && !quoted && prose(value, &label)) {
            i = sep_end;
            continue;
        }
        out.push_str(&text[last..start]);
        push_label(&mut out, &label);
        last = end;
        i = end.max(sep_end);
    }
    if last == 0 {
        return None;
    }
    out.push_str(&text[last..]);
    Some(out)
}

fn push_label(out: &mut String, label: &str) {
    out.push_str("[REDACTED:");
    out.push_str(label);
    out.push(']');
}

/// Forward searches with memory, so that many separators on one long line
/// do not each rescan it: a search that reached `pos` from `from` answers
/// every later search starting inside `from..=pos`.
struct Spans<'a> {
    b: &'a [u8],
    /// Per kind (`"`, `'`, `\"`, `\'`, delimiter): (from, pos).
    memo: [(usize, usize); 5],
}

impl<'a> Spans<'a> {
    fn new(b: &'a [u8]) -> Self {
        Self {
            b,
            memo: [(usize::MAX, 0); 5],
        }
    }

    /// First position at or after `from` where `stop` holds (or the end).
    fn next(&mut self, kind: usize, from: usize, stop: impl Fn(&[u8], usize) -> bool) -> usize {
        let (f0, p0) = self.memo[kind];
        if f0 <= from && from <= p0 {
            return p0;
        }
        let mut k = from;
        while k < self.b.len() && !stop(self.b, k) {
            k += 1;
        }
        self.memo[kind] = (from, k);
        k
    }

    /// The value starting at `v`: up to its closing quote (`"…"`, `'…'`,
    /// `\"…\"`) on the same line or, unquoted, up to a blank or delimiter.
    fn value(&mut self, v: usize) -> (usize, usize, bool) {
        let b = self.b;
        let quote = match (b.get(v), b.get(v + 1)) {
            (Some(&q @ (b'"' | b'\'')), _) => Some((usize::from(q == b'\''), v + 1, vec![q])),
            (Some(b'\\'), Some(&q @ (b'"' | b'\''))) => {
                Some((2 + usize::from(q == b'\''), v + 2, vec![b'\\', q]))
            }
            _ => None,
        };
        if let Some((kind, from, q)) = quote {
            let e = self.next(kind, from, |b, k| b[k] == b'\n' || b[k..].starts_with(&q));
            if b[e..].starts_with(&q) {
                return (from, e, true);
            }
        }
        let mut e = self.next(4, v, ends_value_at);
        // A sentence's full stop is not part of the value.
        if e > v && matches!(b[e - 1], b'.' | b':') && (e == b.len() || b[e].is_ascii_whitespace())
        {
            e -= 1;
        }
        (v, e, false)
    }
}
