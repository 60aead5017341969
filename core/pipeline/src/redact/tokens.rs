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

/// Vendor-prefixed keys and tokens, one alternation (label `api_key`).
pub(crate) const VENDOR_KEYS: &str = concat!(
    r"\b(?:sk-(?:proj-|ant-(?:api03-)?|svcacct-)?[A-Za-z0-9_-]{16,}|(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{10,}",
    r"|whsec_[A-Za-z0-9]{24,}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}",
    r"|xox(?:[abposr]|e(?:\.xox[bp])?)-[A-Za-z0-9-]{10,}|xapp-[A-Za-z0-9-]{10,}",
    r"|(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35}|GOCSPX-[A-Za-z0-9_-]{24,}|ya29\.[0-9A-Za-z_-]{20,}",
    r"|glpat-[A-Za-z0-9_-]{20,}|npm_[A-Za-z0-9]{36}|pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{20,}|hf_[A-Za-z0-9]{30,}",
    r"|SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}|shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}|do[opr]_v1_[a-f0-9]{64}",
    r"|SK[0-9a-fA-F]{32}|key-[0-9a-zA-Z]{32}|lin_api_[A-Za-z0-9]{40}|dp\.pt\.[A-Za-z0-9]{40,}|dapi[a-f0-9]{32}",
    r"|AGE-SECRET-KEY-1[0-9A-Z]{58})\b"
);

/// A random token, not a word chain like `sk-learn-compatible-models`:
/// anything but lowercase words (up to 12 letters) joined by `-`/`_`.
pub(crate) fn random_token(t: &str, s: usize, e: usize) -> bool {
    let m = &t[s..e];
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
