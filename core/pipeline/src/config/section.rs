//! [`Section`]: one mapping of the configuration being read. It remembers
//! which keys were used, so that the rest can be reported as unknown, and
//! names every bad value by its dotted key.

use super::ConfigError;
use tooltrail_json::Value;

#[cfg(test)]
thread_local! {
    /// Tests: every dotted key the reader asked for, in order (`keys_tests.rs`).
    pub(super) static ASKED: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// One mapping being read; remembers which keys were used so that the rest
/// can be reported as unknown.
pub(crate) struct Section<'a> {
    path: String,
    members: &'a [(String, Value)],
    used: Vec<bool>,
}

impl<'a> Section<'a> {
    pub(crate) fn new(path: &str, value: &'a Value) -> Result<Self, ConfigError> {
        match value {
            Value::Object(members) => Ok(Self {
                path: path.into(),
                members,
                used: vec![false; members.len()],
            }),
            _ => Err(err(path, "must be a mapping")),
        }
    }

    pub(crate) fn key(&self, name: &str) -> String {
        if self.path.is_empty() {
            name.into()
        } else {
            format!("{}.{name}", self.path)
        }
    }

    pub(crate) fn get(&mut self, name: &str) -> Option<&'a Value> {
        #[cfg(test)]
        ASKED.with(|a| a.borrow_mut().push(self.key(name)));
        let i = self.members.iter().position(|(k, _)| k == name)?;
        self.used[i] = true;
        match &self.members[i].1 {
            Value::Null => None,
            v => Some(v),
        }
    }

    pub(crate) fn section(&mut self, name: &str) -> Result<Option<Section<'a>>, ConfigError> {
        let key = self.key(name);
        self.get(name).map(|v| Section::new(&key, v)).transpose()
    }

    pub(crate) fn bool(&mut self, name: &str, out: &mut bool) -> Result<(), ConfigError> {
        match self.get(name) {
            None => Ok(()),
            Some(Value::Bool(b)) => {
                *out = *b;
                Ok(())
            }
            Some(_) => Err(err(&self.key(name), "must be true or false")),
        }
    }

    pub(crate) fn number(
        &mut self,
        name: &str,
        min: f64,
        max: f64,
    ) -> Result<Option<f64>, ConfigError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Number(n)) if (min..=max).contains(n) => Ok(Some(*n)),
            Some(other) => Err(err(
                &self.key(name),
                &format!("must be a number from {min} to {max}, got {}", show(other)),
            )),
        }
    }

    pub(crate) fn count(&mut self, name: &str) -> Result<Option<u64>, ConfigError> {
        match self.get(name) {
            None => Ok(None),
            // Up to 2^53 - 1: every count is exact in both languages.
            Some(Value::Number(n))
                if n.fract() == 0.0
                    && (1.0..=tooltrail_json::MAX_SAFE_INTEGER as f64).contains(n) =>
            {
                Ok(Some(*n as u64))
            }
            Some(other) => Err(err(
                &self.key(name),
                &format!(
                    "must be a whole number from 1 to {}, got {}",
                    tooltrail_json::MAX_SAFE_INTEGER,
                    show(other)
                ),
            )),
        }
    }

    pub(crate) fn choice(
        &mut self,
        name: &str,
        options: &[&str],
    ) -> Result<Option<&'a str>, ConfigError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) if options.contains(&s.as_str()) => Ok(Some(s)),
            Some(other) => Err(err(
                &self.key(name),
                &format!(
                    "must be one of {}, got {}",
                    options.join(" | "),
                    show(other)
                ),
            )),
        }
    }

    pub(crate) fn string(&mut self, name: &str) -> Result<Option<String>, ConfigError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
            Some(other) => Err(err(
                &self.key(name),
                &format!("must be a non-empty string, got {}", show(other)),
            )),
        }
    }

    /// This mapping's dotted key (`(root)` for the top).
    pub(crate) fn path(&self) -> &str {
        if self.path.is_empty() {
            "(root)"
        } else {
            &self.path
        }
    }

    /// Whether `name` is given as an explicit null (which `get` reads as
    /// absent): an alert rule set to null is turned off.
    pub(crate) fn is_null(&mut self, name: &str) -> bool {
        #[cfg(test)]
        ASKED.with(|a| a.borrow_mut().push(self.key(name)));
        let i = self.members.iter().position(|(k, _)| k == name);
        i.is_some_and(|i| {
            self.used[i] = true;
            self.members[i].1 == Value::Null
        })
    }

    /// A duration: `30s`, `5m`, `2h`, `1d`, or a number of seconds (>= 0).
    pub(crate) fn duration(&mut self, name: &str) -> Result<Option<f64>, ConfigError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Number(n)) if *n >= 0.0 && n.is_finite() => Ok(Some(*n)),
            Some(Value::String(s)) if super::parse_duration_us(s).is_some() => {
                Ok(super::parse_duration_us(s).map(|us| us as f64 / 1e6))
            }
            Some(other) => Err(err(
                &self.key(name),
                &format!(
                    "must be a duration (a whole number and s, m, h or d: `30s`, `5m`) or a number of seconds, got {}",
                    show(other)
                ),
            )),
        }
    }

    /// An RFC 3339 instant with any offset (`2026-11-30T22:56:06Z`,
    /// `…+01:00`), in microseconds since the epoch.
    pub(crate) fn instant(&mut self, name: &str) -> Result<Option<i64>, ConfigError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) if crate::time::parse_timestamp_nanos(s).is_some() => {
                Ok(crate::time::parse_timestamp_nanos(s).map(|n| n.div_euclid(1000)))
            }
            Some(other) => Err(err(
                &self.key(name),
                &format!(
                    "must be an RFC 3339 instant between 1678 and 2261 such as \
                     \"2026-11-30T22:56:06Z\", got {}",
                    show(other)
                ),
            )),
        }
    }

    pub(crate) fn finish(self) -> Result<(), ConfigError> {
        match self.used.iter().position(|u| !u) {
            Some(i) => Err(err(&self.key(&self.members[i].0), "unknown key")),
            None => Ok(()),
        }
    }
}

pub(crate) fn err(key: &str, message: &str) -> ConfigError {
    ConfigError {
        key: if key.is_empty() {
            "(root)".into()
        } else {
            key.into()
        },
        message: message.into(),
    }
}

fn show(v: &Value) -> String {
    tooltrail_json::canonical_json(v).unwrap_or_else(|_| "?".into())
}
