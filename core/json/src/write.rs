//! RFC 8785 (JCS) serialization of [`Value`].

use std::collections::HashSet;

use crate::error::{CanonError, ErrorKind};
pub(crate) use crate::escape::write_string;
use crate::number::format_number;
use crate::value::Value;
pub(crate) use crate::value::check_depth;

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
            let mut order: Vec<(&str, &Value)> =
                members.iter().map(|(k, v)| (k.as_str(), v)).collect();
            // RFC 8785 §3.2.3: sort by UTF-16 code units, not code points.
            order.sort_unstable_by(|a, b| utf16_cmp(a.0, b.0));
            out.push(b'{');
            for (i, &(key, v)) in order.iter().enumerate() {
                if i > 0 {
                    if order[i - 1].0 == key {
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

/// Orders two strings by their UTF-16 code units without encoding them.
///
/// UTF-8 byte order is code point order, which agrees with UTF-16 order
/// except when one side of the first difference is a supplementary character
/// (4 UTF-8 bytes, a surrogate pair in UTF-16) and the other is in
/// U+E000..=U+FFFF: only then are the strings compared as UTF-16.
pub(crate) fn utf16_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    let same = x.iter().zip(y).take_while(|(p, q)| p == q).count();
    match (x.get(same), y.get(same)) {
        (Some(&p), Some(&q)) if p >= 0xEE || q >= 0xEE => a[floor(a, same)..]
            .encode_utf16()
            .cmp(b[floor(b, same)..].encode_utf16()),
        _ => x.cmp(y),
    }
}

/// The start of the character holding byte `i` of `s`.
fn floor(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
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

#[cfg(test)]
mod tests {
    use super::utf16_cmp;

    /// The byte-order shortcut agrees with encoding both sides as UTF-16,
    /// around the one place UTF-8 and UTF-16 orders differ.
    #[test]
    fn utf16_order_matches_encoding() {
        let samples = [
            "",
            "a",
            "ab",
            "b",
            "\u{7f}",
            "\u{80}",
            "\u{ff}",
            "\u{7ff}",
            "\u{800}",
            "\u{d7ff}",
            "\u{e000}",
            "\u{efff}",
            "\u{f000}",
            "\u{ffff}",
            "\u{10000}",
            "\u{1f600}",
            "\u{10ffff}",
            "a\u{ffff}",
            "a\u{10000}",
            "\u{e9}t\u{e9}",
            "\u{e9}t\u{1f600}",
        ];
        for a in samples {
            for b in samples {
                assert_eq!(
                    utf16_cmp(a, b),
                    a.encode_utf16().cmp(b.encode_utf16()),
                    "{a:?} vs {b:?}"
                );
            }
        }
    }
}
