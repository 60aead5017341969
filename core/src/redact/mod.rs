//! Redaction (SPEC §8), applied before anything is queued.
//!
//! Key rules match member names case- and separator-insensitively
//! (`X-Api-Key`, `apiKey`, `client_secret`) and are type-aware: a matched key
//! holding a number or boolean (`max_tokens: 512`) keeps it, unless the key is
//! one of the configured `redact_fields`. Value rules (see `rules.rs`) find
//! secrets inside any string and validate each match first. The replacement
//! names what was removed, `"[REDACTED:email]"`, and never echoes it. Strings
//! that hold JSON are redacted inside and re-serialized.

mod rules;

use std::borrow::Cow;

use crate::canonical::write_ordered;
use crate::parse::parse_json;
use crate::value::Value;

/// Built-in sensitive key names (normalized: lowercase, no separators) with
/// the label used in their replacement.
const KEY_RULES: &[(&str, &str)] = &[
    ("password", "password"),
    ("passwd", "password"),
    ("pwd", "password"),
    ("passphrase", "password"),
    ("secret", "secret"),
    ("token", "token"),
    ("apikey", "api_key"),
    ("accesskey", "api_key"),
    ("privatekey", "private_key"),
    ("authorization", "authorization"),
    ("auth", "authorization"),
    ("cookie", "cookie"),
    ("setcookie", "cookie"),
    ("session", "session"),
    ("sessionid", "session"),
    ("credential", "credential"),
    ("credentials", "credential"),
    ("ssn", "ssn"),
    ("cvv", "card"),
    ("cardnumber", "card"),
    ("creditcard", "card"),
];

/// Suffixes that make a longer key sensitive (`client_secret`,
/// `refreshToken`, `db_password`, `x-api-key`); `max_tokens`/`author` do not
/// end in one.
const KEY_SUFFIXES: &[(&str, &str)] = &[
    ("password", "password"),
    ("secret", "secret"),
    ("token", "token"),
    ("apikey", "api_key"),
    ("accesskey", "api_key"),
    ("privatekey", "private_key"),
    ("sessionid", "session"),
    ("cookie", "cookie"),
];

fn normalize(key: &str) -> String {
    key.chars()
        .filter(|c| !matches!(c, '-' | '_' | '.' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

/// A configured redactor; cheap to clone and share.
#[derive(Debug, Clone)]
pub struct Redactor {
    fields: Vec<(String, String)>,
}

impl Default for Redactor {
    fn default() -> Self {
        Self::new(&crate::Config::default().redact_fields)
    }
}

impl Redactor {
    /// The redactor of the public `redact(value, fields?)` function: the
    /// given field names, or the configuration's default ones.
    pub fn for_fields(redact_fields: Option<&[String]>) -> Self {
        match redact_fields {
            Some(fields) => Self::new(fields),
            None => Self::default(),
        }
    }

    /// A redactor that also treats `redact_fields` (config
    /// `logging.pii.redact_fields`) as sensitive keys, whatever their values.
    pub fn new(redact_fields: &[String]) -> Self {
        Self {
            fields: redact_fields
                .iter()
                .map(|f| (normalize(f), f.to_ascii_lowercase()))
                .collect(),
        }
    }

    /// Why a key is sensitive: its label and whether even numbers and
    /// booleans under it go.
    fn key_rule(&self, key: &str) -> Option<(&str, bool)> {
        let k = normalize(key);
        if let Some((_, label)) = self.fields.iter().find(|(f, _)| *f == k) {
            return Some((label, true));
        }
        KEY_RULES
            .iter()
            .find(|(name, _)| *name == k)
            .or_else(|| KEY_SUFFIXES.iter().find(|(suffix, _)| k.ends_with(suffix)))
            .map(|(_, label)| (*label, false))
    }

    /// A redacted copy of `value`; the input is never changed.
    pub fn redact(&self, value: &Value) -> Value {
        self.walk(value, 0)
    }

    fn walk(&self, value: &Value, depth: usize) -> Value {
        match value {
            Value::String(s) => Value::String(self.redact_text(s, depth).into_owned()),
            Value::Array(items) => {
                Value::Array(items.iter().map(|v| self.walk(v, depth + 1)).collect())
            }
            Value::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|(k, v)| {
                        let redacted = match (self.key_rule(k), v) {
                            (Some(_), Value::Null) => Value::Null,
                            (Some((_, false)), Value::Number(_) | Value::Bool(_)) => v.clone(),
                            (Some((label, _)), _) => Value::String(format!("[REDACTED:{label}]")),
                            (None, _) => self.walk(v, depth + 1),
                        };
                        (k.clone(), redacted)
                    })
                    .collect(),
            ),
            scalar => scalar.clone(),
        }
    }

    /// Redacts secrets inside one string; a string holding a JSON object or
    /// array is redacted structurally.
    pub fn redact_text<'a>(&self, s: &'a str, depth: usize) -> Cow<'a, str> {
        let trimmed = s.trim_start();
        if depth < crate::MAX_DEPTH
            && (trimmed.starts_with('{') || trimmed.starts_with('['))
            && let Ok(inner) = parse_json(s.as_bytes())
        {
            let mut out = Vec::with_capacity(s.len());
            if write_ordered(&self.walk(&inner, depth + 1), &mut out).is_ok() {
                return Cow::Owned(String::from_utf8(out).expect("serializer writes UTF-8"));
            }
        }
        let mut text = Cow::Borrowed(s);
        for rule in rules::rules() {
            if !rule.pattern.is_match(&text) {
                continue;
            }
            let mut out = String::with_capacity(text.len());
            let mut last = 0;
            let mut changed = false;
            for caps in rule.pattern.captures_iter(&text) {
                let whole = caps.get(0).expect("group 0");
                let Some(target) = caps.get(rule.group) else {
                    continue;
                };
                if !(rule.valid)(whole.as_str()) {
                    continue;
                }
                out.push_str(&text[last..target.start()]);
                out.push_str("[REDACTED:");
                out.push_str(rule.label);
                out.push(']');
                last = target.end();
                changed = true;
            }
            if changed {
                out.push_str(&text[last..]);
                text = Cow::Owned(out);
            }
        }
        text
    }
}
