//! Carrying sealed messages between nodes: `/smartket/msg/1` hands one straight to its
//! recipient, `/smartket/mailbox/1` leaves it with a cooperative node when the recipient is
//! unreachable and lets the recipient collect it later. `spec/mailbox.md` is normative.
//!
//! Both protocols use small CBOR arrays written with shortest-form headers, like
//! `/smartket/blob/1`: a tag number says which frame it is, so an unknown frame fails on its tag
//! instead of being half-read. Decoding walks the headers with [`cbor::check`] inside fixed
//! limits first, so a length pointing past the end or a string over the sealed-message size
//! fails before anything is allocated.

pub mod direct;
pub mod proof;
pub mod wire;

use std::fmt;

use crate::cbor::{self, ARRAY, ReadError, Reader, TEXT, UINT, put};
use crate::error::CborError;
use crate::seal::{MAX_SEALED_BYTES, SealError};

pub use direct::{MsgRequest, MsgResponse};
pub use proof::{
    Challenge, PendingChallenge, Proof, ProofError, answer_challenge, create_challenge,
    verify_proof,
};
pub use wire::{MailboxRequest, MailboxResponse, StoredMessage, check_deposit};

/// The version written first in every request of both protocols.
pub const WIRE_VERSION: u64 = 1;

/// Longest refusal reason: enough for a sentence in a log, too short to smuggle content back.
pub const MAX_REASON_BYTES: usize = 256;

/// Messages one recipient key may have waiting at one cooperative. An active buyer or seller
/// collects at least daily; 256 covers a busy shop's day of orders and steps, while bounding
/// what an attacker spraying one key can make the cooperative hold.
pub const RECIPIENT_QUOTA_MESSAGES: u32 = 256;

/// Bytes (counted as whole sealed messages, so padded to their bucket) one recipient key may have
/// waiting: 8 MiB is 128 largest-bucket messages (below 32 KiB a message, the count binds
/// first), a few seconds' download.
pub const RECIPIENT_QUOTA_BYTES: u64 = 8 * 1024 * 1024;

/// Messages one depositing peer may have waiting at one cooperative, over all recipients. The
/// sender behind a sealed message is hidden, so the cooperative counts the transport peer; 512
/// lets a seller reach a day's worth of offline customers but not fill the cooperative's disk.
pub const SENDER_QUOTA_MESSAGES: u32 = 512;

/// Bytes one depositing peer may have waiting: 16 MiB, twice a recipient's quota, so one sender
/// can fill at most two mailboxes completely.
pub const SENDER_QUOTA_BYTES: u64 = 16 * 1024 * 1024;

/// Longest time a deposit may ask to be kept: 14 days. Long enough for a holiday away from a
/// phone, short enough that abandoned per-order keys do not hold storage forever; order steps
/// older than this are stale anyway.
pub const MAX_TTL_MS: u64 = 14 * 24 * 60 * 60 * 1000;

/// Most messages in one fetched page: 16 × the largest sealed message is about 1 MiB, one
/// response a phone on a poor link still receives in seconds.
pub const MAX_PAGE_MESSAGES: usize = 16;

/// Most ids in one acknowledgement: a whole recipient quota, so one ack can empty a mailbox.
pub const MAX_ACK_IDS: usize = RECIPIENT_QUOTA_MESSAGES as usize;

/// How long a challenge may be answered after it was issued. A proof is a bearer token for the
/// recipient's mailbox at that cooperative; five minutes covers a slow fetch of 256 messages
/// without keeping it useful for long.
pub const CHALLENGE_LIFETIME_MS: u64 = 5 * 60 * 1000;

/// Clock difference tolerated between a cooperative and a client when the client checks a
/// challenge's time: the clock skew of `spec/protocol.md` §6.
pub const MAX_CLOCK_SKEW_MS: u64 = 10 * 60 * 1000;

/// The id a cooperative files a deposit under: BLAKE3-256 of the sealed bytes. Depositing the
/// same bytes twice files them once, and a fetcher can check what it got against the id.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MailboxId(pub [u8; 32]);

impl MailboxId {
    /// The id of `sealed`.
    pub fn of(sealed: &[u8]) -> MailboxId {
        MailboxId(*blake3::hash(sealed).as_bytes())
    }

    /// Lower-case hex.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Debug for MailboxId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MailboxId({})", hex::encode(&self.0[..8]))
    }
}

/// Why a frame was refused, on the wire as a number so that a receiver can act on it (give up,
/// or try again later) whatever the reason text says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RefuseCode {
    /// The frame could not be read.
    Malformed = 1,
    /// The sealed message or frame is over a size limit.
    TooBig = 2,
    /// A frame or sealed-message version the receiver does not speak.
    UnknownVersion = 3,
    /// The recipient holds no key for the encryption key named in the request.
    NotForMe = 4,
    /// The sealed message does not decrypt with the named key.
    DecryptionFailed = 5,
    /// The signature inside does not verify.
    BadSignature = 6,
    /// The signed recipient is not the key it was delivered to.
    NotAddressedToMe = 7,
    /// The message opened but breaks a field rule or is of an unknown kind.
    Invalid = 8,
    /// The receiver is overloaded; nothing is wrong with the frame.
    Busy = 9,
    /// The receiver could not store it durably (disk full, I/O error).
    StorageFailed = 10,
    /// A deposit asked to be kept longer than [`MAX_TTL_MS`].
    TtlTooLong = 11,
    /// A deposit's expiry is already past.
    Expired = 12,
    /// The recipient's mailbox is full ([`RECIPIENT_QUOTA_MESSAGES`], [`RECIPIENT_QUOTA_BYTES`]).
    RecipientQuota = 13,
    /// The depositing peer has too much waiting ([`SENDER_QUOTA_MESSAGES`],
    /// [`SENDER_QUOTA_BYTES`]).
    SenderQuota = 14,
    /// The proof does not match an open challenge for this key from this peer.
    BadProof = 15,
    /// The proof's challenge is older than [`CHALLENGE_LIFETIME_MS`]: ask for a new one.
    ProofExpired = 16,
    /// This node keeps no mailboxes (it is not a cooperative, or not for this market).
    NoMailbox = 17,
}

impl RefuseCode {
    const ALL: [RefuseCode; 17] = [
        RefuseCode::Malformed,
        RefuseCode::TooBig,
        RefuseCode::UnknownVersion,
        RefuseCode::NotForMe,
        RefuseCode::DecryptionFailed,
        RefuseCode::BadSignature,
        RefuseCode::NotAddressedToMe,
        RefuseCode::Invalid,
        RefuseCode::Busy,
        RefuseCode::StorageFailed,
        RefuseCode::TtlTooLong,
        RefuseCode::Expired,
        RefuseCode::RecipientQuota,
        RefuseCode::SenderQuota,
        RefuseCode::BadProof,
        RefuseCode::ProofExpired,
        RefuseCode::NoMailbox,
    ];

    /// The number on the wire.
    pub fn number(self) -> u64 {
        self as u64
    }

    /// The code for a wire number, if known.
    pub fn from_number(n: u64) -> Option<RefuseCode> {
        RefuseCode::ALL.into_iter().find(|c| c.number() == n)
    }

    /// A stable name, as in `spec/mailbox.md` and the test vectors.
    pub fn name(self) -> &'static str {
        match self {
            RefuseCode::Malformed => "malformed",
            RefuseCode::TooBig => "too_big",
            RefuseCode::UnknownVersion => "unknown_version",
            RefuseCode::NotForMe => "not_for_me",
            RefuseCode::DecryptionFailed => "decryption_failed",
            RefuseCode::BadSignature => "bad_signature",
            RefuseCode::NotAddressedToMe => "not_addressed_to_me",
            RefuseCode::Invalid => "invalid",
            RefuseCode::Busy => "busy",
            RefuseCode::StorageFailed => "storage_failed",
            RefuseCode::TtlTooLong => "ttl_too_long",
            RefuseCode::Expired => "expired",
            RefuseCode::RecipientQuota => "recipient_quota",
            RefuseCode::SenderQuota => "sender_quota",
            RefuseCode::BadProof => "bad_proof",
            RefuseCode::ProofExpired => "proof_expired",
            RefuseCode::NoMailbox => "no_mailbox",
        }
    }

    /// The refusal a recipient gives for a sealed message it could not open, so that every node
    /// maps opening errors the same way (`spec/mailbox.md` §2).
    pub fn for_seal_error(error: &SealError) -> RefuseCode {
        match error {
            SealError::TooLarge { .. } => RefuseCode::TooBig,
            SealError::UnknownVersion(_) => RefuseCode::UnknownVersion,
            SealError::DecryptionFailed => RefuseCode::DecryptionFailed,
            SealError::BadSignature => RefuseCode::BadSignature,
            SealError::NotAddressedToMe => RefuseCode::NotAddressedToMe,
            SealError::UnknownKind(_) | SealError::InvalidField(_) => RefuseCode::Invalid,
            _ => RefuseCode::Malformed,
        }
    }

    /// Whether sending the same frame again later may succeed: a sender keeps such a message
    /// queued, and drops one refused for any other reason (sending it again cannot help).
    pub fn is_transient(self) -> bool {
        matches!(
            self,
            RefuseCode::Busy
                | RefuseCode::StorageFailed
                | RefuseCode::RecipientQuota
                | RefuseCode::SenderQuota
                | RefuseCode::ProofExpired
        )
    }
}

/// Why a frame of either protocol could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WireError {
    /// Not well-formed CBOR within the frame's limits (including a string over its limit).
    #[error("malformed: {0}")]
    Malformed(#[from] CborError),
    /// Well-formed CBOR of the wrong shape (wrong item type, wrong count, wrong key length).
    #[error("wrong shape: {0}")]
    Shape(&'static str),
    /// A request of a version this implementation does not speak.
    #[error("unknown version {0}")]
    UnknownVersion(u64),
    /// A frame type number this implementation does not know.
    #[error("unknown frame type {0}")]
    UnknownType(u64),
    /// A refusal code this implementation does not know.
    #[error("unknown refusal code {0}")]
    UnknownCode(u64),
    /// A value outside its range (a page size of 0, a flag that is not 0 or 1, a long reason).
    #[error("out of range: {0}")]
    OutOfRange(&'static str),
    /// A fetched message whose bytes do not hash to its id.
    #[error("message id does not match its bytes")]
    IdMismatch,
}

impl WireError {
    /// A stable name for the error, as in `spec/mailbox.md` and the test vectors.
    pub fn code(&self) -> &'static str {
        match self {
            WireError::Malformed(_) => "malformed",
            WireError::Shape(_) => "shape",
            WireError::UnknownVersion(_) => "unknown_version",
            WireError::UnknownType(_) => "unknown_type",
            WireError::UnknownCode(_) => "unknown_code",
            WireError::OutOfRange(_) => "out_of_range",
            WireError::IdMismatch => "id_mismatch",
        }
    }
}

impl From<ReadError> for WireError {
    fn from(e: ReadError) -> WireError {
        match e {
            ReadError::Malformed(e) => WireError::Malformed(e),
            ReadError::Shape(what) => WireError::Shape(what),
        }
    }
}

/// Writes a refusal `[tag, code, reason]`, cutting an over-long reason at a character boundary
/// so that encoding never produces a frame the other side must refuse.
pub(crate) fn put_refusal(out: &mut Vec<u8>, tag: u64, code: RefuseCode, reason: &str) {
    let mut end = reason.len().min(MAX_REASON_BYTES);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    put(out, ARRAY, 3);
    put(out, UINT, tag);
    put(out, UINT, code.number());
    put(out, TEXT, end as u64);
    out.extend_from_slice(&reason.as_bytes()[..end]);
}

/// Reads a refusal's code and reason after its tag.
pub(crate) fn read_refusal(r: &mut Reader<'_>) -> Result<(RefuseCode, String), WireError> {
    let n = r.uint()?;
    let code = RefuseCode::from_number(n).ok_or(WireError::UnknownCode(n))?;
    let reason = r.text()?;
    if reason.len() > MAX_REASON_BYTES {
        return Err(WireError::OutOfRange("a reason is at most 256 bytes"));
    }
    Ok((code, reason.to_owned()))
}

/// Limits for [`cbor::check`] of a frame carrying at most `max_bytes` and nesting `depth` deep.
pub(crate) fn limits(max_bytes: usize, depth: usize, collection: usize) -> cbor::Limits {
    cbor::Limits {
        max_bytes,
        max_depth: depth,
        max_collection_len: collection,
        max_string_len: MAX_SEALED_BYTES,
    }
}

/// Walks a frame within `limits` and reads its array header, refusing an empty array with
/// `empty` (what its first item should have been): every frame of both protocols starts with a
/// number saying how to read the rest. Gives the reader after the header, and the item count.
pub(crate) fn open_frame<'a>(
    bytes: &'a [u8],
    limits: &cbor::Limits,
    empty: &'static str,
) -> Result<(Reader<'a>, u64), WireError> {
    cbor::check(bytes, limits)?;
    let mut r = Reader::shortest_form(bytes);
    let items = r.array()?;
    if items == 0 {
        return Err(WireError::Shape(empty));
    }
    Ok((r, items))
}

/// [`open_frame`] for a request, with its version checked: a request of another version is
/// refused as such whatever its shape, since a later version may have other items after it.
pub(crate) fn open_request<'a>(
    bytes: &'a [u8],
    limits: &cbor::Limits,
) -> Result<(Reader<'a>, u64), WireError> {
    let (mut r, items) = open_frame(bytes, limits, "a request starts with its version")?;
    let version = r.uint()?;
    if version != WIRE_VERSION {
        return Err(WireError::UnknownVersion(version));
    }
    Ok((r, items))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusal_codes_round_trip_through_their_numbers_and_names_are_unique() {
        let mut names = std::collections::HashSet::new();
        for code in RefuseCode::ALL {
            assert_eq!(RefuseCode::from_number(code.number()), Some(code));
            assert!(names.insert(code.name()));
        }
        assert_eq!(RefuseCode::from_number(0), None);
        assert_eq!(RefuseCode::from_number(18), None);
    }

    #[test]
    fn headers_must_be_in_shortest_form() {
        assert!(matches!(
            MsgResponse::decode(&[0x98, 0x01, 0x00]),
            Err(WireError::Malformed(_))
        ));
        assert!(matches!(
            MsgResponse::decode(&[0x81, 0x18, 0x00]),
            Err(WireError::Malformed(CborError::Unsupported { .. }))
        ));
    }

    #[test]
    fn a_long_reason_is_cut_at_a_character_boundary() {
        let mut out = Vec::new();
        let reason = "é".repeat(200);
        put_refusal(&mut out, 2, RefuseCode::Busy, &reason);
        let mut r = Reader::shortest_form(&out);
        assert_eq!(r.array(), Ok(3));
        assert_eq!(r.uint(), Ok(2));
        let (code, text) = read_refusal(&mut r).unwrap_or((RefuseCode::Malformed, String::new()));
        assert_eq!(code, RefuseCode::Busy);
        assert_eq!(text.len(), MAX_REASON_BYTES);
    }
}
