//! Number policy and ECMAScript number formatting.

use crate::error::{CanonError, ErrorKind};

/// 2^53 − 1, the largest integer every language represents exactly.
pub const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;

/// Accepts an integer from a host language (Python `int`, JS `BigInt`) if it is
/// within ±(2^53−1), returning it as the exact double it becomes.
pub fn check_integer(n: i128) -> Result<f64, CanonError> {
    if n.unsigned_abs() <= MAX_SAFE_INTEGER as u128 {
        Ok(n as f64)
    } else {
        Err(out_of_range(&n.to_string()))
    }
}

pub(crate) fn out_of_range(repr: &str) -> CanonError {
    CanonError::new(
        ErrorKind::IntegerOutOfRange,
        format!("integer {repr} is outside ±(2^53-1)"),
    )
}

/// Accepts a finite double; NaN and ±Infinity are `non_finite`.
pub fn check_float(f: f64) -> Result<f64, CanonError> {
    if f.is_finite() {
        Ok(f)
    } else {
        Err(CanonError::new(
            ErrorKind::NonFinite,
            format!("{f} is not a finite number"),
        ))
    }
}

/// Formats a finite double as ECMAScript `Number.prototype.toString` does
/// (RFC 8785 §3.2.2.3): shortest round trip, `1e+21`, `1e-7`, `-0` → `0`.
pub fn format_number(f: f64, out: &mut Vec<u8>) {
    debug_assert!(f.is_finite());
    if f == 0.0 {
        // Covers -0.0 too; ES prints both as "0".
        out.push(b'0');
        return;
    }
    // Integers below 2^53 print as their digits in ES too; skip the float
    // formatter for them (seq, counts, most arguments).
    if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
        let mut n = f.abs() as u64;
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        while n > 0 {
            at -= 1;
            digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
        }
        if f < 0.0 {
            out.push(b'-');
        }
        out.extend_from_slice(&digits[at..]);
        return;
    }
    let mut buf = ryu_js::Buffer::new();
    out.extend_from_slice(buf.format_finite(f).as_bytes());
}
