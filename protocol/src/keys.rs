//! Keys, signatures and ids: the fixed-size byte strings every record carries.
//!
//! An actor is one ed25519 key. Its public half ([`AuthorKey`]) names it everywhere: as the
//! author of records, as a libp2p peer (the node's identity is the same key), and as the party of
//! an order. The secret half ([`SecretKey`]) never leaves the node and never appears in `Debug`.

use std::fmt;
use std::str::FromStr;

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};

use crate::error::RecordError;

/// Declares a fixed-size byte newtype that is written as a CBOR byte string and shown as
/// lower-case hex, its `Debug` showing the first `$shown` bytes (enough to tell values apart in
/// a log): the shape of the keys and ids that records and messages carry.
macro_rules! hex_newtype {
    ($(#[$doc:meta])* $name:ident, $len:expr, $shown:expr) => {
        $(#[$doc])*
        #[derive(
            Clone,
            Copy,
            PartialEq,
            Eq,
            PartialOrd,
            Ord,
            Hash,
            ::serde::Serialize,
            ::serde::Deserialize,
        )]
        pub struct $name(#[serde(with = "crate::cbor::byte_array")] pub [u8; $len]);

        impl $name {
            /// Lower-case hex, as used in URLs, logs and JSON.
            pub fn to_hex(&self) -> String {
                ::hex::encode(self.0)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&::hex::encode(self.0))
            }
        }

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(
                    f,
                    "{}({})",
                    stringify!($name),
                    ::hex::encode(&self.0[..$shown])
                )
            }
        }
    };
}

pub(crate) use hex_newtype;

/// A `hex_newtype!` that can also be read back from its hex.
macro_rules! byte_newtype {
    ($(#[$doc:meta])* $name:ident, $len:expr) => {
        hex_newtype!($(#[$doc])* $name, $len, 8);

        impl $name {
            /// The raw bytes.
            pub fn as_bytes(&self) -> &[u8; $len] {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = ParseHexError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let mut out = [0u8; $len];
                hex::decode_to_slice(s, &mut out).map_err(|_| ParseHexError {
                    what: stringify!($name),
                    expected_len: $len,
                })?;
                Ok($name(out))
            }
        }
    };
}

byte_newtype!(
    /// An actor's ed25519 public key (32 bytes).
    AuthorKey,
    32
);
byte_newtype!(
    /// A record id: the blake3 hash of the payload bytes (32 bytes).
    RecordId,
    32
);
byte_newtype!(
    /// An ed25519 signature (64 bytes).
    Signature,
    64
);
byte_newtype!(
    /// A blob id: the blake3 hash of the blob's bytes (32 bytes).
    BlobId,
    32
);

/// A hex string that is not the expected number of bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} must be {expected_len} bytes of lower-case hex")]
pub struct ParseHexError {
    what: &'static str,
    expected_len: usize,
}

impl AuthorKey {
    /// The key as a dalek verifying key, refusing bytes that are not a point, encode `y ≥ p`
    /// or are of small order (a weak key would let one signature verify for many messages).
    ///
    /// dalek reduces `y` modulo p and so accepts a second encoding of the points with `y < 19`;
    /// RFC 8032 §5.1.3 refuses it. The strict rule is the one another implementation gets from
    /// any RFC 8032 decoder, so both refuse such a key with the same code.
    pub fn verifying_key(&self) -> Result<VerifyingKey, RecordError> {
        if !y_is_reduced(&self.0) {
            return Err(RecordError::BadAuthorKey);
        }
        let key = VerifyingKey::from_bytes(&self.0).map_err(|_| RecordError::BadAuthorKey)?;
        if key.is_weak() {
            return Err(RecordError::BadAuthorKey);
        }
        Ok(key)
    }

    /// Checks `signature` over `message` with the strict rules of `spec/protocol.md`.
    pub fn verify(&self, message: &[u8], signature: &Signature) -> Result<(), RecordError> {
        let key = self.verifying_key()?;
        let sig = ed25519_dalek::Signature::from_bytes(&signature.0);
        key.verify_strict(message, &sig)
            .map_err(|_| RecordError::BadSignature)
    }
}

/// Whether the low 255 bits of an encoded point, read little-endian, are below
/// p = 2^255 − 19. They are not only for `ed ff … ff 7f` to `ff ff … ff 7f` (with either sign
/// bit).
fn y_is_reduced(bytes: &[u8; 32]) -> bool {
    let top = bytes[31] & 0x7f;
    !(top == 0x7f && bytes[1..31].iter().all(|b| *b == 0xff) && bytes[0] >= 0xed)
}

impl BlobId {
    /// The id of these bytes.
    pub fn of(bytes: &[u8]) -> BlobId {
        BlobId(*blake3::hash(bytes).as_bytes())
    }
}

/// An actor's ed25519 secret key. Kept out of `Debug` output.
#[derive(Clone)]
pub struct SecretKey(SigningKey);

impl SecretKey {
    /// A key from its 32 secret bytes (as stored in the node's key file, and in test vectors).
    pub fn from_bytes(bytes: &[u8; 32]) -> SecretKey {
        SecretKey(SigningKey::from_bytes(bytes))
    }

    /// A new random key from the operating system's generator.
    pub fn generate() -> Result<SecretKey, getrandom::Error> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)?;
        Ok(SecretKey::from_bytes(&bytes))
    }

    /// The 32 secret bytes, for writing the key file.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// The public half.
    pub fn public(&self) -> AuthorKey {
        AuthorKey(self.0.verifying_key().to_bytes())
    }

    /// Signs `message` (ed25519, RFC 8032).
    pub fn sign(&self, message: &[u8]) -> Signature {
        Signature(self.0.sign(message).to_bytes())
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretKey(public {})", self.public())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_rejects_wrong_length() {
        let key = SecretKey::from_bytes(&[42; 32]).public();
        assert_eq!(key.to_hex().parse::<AuthorKey>().unwrap(), key);
        assert!("abcd".parse::<AuthorKey>().is_err());
    }

    #[test]
    fn small_order_keys_are_refused() {
        // The identity point encoded: y = 1.
        let mut weak = [0u8; 32];
        weak[0] = 1;
        assert_eq!(
            AuthorKey(weak).verifying_key().unwrap_err(),
            RecordError::BadAuthorKey
        );
    }

    #[test]
    fn keys_encoding_y_at_or_above_p_are_refused_although_dalek_decodes_them() {
        // y + p for the first y < 19 on the curve: dalek decodes it to the point of y.
        let mut unreduced = (2u8..19)
            .map(|y| {
                let mut bytes = [0xff; 32];
                bytes[0] = 0xed + y;
                bytes[31] = 0x7f;
                bytes
            })
            .find(|bytes| VerifyingKey::from_bytes(bytes).is_ok())
            .unwrap();
        assert_eq!(
            AuthorKey(unreduced).verifying_key().unwrap_err(),
            RecordError::BadAuthorKey
        );
        unreduced[31] = 0xff;
        assert!(!y_is_reduced(&unreduced));
        // p − 1 is reduced: the last value below p.
        let mut below = [0xff; 32];
        below[0] = 0xec;
        below[31] = 0x7f;
        assert!(y_is_reduced(&below));
    }

    #[test]
    fn debug_does_not_print_the_secret() {
        let secret = SecretKey::from_bytes(&[7; 32]);
        let shown = format!("{secret:?}");
        assert!(!shown.contains(&hex::encode([7u8; 32])));
    }
}
