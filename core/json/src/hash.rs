//! `stable_hash`: SHA-256 (or keyed HMAC-SHA256) over canonical JSON bytes.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::error::CanonError;
use crate::text::write_canonical_text;
use crate::value::Value;
use crate::write::write_canonical;

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
    /// The scheme a key makes: HMAC-SHA256 with one, plain SHA-256 without.
    pub const fn for_key(key: Option<&[u8]>) -> Self {
        match key {
            Some(_) => HashScheme::HmacSha256,
            None => HashScheme::Sha256,
        }
    }

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
    let at = out.len();
    out.resize(at + bytes.len() * 2, 0);
    write_hex(bytes, &mut out[at..]);
}

/// Lowercase hex of `bytes` into `out` (two digits a byte, as many as fit).
pub fn write_hex(bytes: &[u8], out: &mut [u8]) {
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes) {
        pair.copy_from_slice(&HEX_PAIRS[b as usize]);
    }
}

/// The two lowercase hex digits of every byte (ids and hashes of every call).
const HEX_PAIRS: [[u8; 2]; 256] = {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut t = [[0u8; 2]; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = [HEX[b >> 4], HEX[b & 0xf]];
        b += 1;
    }
    t
};

/// Lowercase hex of `bytes`.
pub fn hex_string(bytes: &[u8]) -> String {
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

/// Lowercase hex SHA-256 of `bytes`, or HMAC-SHA256 under `key`.
pub fn digest_hex(bytes: &[u8], key: Option<&[u8]>) -> String {
    match key {
        None => sha256_hex(bytes),
        Some(k) => hmac_sha256_hex(k, bytes),
    }
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
    hash_canonical(|bytes| write_canonical(value, bytes), key)
}

/// `stable_hash` of JSON text with an optional key: the hash of the value
/// the text holds, canonicalized straight from the text (see
/// [`write_canonical_text`]); errors are the strict parser's.
pub fn stable_hash_text(text: &str, key: Option<&[u8]>) -> Result<String, CanonError> {
    hash_canonical(|bytes| write_canonical_text(text, bytes), key)
}

/// The hash of the canonical bytes `write` appends.
pub fn hash_canonical(
    write: impl FnOnce(&mut Vec<u8>) -> Result<(), CanonError>,
    key: Option<&[u8]>,
) -> Result<String, CanonError> {
    with_canonical(write, |bytes| digest_hex(bytes, key))
}

/// Runs `then` on the canonical bytes `write` appends to a buffer kept per
/// thread (every gateway call writes its arguments' bytes), or returns
/// `write`'s error.
pub fn with_canonical<R>(
    write: impl FnOnce(&mut Vec<u8>) -> Result<(), CanonError>,
    then: impl FnOnce(&[u8]) -> R,
) -> Result<R, CanonError> {
    thread_local!(static BYTES: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) });
    BYTES.with(|cell| {
        let mut fresh = Vec::new();
        // A re-entrant call (never expected) gets its own buffer.
        let mut borrowed = cell.try_borrow_mut();
        let bytes = borrowed.as_deref_mut().unwrap_or(&mut fresh);
        bytes.clear();
        let result = write(bytes).map(|()| then(bytes));
        // Keep a typical buffer; let a huge one go.
        if bytes.capacity() > 1 << 16 {
            *bytes = Vec::new();
        }
        result
    })
}

/// `stable_hash` of JSON text, by the strict parser's rules.
pub fn stable_hash_json(text: &str) -> Result<String, CanonError> {
    stable_hash_text(text, None)
}
