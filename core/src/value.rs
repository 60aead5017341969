//! The JSON value model every binding converts into.

/// Deepest allowed nesting of arrays and objects (SPEC §3): a top-level array
/// is depth 1, so 64 nested arrays pass and 65 fail with `depth_exceeded`.
pub const MAX_DEPTH: usize = 64;

/// A JSON value as tooltrail sees it.
///
/// Numbers are `f64`: every integer the policy accepts (|n| ≤ 2^53−1) is exact
/// in a double, and RFC 8785 formats all numbers as ECMAScript doubles, so one
/// representation serves Python `int`/`float`, JS `number`/`BigInt` and JSON
/// text alike. Objects keep insertion order (events are written with a fixed
/// key order); canonicalization sorts a copy of the keys.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A finite double (checked again at serialization).
    Number(f64),
    /// A well-formed Unicode string (Rust `String` cannot hold a lone surrogate).
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object as ordered `(key, value)` members.
    Object(Vec<(String, Value)>),
}

impl Value {
    /// Builds an object from members, keeping their order.
    pub fn object<K: Into<String>>(members: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Object(members.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// Looks a member up by key (first match), for objects only.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
