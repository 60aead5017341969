//! Where a query's options come from. A [`Query`](super::Query) is read
//! through the [`OptionSource`] trait, so the command line (`cli::args`)
//! and a host's options object ([`ValueOptions`]) go through the same reader
//! and get the same defaults; only the spelling of keys and the wording of
//! errors differ by source.

use std::borrow::Cow;

use tooltrail_core::Error;
use tooltrail_core::config::Config;
use tooltrail_json::MAX_SAFE_INTEGER;
use tooltrail_json::Value;
use tooltrail_json::{CanonError, PathSegment};

/// One option: its key in a host options object (snake_case) and its flag
/// on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opt {
    /// The key in a host options object, snake_case (`stop_reason`).
    pub key: &'static str,
    /// The command-line flag (`--stop-reason`), or the positional's name in
    /// the usage text (`RUN_ID`).
    pub flag: &'static str,
}

/// A source of option values. Every getter returns `Ok(None)` when the
/// option is absent, so that the caller applies the one default.
pub trait OptionSource {
    /// A string option.
    fn text(&mut self, opt: Opt) -> Result<Option<String>, Error>;
    /// A whole number ≥ 0.
    fn count(&mut self, opt: Opt) -> Result<Option<u64>, Error>;
    /// An alert configuration (a YAML file, or for hosts also an object).
    fn config(&mut self, opt: Opt) -> Result<Option<Config>, Error>;
    /// The error for a required option that is absent.
    fn missing(&self, command: &str, opt: Opt) -> Error;
    /// The option as the caller spelled it (`--since`, `since`, `stopReason`).
    fn name(&self, opt: Opt) -> String;
    /// Called once every option of `command` was read: options the command
    /// does not take are an error here (for sources that can tell).
    fn finish(&mut self, command: &str) -> Result<(), Error>;
}

/// How a host spells option keys: Python passes `stop_reason`, Node
/// `stopReason` (its public API is camelCase). The core knows both, so an
/// error names the key as the caller wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyCase {
    /// `stop_reason` (Python).
    Snake,
    /// `stopReason` (JavaScript).
    Camel,
}

impl KeyCase {
    /// `key` (snake_case) as this host spells it.
    pub fn spell(self, key: &str) -> Cow<'_, str> {
        match self {
            KeyCase::Snake => Cow::Borrowed(key),
            KeyCase::Camel if !key.contains('_') => Cow::Borrowed(key),
            KeyCase::Camel => {
                let mut out = String::with_capacity(key.len());
                let mut upper = false;
                for c in key.chars() {
                    if c == '_' {
                        upper = true;
                    } else if upper {
                        out.extend(c.to_uppercase());
                        upper = false;
                    } else {
                        out.push(c);
                    }
                }
                Cow::Owned(out)
            }
        }
    }
}

/// The error for a host options object that has no [`Value`] form (a
/// Python `datetime` as `since`, say): an invalid argument naming the
/// option the value sits in, like any other value of the wrong type.
pub fn unconvertible_options(e: CanonError) -> Error {
    let key = match e.path().segments().next() {
        Some(PathSegment::Key(k)) => k.clone(),
        _ => "options".to_owned(),
    };
    Error::invalid_argument(key, e.to_string())
}

/// A host's options object, converted to a [`Value`]. A `null` member counts
/// as absent (Python passes `None` for an argument not given); a member the
/// command does not take, or of the wrong type, is an
/// [`Error::InvalidArgument`] naming the key.
pub struct ValueOptions<'a> {
    members: &'a [(String, Value)],
    used: Vec<bool>,
    case: KeyCase,
    asked: Vec<&'static str>,
}

impl<'a> ValueOptions<'a> {
    /// Reads `options`: an object, or `null` for no options.
    pub fn new(options: &'a Value, case: KeyCase) -> Result<Self, Error> {
        let members: &[(String, Value)] = match options {
            Value::Object(members) => members,
            Value::Null => &[],
            other => {
                return Err(Error::invalid_argument(
                    "options",
                    format!("must be an object of options, not {}", other.type_name()),
                ));
            }
        };
        Ok(Self {
            members,
            used: vec![false; members.len()],
            case,
            asked: Vec::new(),
        })
    }

    fn key(&self, opt: Opt) -> String {
        self.case.spell(opt.key).into_owned()
    }

    fn get(&mut self, opt: Opt) -> Option<&'a Value> {
        self.asked.push(opt.key);
        let key = self.case.spell(opt.key);
        let i = self.members.iter().position(|(k, _)| *k == key)?;
        self.used[i] = true;
        match &self.members[i].1 {
            Value::Null => None,
            v => Some(v),
        }
    }
}

impl OptionSource for ValueOptions<'_> {
    fn text(&mut self, opt: Opt) -> Result<Option<String>, Error> {
        match self.get(opt) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(Error::invalid_argument(
                self.key(opt),
                format!("must be a string, not {}", other.type_name()),
            )),
        }
    }

    fn count(&mut self, opt: Opt) -> Result<Option<u64>, Error> {
        match self.get(opt) {
            None => Ok(None),
            Some(Value::Number(n))
                if n.fract() == 0.0 && (0.0..=MAX_SAFE_INTEGER as f64).contains(n) =>
            {
                Ok(Some(*n as u64))
            }
            Some(Value::Number(n)) => Err(Error::invalid_argument(
                self.key(opt),
                format!("must be a whole number of at least 0, got {n}"),
            )),
            Some(other) => Err(Error::invalid_argument(
                self.key(opt),
                format!("must be a whole number, not {}", other.type_name()),
            )),
        }
    }

    fn config(&mut self, opt: Opt) -> Result<Option<Config>, Error> {
        match self.get(opt) {
            None => Ok(None),
            // A path to a YAML file or the settings themselves, as the
            // gateway's `config=`: errors are `config_error` naming the
            // configuration key.
            Some(v @ (Value::String(_) | Value::Object(_))) => Ok(Some(Config::load(v)?)),
            Some(other) => Err(Error::invalid_argument(
                self.key(opt),
                format!(
                    "must be a path to a YAML file or an object of settings, not {}",
                    other.type_name()
                ),
            )),
        }
    }

    fn missing(&self, command: &str, opt: Opt) -> Error {
        Error::invalid_argument(self.key(opt), format!("{command} needs it"))
    }

    fn name(&self, opt: Opt) -> String {
        self.key(opt)
    }

    fn finish(&mut self, command: &str) -> Result<(), Error> {
        let Some(i) = self.used.iter().position(|u| !u) else {
            return Ok(());
        };
        let takes: Vec<String> = self
            .asked
            .iter()
            .map(|k| self.case.spell(k).into_owned())
            .collect();
        let takes = if takes.is_empty() {
            "no options".to_owned()
        } else {
            takes.join(", ")
        };
        Err(Error::invalid_argument(
            self.members[i].0.clone(),
            format!("unknown option ({command} takes {takes})"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unconvertible_values_name_their_option() {
        let e = CanonError::new(tooltrail_json::ErrorKind::UnsupportedType, "datetime")
            .within_key("since");
        assert!(
            matches!(unconvertible_options(e), Error::InvalidArgument { key, .. } if key == "since")
        );
    }

    #[test]
    fn camel_case_spelling() {
        assert_eq!(KeyCase::Camel.spell("stop_reason"), "stopReason");
        assert_eq!(KeyCase::Camel.spell("top"), "top");
        assert_eq!(KeyCase::Snake.spell("error_class"), "error_class");
    }
}
