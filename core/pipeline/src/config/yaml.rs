//! YAML text → [`Value`], so that a file and a host's object go through one
//! validator.

use yaml_rust2::Yaml;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use super::{ConfigError, err};
use tooltrail_json::Value;

/// Refuses YAML aliases (`*name`) before the loader sees them: it expands
/// each into a copy of its anchor, so nine lines of aliases to aliases (the
/// "billion laughs") grew into billions of strings and took every byte of
/// memory. A configuration has no use for them.
pub(super) fn refuse_aliases(text: &str) -> Result<(), ConfigError> {
    struct FirstAlias(Option<Marker>);
    impl MarkedEventReceiver for FirstAlias {
        fn on_event(&mut self, ev: Event, mark: Marker) {
            if matches!(ev, Event::Alias(_)) && self.0.is_none() {
                self.0 = Some(mark);
            }
        }
    }
    let mut first = FirstAlias(None);
    Parser::new_from_str(text)
        .load(&mut first, true)
        .map_err(|e| err("(yaml)", &e.to_string()))?;
    match first.0 {
        None => Ok(()),
        Some(at) => Err(err(
            "(yaml)",
            &format!(
                "aliases (*name) are not supported: write the value out (line {} column {})",
                at.line(),
                at.col() + 1
            ),
        )),
    }
}

/// YAML → [`Value`]; keys must be strings, aliases and odd tags are refused.
pub(super) fn yaml_to_value(y: &Yaml, path: &str) -> Result<Value, ConfigError> {
    Ok(match y {
        Yaml::Null => Value::Null,
        Yaml::Boolean(b) => Value::Bool(*b),
        Yaml::Integer(i) => Value::Number(*i as f64),
        Yaml::Real(r) => Value::Number(
            r.parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .ok_or_else(|| err(path, &format!("{r} is not a finite number")))?,
        ),
        Yaml::String(s) => Value::String(s.clone()),
        Yaml::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| yaml_to_value(i, path))
                .collect::<Result<_, _>>()?,
        ),
        Yaml::Hash(h) => {
            let mut members = Vec::with_capacity(h.len());
            for (k, v) in h {
                let Yaml::String(k) = k else {
                    return Err(err(path, "keys must be strings"));
                };
                let child = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                members.push((k.clone(), yaml_to_value(v, &child)?));
            }
            Value::Object(members)
        }
        Yaml::Alias(_) | Yaml::BadValue => {
            return Err(err(path, "unsupported YAML value (alias or bad value)"));
        }
    })
}
