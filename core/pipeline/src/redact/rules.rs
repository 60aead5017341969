//! Value rules: detectors that validate before they redact, so `icon@2x.png`,
//! order numbers and version strings survive.

use super::tokens::always;
use std::sync::OnceLock;

use regex::{Regex, RegexSet};

/// One detector: a pattern plus a validator of each match.
pub(crate) struct Rule {
    pub label: &'static str,
    pub pattern: Regex,
    /// Validates the whole match `text[start..end]`, seeing its context.
    pub valid: fn(&str, usize, usize) -> bool,
    /// Capture group to replace (0 = the whole match).
    pub group: usize,
    /// A cheap test of the whole text; the rule runs only where it holds.
    pub gate: Option<fn(&str) -> bool>,
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

fn real_email(t: &str, s: usize, e: usize) -> bool {
    let m = &t[s..e];
    let tld = m.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    tld.len() == 2 && tld.bytes().all(|b| b.is_ascii_alphabetic())
        || GENERIC_TLDS.contains(&tld.as_str())
}

/// A card number: standalone (not part of a UUID, version, date or longer
/// id), grouped like a card, with a card network's prefix and length, and
/// Luhn-valid.
fn card(t: &str, s: usize, e: usize) -> bool {
    let m = &t[s..e];
    if !standalone(t, s, e) {
        return false;
    }
    let groups: Vec<usize> = m.split([' ', '-']).map(str::len).collect();
    let grouped = groups.len() == 1
        || groups[..groups.len() - 1].iter().all(|&g| g == 4)
            && (1..=4).contains(groups.last().unwrap_or(&0))
        || groups == [4, 6, 5]
        || groups == [4, 6, 4];
    let digits: String = m.chars().filter(char::is_ascii_digit).collect();
    grouped && network(&digits) && luhn(&digits)
}

/// Whether a number's prefix and length belong to a card network (Visa,
/// Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro).
fn network(d: &str) -> bool {
    let n = d.len();
    let p = |k: usize| d[..k].parse::<u32>().unwrap_or(0);
    match d.as_bytes()[0] {
        b'4' => matches!(n, 13 | 16 | 19),
        b'2' => n == 16 && (2221..=2720).contains(&p(4)),
        b'5' => {
            (51..=55).contains(&p(2)) && n == 16
                || matches!(p(2), 50 | 56..=58) && (12..=19).contains(&n)
        }
        b'3' => {
            matches!(p(2), 34 | 37) && n == 15
                || (3528..=3589).contains(&p(4)) && n >= 16
                || matches!(p(2), 30 | 36 | 38 | 39) && n >= 14
        }
        b'6' => n >= 16 || (12..=19).contains(&n) && p(2) == 67,
        _ => false,
    }
}

/// The match is not glued to a longer token: no letter, digit or `_` next
/// to it, and no `-`, `.`, `_` joining it to one (a UUID, version, date).
fn standalone(t: &str, s: usize, e: usize) -> bool {
    let b = t.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let joins = |c: u8| matches!(c, b'-' | b'.' | b'_');
    let before = s.checked_sub(1).map(|i| b[i]);
    let before2 = s.checked_sub(2).map(|i| b[i]);
    let after = b.get(e).copied();
    let after2 = b.get(e + 1).copied();
    !(before.is_some_and(word)
        || after.is_some_and(word)
        || before.is_some_and(joins) && before2.is_some_and(word)
        || after.is_some_and(joins) && after2.is_some_and(word))
}

fn luhn(m: &str) -> bool {
    let digits: Vec<u32> = m.chars().filter_map(|c| c.to_digit(10)).collect();
    if !(12..=19).contains(&digits.len()) {
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
fn jwt_header_decodes(t: &str, s: usize, e: usize) -> bool {
    let m = &t[s..e];
    let header = m.split('.').next().unwrap_or("");
    base64url(header)
        .and_then(|bytes| tooltrail_json::parse_json(&bytes).ok())
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

/// 10–15 digits, standalone, and not a dotted quad (an IP address).
fn phone(t: &str, s: usize, e: usize) -> bool {
    let m = &t[s..e];
    let dotted = !m.starts_with('+') && !m.contains([' ', '-', '(']) && m.split('.').count() == 4;
    standalone(t, s, e)
        && !dotted
        && (10..=15).contains(&m.chars().filter(char::is_ascii_digit).count())
}

/// A bearer credential, not prose ("the bearer of this letter"): it has a
/// digit or symbol, or is long.
fn bearer(t: &str, s: usize, e: usize) -> bool {
    let m = &t[s..e];
    let cred = m.split_whitespace().last().unwrap_or("");
    cred.len() >= 20 || cred.bytes().any(|b| !b.is_ascii_alphabetic())
}

/// A US social security number in a valid range: area 001–899 but not 666,
/// group 01–99, serial 0001–9999, standalone.
fn ssn(t: &str, s: usize, e: usize) -> bool {
    let d: Vec<u32> = t[s..e]
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| u32::from(b - b'0'))
        .collect();
    let area = d[0] * 100 + d[1] * 10 + d[2];
    let group = d[3] * 10 + d[4];
    let serial = d[5..].iter().fold(0, |a, x| a * 10 + x);
    standalone(t, s, e) && (1..900).contains(&area) && area != 666 && group > 0 && serial > 0
}

/// An IBAN: a known country's length (or 15–34 for others) and the mod-97
/// check of ISO 13616.
fn iban(t: &str, s: usize, e: usize) -> bool {
    let c: Vec<u8> = t[s..e].bytes().filter(|b| *b != b' ').collect();
    let want = match &c[..2] {
        b"NO" => 15,
        b"BE" => 16,
        b"DK" | b"FI" | b"NL" => 18,
        b"AT" | b"LU" => 20,
        b"CH" => 21,
        b"DE" | b"GB" | b"IE" => 22,
        b"ES" | b"SE" => 24,
        b"PT" => 25,
        b"FR" | b"IT" | b"MC" => 27,
        b"PL" => 28,
        _ => 0,
    };
    if want != 0 && c.len() != want || !(15..=34).contains(&c.len()) {
        return false;
    }
    let mut rem = 0u32;
    for &b in c[4..].iter().chain(&c[..4]) {
        let v = u32::from(if b.is_ascii_digit() {
            b - b'0'
        } else {
            b - b'A' + 10
        });
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

/// Only texts mentioning AWS (or holding a key id) are searched for a
/// secret access key.
fn mentions_aws(t: &str) -> bool {
    let b = t.as_bytes();
    b.windows(3).any(|w| w.eq_ignore_ascii_case(b"aws"))
        || b.windows(4).any(|w| w == b"AKIA" || w == b"ASIA")
}

/// The detectors, compiled once. Order matters: a URL password or PEM block
/// is replaced before narrower rules look inside it, an AWS secret before
/// its key id.
pub(crate) fn rules() -> &'static [Rule] {
    static RULES: OnceLock<Vec<Rule>> = OnceLock::new();
    RULES.get_or_init(|| {
        let r = |label, pattern: &str, valid: fn(&str, usize, usize) -> bool, group| Rule {
            label,
            // ASCII word boundaries and digits keep every pattern on the
            // lazy DFA whatever the text (linear time, no fallback).
            pattern: Regex::new(&pattern.replace(r"\b", r"(?-u:\b)").replace(r"\d", "[0-9]"))
                .expect("built-in redaction pattern"),
            valid,
            group,
            gate: None,
        };
        let mut rules = vec![
            r(
                "private_key",
                r"-----BEGIN [A-Z ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY(?: BLOCK)?-----",
                always,
                0,
            ),
            // A block cut short (a truncated log line): the rest of its body.
            r(
                "private_key",
                r"-----BEGIN [A-Z ]*PRIVATE KEY(?: BLOCK)?-----(?:[A-Za-z0-9+/=: \t\r\n-]|\\[nr])*",
                always,
                0,
            ),
            r("url_password", r"[A-Za-z][A-Za-z0-9+.\-]*://[^/\s:@]*:([^/\s@]+)@", always, 1),
        ];
        for &(label, pattern, valid, group) in super::tokens::SPECS {
            rules.push(r(label, pattern, valid, group));
            if label == "aws_secret_key" {
                rules.last_mut().expect("just pushed").gate = Some(mentions_aws);
            }
        }
        rules.extend([
            r("jwt", r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*", jwt_header_decodes, 0),
            r("bearer_token", r"(?i)\bbearer\s+([A-Za-z0-9._~+/=-]{8,})", bearer, 1),
            r("api_key", &super::tokens::vendor_pattern(), super::tokens::random_token, 1),
            r("email", r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}\b", real_email, 0),
            r("iban", r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b", iban, 0),
            r("card", r"\b\d(?:[ -]?\d){12,18}\b", card, 0),
            r("ssn", r"\b(?:\d{3}-\d{2}-\d{4}|\d{3} \d{2} \d{4})\b", ssn, 0),
            r(
                "phone",
                r"(?:\+[1-9]\d{7,14}\b|\+[1-9]\d{0,2}(?:[ .-]\(?\d{1,8}\)?){2,6}\b|\+?\d{1,3}[ .-]\(?\d{2,4}\)?[ .-]\d{3,4}[ .-]\d{3,4}\b|\(\d{3}\) ?\d{3}[ .-]\d{4}\b|\b\d{3}[.-]\d{3}[.-]\d{4}\b)",
                phone,
                0,
            ),
        ]);
        rules
    })
}

/// All rule patterns in one set: a single scan of a short string tells which
/// rules can match it (most strings match none).
pub(crate) fn prefilter() -> &'static RegexSet {
    static SET: OnceLock<RegexSet> = OnceLock::new();
    SET.get_or_init(|| {
        RegexSet::new(rules().iter().map(|r| r.pattern.as_str()))
            .expect("built-in redaction patterns")
    })
}

/// Strings up to this length go through the prefilter; longer ones are
/// scanned rule by rule (the set's automaton is larger, and a huge input
/// could wear out its cache).
pub(crate) const PREFILTER_MAX: usize = 4096;
