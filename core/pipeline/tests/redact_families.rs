//! The family corpora (`tests/vectors/redact/families/` and the hold-out
//! `tests/vectors/redact/families_holdout/`, written by
//! `scripts/gen_redact_families.py` with two seeds): recall per secret/PII
//! family, false positives per look-alike family, and the recorded outputs that
//! Python and Node must reproduce byte for byte. The hold-out corpus is drawn
//! by the same makers with another seed and is never used to tune the rules.

use std::collections::BTreeMap;
use tooltrail_core::Redactor;
use tooltrail_json::{Value, parse_json, write_ordered};

const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/redact");

/// The tuning corpus and the hold-out corpus.
const CORPORA: [&str; 2] = ["families", "families_holdout"];

fn compact(v: &Value) -> String {
    let mut out = Vec::new();
    write_ordered(v, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn cases(corpus: &str, file: &str) -> Vec<Value> {
    let v = parse_json(&std::fs::read(format!("{VECTORS}/{corpus}/{file}")).unwrap()).unwrap();
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
fn table(redactor: &Redactor, corpus: &str) -> (String, Vec<String>) {
    let mut rows: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut misses = vec![];
    for case in cases(corpus, "positive.json") {
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
    for case in cases(corpus, "negative.json") {
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

fn check_scores(corpus: &str) {
    let (table, misses) = table(&Redactor::default(), corpus);
    println!("{corpus}\n{table}");
    for line in table.lines().filter(|l| l.ends_with('%')) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        let pct: f64 = cols[3].trim_end_matches('%').parse().unwrap();
        let negative = table.find(line).unwrap() > table.find("negatives").unwrap();
        assert!(
            if negative { pct == 0.0 } else { pct >= 99.0 },
            "{corpus}: {line}\n{}",
            misses.join("\n")
        );
    }
    assert_eq!(
        std::fs::read_to_string(format!("{VECTORS}/{corpus}/scores.txt")).unwrap(),
        table,
        "{corpus}/scores.txt is stale (bless)"
    );
}

fn check_recorded(corpus: &str) {
    let mut n = 0;
    for file in ["positive.json", "negative.json"] {
        for case in cases(corpus, file) {
            let got = Redactor::default().redact(case.get("input").unwrap());
            assert_eq!(
                compact(&got),
                compact(case.get("expected").unwrap()),
                "{corpus}: {}",
                text(case.get("name").unwrap())
            );
            n += 1;
        }
    }
    assert!(n >= 1300, "{corpus}: {n}");
}

#[test]
fn every_family_is_caught_and_no_look_alike_changes() {
    check_scores("families");
}

#[test]
fn the_recorded_outputs_hold() {
    check_recorded("families");
}

#[test]
fn holdout_every_family_is_caught_and_no_look_alike_changes() {
    check_scores("families_holdout");
}

#[test]
fn holdout_the_recorded_outputs_hold() {
    check_recorded("families_holdout");
}

#[test]
fn the_holdout_is_another_draw() {
    // Same families, same sizes, a different seed and no shared input.
    let seed = |c: &str| {
        let raw = std::fs::read_to_string(format!("{VECTORS}/{c}/positive.json")).unwrap();
        let head = raw.lines().next().unwrap().to_owned();
        head[head.find("\"seed\": ").unwrap()..].to_owned()
    };
    assert_ne!(seed("families"), seed("families_holdout"));
    for file in ["positive.json", "negative.json"] {
        let tuned: std::collections::BTreeSet<String> = cases("families", file)
            .iter()
            .map(|c| compact(c.get("input").unwrap()))
            .collect();
        let held = cases("families_holdout", file);
        assert_eq!(held.len(), cases("families", file).len(), "{file}");
        let shared = held
            .iter()
            .filter(|c| tuned.contains(&compact(c.get("input").unwrap())))
            .count();
        // No positive repeats; some look-alikes come from small fixed pools
        // (prose, paths, typed values) and may be drawn again.
        let most = if file == "positive.json" {
            0
        } else {
            held.len() / 5
        };
        assert!(shared <= most, "{file}: {shared} inputs shared");
    }
}

/// Records the outputs and the score tables of both corpora:
/// `TOOLTRAIL_BLESS=1 cargo test -p tooltrail-core --test redact_families bless -- --ignored`.
#[test]
#[ignore]
fn bless() {
    if std::env::var_os("TOOLTRAIL_BLESS").is_none() {
        return;
    }
    let r = Redactor::default();
    for corpus in CORPORA {
        for file in ["positive.json", "negative.json"] {
            let path = format!("{VECTORS}/{corpus}/{file}");
            let raw = std::fs::read_to_string(&path).unwrap();
            let head = raw.split("\n\"cases\": [\n").next().unwrap().to_owned();
            let lines: Vec<String> = cases(corpus, file)
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
        let (table, misses) = table(&r, corpus);
        std::fs::write(format!("{VECTORS}/{corpus}/scores.txt"), &table).unwrap();
        println!("{corpus}\n{table}\n{}", misses.join("\n"));
    }
}
