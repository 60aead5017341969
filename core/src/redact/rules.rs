//! Value rules: detectors that validate before they redact, so `icon@2x.png`,
//! order numbers and version strings survive.

use std::sync::OnceLock;

use regex::Regex;

/// One detector: a pattern plus a validator of each match.
pub(crate) struct Rule {
    pub label: &'static str,
    pub pattern: Regex,
    pub valid: fn(&str) -> bool,
    /// Capture group to replace (0 = the whole match).
    pub group: usize,
}

/// Common generic TLDs; any two-letter (country) TLD is accepted as well.
const GENERIC_TLDS: &[&str] = &[
    "com",
    "org",
    "net",
    "edu",
    "gov",
    "mil",
    "int",
    "info",
    "biz",
    "name",
    "pro",
    "dev",
    "app",
    "cloud",
    "tech",
    "online",
    "site",
    "shop",
    "store",
    "email",
    "mail",
    "xyz",
    "ai",
    "io",
    "co",
    "me",
    "us",
    "uk",
    "de",
    "fr",
    "nl",
    "jp",
    "cn",
    "au",
    "ca",
    "in",
    "br",
    "ru",
    "es",
    "it",
    "company",
    "systems",
    "services",
    "solutions",
    "support",
    "agency",
    "digital",
    "network",
    "museum",
    "aero",
    "coop",
    "jobs",
    "mobi",
    "travel",
    "page",
    "blog",
    "news",
    "media",
    "team",
];

fn real_email(m: &str) -> bool {
    let tld = m.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    tld.len() == 2 && tld.bytes().all(|b| b.is_ascii_alphabetic())
        || GENERIC_TLDS.contains(&tld.as_str())
}

fn luhn(m: &str) -> bool {
    let digits: Vec<u32> = m.chars().filter_map(|c| c.to_digit(10)).collect();
    if !(13..=19).contains(&digits.len()) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// A JWT counts only if its header is base64url JSON naming an `alg`.
fn jwt_header_decodes(m: &str) -> bool {
    let header = m.split('.').next().unwrap_or("");
    base64url(header)
        .and_then(|bytes| crate::parse::parse_json(&bytes).ok())
        .is_some_and(|v| v.get("alg").is_some())
}

fn base64url(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            b'=' => break,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

fn always(_: &str) -> bool {
    true
}

fn phone_digits(m: &str) -> bool {
    (10..=15).contains(&m.chars().filter(char::is_ascii_digit).count())
}

/// The detectors, compiled once. Order matters: a URL password or PEM block
/// is replaced before narrower rules look inside it.
pub(crate) fn rules() -> &'static [Rule] {
    static RULES: OnceLock<Vec<Rule>> = OnceLock::new();
    RULES.get_or_init(|| {
        let r = |label, pattern: &str, valid: fn(&str) -> bool, group| Rule {
            label,
            pattern: Regex::new(pattern).expect("built-in redaction pattern"),
            valid,
            group,
        };
        vec![
            r("private_key", r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----", always, 0),
            r("url_password", r"[A-Za-z][A-Za-z0-9+.\-]*://[^/\s:@]*:([^/\s@]+)@", always, 1),
            r("jwt", r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*", jwt_header_decodes, 0),
            r("bearer_token", r"(?i)\bbearer\s+([A-Za-z0-9._~+/=-]{8,})", always, 1),
            r(
                "api_key",
                concat!(
                    r"\b(?:sk-(?:proj-|ant-)?[A-Za-z0-9_-]{16,}|(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{10,}",
                    r"|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|xox[abposr]-[A-Za-z0-9-]{10,}",
                    r"|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35}|glpat-[A-Za-z0-9_-]{20,})"
                ),
                always,
                0,
            ),
            r("email", r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}\b", real_email, 0),
            r("card", r"\b\d(?:[ -]?\d){12,18}\b", luhn, 0),
            r(
                "phone",
                r"(?:\+[1-9]\d{7,14}\b|\+?\d{1,3}[ .-]\(?\d{2,4}\)?[ .-]\d{3,4}[ .-]\d{3,4}\b|\(\d{3}\) ?\d{3}[ .-]\d{4}\b|\b\d{3}[.-]\d{3}[.-]\d{4}\b)",
                phone_digits,
                0,
            ),
        ]
    })
}
