//! The frames of `/smartket/mailbox/1`, between any node and a cooperative keeping mailboxes.
//!
//! ```text
//! request   [1, 0, recipient: bstr(32), expires: uint, sealed: bstr]          deposit
//!           [1, 1, recipient: bstr(32)]                                      challenge me
//!           [1, 2, recipient: bstr(32), proof, after: bstr(0|32), max: uint] fetch a page
//!           [1, 3, recipient: bstr(32), proof, ids: [bstr(32) …]]            ack (delete)
//!           [1, 4, recipient: bstr(32)]                                      notify (to a recipient)
//!           proof = [issued: uint, mac: bstr(32)]
//! response  [0, id: bstr(32), expires: uint]                                 accepted
//!           [1, code: uint, reason: tstr]                                    refused
//!           [2, issued: uint, enc: bstr(32), ct: bstr(48)]                   challenge
//!           [3, [[id: bstr(32), deposited: uint, expires: uint, sealed: bstr] …], more: 0|1]
//!           [4, deleted: uint]                                               acked
//!           [5]                                                              noted
//! ```
//!
//! Requests carry the version first, then the frame type; responses answer a request of a known
//! version and start with their type, as on `/smartket/blob/1`. Notify travels the other way,
//! from a cooperative to a connected recipient, on the same protocol: every node already serves
//! it, and the frame is one key.

use super::proof::{CHALLENGE_CT_LEN, Challenge, Proof};
use super::{
    MAX_ACK_IDS, MAX_PAGE_MESSAGES, MAX_TTL_MS, MailboxId, RefuseCode, WIRE_VERSION, WireError,
    limits, open_frame, open_request, put_refusal, read_refusal,
};
use crate::cbor::{ARRAY, Reader, UINT, put, put_bytes};
use crate::messages::EncryptionPublicKey;
use crate::seal::MAX_SEALED_BYTES;

/// Largest encoded request, a deposit of the largest sealed message: array, version, type, key,
/// a 9-byte expiry and a 5-byte string header. (An ack of 256 ids is about 8.8 KiB.)
pub const MAX_MAILBOX_REQUEST_BYTES: usize = 1 + 1 + 1 + 34 + 9 + 5 + MAX_SEALED_BYTES;

/// Bytes around one message in a page: item array, id, two 9-byte times, a 5-byte string header.
const PAGE_ITEM_OVERHEAD: usize = 1 + 34 + 9 + 9 + 5;

/// Largest encoded response, a full page of the largest sealed messages (about 1 MiB).
pub const MAX_MAILBOX_RESPONSE_BYTES: usize =
    1 + 1 + 1 + MAX_PAGE_MESSAGES * (PAGE_ITEM_OVERHEAD + MAX_SEALED_BYTES) + 1;

const DEPOSIT: u64 = 0;
const CHALLENGE: u64 = 1;
const FETCH: u64 = 2;
const ACK: u64 = 3;
const NOTIFY: u64 = 4;

const ACCEPTED: u64 = 0;
const REFUSED: u64 = 1;
const CHALLENGED: u64 = 2;
const PAGE: u64 = 3;
const ACKED: u64 = 4;
const NOTED: u64 = 5;

/// A request to a cooperative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailboxRequest {
    /// Keep `sealed` for the holder of `recipient` until `expires_ms`.
    Deposit {
        /// The mailbox: the encryption key the message is sealed to.
        recipient: EncryptionPublicKey,
        /// When the cooperative may delete it unread; at most [`MAX_TTL_MS`] ahead.
        expires_ms: u64,
        /// The sealed message, which must have the sealed outer format.
        sealed: Vec<u8>,
    },
    /// "I hold `recipient`'s key: challenge me."
    Challenge {
        /// The mailbox.
        recipient: EncryptionPublicKey,
    },
    /// The next page of waiting messages, oldest deposit first.
    Fetch {
        /// The mailbox.
        recipient: EncryptionPublicKey,
        /// The answer to a challenge for this mailbox.
        proof: Proof,
        /// The last id of the previous page; `None` for the first page.
        after: Option<MailboxId>,
        /// Most messages wanted, 1 to [`MAX_PAGE_MESSAGES`].
        max: u8,
    },
    /// "I have stored these durably: delete them."
    Ack {
        /// The mailbox.
        recipient: EncryptionPublicKey,
        /// The answer to a challenge for this mailbox.
        proof: Proof,
        /// 1 to [`MAX_ACK_IDS`] ids; ids not (or no longer) in the mailbox are ignored.
        ids: Vec<MailboxId>,
    },
    /// Cooperative → recipient: "a message for `recipient` was just deposited here". Sent only
    /// to a connected peer that proved it holds that key, so that it collects at once instead
    /// of at its next round; it carries nothing the recipient does not know.
    Notify {
        /// The mailbox that received a deposit: the recipient's own key.
        recipient: EncryptionPublicKey,
    },
}

/// A cooperative's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailboxResponse {
    /// The deposit is stored durably (or was already there) under `id` until `expires_ms`.
    Accepted {
        /// BLAKE3-256 of the sealed bytes.
        id: MailboxId,
        /// When it will be deleted unread.
        expires_ms: u64,
    },
    /// The request was refused; [`RefuseCode::is_transient`] says whether to try again.
    Refused {
        /// Why, for the program.
        code: RefuseCode,
        /// Why, for a person reading a log.
        reason: String,
    },
    /// The answer to [`MailboxRequest::Challenge`].
    Challenge(Challenge),
    /// The answer to [`MailboxRequest::Fetch`].
    Page {
        /// Up to the requested number of messages, oldest deposit first.
        messages: Vec<StoredMessage>,
        /// Whether more messages follow this page.
        more: bool,
    },
    /// The answer to [`MailboxRequest::Ack`]: how many of the ids were deleted.
    Acked {
        /// Ids found and deleted.
        deleted: u32,
    },
    /// The answer to [`MailboxRequest::Notify`], whatever the recipient does with it, so that
    /// the answer does not tell whether it holds the key.
    Noted,
}

/// One waiting message in a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMessage {
    /// BLAKE3-256 of `sealed`; a decoder refuses a page where they disagree.
    pub id: MailboxId,
    /// When the cooperative received it (its clock).
    pub deposited_ms: u64,
    /// When it will be deleted unread.
    pub expires_ms: u64,
    /// The sealed message.
    pub sealed: Vec<u8>,
}

impl StoredMessage {
    /// A stored message with its id computed from the bytes.
    pub fn new(deposited_ms: u64, expires_ms: u64, sealed: Vec<u8>) -> StoredMessage {
        StoredMessage {
            id: MailboxId::of(&sealed),
            deposited_ms,
            expires_ms,
            sealed,
        }
    }
}

fn put_proof(out: &mut Vec<u8>, proof: &Proof) {
    put(out, ARRAY, 2);
    put(out, UINT, proof.issued_ms);
    put_bytes(out, &proof.mac);
}

fn read_proof(r: &mut Reader<'_>) -> Result<Proof, WireError> {
    if r.array()? != 2 {
        return Err(WireError::Shape("a proof is an array of 2 items"));
    }
    Ok(Proof {
        issued_ms: r.uint()?,
        mac: r.fixed("a proof's mac is 32 bytes")?,
    })
}

fn read_recipient(r: &mut Reader<'_>) -> Result<EncryptionPublicKey, WireError> {
    Ok(EncryptionPublicKey(r.fixed("a recipient key is 32 bytes")?))
}

fn read_id(r: &mut Reader<'_>) -> Result<MailboxId, WireError> {
    Ok(MailboxId(r.fixed("a mailbox id is 32 bytes")?))
}

impl MailboxRequest {
    /// The request's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64);
        match self {
            MailboxRequest::Deposit {
                recipient,
                expires_ms,
                sealed,
            } => {
                out.reserve(sealed.len());
                put(&mut out, ARRAY, 5);
                put(&mut out, UINT, WIRE_VERSION);
                put(&mut out, UINT, DEPOSIT);
                put_bytes(&mut out, &recipient.0);
                put(&mut out, UINT, *expires_ms);
                put_bytes(&mut out, sealed);
            }
            MailboxRequest::Challenge { recipient } => {
                put(&mut out, ARRAY, 3);
                put(&mut out, UINT, WIRE_VERSION);
                put(&mut out, UINT, CHALLENGE);
                put_bytes(&mut out, &recipient.0);
            }
            MailboxRequest::Fetch {
                recipient,
                proof,
                after,
                max,
            } => {
                put(&mut out, ARRAY, 6);
                put(&mut out, UINT, WIRE_VERSION);
                put(&mut out, UINT, FETCH);
                put_bytes(&mut out, &recipient.0);
                put_proof(&mut out, proof);
                put_bytes(&mut out, after.as_ref().map_or(&[][..], |id| &id.0[..]));
                put(&mut out, UINT, u64::from(*max));
            }
            MailboxRequest::Ack {
                recipient,
                proof,
                ids,
            } => {
                out.reserve(ids.len() * 34);
                put(&mut out, ARRAY, 5);
                put(&mut out, UINT, WIRE_VERSION);
                put(&mut out, UINT, ACK);
                put_bytes(&mut out, &recipient.0);
                put_proof(&mut out, proof);
                put(&mut out, ARRAY, ids.len() as u64);
                for id in ids {
                    put_bytes(&mut out, &id.0);
                }
            }
            MailboxRequest::Notify { recipient } => {
                put(&mut out, ARRAY, 3);
                put(&mut out, UINT, WIRE_VERSION);
                put(&mut out, UINT, NOTIFY);
                put_bytes(&mut out, &recipient.0);
            }
        }
        out
    }

    /// Reads a request from untrusted bytes. A deposit's sealed bytes are only size-checked
    /// here; the cooperative checks their outer format with [`crate::seal::bucket_of`].
    pub fn decode(bytes: &[u8]) -> Result<MailboxRequest, WireError> {
        let (mut r, items) =
            open_request(bytes, &limits(MAX_MAILBOX_REQUEST_BYTES, 2, MAX_ACK_IDS))?;
        if items == 1 {
            return Err(WireError::Shape("a request has a type after its version"));
        }
        let kind = r.uint()?;
        let arity = match kind {
            DEPOSIT | ACK => 5,
            CHALLENGE | NOTIFY => 3,
            FETCH => 6,
            other => return Err(WireError::UnknownType(other)),
        };
        if items != arity {
            return Err(WireError::Shape(
                "deposit and ack have 5 items, challenge and notify 3, fetch 6",
            ));
        }
        let recipient = read_recipient(&mut r)?;
        let request = match kind {
            DEPOSIT => MailboxRequest::Deposit {
                recipient,
                expires_ms: r.uint()?,
                sealed: r.bytes()?.to_vec(),
            },
            CHALLENGE => MailboxRequest::Challenge { recipient },
            NOTIFY => MailboxRequest::Notify { recipient },
            FETCH => {
                let proof = read_proof(&mut r)?;
                let after = match r.bytes()? {
                    [] => None,
                    id => Some(MailboxId(id.try_into().map_err(|_| {
                        WireError::Shape("after is empty or a 32-byte mailbox id")
                    })?)),
                };
                let max = r.uint()?;
                let max = u8::try_from(max)
                    .ok()
                    .filter(|m| (1..=MAX_PAGE_MESSAGES).contains(&usize::from(*m)))
                    .ok_or(WireError::OutOfRange("a page holds 1 to 16 messages"))?;
                MailboxRequest::Fetch {
                    recipient,
                    proof,
                    after,
                    max,
                }
            }
            _ => {
                let proof = read_proof(&mut r)?;
                let count = r.array()?;
                if count == 0 {
                    return Err(WireError::OutOfRange("an ack names 1 to 256 ids"));
                }
                let ids = (0..count)
                    .map(|_| read_id(&mut r))
                    .collect::<Result<Vec<_>, _>>()?;
                MailboxRequest::Ack {
                    recipient,
                    proof,
                    ids,
                }
            }
        };
        Ok(request)
    }

    /// The mailbox the request is about.
    pub fn recipient(&self) -> &EncryptionPublicKey {
        match self {
            MailboxRequest::Deposit { recipient, .. }
            | MailboxRequest::Challenge { recipient }
            | MailboxRequest::Fetch { recipient, .. }
            | MailboxRequest::Ack { recipient, .. }
            | MailboxRequest::Notify { recipient } => recipient,
        }
    }
}

impl MailboxResponse {
    /// The response's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(96);
        match self {
            MailboxResponse::Accepted { id, expires_ms } => {
                put(&mut out, ARRAY, 3);
                put(&mut out, UINT, ACCEPTED);
                put_bytes(&mut out, &id.0);
                put(&mut out, UINT, *expires_ms);
            }
            MailboxResponse::Refused { code, reason } => {
                put_refusal(&mut out, REFUSED, *code, reason);
            }
            MailboxResponse::Challenge(c) => {
                put(&mut out, ARRAY, 4);
                put(&mut out, UINT, CHALLENGED);
                put(&mut out, UINT, c.issued_ms);
                put_bytes(&mut out, &c.enc);
                put_bytes(&mut out, &c.ct);
            }
            MailboxResponse::Page { messages, more } => {
                out.reserve(
                    messages
                        .iter()
                        .map(|m| m.sealed.len() + PAGE_ITEM_OVERHEAD)
                        .sum(),
                );
                put(&mut out, ARRAY, 3);
                put(&mut out, UINT, PAGE);
                put(&mut out, ARRAY, messages.len() as u64);
                for m in messages {
                    put(&mut out, ARRAY, 4);
                    put_bytes(&mut out, &m.id.0);
                    put(&mut out, UINT, m.deposited_ms);
                    put(&mut out, UINT, m.expires_ms);
                    put_bytes(&mut out, &m.sealed);
                }
                put(&mut out, UINT, u64::from(*more));
            }
            MailboxResponse::Acked { deleted } => {
                put(&mut out, ARRAY, 2);
                put(&mut out, UINT, ACKED);
                put(&mut out, UINT, u64::from(*deleted));
            }
            MailboxResponse::Noted => {
                put(&mut out, ARRAY, 1);
                put(&mut out, UINT, NOTED);
            }
        }
        out
    }

    /// Reads a response from untrusted bytes, refusing a page whose ids do not match their
    /// bytes or that holds more than [`MAX_PAGE_MESSAGES`].
    pub fn decode(bytes: &[u8]) -> Result<MailboxResponse, WireError> {
        let (mut r, items) = open_frame(
            bytes,
            &limits(MAX_MAILBOX_RESPONSE_BYTES, 3, MAX_PAGE_MESSAGES),
            "a response starts with its type",
        )?;
        let kind = r.uint()?;
        let arity = match kind {
            ACCEPTED | REFUSED | PAGE => 3,
            CHALLENGED => 4,
            ACKED => 2,
            NOTED => 1,
            other => return Err(WireError::UnknownType(other)),
        };
        if items != arity {
            return Err(WireError::Shape(
                "accepted, refused and page have 3 items, challenge 4, acked 2, noted 1",
            ));
        }
        let response = match kind {
            ACCEPTED => MailboxResponse::Accepted {
                id: read_id(&mut r)?,
                expires_ms: r.uint()?,
            },
            REFUSED => {
                let (code, reason) = read_refusal(&mut r)?;
                MailboxResponse::Refused { code, reason }
            }
            CHALLENGED => MailboxResponse::Challenge(Challenge {
                issued_ms: r.uint()?,
                enc: r.fixed("a challenge's enc is 32 bytes")?,
                ct: r.fixed("a challenge's ct is 48 bytes")?,
            }),
            PAGE => {
                let count = r.array()?;
                let messages = (0..count)
                    .map(|_| read_stored(&mut r))
                    .collect::<Result<Vec<_>, _>>()?;
                let more = match r.uint()? {
                    0 => false,
                    1 => true,
                    _ => return Err(WireError::OutOfRange("more is 0 or 1")),
                };
                MailboxResponse::Page { messages, more }
            }
            NOTED => MailboxResponse::Noted,
            _ => MailboxResponse::Acked {
                deleted: u32::try_from(r.uint()?)
                    .ok()
                    .filter(|d| *d as usize <= MAX_ACK_IDS)
                    .ok_or(WireError::OutOfRange("at most 256 ids are deleted at once"))?,
            },
        };
        Ok(response)
    }
}

const _: () = assert!(CHALLENGE_CT_LEN == 48);

/// The cooperative's checks of a deposit that need no storage: the expiry against its clock
/// (`now_ms`) and [`MAX_TTL_MS`], and the sealed outer format (so it stores only sealed
/// messages). Gives the message's bucket. Quotas are the caller's, which knows what is stored.
pub fn check_deposit(sealed: &[u8], expires_ms: u64, now_ms: u64) -> Result<usize, RefuseCode> {
    if expires_ms <= now_ms {
        return Err(RefuseCode::Expired);
    }
    if expires_ms - now_ms > MAX_TTL_MS {
        return Err(RefuseCode::TtlTooLong);
    }
    crate::seal::bucket_of(sealed).map_err(|e| RefuseCode::for_seal_error(&e))
}

fn read_stored(r: &mut Reader<'_>) -> Result<StoredMessage, WireError> {
    if r.array()? != 4 {
        return Err(WireError::Shape("a page entry is an array of 4 items"));
    }
    let id = read_id(r)?;
    let deposited_ms = r.uint()?;
    let expires_ms = r.uint()?;
    let sealed = r.bytes()?;
    if MailboxId::of(sealed) != id {
        return Err(WireError::IdMismatch);
    }
    Ok(StoredMessage {
        id,
        deposited_ms,
        expires_ms,
        sealed: sealed.to_vec(),
    })
}

#[cfg(test)]
#[path = "wire_tests.rs"]
mod tests;
