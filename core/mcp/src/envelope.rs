//! JSON-RPC envelopes the strict parser refuses. A `tools/call` whose
//! arguments hold a duplicate key, an integer beyond 2^53 or a lone
//! surrogate still runs on the server, so the proxy must still record it:
//! this reads the envelope's members as raw text (skipping each value by its
//! brackets and strings, without judging it), parses the parts it needs
//! strictly one by one, and keeps the error of the part that failed.

use tooltrail_json::{CanonError, Value, parse_json_str};

/// The members of the JSON object `text` as (key, raw value text), in
/// order; `None` if `text` is not an object of that shape.
pub(crate) fn members(text: &str) -> Option<Vec<(String, &str)>> {
    let b = text.as_bytes();
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i = skip_ws(b, i + 1);
    let mut out = Vec::new();
    if b.get(i) == Some(&b'}') {
        return (skip_ws(b, i + 1) == b.len()).then_some(out);
    }
    loop {
        let key_end = skip_string(b, i)?;
        let Ok(Value::String(key)) = parse_json_str(&text[i..key_end]) else {
            return None;
        };
        i = skip_ws(b, key_end);
        if b.get(i) != Some(&b':') {
            return None;
        }
        let start = skip_ws(b, i + 1);
        let end = skip_value(b, start)?;
        out.push((key, &text[start..end]));
        i = skip_ws(b, end);
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b'}') => return (skip_ws(b, i + 1) == b.len()).then_some(out),
            _ => return None,
        }
    }
}

/// The raw text of member `key`, if present (the last one if repeated).
pub(crate) fn get<'a>(members: &[(String, &'a str)], key: &str) -> Option<&'a str> {
    members
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| *v)
}

/// `raw` parsed strictly; on failure the error, with its path under `key`.
pub(crate) fn value(raw: &str) -> Result<Value, CanonError> {
    parse_json_str(raw)
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// The end of the string starting at `i` (just past its closing quote).
fn skip_string(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let mut j = i + 1;
    loop {
        match b.get(j)? {
            b'"' => return Some(j + 1),
            b'\\' => j += 2,
            _ => j += 1,
        }
    }
}

/// The end of the value starting at `i`: a string, or a run up to the
/// bracket that closes what it opened, or a scalar up to a delimiter.
fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => skip_string(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match b.get(j)? {
                    b'"' => {
                        j = skip_string(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let mut j = i;
            while !matches!(
                b.get(j),
                None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
            ) {
                j += 1;
            }
            (j > i).then_some(j)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_cut_out_whatever_their_values_hold() {
        let text = r#" {"id": 1, "params": {"name":"t","arguments":{"a":1,"a":[2,"}\""]}}, "x":9007199254740993} "#;
        let m = members(text).unwrap();
        let keys: Vec<&str> = m.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["id", "params", "x"]);
        assert_eq!(get(&m, "x"), Some("9007199254740993"));
        let params = members(get(&m, "params").unwrap()).unwrap();
        assert_eq!(get(&params, "arguments"), Some(r#"{"a":1,"a":[2,"}\""]}"#));
        assert!(value(get(&params, "arguments").unwrap()).is_err());
        for bad in [
            "",
            "[]",
            "{",
            r#"{"a"}"#,
            r#"{"a":1,}"#,
            r#"{"a":1} x"#,
            r#"{"a":"#,
        ] {
            assert_eq!(members(bad), None, "{bad}");
        }
        assert_eq!(members("{}"), Some(Vec::new()));
    }
}
