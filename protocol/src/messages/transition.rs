//! Order transitions: the signed steps that move an order through its life, each from the party
//! entitled to make it (see [`super::order_state`] for who may do what, when).
//!
//! Each transition names its order and the message id of the step before it (the order message
//! itself for the first one), so both sides hold a chain they can check end to end: every link
//! is a message signed by the party that made it.

use serde::{Deserialize, Serialize};

use super::common::{FieldError, MessageId, OrderId, check_line, check_text};

/// Longest reason or note on a transition, in bytes.
pub const MAX_REASON: usize = 1000;
/// Longest payment reference (a Swiss QR reference is 27 digits, a creditor reference ≤ 25).
pub const MAX_PAYMENT_REFERENCE: usize = 35;

/// What happened. CBOR: a map with a `type` tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Step {
    /// The seller accepts the order.
    Accepted {
        /// For a bank transfer: the reference to quote (≤ 35 bytes).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        payment_reference: Option<String>,
        /// A note to the consumer (≤ 1000 bytes).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// The seller refuses the order.
    Rejected {
        /// Why (≤ 1000 bytes).
        reason: String,
    },
    /// The seller confirms it has been paid.
    PaymentConfirmed,
    /// The seller says the order can be collected.
    ReadyForPickup {
        /// Where or when to collect it (≤ 1000 bytes).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// The seller has given the parcel to the courier.
    HandedToCourier,
    /// The courier confirms it has the parcel.
    PickedUp,
    /// The courier (or the seller, for its own delivery) has delivered.
    Delivered,
    /// The order is done: goods handed over and paid.
    Completed,
    /// The consumer or the seller calls the order off.
    Cancelled {
        /// Why (≤ 1000 bytes).
        reason: String,
    },
}

impl Step {
    /// The step's `type` tag, as on the wire.
    pub fn name(&self) -> &'static str {
        match self {
            Step::Accepted { .. } => "accepted",
            Step::Rejected { .. } => "rejected",
            Step::PaymentConfirmed => "payment_confirmed",
            Step::ReadyForPickup { .. } => "ready_for_pickup",
            Step::HandedToCourier => "handed_to_courier",
            Step::PickedUp => "picked_up",
            Step::Delivered => "delivered",
            Step::Completed => "completed",
            Step::Cancelled { .. } => "cancelled",
        }
    }

    /// Checks the step's text fields.
    pub fn validate(&self, field: &str) -> Result<(), FieldError> {
        match self {
            Step::Accepted {
                payment_reference,
                note,
            } => {
                if let Some(reference) = payment_reference {
                    check_line(
                        &format!("{field}.payment_reference"),
                        reference,
                        MAX_PAYMENT_REFERENCE,
                    )?;
                }
                if let Some(note) = note {
                    check_text(&format!("{field}.note"), note, MAX_REASON)?;
                }
                Ok(())
            }
            Step::ReadyForPickup { note: Some(note) } => {
                check_text(&format!("{field}.note"), note, MAX_REASON)
            }
            Step::Rejected { reason } | Step::Cancelled { reason } => {
                check_text(&format!("{field}.reason"), reason, MAX_REASON)
            }
            _ => Ok(()),
        }
    }
}

/// One step of an order, as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    /// The order it belongs to.
    pub order_id: OrderId,
    /// The message id of the previous step (of the order message, for the first step).
    pub prev: MessageId,
    /// When the step happened (ms since the epoch), as the sender's clock says.
    pub at: u64,
    /// What happened.
    pub step: Step,
}

impl Transition {
    /// Checks the step's fields.
    pub fn validate(&self) -> Result<(), FieldError> {
        self.step.validate("body.step")
    }
}
