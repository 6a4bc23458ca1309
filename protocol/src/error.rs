//! Typed errors of the protocol crate. Each variant says what was wrong with the input, and
//! [`RecordError::code`] gives the stable short code that `spec/vectors/` and the HTTP API use.

use thiserror::Error;

/// Why bytes could not be read as CBOR within the limits.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CborError {
    /// The input is larger than allowed.
    #[error("{size} bytes is over the limit of {max} bytes")]
    TooLarge {
        /// Size of the input.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// The input ends inside an item, or a length points past its end.
    #[error("truncated CBOR at byte {offset}")]
    Truncated {
        /// Where the missing bytes were expected.
        offset: usize,
    },
    /// Arrays and maps nest deeper than allowed.
    #[error("CBOR nested deeper than {max} levels")]
    TooDeep {
        /// The limit.
        max: usize,
    },
    /// An array or map declares more entries than allowed.
    #[error("collection at byte {offset} declares {len} entries, over the limit of {max}")]
    CollectionTooLong {
        /// Where the header is.
        offset: usize,
        /// The declared length.
        len: u64,
        /// The limit.
        max: usize,
    },
    /// A byte or text string is longer than allowed.
    #[error("string at byte {offset} declares {len} bytes, over the limit of {max}")]
    StringTooLong {
        /// Where the header is.
        offset: usize,
        /// The declared length.
        len: u64,
        /// The limit.
        max: usize,
    },
    /// A text string is not UTF-8.
    #[error("text at byte {offset} is not valid UTF-8")]
    InvalidUtf8 {
        /// Where the string starts.
        offset: usize,
    },
    /// A CBOR feature the protocol does not use (tags, floats, indefinite lengths).
    #[error("unsupported CBOR at byte {offset}: {what}")]
    Unsupported {
        /// Where the item is.
        offset: usize,
        /// What was found.
        what: &'static str,
    },
    /// Bytes follow the single top-level item.
    #[error("trailing bytes after the CBOR item, from byte {offset}")]
    TrailingBytes {
        /// Where the extra bytes start.
        offset: usize,
    },
    /// Well-formed CBOR that does not have the expected shape (missing field, wrong type).
    #[error("unexpected CBOR structure: {0}")]
    Schema(String),
    /// Encoding failed (a bug in the caller's types, never caused by input).
    #[error("could not encode CBOR: {0}")]
    Encode(String),
}

/// Why a record was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum RecordError {
    /// The envelope or payload is not acceptable CBOR.
    #[error("malformed record: {0}")]
    Cbor(#[from] CborError),
    /// The author field is not a valid ed25519 public key.
    #[error("author is not a valid ed25519 public key")]
    BadAuthorKey,
    /// The signature does not verify against the author key and payload.
    #[error("signature does not verify")]
    BadSignature,
    /// The payload's protocol version is not one this implementation speaks.
    #[error("unknown protocol version {0}")]
    UnknownVersion(u64),
    /// The payload's kind is not known.
    #[error("unknown record kind {0:?}")]
    UnknownKind(String),
    /// The revision is further in the future than the allowed clock skew.
    #[error("revision {rev} is more than {skew_ms} ms ahead of now ({now})")]
    FutureDated {
        /// The record's revision (ms since the epoch).
        rev: u64,
        /// The local clock (ms since the epoch).
        now: u64,
        /// The allowed skew.
        skew_ms: u64,
    },
    /// The record's expiry time has passed.
    #[error("record expired at {expires} (now {now})")]
    Expired {
        /// The record's expiry (ms since the epoch).
        expires: u64,
        /// The local clock (ms since the epoch).
        now: u64,
    },
    /// A field has a value the protocol does not allow.
    #[error("invalid field {field}: {reason}")]
    InvalidField {
        /// Dotted path of the field, e.g. `body.price.amount`.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The record belongs to another market than the one it was received for.
    #[error("record is for market {found:?}, expected {expected:?}")]
    WrongMarket {
        /// The market the context expected.
        expected: String,
        /// The market the record names.
        found: String,
    },
}

impl RecordError {
    /// A stable, short, machine-readable code for this error (used in test vectors and APIs).
    pub fn code(&self) -> &'static str {
        match self {
            RecordError::Cbor(CborError::TooLarge { .. }) => "oversize",
            RecordError::Cbor(CborError::Truncated { .. }) => "truncated",
            RecordError::Cbor(CborError::TooDeep { .. }) => "too_deep",
            RecordError::Cbor(
                CborError::CollectionTooLong { .. } | CborError::StringTooLong { .. },
            ) => "over_limit",
            RecordError::Cbor(CborError::Schema(_)) => "schema",
            RecordError::Cbor(_) => "malformed",
            RecordError::BadAuthorKey => "bad_author_key",
            RecordError::BadSignature => "bad_signature",
            RecordError::UnknownVersion(_) => "unknown_version",
            RecordError::UnknownKind(_) => "unknown_kind",
            RecordError::FutureDated { .. } => "future_dated",
            RecordError::Expired { .. } => "expired",
            RecordError::InvalidField { .. } => "invalid_field",
            RecordError::WrongMarket { .. } => "wrong_market",
        }
    }

    /// Shorthand for [`RecordError::InvalidField`].
    pub fn field(field: impl Into<String>, reason: impl Into<String>) -> Self {
        RecordError::InvalidField {
            field: field.into(),
            reason: reason.into(),
        }
    }
}
