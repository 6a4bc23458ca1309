//! Builds every record vector from fixed keys and fixed times.
//!
//! Valid records come from the typed API (`Payload` + `Record::sign`) or, where a vector must
//! show something the typed writer never produces (fields in another order, an unknown key), from
//! hand-made CBOR signed with the same rule. Invalid records are valid ones with one thing
//! broken, each signed properly whenever the fault is meant to be found after the signature.

use std::collections::BTreeMap;

use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};
use smartket_protocol::kinds::Tombstone;
use smartket_protocol::record::{
    MAX_CLOCK_SKEW_MS, MAX_LIFETIME_MS, MAX_RECORD_BYTES, signing_input,
};
use smartket_protocol::{Body, Envelope, Kind, Payload, Record, RecordError, RecordId, SecretKey};

use crate::json::{Json, diagnostic};

/// The clock every vector is checked at, unless it says otherwise: 2027-01-15T08:00:00Z.
pub(crate) const NOW: u64 = 1_800_000_000_000;
const HOUR: u64 = 60 * 60 * 1000;
const DAY: u64 = 24 * HOUR;

/// The producer who signs most vectors.
pub(crate) const PRODUCER: [u8; 32] = [42; 32];

/// One valid record, with everything an implementation needs to rebuild and open it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ValidVector {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) secret_key: String,
    pub(crate) author: String,
    pub(crate) now: u64,
    pub(crate) fields: Json,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) decoded_fields: Option<Json>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) derived: BTreeMap<String, String>,
    pub(crate) payload_diagnostic: String,
    pub(crate) payload: String,
    pub(crate) id: String,
    pub(crate) signing_input: String,
    pub(crate) signature: String,
    pub(crate) wire: String,
    pub(crate) slot: SlotJson,
}

/// The slot a valid record fills.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SlotJson {
    pub(crate) author: String,
    pub(crate) kind: String,
    pub(crate) key: String,
}

/// Bytes that every implementation must refuse, the code this one gives and, for
/// `invalid_field`, the field it names: a vector that is refused for another field than the
/// one its fault is in would pass an implementation lacking the rule it is meant to test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct InvalidVector {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) now: u64,
    pub(crate) wire: String,
    pub(crate) error: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) field: Option<String>,
}

/// The code and, for `invalid_field`, the field that opening `wire` at `now` gives here.
pub(crate) fn refusal(wire: &[u8], now: u64) -> (String, Option<String>) {
    match Record::open(wire, now) {
        Ok(_) => ("ok".to_owned(), None),
        Err(RecordError::InvalidField { field, .. }) => ("invalid_field".to_owned(), Some(field)),
        Err(e) => (e.code().to_owned(), None),
    }
}

/// A vector file: what it holds, then the vectors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct VectorFile<T> {
    pub(crate) description: String,
    pub(crate) vectors: Vec<T>,
}

/// Signs payload bytes as they are, valid or not, with the record signing rule.
pub(crate) fn sign_raw(secret: &SecretKey, payload: Vec<u8>) -> Envelope {
    let id = RecordId(*blake3::hash(&payload).as_bytes());
    let signature = secret.sign(&signing_input(&id));
    Envelope {
        payload,
        author: secret.public(),
        signature,
    }
}

/// A valid vector from payload bytes, opened at `now`. Panics if the record does not open: a
/// builder bug must not reach the files.
pub(crate) fn valid(
    name: &str,
    description: &str,
    secret: &[u8; 32],
    payload: Vec<u8>,
    now: u64,
) -> ValidVector {
    let secret = SecretKey::from_bytes(secret);
    let envelope = sign_raw(&secret, payload);
    let wire = envelope.encode();
    let record = Record::open(&wire, now).unwrap_or_else(|e| panic!("{name}: {e}"));
    let fields = Json::from_cbor(
        &ciborium::de::from_reader(envelope.payload.as_slice()).expect("payload is CBOR"),
    );
    let decoded = Json::of(&record.payload);
    let slot = record.slot();
    ValidVector {
        name: name.into(),
        description: description.into(),
        secret_key: hex::encode(secret.to_bytes()),
        author: secret.public().to_hex(),
        now,
        decoded_fields: (decoded != fields).then_some(decoded),
        fields,
        derived: BTreeMap::new(),
        payload_diagnostic: diagnostic(&envelope.payload),
        payload: hex::encode(&envelope.payload),
        id: record.id.to_hex(),
        signing_input: hex::encode(signing_input(&record.id)),
        signature: envelope.signature.to_hex(),
        wire: hex::encode(&wire),
        slot: SlotJson {
            author: slot.author.to_hex(),
            kind: slot.kind.as_str().into(),
            key: slot.key,
        },
    }
}

/// A valid vector from a typed payload.
pub(crate) fn valid_typed(
    name: &str,
    description: &str,
    secret: &[u8; 32],
    payload: &Payload,
    now: u64,
) -> ValidVector {
    let mut payload = payload.clone();
    payload.author = SecretKey::from_bytes(secret).public();
    let bytes = payload.encode().expect("encodable");
    valid(name, description, secret, bytes, now)
}

/// An invalid vector whose error names no field. Panics unless opening `wire` at `now` gives
/// `error`, so the files only ever hold what this implementation really does.
pub(crate) fn invalid(
    name: &str,
    description: &str,
    wire: Vec<u8>,
    now: u64,
    error: &str,
) -> InvalidVector {
    refused(name, description, wire, now, error, None)
}

/// An invalid vector refused as `invalid_field` for `field`. Panics unless opening `wire` at
/// `now` names exactly that field.
pub(crate) fn invalid_field(
    name: &str,
    description: &str,
    wire: Vec<u8>,
    now: u64,
    field: &str,
) -> InvalidVector {
    refused(name, description, wire, now, "invalid_field", Some(field))
}

/// An invalid vector refused with `error` and, for `invalid_field`, `field`.
pub(crate) fn refused(
    name: &str,
    description: &str,
    wire: Vec<u8>,
    now: u64,
    error: &str,
    field: Option<&str>,
) -> InvalidVector {
    let got = refusal(&wire, now);
    assert_eq!(
        (got.0.as_str(), got.1.as_deref()),
        (error, field),
        "vector {name}"
    );
    InvalidVector {
        name: name.into(),
        description: description.into(),
        now,
        wire: hex::encode(wire),
        error: error.into(),
        field: field.map(str::to_owned),
    }
}

/// The tombstone every invalid vector starts from: the producer deletes the listing
/// `pommes-gala`, one hour before [`NOW`].
pub(crate) fn base_tombstone() -> Payload {
    tombstone("pommes-gala", NOW - HOUR, NOW - 90 * DAY)
}

fn tombstone(key: &str, rev: u64, created: u64) -> Payload {
    let mut payload = Payload::new(
        "geneva",
        key,
        rev,
        MAX_LIFETIME_MS,
        Body::Tombstone(Tombstone {
            target_kind: Kind::Listing,
        }),
    );
    payload.created = created;
    payload.author = SecretKey::from_bytes(&PRODUCER).public();
    payload
}

/// Valid tombstones: the plain case, and the edges of the header rules.
pub(crate) fn valid_tombstones() -> Vec<ValidVector> {
    let base = base_tombstone();
    let mut reordered = Json::of(&base);
    if let Json::Object(entries) = &mut reordered {
        entries.reverse();
    }
    let mut unknown = Json::of(&base);
    if let Json::Object(entries) = &mut unknown {
        entries.push(("x-note".into(), Json::Text("ignored by v1 readers".into())));
    }
    vec![
        valid_typed(
            "tombstone",
            "The producer deletes its listing `pommes-gala`: slot (author, listing, \
             \"pommes-gala\"). A tombstone expires exactly MAX_LIFETIME_MS after its rev.",
            &PRODUCER,
            &base,
            NOW,
        ),
        valid(
            "tombstone_fields_in_reverse_order",
            "The same tombstone with the header keys in reverse order (body first). Readers \
             accept any key order; writers use the order of `fields` in the `tombstone` vector.",
            &PRODUCER,
            reordered.to_cbor_bytes(),
            NOW,
        ),
        valid(
            "tombstone_with_unknown_key",
            "An extra header key unknown to version 1 is ignored, but stays in the signed bytes \
             (decoded_fields shows what a v1 reader keeps).",
            &PRODUCER,
            unknown.to_cbor_bytes(),
            NOW,
        ),
        valid_typed(
            "tombstone_at_max_clock_skew",
            "rev is exactly MAX_CLOCK_SKEW_MS (10 min) ahead of now: still accepted.",
            &PRODUCER,
            &tombstone("pommes-gala", NOW + MAX_CLOCK_SKEW_MS, NOW - 90 * DAY),
            NOW,
        ),
        valid_typed(
            "tombstone_one_ms_before_expiry",
            "expires is now + 1 ms: still accepted (a record is expired when expires <= now).",
            &PRODUCER,
            &tombstone(
                "poires-williams",
                NOW + 1 - MAX_LIFETIME_MS,
                NOW - 200 * DAY,
            ),
            NOW,
        ),
    ]
}

/// `payload` as fields with `key` set to `value` (added at the end if absent).
pub(crate) fn with(payload: &Json, key: &str, value: Json) -> Json {
    let mut out = payload.clone();
    if let Json::Object(entries) = &mut out {
        match entries.iter_mut().find(|(k, _)| k == key) {
            Some(entry) => entry.1 = value,
            None => entries.push((key.into(), value)),
        }
    }
    out
}

/// `payload` as fields without `key`.
pub(crate) fn without(payload: &Json, key: &str) -> Json {
    let mut out = payload.clone();
    if let Json::Object(entries) = &mut out {
        entries.retain(|(k, _)| k != key);
    }
    out
}

/// Signs `payload` bytes as the producer and returns the wire.
pub(crate) fn signed(payload: Vec<u8>) -> Vec<u8> {
    sign_raw(&SecretKey::from_bytes(&PRODUCER), payload).encode()
}

/// Signs the tombstone fields `fields` as the producer and returns the wire.
pub(crate) fn signed_fields(fields: &Json) -> Vec<u8> {
    signed(fields.to_cbor_bytes())
}

/// The first 32-byte string of the form [i, 0, ...] that is not an ed25519 point.
fn not_a_point() -> [u8; 32] {
    (2u8..=255)
        .map(|i| {
            let mut bytes = [0u8; 32];
            bytes[0] = i;
            bytes
        })
        .find(|bytes| VerifyingKey::from_bytes(bytes).is_err())
        .expect("some small y is not on the curve")
}

/// The first encoding `y + p` (p = 2^255 − 19, y < 19) that ed25519-dalek decodes to a point of
/// large order: one fault (the encoding), not also an off-curve or weak key.
fn y_not_reduced() -> [u8; 32] {
    (2u8..19)
        .map(|y| {
            let mut bytes = [0xff; 32];
            bytes[0] = 0xed + y;
            bytes[31] = 0x7f;
            bytes
        })
        .find(|bytes| {
            let mut reduced = [0u8; 32];
            reduced[0] = bytes[0] - 0xed;
            VerifyingKey::from_bytes(&reduced).is_ok_and(|k| !k.is_weak())
        })
        .expect("some small y is a point of large order")
}

/// The order of the ed25519 base point, little-endian.
const GROUP_ORDER: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

/// A signature of the base tombstone (`base_tombstone`, author [42; 32]) whose R is the identity
/// point: R = 01 00 .. 00, S = k * a mod L with k = SHA-512(R || A || signing input) mod L and a
/// the clamped secret scalar. Computed outside Rust (no SHA-512 or scalar arithmetic is exposed
/// by our dependencies), e.g. in Python:
/// `a = clamp(sha512(seed)[:32]); k = int(sha512(R + A + M)) % L; S = k * a % L`.
const R_IDENTITY_SIGNATURE: [u8; 64] = hex_literal(
    "0100000000000000000000000000000000000000000000000000000000000000\
     c2246446da2f7650c0efc20dcbbbeed47aa3702b56bd49eae6c8a2029b5c9104",
);

/// 64 bytes from 128 hex digits, at compile time.
const fn hex_literal(s: &str) -> [u8; 64] {
    const fn digit(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => panic!("not a hex digit"),
        }
    }
    let bytes = s.as_bytes();
    assert!(bytes.len() == 128);
    let mut out = [0u8; 64];
    let mut i = 0;
    while i < 64 {
        out[i] = digit(bytes[2 * i]) << 4 | digit(bytes[2 * i + 1]);
        i += 1;
    }
    out
}

/// Adds the group order to the S half of a signature: the same point equation holds, but S is
/// no longer reduced, which RFC 8032 and strict verification refuse (malleability).
fn unreduced(signature: &[u8; 64]) -> [u8; 64] {
    let mut out = *signature;
    let mut carry = 0u16;
    for i in 0..32 {
        let sum = u16::from(out[32 + i]) + u16::from(GROUP_ORDER[i]) + carry;
        out[32 + i] = sum as u8;
        carry = sum >> 8;
    }
    assert_eq!(carry, 0, "S + L fits 256 bits");
    out
}

/// Every invalid record vector built on the tombstone.
pub(crate) fn invalid_records() -> Vec<InvalidVector> {
    let base = base_tombstone();
    let fields = Json::of(&base);
    let good = signed_fields(&fields);
    let envelope = Envelope::decode(&good).expect("good envelope");
    let mut out = Vec::new();

    // The envelope.
    let mut flipped = envelope.clone();
    flipped.signature.0[0] ^= 0x01;
    out.push(invalid(
        "bad_signature",
        "The `tombstone` vector with the lowest bit of the signature's first byte flipped.",
        flipped.encode(),
        NOW,
        "bad_signature",
    ));
    let mut other = envelope.clone();
    other.author = SecretKey::from_bytes(&crate::kinds::COURIER).public();
    out.push(invalid(
        "signed_by_another_key",
        "The `tombstone` vector with its author replaced by the key of secret [43; 32].",
        other.encode(),
        NOW,
        "bad_signature",
    ));
    let mut malleable = envelope.clone();
    malleable.signature.0 = unreduced(&envelope.signature.0);
    out.push(invalid(
        "signature_s_not_reduced",
        "The `tombstone` vector with the group order L added to S: the verification equation \
         still holds, but S >= L must be refused (RFC 8032 §5.1.7).",
        malleable.encode(),
        NOW,
        "bad_signature",
    ));
    let mut identity_r = envelope.clone();
    identity_r.signature.0 = R_IDENTITY_SIGNATURE;
    assert!(
        ed25519_dalek::Verifier::verify(
            &identity_r.author.verifying_key().expect("valid key"),
            &signing_input(&identity_r.id()),
            &ed25519_dalek::Signature::from_bytes(&R_IDENTITY_SIGNATURE),
        )
        .is_ok(),
        "the R = identity signature satisfies the plain RFC 8032 equation (recompute it if the \
         base tombstone changed; see R_IDENTITY_SIGNATURE)"
    );
    out.push(invalid(
        "signature_r_small_order",
        "The `tombstone` payload signed by its real author with nonce 0: R is the identity point \
         (01 00 .. 00) and S = k * a mod L. The plain RFC 8032 equation [S]B = R + [k]A holds, \
         but a small-order R must be refused.",
        identity_r.encode(),
        NOW,
        "bad_signature",
    ));
    let mut weak = envelope.clone();
    weak.author.0 = [0; 32];
    weak.author.0[0] = 1;
    out.push(invalid(
        "weak_author_key",
        "The author is the identity point (a small-order key, for which one signature can \
         verify many messages).",
        weak.encode(),
        NOW,
        "bad_author_key",
    ));
    let mut off_curve = envelope.clone();
    off_curve.author.0 = not_a_point();
    out.push(invalid(
        "author_not_a_point",
        "The author's 32 bytes do not decode to a curve point.",
        off_curve.encode(),
        NOW,
        "bad_author_key",
    ));
    let mut unreduced = envelope.clone();
    unreduced.author.0 = y_not_reduced();
    out.push(invalid(
        "author_y_not_reduced",
        "The `tombstone` vector with an author whose y is encoded as y + p (p = 2^255 - 19): \
         decoders that reduce y mod p (ed25519-dalek) read a point of large order, RFC 8032 \
         §5.1.3 refuses the encoding. It is a bad key, not a bad signature.",
        unreduced.encode(),
        NOW,
        "bad_author_key",
    ));
    out.push(invalid(
        "truncated",
        "The `tombstone` vector without its last byte.",
        good[..good.len() - 1].to_vec(),
        NOW,
        "truncated",
    ));
    let mut trailing = good.clone();
    trailing.push(0x00);
    out.push(invalid(
        "trailing_bytes",
        "The `tombstone` vector followed by one more byte.",
        trailing,
        NOW,
        "malformed",
    ));
    let mut huge = vec![0x83, 0x5b, 0x80, 0, 0, 0, 0, 0, 0, 0];
    huge.extend_from_slice(&[0; 8]);
    out.push(invalid(
        "huge_declared_length",
        "An envelope whose payload byte string claims 2^63 bytes.",
        huge,
        NOW,
        "truncated",
    ));
    let big = Envelope {
        payload: vec![0; MAX_RECORD_BYTES],
        ..envelope.clone()
    };
    let big = big.encode();
    out.push(invalid(
        "oversize",
        &format!(
            "An envelope of {} bytes (a payload of 65 536 zero bytes): over the limit of \
             65 536 bytes, refused before anything else is read.",
            big.len()
        ),
        big,
        NOW,
        "oversize",
    ));
    out.push(invalid(
        "envelope_not_an_array",
        "A CBOR map where the envelope array should be.",
        vec![0xa0],
        NOW,
        "schema",
    ));
    let mut four = vec![0x84];
    four.extend_from_slice(&good[1..]);
    four.push(0x40);
    out.push(invalid(
        "envelope_with_four_items",
        "The envelope array declares 4 items (the fourth an empty byte string).",
        four,
        NOW,
        "schema",
    ));
    let mut short_author = vec![0x83];
    short_author.extend_from_slice(&minimal_bstr(&envelope.payload));
    short_author.extend_from_slice(&minimal_bstr(&envelope.author.0[..31]));
    short_author.extend_from_slice(&minimal_bstr(&envelope.signature.0));
    out.push(invalid(
        "author_31_bytes",
        "The author byte string is 31 bytes long.",
        short_author,
        NOW,
        "schema",
    ));

    // The payload's CBOR (each signed, so the fault is found after the signature).
    out.push(invalid(
        "payload_truncated",
        "A signed payload that ends one byte early.",
        signed(envelope.payload[..envelope.payload.len() - 1].to_vec()),
        NOW,
        "truncated",
    ));
    let mut payload_trailing = envelope.payload.clone();
    payload_trailing.push(0xf6);
    out.push(invalid(
        "payload_trailing_bytes",
        "A signed payload followed by one more item (null).",
        signed(payload_trailing),
        NOW,
        "malformed",
    ));
    let mut nested = Json::Int(0);
    for _ in 0..12 {
        nested = Json::Array(vec![nested]);
    }
    out.push(invalid(
        "too_deep",
        "A signed payload with an extra key holding 12 nested arrays: 13 levels with the \
         payload map, over the limit of 12.",
        signed_fields(&with(&fields, "x", nested)),
        NOW,
        "too_deep",
    ));
    let mut map_2_32 = vec![0xbb, 0, 0, 0, 1, 0, 0, 0, 0];
    map_2_32.extend_from_slice(&envelope.payload[1..]);
    out.push(invalid(
        "payload_map_claims_2_32_entries",
        "A signed payload whose map header claims 2^32 entries.",
        signed(map_2_32),
        NOW,
        "over_limit",
    ));
    let mut long_string = fields.to_cbor_bytes();
    long_string[0] += 1; // one more map entry
    long_string.extend_from_slice(&[0x61, b'x', 0x79, 0x40, 0x01]);
    long_string.extend_from_slice(b"abc");
    out.push(invalid(
        "payload_string_over_limit",
        "A signed payload with an extra text string declaring 16 385 bytes (over 16 KiB).",
        signed(long_string),
        NOW,
        "over_limit",
    ));
    for (name, description, value) in [
        (
            "payload_float",
            "A signed payload with an extra key holding the float 1.5 (floats are refused).",
            vec![0xf9, 0x3e, 0x00],
        ),
        (
            "payload_tag",
            "A signed payload with an extra key holding tag 1 (tags are refused).",
            vec![0xc1, 0x1a, 0x6b, 0x49, 0xd2, 0x00],
        ),
        (
            "payload_indefinite_length",
            "A signed payload with an extra key holding an indefinite-length array.",
            vec![0x9f, 0x01, 0xff],
        ),
        (
            "payload_undefined",
            "A signed payload with an extra key holding `undefined` (only false, true and null \
             are accepted simple values).",
            vec![0xf7],
        ),
        (
            "payload_invalid_utf8",
            "A signed payload with an extra key holding a text string that is not UTF-8.",
            vec![0x62, 0xc3, 0x28],
        ),
    ] {
        let mut bytes = fields.to_cbor_bytes();
        bytes[0] += 1;
        bytes.extend_from_slice(&[0x61, b'x']);
        bytes.extend_from_slice(&value);
        out.push(invalid(name, description, signed(bytes), NOW, "malformed"));
    }

    // The payload header.
    let field_cases: Vec<(&str, &str, Json, &str, Option<&str>)> = vec![
        (
            "payload_not_a_map",
            "A signed payload that is an array.",
            Json::Array(vec![Json::Int(1)]),
            "schema",
            None,
        ),
        (
            "duplicate_key",
            "A signed payload with `rev` twice.",
            {
                let mut dup = fields.clone();
                if let Json::Object(entries) = &mut dup {
                    entries.push(("rev".into(), Json::Int(i128::from(NOW))));
                }
                dup
            },
            "schema",
            None,
        ),
        (
            "missing_market",
            "A signed payload without `market`.",
            without(&fields, "market"),
            "schema",
            None,
        ),
        (
            "missing_author",
            "A signed payload without `author`.",
            without(&fields, "author"),
            "schema",
            None,
        ),
        (
            "payload_author_31_bytes",
            "A signed payload whose `author` is the farm's key without its last byte: a \
             fixed-length byte string of the wrong length is `schema`.",
            with(&fields, "author", Json::Bytes(base.author.0[..31].to_vec())),
            "schema",
            None,
        ),
        (
            "rev_is_text",
            "A signed payload whose `rev` is a text string.",
            with(&fields, "rev", Json::Text(NOW.to_string())),
            "schema",
            None,
        ),
        (
            "unknown_version",
            "A signed payload with v = 2.",
            with(&fields, "v", Json::Int(2)),
            "unknown_version",
            None,
        ),
        (
            "unknown_kind",
            "A signed payload with kind \"auction\".",
            with(&fields, "kind", Json::Text("auction".into())),
            "unknown_kind",
            None,
        ),
        (
            "market_not_lowercase",
            "A signed payload for market \"Geneva\" (market ids are lower case).",
            with(&fields, "market", Json::Text("Geneva".into())),
            "invalid_field",
            Some("market"),
        ),
        (
            "empty_slot_key",
            "A signed payload with key \"\".",
            with(&fields, "key", Json::Text(String::new())),
            "invalid_field",
            Some("key"),
        ),
        (
            "slot_key_with_control_character",
            "A signed payload whose key contains a newline.",
            with(&fields, "key", Json::Text("pommes\ngala".into())),
            "invalid_field",
            Some("key"),
        ),
        (
            "created_after_rev",
            "A signed payload whose `created` is 1 ms after its `rev`.",
            with(&fields, "created", Json::Int(i128::from(base.rev + 1))),
            "invalid_field",
            Some("created"),
        ),
        (
            "lifetime_over_maximum",
            "A signed payload living MAX_LIFETIME_MS + 1 ms.",
            with(
                &fields,
                "expires",
                Json::Int(i128::from(base.rev + MAX_LIFETIME_MS + 1)),
            ),
            "invalid_field",
            Some("expires"),
        ),
        (
            "expires_not_after_rev",
            "A signed payload whose `expires` equals its `rev`.",
            with(&fields, "expires", Json::Int(i128::from(base.rev))),
            "invalid_field",
            Some("expires"),
        ),
        (
            "tombstone_short_lifetime",
            "A tombstone expiring 1 day after its rev instead of exactly MAX_LIFETIME_MS.",
            with(&fields, "expires", Json::Int(i128::from(base.rev + DAY))),
            "invalid_field",
            Some("expires"),
        ),
        (
            "tombstone_of_tombstone",
            "A tombstone whose target_kind is \"tombstone\".",
            with(
                &fields,
                "body",
                Json::Object(vec![("target_kind".into(), Json::Text("tombstone".into()))]),
            ),
            "invalid_field",
            Some("body.target_kind"),
        ),
        (
            "tombstone_without_target_kind",
            "A tombstone whose body is an empty map.",
            with(&fields, "body", Json::Object(vec![])),
            "schema",
            None,
        ),
        (
            "tombstone_target_kind_unknown",
            "A tombstone whose target_kind is \"auction\".",
            with(
                &fields,
                "body",
                Json::Object(vec![("target_kind".into(), Json::Text("auction".into()))]),
            ),
            "schema",
            None,
        ),
    ];
    for (name, description, payload, error, field) in field_cases {
        out.push(refused(
            name,
            description,
            signed_fields(&payload),
            NOW,
            error,
            field,
        ));
    }

    // The author named inside the payload.
    out.push(invalid_field(
        "payload_author_differs",
        "The `tombstone` payload (author: the farm) signed by the courier ([43; 32]) and sent \
         with the courier as envelope author: the signature verifies, but a payload names the \
         key that signs it, so nobody can re-sign another author's payload under its id.",
        sign_raw(
            &SecretKey::from_bytes(&crate::kinds::COURIER),
            fields.to_cbor_bytes(),
        )
        .encode(),
        NOW,
        "author",
    ));

    // The clock.
    let future = tombstone("pommes-gala", NOW + MAX_CLOCK_SKEW_MS + 1, NOW - 90 * DAY);
    out.push(invalid(
        "future_dated",
        "A tombstone whose rev is MAX_CLOCK_SKEW_MS + 1 ms ahead of now.",
        signed(future.encode().expect("encodable")),
        NOW,
        "future_dated",
    ));
    let expired = tombstone("pommes-gala", NOW - MAX_LIFETIME_MS, NOW - 200 * DAY);
    out.push(invalid(
        "expired",
        "A tombstone whose expires equals now (expired when expires <= now).",
        signed(expired.encode().expect("encodable")),
        NOW,
        "expired",
    ));
    out.push(invalid(
        "tombstone_opened_after_expiry",
        "The `tombstone` vector, opened MAX_LIFETIME_MS after its rev.",
        good,
        base.rev + MAX_LIFETIME_MS,
        "expired",
    ));
    out
}

/// A byte string item with the shortest head.
fn minimal_bstr(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::ser::into_writer(&ciborium::Value::Bytes(bytes.to_vec()), &mut out)
        .expect("encodable");
    out
}
