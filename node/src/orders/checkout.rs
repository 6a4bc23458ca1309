//! Checkout: the basket checked line by line against the records as they are now, then one
//! order per seller.

use std::collections::BTreeMap;

use serde::Serialize;
use smartket_protocol::messages::{
    Address, Contact, DeliveryChoice, Money, Order, OrderId, OrderItem, PaymentChoice, Window,
};
use smartket_protocol::{AuthorKey, Body, Kind, RecipientKeys, Slot};

use super::basket::{Basket, BasketError, current_listing, price_and_stock};
use crate::store::{Store, StoreError};

/// What changed in a basket line since it was added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum LineChange {
    /// The listing is gone (deleted, expired, or its variant removed).
    Gone {
        /// Line index in the basket.
        line: usize,
    },
    /// The price changed.
    Price {
        /// Line index.
        line: usize,
        /// The price when added.
        was: u64,
        /// The price now.
        now: u64,
    },
    /// Fewer in stock than asked.
    Stock {
        /// Line index.
        line: usize,
        /// How many are left.
        available: u32,
    },
}

/// Checks every line against the current records; updates the lines to the current revision
/// and price and returns what changed.
pub fn recheck(
    store: &Store,
    basket: &mut Basket,
    now_ms: u64,
) -> Result<Vec<LineChange>, StoreError> {
    let mut changes = Vec::new();
    for (i, line) in basket.lines.iter_mut().enumerate() {
        let Some((record, listing)) = current_listing(store, &line.author, &line.key, now_ms)?
        else {
            changes.push(LineChange::Gone { line: i });
            continue;
        };
        let Ok((price, stock)) = price_and_stock(&listing, line.variant.as_deref()) else {
            changes.push(LineChange::Gone { line: i });
            continue;
        };
        if price != line.unit_price || listing.price.currency != line.currency {
            changes.push(LineChange::Price {
                line: i,
                was: line.unit_price,
                now: price,
            });
        }
        if let Some(available) = stock.filter(|s| *s < line.quantity) {
            changes.push(LineChange::Stock { line: i, available });
        }
        line.listing = record.id;
        line.rev = record.payload.rev;
        line.unit_price = price;
        line.currency = listing.price.currency.clone();
    }
    Ok(changes)
}

/// How the consumer wants one seller's goods to come, before the courier's fee is quoted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryRequest {
    /// Collected at the seller's.
    Pickup,
    /// Brought by `courier` under its delivery offer `offer`, within `window`.
    Courier {
        /// The courier.
        courier: AuthorKey,
        /// The offer's slot key.
        offer: String,
        /// When the consumer wants it.
        window: Window,
    },
}

/// What the consumer chose for one seller's order, as a form or the API sends it.
#[derive(Debug, Clone)]
pub struct SellerRequest {
    /// How the goods come.
    pub delivery: DeliveryRequest,
    /// How the consumer pays.
    pub payment: PaymentChoice,
    /// A note to the seller.
    pub note: Option<String>,
}

/// The courier's fee for `goods_total` under its offer as the store holds it now: the offer's
/// base fee, or nothing above its free-delivery threshold.
pub fn courier_fee(
    store: &Store,
    courier: &AuthorKey,
    offer: &str,
    goods_total: u64,
) -> Result<Money, CheckoutError> {
    let slot = Slot {
        author: *courier,
        kind: Kind::DeliveryOffer,
        key: offer.to_owned(),
    };
    let Some(Body::DeliveryOffer(found)) = store.current(&slot)?.map(|r| r.payload.body) else {
        return Err(CheckoutError::NoOffer {
            courier: *courier,
            offer: offer.to_owned(),
        });
    };
    let free = found.fees.free_above.is_some_and(|f| goods_total >= f);
    Ok(Money {
        amount: if free { 0 } else { found.fees.base },
        currency: found.fees.currency,
    })
}

/// Each seller's choices with the courier's fee quoted from its current offer.
pub fn quote(
    store: &Store,
    basket: &Basket,
    requests: &BTreeMap<AuthorKey, SellerRequest>,
) -> Result<BTreeMap<AuthorKey, SellerChoice>, CheckoutError> {
    let subtotals = basket.subtotals();
    let mut choices = BTreeMap::new();
    for (seller, request) in requests {
        let goods: u64 = subtotals.get(seller).map(|c| c.values().sum()).unwrap_or(0);
        let delivery = match &request.delivery {
            DeliveryRequest::Pickup => DeliveryChoice::Pickup,
            DeliveryRequest::Courier {
                courier,
                offer,
                window,
            } => DeliveryChoice::Courier {
                courier: *courier,
                offer: offer.clone(),
                window: *window,
                fee: courier_fee(store, courier, offer, goods)?,
            },
        };
        choices.insert(
            *seller,
            SellerChoice {
                delivery,
                payment: request.payment.clone(),
                note: request.note.clone(),
            },
        );
    }
    Ok(choices)
}

/// The consumer's choices for one seller's order.
#[derive(Debug, Clone)]
pub struct SellerChoice {
    /// How the goods come.
    pub delivery: DeliveryChoice,
    /// How the consumer pays.
    pub payment: PaymentChoice,
    /// A note to the seller.
    pub note: Option<String>,
}

/// Why checkout could not build the orders.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CheckoutError {
    /// The basket is empty.
    #[error("the basket is empty")]
    Empty,
    /// Lines changed since they were added: show them, then confirm.
    #[error("{} basket line(s) changed since they were added", .0.len())]
    Changed(Vec<LineChange>),
    /// A line cannot be ordered at all (gone, or not enough stock).
    #[error("basket line {line} cannot be ordered: {why}")]
    Unavailable {
        /// Line index.
        line: usize,
        /// Why.
        why: String,
    },
    /// The courier chosen has no such delivery offer (withdrawn, or never held here).
    #[error("courier {} has no delivery offer {offer:?}", .courier.to_hex())]
    NoOffer {
        /// The courier.
        courier: AuthorKey,
        /// The offer's slot key.
        offer: String,
    },
    /// No choice was given for a seller in the basket.
    #[error("choose delivery and payment for seller {0}")]
    NoChoice(AuthorKey),
    /// An order breaks a protocol rule (address missing for delivery, bad contact…).
    #[error("{0}")]
    Invalid(String),
    /// The seller cannot be reached: no profile with an encryption key is known.
    #[error("seller {0} has no known profile with an encryption key")]
    SellerUnknown(AuthorKey),
    /// Random source.
    #[error("random source: {0}")]
    Random(String),
    /// Basket rules.
    #[error(transparent)]
    Basket(#[from] BasketError),
    /// The database.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Builds one order per seller from a checked basket, each answered to `reply_to(order id)`
/// and, directly, to the node `reply_node`.
pub fn build_orders(
    basket: &Basket,
    choices: &BTreeMap<AuthorKey, SellerChoice>,
    contact: &Contact,
    address: Option<&Address>,
    reply_to: impl Fn(&OrderId) -> RecipientKeys,
    reply_node: Option<AuthorKey>,
) -> Result<Vec<(AuthorKey, String, Order)>, CheckoutError> {
    if basket.lines.is_empty() {
        return Err(CheckoutError::Empty);
    }
    let mut by_seller: BTreeMap<AuthorKey, Vec<&super::basket::BasketLine>> = BTreeMap::new();
    for line in &basket.lines {
        by_seller.entry(line.author).or_default().push(line);
    }
    let mut orders = Vec::new();
    for (seller, lines) in by_seller {
        let choice = choices
            .get(&seller)
            .ok_or(CheckoutError::NoChoice(seller))?;
        let items: Vec<OrderItem> = lines
            .iter()
            .map(|l| OrderItem {
                author: l.author,
                key: l.key.clone(),
                listing: l.listing,
                rev: l.rev,
                variant: l.variant.clone(),
                quantity: l.quantity,
                unit_price: l.unit_price,
                currency: l.currency.clone(),
            })
            .collect();
        let market = lines.first().map(|l| l.market.clone()).unwrap_or_default();
        let order_id = OrderId::random().map_err(|e| CheckoutError::Random(e.to_string()))?;
        let mut order = Order {
            order_id,
            items,
            delivery: choice.delivery.clone(),
            address: match choice.delivery {
                DeliveryChoice::Pickup => None,
                _ => address.cloned(),
            },
            contact: contact.clone(),
            payment: choice.payment.clone(),
            totals: BTreeMap::new(),
            note: choice.note.clone(),
            reply_to: reply_to(&order_id),
            reply_node,
        };
        order.totals = order
            .computed_totals()
            .ok_or_else(|| CheckoutError::Invalid("the order's total is too large".into()))?;
        order
            .validate()
            .map_err(|e| CheckoutError::Invalid(e.to_string()))?;
        orders.push((seller, market, order));
    }
    Ok(orders)
}
