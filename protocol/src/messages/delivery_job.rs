//! Delivery job: what a seller sends the courier the consumer chose — where to collect the
//! parcel, where to take it, when, how big it is and for what fee.
//!
//! The consumer's address reaches the courier only here, sealed to the courier; the courier's
//! own transitions (picked up, delivered) go to the seller and, if the job names them, to the
//! consumer's reply keys.

use serde::{Deserialize, Serialize};

use super::common::{Address, Contact, FieldError, Money, OrderId, Window, check_text};
use super::keys::RecipientKeys;
use crate::keys::AuthorKey;

/// Heaviest parcel, in grams (3.5 t, as for delivery offers).
pub const MAX_WEIGHT_G: u32 = 3_500_000;
/// Longest side, in cm.
pub const MAX_SIDE_CM: u16 = 1000;

/// One end of a delivery: an address and who to ask for there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stop {
    /// Where.
    pub address: Address,
    /// Who.
    pub contact: Contact,
}

/// Weight and size of the parcel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parcel {
    /// Weight in grams (1..=3 500 000).
    pub weight_g: u32,
    /// Longest side in cm (1..=1000).
    pub length_cm: u16,
    /// Second side in cm (1..=1000).
    pub width_cm: u16,
    /// Third side in cm (1..=1000).
    pub height_cm: u16,
}

/// A delivery job from a seller to a courier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliveryJob {
    /// The order being delivered.
    pub order_id: OrderId,
    /// Where to collect the parcel.
    pub pickup: Stop,
    /// Where to deliver it.
    pub dropoff: Stop,
    /// When to deliver it.
    pub window: Window,
    /// The parcel.
    pub parcel: Parcel,
    /// The fee agreed at checkout.
    pub fee: Money,
    /// The consumer's reply keys, so the courier can tell the consumer directly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify: Option<RecipientKeys>,
    /// The order's `reply_node`, copied by the seller: where the courier delivers `notify`'s
    /// messages directly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_node: Option<AuthorKey>,
    /// A note for the courier (≤ 1000 bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl DeliveryJob {
    /// Checks every field.
    pub fn validate(&self) -> Result<(), FieldError> {
        self.pickup.address.validate("body.pickup.address")?;
        self.pickup.contact.validate("body.pickup.contact")?;
        self.dropoff.address.validate("body.dropoff.address")?;
        self.dropoff.contact.validate("body.dropoff.contact")?;
        self.window.validate("body.window")?;
        let p = &self.parcel;
        if !(1..=MAX_WEIGHT_G).contains(&p.weight_g) {
            return Err(FieldError::new(
                "body.parcel.weight_g",
                format!("must be 1-{MAX_WEIGHT_G}"),
            ));
        }
        for (name, cm) in [
            ("length_cm", p.length_cm),
            ("width_cm", p.width_cm),
            ("height_cm", p.height_cm),
        ] {
            if !(1..=MAX_SIDE_CM).contains(&cm) {
                return Err(FieldError::new(
                    format!("body.parcel.{name}"),
                    format!("must be 1-{MAX_SIDE_CM}"),
                ));
            }
        }
        self.fee.validate("body.fee")?;
        if let Some(note) = &self.note {
            check_text("body.note", note, 1000)?;
        }
        Ok(())
    }
}
