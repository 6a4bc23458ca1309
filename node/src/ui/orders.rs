//! The consumer's basket, checkout and orders. Forms post to the node's own pages (the guard's
//! Origin check keeps other sites out); an order's page reloads itself on the node's `order`
//! events, so its status is live.

use std::collections::BTreeMap;

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use fluent_bundle::FluentValue;
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;
use smartket_protocol::kinds::PaymentMeans;
use smartket_protocol::messages::{Address, Contact, OrderId, PaymentChoice, Window};
use smartket_protocol::{AuthorKey, Body, Kind};

use super::UiState;
use super::i18n::Tr;
use super::layout::{Frame, manage_nav, page};
use super::shop::{pick, price};
use crate::orders::OrderError;
use crate::orders::checkout::{CheckoutError, DeliveryRequest, SellerRequest};
use crate::orders::db::Party;
use crate::orders::payment::PaymentPart;
use crate::orders::view::order_json;

/// The add-to-basket form of an offer's page.
#[derive(Debug, Deserialize)]
pub(super) struct AddForm {
    author: String,
    key: String,
    quantity: Option<u32>,
}

/// Adds an offer to the basket, then shows the basket.
pub(super) async fn basket_add(
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
pub(super) struct RemoveForm {
    index: usize,
}

/// Removes one line, then shows the basket.
pub(super) async fn basket_remove(
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

/// Courier offers serving the user's postcode, as (form value, label): the value names the
/// courier, the offer and the window of its next slot.
pub(super) fn courier_options(state: &UiState, tr: Tr, markets: &[&str]) -> Vec<(String, String)> {
    let settings = state.settings();
    let Some(postcode) = settings.location.and_then(|l| l.postcode) else {
        return Vec::new();
    };
    let offers: Vec<_> = markets
        .iter()
        .flat_map(|market| {
            state
                .node
                .store()
                .current_in_market(market, Some(Kind::DeliveryOffer))
                .unwrap_or_default()
        })
        .collect();
    let now = crate::clock::now_ms();
    offers
        .into_iter()
        .filter_map(|record| {
            let Body::DeliveryOffer(offer) = &record.payload.body else {
                return None;
            };
            if !offer.zones.iter().any(|z| z.postcodes.contains(&postcode)) {
                return None;
            }
            let (from, to) = next_window(&offer.slots, now)?;
            let courier = record.payload.author;
            let name = super::names::actor_name(state, tr, &courier);
            let fee = super::shop::price(state, offer.fees.base, &offer.fees.currency);
            Some((
                format!(
                    "courier:{}:{}:{from}:{to}",
                    courier.to_hex(),
                    record.payload.key
                ),
                format!(
                    "{name} — {fee} — {}–{}",
                    super::dates::date_time(from),
                    super::dates::date_time(to)
                        .rsplit(' ')
                        .next()
                        .unwrap_or_default()
                ),
            ))
        })
        .collect()
}

/// The next window of `slots` after a day from `now_ms` (slots are local Geneva time, taken
/// as UTC+1 here: a summer-time window starts an hour early).
fn next_window(slots: &[smartket_protocol::kinds::TimeSlot], now_ms: u64) -> Option<(u64, u64)> {
    const DAY: u64 = 86_400_000;
    const CET: u64 = 3_600_000;
    let today = (now_ms + CET) / DAY;
    (1..=7u64).find_map(|ahead| {
        let day = today + ahead;
        // 1970-01-01 was a Thursday: day 0 → index 3 with Monday = 0.
        let weekday = ((day + 3) % 7) as usize;
        slots.iter().find(|s| s.day as usize == weekday).map(|s| {
            let midnight = day * DAY - CET;
            (
                midnight + u64::from(s.start) * 60_000,
                midnight + u64::from(s.end) * 60_000,
            )
        })
    })
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
                    @let profile = super::names::profile(state, seller);
                    @let name = super::names::actor_name(state, tr, seller);
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
pub(super) async fn basket_show(State(state): State<UiState>, tr: Tr) -> Response {
    basket_page(&state, tr, None, false)
}

/// Places the orders; back to the basket with the reason when that cannot be done.
pub(super) async fn checkout(
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

fn stage(tr: Tr, stage: &str) -> String {
    tr.t(&format!("stage-{stage}"))
}

/// The steps `party` may make now, as (type, label id, needs a reason).
fn allowed_steps(
    party: Party,
    state: smartket_protocol::messages::OrderState,
) -> Vec<(&'static str, bool)> {
    use smartket_protocol::messages::{Role, Step, apply};
    let role = match party {
        Party::Consumer => Role::Consumer,
        Party::Seller => Role::Seller,
        Party::Courier => Role::Courier,
    };
    let reason = || "-".to_owned();
    [
        Step::Accepted {
            payment_reference: None,
            note: None,
        },
        Step::Rejected { reason: reason() },
        Step::PaymentConfirmed,
        Step::ReadyForPickup { note: None },
        Step::HandedToCourier,
        Step::PickedUp,
        Step::Delivered,
        Step::Completed,
        Step::Cancelled { reason: reason() },
    ]
    .into_iter()
    .filter(|step| apply(state, step, role).is_ok())
    .map(|step| {
        let needs_reason = matches!(step, Step::Rejected { .. } | Step::Cancelled { .. });
        (step.name(), needs_reason)
    })
    .collect()
}

/// A step from an order page's buttons.
#[derive(Debug, Deserialize)]
pub(super) struct StepForm {
    step: String,
    reason: Option<String>,
}

/// Makes a step from an order's page, then shows the order again.
pub(super) async fn order_step(
    State(state): State<UiState>,
    Path(id): Path<String>,
    Form(form): Form<StepForm>,
) -> Response {
    use smartket_protocol::messages::Step;
    let reason = form
        .reason
        .filter(|r| !r.trim().is_empty())
        .unwrap_or_else(|| "—".into());
    let step = match form.step.as_str() {
        "accepted" => Step::Accepted {
            payment_reference: None,
            note: None,
        },
        "rejected" => Step::Rejected { reason },
        "payment_confirmed" => Step::PaymentConfirmed,
        "ready_for_pickup" => Step::ReadyForPickup { note: None },
        "handed_to_courier" => Step::HandedToCourier,
        "picked_up" => Step::PickedUp,
        "delivered" => Step::Delivered,
        "completed" => Step::Completed,
        "cancelled" => Step::Cancelled { reason },
        _ => return StatusCode::BAD_REQUEST.into_response(),
    };
    let Some(order_id) = hex::decode(&id)
        .ok()
        .and_then(|b| <[u8; 16]>::try_from(b).ok())
        .map(OrderId)
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match state.node.orders().step(&order_id, step).await {
        Ok(_) => Redirect::to(&format!("/commandes/{id}")).into_response(),
        Err(e) => (StatusCode::CONFLICT, e.to_string()).into_response(),
    }
}

/// The orders this node sells or delivers, newest first: the seller's inbox and the courier's
/// jobs.
pub(super) async fn manage_index(State(state): State<UiState>, tr: Tr) -> Response {
    let handled: Vec<_> = state
        .node
        .orders()
        .list()
        .unwrap_or_default()
        .into_iter()
        .filter(|(file, _)| file.party != Party::Consumer)
        .collect();
    let body = html! {
        (manage_nav(tr, "/gestion"))
        h1 { (tr.t("manage-title")) }
        @if handled.is_empty() { p { (tr.t("orders-none")) } }
        ul {
            @for (file, track) in &handled {
                @let id = file.order_id.to_hex();
                li {
                    a href=(format!("/commandes/{id}")) { (tr.args("order-title", &[("id", FluentValue::from(&id[..8]))])) }
                    " — " strong { (stage(tr, &crate::orders::view::stage_name(track.state.stage))) }
                    @if !allowed_steps(file.party, track.state).is_empty() { " — " span.badge { (tr.t("manage-to-do")) } }
                }
            }
        }
    };
    page(Frame::plain(tr, tr.t("manage-title"), "/gestion"), body)
}

/// The consumer's orders, newest first.
pub(super) async fn orders_index(State(state): State<UiState>, tr: Tr) -> Response {
    let orders = state.node.orders();
    let mine: Vec<_> = orders
        .list()
        .unwrap_or_default()
        .into_iter()
        .filter(|(file, _)| file.party == Party::Consumer)
        .collect();
    let body = html! {
        h1 { (tr.t("orders-title")) }
        @if mine.is_empty() { p { (tr.t("orders-none")) } }
        ul {
            @for (file, track) in &mine {
                @let id = file.order_id.to_hex();
                @let name = super::names::actor_name(&state, tr, &track.parties.seller);
                li {
                    a href=(format!("/commandes/{id}")) { (tr.args("order-title", &[("id", FluentValue::from(&id[..8]))])) }
                    " — " (name) " — " strong { (stage(tr, &crate::orders::view::stage_name(track.state.stage))) }
                }
            }
        }
    };
    page(Frame::plain(tr, tr.t("orders-title"), "/commandes"), body)
}

fn payment_line(state: &UiState, tr: Tr, part: &PaymentPart) -> Markup {
    match part {
        PaymentPart::InPerson {
            how,
            amount,
            currency,
        } => html! {
            p { (tr.args("order-pay-in-person", &[("amount", FluentValue::from(price(state, *amount, currency))), ("how", FluentValue::from(tr.t(&format!("how-{how}"))))])) }
        },
        PaymentPart::LocalCurrency {
            currency,
            amount,
            wallet,
            reference,
        } => html! {
            @match wallet {
                Some(wallet) => p { (tr.args("order-pay-local", &[("amount", FluentValue::from(price(state, *amount, currency))), ("wallet", FluentValue::from(wallet.as_str())), ("reference", FluentValue::from(reference.as_str()))])) },
                None => p { (tr.args("order-pay-local-in-person", &[("amount", FluentValue::from(price(state, *amount, currency))), ("reference", FluentValue::from(reference.as_str()))])) },
            }
        },
        PaymentPart::QrBill {
            amount,
            currency,
            reference,
            svg,
            ..
        } => html! {
            p { (tr.args("order-pay-qr", &[("amount", FluentValue::from(price(state, *amount, currency))), ("reference", FluentValue::from(reference.as_str()))])) }
            div.qr style="max-width:16rem" { (PreEscaped(svg)) }
        },
        PaymentPart::Unavailable { reason } => html! { p.muted { (reason) } },
    }
}

/// One order: its status (live), steps, how to pay.
pub(super) async fn order_show(
    State(state): State<UiState>,
    tr: Tr,
    Path(id): Path<String>,
) -> Response {
    let here = format!("/commandes/{id}");
    let order_id = hex::decode(&id)
        .ok()
        .and_then(|b| <[u8; 16]>::try_from(b).ok())
        .map(OrderId);
    let orders = state.node.orders();
    let Some(Ok((file, track, sent))) = order_id.map(|id| orders.get(&id)) else {
        return (
            StatusCode::NOT_FOUND,
            page(
                Frame::plain(tr, id.clone(), &here),
                html! { p.notice { "404" } },
            ),
        )
            .into_response();
    };
    let parts = orders.payment_parts(&file, &track);
    let shown = order_json(&file, &track, &sent, parts);
    let body = html! {
        div #order data-live-order=(shown.id) {
        h1 { (tr.args("order-title", &[("id", FluentValue::from(&shown.id[..8]))])) }
        p aria-live="polite" { (tr.t("order-stage")) " : " strong #stage { (stage(tr, &shown.stage)) } }
        @for s in shown.sent.iter().filter(|s| s.kind == "order") {
            @let state_name = serde_json::to_value(s.state).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
            p.muted { (tr.args("order-sent", &[("state", FluentValue::from(tr.t(&format!("sent-{state_name}"))))])) }
        }
        h2 { (tr.t("order-steps")) }
        ol.steps {
            @for step in &shown.steps {
                li {
                    strong { (tr.t(&format!("done-{}", step.step))) }
                    " — " (super::dates::date_time(step.at))
                    @if let Some(text) = &step.text { " — " (text) }
                }
            }
        }
        @let steps = allowed_steps(file.party, track.state);
        @if !steps.is_empty() {
            form method="post" action=(format!("/commandes/{}/etape", shown.id)) {
                label for="reason" { (tr.t("step-reason")) }
                " "
                input #reason type="text" name="reason" maxlength="300";
                " "
                @for (name, _) in &steps {
                    button type="submit" name="step" value=(name) { (tr.t(&format!("step-{name}"))) }
                    " "
                }
            }
        }
        @if !shown.payment.is_empty() {
            h2 { (tr.t("order-pay")) }
            @for part in &shown.payment { (payment_line(&state, tr, part)) }
        }
        }
        script src="/static/app.js" defer {}
    };
    page(
        Frame::plain(
            tr,
            tr.args("order-title", &[("id", FluentValue::from(&shown.id[..8]))]),
            &here,
        ),
        body,
    )
}

#[cfg(test)]
mod tests {
    use smartket_protocol::kinds::{TimeSlot, Weekday};

    use super::next_window;

    #[test]
    fn the_next_window_is_the_courier_s_next_slot_day_in_geneva_time() {
        // Saturday 28 November 2026, 12:00 UTC; the courier rides Tuesdays 9:00–12:00.
        let slots = [TimeSlot {
            day: Weekday::Tue,
            start: 540,
            end: 720,
        }];
        assert_eq!(
            next_window(&slots, 1_795_867_200_000),
            Some((1_796_112_000_000, 1_796_122_800_000))
        );
        assert_eq!(next_window(&[], 1_795_867_200_000), None);
    }
}
