//! Signed records: the envelope on the wire, the payload header every kind shares, ids, signing,
//! and the replaceable-slot rule.
//!
//! ```text
//! wire    = CBOR array [ payload: bstr, author: bstr(32), signature: bstr(64) ]
//! id      = blake3(payload)
//! signed  = "smartket/record/v1" || 0x00 || id      (51 bytes, ed25519)
//! payload = CBOR map { v, kind, market, key, rev, created, expires, body }
//! ```
//!
//! The signature covers the payload bytes exactly as they travel: a node verifies what it
//! received and stores and forwards the same bytes, never a re-encoding.

use serde::Serialize;

use crate::cbor;
use crate::error::{CborError, RecordError};
use crate::keys::{AuthorKey, RecordId, SecretKey, Signature};
use crate::kinds::{Body, Kind};

/// Largest record on the wire, envelope included.
pub const MAX_RECORD_BYTES: usize = 64 * 1024;
/// The protocol version this crate writes and reads.
pub const PROTOCOL_VERSION: u64 = 1;
/// How far a revision may be ahead of the receiver's clock.
pub const MAX_CLOCK_SKEW_MS: u64 = 10 * 60 * 1000;
/// Longest lifetime of any record (`expires - rev`). Owners republish before expiry.
pub const MAX_LIFETIME_MS: u64 = 60 * 24 * 60 * 60 * 1000;
/// Prefix of the signing input; the version in it changes if the signing rule ever does.
pub const SIGNING_CONTEXT: &[u8] = b"smartket/record/v1\0";

/// The replaceable slot a record fills: the newest revision of a slot wins.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Slot {
    /// Who signed.
    pub author: AuthorKey,
    /// The kind the slot holds (for a tombstone, the kind it deletes).
    pub kind: Kind,
    /// The author's key for the slot, e.g. a listing's SKU.
    pub key: String,
}

/// A record as it travels, before anything about it is trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// The payload, exactly as signed.
    pub payload: Vec<u8>,
    /// The claimed author.
    pub author: AuthorKey,
    /// The claimed signature.
    pub signature: Signature,
}

impl Envelope {
    /// Reads the envelope. Only framing is checked here; see [`Record::open`] for the rest.
    pub fn decode(wire: &[u8]) -> Result<Envelope, RecordError> {
        if wire.len() > MAX_RECORD_BYTES {
            return Err(CborError::TooLarge {
                size: wire.len(),
                max: MAX_RECORD_BYTES,
            }
            .into());
        }
        let (major, len, mut pos) = cbor::header(wire, 0)?;
        if major != 4 || len != 3 {
            return Err(CborError::Schema("record must be a CBOR array of 3 items".into()).into());
        }
        let payload = read_bytes(wire, &mut pos)?;
        let author = read_bytes(wire, &mut pos)?;
        let signature = read_bytes(wire, &mut pos)?;
        if pos != wire.len() {
            return Err(CborError::TrailingBytes { offset: pos }.into());
        }
        let author = AuthorKey(
            author
                .try_into()
                .map_err(|_| CborError::Schema("author must be 32 bytes".into()))?,
        );
        let signature = Signature(
            signature
                .try_into()
                .map_err(|_| CborError::Schema("signature must be 64 bytes".into()))?,
        );
        Ok(Envelope {
            payload: payload.to_vec(),
            author,
            signature,
        })
    }

    /// Writes the envelope (shortest-form CBOR headers).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.payload.len() + 110);
        out.push(0x83);
        write_bytes_header(&mut out, self.payload.len());
        out.extend_from_slice(&self.payload);
        out.extend_from_slice(&[0x58, 32]);
        out.extend_from_slice(&self.author.0);
        out.extend_from_slice(&[0x58, 64]);
        out.extend_from_slice(&self.signature.0);
        out
    }

    /// The record id: blake3 of the payload bytes.
    pub fn id(&self) -> RecordId {
        RecordId(*blake3::hash(&self.payload).as_bytes())
    }

    /// Checks the signature alone.
    pub fn verify(&self) -> Result<(), RecordError> {
        self.author
            .verify(&signing_input(&self.id()), &self.signature)
    }
}

/// The 51 bytes an author signs for a record with this id.
pub fn signing_input(id: &RecordId) -> [u8; 51] {
    let mut out = [0u8; 51];
    out[..19].copy_from_slice(SIGNING_CONTEXT);
    out[19..].copy_from_slice(&id.0);
    out
}

fn read_bytes<'a>(wire: &'a [u8], pos: &mut usize) -> Result<&'a [u8], RecordError> {
    let (major, len, header_len) = cbor::header(wire, *pos)?;
    if major != 2 {
        return Err(CborError::Schema("record fields must be byte strings".into()).into());
    }
    let start = *pos + header_len;
    let end = usize::try_from(len)
        .ok()
        .and_then(|len| start.checked_add(len))
        .filter(|end| *end <= wire.len())
        .ok_or(CborError::Truncated { offset: start })?;
    *pos = end;
    Ok(&wire[start..end])
}

fn write_bytes_header(out: &mut Vec<u8>, len: usize) {
    match len {
        0..=23 => out.push(0x40 | len as u8),
        24..=0xff => out.extend_from_slice(&[0x58, len as u8]),
        0x100..=0xffff => {
            out.push(0x59);
            out.extend_from_slice(&(len as u16).to_be_bytes());
        }
        _ => {
            out.push(0x5a);
            out.extend_from_slice(&(len as u32).to_be_bytes());
        }
    }
}

/// The decoded payload: the header every kind shares, and the kind's body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Payload {
    /// Protocol version ([`PROTOCOL_VERSION`]).
    pub v: u64,
    /// The author, repeated inside the signed bytes so that the id (a hash of the payload)
    /// names the author too: another key cannot re-sign a seller's payload under the same id
    /// and have the real record dropped as a duplicate. Must equal the envelope's author.
    /// [`Record::sign`] fills it in.
    pub author: AuthorKey,
    /// What the body is.
    pub kind: Kind,
    /// The market the record belongs to, e.g. `geneva`.
    pub market: String,
    /// The author's key for the slot.
    pub key: String,
    /// Revision: milliseconds since the Unix epoch, strictly increasing per slot.
    pub rev: u64,
    /// When the slot was first created (ms since the epoch); at most `rev`.
    pub created: u64,
    /// When this revision stops being valid (ms since the epoch).
    pub expires: u64,
    /// The kind's fields.
    pub body: Body,
}

impl Payload {
    /// A payload for `body` in `market`, revision `now`, living `lifetime_ms`.
    pub fn new(
        market: impl Into<String>,
        key: impl Into<String>,
        now_ms: u64,
        lifetime_ms: u64,
        body: Body,
    ) -> Payload {
        Payload {
            v: PROTOCOL_VERSION,
            author: AuthorKey([0; 32]),
            kind: body.kind(),
            market: market.into(),
            key: key.into(),
            rev: now_ms,
            created: now_ms,
            expires: now_ms.saturating_add(lifetime_ms),
            body,
        }
    }

    /// The next revision of this payload's slot, carrying `body`, made at `now_ms`: its
    /// revision by [`next_rev`], the same creation time, and the same lifetime counted from
    /// the new revision (a listing republished before expiry, an edit, a stock change).
    pub fn next_revision(self, now_ms: u64, body: Body) -> Payload {
        let lifetime = self.expires.saturating_sub(self.rev);
        let rev = next_rev(self.rev, now_ms);
        Payload {
            kind: body.kind(),
            rev,
            expires: rev.saturating_add(lifetime),
            body,
            ..self
        }
    }

    /// Decodes and validates (everything that does not depend on the clock).
    pub fn decode(bytes: &[u8]) -> Result<Payload, RecordError> {
        let payload = crate::record_decode::decode_payload(bytes)?;
        payload.validate()?;
        Ok(payload)
    }

    /// Encodes to CBOR.
    pub fn encode(&self) -> Result<Vec<u8>, RecordError> {
        Ok(cbor::encode(self)?)
    }

    /// The structural rules of `spec/protocol.md` for the header, then the body's own rules.
    pub fn validate(&self) -> Result<(), RecordError> {
        if self.v != PROTOCOL_VERSION {
            return Err(RecordError::UnknownVersion(self.v));
        }
        if self.kind != self.body.kind() {
            return Err(RecordError::field("kind", "does not match the body"));
        }
        validate_market_id(&self.market).map_err(|reason| RecordError::field("market", reason))?;
        validate_slot_key(&self.key).map_err(|reason| RecordError::field("key", reason))?;
        if self.created > self.rev {
            return Err(RecordError::field("created", "is after rev"));
        }
        if self.expires <= self.rev {
            return Err(RecordError::field("expires", "must be after rev"));
        }
        if self.expires - self.rev > MAX_LIFETIME_MS {
            return Err(RecordError::field(
                "expires",
                format!("lifetime over the maximum of {MAX_LIFETIME_MS} ms"),
            ));
        }
        self.body.validate(self)
    }

    /// The rules that depend on the receiver's clock: not too far in the future, not expired.
    pub fn check_time(&self, now_ms: u64) -> Result<(), RecordError> {
        if self.rev > now_ms.saturating_add(MAX_CLOCK_SKEW_MS) {
            return Err(RecordError::FutureDated {
                rev: self.rev,
                now: now_ms,
                skew_ms: MAX_CLOCK_SKEW_MS,
            });
        }
        if self.expires <= now_ms {
            return Err(RecordError::Expired {
                expires: self.expires,
                now: now_ms,
            });
        }
        Ok(())
    }
}

/// A market id: 1 to 32 bytes of `a-z`, `0-9` and `-`, starting with a letter.
pub fn validate_market_id(market: &str) -> Result<(), &'static str> {
    let ok_len = (1..=32).contains(&market.len());
    let ok_chars = market
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let ok_start = market
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_lowercase());
    if ok_len && ok_chars && ok_start {
        Ok(())
    } else {
        Err("must be 1-32 characters of a-z, 0-9 and '-', starting with a letter")
    }
}

/// A slot key: 1 to 128 bytes of UTF-8 without control characters.
pub fn validate_slot_key(key: &str) -> Result<(), &'static str> {
    if key.is_empty() || key.len() > 128 {
        return Err("must be 1-128 bytes");
    }
    if key.chars().any(char::is_control) {
        return Err("must not contain control characters");
    }
    Ok(())
}

/// A record whose signature verified and whose payload decoded and validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// blake3 of the payload bytes.
    pub id: RecordId,
    /// The envelope as received (payload bytes, author, signature).
    pub envelope: Envelope,
    /// The decoded payload.
    pub payload: Payload,
}

impl Record {
    /// Encodes, signs and checks a payload of one's own.
    pub fn sign(secret: &SecretKey, mut payload: Payload) -> Result<Record, RecordError> {
        payload.author = secret.public();
        payload.validate()?;
        let bytes = payload.encode()?;
        if bytes.len() + 110 > MAX_RECORD_BYTES {
            return Err(CborError::TooLarge {
                size: bytes.len() + 110,
                max: MAX_RECORD_BYTES,
            }
            .into());
        }
        let id = RecordId(*blake3::hash(&bytes).as_bytes());
        let signature = secret.sign(&signing_input(&id));
        Ok(Record {
            id,
            envelope: Envelope {
                payload: bytes,
                author: secret.public(),
                signature,
            },
            payload,
        })
    }

    /// Reads, verifies and validates one record received at `now_ms`.
    pub fn open(wire: &[u8], now_ms: u64) -> Result<Record, RecordError> {
        let envelope = Envelope::decode(wire)?;
        envelope.verify()?;
        Record::from_verified(envelope, now_ms)
    }

    /// Decodes and validates the payload of an envelope whose signature was already checked
    /// (for example by [`crate::batch::verify`]).
    pub fn from_verified(envelope: Envelope, now_ms: u64) -> Result<Record, RecordError> {
        let id = envelope.id();
        Record::from_verified_with_id(envelope, id, now_ms)
    }

    /// [`Record::from_verified`] for a caller that already holds the record id, as
    /// [`crate::batch::verify_with_ids`] returns it: hashing the payload again would cost a
    /// few per cent of ingest. `id` must be `envelope.id()`.
    pub fn from_verified_with_id(
        envelope: Envelope,
        id: RecordId,
        now_ms: u64,
    ) -> Result<Record, RecordError> {
        debug_assert_eq!(id, envelope.id());
        let payload = Payload::decode(&envelope.payload)?;
        if payload.author != envelope.author {
            return Err(RecordError::field(
                "author",
                "differs from the key that signed the record",
            ));
        }
        payload.check_time(now_ms)?;
        // The one rule that needs the author: the platform countersigned this member.
        if let Body::Membership(m) = &payload.body {
            m.verify_countersignature(&payload.market, &envelope.author)?;
        }
        Ok(Record {
            id,
            envelope,
            payload,
        })
    }

    /// The wire form.
    pub fn to_wire(&self) -> Vec<u8> {
        self.envelope.encode()
    }

    /// Who signed it.
    pub fn author(&self) -> AuthorKey {
        self.envelope.author
    }

    /// The slot this record fills.
    pub fn slot(&self) -> Slot {
        Slot {
            author: self.envelope.author,
            kind: self.payload.body.slot_kind(),
            key: self.payload.key.clone(),
        }
    }

    /// Whether this record replaces `other` in their common slot.
    pub fn supersedes(&self, other: &Record) -> bool {
        supersedes((self.payload.rev, &self.id), (other.payload.rev, &other.id))
    }
}

/// The revision an author gives the next record of a slot whose current revision is
/// `previous`, at `now_ms`: the clock, unless it is not past `previous` (a clock set back, two
/// edits in one millisecond), then one more — a new revision must win the slot.
pub fn next_rev(previous: u64, now_ms: u64) -> u64 {
    now_ms.max(previous.saturating_add(1))
}

/// The conflict rule for one slot: the higher revision wins; at equal revisions the lower id
/// (compared as bytes) wins, so every node picks the same record without coordination.
pub fn supersedes(a: (u64, &RecordId), b: (u64, &RecordId)) -> bool {
    a.0 > b.0 || (a.0 == b.0 && a.1 < b.1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::Tombstone;

    const NOW: u64 = 1_790_000_000_000;

    fn tombstone(rev: u64) -> Payload {
        let mut p = Payload::new(
            "geneva",
            "pommes-gala",
            rev,
            MAX_LIFETIME_MS,
            Body::Tombstone(Tombstone {
                target_kind: Kind::Listing,
            }),
        );
        p.created = rev - 1000;
        p
    }

    #[test]
    fn the_next_revision_wins_the_slot_and_keeps_creation_and_lifetime_even_if_the_clock_went_back()
    {
        let previous = tombstone(NOW);
        let lifetime = previous.expires - previous.rev;
        let later = previous
            .clone()
            .next_revision(NOW + 5_000, previous.body.clone());
        assert_eq!(later.rev, NOW + 5_000);
        assert_eq!(later.expires - later.rev, lifetime);
        assert_eq!(later.created, previous.created);
        let clock_back = previous
            .clone()
            .next_revision(NOW - 60_000, previous.body.clone());
        assert_eq!(clock_back.rev, NOW + 1);
        assert_eq!(next_rev(NOW, NOW), NOW + 1);
        assert_eq!(next_rev(u64::MAX, 0), u64::MAX);
    }

    #[test]
    fn a_signed_record_opens_and_keeps_its_bytes() {
        let secret = SecretKey::from_bytes(&[42; 32]);
        let record = Record::sign(&secret, tombstone(NOW)).unwrap();
        let wire = record.to_wire();
        let opened = Record::open(&wire, NOW).unwrap();
        assert_eq!(opened, record);
        assert_eq!(opened.to_wire(), wire);
        assert_eq!(opened.slot().kind, Kind::Listing);
    }

    #[test]
    fn a_payload_signed_by_another_key_fails() {
        let secret = SecretKey::from_bytes(&[42; 32]);
        let mut record = Record::sign(&secret, tombstone(NOW)).unwrap();
        record.envelope.author = SecretKey::from_bytes(&[43; 32]).public();
        assert_eq!(
            Record::open(&record.to_wire(), NOW).unwrap_err(),
            RecordError::BadSignature
        );
    }

    #[test]
    fn future_and_expired_records_are_refused() {
        let secret = SecretKey::from_bytes(&[42; 32]);
        let record = Record::sign(&secret, tombstone(NOW + MAX_CLOCK_SKEW_MS + 1)).unwrap();
        assert_eq!(
            Record::open(&record.to_wire(), NOW).unwrap_err().code(),
            "future_dated"
        );
        let record = Record::sign(&secret, tombstone(NOW)).unwrap();
        assert_eq!(
            Record::open(&record.to_wire(), NOW + MAX_LIFETIME_MS)
                .unwrap_err()
                .code(),
            "expired"
        );
    }

    #[test]
    fn newer_revision_wins_and_ties_go_to_the_lower_id() {
        let low = RecordId([1; 32]);
        let high = RecordId([2; 32]);
        assert!(supersedes((2, &high), (1, &low)));
        assert!(!supersedes((1, &low), (2, &high)));
        assert!(supersedes((5, &low), (5, &high)));
        assert!(!supersedes((5, &high), (5, &low)));
        assert!(!supersedes((5, &low), (5, &low)));
    }

    #[test]
    fn market_ids_are_checked() {
        assert!(validate_market_id("geneva").is_ok());
        assert!(validate_market_id("lausanne-2").is_ok());
        assert!(validate_market_id("Geneva").is_err());
        assert!(validate_market_id("").is_err());
        assert!(validate_market_id("9town").is_err());
    }
}
