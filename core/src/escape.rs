//! RFC 8785 string escaping: the leaf of the JSON layer (no other module of
//! the crate is used here, so errors, values and serializers can all share it).

/// Appends `s` as a JSON string with RFC 8785 escaping: only `"`, `\` and
/// control characters are escaped; everything else is written raw.
pub fn write_string(s: &str, out: &mut Vec<u8>) {
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
