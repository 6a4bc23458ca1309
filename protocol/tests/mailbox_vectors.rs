//! Checks `spec/vectors/mailbox.json` both ways: the file must hold exactly what this
//! implementation builds, and each vector must hold on its own terms (the value encodes to the
//! hex, the hex decodes to the value, refused frames give their error code, the challenge opens
//! to the nonce and the proof verifies). With `SMARTKET_WRITE_VECTORS=1` the file is written
//! first.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "common/vector_file.rs"]
mod vector_file;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use smartket_protocol::mailbox::proof::{CHALLENGE_INFO, PROOF_CONTEXT};
use smartket_protocol::mailbox::{
    Challenge, MailboxId, MailboxRequest, MailboxResponse, MsgRequest, MsgResponse, Proof,
    RefuseCode, StoredMessage, answer_challenge, create_challenge, verify_proof,
};
use smartket_protocol::messages::{Chat, MessageId};
use smartket_protocol::seal::{SeedRng, bucket_of, seal_with_rng};
use smartket_protocol::{EncryptionKey, Message, MessageBody, RecipientKeys, SecretKey};

const NOW: u64 = 1_800_000_000_000;
const DAY: u64 = 24 * 60 * 60 * 1000;

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct File {
    description: String,
    cooperative: String,
    recipient: String,
    sealed: SealedVector,
    proof: ProofVector,
    frames: Vec<FrameVector>,
    refused: Vec<RefusedVector>,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct SealedVector {
    description: String,
    hex: String,
    bucket: usize,
    mailbox_id: String,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct ProofVector {
    description: String,
    issued_ms: u64,
    rng_seed: String,
    nonce: String,
    aad: String,
    enc: String,
    ct: String,
    mac: String,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct FrameVector {
    name: String,
    frame: String,
    value: Value,
    hex: String,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct RefusedVector {
    name: String,
    frame: String,
    hex: String,
    error: String,
}

enum Frame {
    MsgRequest(MsgRequest),
    MsgResponse(MsgResponse),
    MailboxRequest(MailboxRequest),
    MailboxResponse(MailboxResponse),
}

impl Frame {
    fn kind(&self) -> &'static str {
        match self {
            Frame::MsgRequest(_) => "msg_request",
            Frame::MsgResponse(_) => "msg_response",
            Frame::MailboxRequest(_) => "mailbox_request",
            Frame::MailboxResponse(_) => "mailbox_response",
        }
    }

    fn encode(&self) -> Vec<u8> {
        match self {
            Frame::MsgRequest(f) => f.encode(),
            Frame::MsgResponse(f) => f.encode(),
            Frame::MailboxRequest(f) => f.encode(),
            Frame::MailboxResponse(f) => f.encode(),
        }
    }

    /// Decodes `bytes` as a frame of `kind`, or gives the error code.
    fn decode(kind: &str, bytes: &[u8]) -> Result<Frame, &'static str> {
        match kind {
            "msg_request" => MsgRequest::decode(bytes).map(Frame::MsgRequest),
            "msg_response" => MsgResponse::decode(bytes).map(Frame::MsgResponse),
            "mailbox_request" => MailboxRequest::decode(bytes).map(Frame::MailboxRequest),
            "mailbox_response" => MailboxResponse::decode(bytes).map(Frame::MailboxResponse),
            other => panic!("unknown frame kind {other}"),
        }
        .map_err(|e| e.code())
    }

    /// The frame's fields as JSON (byte strings in hex, codes by name).
    fn describe(&self) -> Value {
        let refusal = |code: &RefuseCode, reason: &str| json!({"type": "refused", "code": code.name(), "number": code.number(), "reason": reason});
        let proof = |p: &Proof| json!({"issued_ms": p.issued_ms, "mac": hex::encode(p.mac)});
        match self {
            Frame::MsgRequest(f) => {
                json!({"to_enc": f.to_enc.to_hex(), "sealed": hex::encode(&f.sealed)})
            }
            Frame::MsgResponse(MsgResponse::Stored) => json!({"type": "stored"}),
            Frame::MsgResponse(MsgResponse::Duplicate) => json!({"type": "duplicate"}),
            Frame::MsgResponse(MsgResponse::Refused { code, reason }) => refusal(code, reason),
            Frame::MailboxRequest(MailboxRequest::Deposit {
                recipient,
                expires_ms,
                sealed,
            }) => json!({"type": "deposit", "recipient": recipient.to_hex(),
                "expires_ms": expires_ms, "sealed": hex::encode(sealed)}),
            Frame::MailboxRequest(MailboxRequest::Challenge { recipient }) => {
                json!({"type": "challenge", "recipient": recipient.to_hex()})
            }
            Frame::MailboxRequest(MailboxRequest::Fetch {
                recipient,
                proof: p,
                after,
                max,
            }) => json!({"type": "fetch", "recipient": recipient.to_hex(), "proof": proof(p),
                "after": after.map(|id| id.to_hex()), "max": max}),
            Frame::MailboxRequest(MailboxRequest::Ack {
                recipient,
                proof: p,
                ids,
            }) => json!({"type": "ack", "recipient": recipient.to_hex(), "proof": proof(p),
                "ids": ids.iter().map(MailboxId::to_hex).collect::<Vec<_>>()}),
            Frame::MailboxRequest(MailboxRequest::Notify { recipient }) => {
                json!({"type": "notify", "recipient": recipient.to_hex()})
            }
            Frame::MailboxResponse(MailboxResponse::Accepted { id, expires_ms }) => {
                json!({"type": "accepted", "id": id.to_hex(), "expires_ms": expires_ms})
            }
            Frame::MailboxResponse(MailboxResponse::Refused { code, reason }) => {
                refusal(code, reason)
            }
            Frame::MailboxResponse(MailboxResponse::Challenge(c)) => json!({"type": "challenge",
                "issued_ms": c.issued_ms, "enc": hex::encode(c.enc), "ct": hex::encode(c.ct)}),
            Frame::MailboxResponse(MailboxResponse::Page { messages, more }) => {
                json!({"type": "page", "more": more, "messages": messages.iter().map(|m| json!({
                    "id": m.id.to_hex(), "deposited_ms": m.deposited_ms,
                    "expires_ms": m.expires_ms, "sealed": hex::encode(&m.sealed)})).collect::<Vec<_>>()})
            }
            Frame::MailboxResponse(MailboxResponse::Acked { deleted }) => {
                json!({"type": "acked", "deleted": deleted})
            }
            Frame::MailboxResponse(MailboxResponse::Noted) => json!({"type": "noted"}),
        }
    }
}

fn cooperative() -> SecretKey {
    SecretKey::from_bytes(&[48; 32])
}

/// The farm's mailbox key (`[142; 32]`, as in `sealed.json`).
fn farm_key() -> EncryptionKey {
    EncryptionKey::from_seed(&[142; 32])
}

/// A chat from the consumer (`[47; 32]`) to the farm, sealed with a fixed generator.
fn sealed_chat() -> Vec<u8> {
    let farm = RecipientKeys {
        author: SecretKey::from_bytes(&[42; 32]).public(),
        enc: farm_key().public(),
    };
    let msg = Message {
        id: MessageId([0x11; 16]),
        market: "geneva".into(),
        body: MessageBody::Chat(Chat {
            order_id: None,
            text: "Are the apricots still available on Saturday?".into(),
        }),
    };
    seal_with_rng(
        &SecretKey::from_bytes(&[47; 32]),
        &farm,
        &msg,
        NOW,
        &mut SeedRng::new(&[7; 32]),
    )
    .unwrap()
    .into_bytes()
}

fn issued_challenge() -> (Challenge, [u8; 32], Proof) {
    let (challenge, pending) = create_challenge(
        &cooperative().public(),
        &farm_key().public(),
        NOW,
        &mut SeedRng::new(&[8; 32]),
    )
    .unwrap();
    let proof =
        answer_challenge(&cooperative().public(), &farm_key(), &challenge, NOW + 500).unwrap();
    verify_proof(&cooperative().public(), &pending, &proof, NOW + 1000).unwrap();
    (challenge, pending.nonce, proof)
}

fn aad() -> Vec<u8> {
    let mut aad = cooperative().public().as_bytes().to_vec();
    aad.extend_from_slice(farm_key().public().as_bytes());
    aad.extend_from_slice(&NOW.to_be_bytes());
    aad
}

fn frames() -> Vec<(&'static str, Frame)> {
    let sealed = sealed_chat();
    let id = MailboxId::of(&sealed);
    let recipient = farm_key().public();
    let (challenge, _, proof) = issued_challenge();
    vec![
        (
            "direct_delivery",
            Frame::MsgRequest(MsgRequest {
                to_enc: recipient,
                sealed: sealed.clone(),
            }),
        ),
        ("direct_stored", Frame::MsgResponse(MsgResponse::Stored)),
        (
            "direct_duplicate",
            Frame::MsgResponse(MsgResponse::Duplicate),
        ),
        (
            "direct_refused_not_for_me",
            Frame::MsgResponse(MsgResponse::Refused {
                code: RefuseCode::NotForMe,
                reason: "no such key".into(),
            }),
        ),
        (
            "deposit",
            Frame::MailboxRequest(MailboxRequest::Deposit {
                recipient,
                expires_ms: NOW + 14 * DAY,
                sealed: sealed.clone(),
            }),
        ),
        (
            "deposit_accepted",
            Frame::MailboxResponse(MailboxResponse::Accepted {
                id,
                expires_ms: NOW + 14 * DAY,
            }),
        ),
        (
            "deposit_refused_recipient_quota",
            Frame::MailboxResponse(MailboxResponse::Refused {
                code: RefuseCode::RecipientQuota,
                reason: "mailbox full".into(),
            }),
        ),
        (
            "challenge_request",
            Frame::MailboxRequest(MailboxRequest::Challenge { recipient }),
        ),
        (
            "challenge",
            Frame::MailboxResponse(MailboxResponse::Challenge(challenge)),
        ),
        (
            "fetch_first_page",
            Frame::MailboxRequest(MailboxRequest::Fetch {
                recipient,
                proof,
                after: None,
                max: 16,
            }),
        ),
        (
            "page",
            Frame::MailboxResponse(MailboxResponse::Page {
                messages: vec![StoredMessage::new(NOW + 60_000, NOW + 14 * DAY, sealed)],
                more: false,
            }),
        ),
        (
            "fetch_after",
            Frame::MailboxRequest(MailboxRequest::Fetch {
                recipient,
                proof,
                after: Some(id),
                max: 16,
            }),
        ),
        (
            "empty_page",
            Frame::MailboxResponse(MailboxResponse::Page {
                messages: vec![],
                more: false,
            }),
        ),
        (
            "ack",
            Frame::MailboxRequest(MailboxRequest::Ack {
                recipient,
                proof,
                ids: vec![id],
            }),
        ),
        (
            "acked",
            Frame::MailboxResponse(MailboxResponse::Acked { deleted: 1 }),
        ),
        (
            "notify",
            Frame::MailboxRequest(MailboxRequest::Notify { recipient }),
        ),
        ("noted", Frame::MailboxResponse(MailboxResponse::Noted)),
        (
            "fetch_refused_bad_proof",
            Frame::MailboxResponse(MailboxResponse::Refused {
                code: RefuseCode::BadProof,
                reason: String::new(),
            }),
        ),
    ]
}

fn refused() -> Vec<RefusedVector> {
    let key = hex::encode([142u8; 32]);
    let r = |name: &str, frame: &str, hex: String, error: &str| RefusedVector {
        name: name.into(),
        frame: frame.into(),
        hex,
        error: error.into(),
    };
    vec![
        r(
            "msg_version_2",
            "msg_request",
            "820240".into(),
            "unknown_version",
        ),
        r(
            "msg_key_31_bytes",
            "msg_request",
            format!("8301581f{}40", &key[2..]),
            "shape",
        ),
        r(
            "msg_trailing_byte",
            "msg_request",
            format!("83015820{key}4000"),
            "malformed",
        ),
        r(
            "msg_response_unknown_type",
            "msg_response",
            "8103".into(),
            "unknown_type",
        ),
        r(
            "msg_response_unknown_code",
            "msg_response",
            "8302186360".into(),
            "unknown_code",
        ),
        r(
            "msg_response_stored_with_extra",
            "msg_response",
            "820000".into(),
            "shape",
        ),
        r(
            "mailbox_version_2",
            "mailbox_request",
            "83020140".into(),
            "unknown_version",
        ),
        r(
            "mailbox_unknown_type",
            "mailbox_request",
            format!("830109{}", "40"),
            "unknown_type",
        ),
        r(
            "mailbox_challenge_as_map",
            "mailbox_request",
            "a10101".into(),
            "shape",
        ),
        r(
            "fetch_max_0",
            "mailbox_request",
            format!("86010258 20{key}8200582000{}4000", "00".repeat(31)).replace(' ', ""),
            "out_of_range",
        ),
        r(
            "page_more_2",
            "mailbox_response",
            "83038002".into(),
            "out_of_range",
        ),
        r(
            "page_id_mismatch",
            "mailbox_response",
            format!("830381845820{}0102410000", "00".repeat(32)),
            "id_mismatch",
        ),
        r(
            "notify_key_31_bytes",
            "mailbox_request",
            format!("830104581f{}", &key[2..]),
            "shape",
        ),
        r(
            "notify_extra_item",
            "mailbox_request",
            format!("8401045820{key}00"),
            "shape",
        ),
        r(
            "notify_trailing_byte",
            "mailbox_request",
            format!("8301045820{key}00"),
            "malformed",
        ),
        r(
            "noted_extra_item",
            "mailbox_response",
            "820500".into(),
            "shape",
        ),
        r(
            "response_unknown_type",
            "mailbox_response",
            "8109".into(),
            "unknown_type",
        ),
        r(
            "indefinite_array",
            "mailbox_response",
            "9f04ff".into(),
            "malformed",
        ),
    ]
}

fn build() -> File {
    let sealed = sealed_chat();
    let (challenge, nonce, proof) = issued_challenge();
    File {
        description: format!(
            "Direct delivery (/smartket/msg/1) and mailbox (/smartket/mailbox/1) frames byte for byte (spec/mailbox.md). Cooperative: secret key [48; 32]. Mailbox: the farm's encryption key, seed [142; 32]. Challenge: HPKE base mode, DHKEM(X25519, HKDF-SHA256)/HKDF-SHA256/ChaCha20-Poly1305, info {:?}, aad = cooperative || recipient || u64be(issued_ms); mac = BLAKE3 keyed by the nonce over {:?} || 0x00 || aad. Refused frames carry WireError::code().",
            String::from_utf8_lossy(CHALLENGE_INFO),
            String::from_utf8_lossy(PROOF_CONTEXT)
        ),
        cooperative: cooperative().public().to_hex(),
        recipient: farm_key().public().to_hex(),
        sealed: SealedVector {
            description: "A chat from the consumer ([47; 32]) to the farm, message id [0x11; 16], sealed at 1800000000000 with SeedRng([7; 32]); mailbox_id = BLAKE3-256(hex).".into(),
            bucket: bucket_of(&sealed).unwrap(),
            mailbox_id: MailboxId::of(&sealed).to_hex(),
            hex: hex::encode(&sealed),
        },
        proof: ProofVector {
            description: "create_challenge at issued_ms with SeedRng(rng_seed): the first 32 bytes drawn are the nonce, the next 32 are the ikm of DeriveKeyPair for the HPKE ephemeral key; answered at issued_ms + 500.".into(),
            issued_ms: NOW,
            rng_seed: hex::encode([8u8; 32]),
            nonce: hex::encode(nonce),
            aad: hex::encode(aad()),
            enc: hex::encode(challenge.enc),
            ct: hex::encode(challenge.ct),
            mac: hex::encode(proof.mac),
        },
        frames: frames()
            .into_iter()
            .map(|(name, frame)| FrameVector {
                name: name.into(),
                frame: frame.kind().into(),
                value: frame.describe(),
                hex: hex::encode(frame.encode()),
            })
            .collect(),
        refused: refused(),
    }
}

fn check_on_own_terms(file: &File) {
    for v in &file.frames {
        let bytes = hex::decode(&v.hex).unwrap();
        let decoded = Frame::decode(&v.frame, &bytes).unwrap_or_else(|e| panic!("{}: {e}", v.name));
        assert_eq!(decoded.describe(), v.value, "{}", v.name);
        assert_eq!(hex::encode(decoded.encode()), v.hex, "{}", v.name);
    }
    for v in &file.refused {
        let bytes = hex::decode(&v.hex).unwrap();
        match Frame::decode(&v.frame, &bytes) {
            Ok(_) => panic!("{}: decoded", v.name),
            Err(code) => assert_eq!(code, v.error, "{}", v.name),
        }
    }
    let sealed = hex::decode(&file.sealed.hex).unwrap();
    assert_eq!(bucket_of(&sealed).unwrap(), file.sealed.bucket);
    assert_eq!(MailboxId::of(&sealed).to_hex(), file.sealed.mailbox_id);
    // The stored challenge opens to the stored nonce and gives the stored mac.
    let mut enc = [0u8; 32];
    hex::decode_to_slice(&file.proof.enc, &mut enc).unwrap();
    let mut ct = [0u8; 48];
    hex::decode_to_slice(&file.proof.ct, &mut ct).unwrap();
    let challenge = Challenge {
        issued_ms: file.proof.issued_ms,
        enc,
        ct,
    };
    let proof = answer_challenge(&cooperative().public(), &farm_key(), &challenge, NOW).unwrap();
    assert_eq!(hex::encode(proof.mac), file.proof.mac);
    let nonce = hex::decode(&file.proof.nonce).unwrap();
    let aad = hex::decode(&file.proof.aad).unwrap();
    let mut hasher = blake3::Hasher::new_keyed(&nonce.try_into().unwrap());
    hasher.update(PROOF_CONTEXT);
    hasher.update(&[0]);
    hasher.update(&aad);
    assert_eq!(hasher.finalize().to_hex().as_str(), file.proof.mac);
}

#[test]
fn mailbox_vectors_match_the_implementation_and_hold_on_their_own_terms() {
    let stored = vector_file::stored_equals_built("mailbox.json", &build());
    check_on_own_terms(&stored);
}

/// A whole exchange through the frames' bytes: deposit, challenge, proof, fetch, open, ack.
#[test]
fn a_message_goes_through_a_mailbox_and_opens() {
    let coop = cooperative().public();
    let farm = farm_key();
    let sealed = sealed_chat();
    let deposit = MailboxRequest::Deposit {
        recipient: farm.public(),
        expires_ms: NOW + DAY,
        sealed: sealed.clone(),
    };
    let MailboxRequest::Deposit {
        sealed: received,
        expires_ms,
        ..
    } = MailboxRequest::decode(&deposit.encode()).unwrap()
    else {
        panic!("not a deposit")
    };
    assert_eq!(
        smartket_protocol::mailbox::check_deposit(&received, expires_ms, NOW),
        Ok(1024)
    );

    let (challenge, pending) =
        create_challenge(&coop, &farm.public(), NOW, &mut SeedRng::new(&[9; 32])).unwrap();
    let MailboxResponse::Challenge(got) =
        MailboxResponse::decode(&MailboxResponse::Challenge(challenge).encode()).unwrap()
    else {
        panic!("not a challenge")
    };
    let proof = answer_challenge(&coop, &farm, &got, NOW + 100).unwrap();
    let fetch = MailboxRequest::Fetch {
        recipient: farm.public(),
        proof,
        after: None,
        max: 16,
    };
    let MailboxRequest::Fetch { proof: sent, .. } =
        MailboxRequest::decode(&fetch.encode()).unwrap()
    else {
        panic!("not a fetch")
    };
    verify_proof(&coop, &pending, &sent, NOW + 200).unwrap();

    let page = MailboxResponse::Page {
        messages: vec![StoredMessage::new(NOW, expires_ms, received)],
        more: false,
    };
    let MailboxResponse::Page { messages, .. } = MailboxResponse::decode(&page.encode()).unwrap()
    else {
        panic!("not a page")
    };
    let opened = smartket_protocol::open(
        &SecretKey::from_bytes(&[42; 32]).public(),
        &farm,
        &messages[0].sealed,
        &smartket_protocol::cbor::Limits::MESSAGE,
    )
    .unwrap();
    assert_eq!(opened.id, MessageId([0x11; 16]));
    assert_eq!(messages[0].id, MailboxId::of(&sealed));
}
