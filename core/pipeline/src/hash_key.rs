//! The one rule for an HMAC key, wherever one is given: `stable_hash(v,
//! key=…)` in both languages, `tooltrail hash --key-env`, and the
//! configuration's `hash_key_env`.

use crate::Error;

/// Refuses an empty key: HMAC with an empty key is a keyed hash anyone can
/// recompute, so it would only look private. `name` is the option as the
/// caller spelled it (`key`, `--key-env`).
pub fn check_hash_key(key: &[u8], name: &str) -> Result<(), Error> {
    if key.is_empty() {
        return Err(Error::invalid_argument(
            name,
            format!(
                "{name}: an empty HMAC key gives a hash anyone can recompute; pass a secret, or no key for plain SHA-256"
            ),
        ));
    }
    Ok(())
}
