//! The hosts' per-tool `timeouts` option, checked once for both languages.
//!
//! Python gives seconds (`asyncio.wait_for`), Node milliseconds (`setTimeout`
//! aborting the tool's signal); the value rules are the same: a number above
//! zero and at most [`MAX_TIMEOUT_MS`]. Before this check a string was a
//! pyo3 `TypeError` without the tool's name in Python and silently no
//! timeout in Node, and a Node timeout above `setTimeout`'s limit fired after
//! 1 ms.

use super::GatewayError as Error;
use tooltrail_json::CanonError;
use tooltrail_json::Value;

/// The longest timeout: `setTimeout`'s limit, 2^31 − 1 ms (24.8 days).
pub const MAX_TIMEOUT_MS: f64 = 2_147_483_647.0;

/// The unit a host's `timeouts` numbers are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutUnit {
    /// Python: seconds.
    Seconds,
    /// Node: milliseconds.
    Millis,
}

impl TimeoutUnit {
    fn per_ms(self) -> f64 {
        match self {
            TimeoutUnit::Seconds => 1e-3,
            TimeoutUnit::Millis => 1.0,
        }
    }

    fn name(self) -> &'static str {
        match self {
            TimeoutUnit::Seconds => "seconds",
            TimeoutUnit::Millis => "milliseconds",
        }
    }
}

/// Reads `timeouts` (`{tool: number}`; null: none) into per-tool
/// microseconds for [`super::Gateway::set_timeouts`]. An error names
/// `timeouts` or `timeouts.<tool>`.
pub fn timeouts_from(timeouts: &Value, unit: TimeoutUnit) -> Result<Vec<(String, i64)>, Error> {
    let members = match timeouts {
        Value::Null => return Ok(Vec::new()),
        Value::Object(members) => members,
        other => {
            return Err(Error::invalid_argument(
                "timeouts",
                format!(
                    "must be an object of tool names to {}, not {}",
                    unit.name(),
                    kind(other)
                ),
            ));
        }
    };
    let max = MAX_TIMEOUT_MS * unit.per_ms();
    members
        .iter()
        .map(|(tool, v)| match v {
            Value::Number(n) if *n > 0.0 && *n <= max => {
                Ok((tool.clone(), (n / unit.per_ms() * 1e3) as i64))
            }
            other => Err(Error::invalid_argument(
                format!("timeouts.{tool}"),
                format!(
                    "must be a number of {} above 0 and at most {max}, not {}",
                    unit.name(),
                    shown(other)
                ),
            )),
        })
        .collect()
}

/// [`timeouts_from`] of what a host's converter made of its `timeouts`
/// (None: not given): a member with no JSON form (NaN, a function) is
/// `invalid_argument` naming its path under `timeouts`.
pub fn host_timeouts(
    converted: Option<Result<Value, CanonError>>,
    unit: TimeoutUnit,
) -> Result<Vec<(String, i64)>, Error> {
    match converted {
        None => Ok(Vec::new()),
        Some(Ok(v)) => timeouts_from(&v, unit),
        Some(Err(e)) => {
            let path = e.path().to_string(); // `$`, `$.tool`, …
            Err(Error::invalid_argument(
                format!("timeouts{}", &path[1..]),
                format!(
                    "must be a number of {} above 0, not {}",
                    unit.name(),
                    e.detail()
                ),
            ))
        }
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn shown(v: &Value) -> String {
    match v {
        Value::Number(n) => n.to_string(),
        other => kind(other).to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(members: &[(&str, Value)]) -> Value {
        Value::Object(
            members
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn numbers_become_microseconds_in_either_unit() {
        let v = obj(&[("a", Value::Number(0.05)), ("b", Value::Number(2.0))]);
        assert_eq!(
            timeouts_from(&v, TimeoutUnit::Seconds).unwrap(),
            vec![("a".to_owned(), 50_000), ("b".to_owned(), 2_000_000)]
        );
        let v = obj(&[("a", Value::Number(50.0))]);
        assert_eq!(
            timeouts_from(&v, TimeoutUnit::Millis).unwrap(),
            vec![("a".to_owned(), 50_000)]
        );
        assert!(
            timeouts_from(&Value::Null, TimeoutUnit::Millis)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn bad_values_name_the_tool() {
        for bad in [
            Value::String("100".into()),
            Value::Number(0.0),
            Value::Number(-1.0),
            Value::Bool(true),
            Value::Null,
            Value::Number(MAX_TIMEOUT_MS + 1.0),
        ] {
            let e = timeouts_from(&obj(&[("slow", bad.clone())]), TimeoutUnit::Millis).unwrap_err();
            assert!(
                matches!(&e, Error::InvalidArgument { key, .. } if key == "timeouts.slow"),
                "{bad:?}: {e}"
            );
        }
        // The same limit in seconds.
        let over = Value::Number(MAX_TIMEOUT_MS / 1e3 + 1.0);
        assert!(timeouts_from(&obj(&[("slow", over)]), TimeoutUnit::Seconds).is_err());
        let nan = CanonError::new(tooltrail_json::ErrorKind::NonFinite, "NaN").within_key("slow");
        let e = host_timeouts(Some(Err(nan)), TimeoutUnit::Seconds).unwrap_err();
        assert!(
            matches!(&e, Error::InvalidArgument { key, .. } if key == "timeouts.slow"),
            "{e}"
        );
        let e = timeouts_from(&Value::Array(vec![]), TimeoutUnit::Seconds).unwrap_err();
        assert!(
            matches!(&e, Error::InvalidArgument { key, .. } if key == "timeouts"),
            "{e}"
        );
    }
}
