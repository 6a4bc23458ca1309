//! The bytes of `/smartket/sync/1` requests and responses, as `spec/sync.md` §9 defines them.
//!
//! One protocol carries several exchanges, so every request starts with a one-byte type:
//!
//! ```text
//! 0x00 reconcile   0x00 || flags || market_len || market || SyncMessage   →  SyncMessage
//! 0x01 fetch       0x01 || CBOR { v, market, ids }                        →  CBOR { v, records, answered }
//! 0x02 author pull 0x02 || CBOR PullRequest (spec/sync.md §7)             →  CBOR PullResponse
//! ```
//!
//! Nothing here trusts its input: every decoder checks sizes before allocating, through
//! `cbor::decode` with explicit limits.

use crate::RecordId;
use crate::cbor::{self, Limits};
use crate::sync::pull::{PullRequest, WireRecord, page_limits};
use serde::{Deserialize, Serialize};

/// Type byte of a reconciliation step.
const RECONCILE: u8 = 0;
/// Type byte of a fetch by id.
const FETCH: u8 = 1;
/// Type byte of an author pull.
const PULL: u8 = 2;
/// Flag bit: this reconcile step opens a new session (the responder drops any older one).
const FLAG_START: u8 = 1;
/// Longest market id a frame can name.
pub const MAX_MARKET_LEN: usize = 64;
/// Most ids in one fetch request.
pub const MAX_FETCH_IDS: usize = 256;
/// Most bytes of records in one fetch response; a responder stops before passing it but
/// always answers at least one id, so fetches make progress.
pub const MAX_FETCH_BYTES: usize = 2 * 1024 * 1024;

/// A request that is not one this node understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// Empty, truncated, or a type byte that is not served.
    #[error("bad sync frame: {0}")]
    Bad(&'static str),
    /// A CBOR body outside its limits or shape.
    #[error("malformed sync body: {0}")]
    Malformed(#[from] crate::CborError),
    /// A body of the wrong version or over a cap.
    #[error("sync body refused: {0}")]
    Refused(&'static str),
}

/// One request on `/smartket/sync/1`, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// One step of range-based reconciliation of `market`.
    Reconcile {
        /// Whether this opens a new session.
        start: bool,
        /// The market reconciled.
        market: String,
        /// The encoded `SyncMessage` (decoded by the reconciler, with its limits).
        message: Vec<u8>,
    },
    /// Records by id.
    Fetch(FetchRequest),
    /// One author's current records, a page at a time.
    Pull(PullRequest),
}

impl Request {
    /// The market the request is about.
    pub fn market(&self) -> &str {
        match self {
            Request::Reconcile { market, .. } => market,
            Request::Fetch(f) => &f.market,
            Request::Pull(p) => &p.market,
        }
    }
}

/// Ask for records by id (`need` after reconciliation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchRequest {
    /// Version, 1.
    pub v: u64,
    /// The market the ids were reconciled in.
    pub market: String,
    /// Concatenated 32-byte ids, at most [`MAX_FETCH_IDS`].
    #[serde(with = "serde_bytes_vec")]
    pub ids: Vec<u8>,
}

/// The records for a prefix of the asked ids.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchResponse {
    /// Version, 1.
    pub v: u64,
    /// Wire bytes of the records held among the first `answered` ids, in the order asked.
    pub records: Vec<WireRecord>,
    /// How many of the asked ids this response settles (held ones sent, others skipped);
    /// the requester asks again for the rest.
    pub answered: u64,
}

/// Writes a reconcile step.
pub fn reconcile(start: bool, market: &str, message: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(3 + market.len() + message.len());
    out.push(RECONCILE);
    out.push(if start { FLAG_START } else { 0 });
    // Markets over the cap are refused before any session starts (`Syncer::sync_with`).
    out.push(market.len().min(MAX_MARKET_LEN) as u8);
    out.extend_from_slice(&market.as_bytes()[..market.len().min(MAX_MARKET_LEN)]);
    out.extend_from_slice(message);
    out
}

/// Writes a fetch request for `ids` (at most [`MAX_FETCH_IDS`] are sent).
pub fn fetch(market: &str, ids: &[RecordId]) -> Result<Vec<u8>, FrameError> {
    let request = FetchRequest {
        v: 1,
        market: market.to_owned(),
        ids: ids.iter().take(MAX_FETCH_IDS).flat_map(|id| id.0).collect(),
    };
    let mut out = vec![FETCH];
    out.extend(cbor::encode(&request)?);
    Ok(out)
}

/// Writes an author pull request.
pub fn pull(request: &PullRequest) -> Result<Vec<u8>, FrameError> {
    let mut out = vec![PULL];
    out.extend(request.encode()?);
    Ok(out)
}

/// Reads a request.
pub fn decode_request(bytes: &[u8]) -> Result<Request, FrameError> {
    let (&kind, rest) = bytes
        .split_first()
        .ok_or(FrameError::Bad("empty request"))?;
    match kind {
        RECONCILE => {
            let [flags, len, rest @ ..] = rest else {
                return Err(FrameError::Bad("truncated reconcile header"));
            };
            let len = usize::from(*len);
            if len > MAX_MARKET_LEN || rest.len() < len || flags & !FLAG_START != 0 {
                return Err(FrameError::Bad("bad reconcile header"));
            }
            let market = std::str::from_utf8(&rest[..len])
                .map_err(|_| FrameError::Bad("market id is not UTF-8"))?;
            Ok(Request::Reconcile {
                start: flags & FLAG_START != 0,
                market: market.to_owned(),
                message: rest[len..].to_vec(),
            })
        }
        FETCH => {
            let limits = Limits {
                max_bytes: 64 + MAX_MARKET_LEN + 32 * MAX_FETCH_IDS,
                max_depth: 1,
                max_collection_len: 8,
                max_string_len: 32 * MAX_FETCH_IDS,
            };
            let request = cbor::decode_v1(
                rest,
                &limits,
                |r: &FetchRequest| r.v,
                |_| FrameError::Refused("unknown fetch version"),
            )?;
            if !request.ids.len().is_multiple_of(32) || request.market.len() > MAX_MARKET_LEN {
                return Err(FrameError::Refused("ids are not whole 32-byte ids"));
            }
            Ok(Request::Fetch(request))
        }
        PULL => PullRequest::decode(rest)
            .map(Request::Pull)
            .map_err(|_| FrameError::Refused("malformed author pull")),
        _ => Err(FrameError::Bad("request type not served")),
    }
}

impl FetchRequest {
    /// The asked ids.
    pub fn ids(&self) -> Vec<RecordId> {
        self.ids
            .chunks_exact(32)
            .filter_map(|c| <[u8; 32]>::try_from(c).ok().map(RecordId))
            .collect()
    }
}

impl FetchResponse {
    /// Writes the response.
    pub fn encode(&self) -> Result<Vec<u8>, FrameError> {
        Ok(cbor::encode(self)?)
    }

    /// Reads a response within the caps.
    pub fn decode(bytes: &[u8]) -> Result<FetchResponse, FrameError> {
        cbor::decode_v1(
            bytes,
            &page_limits(MAX_FETCH_IDS, MAX_FETCH_BYTES),
            |r: &FetchResponse| r.v,
            |_| FrameError::Refused("unknown fetch version"),
        )
    }
}

/// A `Vec<u8>` written as one CBOR byte string rather than an array of numbers.
mod serde_bytes_vec {
    use crate::sync::pull::WireRecord;
    use serde::{Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(bytes)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        serde::Deserialize::deserialize(d).map(|w: WireRecord| w.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reconcile_step_round_trips_with_its_market_and_start_flag() {
        let bytes = reconcile(true, "geneva", &[0x82, 0x01, 0x80]);
        assert_eq!(&bytes[..3], &[0, 1, 6]);
        assert_eq!(
            decode_request(&bytes).unwrap(),
            Request::Reconcile {
                start: true,
                market: "geneva".into(),
                message: vec![0x82, 0x01, 0x80],
            }
        );
    }

    #[test]
    fn a_fetch_request_round_trips_its_ids() {
        let ids = vec![RecordId([1; 32]), RecordId([2; 32])];
        let bytes = fetch("geneva", &ids).unwrap();
        let Request::Fetch(request) = decode_request(&bytes).unwrap() else {
            panic!("not a fetch")
        };
        assert_eq!(request.market, "geneva");
        assert_eq!(request.ids(), ids);
    }

    #[test]
    fn unknown_types_and_truncated_headers_are_refused() {
        assert!(decode_request(&[]).is_err());
        assert!(decode_request(&[3, 0]).is_err());
        assert!(decode_request(&[2, 0]).is_err(), "malformed pull");
        assert!(decode_request(&[0, 1]).is_err());
        assert!(decode_request(&[0, 4, 0]).is_err(), "unknown flag bits");
        assert!(
            decode_request(&[0, 0, 9, b'a']).is_err(),
            "market longer than frame"
        );
    }

    #[test]
    fn an_author_pull_round_trips() {
        let request = PullRequest {
            v: 1,
            market: "geneva".into(),
            author: crate::SecretKey::from_bytes(&[3; 32]).public(),
            since: None,
            after: Some(crate::sync::pull::Cursor(7, [9; 32])),
        };
        let bytes = pull(&request).unwrap();
        assert_eq!(bytes[0], 2);
        assert_eq!(decode_request(&bytes).unwrap(), Request::Pull(request));
    }

    #[test]
    fn a_fetch_response_round_trips() {
        let response = FetchResponse {
            v: 1,
            records: vec![WireRecord(vec![1, 2, 3])],
            answered: 2,
        };
        let bytes = response.encode().unwrap();
        assert_eq!(FetchResponse::decode(&bytes).unwrap(), response);
    }
}
