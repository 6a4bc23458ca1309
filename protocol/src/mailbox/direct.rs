//! The two frames of `/smartket/msg/1`: one sealed message handed to its recipient, and the
//! recipient's acknowledgement.
//!
//! ```text
//! request   [1, to_enc: bstr(32), sealed: bstr]
//! response  [0]                               stored durably
//!           [1]                               duplicate: already had it, not processed again
//!           [2, code: uint, reason: tstr]     refused
//! ```
//!
//! The request names the encryption key the message is sealed to because a node may hold many
//! (one per order, for unlinkability): without it the recipient would have to try every key. The
//! identity is not sent: it is inside the signed message, and the key already picks it.

use super::{
    MAX_REASON_BYTES, RefuseCode, WIRE_VERSION, WireError, limits, open_frame, open_request,
    put_refusal, read_refusal,
};
use crate::cbor::{ARRAY, UINT, put, put_bytes};
use crate::messages::EncryptionPublicKey;
use crate::seal::MAX_SEALED_BYTES;

/// Largest encoded request: array, version, the key with its header, and the largest sealed
/// message with a 5-byte header.
pub const MAX_MSG_REQUEST_BYTES: usize = 1 + 1 + 2 + 32 + 5 + MAX_SEALED_BYTES;

/// Largest encoded response: a refusal with the longest reason (array, tag, a 9-byte code, a
/// 3-byte text header).
pub const MAX_MSG_RESPONSE_BYTES: usize = 1 + 1 + 9 + 3 + MAX_REASON_BYTES;

const STORED: u64 = 0;
const DUPLICATE: u64 = 1;
const REFUSED: u64 = 2;

/// "Here is a message sealed to your key `to_enc`."
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MsgRequest {
    /// The recipient's encryption key the message is sealed to (the inner `to_enc`).
    pub to_enc: EncryptionPublicKey,
    /// The sealed message (`spec/sealing.md` §7), at most [`MAX_SEALED_BYTES`].
    pub sealed: Vec<u8>,
}

/// The recipient's answer, sent only once the outcome is final: after a durable write for
/// [`MsgResponse::Stored`], so a sender may forget the message as soon as it reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MsgResponse {
    /// Opened, checked and written to disk.
    Stored,
    /// The (sender, message id) pair was already accepted: acknowledged so the sender stops
    /// retrying, not acted on again.
    Duplicate,
    /// Not accepted. Unless [`RefuseCode::is_transient`], sending it again cannot help.
    Refused {
        /// Why, for the sender's program.
        code: RefuseCode,
        /// Why, for a person reading a log (at most [`MAX_REASON_BYTES`]; longer is cut).
        reason: String,
    },
}

impl MsgRequest {
    /// The request's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.sealed.len() + 48);
        put(&mut out, ARRAY, 3);
        put(&mut out, UINT, WIRE_VERSION);
        put_bytes(&mut out, &self.to_enc.0);
        put_bytes(&mut out, &self.sealed);
        out
    }

    /// Reads a request from untrusted bytes. The sealed message is only size-checked here; the
    /// recipient opens it with the named key.
    pub fn decode(bytes: &[u8]) -> Result<MsgRequest, WireError> {
        let (mut r, items) = open_request(bytes, &limits(MAX_MSG_REQUEST_BYTES, 1, 3))?;
        if items != 3 {
            return Err(WireError::Shape("a request is an array of 3 items"));
        }
        let to_enc = EncryptionPublicKey(r.fixed("an encryption key is 32 bytes")?);
        let sealed = r.bytes()?.to_vec();
        Ok(MsgRequest { to_enc, sealed })
    }
}

impl MsgResponse {
    /// The response's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(16);
        match self {
            MsgResponse::Stored => {
                put(&mut out, ARRAY, 1);
                put(&mut out, UINT, STORED);
            }
            MsgResponse::Duplicate => {
                put(&mut out, ARRAY, 1);
                put(&mut out, UINT, DUPLICATE);
            }
            MsgResponse::Refused { code, reason } => put_refusal(&mut out, REFUSED, *code, reason),
        }
        out
    }

    /// Reads a response from untrusted bytes.
    pub fn decode(bytes: &[u8]) -> Result<MsgResponse, WireError> {
        let (mut r, items) = open_frame(
            bytes,
            &limits(MAX_MSG_RESPONSE_BYTES, 1, 3),
            "a response starts with its type",
        )?;
        let response = match (r.uint()?, items) {
            (STORED, 1) => MsgResponse::Stored,
            (DUPLICATE, 1) => MsgResponse::Duplicate,
            (REFUSED, 3) => {
                let (code, reason) = read_refusal(&mut r)?;
                MsgResponse::Refused { code, reason }
            }
            (STORED | DUPLICATE | REFUSED, _) => {
                return Err(WireError::Shape(
                    "stored and duplicate have 1 item, refused 3",
                ));
            }
            (other, _) => return Err(WireError::UnknownType(other)),
        };
        Ok(response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::CborError;

    fn request(len: usize) -> MsgRequest {
        MsgRequest {
            to_enc: EncryptionPublicKey([9; 32]),
            sealed: vec![0x5a; len],
        }
    }

    #[test]
    fn requests_round_trip_up_to_the_largest_sealed_message() {
        for len in [0, 1, 1065, MAX_SEALED_BYTES] {
            let bytes = request(len).encode();
            assert!(bytes.len() <= MAX_MSG_REQUEST_BYTES);
            assert_eq!(MsgRequest::decode(&bytes), Ok(request(len)));
        }
        assert_eq!(
            request(MAX_SEALED_BYTES).encode().len(),
            MAX_MSG_REQUEST_BYTES
        );
    }

    #[test]
    fn responses_round_trip() {
        for response in [
            MsgResponse::Stored,
            MsgResponse::Duplicate,
            MsgResponse::Refused {
                code: RefuseCode::NotForMe,
                reason: "no key 0909…".into(),
            },
            MsgResponse::Refused {
                code: RefuseCode::Busy,
                reason: String::new(),
            },
        ] {
            let bytes = response.encode();
            assert!(bytes.len() <= MAX_MSG_RESPONSE_BYTES);
            assert_eq!(MsgResponse::decode(&bytes), Ok(response));
        }
        let long = MsgResponse::Refused {
            code: RefuseCode::Malformed,
            reason: "x".repeat(1000),
        };
        let bytes = long.encode();
        assert_eq!(bytes.len(), MAX_MSG_RESPONSE_BYTES - 9 + 1);
        assert!(MsgResponse::decode(&bytes).is_ok());
    }

    #[test]
    fn hostile_requests_fail_with_typed_errors() {
        let good = request(10).encode();
        for cut in 0..good.len() {
            assert!(MsgRequest::decode(&good[..cut]).is_err(), "cut at {cut}");
        }
        let mut trailing = good.clone();
        trailing.push(0);
        assert!(matches!(
            MsgRequest::decode(&trailing),
            Err(WireError::Malformed(CborError::TrailingBytes { .. }))
        ));
        let mut version = good.clone();
        version[1] = 2;
        assert_eq!(
            MsgRequest::decode(&version),
            Err(WireError::UnknownVersion(2))
        );
        // A future version may have other items: the version is reported, not the shape.
        assert_eq!(
            MsgRequest::decode(&[0x81, 0x02]),
            Err(WireError::UnknownVersion(2))
        );
        let mut short = vec![0x83, 0x01, 0x58, 31];
        short.extend_from_slice(&[9; 31]);
        short.push(0x40);
        assert!(matches!(
            MsgRequest::decode(&short),
            Err(WireError::Shape(_))
        ));
        assert!(matches!(
            MsgRequest::decode(&[0x84, 0x01, 0x40, 0x40, 0x40]),
            Err(WireError::Malformed(CborError::CollectionTooLong { .. }))
        ));
        assert!(matches!(
            MsgRequest::decode(&[0x82, 0x01, 0x40]),
            Err(WireError::Shape(_))
        ));
        assert!(MsgRequest::decode(&[0xa1, 0x01, 0x02]).is_err());
        // A sealed message one byte over the limit.
        let mut over = vec![0x83, 0x01, 0x58, 32];
        over.extend_from_slice(&[9; 32]);
        put(&mut over, crate::cbor::BYTES, MAX_SEALED_BYTES as u64 + 1);
        over.resize(over.len() + MAX_SEALED_BYTES + 1, 0);
        assert!(matches!(
            MsgRequest::decode(&over),
            Err(WireError::Malformed(CborError::TooLarge { .. }))
        ));
        assert!(matches!(
            MsgRequest::decode(&over[..over.len() - 10]),
            Err(WireError::Malformed(CborError::StringTooLong { .. }))
        ));
    }

    #[test]
    fn hostile_responses_fail_with_typed_errors() {
        assert_eq!(
            MsgResponse::decode(&[0x81, 0x07]),
            Err(WireError::UnknownType(7))
        );
        assert_eq!(
            MsgResponse::decode(&[0x83, 0x02, 0x18, 99, 0x60]),
            Err(WireError::UnknownCode(99))
        );
        assert!(matches!(
            MsgResponse::decode(&[0x82, 0x00, 0x00]),
            Err(WireError::Shape(_))
        ));
        assert!(matches!(
            MsgResponse::decode(&[0x81, 0x02]),
            Err(WireError::Shape(_))
        ));
        assert!(matches!(
            MsgResponse::decode(&[0x80]),
            Err(WireError::Shape(_))
        ));
        assert!(matches!(
            MsgResponse::decode(&[0x83, 0x02, 0x01, 0x41, b'x']),
            Err(WireError::Shape(_))
        ));
        assert!(matches!(
            MsgResponse::decode(&[0x83, 0x02, 0x01, 0x62, 0xff, 0xfe]),
            Err(WireError::Malformed(CborError::InvalidUtf8 { .. }))
        ));
        let mut long = vec![0x83, 0x02, 0x01, 0x79, 0x01, 0x01];
        long.extend_from_slice(&[b'x'; 257]);
        assert_eq!(
            MsgResponse::decode(&long),
            Err(WireError::OutOfRange("a reason is at most 256 bytes"))
        );
    }

    #[test]
    fn every_two_byte_input_decodes_or_fails_cleanly() {
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                let _ = MsgRequest::decode(&[a, b]);
                let _ = MsgResponse::decode(&[a, b]);
                let _ = MsgResponse::decode(&[0x83, 0x02, a, b]);
            }
        }
    }
}
