//! The consumer's basket and checkout: lines added from an offer's page and taken off, the
//! ways and payment means each seller takes, and the posted checkout read into one request per
//! seller, placed as that seller's order.

use std::collections::BTreeMap;

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use fluent_bundle::FluentValue;
use maud::html;
use serde::Deserialize;
use smartket_protocol::AuthorKey;
use smartket_protocol::kinds::PaymentMeans;
use smartket_protocol::messages::{Address, Contact, PaymentChoice, Window};

use super::couriers::courier_options;
use crate::orders::OrderError;
use crate::orders::checkout::{CheckoutError, DeliveryRequest, SellerRequest};
use crate::ui::UiState;
use crate::ui::i18n::Tr;
use crate::ui::i18n::pick;
use crate::ui::layout::{Frame, page};
use crate::ui::shop::price;

/// The add-to-basket form of an offer's page.
#[derive(Debug, Deserialize)]
pub(in crate::ui) struct AddForm {
    author: String,
    key: String,
    quantity: Option<u32>,
}

/// Adds an offer to the basket, then shows the basket.
pub(in crate::ui) async fn basket_add(
    State(state): State<UiState>,
    Form(form): Form<AddForm>,
) -> Response {
    let Ok(author) = form.author.parse::<AuthorKey>() else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    match state
        .node
        .orders()
        .add_to_basket(&author, &form.key, None, form.quantity.unwrap_or(1))
        .await
    {
        Ok(_) => Redirect::to("/panier").into_response(),
        Err(e) => (StatusCode::UNPROCESSABLE_ENTITY, e.to_string()).into_response(),
    }
}

/// A line to remove.
#[derive(Debug, Deserialize)]
pub(in crate::ui) struct RemoveForm {
    index: usize,
}

/// Removes one line, then shows the basket.
pub(in crate::ui) async fn basket_remove(
    State(state): State<UiState>,
    Form(form): Form<RemoveForm>,
) -> Response {
    let _ = state
        .node
        .orders()
        .remove_from_basket(Some(form.index))
        .await;
    Redirect::to("/panier").into_response()
}

/// The payment choices a seller takes at pick-up, as (form value, label).
fn payment_options(
    tr: Tr,
    profile: Option<&smartket_protocol::kinds::Profile>,
) -> Vec<(String, String)> {
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

fn delivery_choice(value: Option<&String>) -> DeliveryRequest {
    let parts: Vec<&str> = value.map(|v| v.split(':').collect()).unwrap_or_default();
    match parts.as_slice() {
        ["courier", courier, offer, from, to] => match courier.parse() {
            Ok(courier) => DeliveryRequest::Courier {
                courier,
                offer: (*offer).to_owned(),
                window: Window {
                    from: from.parse().unwrap_or_default(),
                    to: to.parse().unwrap_or_default(),
                },
            },
            Err(_) => DeliveryRequest::Pickup,
        },
        _ => DeliveryRequest::Pickup,
    }
}

fn payment_choice(value: &str) -> PaymentChoice {
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

/// A line's title in the reader's language, from the listing as it is now (the title kept
/// with the line when it is gone).
fn line_title(state: &UiState, tr: Tr, line: &crate::orders::basket::BasketLine) -> String {
    crate::orders::basket::current_listing(
        state.node.store(),
        &line.author,
        &line.key,
        crate::clock::now_ms(),
    )
    .ok()
    .flatten()
    .map(|(_, listing)| pick(&listing.title, tr).to_owned())
    .unwrap_or_else(|| line.title.clone())
}

/// Whether every line of `seller` in the basket may be picked up, and whether every one may
/// be delivered by a courier: only the ways all of them allow are offered.
fn ways(
    state: &UiState,
    basket: &crate::orders::basket::Basket,
    seller: &AuthorKey,
) -> (bool, bool) {
    use smartket_protocol::kinds::Fulfilment;
    let now = crate::clock::now_ms();
    let listings: Vec<_> = basket
        .lines
        .iter()
        .filter(|l| &l.author == seller)
        .filter_map(|l| {
            crate::orders::basket::current_listing(state.node.store(), &l.author, &l.key, now)
                .ok()
                .flatten()
                .map(|(_, listing)| listing)
        })
        .collect();
    let all =
        |wanted: fn(&Fulfilment) -> bool| listings.iter().all(|l| l.fulfilment.iter().any(wanted));
    (
        all(|f| matches!(f, Fulfilment::Pickup { .. })),
        all(|f| matches!(f, Fulfilment::Courier)),
    )
}

fn basket_page(state: &UiState, tr: Tr, notice: Option<String>, changed: bool) -> Response {
    let basket = state.node.orders().basket().unwrap_or_default();
    let subtotals = basket.subtotals();
    let mut markets: Vec<&str> = basket.lines.iter().map(|l| l.market.as_str()).collect();
    markets.sort_unstable();
    markets.dedup();
    let couriers = courier_options(state, tr, &markets);
    let body = html! {
        h1 { (tr.t("basket-title")) }
        @if let Some(notice) = &notice { p.notice role="alert" { (notice) } }
        @if basket.lines.is_empty() {
            p { (tr.t("basket-empty")) }
        } @else {
            form method="post" action="/commander" {
                @for (seller, totals) in &subtotals {
                    @let profile = crate::ui::names::profile(state, seller);
                    @let name = crate::ui::names::actor_name(state, tr, seller);
                    section.notice {
                        h2 { (tr.args("basket-seller", &[("seller", FluentValue::from(name.as_str()))])) }
                        ul {
                            @for (i, line) in basket.lines.iter().enumerate().filter(|(_, l)| &l.author == seller) {
                                li {
                                    (line.quantity) " × " (line_title(state, tr, line)) " — " (price(state, line.unit_price, &line.currency))
                                    " "
                                    button type="submit" formaction="/panier/retirer" name="index" value=(i) { (tr.t("basket-remove")) }
                                }
                            }
                        }
                        p { (tr.t("basket-subtotal")) " : "
                            @for (currency, total) in totals { strong { (price(state, *total, currency)) } " " }
                        }
                        label for=(format!("delivery-{}", seller.to_hex())) { (tr.t("checkout-delivery")) }
                        @let (pickup, courier) = ways(state, &basket, seller);
                        select id=(format!("delivery-{}", seller.to_hex())) name=(format!("delivery-{}", seller.to_hex())) {
                            @if pickup { option value="pickup" { (tr.t("checkout-pickup")) } }
                            @if courier {
                                @for (value, label) in &couriers {
                                    option value=(value) { (tr.t("checkout-courier")) " : " (label) }
                                }
                            }
                        }
                        @if !pickup && (!courier || couriers.is_empty()) {
                            p.notice.error { (tr.t("checkout-no-way")) }
                        }
                        br;
                        label for=(format!("pay-{}", seller.to_hex())) { (tr.t("checkout-payment")) }
                        select id=(format!("pay-{}", seller.to_hex())) name=(format!("pay-{}", seller.to_hex())) {
                            @for (value, label) in payment_options(tr, profile.as_ref()) {
                                option value=(value) { (label) }
                            }
                        }
                    }
                }
                fieldset {
                    legend { (tr.t("checkout-contact")) }
                    label { (tr.t("checkout-name")) " " input type="text" name="name" required autocomplete="name"; }
                    label { (tr.t("checkout-phone")) " " input type="tel" name="phone" autocomplete="tel"; }
                    label { (tr.t("checkout-email")) " " input type="email" name="email" autocomplete="email"; }
                }
                @if !couriers.is_empty() {
                    fieldset {
                        legend { (tr.t("checkout-address")) }
                        label { (tr.t("checkout-street")) " " input type="text" name="street" autocomplete="street-address"; }
                        label { (tr.t("checkout-postcode")) " " input type="text" name="postcode" autocomplete="postal-code"; }
                        label { (tr.t("checkout-city")) " " input type="text" name="city" autocomplete="address-level2"; }
                    }
                }
                @if changed {
                    label { input type="checkbox" name="accept_changes" required; " " (tr.t("checkout-accept")) }
                }
                button type="submit" { (tr.t("checkout-submit")) }
            }
        }
    };
    page(Frame::plain(tr, tr.t("basket-title"), "/panier"), body)
}

/// The basket with the checkout form.
pub(in crate::ui) async fn basket_show(State(state): State<UiState>, tr: Tr) -> Response {
    basket_page(&state, tr, None, false)
}

/// Places the orders; back to the basket with the reason when that cannot be done.
pub(in crate::ui) async fn checkout(
    State(state): State<UiState>,
    tr: Tr,
    Form(form): Form<BTreeMap<String, String>>,
) -> Response {
    let field = |name: &str| form.get(name).filter(|v| !v.trim().is_empty()).cloned();
    let sellers = form
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("pay-").map(|seller| (seller, v)))
        .filter_map(|(seller, pay)| {
            let request = SellerRequest {
                delivery: delivery_choice(form.get(&format!("delivery-{seller}"))),
                payment: payment_choice(pay),
                note: None,
            };
            seller
                .parse::<AuthorKey>()
                .ok()
                .map(|seller| (seller, request))
        })
        .collect();
    let contact = Contact {
        name: field("name").unwrap_or_default(),
        phone: field("phone"),
        email: field("email"),
    };
    let address = field("street").map(|street| Address {
        lines: vec![street],
        postcode: field("postcode").unwrap_or_default(),
        city: field("city").unwrap_or_default(),
        country: "CH".into(),
        notes: None,
    });
    let accept_changes = form.contains_key("accept_changes");
    match state
        .node
        .orders()
        .place(&sellers, &contact, address.as_ref(), accept_changes)
        .await
    {
        Ok(_) => Redirect::to("/commandes").into_response(),
        Err(OrderError::Checkout(CheckoutError::Changed(_))) => {
            basket_page(&state, tr, Some(tr.t("checkout-changed")), true)
        }
        Err(e) => basket_page(&state, tr, Some(e.to_string()), false),
    }
}
