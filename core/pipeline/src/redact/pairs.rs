//! Key/value pairs expressed as data rather than as object keys: `[name,
//! value]` arrays (HTTP header lists) and `{"key"|"name": …, "value": …}`
//! objects (OTLP attributes, AWS tags, HAR headers, Kubernetes env).

use tooltrail_json::Value;

/// Member names that hold a pair's name (normalized).
const NAME_MEMBERS: &[&str] = &[
    "key",
    "name",
    "header",
    "field",
    "attribute",
    "param",
    "parameter",
    "variable",
    "var",
    "property",
    "setting",
    "option",
];
/// Member names that hold a pair's value (normalized).
const VALUE_MEMBERS: &[&str] = &["value", "val", "values", "stringvalue", "secretvalue"];

/// Index of the value member of a `{"name": "password", "value": …}` object
/// and the pair's name, if the object is shaped like one pair.
pub(crate) fn pair_object(members: &[(String, Value)]) -> Option<(usize, &str)> {
    let mut name = None;
    let mut value = None;
    for (i, (k, v)) in members.iter().enumerate() {
        let k = super::keys::normalize(k);
        if NAME_MEMBERS.contains(&k.as_str()) {
            if let Value::String(s) = v
                && name.replace(s.as_str()).is_some()
            {
                return None;
            }
        } else if VALUE_MEMBERS.contains(&k.as_str()) && value.replace(i).is_some() {
            return None;
        }
    }
    Some((value?, name?))
}

/// The name of a `[name, value]` pair array.
pub(crate) fn pair_array(items: &[Value]) -> Option<&str> {
    match items {
        [Value::String(name), _] => Some(name),
        _ => None,
    }
}
