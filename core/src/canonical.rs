//! RFC 8785 (JCS) serialization of [`Value`].

use std::collections::HashSet;

use crate::canon_error::{CanonError, ErrorKind};
pub(crate) use crate::escape::write_string;
use crate::number::format_number;
use crate::value::Value;
pub use crate::value::check_depth;

/// Appends the canonical UTF-8 bytes of `value` to `out`.
///
/// Validates what the [`Value`] type cannot guarantee by construction: finite
/// numbers, unique keys and the depth limit. On error `out` may hold a partial
/// prefix; callers that reuse buffers should truncate.
pub fn write_canonical(value: &Value, out: &mut Vec<u8>) -> Result<(), CanonError> {
    write_value(value, out, 0)
}

/// The canonical JSON text of `value`.
pub fn canonical_json(value: &Value) -> Result<String, CanonError> {
    let mut out = Vec::with_capacity(64);
    write_canonical(value, &mut out)?;
    // Only whole UTF-8 strings and ASCII are ever appended.
    Ok(String::from_utf8(out).expect("canonical output is UTF-8"))
}

/// Parses JSON text strictly and returns its canonical form.
pub fn canonical_json_from_text(text: &str) -> Result<String, CanonError> {
    canonical_json(&crate::parse::parse_json(text.as_bytes())?)
}

/// Appends `value` as compact JSON keeping object members in their given
/// order (event lines), with the same number, string, depth and duplicate-key
/// rules as [`write_canonical`].
pub fn write_ordered(value: &Value, out: &mut Vec<u8>) -> Result<(), CanonError> {
    write_value_ordered(value, out, 0)
}

fn write_value_ordered(value: &Value, out: &mut Vec<u8>, depth: usize) -> Result<(), CanonError> {
    match value {
        Value::Array(items) => write_array(items, out, depth, write_value_ordered)?,
        Value::Object(members) => {
            check_depth(depth)?;
            // Linear scan for the usual handful of fields; a set for large maps.
            let mut seen = (members.len() > 16).then(|| HashSet::with_capacity(members.len()));
            out.push(b'{');
            for (i, (key, v)) in members.iter().enumerate() {
                let repeated = match seen.as_mut() {
                    Some(set) => !set.insert(key.as_str()),
                    None => members[..i].iter().any(|(k, _)| k == key),
                };
                if repeated {
                    return Err(duplicate(key));
                }
                if i > 0 {
                    out.push(b',');
                }
                write_string(key, out);
                out.push(b':');
                write_value_ordered(v, out, depth + 1).map_err(|e| e.within_key(key))?;
            }
            out.push(b'}');
        }
        scalar => write_value(scalar, out, depth)?,
    }
    Ok(())
}

fn duplicate(key: &str) -> CanonError {
    CanonError::new(
        ErrorKind::DuplicateKey,
        format!("key {key:?} appears more than once"),
    )
    .within_key(key)
}

fn write_value(value: &Value, out: &mut Vec<u8>, depth: usize) -> Result<(), CanonError> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(f) => format_number(crate::number::check_float(*f)?, out),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => write_array(items, out, depth, write_value)?,
        Value::Object(members) => {
            check_depth(depth)?;
            let mut order: Vec<(Vec<u16>, &str, &Value)> = members
                .iter()
                .map(|(k, v)| (k.encode_utf16().collect(), k.as_str(), v))
                .collect();
            // RFC 8785 §3.2.3: sort by UTF-16 code units, not code points.
            order.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            out.push(b'{');
            for (i, (utf16, key, v)) in order.iter().enumerate() {
                if i > 0 {
                    if order[i - 1].0 == *utf16 {
                        return Err(duplicate(key));
                    }
                    out.push(b',');
                }
                write_string(key, out);
                out.push(b':');
                write_value(v, out, depth + 1).map_err(|e| e.within_key(key))?;
            }
            out.push(b'}');
        }
    }
    Ok(())
}

type WriteFn = fn(&Value, &mut Vec<u8>, usize) -> Result<(), CanonError>;

fn write_array(
    items: &[Value],
    out: &mut Vec<u8>,
    depth: usize,
    each: WriteFn,
) -> Result<(), CanonError> {
    check_depth(depth)?;
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        each(item, out, depth + 1).map_err(|e| e.within_index(i))?;
    }
    out.push(b']');
    Ok(())
}
