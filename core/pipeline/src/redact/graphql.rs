//! GraphQL requests: a variable passed to a sensitive argument
//! (`login(password: $p)`) is redacted in `variables` (an object or JSON
//! text), whatever the variable is called.

use tooltrail_json::Value;

/// `(variable, label)` for each `$variable` the `query` member passes to an
/// argument whose name `label` calls sensitive.
pub(crate) fn sensitive_variables(
    members: &[(String, Value)],
    label: &dyn Fn(&str) -> Option<String>,
) -> Vec<(String, String)> {
    let Some((_, Value::String(q))) = members.iter().find(|(k, _)| k == "query") else {
        return vec![];
    };
    if !members.iter().any(|(k, _)| k == "variables") {
        return vec![];
    }
    let b = q.as_bytes();
    let name = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut out = vec![];
    let mut i = 0;
    while let Some(p) = q[i..].find('$').map(|p| p + i) {
        i = p + 1;
        let mut e = i;
        while e < b.len() && name(b[e]) {
            e += 1;
        }
        // Back over blanks and a `:` to the argument's name.
        let mut j = p;
        while j > 0 && b[j - 1] == b' ' {
            j -= 1;
        }
        if j == 0 || b[j - 1] != b':' {
            continue;
        }
        j -= 1;
        while j > 0 && b[j - 1] == b' ' {
            j -= 1;
        }
        let end = j;
        while j > 0 && name(b[j - 1]) {
            j -= 1;
        }
        if let Some(l) = label(&q[j..end]) {
            out.push((q[i..e].to_owned(), l));
        }
    }
    out
}

/// `variables` with the named members replaced (JSON text stays text).
pub(crate) fn force(v: &Value, vars: &[(String, String)]) -> Option<Value> {
    let replace = |members: &[(String, Value)]| {
        Value::Object(
            members
                .iter()
                .map(|(k, v)| match vars.iter().find(|(n, _)| n == k) {
                    Some((_, l)) if !matches!(v, Value::Null) => {
                        (k.clone(), Value::String(format!("[REDACTED:{l}]")))
                    }
                    _ => (k.clone(), v.clone()),
                })
                .collect(),
        )
    };
    match v {
        Value::Object(m) => Some(replace(m)),
        Value::String(s) => match tooltrail_json::parse_json(s.as_bytes()).ok()? {
            Value::Object(m) => {
                let mut out = Vec::new();
                tooltrail_json::write_ordered(&replace(&m), &mut out).ok()?;
                Some(Value::String(String::from_utf8(out).ok()?))
            }
            _ => None,
        },
        _ => None,
    }
}
