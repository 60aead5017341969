//! Redaction, applied before anything is queued; what is and is
//! not caught: `docs/redaction.md`.
//!
//! Key rules match member names case- and separator-insensitively
//! (`X-Api-Key`, `apiKey`, `client_secret`) and are type-aware: a matched key
//! holding a number or boolean (`max_tokens: 512`) keeps it, except card
//! numbers, SSNs and passwords stored as numbers, and the configured
//! `redact_fields` (any type). The same names count in pair data (`pairs.rs`)
//! and in `key=value` text (`free_text.rs`). Value rules (`rules.rs`,
//! `tokens.rs`) find secrets inside any string, member names included, and
//! validate each match first. The replacement names what was removed,
//! `"[REDACTED:email]"`, and never echoes it. Strings that hold JSON are
//! redacted inside and re-serialized. Configured value patterns
//! (`logging.pii.redact_patterns`, `custom.rs`) run last on every string
//! and member name.

mod cli;
mod custom;
mod free_text;
mod graphql;
mod key_names;
mod keys;
mod pairs;
mod rules;
mod tokens;
mod vendors;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// Output member names of one object, and the next `#n` per redacted name.
type Names = (HashSet<String>, HashMap<String, usize>);

pub use custom::{
    MAX_COMPILED_BYTES, MAX_NAME_LEN, MAX_PATTERN_LEN, MAX_PATTERNS, PatternError, RedactPattern,
};
use keys::normalize;
use tooltrail_json::Value;
use tooltrail_json::parse_json;
use tooltrail_json::write_ordered;

/// Which scalars under a sensitive key go: none (`max_tokens: 512`),
/// numbers (a card number or SSN stored as an integer), or numbers and
/// booleans too (configured `redact_fields`).
#[derive(Debug, Clone, Copy)]
enum Scalars {
    Keep,
    Numbers,
    All,
}

/// A configured redactor; cheap to clone and share.
#[derive(Debug, Clone)]
pub struct Redactor {
    fields: Vec<(String, String)>,
    patterns: std::sync::Arc<[RedactPattern]>,
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
            patterns: std::sync::Arc::from([]),
        }
    }

    /// The redactor a configuration asks for: its `redact_fields` and its
    /// `redact_patterns`.
    pub fn from_config(config: &crate::Config) -> Self {
        Self::new(&config.redact_fields).with_patterns(&config.redact_patterns)
    }

    /// This redactor with value patterns (config
    /// `logging.pii.redact_patterns`): every match in a string or member
    /// name becomes `[REDACTED:<name>]`, after the built-in rules.
    pub fn with_patterns(mut self, patterns: &[RedactPattern]) -> Self {
        self.patterns = std::sync::Arc::from(patterns);
        self
    }

    /// Why a key is sensitive: its label and whether even numbers and
    /// booleans under it go.
    fn key_rule(&self, key: &str) -> Option<(&str, Scalars)> {
        keys::with_normalized(key, |k| {
            if let Some((_, label)) = self.fields.iter().find(|(f, _)| f == k) {
                return Some((label.as_str(), Scalars::All));
            }
            keys::builtin(k).map(|label| {
                let numbers = keys::redacts_numbers(label);
                (
                    label,
                    if numbers {
                        Scalars::Numbers
                    } else {
                        Scalars::Keep
                    },
                )
            })
        })
    }

    /// The label of a pair's name (`[name, value]`, `{"name": …}`, `name=…`
    /// in text): the key rules on the whole name, then on its last
    /// `.`/`/`-separated segment (`http.request.header.authorization`).
    fn name_rule(&self, name: &str) -> Option<(&str, Scalars)> {
        self.key_rule(name).or_else(|| {
            let last = name.rsplit(['.', '/']).next().unwrap_or(name);
            (last.len() < name.len())
                .then(|| self.key_rule(last))
                .flatten()
        })
    }

    /// The replacement of a value under a sensitive key or pair name.
    fn replace(label: &str, scalars: Scalars, v: &Value) -> Value {
        match (v, scalars) {
            (Value::Null, _) => Value::Null,
            (Value::Bool(_), Scalars::Keep | Scalars::Numbers)
            | (Value::Number(_), Scalars::Keep) => v.clone(),
            _ => Value::String(format!("[REDACTED:{label}]")),
        }
    }

    /// The replacement of a pair's value, if its name is sensitive (or
    /// secret-like and the value looks like key material).
    fn pair_value(&self, name: &str, v: &Value) -> Option<Value> {
        if let Some((label, scalars)) = self.name_rule(name) {
            return Some(Self::replace(label, scalars, v));
        }
        Self::soft_secret(name, v).then(|| Value::String("[REDACTED:secret]".to_owned()))
    }

    /// Key material (see `keys::looks_like_key`) under a secret-like name.
    fn soft_secret(name: &str, v: &Value) -> bool {
        matches!(v, Value::String(s) if keys::looks_like_key(s) && keys::with_normalized(name, keys::soft))
    }

    /// A redacted copy of `value`; the input is never changed.
    pub fn redact(&self, value: &Value) -> Value {
        self.walk(value, 0)
    }

    fn walk(&self, value: &Value, depth: usize) -> Value {
        match value {
            Value::String(s) => Value::String(self.redact_text(s, depth).into_owned()),
            Value::Array(items) => {
                if let Some(name) = pairs::pair_array(items)
                    && let Some(v) = self.pair_value(name, &items[1])
                {
                    return Value::Array(vec![self.walk(&items[0], depth + 1), v]);
                }
                let mut out: Vec<Value> = items.iter().map(|v| self.walk(v, depth + 1)).collect();
                self.redact_argv(items, &mut out);
                Value::Array(out)
            }
            Value::Object(members) => {
                let pair = pairs::pair_object(members)
                    .and_then(|(i, name)| Some((i, self.pair_value(name, &members[i].1)?)));
                let gql = graphql::sensitive_variables(members, &|n| self.label_of(n));
                let mut out: Vec<(String, Value)> = Vec::with_capacity(members.len());
                // Output names, kept once a member name has been redacted.
                let mut names: Option<Names> = None;
                for (i, (k, v)) in members.iter().enumerate() {
                    let redacted = match (&pair, self.key_rule(k)) {
                        (Some((p, value)), _) if *p == i => value.clone(),
                        (_, Some((label, scalars))) => Self::replace(label, scalars, v),
                        (_, None) if Self::soft_secret(k, v) => {
                            Value::String("[REDACTED:secret]".to_owned())
                        }
                        (_, None) if !gql.is_empty() && k == "variables" => {
                            let forced = graphql::force(v, &gql);
                            self.walk(forced.as_ref().unwrap_or(v), depth + 1)
                        }
                        (_, None) => self.walk(v, depth + 1),
                    };
                    let name = self.redact_key(k, &out, &mut names);
                    if let Some((set, _)) = &mut names {
                        set.insert(name.clone());
                    }
                    out.push((name, redacted));
                }
                Value::Object(out)
            }
            scalar => scalar.clone(),
        }
    }

    /// A member name with the value rules applied (a map keyed by e-mail or
    /// API key); a name that collides with an earlier one gets `#2`, `#3`…
    fn redact_key(
        &self,
        k: &str,
        earlier: &[(String, Value)],
        names: &mut Option<Names>,
    ) -> String {
        let red = self.redact_plain(k);
        if red == k {
            return k.to_owned();
        }
        let (set, next) = names.get_or_insert_with(|| {
            (
                earlier.iter().map(|(e, _)| e.clone()).collect(),
                HashMap::new(),
            )
        });
        if !set.contains(red.as_ref()) {
            return red.into_owned();
        }
        let n = next.entry(red.to_string()).or_insert(2);
        loop {
            let candidate = format!("{red}#{n}");
            *n += 1;
            if !set.contains(&candidate) {
                return candidate;
            }
        }
    }

    /// Redacts secrets inside one string; a string holding a JSON object or
    /// array is redacted structurally.
    pub fn redact_text<'a>(&self, s: &'a str, depth: usize) -> Cow<'a, str> {
        let trimmed = s.trim_start();
        if depth < tooltrail_json::MAX_DEPTH
            && (trimmed.starts_with('{') || trimmed.starts_with('['))
            && let Ok(inner) = parse_json(s.as_bytes())
        {
            let mut out = Vec::with_capacity(s.len());
            if write_ordered(&self.walk(&inner, depth + 1), &mut out).is_ok() {
                return Cow::Owned(String::from_utf8(out).expect("serializer writes UTF-8"));
            }
        }
        self.redact_plain(s)
    }

    /// The value rules and the free-text pairs on one string, no JSON parsing.
    fn redact_plain<'a>(&self, s: &'a str) -> Cow<'a, str> {
        let mut text = Cow::Borrowed(s);
        // Replacements only remove text, so a rule the prefilter rules out
        // on the original cannot match after earlier rules ran.
        let hits = (s.len() <= rules::PREFILTER_MAX).then(|| rules::prefilter().matches(s));
        for (i, rule) in rules::rules().iter().enumerate() {
            if hits.as_ref().is_some_and(|h| !h.matched(i))
                || rule.gate.is_some_and(|gate| !gate(&text))
                || !rule.pattern.is_match(&text)
            {
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
                if !(rule.valid)(&text, whole.start(), whole.end()) {
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
        if let Some(out) = free_text::redact_pairs(&text, self) {
            text = Cow::Owned(out);
        }
        if let Some(out) = cli::redact_command_line(&text) {
            text = Cow::Owned(out);
        }
        if !self.patterns.is_empty()
            && let Some(out) = custom::apply(&self.patterns, &text)
        {
            text = Cow::Owned(out);
        }
        text
    }

    /// The label of a sensitive name (key rules, then secret-like names).
    fn label_of(&self, name: &str) -> Option<String> {
        self.name_rule(name)
            .map(|(l, _)| l.to_owned())
            .or_else(|| keys::with_normalized(name, keys::soft).then(|| "secret".to_owned()))
    }

    /// An argument vector (all strings): the values of sensitive flags go
    /// (`--with-token tok`, `mysql -pS3cret`, `curl -u bob:pw`).
    fn redact_argv(&self, items: &[Value], out: &mut [Value]) {
        let args: Option<Vec<&str>> = items
            .iter()
            .map(|v| match v {
                Value::String(s) => Some(s.as_str()),
                _ => None,
            })
            .collect();
        let Some(args) = args.filter(|a| a.len() >= 2) else {
            return;
        };
        for (i, s, e, label) in cli::argv_secrets(&args, &|n| self.label_of(n)) {
            out[i] = Value::String(format!(
                "{}[REDACTED:{label}]{}",
                &args[i][..s],
                &args[i][e..]
            ));
        }
    }
}

impl free_text::Names for Redactor {
    fn label(&self, name: &str) -> Option<String> {
        self.name_rule(name).map(|(label, _)| label.to_owned())
    }

    fn query_label(&self, name: &str) -> Option<&'static str> {
        keys::with_normalized(name, keys::query_only)
    }

    fn soft(&self, name: &str) -> bool {
        keys::with_normalized(name, keys::soft)
    }
}
