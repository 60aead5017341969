//! The one canonicalization error type, shared by every binding.

use std::fmt;

/// Why a value cannot be canonicalized. The string forms are the
/// wire names used as `.kind` in Python and `err.kind` / `err.code` in Node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// NaN, ±Infinity, or a number token that overflows a double (`1e400`).
    NonFinite,
    /// An integer outside [−(2^53−1), 2^53−1].
    IntegerOutOfRange,
    /// A string or key holding an unpaired UTF-16 surrogate.
    LoneSurrogate,
    /// An object with the same key twice (JSON text).
    DuplicateKey,
    /// An object key that is not a string (Python `int` key, …).
    NonStringKey,
    /// A value of a type with no JSON meaning (bytes, set, Date, Map, …).
    UnsupportedType,
    /// Nesting deeper than [`crate::MAX_DEPTH`], or a cycle.
    DepthExceeded,
    /// JSON text that is not valid RFC 8259.
    InvalidJson,
}

impl ErrorKind {
    /// Every kind, in the documented order.
    pub const ALL: [ErrorKind; 8] = [
        ErrorKind::NonFinite,
        ErrorKind::IntegerOutOfRange,
        ErrorKind::LoneSurrogate,
        ErrorKind::DuplicateKey,
        ErrorKind::NonStringKey,
        ErrorKind::UnsupportedType,
        ErrorKind::DepthExceeded,
        ErrorKind::InvalidJson,
    ];

    /// The wire name, e.g. `"non_finite"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorKind::NonFinite => "non_finite",
            ErrorKind::IntegerOutOfRange => "integer_out_of_range",
            ErrorKind::LoneSurrogate => "lone_surrogate",
            ErrorKind::DuplicateKey => "duplicate_key",
            ErrorKind::NonStringKey => "non_string_key",
            ErrorKind::UnsupportedType => "unsupported_type",
            ErrorKind::DepthExceeded => "depth_exceeded",
            ErrorKind::InvalidJson => "invalid_json",
        }
    }

    /// Whether the kind is about a value's *type* (Python maps these to
    /// `TypeError`, the others to `ValueError`).
    pub const fn is_type_error(self) -> bool {
        match self {
            ErrorKind::NonStringKey | ErrorKind::UnsupportedType => true,
            ErrorKind::NonFinite
            | ErrorKind::IntegerOutOfRange
            | ErrorKind::LoneSurrogate
            | ErrorKind::DuplicateKey
            | ErrorKind::DepthExceeded
            | ErrorKind::InvalidJson => false,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One step of a [`JsonPath`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// An object member.
    Key(String),
    /// An array element.
    Index(usize),
}

/// Where in a value an error sits, rendered like `$.filters[3]` or
/// `$["odd key"]`.
///
/// Errors are raised at the leaf and travel outwards, so segments are pushed
/// innermost-first and reversed only when rendered: no path is built on the
/// success path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JsonPath {
    reversed: Vec<PathSegment>,
}

impl JsonPath {
    /// The root, `$`.
    pub fn root() -> Self {
        Self::default()
    }

    /// Segments from the root outwards.
    pub fn segments(&self) -> impl Iterator<Item = &PathSegment> {
        self.reversed.iter().rev()
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("$")?;
        for seg in self.segments() {
            match seg {
                PathSegment::Index(i) => write!(f, "[{i}]")?,
                PathSegment::Key(k) if is_plain_identifier(k) => write!(f, ".{k}")?,
                PathSegment::Key(k) => {
                    f.write_str("[")?;
                    let mut quoted = Vec::with_capacity(k.len() + 2);
                    crate::escape::write_string(k, &mut quoted);
                    f.write_str(&String::from_utf8_lossy(&quoted))?;
                    f.write_str("]")?;
                }
            }
        }
        Ok(())
    }
}

fn is_plain_identifier(k: &str) -> bool {
    let mut chars = k.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A value that cannot be canonicalized or hashed: its [`ErrorKind`], the
/// [`JsonPath`] of the offending value, and a human-readable detail.
#[derive(Debug, Clone, PartialEq)]
pub struct CanonError {
    kind: ErrorKind,
    path: JsonPath,
    detail: String,
}

impl CanonError {
    /// An error at the root; wrap with [`CanonError::within_key`] /
    /// [`CanonError::within_index`] while unwinding.
    pub fn new(kind: ErrorKind, detail: impl Into<String>) -> Self {
        Self {
            kind,
            path: JsonPath::root(),
            detail: detail.into(),
        }
    }

    /// Prefixes the path with an object key (the error happened inside it).
    pub fn within_key(mut self, key: &str) -> Self {
        self.path.reversed.push(PathSegment::Key(key.to_owned()));
        self
    }

    /// Prefixes the path with an array index.
    pub fn within_index(mut self, index: usize) -> Self {
        self.path.reversed.push(PathSegment::Index(index));
        self
    }

    /// The error kind.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The path of the offending value.
    pub fn path(&self) -> &JsonPath {
        &self.path
    }

    /// The detail without kind and path.
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

impl fmt::Display for CanonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at {}: {}", self.kind, self.path, self.detail)
    }
}

impl std::error::Error for CanonError {}
