//! Value patterns from the configuration (`logging.pii.redact_patterns`):
//! each match anywhere in a string or member name becomes
//! `[REDACTED:<name>]`. They run after the built-in rules, on the `regex`
//! crate (linear time), with a bound on each compiled pattern's size and on
//! their number.

/// The most patterns a configuration may list (each is one more pass over
/// every string).
pub const MAX_PATTERNS: usize = 32;

/// The largest compiled form of one pattern, in bytes (the `regex` crate's
/// size limit): enough for a token format, too small for a pattern that
/// would make each pass slow.
pub const MAX_COMPILED_BYTES: usize = 256 * 1024;

/// The longest pattern, in bytes of its source text.
pub const MAX_PATTERN_LEN: usize = 1024;

/// The longest label.
pub const MAX_NAME_LEN: usize = 64;

/// One configured pattern: its label and its compiled regex. Two are equal
/// when their label and source text are.
#[derive(Debug, Clone)]
pub struct RedactPattern {
    name: String,
    regex: regex::Regex,
}

impl PartialEq for RedactPattern {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.regex.as_str() == other.regex.as_str()
    }
}

/// What is wrong with a pattern: which member (`name` or `pattern`) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    /// `name` or `pattern`.
    pub member: &'static str,
    /// Why it is refused.
    pub message: String,
}

impl RedactPattern {
    /// Checks the label (`[a-z0-9_]+`, at most 64 characters) and compiles
    /// the pattern (`regex` crate syntax, at most 1024 bytes and 256 KiB
    /// compiled, not matching the empty string).
    pub fn new(name: &str, pattern: &str) -> Result<Self, PatternError> {
        let bad = |member, message: String| Err(PatternError { member, message });
        if name.is_empty()
            || name.len() > MAX_NAME_LEN
            || !name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return bad(
                "name",
                format!(
                    "must be 1 to {MAX_NAME_LEN} characters of a-z, 0-9 and _ (it is written as [REDACTED:<name>]), got {name:?}"
                ),
            );
        }
        if pattern.is_empty() {
            return bad("pattern", "must be a non-empty regular expression".into());
        }
        if pattern.len() > MAX_PATTERN_LEN {
            return bad(
                "pattern",
                format!("is {} bytes long; at most {MAX_PATTERN_LEN}", pattern.len()),
            );
        }
        let regex = match regex::RegexBuilder::new(pattern)
            .size_limit(MAX_COMPILED_BYTES)
            .build()
        {
            Ok(r) => r,
            Err(regex::Error::CompiledTooBig(limit)) => {
                return bad(
                    "pattern",
                    format!(
                        "compiles to more than {limit} bytes (the limit per pattern); \
                         narrow it (ASCII classes such as [A-Za-z0-9] or (?-u:\\w) are much \
                         smaller than Unicode \\w, and shorter counted repetitions)"
                    ),
                );
            }
            Err(e) => return bad("pattern", format!("is not a valid regular expression: {e}")),
        };
        if regex.is_match("") {
            return bad(
                "pattern",
                "matches the empty string; it must match at least one character".into(),
            );
        }
        Ok(Self {
            name: name.to_owned(),
            regex,
        })
    }

    /// The label written in `[REDACTED:<name>]`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The pattern's source text.
    pub fn pattern(&self) -> &str {
        self.regex.as_str()
    }
}

/// The spans of `[REDACTED:…]` markers in `text` (already replaced text,
/// never matched again): the opening, a label of up to 256 bytes with no
/// bracket, and `]`.
fn markers(text: &str) -> Vec<(usize, usize)> {
    const OPEN: &str = "[REDACTED:";
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find(OPEN) {
        let s = from + at;
        let body = s + OPEN.len();
        let label = &text.as_bytes()[body..text.len().min(body + 257)];
        match label.iter().position(|&b| b == b']' || b == b'[') {
            Some(k) if label[k] == b']' => {
                out.push((s, body + k + 1));
                from = body + k + 1;
            }
            _ => from = body,
        }
    }
    out
}

/// `text` with every non-empty match of every pattern replaced by its
/// label, in the configured order; a match that touches a `[REDACTED:…]`
/// marker (an earlier replacement) is left alone. `None` when nothing
/// changed.
pub(crate) fn apply(patterns: &[RedactPattern], text: &str) -> Option<String> {
    let mut current: Option<String> = None;
    for p in patterns {
        let t = current.as_deref().unwrap_or(text);
        if !p.regex.is_match(t) {
            continue;
        }
        let spans = markers(t);
        let mut out = String::with_capacity(t.len());
        let mut last = 0;
        let mut k = 0;
        for m in p.regex.find_iter(t) {
            if m.is_empty() {
                continue;
            }
            while k < spans.len() && spans[k].1 <= m.start() {
                k += 1;
            }
            if k < spans.len() && spans[k].0 < m.end() {
                continue;
            }
            out.push_str(&t[last..m.start()]);
            out.push_str("[REDACTED:");
            out.push_str(&p.name);
            out.push(']');
            last = m.end();
        }
        if last > 0 {
            out.push_str(&t[last..]);
            current = Some(out);
        }
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(name: &str, pattern: &str) -> RedactPattern {
        RedactPattern::new(name, pattern).unwrap()
    }

    #[test]
    fn matches_anywhere_and_leaves_the_rest() {
        let ps = [p("order_ref", r"ORD-[0-9]{8}")];
        assert_eq!(
            apply(&ps, "refund ORD-12345678 and ORD-87654321 now").as_deref(),
            Some("refund [REDACTED:order_ref] and [REDACTED:order_ref] now")
        );
        assert_eq!(apply(&ps, "refund ORD-1234 now"), None);
    }

    #[test]
    fn earlier_replacements_are_not_matched_again() {
        let ps = [p("a", "[A-Z]{4,}"), p("b", r"REDACTED|\[")];
        assert_eq!(
            apply(&ps, "x ABCDE [REDACTED:api_key] y").as_deref(),
            Some("x [REDACTED:a] [REDACTED:api_key] y")
        );
    }

    #[test]
    fn labels_are_checked() {
        for bad in ["", "Order", "order-ref", "order ref", "ü", &"a".repeat(65)] {
            let e = RedactPattern::new(bad, "x").unwrap_err();
            assert_eq!(e.member, "name", "{bad:?}");
        }
        assert!(RedactPattern::new("order_ref_2", "x").is_ok());
    }

    #[test]
    fn patterns_are_checked() {
        let e = RedactPattern::new("a", "ORD-(").unwrap_err();
        assert_eq!(e.member, "pattern");
        assert!(e.message.contains("unclosed group"), "{}", e.message);
        let e = RedactPattern::new("a", "x*").unwrap_err();
        assert!(e.message.contains("empty string"), "{}", e.message);
        let e = RedactPattern::new("a", r"\w{1000}").unwrap_err();
        assert!(e.message.contains("compiles to more than"), "{}", e.message);
        assert!(RedactPattern::new("a", &"a".repeat(MAX_PATTERN_LEN + 1)).is_err());
        // A look-around or back-reference is not in the syntax (linear time).
        assert!(RedactPattern::new("a", r"(a)\1").is_err());
        assert!(RedactPattern::new("a", r"a(?=b)").is_err());
    }
}
