//! Inputs shared by the criterion benchmarks and the `throughput` example: the realistic listing
//! of `spec/vectors/records.json`, re-signed as many listings by many authors, the way a burst of
//! gossip or a sync round delivers them.

use smartket_protocol::{Envelope, Payload, Record, SecretKey};

/// The clock of the spec vectors, at which every fixture record is valid.
pub(crate) const NOW: u64 = 1_800_000_000_000;

/// Records per batch, as the node's ingest batches them.
pub(crate) const BATCH: usize = 64;

/// The payload bytes of the `listing` vector (Gala apples: two languages, two variants, three
/// fulfilment options; about 870 bytes).
pub(crate) fn listing_payload_bytes() -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/vectors/records.json");
    let text = std::fs::read_to_string(path).expect("spec/vectors/records.json");
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let vector = json["vectors"]
        .as_array()
        .expect("vectors")
        .iter()
        .find(|v| v["name"] == "listing")
        .expect("a listing vector");
    hex::decode(vector["payload"].as_str().expect("payload hex")).expect("hex")
}

/// `n` signed listings, each by its own author, in its own slot: the wire bytes.
pub(crate) fn listing_wires(n: usize) -> Vec<Vec<u8>> {
    let template = Payload::decode(&listing_payload_bytes()).expect("the vector decodes");
    (0..n)
        .map(|i| {
            let mut payload = template.clone();
            payload.key = format!("{}-{i}", template.key);
            payload.rev = template.rev - i as u64;
            let secret = SecretKey::from_bytes(&[(i % 250) as u8 + 1; 32]);
            Record::sign(&secret, payload).expect("signs").to_wire()
        })
        .collect()
}

/// The envelopes of [`listing_wires`].
pub(crate) fn listing_envelopes(n: usize) -> Vec<Envelope> {
    listing_wires(n)
        .iter()
        .map(|w| Envelope::decode(w).expect("decodes"))
        .collect()
}

/// The raw ed25519 inputs of `envelopes`: parsed keys, 51-byte signing inputs, signatures.
pub(crate) fn raw_inputs(
    envelopes: &[Envelope],
) -> (
    Vec<ed25519_dalek::VerifyingKey>,
    Vec<[u8; 51]>,
    Vec<ed25519_dalek::Signature>,
) {
    let keys = envelopes
        .iter()
        .map(|e| e.author.verifying_key().expect("valid key"))
        .collect();
    let inputs = envelopes
        .iter()
        .map(|e| smartket_protocol::record::signing_input(&e.id()))
        .collect();
    let sigs = envelopes
        .iter()
        .map(|e| ed25519_dalek::Signature::from_bytes(&e.signature.0))
        .collect();
    (keys, inputs, sigs)
}

/// The ingest pipeline on a batch of wire records: frame, batch-verify, decode and validate.
/// Returns how many records were accepted.
pub(crate) fn pipeline(wires: &[Vec<u8>]) -> usize {
    let envelopes: Vec<Envelope> = wires
        .iter()
        .filter_map(|w| Envelope::decode(w).ok())
        .collect();
    let verified = smartket_protocol::batch::verify_with_ids(&envelopes);
    envelopes
        .into_iter()
        .zip(verified)
        .filter_map(|(e, id)| Record::from_verified_with_id(e, id.ok()?, NOW).ok())
        .count()
}

/// The `order` vector of `spec/vectors/sealed.json`: the consumer's key, the farm's keys, the
/// message as opened, and the sealed bytes (an order of about 1.1 KB, sealed in the 4 KiB bucket).
pub(crate) struct SealedOrder {
    pub(crate) sender: SecretKey,
    pub(crate) recipient: smartket_protocol::RecipientKeys,
    pub(crate) recipient_key: smartket_protocol::EncryptionKey,
    pub(crate) message: smartket_protocol::Message,
    pub(crate) sealed: Vec<u8>,
}

/// Loads [`SealedOrder`].
pub(crate) fn sealed_order() -> SealedOrder {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/vectors/sealed.json");
    let text = std::fs::read_to_string(path).expect("spec/vectors/sealed.json");
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let v = json["vectors"]
        .as_array()
        .expect("vectors")
        .iter()
        .find(|v| v["name"] == "order")
        .expect("an order vector");
    let bytes = |field: &str| hex::decode(v[field].as_str().expect("hex")).expect("hex");
    let seed = |field: &str| -> [u8; 32] { bytes(field).try_into().expect("32 bytes") };
    let sender = SecretKey::from_bytes(&seed("sender_secret_key"));
    let recipient_key = smartket_protocol::EncryptionKey::from_seed(&seed("recipient_enc_seed"));
    let recipient = smartket_protocol::RecipientKeys {
        author: v["recipient"]
            .as_str()
            .expect("hex")
            .parse()
            .expect("a key"),
        enc: recipient_key.public(),
    };
    let sealed = bytes("sealed");
    let opened = smartket_protocol::seal::open(
        &recipient.author,
        &recipient_key,
        &sealed,
        &smartket_protocol::cbor::Limits::MESSAGE,
    )
    .expect("the vector opens");
    SealedOrder {
        sender,
        recipient,
        recipient_key,
        message: smartket_protocol::Message {
            id: opened.id,
            market: opened.market,
            body: opened.body,
        },
        sealed,
    }
}
