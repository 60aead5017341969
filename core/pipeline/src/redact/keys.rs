//! Key rules: which member names (and pair names, and `key=` names in free
//! text) are sensitive, and with which label.

use super::key_names::{KEY_RULES, KEY_SUFFIXES};

/// Names that are sensitive only as query-string / form parameters
/// (`?sig=…`, `&X-Amz-Signature=…`): as object keys they are often benign.
const QUERY_KEYS: &[(&str, &str)] = &[
    ("sig", "signature"),
    ("signature", "signature"),
    ("xamzsignature", "signature"),
    ("xamzcredential", "credential"),
    ("xgoogsignature", "signature"),
    ("xgoogcredential", "credential"),
];

/// Keys ending in `key` that name lookups, not secrets.
const BENIGN_KEY_SUFFIXES: &[&str] = &[
    "cachekey",
    "sortkey",
    "partitionkey",
    "primarykey",
    "foreignkey",
    "idempotencykey",
    "dedupkey",
    "dedupekey",
    "deduplicationkey",
    "objectkey",
    "s3key",
    "rowkey",
    "hashkey",
    "rangekey",
    "lookupkey",
    "groupkey",
    "routingkey",
    "messagekey",
    "shardkey",
    "indexkey",
    "publickey",
    "pubkey",
    "sshkey",
    "keyid",
];

/// Lowercase, without `-`, `_`, `.` and spaces.
pub(crate) fn normalize(key: &str) -> String {
    key.chars()
        .filter(|c| !matches!(c, '-' | '_' | '.' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Calls `f` with `key` normalized, without allocating for short ASCII keys
/// (the free-text scanner asks about every name before a `=` or `:`).
pub(crate) fn with_normalized<R>(key: &str, f: impl FnOnce(&str) -> R) -> R {
    let mut buf = [0u8; 64];
    let mut n = 0;
    for &c in key.as_bytes() {
        if matches!(c, b'-' | b'_' | b'.' | b' ') {
            continue;
        }
        if !c.is_ascii() || n == buf.len() {
            return f(&normalize(key));
        }
        buf[n] = c.to_ascii_lowercase();
        n += 1;
    }
    f(std::str::from_utf8(&buf[..n]).expect("ASCII"))
}

/// The label of a built-in sensitive key (normalized form).
pub(crate) fn builtin(k: &str) -> Option<&'static str> {
    KEY_RULES
        .iter()
        .find(|(name, _)| *name == k)
        .or_else(|| KEY_SUFFIXES.iter().find(|(suffix, _)| k.ends_with(suffix)))
        .map(|(_, label)| *label)
}

/// The label of a parameter that is sensitive in a query string or form body.
pub(crate) fn query_only(k: &str) -> Option<&'static str> {
    QUERY_KEYS.iter().find(|(n, _)| *n == k).map(|(_, l)| *l)
}

/// A "secret-like" key (`signing_key`, `hmac_key`, `encryption_key`): its
/// value goes only if it looks like key material (see `looks_like_key`).
pub(crate) fn soft(k: &str) -> bool {
    (k.len() > 3 && k.ends_with("key") && !BENIGN_KEY_SUFFIXES.iter().any(|s| k.ends_with(s)))
        || k.contains("secret")
        || k.ends_with("signingkey")
        || matches!(k, "dek" | "kek")
}

/// Labels whose numbers are redacted too: a card number or SSN stored as an
/// integer, a numeric password or PIN.
pub(crate) fn redacts_numbers(label: &str) -> bool {
    matches!(
        label,
        "card"
            | "ssn"
            | "password"
            | "pin"
            | "otp"
            | "iban"
            | "account_number"
            | "national_id"
            | "security_answer"
    )
}

/// Generated key material: 32–64 hex digits, or 16–256 characters of
/// base64/base64url that mix upper, lower and digits, or that mix two of
/// them with a digit and the spread of random text (≥ 3.5 bits per
/// character over at least 20), or padded base64 (`=` up to a multiple of
/// four) mixing upper and lower case (random bytes need not give a digit).
pub(crate) fn looks_like_key(v: &str) -> bool {
    let padded = v.ends_with('=')
        && v.len().is_multiple_of(4)
        && v.len() - v.trim_end_matches('=').len() <= 2;
    let v = v.trim_end_matches('=');
    let n = v.len();
    if !(16..=256).contains(&n) {
        return false;
    }
    if (32..=64).contains(&n) && v.bytes().all(|b| b.is_ascii_hexdigit()) {
        return true;
    }
    let b64 = v
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_'));
    let upper = v.bytes().any(|b| b.is_ascii_uppercase());
    let lower = v.bytes().any(|b| b.is_ascii_lowercase());
    let digit = v.bytes().any(|b| b.is_ascii_digit());
    b64 && (digit && (upper && lower || n >= 20 && (upper || lower) && entropy(v) >= 3.5)
        || padded && upper && lower && !v.contains(['-', '_'])
        || random_letters(v))
}

/// Letters only, mixed case the way random text is and identifiers are not:
/// at least 16, two capitals in a row somewhere, the case changing at least
/// every third character on average, and ≥ 3.5 bits per character
/// (`qNvrVKtIEKHDCjmXFcxO`, not `HashiCorpVaultBackend` or
/// `APIKeyRotationPolicy`).
fn random_letters(v: &str) -> bool {
    let b = v.as_bytes();
    if b.len() < 16 || !b.iter().all(u8::is_ascii_alphabetic) {
        return false;
    }
    let pairs = || {
        b.windows(2)
            .map(|w| (w[0].is_ascii_uppercase(), w[1].is_ascii_uppercase()))
    };
    let capitals = pairs().any(|(x, y)| x && y);
    let changes = pairs().filter(|(x, y)| x != y).count();
    b.iter().any(u8::is_ascii_lowercase) && capitals && changes * 3 >= b.len() && entropy(v) >= 3.5
}

/// Shannon entropy of the bytes of `v`, in bits per byte.
fn entropy(v: &str) -> f64 {
    let mut counts = [0u32; 256];
    for b in v.bytes() {
        counts[usize::from(b)] += 1;
    }
    let n = v.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}
