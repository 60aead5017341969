//! Arguments and results stored in events (`store_args`, the incident
//! window, `store_results`) are bounded, so that every line the writer
//! produces is one the readers take ([`MAX_LINE_BYTES`](crate::MAX_LINE_BYTES)):
//! a value larger than [`MAX_STORED_BYTES`] is stored as a marker that says
//! so, with its size and hash, instead of a line `show` would skip.

use tooltrail_json::{Value, stable_hash, write_ordered};

/// Most bytes an `args` or `result` value takes in its event line (1 MiB).
pub const MAX_STORED_BYTES: usize = 1 << 20;

/// The key of the marker that stands for a value over [`MAX_STORED_BYTES`]:
/// `{"tooltrail_truncated": {"bytes": N, "sha256": "…"}}` (`bytes` as the
/// line would have held it; `sha256` the value's `stable_hash`).
pub const TRUNCATED: &str = "tooltrail_truncated";

/// `value` if it fits in [`MAX_STORED_BYTES`], else the marker for it.
pub(crate) fn bounded(value: Value) -> Value {
    let mut bytes = Vec::new();
    if write_ordered(&value, &mut bytes).is_err() || bytes.len() <= MAX_STORED_BYTES {
        return value;
    }
    let hash = stable_hash(&value).map_or(Value::Null, Value::from);
    Value::object([(
        TRUNCATED,
        Value::object([
            ("bytes", Value::Number(bytes.len() as f64)),
            ("sha256", hash),
        ]),
    )])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_values_pass_and_large_ones_become_a_marker() {
        let small = Value::from("x".repeat(1000));
        assert_eq!(bounded(small.clone()), small);
        let big = Value::from("x".repeat(MAX_STORED_BYTES));
        let marker = bounded(big.clone());
        let inner = marker.get(TRUNCATED).expect("marker");
        assert_eq!(
            inner.get("bytes"),
            Some(&Value::Number((MAX_STORED_BYTES + 2) as f64))
        );
        assert_eq!(
            inner.get("sha256"),
            Some(&Value::from(stable_hash(&big).unwrap()))
        );
    }
}
