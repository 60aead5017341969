//! YAML text → [`Value`], so that a file and a host's object go through one
//! validator.

use yaml_rust2::Yaml;

use super::{ConfigError, err};
use tooltrail_json::Value;

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
