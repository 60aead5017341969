//! The JSON value model every binding converts into.

use crate::error::{CanonError, ErrorKind};

/// Deepest allowed nesting of arrays and objects: a top-level array
/// is depth 1, so 64 nested arrays pass and 65 fail with `depth_exceeded`.
pub const MAX_DEPTH: usize = 64;

/// Fails with `depth_exceeded` when a container would open at `depth`
/// (0 for the top level) beyond [`MAX_DEPTH`]. Converters in the bindings
/// call it before descending, which also stops cycles.
pub fn check_depth(depth: usize) -> Result<(), CanonError> {
    if depth >= MAX_DEPTH {
        Err(CanonError::new(
            ErrorKind::DepthExceeded,
            format!("nesting deeper than {MAX_DEPTH} arrays/objects (or a cycle)"),
        ))
    } else {
        Ok(())
    }
}

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

    /// The JSON type's name (`null`, `boolean`, `number`, `string`,
    /// `array`, `object`), for error messages.
    pub const fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
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
