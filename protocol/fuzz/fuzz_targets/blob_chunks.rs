//! Reads arbitrary bytes as the frames of `/smartket/blob/1` (`spec/blobs.md`), and as a
//! peer's answers to one blob fetch put together by [`Assembly`].
//!
//! Input: a flags byte, then chunk responses separated by [`SEPARATOR`]. The whole input is
//! also read as one request and one response. Flag bit 0 picks the blob fetched: the `png_1x1`
//! of `spec/vectors/blobs.json`, or the hash of the concatenated chunk bodies (so the fuzzer
//! can complete a blob and reach the media check).
//!
//! Checked: decoded frames re-encode to the same value; a request's span lies inside the blob;
//! the assembly only asks inside the announced size, and a blob it completes has the asked id.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smartket_protocol::BlobId;
use smartket_protocol::blob::{
    Assembly, ChunkRequest, ChunkResponse, MAX_BLOB_BYTES, MAX_CHUNK_BYTES, verify,
};

/// Splits the input into responses; libFuzzer's comparison tracing finds it.
const SEPARATOR: &[u8] = b"\xffBLOB\xff";

/// The id of `png_1x1` in `spec/vectors/blobs.json`.
const PNG_1X1: [u8; 32] = [
    0x7d, 0x4a, 0xe6, 0x44, 0xa9, 0x10, 0x05, 0xec, 0xfc, 0xfb, 0xe4, 0x92, 0x4d, 0x38, 0xbf, 0x22,
    0x43, 0xfa, 0x4b, 0x08, 0x7b, 0x3b, 0xac, 0x5c, 0xf4, 0x50, 0xb4, 0xff, 0x14, 0x6b, 0xdb, 0x06,
];

fn split(mut data: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while let Some(at) = data.windows(SEPARATOR.len()).position(|w| w == SEPARATOR) {
        out.push(&data[..at]);
        data = &data[at + SEPARATOR.len()..];
    }
    out.push(data);
    out
}

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = ChunkRequest::decode(data) {
        assert_eq!(ChunkRequest::decode(&request.encode()), Ok(request));
        assert!((1..=MAX_CHUNK_BYTES).contains(&request.len));
        for total in [1, 70, u64::from(MAX_CHUNK_BYTES) + 1, MAX_BLOB_BYTES] {
            if let Some(span) = request.span(total) {
                assert!(span.start < span.end && span.end <= total);
                assert!(span.end - span.start <= u64::from(request.len));
            }
        }
    }
    if let Ok(response) = ChunkResponse::decode(data) {
        assert_eq!(ChunkResponse::decode(&response.encode()), Ok(response));
    }

    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let responses: Vec<ChunkResponse> = split(rest)
        .into_iter()
        .map_while(|frame| ChunkResponse::decode(frame).ok())
        .collect();
    let id = if flags & 1 == 0 {
        BlobId(PNG_1X1)
    } else {
        let mut whole = Vec::new();
        for response in &responses {
            if let ChunkResponse::Chunk { bytes, .. } = response {
                whole.extend_from_slice(bytes);
            }
        }
        BlobId::of(&whole)
    };
    let mut assembly = Assembly::new(id);
    for response in responses {
        let asked = assembly.next_request();
        assert!((1..=MAX_CHUNK_BYTES).contains(&asked.len));
        assert_eq!(asked.offset, assembly.received());
        let total = match &response {
            ChunkResponse::Chunk { total, .. } => Some(*total),
            _ => None,
        };
        match assembly.accept(response) {
            Ok(None) => {
                let total = total.unwrap_or_else(|| panic!("only a chunk goes on"));
                assert!(assembly.received() < total && total <= MAX_BLOB_BYTES);
            }
            Ok(Some(done)) => {
                assert_eq!(done.id, id);
                assert_eq!(verify(&id, &done.bytes), Ok(done.media));
                break;
            }
            Err(_) => break,
        }
    }
});
