//! Well-known token formats (after gitleaks / detect-secrets): vendor key
//! prefixes, webhook URLs, AWS secret access keys next to their key id.

/// `(label, pattern, validator, group)` of each token rule, in the order
/// they run (see `rules.rs`).
pub(crate) type Spec = (
    &'static str,
    &'static str,
    fn(&str, usize, usize) -> bool,
    usize,
);

/// Vendor-prefixed keys and tokens (`vendors.rs`), one alternation (label
/// `api_key`; group 1 is the token). A token must not run on into more
/// letters or digits; some end in `=`, `~` or `%`, so this is not `\b`.
pub(crate) fn vendor_pattern() -> String {
    let all: Vec<&str> = [
        super::vendors::CODE,
        super::vendors::CLOUD,
        super::vendors::SAAS,
    ]
    .concat();
    format!(r"\b((?:{}))(?:[^A-Za-z0-9]|$)", all.join("|"))
}

/// A random token, not a word chain like `sk-learn-compatible-models`:
/// anything but lowercase words (up to 12 letters) joined by `-`/`_`.
pub(crate) fn random_token(t: &str, s: usize, e: usize) -> bool {
    let m = t[s..e].trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
    !m.split(['-', '_'])
        .all(|w| w.len() <= 12 && w.bytes().all(|b| b.is_ascii_lowercase()))
}

fn b64(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'/' | b'+' | b'=')
}

/// A 40-character AWS secret access key: exactly 40 base64 characters mixing
/// upper, lower and digits (so a git SHA is not one), near an access key id
/// or an `aws`/`secret` mention (within 256 bytes).
pub(crate) fn aws_secret(t: &str, s: usize, e: usize) -> bool {
    let b = t.as_bytes();
    let m = &b[s..e];
    if m.len() != 40
        || s > 0 && b64(b[s - 1])
        || b.get(e).copied().is_some_and(b64)
        || !m.iter().any(u8::is_ascii_uppercase)
        || !m.iter().any(u8::is_ascii_lowercase)
        || !m.iter().any(u8::is_ascii_digit)
    {
        return false;
    }
    let lo = s.saturating_sub(256);
    let hi = (e + 256).min(b.len());
    let near = |needle: &[u8]| {
        b[lo..hi]
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
    };
    let id = b[lo..hi].windows(20).any(|w| {
        (w.starts_with(b"AKIA") || w.starts_with(b"ASIA"))
            && w[4..]
                .iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    });
    id || near(b"aws") && near(b"secret")
}

/// The token rules that run between the structural ones (PEM, URL password)
/// and the PII ones (e-mail, card, phone).
pub(crate) const SPECS: &[Spec] = &[
    (
        "slack_webhook",
        r"https://hooks\.slack\.com/(?:services|workflows|triggers)/([A-Za-z0-9/_-]{8,})",
        always,
        1,
    ),
    (
        "webhook",
        r"https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/([0-9]+/[A-Za-z0-9_-]+)",
        always,
        1,
    ),
    ("aws_secret_key", r"[A-Za-z0-9/+]{40,}", aws_secret, 0),
];

/// A validator that accepts every match (the pattern says enough).
pub(crate) fn always(_: &str, _: usize, _: usize) -> bool {
    true
}
