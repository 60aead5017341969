//! The fast pass against the strict parser + `write_canonical`: same bytes,
//! same errors, on the shared vectors and on generated text.

use std::path::PathBuf;

use proptest::prelude::*;

use super::{fast, may_refuse, write_canonical_text};
use crate::parse::parse_json_str;
use crate::value::MAX_DEPTH;
use crate::write::write_canonical;

/// What the strict route makes of `text`: bytes, or the error's kind, path
/// and message.
fn strict(text: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    parse_json_str(text)
        .and_then(|v| write_canonical(&v, &mut out))
        .map(|()| out)
        .map_err(|e| format!("{} {} {}", e.kind().as_str(), e.path(), e))
}

fn via_text(text: &str) -> Result<Vec<u8>, String> {
    let mut out = b"kept".to_vec();
    let result = write_canonical_text(text, &mut out)
        .map_err(|e| format!("{} {} {}", e.kind().as_str(), e.path(), e));
    assert!(out.starts_with(b"kept"), "what `out` held is kept");
    result.map(|()| out.split_off(4))
}

/// Whether the fast pass handled `text` itself (and what it wrote).
fn fast_only(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    fast(text, &mut out).map(|()| out)
}

#[test]
fn every_canonical_vector_gives_the_strict_answer() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors/canonical");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("vectors") {
        let path = entry.expect("entry").path();
        let case = parse_json_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
        let Some(crate::value::Value::String(input)) = case.get("input") else {
            panic!("{}: no input", path.display())
        };
        let input = input.as_str();
        assert_eq!(via_text(input), strict(input), "{}", path.display());
        if let Some(bytes) = fast_only(input) {
            assert_eq!(Ok(bytes), strict(input), "fast pass on {}", path.display());
        }
        seen += 1;
    }
    assert!(seen > 50, "read {seen} vectors");
}

#[test]
fn serializer_output_takes_the_fast_pass() {
    for (text, canonical) in [
        (
            r#"{"query":"refund policy for order 7","limit":10,"filters":{"lang":"en","since":"2026-01-01"}}"#,
            r#"{"filters":{"lang":"en","since":"2026-01-01"},"limit":10,"query":"refund policy for order 7"}"#,
        ),
        (
            r#"{"b":[1,-2,0.5,1e+21,true,null],"a":"line\nq\"\\\u001f","é":{},"😀":[],"ﬀ":0}"#,
            r#"{"a":"line\nq\"\\\u001f","b":[1,-2,0.5,1e+21,true,null],"é":{},"😀":[],"ﬀ":0}"#,
        ),
        (
            " [ 1 , { \"z\" : 2 , \"y\" : 1.50 } ] ",
            r#"[1,{"y":1.5,"z":2}]"#,
        ),
    ] {
        let fast = fast_only(text).unwrap_or_else(|| panic!("fast pass refused {text}"));
        assert_eq!(String::from_utf8(fast).unwrap(), canonical);
        assert_eq!(via_text(text), strict(text));
    }
}

#[test]
fn text_the_fast_pass_cannot_copy_goes_to_the_parser() {
    for text in [
        r#"{"a\u0062":1}"#,  // escaped key
        r#"{"a":1,"a":2}"#,  // duplicate
        r#""\u0041""#,       // escape RFC 8785 would not write
        r#""\/""#,           // same
        r#""\u001F""#,       // uppercase hex
        r#""\ud83d\ude00""#, // pair escaped
        "12345678901234567", // long integer
        "-0",                // prints as 0
        "[1,]",              // invalid
        "\"\u{1}\"",         // raw control
        r#"{"a":1} x"#,      // trailing text
    ] {
        assert_eq!(fast_only(text), None, "{text}");
        assert_eq!(via_text(text), strict(text), "{text}");
    }
}

/// A JSON value printed with random whitespace, key order and escape forms
/// (canonical and not), so both passes and the fallback are exercised.
fn json_text() -> impl Strategy<Value = String> {
    let string = prop::collection::vec(
        prop_oneof![
            Just("a".to_owned()),
            Just("Z".to_owned()),
            Just("\\n".to_owned()),
            Just("\\\"".to_owned()),
            Just("\\u001f".to_owned()),
            Just("\\u001F".to_owned()),
            Just("\\u0041".to_owned()),
            Just("\\/".to_owned()),
            Just("é".to_owned()),
            Just("\u{ffff}".to_owned()),
            Just("😀".to_owned()),
            Just("\\ud83d\\ude00".to_owned()),
            Just("\\ud800".to_owned()),
        ],
        0..4,
    )
    .prop_map(|parts| format!("\"{}\"", parts.concat()));
    let number = prop_oneof![
        any::<i32>().prop_map(|n| n.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|f| format!("{f:e}")),
        any::<f64>().prop_map(|f| format!("{f}")),
        Just("-0".to_owned()),
        Just("1.0".to_owned()),
        Just("9007199254740993".to_owned()),
        Just("1e400".to_owned()),
    ];
    let leaf = prop_oneof![
        string.clone(),
        number,
        Just("true".to_owned()),
        Just("null".to_owned()),
    ];
    let ws = prop_oneof![Just(""), Just(""), Just(" "), Just("\n\t")];
    leaf.prop_recursive(5, 48, 6, move |inner| {
        prop_oneof![
            (prop::collection::vec((inner.clone(), ws.clone()), 0..6)).prop_map(|items| {
                let items: Vec<String> = items
                    .into_iter()
                    .map(|(v, w)| format!("{w}{v}{w}"))
                    .collect();
                format!("[{}]", items.join(","))
            }),
            prop::collection::vec((string.clone(), inner, ws.clone()), 0..6).prop_map(|members| {
                let members: Vec<String> = members
                    .into_iter()
                    .map(|(k, v, w)| format!("{w}{k}{w}:{w}{v}"))
                    .collect();
                format!("{{{}}}", members.join(","))
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn generated_text_gives_the_strict_answer(text in json_text()) {
        prop_assert_eq!(via_text(&text), strict(&text));
        if let Some(bytes) = fast_only(&text) {
            prop_assert_eq!(Ok(bytes), strict(&text));
        }
    }
}

/// `may_refuse` by its definition, one byte at a time.
fn may_refuse_naive(s: &[u8]) -> bool {
    let brackets = s.iter().filter(|&&b| b == b'[' || b == b'{').count();
    let deep = s.len() >= 2 * MAX_DEPTH && brackets >= MAX_DEPTH;
    let escape = (0..s.len()).any(|i| s[i..].starts_with(b"\\ud") || s[i..].starts_with(b"\\uD"));
    let run = s
        .split(|b| !b.is_ascii_digit())
        .map(<[u8]>::len)
        .max()
        .unwrap_or(0);
    deep || escape || run >= 16
}

/// `depth` levels of `open … close` around `0`, after `pad`.
fn nest(pad: &str, open: &str, close: &str, depth: usize) -> String {
    format!("{pad}{}0{}", open.repeat(depth), close.repeat(depth))
}

#[test]
fn may_refuse_finds_each_cause_at_every_alignment() {
    for pad in 0..17 {
        let p = "a".repeat(pad);
        for (text, expected) in [
            (format!("{p}\\ud800"), true),
            (format!("{p}\\uDBFF"), true),
            (format!("{p}\\u00e9"), false),
            (format!("{p}\\n\\\""), false),
            (format!("{p}{}", "1".repeat(16)), true),
            (format!("{p}{}", "1".repeat(15)), false),
            (format!("{p}{}x{}", "1".repeat(8), "1".repeat(8)), false),
            (nest(&p, "[", "]", MAX_DEPTH), true),
            (nest(&p, "[", "]", MAX_DEPTH - 1), false),
            (nest(&p, "{\"a\":", "}", MAX_DEPTH), true),
        ] {
            assert_eq!(may_refuse(&text), expected, "{text:?}");
            assert_eq!(may_refuse_naive(text.as_bytes()), expected, "{text:?}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    /// The 8-at-a-time scan answers as the byte-at-a-time definition.
    #[test]
    fn may_refuse_is_its_definition(bytes in prop::collection::vec(
        prop::sample::select(b"0123456789\\udD[{a\"".to_vec()), 0..200)
    ) {
        let text = String::from_utf8(bytes).unwrap();
        prop_assert_eq!(may_refuse(&text), may_refuse_naive(text.as_bytes()));
    }

    /// Text the strict route refuses is flagged, so the gateway checks it
    /// at once instead of deferring it; except for what no serializer of
    /// plain data writes: a duplicate key, a literal beyond the doubles
    /// (`1e400`; a serializer prints the double it holds).
    #[test]
    fn refused_text_is_flagged(text in json_text()) {
        if let Err(e) = strict(&text)
            && !e.starts_with("duplicate_key")
            && !e.starts_with("non_finite")
        {
            prop_assert!(may_refuse(&text), "{} refused ({}) but not flagged", text, e);
        }
    }
}
