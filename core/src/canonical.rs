//! RFC 8785 (JCS) serialization of [`Value`].

use std::collections::HashSet;

use crate::error::{CanonError, ErrorKind};
use crate::number::format_number;
use crate::value::{MAX_DEPTH, Value};

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

/// Fails with `depth_exceeded` when a container would open at `depth`
/// (0 for the top level) beyond [`MAX_DEPTH`]. Converters in the bindings
/// call it before descending, which also stops cycles.
pub fn check_depth(depth: usize) -> Result<(), CanonError> {
    if depth >= MAX_DEPTH {
        Err(CanonError::new(
            ErrorKind::DepthExceeded,
            format!("nesting deeper than {MAX_DEPTH} arrays/objects (or a cycle)"),
        ))
    } else {
        Ok(())
    }
}

/// Appends `s` as a JSON string with RFC 8785 escaping: only `"`, `\` and
/// control characters are escaped; everything else is written raw.
pub(crate) fn write_string(s: &str, out: &mut Vec<u8>) {
    out.reserve(s.len() + 2);
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Eight bytes at a time while none needs escaping (the usual case:
        // ids, hashes, keys); every event line goes through here.
        if i + 8 <= bytes.len() {
            let word = u64::from_le_bytes(bytes[i..i + 8].try_into().expect("8 bytes"));
            if !needs_escape(word) {
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        if b >= 0x20 && b != b'"' && b != b'\\' {
            i += 1;
            continue;
        }
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            0x0c => b"\\f",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x00..=0x1f => {
                out.extend_from_slice(&bytes[start..i]);
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[(b >> 4) as usize]);
                out.push(HEX[(b & 0xf) as usize]);
                i += 1;
                start = i;
                continue;
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(escape);
        i += 1;
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Whether any of the eight bytes in `word` is a control character, `"` or
/// `\\` (the classic "has a zero byte" bit trick, three times).
fn needs_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    // Bytes below 0x20: subtracting 0x20 borrows into the high bit. Bytes
    // >= 0x80 (UTF-8) are excluded by `!word`.
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
    control | has_zero(word ^ (ONES * u64::from(b'"'))) | has_zero(word ^ (ONES * u64::from(b'\\')))
        != 0
}

#[cfg(test)]
mod tests {
    use super::write_string;

    /// Byte at a time, as RFC 8785 says: the reference for the fast path.
    fn reference(s: &str) -> Vec<u8> {
        let mut out = vec![b'"'];
        for c in s.chars() {
            match c {
                '"' => out.extend_from_slice(b"\\\""),
                '\\' => out.extend_from_slice(b"\\\\"),
                '\u{8}' => out.extend_from_slice(b"\\b"),
                '\u{c}' => out.extend_from_slice(b"\\f"),
                '\n' => out.extend_from_slice(b"\\n"),
                '\r' => out.extend_from_slice(b"\\r"),
                '\t' => out.extend_from_slice(b"\\t"),
                c if (c as u32) < 0x20 => {
                    out.extend_from_slice(format!("\\u{:04x}", c as u32).as_bytes())
                }
                c => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
            }
        }
        out.push(b'"');
        out
    }

    /// Every special byte at every offset of a chunk, among ASCII and
    /// multi-byte UTF-8 neighbours.
    #[test]
    fn eight_byte_fast_path_escapes_like_the_reference() {
        let specials = [
            '"', '\\', '\n', '\u{0}', '\u{1f}', '\t', '\u{7f}', ' ', 'é', '€',
        ];
        for len in 0..20 {
            for at in 0..len {
                for special in specials {
                    for filler in ["a", "ü", "😀"] {
                        let mut s = String::new();
                        for i in 0..len {
                            if i == at {
                                s.push(special);
                            } else {
                                s.push_str(filler);
                            }
                        }
                        let mut got = Vec::new();
                        write_string(&s, &mut got);
                        assert_eq!(got, reference(&s), "{s:?}");
                    }
                }
            }
        }
    }
}
