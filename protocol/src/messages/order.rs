//! Order: what a consumer sends one seller at checkout — the items with the prices seen, how the
//! goods reach the consumer, how they will pay, and where the seller's replies go.
//!
//! One basket spanning several sellers becomes one order per seller. The order travels sealed,
//! so the address and contact inside are read by the seller only (who passes what the courier
//! needs on in a [`DeliveryJob`](super::DeliveryJob)).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::common::{
    Address, Contact, FieldError, Money, OrderId, Window, check_amount, check_currency, check_key,
    check_text,
};
use super::keys::RecipientKeys;
use crate::keys::{AuthorKey, RecordId};

/// Most items in one order.
pub const MAX_ITEMS: usize = 100;
/// Largest quantity of one item.
pub const MAX_QUANTITY: u32 = 100_000;
/// Longest note from the consumer, in bytes.
pub const MAX_NOTE: usize = 2000;

/// One line of an order: a listing (at the revision the consumer saw), a quantity and the price
/// shown at checkout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderItem {
    /// Author of the listing record (the seller, or a platform publishing for it).
    pub author: AuthorKey,
    /// The listing's slot key.
    pub key: String,
    /// Id of the listing record the consumer saw.
    pub listing: RecordId,
    /// Its revision (ms since the epoch).
    pub rev: u64,
    /// The chosen variant's id (≤ 32 bytes), if the listing has variants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// How many units (1..=100 000).
    pub quantity: u32,
    /// Price of one unit at checkout, minor units.
    pub unit_price: u64,
    /// Currency of `unit_price`.
    pub currency: String,
}

/// How the goods reach the consumer. CBOR: a map with a `type` tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum DeliveryChoice {
    /// The consumer picks the order up at the seller's.
    Pickup,
    /// A courier delivers, under one of its published delivery offers.
    Courier {
        /// The courier's identity.
        courier: AuthorKey,
        /// Slot key of the courier's delivery-offer record.
        offer: String,
        /// The delivery window chosen.
        window: Window,
        /// The fee quoted at checkout.
        fee: Money,
    },
    /// The seller delivers itself.
    Seller {
        /// The delivery window chosen, if the seller offers windows.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        window: Option<Window>,
        /// The fee quoted at checkout (amount 0 if free).
        fee: Money,
    },
}

impl DeliveryChoice {
    /// The delivery fee, if any.
    pub fn fee(&self) -> Option<&Money> {
        match self {
            DeliveryChoice::Pickup => None,
            DeliveryChoice::Courier { fee, .. } | DeliveryChoice::Seller { fee, .. } => Some(fee),
        }
    }
}

/// How the consumer will pay. CBOR: a map with a `type` tag. The seller's profile lists what it
/// accepts; the seller checks the choice against it when accepting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum PaymentChoice {
    /// Cash when picking up.
    CashOnPickup,
    /// Cash on delivery.
    CashOnDelivery,
    /// Card when picking up.
    CardOnPickup,
    /// Card on delivery.
    CardOnDelivery,
    /// Bank transfer; the seller sends the reference (e.g. a Swiss QR-bill reference) on
    /// acceptance.
    BankTransfer,
    /// Part (or all) of the price in a local currency, the rest by `rest`.
    LocalCurrency {
        /// The local currency's code (`LEM`).
        currency: String,
        /// Share of the price paid in it, 1..=100 %.
        share_pct: u8,
        /// How the rest is paid; required when `share_pct < 100`, absent at 100. Cannot itself
        /// be a local-currency choice.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rest: Option<Box<PaymentChoice>>,
    },
}

impl PaymentChoice {
    /// Checks the codes and shares.
    pub fn validate(&self, field: &str) -> Result<(), FieldError> {
        if let PaymentChoice::LocalCurrency {
            currency,
            share_pct,
            rest,
        } = self
        {
            check_currency(&format!("{field}.currency"), currency)?;
            if !(1..=100).contains(share_pct) {
                return Err(FieldError::new(
                    format!("{field}.share_pct"),
                    "must be 1-100",
                ));
            }
            match (rest, *share_pct == 100) {
                (None, true) => {}
                (Some(_), true) => {
                    return Err(FieldError::new(
                        format!("{field}.rest"),
                        "must be absent when the whole price is in the local currency",
                    ));
                }
                (None, false) => {
                    return Err(FieldError::new(
                        format!("{field}.rest"),
                        "is required when share_pct is under 100",
                    ));
                }
                (Some(rest), false) => {
                    if matches!(**rest, PaymentChoice::LocalCurrency { .. }) {
                        return Err(FieldError::new(
                            format!("{field}.rest"),
                            "cannot be another local currency",
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

/// An order from a consumer to one seller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Order {
    /// The order's id (random, chosen by the consumer).
    pub order_id: OrderId,
    /// What is ordered (1..=100 lines).
    pub items: Vec<OrderItem>,
    /// How it reaches the consumer.
    pub delivery: DeliveryChoice,
    /// Where to deliver; required for courier and seller delivery, absent for pick-up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// How to reach the consumer about this order.
    pub contact: Contact,
    /// How the consumer will pay.
    pub payment: PaymentChoice,
    /// Amount due per currency: the items' `quantity × unit_price` plus the delivery fee, one
    /// entry per currency that appears, sorted by code in CBOR (a map).
    pub totals: BTreeMap<String, u64>,
    /// A note for the seller (≤ 2000 bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Where the seller's replies go: the keys they are sealed to. A consumer may use fresh
    /// keys per order (`spec/sealing.md` §1), so that the mailboxes its replies wait in do not
    /// name it.
    pub reply_to: RecipientKeys,
    /// The identity of the node that takes replies directly (`/smartket/msg/1` to its peer),
    /// when `reply_to.author` is a per-order key no node answers as; absent, replies go to
    /// `reply_to.author`'s node. Inside the ciphertext: a cooperative never sees it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_node: Option<AuthorKey>,
}

impl Order {
    /// The totals this order's items and fee add up to, per currency; `None` if they overflow
    /// [`super::common::MAX_AMOUNT`].
    pub fn computed_totals(&self) -> Option<BTreeMap<String, u64>> {
        let mut totals: BTreeMap<String, u64> = BTreeMap::new();
        let lines = self.items.iter().map(|i| {
            (
                i.currency.as_str(),
                i.unit_price.checked_mul(u64::from(i.quantity)),
            )
        });
        let fee = self
            .delivery
            .fee()
            .map(|f| (f.currency.as_str(), Some(f.amount)));
        for (currency, amount) in lines.chain(fee) {
            let total = totals.entry(currency.to_owned()).or_default();
            *total = total.checked_add(amount?)?;
            check_amount("", *total).ok()?;
        }
        Some(totals)
    }

    /// Checks every field, and that `totals` are exactly what the items and fee add up to.
    pub fn validate(&self) -> Result<(), FieldError> {
        if self.items.is_empty() {
            return Err(FieldError::new("body.items", "needs at least one item"));
        }
        if self.items.len() > MAX_ITEMS {
            return Err(FieldError::new(
                "body.items",
                format!("more than {MAX_ITEMS} items"),
            ));
        }
        for (i, item) in self.items.iter().enumerate() {
            let f = format!("body.items[{i}]");
            check_key(&format!("{f}.key"), &item.key, 128)?;
            if let Some(variant) = &item.variant {
                check_key(&format!("{f}.variant"), variant, 32)?;
            }
            if !(1..=MAX_QUANTITY).contains(&item.quantity) {
                return Err(FieldError::new(
                    format!("{f}.quantity"),
                    format!("must be 1-{MAX_QUANTITY}"),
                ));
            }
            check_amount(&format!("{f}.unit_price"), item.unit_price)?;
            check_currency(&format!("{f}.currency"), &item.currency)?;
        }
        let mut lines: Vec<_> = self
            .items
            .iter()
            .map(|i| (&i.author, &i.key, &i.variant))
            .collect();
        lines.sort();
        if lines.windows(2).any(|w| w[0] == w[1]) {
            return Err(FieldError::new(
                "body.items",
                "lists the same listing and variant twice",
            ));
        }
        match &self.delivery {
            DeliveryChoice::Pickup => {
                if self.address.is_some() {
                    return Err(FieldError::new(
                        "body.address",
                        "must be absent for pick-up",
                    ));
                }
            }
            DeliveryChoice::Courier {
                offer, window, fee, ..
            } => {
                check_key("body.delivery.offer", offer, 128)?;
                window.validate("body.delivery.window")?;
                fee.validate("body.delivery.fee")?;
            }
            DeliveryChoice::Seller { window, fee } => {
                if let Some(window) = window {
                    window.validate("body.delivery.window")?;
                }
                fee.validate("body.delivery.fee")?;
            }
        }
        match (&self.address, &self.delivery) {
            (Some(address), _) => address.validate("body.address")?,
            (None, DeliveryChoice::Pickup) => {}
            (None, _) => {
                return Err(FieldError::new("body.address", "is required for delivery"));
            }
        }
        self.contact.validate("body.contact")?;
        self.payment.validate("body.payment")?;
        if let Some(note) = &self.note {
            check_text("body.note", note, MAX_NOTE)?;
        }
        for currency in self.totals.keys() {
            check_currency(&format!("body.totals.{currency}"), currency)?;
        }
        match self.computed_totals() {
            None => Err(FieldError::new("body.totals", "amounts overflow")),
            Some(expected) if expected != self.totals => Err(FieldError::new(
                "body.totals",
                "do not equal the items' quantity × unit price plus the delivery fee",
            )),
            Some(_) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::fixtures;

    /// The field named by the error after changing a valid order with `change`.
    fn refused(change: impl FnOnce(&mut Order)) -> String {
        let mut order = fixtures::order();
        change(&mut order);
        order.validate().unwrap_err().field
    }

    #[test]
    fn the_sample_order_is_valid_and_its_totals_add_up() {
        let order = fixtures::order();
        order.validate().unwrap();
        assert_eq!(order.computed_totals(), Some(order.totals.clone()));
    }

    #[test]
    fn each_broken_field_is_named() {
        assert_eq!(refused(|o| o.items.clear()), "body.items");
        assert_eq!(
            refused(|o| o.items[1].quantity = 0),
            "body.items[1].quantity"
        );
        assert_eq!(
            refused(|o| o.items[0].quantity = MAX_QUANTITY + 1),
            "body.items[0].quantity"
        );
        assert_eq!(refused(|o| o.items[0].key.clear()), "body.items[0].key");
        assert_eq!(
            refused(|o| o.items[0].variant = Some("x".repeat(33))),
            "body.items[0].variant"
        );
        assert_eq!(
            refused(|o| o.items[1].currency = "chf".into()),
            "body.items[1].currency"
        );
        assert_eq!(refused(|o| o.items[1] = o.items[0].clone()), "body.items");
        assert_eq!(refused(|o| o.address = None), "body.address");
        assert_eq!(
            refused(|o| o.address.as_mut().unwrap().country = "Suisse".into()),
            "body.address.country"
        );
        assert_eq!(refused(|o| o.contact.phone = None), "body.contact");
        assert_eq!(
            refused(|o| o.contact.phone = Some("call me".into())),
            "body.contact.phone"
        );
        assert_eq!(refused(|o| o.note = Some(" ".into())), "body.note");
        assert_eq!(
            refused(|o| {
                if let DeliveryChoice::Courier { window, .. } = &mut o.delivery {
                    window.to = window.from;
                }
            }),
            "body.delivery.window.to"
        );
        assert_eq!(
            refused(|o| o.payment = PaymentChoice::LocalCurrency {
                currency: "LEM".into(),
                share_pct: 0,
                rest: None,
            }),
            "body.payment.share_pct"
        );
        assert_eq!(
            refused(|o| o.payment = PaymentChoice::LocalCurrency {
                currency: "LEM".into(),
                share_pct: 40,
                rest: None,
            }),
            "body.payment.rest"
        );
        assert_eq!(
            refused(|o| *o.totals.get_mut("CHF").unwrap() += 1),
            "body.totals"
        );
        assert_eq!(
            refused(|o| o.items[0].unit_price = crate::messages::MAX_AMOUNT),
            "body.totals"
        );
    }

    #[test]
    fn a_pickup_order_has_no_address_and_no_fee() {
        let mut order = fixtures::order();
        order.delivery = DeliveryChoice::Pickup;
        order.address = None;
        order.totals.insert("CHF".into(), 3 * 450 + 2 * 380);
        order.validate().unwrap();
        order.address = Some(fixtures::address());
        assert_eq!(order.validate().unwrap_err().field, "body.address");
    }

    #[test]
    fn payment_choices_use_a_type_tag_in_cbor() {
        let bytes = crate::cbor::encode(&PaymentChoice::BankTransfer).unwrap();
        let value: ciborium::Value = ciborium::de::from_reader(&bytes[..]).unwrap();
        assert_eq!(
            value,
            ciborium::Value::Map(vec![("type".into(), "bank_transfer".into())])
        );
    }
}
