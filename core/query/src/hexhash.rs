//! An `args_hash` kept small: the gateway's 64 lowercase hex digits as the
//! 32 bytes they spell, anything else (another producer's) as its text.

/// The 32 bytes spelled by exactly 64 lowercase hex digits.
pub(crate) fn sha256_bytes(hash: &str) -> Option<[u8; 32]> {
    let b = hash.as_bytes();
    if b.len() != 64 {
        return None;
    }
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = nibble(b[2 * i])? << 4 | nibble(b[2 * i + 1])?;
    }
    Some(out)
}

/// The 64 lowercase hex digits of `bytes` ([`sha256_bytes`] backwards).
pub(crate) fn sha256_text(bytes: &[u8; 32]) -> [u8; 64] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 64];
    for (i, b) in bytes.iter().enumerate() {
        out[2 * i] = DIGITS[usize::from(b >> 4)];
        out[2 * i + 1] = DIGITS[usize::from(b & 15)];
    }
    out
}
