use super::*;
use tooltrail_json::parse_json;

/// The scanner agrees with `parse_json`: whatever it accepts the parser
/// reads as an object with the same top-level strings and numbers.
fn agrees(line: &[u8]) {
    let mut scanner = Scanner::default();
    let parsed = parse_json(line);
    let valid = scanner.event_drops(line).is_some();
    let Some(view) = scanner.view(line) else {
        assert!(!valid, "{}", String::from_utf8_lossy(line));
        return;
    };
    assert!(valid, "{}", String::from_utf8_lossy(line));
    let Ok(Value::Object(members)) = parsed else {
        panic!("scanner accepted {:?}", String::from_utf8_lossy(line));
    };
    for (k, _) in &members {
        assert_eq!(view.str(k), str_field(&Value::Object(members.clone()), k));
        let want = num_field(&Value::Object(members.clone()), k);
        assert_eq!(view.num(k).map(f64::to_bits), want.map(f64::to_bits), "{k}");
    }
    assert_eq!(view.str("absent"), None);
}

const LINES: &[&str] = &[
    r#"{"v":1,"ts":"2026-11-24T19:57:40.000000Z","event":"run_start","run_id":"r1","user_id":"user-0","parent_span_id":null,"budgets":{"max_tool_calls":50}}"#,
    r#"{"v":1,"event":"tool_result","tool":"t","seq":2,"latency_ms":12.5,"ok":false,"error_class":"timeout"}"#,
    r#"{"event":"run_end","duration_ms":-0,"spend_usd":1e-3,"nested":[1,[2,{"a":[]}],{}],"x":true}"#,
    r#" { "a" : "b" , "c" : [ 1 , 2 ] } "#,
    r#"{"a":"\u0041"}"#,
    r#"{"a":"x\"y"}"#,
    r#"{"a":1,"a":2}"#,
    r#"{"a":{"b":1,"b":2}}"#,
    r#"{"a":{"b":1},"c":{"b":2}}"#,
    r#"{"a":9007199254740991,"b":-9007199254740991}"#,
    r#"{"a":9007199254740992}"#,
    r#"{"a":00}"#,
    r#"{"a":1.}"#,
    r#"{"a":.5}"#,
    r#"{"a":1e400}"#,
    r#"{"a":1e-400,"b":0.1e+2,"c":2E3}"#,
    r#"{"a":1,}"#,
    r#"{"a":[1,]}"#,
    r#"{"a" 1}"#,
    r#"{"a":tru}"#,
    r#"{"a":"é","ü":"x"}"#,
    "{\"a\":\"tab\there\"}",
    "{\"a\":1}\r",
    "{\"a\":1}\t",
    r#"[1,2]"#,
    r#""text""#,
    r#"{}"#,
    r#"{} {}"#,
    r#""#,
    r#"{"a":"unterminated}"#,
    r#"{"a":1"#,
    r#"{"abcdefghij":1,"abcdefghik":2,"abcdefghij2":3}"#,
    r#"{"abcdefghijXXXXXXXXklmnopqr":1,"abcdefghijYYYYYYYYklmnopqr":2}"#,
];

#[test]
fn the_scanner_reads_lines_as_the_parser_does() {
    for line in LINES {
        agrees(line.as_bytes());
    }
    agrees(&[b'{', b'"', b'a', b'"', b':', b'"', 0xff, b'"', b'}']);
    let deep = format!("{{\"a\":{}1{}}}", "[".repeat(40), "]".repeat(40));
    agrees(deep.as_bytes());
    for n in [
        "1e999999999999",
        "-1e99999999999",
        "123456789012345",
        "1234567890123456",
        "99999999999999999",
        "-9007199254740991",
        "1.5e308",
        "0.000000000001",
    ] {
        agrees(format!("{{\"a\":[{n}],\"b\":{n}}}").as_bytes());
    }
    let many: Vec<String> = (0..100).map(|i| format!("\"k{i}\":{i}")).collect();
    agrees(format!("{{{}}}", many.join(",")).as_bytes());
}

#[test]
fn mutated_lines_are_read_as_the_parser_does() {
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let alphabet = b"{}[]\":,.-+eE0123456789 tfnul\\a\t\xc3\xa9";
    for _ in 0..40_000 {
        let base = LINES[(next() % 3) as usize].as_bytes();
        let mut line = base.to_vec();
        for _ in 0..=next() % 3 {
            let at = (next() as usize) % (line.len() + 1);
            match next() % 3 {
                0 if at < line.len() => {
                    line.remove(at);
                }
                1 if at < line.len() => line[at] = alphabet[(next() as usize) % alphabet.len()],
                _ => line.insert(at, alphabet[(next() as usize) % alphabet.len()]),
            }
        }
        agrees(&line);
    }
}

#[test]
fn the_word_check_matches_a_byte_check() {
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    for _ in 0..200_000 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let mut bytes = seed.to_le_bytes().to_vec();
        // Mostly printable, with the edges of each class.
        for b in &mut bytes {
            *b = match *b % 8 {
                0 => [0x1f, 0x20, b'\\', 0x5b, 0x5d, 0x7f, 0x80, 0xff][(*b >> 3) as usize % 8],
                _ => 0x20 + (*b % 0x5f),
            };
        }
        let want = bytes.iter().all(|&b| b >= 0x20 && b != b'\\');
        assert_eq!(clean(&bytes).is_some(), want, "{bytes:x?}");
    }
}

#[test]
fn short_keys_have_exact_fingerprints() {
    let mut seen = std::collections::HashMap::new();
    let alphabet = [b'a', b'b', 0, 0xff];
    for n in 0..8u32 {
        for code in 0..4u32.pow(n) {
            let key: Vec<u8> = (0..n)
                .map(|i| alphabet[(code / 4u32.pow(i) % 4) as usize])
                .collect();
            let fp = fingerprint(&key);
            assert_eq!(fp >> 63, 0);
            if let Some(other) = seen.insert(fp, key.clone()) {
                panic!("{key:?} and {other:?} share a fingerprint");
            }
        }
    }
    assert_eq!(fingerprint(b"abcdefgh") >> 63, 1);
}

#[test]
fn drop_reports_are_told_apart() {
    let mut s = Scanner::default();
    let drops = |s: &mut Scanner, line: &str| s.event_drops(line.as_bytes());
    assert_eq!(
        drops(&mut s, r#"{"event":"writer_dropped","count":2}"#),
        Some(true)
    );
    assert_eq!(
        drops(&mut s, r#"{"count":2, "event" : "writer_dropped" }"#),
        Some(true)
    );
    assert_eq!(
        drops(&mut s, r#"{"event":"tool_call","x":"writer_dropped"}"#),
        Some(false)
    );
    assert_eq!(
        drops(&mut s, r#"{"e":{"event":"writer_dropped"}}"#),
        Some(false)
    );
    assert_eq!(
        drops(&mut s, r#"{"event":"writer_dropped_not"}"#),
        Some(false)
    );
    assert_eq!(
        drops(&mut s, r#"{"event":["writer_dropped"]}"#),
        Some(false)
    );
    assert_eq!(drops(&mut s, r#"{"event":"writer\u005fdropped"}"#), None);
    assert_eq!(drops(&mut s, r#"{"event":"writer_dropped""#), None);
}

/// The SSE2 and word-at-a-time checks agree on every byte at every place
/// in lines of every length up to a few chunks (the tail included).
#[test]
fn clean_is_the_same_on_every_cpu_path() {
    for len in 0..48 {
        for at in 0..len {
            for b in 0..=255u8 {
                let mut line = vec![b'a'; len];
                line[at] = b;
                let want = if b < 0x20 || b == b'\\' {
                    None
                } else {
                    Some(b < 0x80)
                };
                assert_eq!(clean_words(&line), want, "len {len} at {at} byte {b:#x}");
                assert_eq!(clean(&line), want, "len {len} at {at} byte {b:#x}");
            }
        }
    }
}

/// `quote` finds the first quote at or after `from`, wherever it stands
/// against the 16- and 8-byte steps.
#[test]
fn quote_finds_the_first_quote() {
    for len in 0..48usize {
        for from in 0..=len {
            for (a, b) in [
                (None, None),
                (Some(len / 3), Some(len / 2)),
                (len.checked_sub(1), None::<usize>),
            ] {
                let mut line = vec![b'x'; len];
                for q in [a, b].into_iter().flatten().filter(|&q| q < len) {
                    line[q] = b'"';
                }
                let want = line[from..]
                    .iter()
                    .position(|&c| c == b'"')
                    .map(|i| from + i);
                assert_eq!(quote(&line, from), want, "len {len} from {from}");
            }
        }
    }
}
