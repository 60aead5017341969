use proptest::prelude::*;

use super::*;
use crate::parse::parse_json_str;
use crate::text::canonical_json_from_text;
use crate::value::{MAX_DEPTH, Value};
use crate::write::canonical_json;

fn tape(v: &Value) -> (Vec<i32>, Vec<u16>) {
    encode(v)
}

/// `write_json`'s text, after checking `check` on the same tape (ended):
/// it must refuse every tape whose JSON text the strict rules refuse for a
/// reason the converter answers otherwise (a lone surrogate, an integer
/// beyond 2^53), and may pass a malformed one (`write_json` refuses that).
fn json(ops: &[i32], text: &[u16]) -> Result<String, CanonError> {
    let mut out = b"kept".to_vec();
    let written = write_json(ops, text, &mut out);
    if written.is_err() {
        assert_eq!(out, b"kept", "an error leaves the buffer as it was");
    }
    let ended: Vec<i32> = ops.iter().copied().chain([END]).collect();
    let checked = check(&ended, text);
    let json = written.map(|()| String::from_utf8(out[4..].to_vec()).expect("UTF-8"));
    let refused = match &json {
        Err(e) => Some(e.kind()),
        Ok(j) => canonical_json_from_text(j).err().map(|e| e.kind()),
    };
    if matches!(
        refused,
        Some(ErrorKind::LoneSurrogate | ErrorKind::IntegerOutOfRange)
    ) {
        assert_eq!(
            checked.as_ref().map_err(|e| e.kind()).err(),
            refused,
            "{ops:?} {text:x?}"
        );
    }
    match checked {
        Ok(used) => assert_eq!(used, ops.len()),
        Err(e) => assert!(
            matches!(
                e.kind(),
                ErrorKind::LoneSurrogate | ErrorKind::IntegerOutOfRange | ErrorKind::InvalidJson
            ),
            "{e:?}"
        ),
    }
    same_canonical(ops, text, &json);
    json
}

/// `write_canonical` (one pass over the tape) gives the bytes and the error
/// that canonicalizing the tape's JSON text gives.
fn same_canonical(ops: &[i32], text: &[u16], json: &Result<String, CanonError>) {
    let mut direct = b"kept".to_vec();
    let got = write_canonical(ops, text, &mut direct);
    let want = json.clone().and_then(|j| canonical_json_from_text(&j));
    match (got, want) {
        (Ok(()), Ok(want)) => assert_eq!(&direct[4..], want.as_bytes(), "{ops:?} {text:x?}"),
        (Err(got), Err(want)) => {
            assert_eq!(direct, b"kept", "an error leaves the buffer as it was");
            assert_eq!((got.kind(), got.detail()), (want.kind(), want.detail()));
        }
        (got, want) => panic!("{ops:?} {text:x?}: one pass {got:?}, via the text {want:?}"),
    }
}

/// Whether the one pass wrote the tape itself (not the way through its text).
fn one_pass(v: &Value) -> bool {
    let (ops, text) = tape(v);
    write::fast(&ops, &text, &mut Vec::new()).is_some()
}

#[test]
fn the_one_pass_canonicalizes_plain_arguments_itself() {
    let args = r#"{"query":"refund \"policy\"\n é😀","limit":10,"filters":{"since":"2026-01-01","lang":"en"},"x":[1.5e-7,1e21,-0.0,true,null,[]]}"#;
    let v = parse_json_str(args).unwrap();
    assert!(one_pass(&v));
    let (ops, text) = tape(&v);
    let mut out = Vec::new();
    write_canonical(&ops, &text, &mut out).unwrap();
    assert_eq!(out, canonical_json(&v).unwrap().into_bytes());
    // Keys in UTF-16 order, which is not code point order above U+FFFF.
    let keys = Value::object([
        ("\u{fb01}", Value::Null),
        ("\u{1f600}", Value::Null),
        ("b", Value::Null),
        ("a", Value::Null),
    ]);
    assert!(one_pass(&keys));
    let (ops, text) = tape(&keys);
    let mut out = Vec::new();
    write_canonical(&ops, &text, &mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "{\"a\":null,\"b\":null,\"\u{1f600}\":null,\"\u{fb01}\":null}"
    );
}

#[test]
fn what_the_one_pass_cannot_write_exactly_goes_through_the_text() {
    // An integer of 16 digits, a duplicate key, a lone surrogate, "-0",
    // nesting past the limit: each is left to the strict rules (and
    // `same_canonical`, through `json`, checks the result is theirs).
    let number = |s: &str| (vec![NUMBER - s.len() as i32], units(s));
    let cases = [
        number("9007199254740993"),
        number("1234567890123456"),
        number("-0"),
        number("1e400"),
        (vec![OBJECT, 1, TRUE, 1, FALSE, END_OBJECT], units("kk")),
        (vec![1], vec![0xd800]),
        (
            [vec![ARRAY; MAX_DEPTH + 1], vec![END_ARRAY; MAX_DEPTH + 1]].concat(),
            vec![],
        ),
    ];
    for (ops, text) in cases {
        assert!(
            write::fast(&ops, &text, &mut Vec::new()).is_none(),
            "{ops:?} {text:x?}"
        );
        let _ = json(&ops, &text);
    }
    let dup = json(&[OBJECT, 1, TRUE, 1, FALSE, END_OBJECT], &units("kk")).unwrap();
    assert_eq!(
        canonical_json_from_text(&dup).unwrap_err().kind(),
        ErrorKind::DuplicateKey
    );
}

fn units(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

#[test]
fn a_tool_calls_arguments_read_back_as_their_json() {
    let v = parse_json_str(r#"{"query":"refund \"policy\"\n","limit":10,"filters":{"lang":"en","x":[true,false,null,-1.5e-7]}}"#).unwrap();
    let (ops, text) = tape(&v);
    let out = json(&ops, &text).unwrap();
    assert_eq!(
        out,
        r#"{"query":"refund \"policy\"\n","limit":10,"filters":{"lang":"en","x":[true,false,null,-1.5e-7]}}"#
    );
}

#[test]
fn strings_are_escaped_as_rfc_8785_says_and_decoded_from_utf16() {
    let s = "a\u{0}\u{1f}\\\"\t é€😀";
    let (ops, text) = tape(&Value::String(s.into()));
    assert_eq!(
        json(&ops, &text).unwrap(),
        canonical_json(&Value::String(s.into())).unwrap()
    );
}

#[test]
fn a_lone_surrogate_is_refused_wherever_it_is() {
    for bad in [
        &[0xd800u16][..],
        &[0xdc00],
        &[0x61, 0xd83d],
        &[0xde00, 0x61],
        &[0xd83d, 0xd83d],
    ] {
        let err = json(&[bad.len() as i32], bad).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::LoneSurrogate, "{bad:x?}");
        // As a key too.
        let mut text = bad.to_vec();
        text.extend(units("1"));
        let ops = [OBJECT, bad.len() as i32, NUMBER - 1, END_OBJECT];
        assert_eq!(
            json(&ops, &text).unwrap_err().kind(),
            ErrorKind::LoneSurrogate
        );
    }
    assert_eq!(json(&[2], &[0xd83d, 0xde00]).unwrap(), "\"😀\"");
}

#[test]
fn nesting_stops_at_the_same_depth_as_everywhere_else() {
    let nested = |n: usize| {
        let mut ops = vec![ARRAY; n];
        ops.extend(vec![END_ARRAY; n]);
        ops
    };
    assert!(json(&nested(MAX_DEPTH), &[]).is_ok());
    assert_eq!(
        json(&nested(MAX_DEPTH + 1), &[]).unwrap_err().kind(),
        ErrorKind::DepthExceeded
    );
}

#[test]
fn a_tape_that_is_not_one_value_is_refused() {
    let cases: &[(&[i32], &str, &str)] = &[
        (&[], "", "ends inside a value"),
        (&[OBJECT, 1], "k", "ends inside a value"),
        (&[ARRAY, TRUE], "", "ends inside a value"),
        (&[5], "abc", "ends inside a string"),
        (&[NUMBER - 4], "1", "ends inside a string"),
        (&[1], "ab", "left over"),
        (&[TRUE], "x", "left over"),
        (&[OBJECT, TRUE, TRUE, END_OBJECT], "", "key is not a string"),
        (&[END_ARRAY], "", "closes where a value belongs"),
        (&[ARRAY, END_OBJECT], "", "closes where a value belongs"),
        (&[NUMBER - 3], "1,2", "not a number"),
        (&[NUMBER], "", "not a number"),
        (&[NUMBER - 1], "\"", "not a number"),
    ];
    for (ops, text, why) in cases {
        let err = json(ops, &units(text)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidJson, "{ops:?} {text:?}");
        assert!(
            err.detail().contains(why),
            "{ops:?} {text:?}: {}",
            err.detail()
        );
    }
}

#[test]
fn codes_after_the_end_are_not_read() {
    assert_eq!(json(&[TRUE, 12345, OBJECT], &[]).unwrap(), "true");
    assert_eq!(check(&[TRUE, END, 12345, OBJECT], &[]).unwrap(), 1);
    assert_eq!(
        check(&[ARRAY, 1, END_ARRAY, END, NULL], &units("x")).unwrap(),
        3
    );
    assert_eq!(
        check(&[TRUE], &[]).unwrap_err().kind(),
        ErrorKind::InvalidJson,
        "no end"
    );
}

#[test]
fn check_refuses_the_integers_the_strict_rules_refuse() {
    let number = |s: &str| check(&[NUMBER - s.len() as i32, END], &units(s));
    assert!(number("9007199254740991").is_ok());
    assert!(number("1.2345678901234567e+21").is_ok());
    assert_eq!(
        number("9007199254740993").unwrap_err().kind(),
        ErrorKind::IntegerOutOfRange
    );
    assert_eq!(
        number("-12345678901234567890").unwrap_err().kind(),
        ErrorKind::IntegerOutOfRange
    );
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::Number),
        (-1000i64..1000).prop_map(|i| Value::Number(i as f64)),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    /// Any value's tape reads back as JSON text that canonicalizes to the
    /// value's own bytes, or is refused for the same reason, or (a float
    /// printed as an integer beyond 2^53, which the strict parser refuses
    /// as text) refused so that the binding converts the value instead, as
    /// with `JSON.stringify`'s text.
    #[test]
    fn every_value_reads_back(v in value()) {
        let (ops, text) = tape(&v);
        let out = json(&ops, &text).unwrap();
        match (canonical_json_from_text(&out), canonical_json(&v)) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
            (Err(a), Err(b)) => prop_assert_eq!(a.kind(), b.kind()),
            (Err(a), Ok(_)) => prop_assert_eq!(a.kind(), ErrorKind::IntegerOutOfRange),
            (a, b) => prop_assert!(false, "text {:?} vs value {:?}", a, b),
        }
    }

    /// Arbitrary codes and units never panic, and what they read as is
    /// JSON, but for a number's grammar (checked when the text is parsed).
    #[test]
    fn any_tape_is_read_or_refused(ops in prop::collection::vec(-10i32..6, 0..24), text in prop::collection::vec(any::<u16>(), 0..24)) {
        if let Ok(out) = json(&ops, &text) {
            prop_assert!(parse_json_str(&out).is_ok() || ops.iter().any(|&c| c <= NUMBER), "{}", out);
        }
    }
}
