//! `stable_hash`: SHA-256 (or keyed HMAC-SHA256) over canonical JSON bytes.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::canon_error::CanonError;
use crate::canonical::write_canonical;
use crate::parse::parse_json;
use crate::value::Value;

/// Which hash an `args_hash` was made with; events name it so a reader knows
/// whether a hash can be recomputed without the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashScheme {
    /// Plain SHA-256 of the canonical bytes.
    Sha256,
    /// HMAC-SHA256 keyed with a secret (protects low-entropy arguments).
    HmacSha256,
}

impl HashScheme {
    /// The wire name: `"sha256"` or `"hmac-sha256"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            HashScheme::Sha256 => "sha256",
            HashScheme::HmacSha256 => "hmac-sha256",
        }
    }
}

/// Lowercase hex of `bytes`, appended to `out`.
pub(crate) fn push_hex(bytes: &[u8], out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.reserve(bytes.len() * 2);
    for &b in bytes {
        out.push(HEX[(b >> 4) as usize]);
        out.push(HEX[(b & 0xf) as usize]);
    }
}

/// Lowercase hex of `bytes`.
pub(crate) fn hex_string(bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(bytes.len() * 2);
    push_hex(bytes, &mut out);
    String::from_utf8(out).expect("ASCII")
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex_string(&Sha256::digest(bytes))
}

/// Lowercase hex HMAC-SHA256 of `bytes` under `key`.
pub fn hmac_sha256_hex(key: &[u8], bytes: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(bytes);
    hex_string(&mac.finalize().into_bytes())
}

/// `stable_hash(x)`: lowercase hex SHA-256 of the RFC 8785 bytes of `x`.
pub fn stable_hash(value: &Value) -> Result<String, CanonError> {
    stable_hash_with(value, None)
}

/// Keyed `stable_hash`: HMAC-SHA256 of the canonical bytes.
pub fn stable_hash_keyed(value: &Value, key: &[u8]) -> Result<String, CanonError> {
    stable_hash_with(value, Some(key))
}

/// `stable_hash` with an optional key: plain SHA-256 without one.
pub fn stable_hash_with(value: &Value, key: Option<&[u8]>) -> Result<String, CanonError> {
    let mut bytes = Vec::with_capacity(128);
    write_canonical(value, &mut bytes)?;
    Ok(match key {
        None => sha256_hex(&bytes),
        Some(k) => hmac_sha256_hex(k, &bytes),
    })
}

/// `stable_hash` of JSON text, parsed by the strict parser first.
pub fn stable_hash_json(text: &str) -> Result<String, CanonError> {
    stable_hash(&parse_json(text.as_bytes())?)
}
