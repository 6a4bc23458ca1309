//! Author pull: fetch one author's current records in a market, page by page.
//!
//! After reconciliation, or when a user opens a seller's page, a node asks a peer (often the
//! author itself) for everything one author has in a market. The request names the market, the
//! author and an optional cursor; the answer carries record wire bytes in `(rev, id)` order, at
//! most [`MAX_PULL_RECORDS`] and about [`MAX_PULL_BYTES`] of them, and `more` when the next page
//! should be asked for with the last record's `(rev, id)` as cursor. Records are verified by the
//! receiver like any other; nothing here trusts them.

use serde::{Deserialize, Serialize};

use crate::cbor::{self, Limits};
use crate::error::CborError;
use crate::keys::{AuthorKey, RecordId};
use crate::record::MAX_RECORD_BYTES;

/// Most records in one pull response.
pub const MAX_PULL_RECORDS: usize = 256;
/// Most bytes of records in one pull response. A responder stops adding records before this
/// is passed, but always sends at least one if it has any (one record is at most 64 KiB).
pub const MAX_PULL_BYTES: usize = 2 * 1024 * 1024;
/// Largest encoded pull request.
pub const MAX_PULL_REQUEST_BYTES: usize = 256;

/// Ask for one author's current records in a market.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullRequest {
    /// Message version, 1.
    pub v: u64,
    /// The market id.
    pub market: String,
    /// Whose records.
    pub author: AuthorKey,
    /// Only records with `rev >= since`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<u64>,
    /// Only records strictly after this `(rev, id)`: the last record of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Cursor>,
}

/// A position in an author's records, `(rev, id)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor(pub u64, #[serde(with = "cbor::byte_array")] pub [u8; 32]);

impl Cursor {
    /// The cursor just after a record.
    pub fn after(rev: u64, id: &RecordId) -> Cursor {
        Cursor(rev, id.0)
    }
}

/// One page of an author's records.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullResponse {
    /// Message version, 1.
    pub v: u64,
    /// Record wire bytes (envelopes), in `(rev, id)` order.
    pub records: Vec<WireRecord>,
    /// Whether more records follow; ask again with the last one's `(rev, id)` as `after`.
    pub more: bool,
}

/// One record's wire bytes, written as a CBOR byte string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireRecord(pub Vec<u8>);

impl Serialize for WireRecord {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for WireRecord {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = WireRecord;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a record's wire bytes")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<WireRecord, E> {
                Ok(WireRecord(v.to_vec()))
            }
            fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<WireRecord, E> {
                Ok(WireRecord(v))
            }
        }
        d.deserialize_byte_buf(Visitor)
    }
}

/// Why a pull message was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PullError {
    /// Not CBOR within the limits, or not the expected shape.
    #[error("malformed pull message: {0}")]
    Malformed(#[from] CborError),
    /// A version this implementation does not speak.
    #[error("unknown pull message version {0}")]
    UnknownVersion(u64),
    /// The response carries more record bytes than allowed.
    #[error("pull response carries {size} bytes of records, over {max}")]
    TooManyBytes {
        /// Bytes of records.
        size: usize,
        /// The limit.
        max: usize,
    },
}

impl PullRequest {
    /// Writes the request.
    pub fn encode(&self) -> Result<Vec<u8>, CborError> {
        cbor::encode(self)
    }

    /// Reads a request within [`MAX_PULL_REQUEST_BYTES`].
    pub fn decode(bytes: &[u8]) -> Result<PullRequest, PullError> {
        let limits = Limits {
            max_bytes: MAX_PULL_REQUEST_BYTES,
            max_depth: 2,
            max_collection_len: 8,
            max_string_len: 64,
        };
        cbor::decode_v1(
            bytes,
            &limits,
            |r: &PullRequest| r.v,
            PullError::UnknownVersion,
        )
    }
}

impl PullResponse {
    /// Fills a page from records in `(rev, id)` order, stopping at the count and byte caps;
    /// `more` is set when records were left out.
    pub fn page(records: impl IntoIterator<Item = Vec<u8>>) -> PullResponse {
        let mut page = PullResponse {
            v: 1,
            ..PullResponse::default()
        };
        let mut bytes = 0usize;
        for record in records {
            let full = page.records.len() == MAX_PULL_RECORDS
                || (!page.records.is_empty() && bytes + record.len() > MAX_PULL_BYTES);
            if full {
                page.more = true;
                break;
            }
            bytes += record.len();
            page.records.push(WireRecord(record));
        }
        page
    }

    /// Writes the response.
    pub fn encode(&self) -> Result<Vec<u8>, CborError> {
        cbor::encode(self)
    }

    /// Reads a response within the caps: at most [`MAX_PULL_RECORDS`] records, each at most
    /// one record's size, and at most [`MAX_PULL_BYTES`] plus one record in all.
    pub fn decode(bytes: &[u8]) -> Result<PullResponse, PullError> {
        let limits = page_limits(MAX_PULL_RECORDS, MAX_PULL_BYTES);
        let response = cbor::decode_v1(
            bytes,
            &limits,
            |r: &PullResponse| r.v,
            PullError::UnknownVersion,
        )?;
        let size: usize = response.records.iter().map(|r| r.0.len()).sum();
        if size > MAX_PULL_BYTES + MAX_RECORD_BYTES {
            return Err(PullError::TooManyBytes {
                size,
                max: MAX_PULL_BYTES + MAX_RECORD_BYTES,
            });
        }
        Ok(response)
    }
}

/// Limits for a CBOR map carrying at most `max_records` record wire bytes, `max_bytes` of them
/// plus the one record a responder may add past that (it always sends one), with room for the
/// map's keys and a header per record: the pages of both author pulls and fetches by id.
pub(crate) fn page_limits(max_records: usize, max_bytes: usize) -> Limits {
    Limits {
        max_bytes: max_bytes + MAX_RECORD_BYTES + 64 + 4 * max_records,
        max_depth: 2,
        max_collection_len: max_records,
        max_string_len: MAX_RECORD_BYTES,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_round_trips_with_and_without_a_cursor() {
        let mut request = PullRequest {
            v: 1,
            market: "geneva".into(),
            author: AuthorKey([7; 32]),
            since: None,
            after: None,
        };
        let bytes = request.encode().unwrap();
        assert_eq!(PullRequest::decode(&bytes).unwrap(), request);
        request.since = Some(5);
        request.after = Some(Cursor::after(9, &RecordId([1; 32])));
        let bytes = request.encode().unwrap();
        assert_eq!(PullRequest::decode(&bytes).unwrap(), request);
    }

    #[test]
    fn a_page_stops_at_the_record_cap_and_says_more() {
        let page = PullResponse::page((0..300).map(|i| vec![i as u8; 10]));
        assert_eq!(page.records.len(), MAX_PULL_RECORDS);
        assert!(page.more);
        let bytes = page.encode().unwrap();
        assert_eq!(PullResponse::decode(&bytes).unwrap(), page);
    }

    #[test]
    fn a_page_stops_at_the_byte_cap_but_holds_at_least_one_record() {
        let page = PullResponse::page((0..100).map(|_| vec![0u8; MAX_RECORD_BYTES]));
        assert_eq!(page.records.len(), MAX_PULL_BYTES / MAX_RECORD_BYTES);
        assert!(page.more);
        let alone = PullResponse::page([vec![1u8; 10]]);
        assert_eq!(alone.records.len(), 1);
        assert!(!alone.more);
    }

    #[test]
    fn a_response_declaring_too_many_records_fails_before_reading_them() {
        // {"v": 1, "records": array of 2^32, ...}
        let mut bytes = vec![0xa3, 0x61, b'v', 0x01, 0x67];
        bytes.extend_from_slice(b"records");
        bytes.extend_from_slice(&[0x9a, 0xff, 0xff, 0xff, 0xff, 0x00]);
        assert!(matches!(
            PullResponse::decode(&bytes),
            Err(PullError::Malformed(CborError::CollectionTooLong { .. }))
        ));
    }

    #[test]
    fn an_unknown_version_is_refused() {
        let mut request = PullRequest {
            v: 2,
            market: "geneva".into(),
            author: AuthorKey([7; 32]),
            since: None,
            after: None,
        };
        let bytes = request.encode().unwrap();
        assert_eq!(
            PullRequest::decode(&bytes),
            Err(PullError::UnknownVersion(2))
        );
        request.v = 1;
        assert!(PullRequest::decode(&request.encode().unwrap()).is_ok());
    }
}
