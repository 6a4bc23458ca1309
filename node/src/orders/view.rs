//! Orders as the API shows them: plain JSON with keys in hex, the stage and every step with
//! who made it, and how far each message we sent has gone.

use serde::Serialize;
use serde_json::{Value, json};
use smartket_protocol::messages::{DeliveryChoice, MessageId, PaymentChoice, Role, Stage};
use smartket_protocol::{MessageBody, cbor::Limits};
use utoipa::ToSchema;

use super::db::{DeliveryState, OrderFile, Outgoing, Party};
use super::payment::PaymentPart;
use super::track::Track;

/// An order as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrderJson {
    /// Order id (32 hex characters).
    pub id: String,
    /// Market.
    pub market: String,
    /// Our part in it: `consumer`, `seller` or `courier`.
    pub party: Party,
    /// `placed`, `accepted`, `ready_for_pickup`, `handed_to_courier`, `in_transit`,
    /// `delivered`, `completed`, `rejected`, `cancelled`.
    pub stage: String,
    /// Whether the seller confirmed payment.
    pub paid: bool,
    /// `pickup`, `courier` or `seller`.
    pub fulfilment: String,
    /// When we first saw it (ms).
    pub created_ms: u64,
    /// The seller (hex).
    pub seller: String,
    /// The consumer's reply identity (hex), when known.
    pub consumer: Option<String>,
    /// The courier (hex), for courier delivery.
    pub courier: Option<String>,
    /// The order's lines, totals, delivery, payment, contact and address (absent for a
    /// courier, who sees the job instead).
    #[schema(value_type = Object)]
    pub order: Option<Value>,
    /// The delivery job (couriers, and sellers who sent one).
    #[schema(value_type = Object)]
    pub job: Option<Value>,
    /// Every step so far, oldest first.
    pub steps: Vec<StepJson>,
    /// What we sent in this order and how far it went.
    pub sent: Vec<SentJson>,
    /// How the order is paid, part by part: in person, the local-currency share to the
    /// seller's wallet, a QR-bill for a bank transfer.
    pub payment: Vec<PaymentPart>,
}

/// One step of an order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StepJson {
    /// Message id (hex).
    pub id: String,
    /// `order`, `delivery_job`, `chat` or the step's type (`accepted`, `delivered`…).
    pub step: String,
    /// `consumer`, `seller` or `courier`.
    pub by: String,
    /// When, as its sender says (ms).
    pub at: u64,
    /// A reason, note or chat text, when there is one.
    pub text: Option<String>,
}

/// A message we sent.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SentJson {
    /// Message id (hex).
    pub id: String,
    /// `order`, `transition`, `delivery_job`.
    pub kind: String,
    /// The recipient (hex).
    pub to: String,
    /// `pending`, `in_mailbox`, `delivered`, `refused`, `expired`.
    pub state: DeliveryState,
    /// Direct attempts so far.
    pub attempts: u32,
}

fn snake<T: std::fmt::Debug>(value: T) -> String {
    let name = format!("{value:?}");
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(c.to_lowercase());
    }
    out
}

fn role_name(role: Option<Role>) -> String {
    role.map_or_else(|| "unknown".into(), snake)
}

fn payment_json(p: &PaymentChoice) -> Value {
    match p {
        PaymentChoice::LocalCurrency {
            currency,
            share_pct,
            rest,
        } => json!({ "type": "local_currency", "currency": currency, "share_pct": share_pct,
                      "rest": rest.as_deref().map(payment_json) }),
        other => json!({ "type": snake(other) }),
    }
}

fn delivery_json(d: &DeliveryChoice) -> Value {
    match d {
        DeliveryChoice::Pickup => json!({ "type": "pickup" }),
        DeliveryChoice::Courier {
            courier,
            offer,
            window,
            fee,
        } => json!({ "type": "courier", "courier": courier.to_hex(), "offer": offer,
                     "window": { "from": window.from, "to": window.to },
                     "fee": { "amount": fee.amount, "currency": fee.currency } }),
        DeliveryChoice::Seller { window, fee } => json!({ "type": "seller",
            "window": window.map(|w| json!({ "from": w.from, "to": w.to })),
            "fee": { "amount": fee.amount, "currency": fee.currency } }),
    }
}

fn address_json(a: &smartket_protocol::messages::Address) -> Value {
    json!({ "lines": a.lines, "postcode": a.postcode, "city": a.city, "country": a.country,
            "notes": a.notes })
}

fn contact_json(c: &smartket_protocol::messages::Contact) -> Value {
    json!({ "name": c.name, "phone": c.phone, "email": c.email })
}

/// The JSON of an order.
pub fn order_json(
    file: &OrderFile,
    track: &Track,
    sent: &[(MessageId, Outgoing)],
    payment: Vec<PaymentPart>,
) -> OrderJson {
    let order = track.order.as_ref().map(|o| {
        json!({
            "items": o.items.iter().map(|i| json!({
                "author": i.author.to_hex(), "key": i.key, "listing": i.listing.to_hex(),
                "variant": i.variant, "quantity": i.quantity, "unit_price": i.unit_price,
                "currency": i.currency })).collect::<Vec<_>>(),
            "totals": o.totals,
            "delivery": delivery_json(&o.delivery),
            "payment": payment_json(&o.payment),
            "contact": contact_json(&o.contact),
            "address": o.address.as_ref().map(address_json),
            "note": o.note,
        })
    });
    let job = track.job.as_ref().map(|j| {
        json!({
            "pickup": { "address": address_json(&j.pickup.address),
                        "contact": contact_json(&j.pickup.contact) },
            "dropoff": { "address": address_json(&j.dropoff.address),
                         "contact": contact_json(&j.dropoff.contact) },
            "window": { "from": j.window.from, "to": j.window.to },
            "fee": { "amount": j.fee.amount, "currency": j.fee.currency },
            "weight_g": j.parcel.weight_g,
            "note": j.note,
        })
    });
    let steps = track
        .messages
        .iter()
        .map(|m| {
            let (step, at, text) = match &m.body {
                MessageBody::Order(o) => ("order".to_owned(), m.sent_ms, o.note.clone()),
                MessageBody::DeliveryJob(_) => ("delivery_job".to_owned(), m.sent_ms, None),
                MessageBody::Chat(c) => ("chat".to_owned(), m.sent_ms, Some(c.text.clone())),
                MessageBody::Transition(t) => {
                    use smartket_protocol::messages::Step;
                    let text = match &t.step {
                        Step::Rejected { reason } | Step::Cancelled { reason } => {
                            Some(reason.clone())
                        }
                        Step::Accepted { note, .. } | Step::ReadyForPickup { note } => note.clone(),
                        _ => None,
                    };
                    (t.step.name().to_owned(), t.at, text)
                }
            };
            StepJson {
                id: m.id.to_hex(),
                step,
                by: role_name(track.role_of(&m.from)),
                at,
                text,
            }
        })
        .collect();
    OrderJson {
        id: file.order_id.to_hex(),
        market: file.market.clone(),
        party: file.party,
        stage: stage_name(track.state.stage),
        paid: track.state.paid,
        fulfilment: snake(track.state.fulfilment),
        created_ms: file.created_ms,
        seller: track.parties.seller.to_hex(),
        consumer: track.parties.consumer.map(|c| c.author.to_hex()),
        courier: track.parties.courier.map(|c| c.to_hex()),
        order,
        job,
        steps,
        sent: sent
            .iter()
            .map(|(id, out)| SentJson {
                id: id.to_hex(),
                kind: out.kind.clone(),
                to: out.to.author.to_hex(),
                state: out.state,
                attempts: out.attempts,
            })
            .collect(),
        payment,
    }
}

/// The stage's wire-style name.
pub fn stage_name(stage: Stage) -> String {
    snake(stage)
}

/// A whole order history as one verifiable document: every message's signed bytes and
/// signature in hex. Anyone can check it with `reopen` (and `smartket receipt verify`).
pub fn receipt_json(file: &OrderFile) -> Value {
    json!({
        "format": "smartket-receipt/1",
        "order_id": file.order_id.to_hex(),
        "market": file.market,
        "messages": file.history.iter().map(|k| json!({
            "inner": hex::encode(&k.inner),
            "signature": hex::encode(k.signature.as_bytes()),
        })).collect::<Vec<_>>(),
    })
}

/// Checks a receipt: every message's signature, and that the steps replay. Returns the final
/// stage.
pub fn verify_receipt(receipt: &Value, party: Party) -> Result<String, String> {
    let messages = receipt["messages"]
        .as_array()
        .ok_or("a receipt has a messages array")?;
    let mut history = Vec::new();
    for (i, m) in messages.iter().enumerate() {
        let inner = hex::decode(m["inner"].as_str().unwrap_or_default())
            .map_err(|_| format!("message {i}: inner is not hex"))?;
        let signature: [u8; 64] = hex::decode(m["signature"].as_str().unwrap_or_default())
            .ok()
            .and_then(|s| s.try_into().ok())
            .ok_or(format!("message {i}: signature is not 64 bytes of hex"))?;
        smartket_protocol::reopen(
            &inner,
            &smartket_protocol::Signature(signature),
            &Limits::MESSAGE,
        )
        .map_err(|e| format!("message {i}: {e}"))?;
        history.push(super::db::Kept {
            inner,
            signature: smartket_protocol::Signature(signature),
        });
    }
    let track = super::track::replay(party, &history).map_err(|e| e.to_string())?;
    Ok(stage_name(track.state.stage))
}
