//! Checks `spec/vectors/blobs.json` both ways, like `vectors.rs` does for records: the file
//! must hold exactly what this implementation builds, and each vector must hold on its own
//! terms (bytes hash to the id and sniff to the type; fields encode to the hex and the hex
//! decodes to the fields; refused inputs give their error code). With
//! `SMARTKET_WRITE_VECTORS=1` the file is written first.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "common/vector_file.rs"]
mod vector_file;

use serde::{Deserialize, Serialize};
use smartket_protocol::BlobId;
use smartket_protocol::blob::{
    self, ChunkRequest, ChunkResponse, MAX_BLOB_BYTES, MAX_CHUNK_BYTES, MediaType,
};

/// A 1×1 PNG (one pixel of Geneva red, RGBA e3 00 2d ff).
const PNG_1X1: &str = "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da6378cca0fb1f0004ea02105cf270b10000000049454e44ae426082";

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct File {
    description: String,
    blobs: Vec<BlobVector>,
    refused_blobs: Vec<RefusedBlob>,
    requests: Vec<RequestVector>,
    responses: Vec<ResponseVector>,
    refused_requests: Vec<RefusedMessage>,
    refused_responses: Vec<RefusedMessage>,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct BlobVector {
    name: String,
    bytes: String,
    id: String,
    media_type: String,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct RefusedBlob {
    name: String,
    bytes: String,
    /// The name it was offered under; absent for an upload (named by its hash).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    claimed_id: Option<String>,
    error: String,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct RequestVector {
    name: String,
    id: String,
    offset: u64,
    len: u32,
    hex: String,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct ResponseVector {
    name: String,
    status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    total: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    bytes: Option<String>,
    hex: String,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct RefusedMessage {
    name: String,
    hex: String,
    error: String,
}

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

fn status_of(response: &ChunkResponse) -> (&'static str, Option<u64>, Option<String>) {
    match response {
        ChunkResponse::Chunk { total, bytes } => ("chunk", Some(*total), Some(hex::encode(bytes))),
        ChunkResponse::NotFound => ("not_found", None, None),
        ChunkResponse::Busy => ("busy", None, None),
        ChunkResponse::BadRequest => ("bad_request", None, None),
    }
}

fn build() -> File {
    let png = unhex(PNG_1X1);
    let jpeg = unhex("ffd8ffe000104a46494600010100000100010000ffd9");
    let webp = b"RIFF\x1a\0\0\0WEBPVP8L\x0d\0\0\0\x2f\0\0\0\x10\x07\x10\x11\x11\x88\x88\xfe\x07\0"
        .to_vec();
    let blobs = [
        ("png_1x1", &png),
        ("jpeg_header", &jpeg),
        ("webp_header", &webp),
    ]
    .into_iter()
    .map(|(name, bytes)| {
        let (id, media) = blob::check_upload(bytes).unwrap();
        BlobVector {
            name: name.into(),
            bytes: hex::encode(bytes),
            id: id.to_hex(),
            media_type: media.mime().into(),
        }
    })
    .collect();

    let mut tampered = png.clone();
    tampered[60] ^= 0x01;
    let refused_blobs = vec![
        RefusedBlob {
            name: "gif".into(),
            bytes: hex::encode(b"GIF89a\x01\0\x01\0\0\0\0;"),
            claimed_id: None,
            error: "unsupported_media".into(),
        },
        RefusedBlob {
            name: "svg".into(),
            bytes: hex::encode(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
            claimed_id: None,
            error: "unsupported_media".into(),
        },
        RefusedBlob {
            name: "empty".into(),
            bytes: String::new(),
            claimed_id: None,
            error: "empty".into(),
        },
        RefusedBlob {
            name: "png_1x1_one_bit_flipped".into(),
            bytes: hex::encode(&tampered),
            claimed_id: Some(BlobId::of(&png).to_hex()),
            error: "mismatch".into(),
        },
    ];
    for r in &refused_blobs {
        let bytes = unhex(&r.bytes);
        let err = match &r.claimed_id {
            Some(id) => blob::verify(&id.parse().unwrap(), &bytes).unwrap_err(),
            None => blob::check_upload(&bytes).unwrap_err(),
        };
        assert_eq!(err.code(), r.error, "{}", r.name);
    }

    let png_id = BlobId::of(&png);
    let requests = [
        ("first_chunk", png_id, 0, MAX_CHUNK_BYTES),
        (
            "second_chunk",
            png_id,
            u64::from(MAX_CHUNK_BYTES),
            MAX_CHUNK_BYTES,
        ),
        ("tail_of_png_1x1", png_id, 64, 100),
    ]
    .into_iter()
    .map(|(name, id, offset, len)| RequestVector {
        name: name.into(),
        id: id.to_hex(),
        offset,
        len,
        hex: hex::encode(ChunkRequest { id, offset, len }.encode()),
    })
    .collect();

    let responses = [
        (
            "whole_png_1x1",
            ChunkResponse::Chunk {
                total: png.len() as u64,
                bytes: png.clone(),
            },
        ),
        (
            "tail_of_png_1x1",
            ChunkResponse::Chunk {
                total: png.len() as u64,
                bytes: png[64..].to_vec(),
            },
        ),
        ("not_found", ChunkResponse::NotFound),
        ("busy", ChunkResponse::Busy),
        ("bad_request", ChunkResponse::BadRequest),
    ]
    .into_iter()
    .map(|(name, response)| {
        let (status, total, bytes) = status_of(&response);
        ResponseVector {
            name: name.into(),
            status: status.into(),
            total,
            bytes,
            hex: hex::encode(response.encode()),
        }
    })
    .collect();

    let id_hex = png_id.to_hex();
    let request_with =
        |version: &str, offset: &str, len: &str| format!("84{version}5820{id_hex}{offset}{len}");
    let refused_requests = vec![
        ("zero_length", request_with("01", "00", "00"), "bad_length"),
        (
            "chunk_over_256_kib",
            request_with("01", "00", "1a00040001"),
            "bad_length",
        ),
        (
            "offset_at_8_mib",
            request_with("01", "1a00800000", "01"),
            "bad_offset",
        ),
        (
            "version_2",
            request_with("02", "00", "01"),
            "unknown_version",
        ),
        (
            "short_id",
            format!("84015819{}0001", &id_hex[..50]),
            "shape",
        ),
        (
            "truncated",
            request_with("01", "00", "")[..70].to_owned(),
            "malformed",
        ),
        (
            "trailing_byte",
            format!("{}00", request_with("01", "00", "01")),
            "malformed",
        ),
        ("map", "a10102".to_owned(), "shape"),
    ]
    .into_iter()
    .map(|(name, hex, error)| RefusedMessage {
        name: name.into(),
        hex,
        error: error.into(),
    })
    .collect();

    let refused_responses = vec![
        ("unknown_status", "8109".to_owned(), "unknown_status"),
        ("not_found_with_extra_item", "820100".to_owned(), "shape"),
        ("empty_array", "80".to_owned(), "shape"),
        (
            "chunk_longer_than_its_header_says_is_there",
            "830005456162".to_owned(),
            "malformed",
        ),
        (
            "chunk_over_256_kib",
            format!("8300{}5a00040001", "1a00800000"),
            "malformed",
        ),
    ]
    .into_iter()
    .map(|(name, hex, error)| RefusedMessage {
        name: name.into(),
        hex,
        error: error.into(),
    })
    .collect();

    File {
        description: format!(
            "Blobs (spec/blobs.md): accepted images with their blake3 ids and sniffed types, \
             refused blobs with their error codes, and the /smartket/blob/1 chunk messages \
             byte for byte. Limits: blobs at most {MAX_BLOB_BYTES} bytes, chunks at most \
             {MAX_CHUNK_BYTES} bytes."
        ),
        blobs,
        refused_blobs,
        requests,
        responses,
        refused_requests,
        refused_responses,
    }
}

/// Checks the file's vectors from their own contents, as another implementation would.
fn check_on_own_terms(file: &File) {
    for v in &file.blobs {
        let bytes = unhex(&v.bytes);
        assert_eq!(
            v.id,
            hex::encode(blake3::hash(&bytes).as_bytes()),
            "{}",
            v.name
        );
        let media = MediaType::sniff(&bytes).unwrap();
        assert_eq!(media.mime(), v.media_type, "{}", v.name);
        assert_eq!(blob::verify(&v.id.parse().unwrap(), &bytes), Ok(media));
    }
    for v in &file.requests {
        let request = ChunkRequest {
            id: v.id.parse().unwrap(),
            offset: v.offset,
            len: v.len,
        };
        assert_eq!(hex::encode(request.encode()), v.hex, "{}", v.name);
        assert_eq!(
            ChunkRequest::decode(&unhex(&v.hex)),
            Ok(request),
            "{}",
            v.name
        );
    }
    for v in &file.responses {
        let decoded = ChunkResponse::decode(&unhex(&v.hex)).unwrap();
        let (status, total, bytes) = status_of(&decoded);
        assert_eq!(
            (status, total, bytes.as_ref()),
            (v.status.as_str(), v.total, v.bytes.as_ref()),
            "{}",
            v.name
        );
        assert_eq!(hex::encode(decoded.encode()), v.hex, "{}", v.name);
    }
    for v in &file.refused_requests {
        let err = ChunkRequest::decode(&unhex(&v.hex)).unwrap_err();
        assert_eq!(err.code(), v.error, "{}: {err}", v.name);
    }
    for v in &file.refused_responses {
        let err = ChunkResponse::decode(&unhex(&v.hex)).unwrap_err();
        assert_eq!(err.code(), v.error, "{}: {err}", v.name);
    }
}

#[test]
fn blob_vectors_match_the_implementation_and_hold_on_their_own_terms() {
    let stored = vector_file::stored_equals_built("blobs.json", &build());
    check_on_own_terms(&stored);
}
