//! What the consumer chooses per seller at checkout: the ways its goods may come (pick-up, or
//! a courier serving the consumer's postcode when every line allows it), the payment means the
//! seller takes, the form values naming them, and the fee the chosen way costs — quoted as
//! checkout will quote it, so the basket shows before ordering what the order will say.

use std::collections::BTreeMap;

use fluent_bundle::FluentValue;
use smartket_protocol::AuthorKey;
use smartket_protocol::kinds::{Fulfilment, PaymentMeans, Profile};
use smartket_protocol::messages::{DeliveryChoice, Money, PaymentChoice, Window};

use crate::orders::basket::{Basket, current_listing};
use crate::orders::checkout::{CheckoutError, DeliveryRequest, SellerRequest, quote};
use crate::ui::UiState;
use crate::ui::i18n::Tr;

/// The form value of pick-up.
pub(super) const PICKUP: &str = "pickup";

/// The payment choices a seller takes, as (form value, label); cash at pick-up when its
/// profile names none.
pub(super) fn payment_options(tr: Tr, profile: Option<&Profile>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for means in profile.map(|p| p.payment.as_slice()).unwrap_or_default() {
        match means {
            PaymentMeans::CashOnPickup => out.push(("cash_on_pickup".into(), tr.t("pay-cash"))),
            PaymentMeans::CardOnPickup => out.push(("card_on_pickup".into(), tr.t("pay-card"))),
            PaymentMeans::BankTransfer { .. } => {
                out.push(("bank_transfer".into(), tr.t("pay-bank")));
            }
            PaymentMeans::LocalCurrency {
                currency,
                share_pct,
                ..
            } => out.push((
                format!("local:{currency}:{share_pct}"),
                tr.args(
                    "pay-local",
                    &[
                        ("pct", FluentValue::from(*share_pct)),
                        ("currency", FluentValue::from(currency.as_str())),
                    ],
                ),
            )),
            _ => {}
        }
    }
    if out.is_empty() {
        out.push(("cash_on_pickup".into(), tr.t("pay-cash")));
    }
    out
}

/// The delivery a form value names; pick-up for anything else.
pub(super) fn delivery_request(value: Option<&str>) -> DeliveryRequest {
    let parts: Vec<&str> = value.map(|v| v.split(':').collect()).unwrap_or_default();
    match parts.as_slice() {
        ["courier", courier, offer, from, to] => {
            match (courier.parse(), from.parse(), to.parse()) {
                (Ok(courier), Ok(from), Ok(to)) => DeliveryRequest::Courier {
                    courier,
                    offer: (*offer).to_owned(),
                    window: Window { from, to },
                },
                _ => DeliveryRequest::Pickup,
            }
        }
        _ => DeliveryRequest::Pickup,
    }
}

/// The payment a form value names; cash at pick-up for anything else.
pub(super) fn payment_choice(value: &str) -> PaymentChoice {
    match value.split(':').collect::<Vec<_>>().as_slice() {
        ["card_on_pickup"] => PaymentChoice::CardOnPickup,
        ["bank_transfer"] => PaymentChoice::BankTransfer,
        ["local", currency, pct] => {
            let share_pct = pct.parse().unwrap_or(100);
            PaymentChoice::LocalCurrency {
                currency: (*currency).to_owned(),
                share_pct,
                rest: (share_pct < 100).then(|| Box::new(PaymentChoice::CashOnPickup)),
            }
        }
        _ => PaymentChoice::CashOnPickup,
    }
}

/// The ways `seller`'s lines may come, as (form value, label): pick-up when every line
/// allows it, each courier of `couriers` when every line may be delivered.
pub(super) fn delivery_options(
    state: &UiState,
    tr: Tr,
    basket: &Basket,
    seller: &AuthorKey,
    couriers: &[(String, String)],
) -> Vec<(String, String)> {
    let now = crate::clock::now_ms();
    let listings: Vec<_> = basket
        .lines
        .iter()
        .filter(|l| &l.author == seller)
        .filter_map(|l| {
            current_listing(state.node.store(), &l.author, &l.key, now)
                .ok()
                .flatten()
                .map(|(_, listing)| listing)
        })
        .collect();
    let all =
        |wanted: fn(&Fulfilment) -> bool| listings.iter().all(|l| l.fulfilment.iter().any(wanted));
    let mut out = Vec::new();
    if all(|f| matches!(f, Fulfilment::Pickup { .. })) {
        out.push((PICKUP.to_owned(), tr.t("checkout-pickup")));
    }
    if all(|f| matches!(f, Fulfilment::Courier)) {
        out.extend(couriers.iter().map(|(value, label)| {
            (
                value.clone(),
                format!("{} : {label}", tr.t("checkout-courier")),
            )
        }));
    }
    out
}

/// The option of `options` chosen: the one posted when it is still offered, else the first.
pub(super) fn chosen<'a>(options: &'a [(String, String)], posted: Option<&str>) -> Option<&'a str> {
    options
        .iter()
        .find(|(value, _)| Some(value.as_str()) == posted)
        .or_else(|| options.first())
        .map(|(value, _)| value.as_str())
}

/// The fee of delivering `seller`'s lines the way `delivery` names, quoted from the courier's
/// offer as checkout quotes it (nothing for pick-up).
pub(super) fn fee(
    state: &UiState,
    basket: &Basket,
    seller: &AuthorKey,
    delivery: &str,
) -> Result<Option<Money>, CheckoutError> {
    let request = SellerRequest {
        delivery: delivery_request(Some(delivery)),
        payment: PaymentChoice::CashOnPickup,
        note: None,
    };
    let quoted = quote(
        state.node.store(),
        basket,
        &BTreeMap::from([(*seller, request)]),
    )?;
    Ok(quoted
        .get(seller)
        .and_then(|choice| match &choice.delivery {
            DeliveryChoice::Pickup => None,
            DeliveryChoice::Courier { fee, .. } | DeliveryChoice::Seller { fee, .. } => {
                Some(fee.clone())
            }
        }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_courier_value_with_a_window_that_is_not_a_number_is_read_as_pick_up() {
        let courier = "ab".repeat(32);
        assert_eq!(
            delivery_request(Some(&format!("courier:{courier}:velo:soon:later"))),
            DeliveryRequest::Pickup
        );
        assert!(matches!(
            delivery_request(Some(&format!("courier:{courier}:velo:10:20"))),
            DeliveryRequest::Courier {
                window: Window { from: 10, to: 20 },
                ..
            }
        ));
    }
}
