//! The fuzz targets' bodies (`protocol/fuzz/fuzz_targets/`), run as ordinary tests on every
//! spec vector and on hand-made hostile inputs, so the code path libFuzzer explores is covered on
//! stable Rust too. Each hostile input must be refused with its error, and must come back at all:
//! a decoder that allocated what a header claims, or recursed as deep as the input nests, would
//! abort or hang here instead.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use smartket_protocol::cbor::{self, Limits};
use smartket_protocol::record::signing_input;
use smartket_protocol::seal::{self, BUCKETS, SeedRng, TAG_LEN};
use smartket_protocol::{
    AuthorKey, CborError, EncryptionKey, Envelope, OpenedMessage, Payload, Record, RecordError,
    RecordId, SealError, SecretKey, Signature,
};

/// The clock of the fuzz targets and of `spec/vectors/`.
const NOW: u64 = 1_800_000_000_000;

/// The body of the `record_open` target.
fn record_open(data: &[u8]) -> Result<Record, RecordError> {
    Record::open(data, NOW)
}

/// The body of the `payload_decode` target, returning what `from_verified` said.
fn payload_decode(data: &[u8]) -> Result<Record, RecordError> {
    let mut author = AuthorKey([0x19; 32]);
    if let Ok(payload) = Payload::decode(data) {
        // Signed by the author it names, as the envelope check requires.
        author = payload.author;
        assert!(payload.validate().is_ok());
        assert!(payload.encode().is_ok());
    }
    let envelope = Envelope {
        payload: data.to_vec(),
        author,
        signature: Signature([0; 64]),
    };
    Record::from_verified(envelope, NOW)
}

/// The body of the `unseal` target: open as the farm of the vectors.
fn unseal(data: &[u8]) -> Result<OpenedMessage, SealError> {
    let me = SecretKey::from_bytes(&[42; 32]).public();
    let key = EncryptionKey::from_seed(&[142; 32]);
    let opened = seal::open(&me, &key, data, &Limits::MESSAGE)?;
    assert!(opened.verify().is_ok());
    assert_eq!(opened.to.author, me);
    Ok(opened)
}

/// The body of the `unseal_plaintext` target: `data`, zero-filled to a bucket, encrypted to
/// the farm as the padded plaintext, then opened. `None` if it fits no bucket.
fn unseal_plaintext(data: &[u8]) -> Option<Result<OpenedMessage, SealError>> {
    let bucket = BUCKETS.into_iter().find(|b| data.len() + TAG_LEN <= *b)?;
    let mut padded = data.to_vec();
    padded.resize(bucket - TAG_LEN, 0);
    let key = EncryptionKey::from_seed(&[142; 32]);
    let sealed = seal::encrypt_padded(&key.public(), &padded, &mut SeedRng::new(&[7; 32])).ok()?;
    Some(unseal(sealed.as_bytes()))
}

fn seal_code(result: Result<OpenedMessage, SealError>) -> String {
    match result {
        Ok(_) => "ok".into(),
        Err(e) => e.code().into(),
    }
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
        assert_eq!(code(payload_decode(&payload)), "ok", "{name}");
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

#[test]
fn the_unseal_bodies_open_the_sealed_vectors_addressed_to_the_farm_only() {
    let farm = SecretKey::from_bytes(&[42; 32]).public().to_hex();
    let valid = vectors("sealed.json");
    assert_eq!(valid.len(), 6);
    for v in valid {
        let name = v["name"].as_str().unwrap();
        let sealed = hex::decode(v["sealed"].as_str().unwrap()).unwrap();
        let expected = if v["recipient"] == farm.as_str() {
            "ok"
        } else {
            "decryption_failed"
        };
        assert_eq!(seal_code(unseal(&sealed)), expected, "{name}");
        // The plaintext, re-encrypted to the farm: opens only if signed for the farm.
        let plaintext = hex::decode(v["plaintext"].as_str().unwrap()).unwrap();
        let mut padded = (plaintext.len() as u32).to_be_bytes().to_vec();
        padded.extend_from_slice(&plaintext);
        let expected = if v["recipient"] == farm.as_str() {
            "ok"
        } else {
            "not_addressed_to_me"
        };
        assert_eq!(
            seal_code(unseal_plaintext(&padded).unwrap()),
            expected,
            "{name}"
        );
    }
    // The invalid vectors meant for the farm give their codes. (The one meant for the courier
    // is the valid order, which the farm can open.)
    let mut checked = 0;
    for v in vectors("sealed-invalid.json") {
        if v["recipient"] == farm.as_str() {
            let sealed = hex::decode(v["sealed"].as_str().unwrap()).unwrap();
            let name = v["name"].as_str().unwrap();
            assert_eq!(
                seal_code(unseal(&sealed)),
                v["error"].as_str().unwrap(),
                "{name}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 8);
}

#[test]
fn hostile_sealed_messages_are_refused_before_decrypting() {
    let nested = vec![0x81u8; 128 * 1024];
    assert_eq!(seal_code(unseal(&nested)), "oversize");
    assert_eq!(seal_code(unseal(&nested[..1024])), "malformed");
    // [1, enc, ct] with ct claiming 2^63 bytes, and an outer array claiming 2^32 items.
    let mut huge = vec![0x83, 0x01, 0x58, 0x20];
    huge.extend_from_slice(&[9; 32]);
    huge.extend_from_slice(&[0x5b, 0x80, 0, 0, 0, 0, 0, 0, 0]);
    huge.extend_from_slice(&[0; 64]);
    assert_eq!(seal_code(unseal(&huge)), "malformed");
    let wide = [0x9b, 0, 0, 0, 1, 0, 0, 0, 0, 0x01];
    assert_eq!(seal_code(unseal(&wide)), "malformed");
    assert_eq!(seal_code(unseal(&[])), "malformed");
}

#[test]
fn hostile_plaintexts_behind_the_encryption_are_refused() {
    // A length prefix past the end, then non-zero padding.
    assert_eq!(
        seal_code(unseal_plaintext(&[0xff, 0xff, 0xff, 0xff]).unwrap()),
        "malformed"
    );
    assert_eq!(
        seal_code(unseal_plaintext(&[0, 0, 0, 0, 1]).unwrap()),
        "malformed"
    );
    // A plaintext of 4 000 nested arrays, and one whose inner bytes claim 2^32 map entries.
    let mut deep_inner = vec![0x81u8; 4000];
    deep_inner.push(0x00);
    let mut deep = vec![0x82, 0x59];
    deep.extend_from_slice(&(deep_inner.len() as u16).to_be_bytes());
    deep.extend_from_slice(&deep_inner);
    deep.extend_from_slice(&[0x58, 0x40]);
    deep.extend_from_slice(&[0; 64]);
    let mut padded = (deep.len() as u32).to_be_bytes().to_vec();
    padded.extend_from_slice(&deep);
    let err = unseal_plaintext(&padded).unwrap().unwrap_err();
    assert!(
        matches!(&err, SealError::Malformed(m) if m.contains("deeper")),
        "{err}"
    );
    let mut inner = vec![0x82, 0x4a, 0xbb, 0, 0, 0, 1, 0, 0, 0, 0, 0x00, 0x58, 0x40];
    inner.extend_from_slice(&[0; 64]);
    let mut padded = (inner.len() as u32).to_be_bytes().to_vec();
    padded.extend_from_slice(&inner);
    let err = unseal_plaintext(&padded).unwrap().unwrap_err();
    assert!(
        matches!(&err, SealError::Malformed(m) if m.contains("declares")),
        "{err}"
    );
    // Too long for the largest bucket: the target skips it.
    assert!(unseal_plaintext(&vec![0; 64 * 1024]).is_none());
}
