//! Redaction: the shared vectors, and a property test that secrets planted at
//! random paths of random JSON never appear in the written bytes.

use proptest::prelude::*;
use tooltrail_core::{RedactPattern, Redactor};
use tooltrail_json::{Value, parse_json, write_ordered};

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::Array(items) => items
            .iter()
            .filter_map(|i| match i {
                Value::String(s) => Some(s.clone()),
                _ => None,
            })
            .collect(),
        _ => vec![],
    }
}

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/redact");

fn compact(v: &Value) -> String {
    let mut out = Vec::new();
    write_ordered(v, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// Checks one case of a corpus file (`{"cases": [...]}`): the recorded
/// output, no listed secret in it, and for look-alikes the input unchanged.
fn check_corpus_case(file: &str, case: &Value, got: &Value) -> Result<(), String> {
    let name = compact(case.get("name").unwrap());
    let text = compact(got);
    // Listed strings are looked for as they appear inside a JSON string.
    let escaped = |s: String| {
        let q = compact(&Value::String(s));
        q[1..q.len() - 1].to_owned()
    };
    for secret in strings(case.get("secrets").unwrap_or(&Value::Null))
        .into_iter()
        .map(escaped)
    {
        if text.contains(&secret) {
            return Err(format!("{file} {name}: leak of {secret} in {text}"));
        }
    }
    if case.get("keep").is_some() && got != case.get("input").unwrap() {
        return Err(format!("{file} {name}: false positive: {text}"));
    }
    for keep in strings(case.get("keep").unwrap_or(&Value::Null))
        .into_iter()
        .map(escaped)
    {
        if !text.contains(&keep) {
            return Err(format!("{file} {name}: {keep} destroyed in {text}"));
        }
    }
    if got != case.get("expected").unwrap() {
        return Err(format!(
            "{file} {name}: got {text}, recorded {}",
            compact(case.get("expected").unwrap())
        ));
    }
    Ok(())
}

fn corpus_files() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(DIR)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("corpus_")
        })
        .collect();
    files.sort();
    files
}

#[test]
fn the_corpus_has_no_leak_and_no_false_positive() {
    let (mut positive, mut benign, mut failures) = (0, 0, vec![]);
    for path in corpus_files() {
        let file = parse_json(&std::fs::read(&path).unwrap()).unwrap();
        let Some(Value::Array(cases)) = file.get("cases") else {
            panic!("{}", path.display())
        };
        for case in cases {
            let redactor = match case.get("redact_fields") {
                Some(f) => Redactor::new(&strings(f)),
                None => Redactor::default(),
            };
            let got = redactor.redact(case.get("input").unwrap());
            if case.get("keep").is_some() {
                benign += 1;
            } else {
                positive += 1;
            }
            if let Err(e) = check_corpus_case(&path.display().to_string(), case, &got) {
                failures.push(e);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        positive >= 200 && benign >= 200,
        "{positive} positive, {benign} benign"
    );
}

/// Records the redactor's output as `expected` of every corpus case
/// (`TOOLTRAIL_BLESS=1 cargo test -p tooltrail-core --test redact bless --
/// --ignored`); the invariants above still have to hold.
#[test]
#[ignore]
fn bless() {
    if std::env::var_os("TOOLTRAIL_BLESS").is_none() {
        return;
    }
    for path in corpus_files() {
        let mut file = parse_json(&std::fs::read(&path).unwrap()).unwrap();
        let Value::Object(members) = &mut file else {
            panic!()
        };
        let description = compact(&members.iter().find(|(k, _)| k == "description").unwrap().1);
        let Some((_, Value::Array(cases))) = members.iter_mut().find(|(k, _)| k == "cases") else {
            panic!()
        };
        let mut lines = vec![];
        for case in cases.iter_mut() {
            let got = Redactor::default().redact(case.get("input").unwrap());
            let Value::Object(fields) = case else {
                panic!()
            };
            fields.iter_mut().find(|(k, _)| k == "expected").unwrap().1 = got;
            lines.push(compact(case));
        }
        let body = format!(
            "{{\"description\":{description},\n\"cases\":[\n{}\n]}}\n",
            lines.join(",\n")
        );
        std::fs::write(&path, body).unwrap();
    }
}

#[test]
fn every_redaction_vector_holds() {
    let mut n = 0;
    for entry in std::fs::read_dir(DIR).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            continue;
        }
        let case = parse_json(&std::fs::read(&path).unwrap()).unwrap();
        if case.get("cases").is_some() {
            continue;
        }
        let redactor = match case.get("redact_fields") {
            Some(f) => Redactor::new(&strings(f)),
            None => Redactor::default(),
        };
        let got = redactor.redact(case.get("input").unwrap());
        assert_eq!(&got, case.get("expected").unwrap(), "{}", path.display());
        n += 1;
    }
    assert!(n >= 12);
}

/// Planted text, the part that must not survive, and the key it needs for
/// context (`None`: it is recognizable on its own).
const SECRETS: &[(&str, &str, Option<&str>)] = &[
    ("alice.smith@example.com", "alice.smith@example.com", None),
    ("4111111111111111", "4111111111111111", None),
    ("5500 0000 0000 0004", "5500 0000 0000 0004", None),
    ("+14155552671", "+14155552671", None),
    (JWT, JWT, None),
    (
        "sk-proj-abcdefghijklmnopqrstuvwx",
        "sk-proj-abcdefghijklmnopqrstuvwx",
        None,
    ),
    (
        "sk-ant-api03-Zx9kQ2mW7pL4nR8tY3vB6cD1fG5hJ0",
        "Zx9kQ2mW7pL4nR8tY3vB6cD1fG5hJ0",
        None,
    ),
    (
        "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
        "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
        None,
    ),
    (
        "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV",
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV",
        None,
    ),
    ("AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE", None),
    ("ASIAY34FZKBOKMUTVV7A", "ASIAY34FZKBOKMUTVV7A", None),
    (
        "AIzaSyD-1234567890abcdefghijklmnopqrstu",
        "AIzaSyD-1234567890abcdefghijklmnopqrstu",
        None,
    ),
    (
        "sk_live_51H8xYzAbCdEfGhIjKlMnOpQr",
        "sk_live_51H8xYzAbCdEfGhIjKlMnOpQr",
        None,
    ),
    (
        "rk_live_51H8xYzAbCdEfGhIjKlMnOpQr",
        "rk_live_51H8xYzAbCdEfGhIjKlMnOpQr",
        None,
    ),
    (
        "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
        "AbCdEfGhIjKlMnOpQrStUvWx",
        None,
    ),
    (
        "https://hooks.slack.com/services/T01ABCDEF/B01GHIJKL/AbCdEfGhIjKlMnOpQrStUvWx",
        "T01ABCDEF/B01GHIJKL/AbCdEfGhIjKlMnOpQrStUvWx",
        None,
    ),
    (
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----",
        "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
        None,
    ),
    ("hunter2x9", "hunter2x9", Some("password")),
    (
        "Zq8LmN3vR7tK2wX5",
        "Zq8LmN3vR7tK2wX5",
        Some("client_secret"),
    ),
    (
        "Zq8LmN3vR7tK2wX5abc",
        "Zq8LmN3vR7tK2wX5abc",
        Some("access_token"),
    ),
    (
        "Zq8LmN3vR7tK2wX5abd",
        "Zq8LmN3vR7tK2wX5abd",
        Some("X-Api-Key"),
    ),
    (
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        Some("aws_secret_access_key"),
    ),
    (
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        Some("hmac_key"),
    ),
];

const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";

/// Carriers: 0 bare string, 1 in a sentence, 2 JSON inside a string, 3 an
/// object member, 4 `key=value` in an error message, 5 `key: value` on a log
/// line, 6 a `[name, value]` header list, 7 `{"key", "value"}`, 8
/// `{"name", "value"}`, 9 a query string, 10 an object key. Secrets that need
/// context only go where a key gives it.
const STYLES: usize = 11;

fn carrier(secret: &str, key: Option<&str>, style: usize) -> Value {
    let s = |x: &str| Value::String(x.to_owned());
    let obj = |m: Vec<(&str, Value)>| {
        Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    };
    let style = match key {
        Some(_) if matches!(style, 0 | 1) => style + 3,
        Some(_) if style == 10 => 9,
        _ => style,
    };
    let k = key.unwrap_or("note");
    match style {
        0 => s(secret),
        1 => s(&format!("see {secret} please")),
        2 => s(&compact(&obj(vec![(k, s(secret))]))),
        3 => obj(vec![(k, s(secret))]),
        4 => s(&format!("RuntimeError: call failed ({k}={secret})")),
        5 => s(&format!("2024-01-01 WARN {k}: {secret}")),
        6 => Value::Array(vec![
            Value::Array(vec![s("Accept"), s("*/*")]),
            Value::Array(vec![s(k), s(secret)]),
        ]),
        7 => Value::Array(vec![obj(vec![("key", s(k)), ("value", s(secret))])]),
        8 => obj(vec![("name", s(k)), ("value", s(secret))]),
        9 => s(&format!(
            "https://api.example.com/cb?state=xyz&{k}={secret}&page=2"
        )),
        _ => obj(vec![(secret, Value::Number(1.0))]),
    }
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-1000i32..1000).prop_map(|i| Value::Number(f64::from(i))),
        "[a-z ]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec(("[a-z]{1,6}", inner), 0..5).prop_map(|m| {
                let mut seen = std::collections::HashSet::new();
                Value::Object(
                    m.into_iter()
                        .filter(|(k, _)| seen.insert(k.clone()))
                        .collect(),
                )
            }),
        ]
    })
}

/// Puts `planted` somewhere in `v`, steered by `path` choices.
fn plant(v: &mut Value, planted: Value, path: &[usize]) {
    match (v, path.split_first()) {
        (Value::Array(items), Some((i, rest))) if !items.is_empty() => {
            let n = items.len();
            plant(&mut items[i % n], planted, rest)
        }
        (Value::Object(m), Some((i, rest))) if !m.is_empty() => {
            let n = m.len();
            plant(&mut m[i % n].1, planted, rest)
        }
        (Value::Array(items), _) => items.push(planted),
        (Value::Object(m), _) => m.push(("planted".into(), planted)),
        (slot, _) => *slot = planted,
    }
}

/// Cases per run: `PROPTEST_CASES` (the benchmark suite runs 1M), 512 by default.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(512)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]
    #[test]
    fn planted_secrets_never_reach_the_bytes(
        mut v in arb_json(),
        which in 0..SECRETS.len(),
        path in prop::collection::vec(any::<usize>(), 0..5),
        style in 0..STYLES,
    ) {
        let (planted, secret, key) = SECRETS[which];
        plant(&mut v, carrier(planted, key, style), &path);
        let text = compact(&Redactor::default().redact(&v));
        let escaped = compact(&Value::String(secret.to_owned()));
        prop_assert!(!text.contains(&escaped[1..escaped.len() - 1]), "{} leaked in {}", secret, text);
    }
}

/// Cost of `redact` (release build):
/// `cargo test --release -p tooltrail-core --test redact cost -- --ignored --nocapture`.
/// Prints µs and MB/s for a realistic 2 KiB and 1 MiB payload and for 1 MiB
/// adversarial strings; fails only if an adversarial string takes > 0.1 s.
#[test]
#[ignore]
fn cost() {
    let time = |v: &Value, reps: u32| {
        let r = Redactor::default();
        let start = std::time::Instant::now();
        for _ in 0..reps {
            std::hint::black_box(r.redact(std::hint::black_box(v)));
        }
        start.elapsed().as_secs_f64() / f64::from(reps)
    };
    let record = |i: usize| {
        format!(
            r#"{{"tool":"search_orders","args":{{"customer":"cust_{i}","query":"order 4{i:015} shipped to Paris, tracking 1Z999AA1{i:010}","limit":25,"api_key":"sk_live_51H8xYzAbCdEfGhIjKlMnOp{i}"}},"headers":[["Accept","application/json"],["Authorization","Bearer abc{i}defghijklmnop"]],"error":"ValueError: login failed for password=hunter{i} at 2024-01-01T10:00:00Z (request 3f2a9c1e-{i:04}-4a7b-9c1d-0123456789ab)","result":{{"total":"$1,234.56","items":[{{"id":{i},"sku":"A-{i}","etag":"9f86d081884c7d659a2feaa0c55ad015"}}]}}}}"#
        )
    };
    let payload = |bytes: usize| {
        let mut items = vec![];
        let mut size = 0;
        let mut i = 0;
        while size < bytes {
            let r = record(i);
            size += r.len() + 1;
            items.push(r);
            i += 1;
        }
        parse_json(format!("[{}]", items.join(",")).as_bytes()).unwrap()
    };
    for (name, bytes, reps) in [("2 KiB", 2048, 2000), ("1 MiB", 1 << 20, 5)] {
        let v = payload(bytes);
        let len = compact(&v).len();
        let secs = time(&v, reps);
        println!(
            "{name} payload ({len} bytes): {:.1} µs, {:.1} MB/s",
            secs * 1e6,
            len as f64 / secs / 1e6
        );
    }
    // The same payloads with four configured value patterns
    // (`logging.pii.redact_patterns`), two of which match in every record.
    let patterns: Vec<RedactPattern> = [
        ("order_ref", r"ORD-[0-9]{8}"),
        ("employee_id", r"(?i)\bemp[0-9]{6}\b"),
        ("customer", r"cust_[0-9]+"),
        ("tracking", r"1Z999AA1[0-9]{10}"),
    ]
    .iter()
    .map(|(n, p)| RedactPattern::new(n, p).unwrap())
    .collect();
    let with_patterns = Redactor::default().with_patterns(&patterns);
    for (name, bytes, reps) in [("2 KiB", 2048, 2000), ("1 MiB", 1 << 20, 5)] {
        let v = payload(bytes);
        let len = compact(&v).len();
        let start = std::time::Instant::now();
        for _ in 0..reps {
            std::hint::black_box(with_patterns.redact(std::hint::black_box(&v)));
        }
        let secs = start.elapsed().as_secs_f64() / f64::from(reps);
        println!(
            "{name} payload with 4 patterns ({len} bytes): {:.1} µs, {:.1} MB/s",
            secs * 1e6,
            len as f64 / secs / 1e6
        );
    }
    let near_misses = Value::String("ORD-1234567 emp12345 cust_ ".repeat((1 << 20) / 27));
    let start = std::time::Instant::now();
    std::hint::black_box(with_patterns.redact(&near_misses));
    let secs = start.elapsed().as_secs_f64();
    println!(
        "adversarial 1 MiB \"pattern near misses\" with 4 patterns: {:.1} ms",
        secs * 1e3
    );
    assert!(secs < 0.1, "pattern near misses: {secs} s");
    let mib = 1 << 20;
    let rep = |unit: &str| unit.repeat(mib / unit.len());
    let adversarial = [
        ("password=", rep("password=")),
        ("a=", rep("a=")),
        ("abc=", rep("abc=")),
        ("--password ", rep("--password ")),
        ("--a ", rep(" --a ")),
        ("ab:", rep("ab:")),
        ("x.y_z-w=", rep("x.y_z-w=")),
        ("\"token\": \"", rep("\"token\": \"")),
        ("token: ", rep("token: ")),
        ("letters then :", format!("{}:", "a".repeat(mib))),
        ("signing_key=", rep("signing_key=")),
        ("eyJ", rep("eyJhbGciOi.")),
        (
            "BEGIN without END",
            rep("-----BEGIN RSA PRIVATE KEY-----\n"),
        ),
        ("digits and spaces", rep("4 ")),
        ("phone-like", rep("+1 (415) 555-")),
        ("emails", rep("a.b@c.")),
        (
            "AKIA + base64",
            rep("AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYX "),
        ),
        ("bearer", rep("Bearer ")),
        ("sk- runs", rep("sk-aaaaaaaaaaaaaaaaaaaa ")),
        ("non-ASCII", rep("é password: ü ")),
        ("quotes", rep("password='")),
        ("ampersands", rep("password=a&b")),
        (
            "ampersand names",
            format!("password=x{}", "&abcdefghij".repeat(mib / 11)),
        ),
        ("mixed", rep("x=1&token=\"a b\nAuthorization: Basic ")),
    ];
    for (name, s) in adversarial {
        let v = Value::String(s);
        let secs = time(&v, 1);
        println!("adversarial 1 MiB {name:?}: {:.1} ms", secs * 1e3);
        assert!(secs < 0.1, "{name}: {secs} s");
    }
}
