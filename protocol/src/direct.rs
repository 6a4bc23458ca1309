//! `/smartket/msg/1`, direct delivery of one sealed message: the request is the sealed bytes
//! as they are (`sealing.md` §7), the response an acknowledgement the recipient sends only once
//! it has durably stored the message — or why it will not.
//!
//! ```text
//! ack = { "v": 1, "ack": "stored" | "duplicate" | "refused", ? "code": line(32), ? "reason": line(200) }
//! ```

use serde::{Deserialize, Serialize};

use crate::cbor::{self, Limits};
use crate::error::CborError;

/// Version of the acknowledgement.
pub const ACK_VERSION: u64 = 1;
/// Largest acknowledgement (a refusal with its reason).
pub const MAX_ACK_BYTES: usize = 512;

/// What the recipient did with a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ack {
    /// Stored: the sender may stop retrying.
    Stored,
    /// Already had it (same sender and message id): the sender may stop retrying.
    Duplicate,
    /// Will never take it: the sender stops retrying and tells its user.
    Refused {
        /// Machine-readable reason (`sealing.md` §10 codes, or `wrong_party`, `out_of_order`…).
        code: String,
        /// For humans.
        reason: String,
    },
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AckWire {
    v: u64,
    ack: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

/// Why an acknowledgement does not decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AckError {
    /// Not the CBOR shape above.
    #[error("malformed acknowledgement: {0}")]
    Malformed(#[from] CborError),
    /// A version this implementation does not know.
    #[error("unknown acknowledgement version {0}")]
    UnknownVersion(u64),
    /// An `ack` value this implementation does not know, or a refusal without its code.
    #[error("unknown acknowledgement {0:?}")]
    Unknown(String),
}

fn clip(text: &str, max: usize) -> String {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].chars().filter(|c| !c.is_control()).collect()
}

impl Ack {
    /// The wire bytes; a refusal's code and reason are clipped to their limits.
    pub fn encode(&self) -> Vec<u8> {
        let (ack, code, reason) = match self {
            Ack::Stored => ("stored", None, None),
            Ack::Duplicate => ("duplicate", None, None),
            Ack::Refused { code, reason } => {
                ("refused", Some(clip(code, 32)), Some(clip(reason, 200)))
            }
        };
        cbor::encode(&AckWire {
            v: ACK_VERSION,
            ack: ack.into(),
            code,
            reason,
        })
        .unwrap_or_default()
    }

    /// Reads an acknowledgement from untrusted bytes.
    pub fn decode(bytes: &[u8]) -> Result<Ack, AckError> {
        if bytes.len() > MAX_ACK_BYTES {
            return Err(AckError::Malformed(CborError::Schema(format!(
                "{} bytes, over {MAX_ACK_BYTES}",
                bytes.len()
            ))));
        }
        let wire: AckWire = cbor::decode(bytes, &Limits::MESSAGE)?;
        if wire.v != ACK_VERSION {
            return Err(AckError::UnknownVersion(wire.v));
        }
        match (wire.ack.as_str(), wire.code, wire.reason) {
            ("stored", None, None) => Ok(Ack::Stored),
            ("duplicate", None, None) => Ok(Ack::Duplicate),
            ("refused", Some(code), reason) => Ok(Ack::Refused {
                code,
                reason: reason.unwrap_or_default(),
            }),
            (other, _, _) => Err(AckError::Unknown(other.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acknowledgements_round_trip_and_match_the_spec_vectors() {
        let refused = Ack::Refused {
            code: "wrong_party".into(),
            reason: "a Consumer may not send accepted".into(),
        };
        for ack in [Ack::Stored, Ack::Duplicate, refused] {
            assert_eq!(Ack::decode(&ack.encode()), Ok(ack));
        }
        // spec/mailbox.md, "Acknowledgement": {"v": 1, "ack": "stored"}.
        assert_eq!(
            hex::encode(Ack::Stored.encode()),
            "a26176016361636b6673746f726564"
        );
    }

    #[test]
    fn hostile_acknowledgements_are_refused() {
        let unknown = cbor::encode(&AckWire {
            v: 1,
            ack: "maybe".into(),
            code: None,
            reason: None,
        })
        .unwrap();
        assert_eq!(
            Ack::decode(&unknown),
            Err(AckError::Unknown("maybe".into()))
        );
        let v2 = cbor::encode(&AckWire {
            v: 2,
            ack: "stored".into(),
            code: None,
            reason: None,
        })
        .unwrap();
        assert_eq!(Ack::decode(&v2), Err(AckError::UnknownVersion(2)));
        assert!(Ack::decode(&[0xff; 600]).is_err());
        assert!(Ack::decode(b"\xa1\x61x\x01").is_err());
        let long = Ack::Refused {
            code: "c".repeat(100),
            reason: "é".repeat(300),
        };
        match Ack::decode(&long.encode()) {
            Ok(Ack::Refused { code, reason }) => {
                assert_eq!(code.len(), 32);
                assert!(reason.len() <= 200);
            }
            other => panic!("{other:?}"),
        }
    }
}
