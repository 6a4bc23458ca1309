//! The two messages of `/smartket/blob/1`: a request for one chunk of a blob and its answer.
//!
//! ```text
//! request   [1, id: bstr(32), offset: uint, len: uint]
//! response  [0, total: uint, bytes: bstr]   a chunk: `bytes` start at `offset`
//!           [1]                             not here
//!           [2]                             busy, ask again later or elsewhere
//!           [3]                             bad request
//! ```
//!
//! Both are small CBOR arrays written with shortest-form headers. Decoding walks the headers
//! with [`cbor::check`] inside fixed limits before reading a value, so a length that points past
//! the end or a string over the chunk size fails before anything is allocated.

use crate::blob::{MAX_BLOB_BYTES, MAX_CHUNK_BYTES};
use crate::cbor::{self, ARRAY, BYTES, Limits, ReadError, Reader, UINT, put};
use crate::error::CborError;
use crate::keys::BlobId;

/// The version written first in every request.
pub const BLOB_WIRE_VERSION: u64 = 1;

/// Largest encoded request: array, version, 32-byte id, two 9-byte integers, with headers.
pub const MAX_REQUEST_BYTES: usize = 64;

/// Largest encoded response: a full chunk plus at most 16 bytes of headers (array, status,
/// a 9-byte total and a 5-byte string header).
pub const MAX_RESPONSE_BYTES: usize = MAX_CHUNK_BYTES as usize + 16;

/// Response status numbers on the wire.
const CHUNK: u64 = 0;
const NOT_FOUND: u64 = 1;
const BUSY: u64 = 2;
const BAD_REQUEST: u64 = 3;

/// "Send me up to `len` bytes of blob `id` from `offset`."
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkRequest {
    /// The blob.
    pub id: BlobId,
    /// First byte wanted.
    pub offset: u64,
    /// Most bytes wanted, 1 to [`MAX_CHUNK_BYTES`].
    pub len: u32,
}

/// The answer to a [`ChunkRequest`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChunkResponse {
    /// The blob's size and the bytes from the requested offset: exactly
    /// `min(len, total - offset)` of them.
    Chunk {
        /// The whole blob's size.
        total: u64,
        /// The bytes.
        bytes: Vec<u8>,
    },
    /// The peer does not hold the blob (or holds a copy that failed its own check).
    NotFound,
    /// The peer is serving as many blob requests as it allows; nothing is wrong with the request.
    Busy,
    /// The request is malformed, of an unknown version, or its offset is past the end.
    BadRequest,
}

/// Why a message could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WireError {
    /// Not well-formed CBOR within the message limits.
    #[error("malformed: {0}")]
    Malformed(#[from] CborError),
    /// Well-formed CBOR of the wrong shape.
    #[error("wrong shape: {0}")]
    Shape(&'static str),
    /// A request of a version this implementation does not speak.
    #[error("unknown version {0}")]
    UnknownVersion(u64),
    /// A response status this implementation does not know.
    #[error("unknown status {0}")]
    UnknownStatus(u64),
    /// A request for zero bytes or more than [`MAX_CHUNK_BYTES`].
    #[error("chunk length {len} is not between 1 and {max}")]
    BadLength {
        /// The length asked for.
        len: u64,
        /// The limit.
        max: u32,
    },
    /// A request starting at or past [`MAX_BLOB_BYTES`], where no blob has bytes.
    #[error("offset {offset} is past the largest blob ({max} bytes)")]
    BadOffset {
        /// The offset asked for.
        offset: u64,
        /// The largest blob.
        max: u64,
    },
}

impl WireError {
    /// A stable name for the error, as in `spec/blobs.md` and the test vectors.
    pub fn code(&self) -> &'static str {
        match self {
            WireError::Malformed(_) => "malformed",
            WireError::Shape(_) => "shape",
            WireError::UnknownVersion(_) => "unknown_version",
            WireError::UnknownStatus(_) => "unknown_status",
            WireError::BadLength { .. } => "bad_length",
            WireError::BadOffset { .. } => "bad_offset",
        }
    }
}

impl ChunkRequest {
    /// The bytes `[offset, end)` of a blob of `total` bytes this request asks for, or `None`
    /// when the offset is at or past the end (answer [`ChunkResponse::BadRequest`]).
    pub fn span(&self, total: u64) -> Option<std::ops::Range<u64>> {
        (self.offset < total).then(|| self.offset..total.min(self.offset + u64::from(self.len)))
    }

    /// The request's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(MAX_REQUEST_BYTES);
        put(&mut out, ARRAY, 4);
        put(&mut out, UINT, BLOB_WIRE_VERSION);
        put(&mut out, BYTES, 32);
        out.extend_from_slice(&self.id.0);
        put(&mut out, UINT, self.offset);
        put(&mut out, UINT, u64::from(self.len));
        out
    }

    /// Reads a request from untrusted bytes.
    pub fn decode(bytes: &[u8]) -> Result<ChunkRequest, WireError> {
        cbor::check(
            bytes,
            &Limits {
                max_bytes: MAX_REQUEST_BYTES,
                max_depth: 1,
                max_collection_len: 4,
                max_string_len: 32,
            },
        )?;
        let mut r = Reader::new(bytes);
        if r.array()? != 4 {
            return Err(WireError::Shape("a request is an array of 4 items"));
        }
        let version = r.uint()?;
        if version != BLOB_WIRE_VERSION {
            return Err(WireError::UnknownVersion(version));
        }
        let id = BlobId(r.fixed("a blob id is 32 bytes")?);
        let offset = r.uint()?;
        if offset >= MAX_BLOB_BYTES {
            return Err(WireError::BadOffset {
                offset,
                max: MAX_BLOB_BYTES,
            });
        }
        let len = r.uint()?;
        let len = u32::try_from(len)
            .ok()
            .filter(|l| (1..=MAX_CHUNK_BYTES).contains(l))
            .ok_or(WireError::BadLength {
                len,
                max: MAX_CHUNK_BYTES,
            })?;
        Ok(ChunkRequest { id, offset, len })
    }
}

impl ChunkResponse {
    /// The response's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let status = match self {
            ChunkResponse::Chunk { total, bytes } => {
                let mut out = Vec::with_capacity(bytes.len() + 16);
                put(&mut out, ARRAY, 3);
                put(&mut out, UINT, CHUNK);
                put(&mut out, UINT, *total);
                put(&mut out, BYTES, bytes.len() as u64);
                out.extend_from_slice(bytes);
                return out;
            }
            ChunkResponse::NotFound => NOT_FOUND,
            ChunkResponse::Busy => BUSY,
            ChunkResponse::BadRequest => BAD_REQUEST,
        };
        let mut out = Vec::with_capacity(2);
        put(&mut out, ARRAY, 1);
        put(&mut out, UINT, status);
        out
    }

    /// Reads a response from untrusted bytes. The chunk's size against the request and the
    /// total against the blob limit are the fetcher's checks ([`crate::blob::Assembly`]).
    pub fn decode(bytes: &[u8]) -> Result<ChunkResponse, WireError> {
        cbor::check(
            bytes,
            &Limits {
                max_bytes: MAX_RESPONSE_BYTES,
                max_depth: 1,
                max_collection_len: 3,
                max_string_len: MAX_CHUNK_BYTES as usize,
            },
        )?;
        let mut r = Reader::new(bytes);
        let items = r.array()?;
        if items == 0 {
            return Err(WireError::Shape("a response starts with its status"));
        }
        let status = r.uint()?;
        let response = match (status, items) {
            (CHUNK, 3) => ChunkResponse::Chunk {
                total: r.uint()?,
                bytes: r.bytes()?.to_vec(),
            },
            (NOT_FOUND, 1) => ChunkResponse::NotFound,
            (BUSY, 1) => ChunkResponse::Busy,
            (BAD_REQUEST, 1) => ChunkResponse::BadRequest,
            (CHUNK | NOT_FOUND | BUSY | BAD_REQUEST, _) => {
                return Err(WireError::Shape(
                    "a chunk has 3 items, every other status 1",
                ));
            }
            (other, _) => return Err(WireError::UnknownStatus(other)),
        };
        Ok(response)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> ChunkRequest {
        ChunkRequest {
            id: BlobId([7; 32]),
            offset: 262_144,
            len: MAX_CHUNK_BYTES,
        }
    }

    #[test]
    fn a_request_round_trips_in_shortest_form() {
        let bytes = request().encode();
        assert_eq!(bytes.len(), 1 + 1 + 2 + 32 + 5 + 5);
        assert_eq!(&bytes[..4], &[0x84, 0x01, 0x58, 0x20]);
        assert_eq!(ChunkRequest::decode(&bytes), Ok(request()));
    }

    #[test]
    fn every_response_round_trips() {
        for response in [
            ChunkResponse::Chunk {
                total: 5,
                bytes: b"hello".to_vec(),
            },
            ChunkResponse::Chunk {
                total: MAX_BLOB_BYTES,
                bytes: vec![0xab; MAX_CHUNK_BYTES as usize],
            },
            ChunkResponse::NotFound,
            ChunkResponse::Busy,
            ChunkResponse::BadRequest,
        ] {
            let bytes = response.encode();
            assert!(bytes.len() <= MAX_RESPONSE_BYTES);
            assert_eq!(ChunkResponse::decode(&bytes), Ok(response));
        }
    }

    #[test]
    fn requests_for_nothing_too_much_or_past_the_largest_blob_are_refused() {
        let with = |offset: u64, len: u64| {
            let mut out = vec![0x84, 0x01, 0x58, 0x20];
            out.extend_from_slice(&[7; 32]);
            put(&mut out, UINT, offset);
            put(&mut out, UINT, len);
            ChunkRequest::decode(&out)
        };
        assert!(matches!(
            with(0, 0),
            Err(WireError::BadLength { len: 0, .. })
        ));
        assert!(matches!(
            with(0, u64::from(MAX_CHUNK_BYTES) + 1),
            Err(WireError::BadLength { .. })
        ));
        assert!(matches!(
            with(0, u64::MAX),
            Err(WireError::BadLength { .. })
        ));
        assert!(matches!(
            with(MAX_BLOB_BYTES, 1),
            Err(WireError::BadOffset { .. })
        ));
        assert!(with(MAX_BLOB_BYTES - 1, 1).is_ok());
    }

    #[test]
    fn malformed_truncated_or_oversize_requests_are_refused_without_panic() {
        let good = request().encode();
        for cut in 0..good.len() {
            assert!(ChunkRequest::decode(&good[..cut]).is_err(), "cut at {cut}");
        }
        let mut trailing = good.clone();
        trailing.push(0);
        assert!(matches!(
            ChunkRequest::decode(&trailing),
            Err(WireError::Malformed(_))
        ));
        assert!(matches!(
            ChunkRequest::decode(&[0u8; MAX_REQUEST_BYTES + 1]),
            Err(WireError::Malformed(CborError::TooLarge { .. }))
        ));
        let mut version = good.clone();
        version[1] = 0x02;
        assert_eq!(
            ChunkRequest::decode(&version),
            Err(WireError::UnknownVersion(2))
        );
        let mut short_id = vec![0x84, 0x01, 0x58, 0x1f];
        short_id.extend_from_slice(&[7; 31]);
        short_id.extend_from_slice(&[0x00, 0x01]);
        assert!(matches!(
            ChunkRequest::decode(&short_id),
            Err(WireError::Shape(_))
        ));
        // A map, nested arrays, a text id: well-formed, wrong shape.
        assert!(ChunkRequest::decode(&[0xa1, 0x01, 0x02]).is_err());
        assert!(ChunkRequest::decode(&[0x84, 0x81, 0x01, 0x00, 0x00, 0x00]).is_err());
        assert!(ChunkRequest::decode(&[0x84, 0x01, 0x61, b'x', 0x00, 0x01]).is_err());
    }

    #[test]
    fn every_byte_string_of_up_to_three_bytes_decodes_or_fails_cleanly() {
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                let _ = ChunkRequest::decode(&[a, b]);
                let _ = ChunkResponse::decode(&[a, b]);
                let _ = ChunkResponse::decode(&[0x83, a, b]);
            }
        }
    }

    #[test]
    fn responses_with_unknown_status_wrong_arity_or_oversize_chunks_are_refused() {
        assert_eq!(
            ChunkResponse::decode(&[0x81, 0x09]),
            Err(WireError::UnknownStatus(9))
        );
        assert!(matches!(
            ChunkResponse::decode(&[0x82, 0x01, 0x00]),
            Err(WireError::Shape(_))
        ));
        assert!(matches!(
            ChunkResponse::decode(&[0x80]),
            Err(WireError::Shape(_))
        ));
        let mut over = vec![0x83, 0x00, 0x01];
        put(&mut over, BYTES, u64::from(MAX_CHUNK_BYTES) + 1);
        over.resize(over.len() + MAX_CHUNK_BYTES as usize + 1, 0);
        assert!(matches!(
            ChunkResponse::decode(&over),
            Err(WireError::Malformed(CborError::StringTooLong { .. }))
        ));
        // A chunk announcing more bytes than follow.
        assert!(matches!(
            ChunkResponse::decode(&[0x83, 0x00, 0x05, 0x45, b'a']),
            Err(WireError::Malformed(CborError::Truncated { .. }))
        ));
    }

    #[test]
    fn the_span_stops_at_the_end_and_refuses_offsets_past_it() {
        let r = |offset, len| ChunkRequest {
            id: BlobId([0; 32]),
            offset,
            len,
        };
        assert_eq!(r(0, 10).span(100), Some(0..10));
        assert_eq!(r(95, 10).span(100), Some(95..100));
        assert_eq!(r(100, 10).span(100), None);
        assert_eq!(r(0, 10).span(0), None);
    }
}
