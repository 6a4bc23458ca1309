//! Private messages: orders, order transitions, delivery jobs and chat — what one party sends
//! another, signed by the sender and sealed to the recipient (see [`crate::seal`]).
//!
//! ```text
//! Message { id, market, body }              what a caller builds
//!   └─ signed inner CBOR (inner.rs)         + version, sender, recipient keys, sent-at, kind
//!        └─ sealed (seal.rs)                padded, HPKE-encrypted to the recipient
//! ```
//!
//! Every body validates its fields with a [`FieldError`] naming the field; the order state
//! machine lives in [`order_state`]. Nothing here does I/O: sending, storing and replay
//! detection are the node's.

mod chat;
mod common;
mod delivery_job;
pub(crate) mod inner;
mod keys;
mod order;
pub mod order_state;
mod transition;

#[cfg(test)]
pub(crate) mod fixtures;

use serde::Serialize;

pub use chat::{Chat, MAX_CHAT_TEXT};
pub use common::{
    Address, Contact, FieldError, MAX_AMOUNT, MAX_WINDOW_MS, MessageId, Money, OrderId, Window,
};
pub use delivery_job::{DeliveryJob, MAX_SIDE_CM, MAX_WEIGHT_G, Parcel, Stop};
pub use keys::{EncryptionKey, EncryptionPublicKey, RecipientKeys};
pub use order::{
    DeliveryChoice, MAX_ITEMS, MAX_NOTE, MAX_QUANTITY, Order, OrderItem, PaymentChoice,
};
pub use order_state::{Fulfilment, OrderState, OrderTrack, Role, Stage, TransitionError, apply};
pub use transition::{MAX_PAYMENT_REFERENCE, MAX_REASON, Step, Transition};

/// The kinds of private message; the `kind` text in the signed message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageKind {
    /// [`Order`].
    Order,
    /// [`Transition`].
    Transition,
    /// [`DeliveryJob`].
    DeliveryJob,
    /// [`Chat`].
    Chat,
}

impl MessageKind {
    /// Every kind.
    pub const ALL: [MessageKind; 4] = [
        MessageKind::Order,
        MessageKind::Transition,
        MessageKind::DeliveryJob,
        MessageKind::Chat,
    ];

    /// The kind's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Order => "order",
            MessageKind::Transition => "transition",
            MessageKind::DeliveryJob => "delivery_job",
            MessageKind::Chat => "chat",
        }
    }

    /// The kind named `name`, if known.
    pub fn from_name(name: &str) -> Option<MessageKind> {
        MessageKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// A message's body, one variant per kind. Encoded as the kind's map alone; the kind is written
/// beside it in the signed message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum MessageBody {
    /// See [`Order`].
    Order(Box<Order>),
    /// See [`Transition`].
    Transition(Transition),
    /// See [`DeliveryJob`].
    DeliveryJob(Box<DeliveryJob>),
    /// See [`Chat`].
    Chat(Chat),
}

impl MessageBody {
    /// The kind of this body.
    pub fn kind(&self) -> MessageKind {
        match self {
            MessageBody::Order(_) => MessageKind::Order,
            MessageBody::Transition(_) => MessageKind::Transition,
            MessageBody::DeliveryJob(_) => MessageKind::DeliveryJob,
            MessageBody::Chat(_) => MessageKind::Chat,
        }
    }

    /// The order this message is about, if any.
    pub fn order_id(&self) -> Option<OrderId> {
        match self {
            MessageBody::Order(o) => Some(o.order_id),
            MessageBody::Transition(t) => Some(t.order_id),
            MessageBody::DeliveryJob(j) => Some(j.order_id),
            MessageBody::Chat(c) => c.order_id,
        }
    }

    /// Checks every field of the body.
    pub fn validate(&self) -> Result<(), FieldError> {
        match self {
            MessageBody::Order(o) => o.validate(),
            MessageBody::Transition(t) => t.validate(),
            MessageBody::DeliveryJob(j) => j.validate(),
            MessageBody::Chat(c) => c.validate(),
        }
    }

    /// Reads the body of a message of `kind` from its decoded CBOR value.
    pub(crate) fn from_value(
        kind: MessageKind,
        value: ciborium::Value,
    ) -> Result<MessageBody, String> {
        fn read<T: serde::de::DeserializeOwned>(value: ciborium::Value) -> Result<T, String> {
            value.deserialized().map_err(|e| e.to_string())
        }
        Ok(match kind {
            MessageKind::Order => MessageBody::Order(Box::new(read(value)?)),
            MessageKind::Transition => MessageBody::Transition(read(value)?),
            MessageKind::DeliveryJob => MessageBody::DeliveryJob(Box::new(read(value)?)),
            MessageKind::Chat => MessageBody::Chat(read(value)?),
        })
    }
}

/// A message as its sender builds it, before signing and sealing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The message's id. Seal the same `Message` to several recipients to give them one id
    /// (e.g. a transition both the consumer and the courier must see).
    pub id: MessageId,
    /// The market it belongs to, e.g. `geneva`.
    pub market: String,
    /// What it says.
    pub body: MessageBody,
}

impl Message {
    /// A message with a fresh random id.
    pub fn new(market: impl Into<String>, body: MessageBody) -> Result<Message, getrandom::Error> {
        Ok(Message {
            id: MessageId::random()?,
            market: market.into(),
            body,
        })
    }

    /// Checks the market id and the body's fields.
    pub fn validate(&self) -> Result<(), FieldError> {
        crate::record::validate_market_id(&self.market)
            .map_err(|reason| FieldError::new("market", reason))?;
        self.body.validate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_read_back_from_their_cbor_value() {
        for msg in fixtures::all_messages() {
            let bytes = crate::cbor::encode(&msg.body).unwrap();
            let value: ciborium::Value =
                crate::cbor::decode(&bytes, &crate::cbor::Limits::MESSAGE).unwrap();
            let back = MessageBody::from_value(msg.body.kind(), value).unwrap();
            assert_eq!(back, msg.body);
            msg.validate().unwrap();
            assert_eq!(back.order_id(), Some(OrderId([7; 16])));
        }
    }

    #[test]
    fn unknown_keys_in_a_body_are_refused() {
        let value = ciborium::Value::Map(vec![
            ("text".into(), "salut".into()),
            ("colour".into(), "red".into()),
        ]);
        assert!(MessageBody::from_value(MessageKind::Chat, value).is_err());
    }

    #[test]
    fn job_transition_and_chat_name_their_broken_fields() {
        let mut job = fixtures::delivery_job();
        job.parcel.weight_g = 0;
        assert_eq!(job.validate().unwrap_err().field, "body.parcel.weight_g");
        let mut job = fixtures::delivery_job();
        job.dropoff.address.postcode = "12".repeat(6);
        assert_eq!(
            job.validate().unwrap_err().field,
            "body.dropoff.address.postcode"
        );
        let mut transition = fixtures::transition();
        transition.step = Step::Cancelled {
            reason: String::new(),
        };
        assert_eq!(transition.validate().unwrap_err().field, "body.step.reason");
        let chat = Chat {
            order_id: None,
            text: "bell\u{7}".into(),
        };
        assert_eq!(chat.validate().unwrap_err().field, "body.text");
        let chat = Chat {
            order_id: None,
            text: "é".repeat(2000),
        };
        chat.validate().unwrap();
    }

    #[test]
    fn kind_names_round_trip() {
        for kind in MessageKind::ALL {
            assert_eq!(MessageKind::from_name(kind.as_str()), Some(kind));
        }
        assert_eq!(MessageKind::from_name("invoice"), None);
    }
}
