//! The demo actors' keys, derived from their slugs: the same seed gives the same record ids on
//! every run, so a restarted demo keeps its shop's links and the consumer's cart. They are
//! public knowledge and only ever sign demo data.
//!
//! Apart because the runner needs them too (it writes each node's identity key), without the
//! rest of the seed.

use smartket_protocol::{EncryptionKey, SecretKey};

/// The demo signing key of `slug`.
pub fn demo_secret(slug: &str) -> SecretKey {
    SecretKey::from_bytes(&blake3::derive_key(
        "smartket demo seed v1 signing key",
        slug.as_bytes(),
    ))
}

/// The demo encryption key of `slug`.
pub fn demo_encryption_key(slug: &str) -> EncryptionKey {
    EncryptionKey::from_seed(&blake3::derive_key(
        "smartket demo seed v1 encryption key",
        slug.as_bytes(),
    ))
}
