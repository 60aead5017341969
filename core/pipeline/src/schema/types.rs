//! The shape of the schema table: value sets, objects, field types and
//! presence rules (the table itself is in `table.rs` and `values.rs`).

/// A closed set of string values, named for the generated types.
#[derive(Debug)]
pub struct Enum {
    /// The type's name in the generated files (`StopReason`, …).
    pub name: &'static str,
    /// What the values mean.
    pub doc: &'static str,
    /// Every value, in a fixed order.
    pub values: &'static [&'static str],
}

/// An object with fixed members (an event, or a value nested in one).
#[derive(Debug)]
pub struct Object {
    /// The type's name in the generated files.
    pub name: &'static str,
    /// What it is.
    pub doc: &'static str,
    /// Its members, in the order they are written.
    pub fields: &'static [Field],
}

/// The JSON type of a field.
#[derive(Debug)]
pub enum Ty {
    /// The integer 1 ([`crate::SCHEMA_VERSION`]).
    Version,
    /// RFC 3339 UTC with microseconds: `2026-11-24T19:57:40.123456Z`.
    Timestamp,
    /// The event's own name.
    EventName,
    /// Any string.
    Str,
    /// Lowercase hex of this many digits.
    Hex(usize),
    /// A non-negative integer.
    Count,
    /// A finite number.
    Number,
    /// `true` or `false`.
    Bool,
    /// Exactly `false`.
    False,
    /// One of a closed set of strings.
    OneOf(&'static Enum),
    /// `error_class`: one of [`ERROR_CLASSES`](crate::ERROR_CLASSES) or a class name.
    ErrorClass,
    /// An object with fixed members.
    Object(&'static Object),
    /// An array of objects with fixed members.
    List(&'static Object),
    /// Any JSON value, `null` included.
    Any,
}

/// One member of an event or nested object.
#[derive(Debug)]
pub struct Field {
    /// Its name.
    pub name: &'static str,
    /// Its type.
    pub ty: Ty,
    /// Whether every line has it.
    pub required: bool,
    /// Whether it may be `null`.
    pub nullable: bool,
    /// What it means.
    pub doc: &'static str,
}

/// The value a [`Rule`] tests.
#[derive(Debug, Clone, Copy)]
pub enum Lit {
    /// A string.
    Str(&'static str),
    /// A boolean.
    Bool(bool),
    /// `null`.
    Null,
}

/// A member that is present exactly when another member has a given value.
#[derive(Debug)]
pub struct Rule {
    /// The member tested.
    pub when: &'static str,
    /// The value that makes [`Rule::then`] present (any other: absent).
    pub is: Lit,
    /// The member that depends on it.
    pub then: &'static str,
}

/// One event type.
#[derive(Debug)]
pub struct EventSpec {
    /// The event name.
    pub name: &'static str,
    /// The generated type's name (`ToolCallEvent`).
    pub type_name: &'static str,
    /// When it is written.
    pub doc: &'static str,
    /// Its fields beyond [`COMMON`](super::COMMON), in line order.
    pub fields: &'static [Field],
    /// Members present exactly when another has a given value.
    pub rules: &'static [Rule],
}

pub(super) const fn req(name: &'static str, ty: Ty, doc: &'static str) -> Field {
    Field {
        name,
        ty,
        required: true,
        nullable: false,
        doc,
    }
}
pub(super) const fn req_null(name: &'static str, ty: Ty, doc: &'static str) -> Field {
    Field {
        name,
        ty,
        required: true,
        nullable: true,
        doc,
    }
}
pub(super) const fn opt(name: &'static str, ty: Ty, doc: &'static str) -> Field {
    Field {
        name,
        ty,
        required: false,
        nullable: false,
        doc,
    }
}
pub(super) const fn opt_null(name: &'static str, ty: Ty, doc: &'static str) -> Field {
    Field {
        name,
        ty,
        required: false,
        nullable: true,
        doc,
    }
}
