//! The signed inner message: what the sender signs and the recipient verifies, before padding
//! and encryption are added around it (or after they are taken off).
//!
//! ```text
//! inner     = CBOR map { v, id, from, to, to_enc, sent, market, kind, body }
//! signed    = "smartket/message/v1" || 0x00 || blake3(inner)     (52 bytes, ed25519)
//! plaintext = CBOR array [ inner: bstr, signature: bstr(64) ]
//! ```
//!
//! The recipient's identity and encryption key are inside what is signed, so a recipient cannot
//! re-seal the message to a third party and have it look addressed to them.

use serde::{Deserialize, Serialize};

use super::common::MessageId;
use super::keys::{EncryptionPublicKey, RecipientKeys};
use super::{Message, MessageBody, MessageKind};
use crate::cbor::{self, Limits};
use crate::error::CborError;
use crate::keys::{AuthorKey, SecretKey, Signature};
use crate::seal::SealError;

/// The version of the inner message format this crate writes and reads.
pub const MESSAGE_VERSION: u64 = 1;
/// Prefix of the message signing input.
pub const MESSAGE_SIGNING_CONTEXT: &[u8] = b"smartket/message/v1\0";

/// The 52 bytes a sender signs for these inner message bytes.
pub fn signing_input(inner: &[u8]) -> [u8; 52] {
    let mut out = [0u8; 52];
    out[..20].copy_from_slice(MESSAGE_SIGNING_CONTEXT);
    out[20..].copy_from_slice(blake3::hash(inner).as_bytes());
    out
}

#[derive(Serialize)]
struct InnerOut<'a> {
    v: u64,
    id: MessageId,
    from: AuthorKey,
    to: AuthorKey,
    to_enc: EncryptionPublicKey,
    sent: u64,
    market: &'a str,
    kind: &'static str,
    body: &'a MessageBody,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InnerIn {
    /// Already checked on the generic value, before the typed decode.
    #[serde(rename = "v")]
    _v: u64,
    id: MessageId,
    from: AuthorKey,
    to: AuthorKey,
    to_enc: EncryptionPublicKey,
    sent: u64,
    market: String,
    kind: String,
    body: ciborium::Value,
}

/// A decoded, verified inner message.
pub(crate) struct Verified {
    pub(crate) from: AuthorKey,
    pub(crate) to: RecipientKeys,
    pub(crate) sent: u64,
    pub(crate) message: Message,
}

/// Encodes and signs `msg` from `sender` to `to`; returns the plaintext (inner bytes and
/// signature, framed as a CBOR array).
pub(crate) fn sign(
    sender: &SecretKey,
    to: &RecipientKeys,
    msg: &Message,
    sent: u64,
) -> Result<Vec<u8>, CborError> {
    let inner = cbor::encode(&InnerOut {
        v: MESSAGE_VERSION,
        id: msg.id,
        from: sender.public(),
        to: to.author,
        to_enc: to.enc,
        sent,
        market: &msg.market,
        kind: msg.body.kind().as_str(),
        body: &msg.body,
    })?;
    let signature = sender.sign(&signing_input(&inner));
    cbor::encode(&ciborium::Value::Array(vec![
        ciborium::Value::Bytes(inner),
        ciborium::Value::Bytes(signature.as_bytes().to_vec()),
    ]))
}

/// Splits a plaintext into its inner bytes and signature.
pub(crate) fn split(plaintext: &[u8]) -> Result<(&[u8], Signature), SealError> {
    let malformed = |what: &str| SealError::Malformed(format!("plaintext: {what}"));
    let (major, len, mut pos) =
        cbor::header(plaintext, 0).map_err(|e| malformed(&e.to_string()))?;
    if major != 4 || len != 2 {
        return Err(malformed("must be a CBOR array of 2 items"));
    }
    let inner = read_bytes(plaintext, &mut pos).map_err(|e| malformed(&e))?;
    let signature = read_bytes(plaintext, &mut pos).map_err(|e| malformed(&e))?;
    if pos != plaintext.len() {
        return Err(malformed("trailing bytes"));
    }
    let signature = Signature(
        signature
            .try_into()
            .map_err(|_| malformed("signature must be 64 bytes"))?,
    );
    Ok((inner, signature))
}

fn read_bytes<'a>(bytes: &'a [u8], pos: &mut usize) -> Result<&'a [u8], String> {
    let (major, len, header_len) = cbor::header(bytes, *pos).map_err(|e| e.to_string())?;
    if major != 2 {
        return Err("items must be byte strings".into());
    }
    let start = *pos + header_len;
    let end = usize::try_from(len)
        .ok()
        .and_then(|len| start.checked_add(len))
        .filter(|end| *end <= bytes.len())
        .ok_or_else(|| format!("truncated at byte {start}"))?;
    *pos = end;
    Ok(&bytes[start..end])
}

/// Decodes `inner` within `limits` and verifies `signature` over exactly these bytes. The
/// recipient check and the body's field rules are the caller's, in that order.
pub(crate) fn verify(
    inner: &[u8],
    signature: &Signature,
    limits: &Limits,
) -> Result<Verified, SealError> {
    let value: ciborium::Value =
        cbor::decode(inner, limits).map_err(|e| SealError::Malformed(format!("inner: {e}")))?;
    let version = value
        .as_map()
        .and_then(|map| {
            map.iter()
                .find(|(k, _)| k.as_text() == Some("v"))
                .and_then(|(_, v)| v.as_integer())
        })
        .ok_or_else(|| SealError::Malformed("inner: no version".into()))?;
    if version != MESSAGE_VERSION.into() {
        return Err(SealError::UnknownVersion(
            u64::try_from(version).unwrap_or(u64::MAX),
        ));
    }
    let decoded: InnerIn = value
        .deserialized()
        .map_err(|e| SealError::Malformed(format!("inner: {e}")))?;
    decoded
        .from
        .verify(&signing_input(inner), signature)
        .map_err(|_| SealError::BadSignature)?;
    let kind = MessageKind::from_name(&decoded.kind)
        .ok_or_else(|| SealError::UnknownKind(decoded.kind.clone()))?;
    let body = MessageBody::from_value(kind, decoded.body)
        .map_err(|e| SealError::Malformed(format!("body of {}: {e}", kind.as_str())))?;
    Ok(Verified {
        from: decoded.from,
        to: RecipientKeys {
            author: decoded.to,
            enc: decoded.to_enc,
        },
        sent: decoded.sent,
        message: Message {
            id: decoded.id,
            market: decoded.market,
            body,
        },
    })
}
