//! Encryption keys: the X25519 keypair a node receives sealed messages with, and the pair of
//! public keys (signing identity + encryption key) a sender needs to address someone.
//!
//! The encryption key is separate from the ed25519 identity: it is published in the actor's
//! profile, and a consumer may use a fresh one (with a fresh identity) per order so that sellers
//! cannot link orders across sellers. Keys are derived with HPKE's `DeriveKeyPair` (RFC 9180
//! §7.1.3) from 32 seed bytes, so a node stores only the seed.

use std::fmt;

use hpke::kem::{Kem as _, X25519HkdfSha256};
use hpke::{Deserializable, Serializable};
use serde::{Deserialize, Serialize};

use crate::keys::AuthorKey;

type KemPrivate = <X25519HkdfSha256 as hpke::Kem>::PrivateKey;
type KemPublic = <X25519HkdfSha256 as hpke::Kem>::PublicKey;

crate::keys::hex_newtype!(
    /// An X25519 public key (32 bytes) that sealed messages are encrypted to.
    EncryptionPublicKey,
    32,
    8
);

impl EncryptionPublicKey {
    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The key in HPKE's form. Every 32-byte string is accepted here; a key of low order is
    /// caught when encapsulating (the shared secret would be all zeros).
    pub(crate) fn to_kem(self) -> Option<KemPublic> {
        KemPublic::from_bytes(&self.0).ok()
    }
}

/// A node's X25519 keypair for receiving sealed messages. The secret never appears in `Debug`.
#[derive(Clone)]
pub struct EncryptionKey {
    seed: [u8; 32],
    secret: KemPrivate,
    public: EncryptionPublicKey,
}

impl EncryptionKey {
    /// The keypair derived from 32 seed bytes (RFC 9180 `DeriveKeyPair` for
    /// DHKEM(X25519, HKDF-SHA256)); the same seed always gives the same keys.
    pub fn from_seed(seed: &[u8; 32]) -> EncryptionKey {
        let (secret, public) = X25519HkdfSha256::derive_keypair(seed);
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(&public.to_bytes());
        EncryptionKey {
            seed: *seed,
            secret,
            public: EncryptionPublicKey(bytes),
        }
    }

    /// A new random keypair from the operating system's generator.
    pub fn generate() -> Result<EncryptionKey, getrandom::Error> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed)?;
        Ok(EncryptionKey::from_seed(&seed))
    }

    /// The seed, for writing the node's key file.
    pub fn to_seed(&self) -> [u8; 32] {
        self.seed
    }

    /// The public half, as published in the profile.
    pub fn public(&self) -> EncryptionPublicKey {
        self.public
    }

    pub(crate) fn kem_secret(&self) -> &KemPrivate {
        &self.secret
    }
}

impl fmt::Debug for EncryptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EncryptionKey(public {})", self.public)
    }
}

/// Everything a sender needs to address a sealed message: who the recipient is (its ed25519
/// identity, bound inside the signed message) and what to encrypt to (its X25519 key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecipientKeys {
    /// The recipient's identity.
    pub author: AuthorKey,
    /// The recipient's encryption key.
    pub enc: EncryptionPublicKey,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_derives_the_same_keypair() {
        let a = EncryptionKey::from_seed(&[9; 32]);
        let b = EncryptionKey::from_seed(&[9; 32]);
        assert_eq!(a.public(), b.public());
        assert_ne!(a.public(), EncryptionKey::from_seed(&[10; 32]).public());
        assert_eq!(a.to_seed(), [9; 32]);
    }

    #[test]
    fn debug_does_not_print_the_seed() {
        let key = EncryptionKey::from_seed(&[7; 32]);
        let shown = format!("{key:?}");
        assert!(!shown.contains(&hex::encode([7u8; 32])));
        assert!(shown.contains(&key.public().to_hex()));
    }
}
