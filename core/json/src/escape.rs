//! RFC 8785 string escaping: the leaf of the JSON layer (no other module of
//! the crate is used here, so errors, values and serializers can all share it).

/// Appends `s` as a JSON string with RFC 8785 escaping: only `"`, `\` and
/// control characters are escaped; everything else is written raw.
pub fn write_string(s: &str, out: &mut Vec<u8>) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut start = 0;
    let i = clean_prefix(bytes);
    for (at, &b) in bytes.iter().enumerate().skip(i) {
        // Past the clean prefix: the rare string with something to escape.
        if !ESCAPED[b as usize] {
            continue;
        }
        out.extend_from_slice(&bytes[start..at]);
        start = at + 1;
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[(b >> 4) as usize]);
                out.push(HEX[(b & 0xf) as usize]);
            }
        }
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// How many leading bytes of `bytes` need no escaping (none of them is a
/// control character, `"` or `\\`): eight at a time while a whole word is
/// clean (the usual case: ids, hashes, keys), then byte by byte. Every event
/// line and every parsed string goes through here.
pub(crate) fn clean_prefix(bytes: &[u8]) -> usize {
    let mut i = 0;
    for word in bytes.chunks_exact(8) {
        if needs_escape(u64::from_le_bytes(word.try_into().expect("8 bytes"))) {
            break;
        }
        i += 8;
    }
    i + bytes[i..]
        .iter()
        .take_while(|&&b| !ESCAPED[b as usize])
        .count()
}

/// Bytes RFC 8785 escapes: control characters, `"` and `\\`.
const ESCAPED: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

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
