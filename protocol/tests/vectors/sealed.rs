//! Sealed private messages of every kind, from the same Geneva market: a consumer orders apples
//! from the farm for cargo-bike delivery, the farm accepts, the farm sends the courier the job,
//! and the consumer writes to the farm. Randomness comes from `seal::SeedRng` with fixed seeds,
//! so every byte reproduces.

use std::collections::BTreeMap;

use hpke::aead::ChaCha20Poly1305;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, OpModeS, Serializable};
use rand_core::TryRng;
use serde::{Deserialize, Serialize};
use smartket_protocol::cbor::Limits;
use smartket_protocol::messages::{
    Address, Chat, Contact, DeliveryChoice, DeliveryJob, MessageId, Money, Order, OrderId,
    OrderItem, Parcel, PaymentChoice, Step, Stop, Transition, Window,
};
use smartket_protocol::seal::{self, HPKE_AAD, HPKE_INFO, SeedRng};
use smartket_protocol::{
    EncryptionKey, EncryptionPublicKey, Message, MessageBody, RecipientKeys, RecordId, SecretKey,
};

use crate::build::{NOW, PRODUCER, with};
use crate::json::{Json, diagnostic};
use crate::kinds::COURIER;

/// The consumer, who orders.
pub(crate) const CONSUMER: [u8; 32] = [47; 32];

/// The key the consumer made for one order (`spec/orders.md` §2): a cooperative holding the
/// replies cannot tell it from any other order's.
pub(crate) const PER_ORDER: [u8; 32] = [49; 32];

/// The seed of a party's X25519 encryption key: its identity byte + 100.
pub(crate) fn enc_seed(identity: &[u8; 32]) -> [u8; 32] {
    [identity[0] + 100; 32]
}

fn keys(identity: &[u8; 32]) -> RecipientKeys {
    RecipientKeys {
        author: SecretKey::from_bytes(identity).public(),
        enc: EncryptionKey::from_seed(&enc_seed(identity)).public(),
    }
}

/// One sealed message, with every intermediate value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SealedVector {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) sender_secret_key: String,
    pub(crate) sender: String,
    pub(crate) recipient: String,
    pub(crate) recipient_enc: String,
    pub(crate) recipient_enc_seed: String,
    pub(crate) sent: u64,
    pub(crate) rng_seed: String,
    pub(crate) fields: Json,
    pub(crate) inner_diagnostic: String,
    pub(crate) inner: String,
    pub(crate) signing_input: String,
    pub(crate) signature: String,
    pub(crate) plaintext: String,
    pub(crate) bucket: usize,
    pub(crate) ephemeral_ikm: String,
    pub(crate) enc: String,
    pub(crate) ct: String,
    pub(crate) sealed: String,
}

/// Sealed bytes every implementation must refuse, when opened by the given recipient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct InvalidSealedVector {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) recipient: String,
    pub(crate) recipient_enc_seed: String,
    pub(crate) sealed: String,
    pub(crate) error: String,
}

fn chf(amount: u64) -> Money {
    Money {
        amount,
        currency: "CHF".into(),
    }
}

/// Thursday 2027-01-21, 16:00 to 19:00 in Geneva (UTC+1).
fn thursday_evening() -> Window {
    let start = 1_800_000_000_000 + 6 * 86_400_000 + 7 * 3_600_000;
    Window {
        from: start,
        to: start + 3 * 3_600_000,
    }
}

fn consumer_address() -> Address {
    Address {
        lines: vec!["Rue des Bains 35".into()],
        postcode: "1205".into(),
        city: "Genève".into(),
        country: "CH".into(),
        notes: Some("Interphone « Morel », 2e étage".into()),
    }
}

fn consumer_contact() -> Contact {
    Contact {
        name: "Camille Morel".into(),
        phone: Some("+41 79 555 01 23".into()),
        email: None,
    }
}

/// The consumer's order: the apples of the `listing` vector, delivered by the courier of the
/// `delivery_offer` vector, half paid in Léman.
fn order(listing_id: RecordId, listing_rev: u64) -> Order {
    let farm = SecretKey::from_bytes(&PRODUCER).public();
    let items = vec![
        OrderItem {
            author: farm,
            key: "pommes-gala".into(),
            listing: listing_id,
            rev: listing_rev,
            variant: Some("cageot-10kg".into()),
            quantity: 1,
            unit_price: 3500,
            currency: "CHF".into(),
        },
        OrderItem {
            author: farm,
            key: "pommes-gala".into(),
            listing: listing_id,
            rev: listing_rev,
            variant: Some("sachet-2kg".into()),
            quantity: 2,
            unit_price: 800,
            currency: "CHF".into(),
        },
    ];
    Order {
        order_id: OrderId(*b"geneva-order-001"),
        items,
        delivery: DeliveryChoice::Courier {
            courier: SecretKey::from_bytes(&COURIER).public(),
            offer: "centre-ville".into(),
            window: thursday_evening(),
            fee: chf(1040),
        },
        address: Some(consumer_address()),
        contact: consumer_contact(),
        payment: PaymentChoice::LocalCurrency {
            currency: "LEM".into(),
            share_pct: 50,
            rest: Some(Box::new(PaymentChoice::CardOnDelivery)),
        },
        totals: BTreeMap::from([("CHF".to_owned(), 3500 + 2 * 800 + 1040)]),
        note: Some("Merci de sonner deux fois.".into()),
        reply_to: keys(&CONSUMER),
        reply_node: None,
    }
}

/// The same order placed with a per-order key ([`PER_ORDER`]): signed by it, replies sealed to
/// it, and the consumer's node named for direct delivery.
fn per_order(listing_id: RecordId, listing_rev: u64) -> Order {
    Order {
        order_id: OrderId(*b"geneva-order-002"),
        reply_to: keys(&PER_ORDER),
        reply_node: Some(SecretKey::from_bytes(&CONSUMER).public()),
        ..order(listing_id, listing_rev)
    }
}

/// The farm's job for order `order_id`: collect at the farm, deliver to the consumer on
/// Thursday evening, 12.5 kg, telling `notify` (through `notify_node`).
fn job(
    order_id: OrderId,
    farm_address: Address,
    notify: RecipientKeys,
    notify_node: Option<smartket_protocol::AuthorKey>,
) -> DeliveryJob {
    DeliveryJob {
        order_id,
        pickup: Stop {
            address: farm_address,
            contact: Contact {
                name: "Ferme de la Touvière".into(),
                phone: Some("+41 22 759 10 10".into()),
                email: None,
            },
        },
        dropoff: Stop {
            address: consumer_address(),
            contact: consumer_contact(),
        },
        window: thursday_evening(),
        parcel: Parcel {
            weight_g: 12_500,
            length_cm: 60,
            width_cm: 40,
            height_cm: 30,
        },
        fee: chf(1040),
        notify: Some(notify),
        notify_node,
        note: None,
    }
}

/// One valid vector before sealing: name, description, sender, recipient, message, and the
/// generator's seed byte.
type Case = (&'static str, &'static str, [u8; 32], [u8; 32], Message, u8);

/// Every valid vector before sealing.
fn messages(listing_id: RecordId, listing_rev: u64) -> Vec<Case> {
    let order = order(listing_id, listing_rev);
    let order_id = order.order_id;
    let order_message = MessageId([0x01; 16]);
    let farm_address = Address {
        lines: vec!["Chemin de la Touvière 7".into()],
        postcode: "1254".into(),
        city: "Jussy".into(),
        country: "CH".into(),
        notes: None,
    };
    let message = |id: u8, body| Message {
        id: MessageId([id; 16]),
        market: "geneva".into(),
        body,
    };
    vec![
        (
            "order",
            "The consumer ([47; 32]) orders a 10 kg crate and two 2 kg bags of the `listing` \
             vector's apples from the farm ([42; 32]), for delivery by the courier of the \
             `delivery_offer` vector on Thursday evening, paying half in Léman and the rest by \
             card. The address is visible only to the farm (and, later, the courier).",
            CONSUMER,
            PRODUCER,
            message(0x01, MessageBody::Order(Box::new(order))),
            0x51,
        ),
        (
            "transition_accepted",
            "The farm accepts the order: an `accepted` transition whose `prev` is the order \
             message's id.",
            PRODUCER,
            CONSUMER,
            message(
                0x02,
                MessageBody::Transition(Transition {
                    order_id,
                    prev: order_message,
                    at: NOW + 20 * 60_000,
                    step: Step::Accepted {
                        payment_reference: None,
                        note: Some("Livraison jeudi entre 16 h et 19 h.".into()),
                    },
                }),
            ),
            0x52,
        ),
        (
            "delivery_job",
            "The farm sends the courier ([43; 32]) the job: collect at the farm, deliver to the \
             consumer in the window of the order, 12.5 kg, and notify the consumer's keys.",
            PRODUCER,
            COURIER,
            message(
                0x03,
                MessageBody::DeliveryJob(Box::new(DeliveryJob {
                    note: Some("Caisse consignée à rapporter.".into()),
                    ..job(order_id, farm_address.clone(), keys(&CONSUMER), None)
                })),
            ),
            0x53,
        ),
        (
            "order_per_order_keys",
            "The same order placed with a per-order key ([49; 32], encryption seed [149; 32]): \
             signed by it, `reply_to` names it, and `reply_node` names the consumer's node \
             ([47; 32]) so that the farm's replies go straight to that node's peer. A mailbox \
             holding those replies sees only the per-order key.",
            PER_ORDER,
            PRODUCER,
            message(
                0x05,
                MessageBody::Order(Box::new(per_order(listing_id, listing_rev))),
            ),
            0x55,
        ),
        (
            "delivery_job_per_order_keys",
            "The job of that order: `notify` is the per-order key and `notify_node` the \
             consumer's node, copied from the order, so that the courier's steps reach the \
             consumer directly.",
            PRODUCER,
            COURIER,
            message(
                0x06,
                MessageBody::DeliveryJob(Box::new(job(
                    OrderId(*b"geneva-order-002"),
                    farm_address,
                    keys(&PER_ORDER),
                    Some(SecretKey::from_bytes(&CONSUMER).public()),
                ))),
            ),
            0x56,
        ),
        (
            "chat",
            "The consumer writes to the farm about the order.",
            CONSUMER,
            PRODUCER,
            message(
                0x04,
                MessageBody::Chat(Chat {
                    order_id: Some(order_id),
                    text: "Bonjour ! Serait-il possible d'ajouter un litre de jus de pomme ?"
                        .into(),
                }),
            ),
            0x54,
        ),
    ]
}

/// The sent time of every vector: five minutes after the vectors' clock.
const SENT: u64 = NOW + 5 * 60_000;

/// Every valid sealed vector. `listing_id` and `listing_rev` are those of the `listing` record
/// vector, which the order names.
pub(crate) fn valid_sealed(listing_id: RecordId, listing_rev: u64) -> Vec<SealedVector> {
    messages(listing_id, listing_rev)
        .into_iter()
        .map(|(name, description, from, to, message, seed)| {
            let sender = SecretKey::from_bytes(&from);
            let recipient = keys(&to);
            let rng_seed = [seed; 32];
            let sealed = seal::seal_with_rng(
                &sender,
                &recipient,
                &message,
                SENT,
                &mut SeedRng::new(&rng_seed),
            )
            .unwrap_or_else(|e| panic!("{name}: {e}"));
            let opened = seal::open(
                &recipient.author,
                &EncryptionKey::from_seed(&enc_seed(&to)),
                sealed.as_bytes(),
                &Limits::MESSAGE,
            )
            .unwrap_or_else(|e| panic!("{name}: {e}"));
            let plaintext = plaintext(&opened.inner, opened.signature.as_bytes());
            let bytes = sealed.as_bytes();
            let (enc, ct) = (&bytes[4..36], &bytes[39..]);
            let mut ikm = [0u8; 32];
            SeedRng::new(&rng_seed)
                .try_fill_bytes(&mut ikm)
                .expect("infallible");
            SealedVector {
                name: name.into(),
                description: description.into(),
                sender_secret_key: hex::encode(from),
                sender: sender.public().to_hex(),
                recipient: recipient.author.to_hex(),
                recipient_enc: recipient.enc.to_hex(),
                recipient_enc_seed: hex::encode(enc_seed(&to)),
                sent: SENT,
                rng_seed: hex::encode(rng_seed),
                fields: Json::from_cbor(
                    &ciborium::de::from_reader(opened.inner.as_slice()).expect("CBOR"),
                ),
                inner_diagnostic: diagnostic(&opened.inner),
                inner: hex::encode(&opened.inner),
                signing_input: hex::encode(seal::signing_input(&opened.inner)),
                signature: opened.signature.to_hex(),
                plaintext: hex::encode(&plaintext),
                bucket: ct.len(),
                ephemeral_ikm: hex::encode(ikm),
                enc: hex::encode(enc),
                ct: hex::encode(ct),
                sealed: hex::encode(bytes),
            }
        })
        .collect()
}

/// `[inner: bstr, signature: bstr]`.
pub(crate) fn plaintext(inner: &[u8], signature: &[u8; 64]) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::ser::into_writer(
        &ciborium::Value::Array(vec![
            ciborium::Value::Bytes(inner.to_vec()),
            ciborium::Value::Bytes(signature.to_vec()),
        ]),
        &mut out,
    )
    .expect("encodable");
    out
}

/// Pads, encrypts to `recipient_enc` with the seeded generator, and frames: the sealing steps
/// after signing, done with the HPKE crate directly.
pub(crate) fn encrypt(
    plaintext: &[u8],
    recipient_enc: &EncryptionPublicKey,
    rng_seed: &[u8; 32],
) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let padded = seal::pad(plaintext).expect("fits a bucket");
    let pk = <X25519HkdfSha256 as hpke::Kem>::PublicKey::from_bytes(recipient_enc.as_bytes())
        .expect("an X25519 key");
    let (enc, ct) =
        hpke::single_shot_seal_with_rng::<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256>(
            &OpModeS::Base,
            &pk,
            HPKE_INFO,
            &padded,
            HPKE_AAD,
            &mut SeedRng::new(rng_seed),
        )
        .expect("seals");
    let enc = enc.to_bytes().to_vec();
    let mut sealed = vec![0x83, 0x01, 0x58, 0x20];
    sealed.extend_from_slice(&enc);
    sealed.push(0x59);
    sealed.extend_from_slice(&(ct.len() as u16).to_be_bytes());
    sealed.extend_from_slice(&ct);
    (enc, ct, sealed)
}

/// An invalid vector; panics unless opening gives `error`.
fn invalid(
    name: &str,
    description: &str,
    recipient: &[u8; 32],
    sealed: Vec<u8>,
    error: &str,
) -> InvalidSealedVector {
    let me = keys(recipient);
    let got = seal::open(
        &me.author,
        &EncryptionKey::from_seed(&enc_seed(recipient)),
        &sealed,
        &Limits::MESSAGE,
    )
    .map(|_| "ok".to_owned())
    .unwrap_or_else(|e| e.code().to_owned());
    assert_eq!(got, error, "sealed vector {name}");
    InvalidSealedVector {
        name: name.into(),
        description: description.into(),
        recipient: me.author.to_hex(),
        recipient_enc_seed: hex::encode(enc_seed(recipient)),
        sealed: hex::encode(sealed),
        error: error.into(),
    }
}

/// Sealed messages that must be refused, built from the `order` vector.
pub(crate) fn invalid_sealed(order: &SealedVector) -> Vec<InvalidSealedVector> {
    let sealed = hex::decode(&order.sealed).expect("hex");
    let consumer = SecretKey::from_bytes(&CONSUMER);
    let resign = |fields: &Json| {
        let inner = fields.to_cbor_bytes();
        let signature = consumer.sign(&seal::signing_input(&inner));
        plaintext(&inner, signature.as_bytes())
    };
    let to_farm = |plaintext: &[u8]| encrypt(plaintext, &keys(&PRODUCER).enc, &[0x61; 32]).2;
    let mut out = vec![invalid(
        "opened_by_another_recipient",
        "The `order` vector opened by the courier ([43; 32], encryption seed [143; 32]): not \
         encrypted to its key.",
        &COURIER,
        sealed.clone(),
        "decryption_failed",
    )];
    let mut flipped = sealed.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 0x01;
    out.push(invalid(
        "ciphertext_altered",
        "The `order` vector with the last bit of the ciphertext (in the tag) flipped.",
        &PRODUCER,
        flipped,
        "decryption_failed",
    ));
    let mut version = sealed.clone();
    version[1] = 0x02;
    out.push(invalid(
        "unknown_outer_version",
        "The `order` vector with outer version 2.",
        &PRODUCER,
        version,
        "unknown_version",
    ));
    let mut wide_version = vec![sealed[0], 0x18, 0x01];
    wide_version.extend_from_slice(&sealed[2..]);
    out.push(invalid(
        "outer_version_head_not_shortest",
        "The `order` vector with the outer version 1 written in two bytes (18 01) instead of \
         one: the outer format accepts shortest heads only, so a sealed message has one \
         encoding (and one mailbox id).",
        &PRODUCER,
        wide_version,
        "malformed",
    ));
    let mut version_then_fault = sealed.clone();
    version_then_fault[1] = 0x02;
    version_then_fault[3] = 0x1f;
    out.push(invalid(
        "unknown_outer_version_before_a_short_enc",
        "The `order` vector with outer version 2 and enc declared 31 bytes long: the version \
         is checked as soon as it is read, so a fault after it is not reported.",
        &PRODUCER,
        version_then_fault,
        "unknown_version",
    ));
    let mut off_bucket = sealed[..sealed.len() - 24].to_vec();
    let ct_len = (order.bucket - 24) as u16;
    off_bucket[37..39].copy_from_slice(&ct_len.to_be_bytes());
    out.push(invalid(
        "ciphertext_not_a_bucket",
        &format!(
            "The `order` vector with its ciphertext cut to {ct_len} bytes, which is not a \
             bucket size (checked before any decryption)."
        ),
        &PRODUCER,
        off_bucket,
        "malformed",
    ));
    let mut trailing = sealed.clone();
    trailing.push(0x00);
    out.push(invalid(
        "trailing_bytes",
        "The `order` vector followed by one more byte.",
        &PRODUCER,
        trailing,
        "malformed",
    ));
    let courier = keys(&COURIER);
    let readdressed = with(
        &with(
            &order.fields,
            "to",
            Json::Bytes(courier.author.as_bytes().to_vec()),
        ),
        "to_enc",
        Json::Bytes(courier.enc.as_bytes().to_vec()),
    );
    out.push(invalid(
        "signed_for_another_recipient",
        "The consumer's order signed for the courier (to, to_enc) but encrypted to the farm: \
         the farm refuses what is not addressed to it, so it cannot forward someone else's \
         message as if addressed to a third party.",
        &PRODUCER,
        to_farm(&resign(&readdressed)),
        "not_addressed_to_me",
    ));
    let inner = hex::decode(&order.inner).expect("hex");
    let mut signature: [u8; 64] = hex::decode(&order.signature)
        .expect("hex")
        .try_into()
        .expect("64 bytes");
    signature[0] ^= 0x01;
    out.push(invalid(
        "inner_signature_altered",
        "The `order` vector's plaintext with one signature bit flipped, re-encrypted to the farm.",
        &PRODUCER,
        to_farm(&plaintext(&inner, &signature)),
        "bad_signature",
    ));
    out.push(invalid(
        "inner_unknown_kind",
        "The order re-signed with kind \"invoice\".",
        &PRODUCER,
        to_farm(&resign(&with(
            &order.fields,
            "kind",
            Json::Text("invoice".into()),
        ))),
        "unknown_kind",
    ));
    out.push(invalid(
        "inner_unknown_version",
        "The order re-signed with v = 2.",
        &PRODUCER,
        to_farm(&resign(&with(&order.fields, "v", Json::Int(2)))),
        "unknown_version",
    ));
    out.push(invalid(
        "inner_unknown_key",
        "The order re-signed with an extra key: unlike records, inner messages refuse unknown \
         keys.",
        &PRODUCER,
        to_farm(&resign(&with(
            &order.fields,
            "x-note",
            Json::Text("?".into()),
        ))),
        "malformed",
    ));
    out
}
