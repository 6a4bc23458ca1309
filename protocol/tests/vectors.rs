//! Checks the test vectors in `spec/vectors/` both ways, and regenerates them.
//!
//! Each vector is built here from fixed keys and times (see `vectors/build.rs`) and compared with
//! the file, then the file is checked on its own terms, as another implementation would: every
//! valid record is rebuilt from its JSON fields and secret key to the same payload, id,
//! signature and wire bytes, and its wire bytes open to the same fields; every invalid record is
//! refused with its error code. With `SMARTKET_WRITE_VECTORS=1` the files are written from the
//! builders first (and then checked the same way).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "vectors/build.rs"]
mod build;
#[path = "vectors/json.rs"]
mod json;
#[path = "vectors/kinds.rs"]
mod kinds;
#[path = "vectors/sealed.rs"]
mod sealed;

use std::path::PathBuf;

use serde::Serialize;
use serde::de::DeserializeOwned;
use smartket_protocol::kinds::countersign_input;
use smartket_protocol::record::signing_input;
use smartket_protocol::{
    AuthorKey, Body, EncryptionKey, EncryptionPublicKey, Envelope, Record, RecordError, RecordId,
    SecretKey, Signature, batch,
};

use build::{InvalidVector, ValidVector, VectorFile};
use json::{Json, diagnostic};
use sealed::{InvalidSealedVector, SealedVector};

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/vectors")
}

fn writing() -> bool {
    std::env::var("SMARTKET_WRITE_VECTORS").is_ok_and(|v| v == "1")
}

/// Writes `built` to `file` when regenerating; otherwise checks that the file holds exactly
/// what the builders make. Returns the file's vectors either way.
fn sync_file<T>(file: &str, built: VectorFile<T>) -> VectorFile<T>
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug + Named,
{
    let path = vectors_dir().join(file);
    if writing() {
        let mut text = serde_json::to_string_pretty(&built).unwrap();
        text.push('\n');
        std::fs::write(&path, text).unwrap();
    }
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (regenerate with SMARTKET_WRITE_VECTORS=1)",
            path.display()
        )
    });
    let stored: VectorFile<T> = serde_json::from_str(&text).unwrap();
    let stored_names: Vec<&str> = stored.vectors.iter().map(Named::name).collect();
    let built_names: Vec<&str> = built.vectors.iter().map(Named::name).collect();
    assert_eq!(
        stored_names, built_names,
        "{file}: the set of vectors changed"
    );
    for (stored, built) in stored.vectors.iter().zip(&built.vectors) {
        assert_eq!(
            stored,
            built,
            "{file}: vector {} differs from what this implementation builds",
            built.name()
        );
    }
    assert_eq!(stored.description, built.description);
    stored
}

trait Named {
    fn name(&self) -> &str;
}

impl Named for ValidVector {
    fn name(&self) -> &str {
        &self.name
    }
}

impl Named for SealedVector {
    fn name(&self) -> &str {
        &self.name
    }
}

impl Named for InvalidSealedVector {
    fn name(&self) -> &str {
        &self.name
    }
}

impl Named for InvalidVector {
    fn name(&self) -> &str {
        &self.name
    }
}

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

/// Checks one valid vector from its own contents only.
fn check_valid(v: &ValidVector) {
    let name = &v.name;
    let secret = SecretKey::from_bytes(&unhex(&v.secret_key).try_into().unwrap());
    assert_eq!(secret.public().to_hex(), v.author, "{name}: author key");

    // Fields → bytes → id → signature → wire.
    let payload = v.fields.to_cbor_bytes();
    assert_eq!(
        hex::encode(&payload),
        v.payload,
        "{name}: payload from fields"
    );
    assert_eq!(
        diagnostic(&payload),
        v.payload_diagnostic,
        "{name}: diagnostic"
    );
    let id = RecordId(*blake3::hash(&payload).as_bytes());
    assert_eq!(id.to_hex(), v.id, "{name}: id");
    let input = signing_input(&id);
    assert_eq!(hex::encode(input), v.signing_input, "{name}: signing input");
    assert_eq!(&input[..19], b"smartket/record/v1\0");
    let signature = secret.sign(&input);
    assert_eq!(signature.to_hex(), v.signature, "{name}: signature");
    let envelope = Envelope {
        payload: payload.clone(),
        author: secret.public(),
        signature,
    };
    assert_eq!(hex::encode(envelope.encode()), v.wire, "{name}: wire");

    // Wire → record → fields.
    let wire = unhex(&v.wire);
    let record = Record::open(&wire, v.now).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(record.id.to_hex(), v.id, "{name}: opened id");
    assert_eq!(record.envelope.payload, payload, "{name}: opened payload");
    assert_eq!(
        record.envelope.author,
        v.author.parse::<AuthorKey>().unwrap()
    );
    assert_eq!(
        record.envelope.signature,
        v.signature.parse::<Signature>().unwrap()
    );
    let expected = v.decoded_fields.as_ref().unwrap_or(&v.fields);
    assert_eq!(
        &Json::of(&record.payload),
        expected,
        "{name}: decoded fields"
    );
    let slot = record.slot();
    assert_eq!(slot.author.to_hex(), v.slot.author, "{name}: slot author");
    assert_eq!(slot.kind.as_str(), v.slot.kind, "{name}: slot kind");
    assert_eq!(slot.key, v.slot.key, "{name}: slot key");
    assert_eq!(
        record.to_wire(),
        wire,
        "{name}: stored bytes are the received bytes"
    );
    check_derived(v, &record);
    if v.decoded_fields.is_none() {
        assert_eq!(
            record.payload.encode().unwrap(),
            payload,
            "{name}: the typed writer gives the same bytes"
        );
    }
}

/// Checks the values a vector derives from its fields with kind-specific rules.
fn check_derived(v: &ValidVector, record: &Record) {
    let name = &v.name;
    for (what, value) in &v.derived {
        match (what.as_str(), &record.payload.body) {
            ("subject_digest", Body::Attestation(a)) => {
                assert_eq!(&a.subject.digest_hex(), value, "{name}: subject digest");
                assert_eq!(
                    record.payload.key,
                    format!("{}/{value}", a.label),
                    "{name}: attestation slot key"
                );
            }
            ("countersign_input", Body::Membership(m)) => {
                let input = countersign_input(
                    &record.payload.market,
                    &record.author(),
                    &m.platform,
                    &m.scope,
                    m.until,
                );
                assert_eq!(&hex::encode(&input), value, "{name}: countersign input");
                let platform = SecretKey::from_bytes(
                    &unhex(&v.derived["platform_secret_key"]).try_into().unwrap(),
                );
                assert_eq!(platform.public(), m.platform, "{name}: platform key");
                assert_eq!(
                    platform.sign(&input),
                    m.platform_sig,
                    "{name}: platform_sig"
                );
            }
            ("platform_secret_key", Body::Membership(_)) => {}
            ("enc_seed", Body::Profile(p)) => {
                let seed: [u8; 32] = unhex(value).try_into().unwrap();
                assert_eq!(
                    EncryptionKey::from_seed(&seed).public().0,
                    p.enc_key,
                    "{name}: enc_key from enc_seed"
                );
            }
            (other, _) => panic!("{name}: derived value {other:?} is not checked"),
        }
    }
}

#[test]
fn valid_record_vectors_rebuild_from_their_fields_and_open_to_them() {
    let built = VectorFile {
        description: "Valid signed records: each rebuilds from fields + secret_key to exactly \
                      payload, id, signature and wire, and wire opens at `now` to fields \
                      (or decoded_fields). See README.md."
            .into(),
        vectors: [
            kinds::valid_kinds(sealed::enc_seed(&build::PRODUCER)),
            build::valid_tombstones(),
        ]
        .concat(),
    };
    let file = sync_file("records.json", built);
    assert!(!file.vectors.is_empty());
    for v in &file.vectors {
        check_valid(v);
    }
    // The same records verify as one batch.
    let envelopes: Vec<Envelope> = file
        .vectors
        .iter()
        .map(|v| Envelope::decode(&unhex(&v.wire)).unwrap())
        .collect();
    assert!(batch::verify(&envelopes).iter().all(Result::is_ok));
}

#[test]
fn invalid_record_vectors_are_refused_with_their_codes() {
    let built = VectorFile {
        description: "Records every implementation must refuse when opened at `now`, with the \
                      error code of spec/protocol.md (\"Error codes\"). See README.md."
            .into(),
        vectors: [
            build::invalid_records(),
            kinds::invalid_kinds(&kinds::valid_kinds(sealed::enc_seed(&build::PRODUCER))),
        ]
        .concat(),
    };
    let file = sync_file("invalid.json", built);
    assert!(file.vectors.len() >= 12);
    for v in &file.vectors {
        let err = Record::open(&unhex(&v.wire), v.now)
            .err()
            .unwrap_or_else(|| panic!("{}: opened", v.name));
        assert_eq!(err.code(), v.error, "{}: {err}", v.name);
        // The field names which rule refused the record: a vector refused for another field
        // than its fault's never reached the rule it is named for.
        let field = match &err {
            RecordError::InvalidField { field, .. } => Some(field.as_str()),
            _ => None,
        };
        assert_eq!(field, v.field.as_deref(), "{}: field ({err})", v.name);
    }
}

#[test]
fn the_vector_keys_are_the_documented_fixed_keys() {
    // README.md names the secrets as byte patterns; a changed builder must not drift from them.
    assert_eq!(
        SecretKey::from_bytes(&build::PRODUCER).public(),
        SecretKey::from_bytes(&[42; 32]).public()
    );
    assert_eq!(build::NOW, 1_800_000_000_000);
}

/// Batch verification is only an optimisation: it must accept exactly what single verification
/// accepts. The `signature_r_small_order` vector passes `ed25519_dalek::verify_batch` alone,
/// so `batch::verify` sends small-order R to single verification.
#[test]
fn batch_verification_agrees_with_single_verification_on_every_vector() {
    for file in ["records.json", "invalid.json"] {
        let text = std::fs::read_to_string(vectors_dir().join(file)).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        for v in json["vectors"].as_array().unwrap() {
            let Ok(envelope) = Envelope::decode(&unhex(v["wire"].as_str().unwrap())) else {
                continue;
            };
            let single = envelope.verify().map_err(|e| e.code());
            let batched = batch::verify(std::slice::from_ref(&envelope))
                .remove(0)
                .map_err(|e| e.code());
            assert_eq!(batched, single, "{}", v["name"]);
        }
    }
}

/// The `listing` record vector's id and rev, which the sealed order names.
fn listing_ref(records: &[ValidVector]) -> (RecordId, u64) {
    let listing = records
        .iter()
        .find(|v| v.name == "listing")
        .expect("a listing vector");
    let rev = match &listing.fields {
        json::Json::Object(entries) => entries
            .iter()
            .find(|(k, _)| k == "rev")
            .and_then(|(_, v)| match v {
                json::Json::Int(i) => u64::try_from(*i).ok(),
                _ => None,
            })
            .expect("a rev"),
        _ => panic!("fields are a map"),
    };
    (listing.id.parse().unwrap(), rev)
}

fn built_sealed() -> VectorFile<SealedVector> {
    let kinds = kinds::valid_kinds(sealed::enc_seed(&build::PRODUCER));
    let (listing_id, listing_rev) = listing_ref(&kinds);
    VectorFile {
        description: "Sealed private messages: each rebuilds from fields + sender_secret_key + \
                      rng_seed to exactly inner, signature, plaintext, enc, ct and sealed, and \
                      sealed opens with recipient + recipient_enc_seed to fields. See README.md."
            .into(),
        vectors: sealed::valid_sealed(listing_id, listing_rev),
    }
}

/// Checks one sealed vector from its own contents only.
fn check_sealed(v: &SealedVector) {
    let name = &v.name;
    let sender = SecretKey::from_bytes(&unhex(&v.sender_secret_key).try_into().unwrap());
    assert_eq!(sender.public().to_hex(), v.sender, "{name}: sender key");
    let enc_seed: [u8; 32] = unhex(&v.recipient_enc_seed).try_into().unwrap();
    let key = EncryptionKey::from_seed(&enc_seed);
    assert_eq!(
        key.public().to_hex(),
        v.recipient_enc,
        "{name}: recipient enc key"
    );

    // Fields → inner → signature → plaintext → HPKE → sealed.
    let inner = v.fields.to_cbor_bytes();
    assert_eq!(hex::encode(&inner), v.inner, "{name}: inner from fields");
    assert_eq!(diagnostic(&inner), v.inner_diagnostic, "{name}: diagnostic");
    let input = smartket_protocol::seal::signing_input(&inner);
    assert_eq!(hex::encode(input), v.signing_input, "{name}: signing input");
    assert_eq!(&input[..20], b"smartket/message/v1\0");
    let signature = sender.sign(&input);
    assert_eq!(signature.to_hex(), v.signature, "{name}: signature");
    let plaintext = sealed::plaintext(&inner, signature.as_bytes());
    assert_eq!(hex::encode(&plaintext), v.plaintext, "{name}: plaintext");
    let rng_seed: [u8; 32] = unhex(&v.rng_seed).try_into().unwrap();
    let ikm: [u8; 32] = unhex(&v.ephemeral_ikm).try_into().unwrap();
    assert_eq!(
        EncryptionKey::from_seed(&ikm).public().to_hex(),
        v.enc,
        "{name}: enc is DeriveKeyPair(first 32 bytes of the generator)"
    );
    let recipient_enc: EncryptionPublicKey =
        EncryptionPublicKey(unhex(&v.recipient_enc).try_into().unwrap());
    let (enc, ct, sealed_bytes) = sealed::encrypt(&plaintext, &recipient_enc, &rng_seed);
    assert_eq!(hex::encode(enc), v.enc, "{name}: enc");
    assert_eq!(ct.len(), v.bucket, "{name}: bucket");
    assert_eq!(hex::encode(ct), v.ct, "{name}: ct");
    assert_eq!(hex::encode(&sealed_bytes), v.sealed, "{name}: sealed");

    // Sealed → opened → fields.
    let recipient: AuthorKey = v.recipient.parse().unwrap();
    let opened = smartket_protocol::seal::open(
        &recipient,
        &key,
        &unhex(&v.sealed),
        &smartket_protocol::cbor::Limits::MESSAGE,
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(opened.inner, inner, "{name}: opened inner bytes");
    assert_eq!(opened.signature, signature, "{name}: opened signature");
    assert_eq!(opened.from, sender.public(), "{name}: from");
    assert_eq!(opened.to.author, recipient, "{name}: to");
    assert_eq!(opened.to.enc, key.public(), "{name}: to_enc");
    assert_eq!(opened.sent_ms, v.sent, "{name}: sent");
    opened.verify().unwrap();
    let field = |k: &str| match &v.fields {
        json::Json::Object(entries) => entries
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, value)| value.clone())
            .unwrap_or_else(|| panic!("{name}: no {k}")),
        _ => panic!("{name}: fields are a map"),
    };
    assert_eq!(field("market"), json::Json::Text(opened.market.clone()));
    assert_eq!(field("id"), json::Json::Bytes(opened.id.0.to_vec()));
    assert_eq!(
        field("kind"),
        json::Json::Text(opened.body.kind().as_str().into())
    );
    assert_eq!(
        json::Json::of(&opened.body),
        field("body"),
        "{name}: decoded body"
    );
}

#[test]
fn sealed_message_vectors_rebuild_from_their_fields_and_open_to_them() {
    let file = sync_file("sealed.json", built_sealed());
    assert_eq!(file.vectors.len(), 6);
    for v in &file.vectors {
        check_sealed(v);
    }
}

#[test]
fn invalid_sealed_message_vectors_are_refused_with_their_codes() {
    let valid = built_sealed();
    let built = VectorFile {
        description: "Sealed messages every implementation must refuse when opened by \
                      recipient (identity) with the encryption key of recipient_enc_seed, \
                      with the error code of spec/sealing.md. See README.md."
            .into(),
        vectors: sealed::invalid_sealed(&valid.vectors[0]),
    };
    let file = sync_file("sealed-invalid.json", built);
    assert!(file.vectors.len() >= 8);
    for v in &file.vectors {
        let me: AuthorKey = v.recipient.parse().unwrap();
        let seed: [u8; 32] = unhex(&v.recipient_enc_seed).try_into().unwrap();
        let err = smartket_protocol::seal::open(
            &me,
            &EncryptionKey::from_seed(&seed),
            &unhex(&v.sealed),
            &smartket_protocol::cbor::Limits::MESSAGE,
        )
        .err()
        .unwrap_or_else(|| panic!("{}: opened", v.name));
        assert_eq!(err.code(), v.error, "{}: {err}", v.name);
    }
}
