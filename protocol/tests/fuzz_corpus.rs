//! The fuzz targets' bodies (`protocol/fuzz/fuzz_targets/`), run as ordinary tests on every
//! spec vector and on hand-made hostile inputs, so the code path libFuzzer explores is covered on
//! stable Rust too. Each hostile input must be refused with its error, and must come back at all:
//! a decoder that allocated what a header claims, or recursed as deep as the input nests, would
//! abort or hang here instead.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use smartket_protocol::cbor::{self, Limits};
use smartket_protocol::record::signing_input;
use smartket_protocol::{
    AuthorKey, CborError, Envelope, Payload, Record, RecordError, RecordId, SecretKey, Signature,
};

/// The clock of the fuzz targets and of `spec/vectors/`.
const NOW: u64 = 1_800_000_000_000;

/// The body of the `record_open` target.
fn record_open(data: &[u8]) -> Result<Record, RecordError> {
    Record::open(data, NOW)
}

/// The body of the `payload_decode` target, returning what `from_verified` said.
fn payload_decode(data: &[u8]) -> Result<Record, RecordError> {
    if let Ok(payload) = Payload::decode(data) {
        assert!(payload.validate().is_ok());
        assert!(payload.encode().is_ok());
    }
    let envelope = Envelope {
        payload: data.to_vec(),
        author: AuthorKey([0x19; 32]),
        signature: Signature([0; 64]),
    };
    Record::from_verified(envelope, NOW)
}

/// Signs payload bytes as they are, so the input reaches the payload decoder through `open`.
fn signed(payload: Vec<u8>) -> Vec<u8> {
    let secret = SecretKey::from_bytes(&[42; 32]);
    let id = RecordId(*blake3::hash(&payload).as_bytes());
    let signature = secret.sign(&signing_input(&id));
    Envelope {
        payload,
        author: secret.public(),
        signature,
    }
    .encode()
}

fn code(result: Result<Record, RecordError>) -> String {
    match result {
        Ok(_) => "ok".into(),
        Err(e) => e.code().into(),
    }
}

fn vectors(file: &str) -> Vec<serde_json::Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../spec/vectors")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["vectors"].as_array().unwrap().clone()
}

#[test]
fn the_fuzz_bodies_accept_every_valid_vector_at_the_fuzz_clock() {
    let valid = vectors("records.json");
    assert!(valid.len() >= 6);
    for v in valid {
        let name = v["name"].as_str().unwrap();
        let wire = hex::decode(v["wire"].as_str().unwrap()).unwrap();
        assert_eq!(
            v["now"].as_u64(),
            Some(NOW),
            "{name}: vectors use the fuzz clock"
        );
        assert_eq!(code(record_open(&wire)), "ok", "{name}");
        let payload = hex::decode(v["payload"].as_str().unwrap()).unwrap();
        // The fuzz author is not the vector's, which only the membership countersignature sees.
        let expected = if v["slot"]["kind"] == "membership" {
            "invalid_field"
        } else {
            "ok"
        };
        assert_eq!(code(payload_decode(&payload)), expected, "{name}");
    }
}

#[test]
fn the_fuzz_bodies_refuse_every_invalid_vector_with_its_code() {
    let invalid = vectors("invalid.json");
    assert!(invalid.len() >= 12);
    for v in invalid {
        let name = v["name"].as_str().unwrap();
        let wire = hex::decode(v["wire"].as_str().unwrap()).unwrap();
        let now = v["now"].as_u64().unwrap();
        assert_eq!(
            code(Record::open(&wire, now)),
            v["error"].as_str().unwrap(),
            "{name}"
        );
        if now == NOW {
            assert_eq!(
                code(record_open(&wire)),
                v["error"].as_str().unwrap(),
                "{name}"
            );
        }
    }
}

#[test]
fn nested_array_headers_of_128_kib_are_refused_without_recursing() {
    let nested = vec![0x81u8; 128 * 1024];
    assert_eq!(code(record_open(&nested)), "oversize");
    // As a payload: the size limit comes first, and a 64 KiB one hits the depth limit.
    assert_eq!(code(payload_decode(&nested)), "oversize");
    assert_eq!(code(payload_decode(&nested[..64 * 1024])), "too_deep");
    assert_eq!(
        code(record_open(&signed(nested[..60 * 1024].to_vec()))),
        "too_deep"
    );
    // The walk itself, with the size limit lifted, still stops at the depth limit.
    let lifted = Limits {
        max_bytes: 1 << 20,
        ..Limits::RECORD
    };
    assert_eq!(
        cbor::check(&nested, &lifted),
        Err(CborError::TooDeep { max: 12 })
    );
    // Nested single-entry maps, the other way to nest.
    let mut maps = Vec::new();
    for _ in 0..20_000 {
        maps.extend_from_slice(&[0xa1, 0x61, b'k']);
    }
    maps.push(0x00);
    assert_eq!(code(record_open(&signed(maps))), "too_deep");
}

#[test]
fn a_map_claiming_2_32_entries_is_refused_before_allocating() {
    let mut map = vec![0xbb, 0, 0, 0, 1, 0, 0, 0, 0];
    map.extend_from_slice(&[0x61, b'v', 0x01]);
    assert_eq!(code(record_open(&map)), "schema");
    assert_eq!(code(payload_decode(&map)), "over_limit");
    assert_eq!(code(record_open(&signed(map.clone()))), "over_limit");
    assert!(matches!(
        cbor::check(&map, &Limits::RECORD),
        Err(CborError::CollectionTooLong {
            len: 0x1_0000_0000,
            ..
        })
    ));
    // Under the collection limit but over what remains: a lie, found before reading on.
    let short = [0xb9, 0x01, 0x00, 0x61, b'v', 0x01];
    assert_eq!(code(payload_decode(&short)), "truncated");
}

#[test]
fn a_byte_string_claiming_2_63_bytes_is_refused_before_allocating() {
    let claim = [0x5b, 0x80, 0, 0, 0, 0, 0, 0, 0];
    let mut envelope = vec![0x83];
    envelope.extend_from_slice(&claim);
    envelope.extend_from_slice(&[0; 16]);
    assert_eq!(code(record_open(&envelope)), "truncated");
    let mut payload = claim.to_vec();
    payload.extend_from_slice(&[0; 16]);
    assert_eq!(code(payload_decode(&payload)), "over_limit");
    assert_eq!(code(record_open(&signed(payload))), "over_limit");
    // The largest claims of every width.
    for header in [
        &[0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff][..],
        &[0x7b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff][..],
        &[0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff][..],
        &[0xbb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff][..],
        &[0x5a, 0xff, 0xff, 0xff, 0xff][..],
    ] {
        assert_eq!(code(payload_decode(header)), "over_limit", "{header:02x?}");
        let mut wire = vec![0x83];
        wire.extend_from_slice(header);
        assert_ne!(code(record_open(&wire)), "ok");
    }
}

#[test]
fn empty_and_one_byte_inputs_are_refused() {
    assert_eq!(code(record_open(&[])), "truncated");
    assert_eq!(code(payload_decode(&[])), "truncated");
    for byte in 0..=255u8 {
        assert_ne!(code(record_open(&[byte])), "ok");
        assert_ne!(code(payload_decode(&[byte])), "ok");
    }
}

#[test]
fn a_long_chain_of_tags_is_refused_at_the_first() {
    let tags = vec![0xc1u8; 60 * 1024];
    assert_eq!(code(payload_decode(&tags)), "malformed");
    assert_eq!(code(record_open(&signed(tags))), "malformed");
}
