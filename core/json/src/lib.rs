//! # tooltrail-json
//!
//! tooltrail's canonical JSON: the value model every other crate speaks, the
//! strict RFC 8259 parser, RFC 8785 (JCS) output with tooltrail's input policy
//! (integers within ±(2^53−1), finite numbers only, no lone surrogates, no
//! duplicate keys, depth ≤ 64), and `stable_hash`, the lowercase hex SHA-256
//! (or HMAC-SHA256 with a key) of those bytes.
//!
//! Four inputs reach the same bytes, each by its own writer:
//! a [`Value`] ([`write_canonical`]), JSON text ([`write_canonical_text`]),
//! a binding's own values walked in place ([`walk`]), and Node's tape of
//! plain data ([`tape`]). Every refusal is a [`CanonError`] with an
//! [`ErrorKind`] and the [`JsonPath`] of the offending value.
//!
//! This crate depends on no other tooltrail crate.
//!
//! ```
//! use tooltrail_json::{canonical_json_from_text, stable_hash_json};
//! assert_eq!(canonical_json_from_text(r#"{"b":[true,null],"a":1.0}"#).unwrap(),
//!            r#"{"a":1,"b":[true,null]}"#);
//! assert_eq!(stable_hash_json(r#"{"a":1}"#).unwrap().len(), 64);
//! ```

#![warn(unreachable_pub)]

mod error;
mod escape;
mod hash;
mod members;
mod number;
mod parse;
pub mod tape;
mod text;
mod value;
pub mod walk;
mod write;

pub use error::{CanonError, ErrorKind, JsonPath, PathSegment};
pub use escape::write_string;
pub use hash::{
    HashScheme, digest_hex, hash_canonical, hex_string, hmac_sha256_hex, sha256_hex, stable_hash,
    stable_hash_json, stable_hash_keyed, stable_hash_text, stable_hash_with, with_canonical,
    write_hex,
};
pub use number::{MAX_SAFE_INTEGER, check_float, check_integer, format_number};
pub use parse::{parse_json, parse_json_str};
pub use text::{canonical_json_from_text, may_refuse, write_canonical_text};
pub use value::{MAX_DEPTH, Value, check_depth};
pub use write::{canonical_json, write_canonical, write_ordered};
