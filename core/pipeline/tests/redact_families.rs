//! The family corpus (`tests/vectors/redact/families/`, written by
//! `scripts/gen_redact_families.py`): recall per secret/PII family, false
//! positives per look-alike family, and the recorded outputs that Python and
//! Node must reproduce byte for byte.

use std::collections::BTreeMap;
use tooltrail_core::Redactor;
use tooltrail_json::{Value, parse_json, write_ordered};

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/vectors/redact/families"
);

fn compact(v: &Value) -> String {
    let mut out = Vec::new();
    write_ordered(v, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn cases(file: &str) -> Vec<Value> {
    let v = parse_json(&std::fs::read(format!("{DIR}/{file}")).unwrap()).unwrap();
    match v.get("cases") {
        Some(Value::Array(c)) => c.clone(),
        _ => panic!("{file}"),
    }
}

fn text(v: &Value) -> &str {
    match v {
        Value::String(s) => s,
        _ => panic!("not a string"),
    }
}

/// Whether every listed secret is gone from the output (looked for as it
/// appears inside a JSON string).
fn caught(case: &Value, got: &str) -> bool {
    let Some(Value::Array(secrets)) = case.get("secrets") else {
        panic!()
    };
    secrets.iter().all(|s| {
        let q = compact(s);
        !got.contains(&q[1..q.len() - 1])
    })
}

/// The per-family table, the same text the Python and Node scorers print.
fn table(redactor: &Redactor) -> (String, Vec<String>) {
    let mut rows: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut misses = vec![];
    for case in cases("positive.json") {
        let got = compact(&redactor.redact(case.get("input").unwrap()));
        let ok = caught(&case, &got);
        let e = rows
            .entry(text(case.get("family").unwrap()).to_owned())
            .or_default();
        e.0 += 1;
        e.1 += usize::from(ok);
        if !ok {
            misses.push(format!("miss {}: {got}", text(case.get("name").unwrap())));
        }
    }
    let mut negs: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for case in cases("negative.json") {
        let input = case.get("input").unwrap();
        let got = redactor.redact(input);
        let e = negs
            .entry(text(case.get("family").unwrap()).to_owned())
            .or_default();
        e.0 += 1;
        if &got != input {
            e.1 += 1;
            misses.push(format!(
                "false positive {}: {}",
                text(case.get("name").unwrap()),
                compact(&got)
            ));
        }
    }
    // Tenths of a percent, rounded half up in integers (every language alike).
    let pct = |k: usize, n: usize| {
        let t = (2000 * k + n) / (2 * n);
        format!("{}.{}%", t / 10, t % 10)
    };
    let mut out = format!(
        "{:<20} {:>6} {:>7} {:>8}\n",
        "family", "cases", "caught", "recall"
    );
    for (f, (n, k)) in &rows {
        out += &format!("{f:<20} {n:>6} {k:>7} {:>8}\n", pct(*k, *n));
    }
    out += &format!(
        "{:<20} {:>6} {:>7} {:>8}\n",
        "negatives", "cases", "changed", "fp rate"
    );
    for (f, (n, k)) in &negs {
        out += &format!("{f:<20} {n:>6} {k:>7} {:>8}\n", pct(*k, *n));
    }
    (out, misses)
}

#[test]
fn every_family_is_caught_and_no_look_alike_changes() {
    let (table, misses) = table(&Redactor::default());
    println!("{table}");
    for line in table.lines().filter(|l| l.ends_with('%')) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        let pct: f64 = cols[3].trim_end_matches('%').parse().unwrap();
        let negative = table.find(line).unwrap() > table.find("negatives").unwrap();
        assert!(
            if negative { pct == 0.0 } else { pct >= 99.0 },
            "{line}\n{}",
            misses.join("\n")
        );
    }
    assert_eq!(
        std::fs::read_to_string(format!("{DIR}/scores.txt")).unwrap(),
        table,
        "scores.txt is stale (bless)"
    );
}

#[test]
fn the_recorded_outputs_hold() {
    let mut n = 0;
    for file in ["positive.json", "negative.json"] {
        for case in cases(file) {
            let got = Redactor::default().redact(case.get("input").unwrap());
            assert_eq!(
                compact(&got),
                compact(case.get("expected").unwrap()),
                "{}",
                text(case.get("name").unwrap())
            );
            n += 1;
        }
    }
    assert!(n >= 1300, "{n}");
}

/// Records the outputs and the score table:
/// `TOOLTRAIL_BLESS=1 cargo test -p tooltrail-core --test redact_families bless -- --ignored`.
#[test]
#[ignore]
fn bless() {
    if std::env::var_os("TOOLTRAIL_BLESS").is_none() {
        return;
    }
    let r = Redactor::default();
    for file in ["positive.json", "negative.json"] {
        let path = format!("{DIR}/{file}");
        let raw = std::fs::read_to_string(&path).unwrap();
        let head = raw.split("\n\"cases\": [\n").next().unwrap().to_owned();
        let lines: Vec<String> = cases(file)
            .into_iter()
            .map(|mut case| {
                let got = r.redact(case.get("input").unwrap());
                let Value::Object(fields) = &mut case else {
                    panic!()
                };
                fields.iter_mut().find(|(k, _)| k == "expected").unwrap().1 = got;
                compact(&case)
            })
            .collect();
        std::fs::write(
            &path,
            format!("{head}\n\"cases\": [\n{}\n]}}\n", lines.join(",\n")),
        )
        .unwrap();
    }
    let (table, misses) = table(&r);
    std::fs::write(format!("{DIR}/scores.txt"), &table).unwrap();
    println!("{table}\n{}", misses.join("\n"));
}
