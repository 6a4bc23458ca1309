//! One order's page: its status (live: the page reloads itself on the node's `order` events),
//! the buttons for the steps this node may make now (posted back as a step of the order), then
//! the order as this party may see it — drawn by [`detail`] from the party's [`Sheet`] — how
//! to pay, and the signed receipt.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use fluent_bundle::FluentValue;
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;
use smartket_protocol::messages::OrderId;

use super::detail;
use super::sheet::Sheet;
use super::{allowed_steps, stage};
use crate::orders::db::Party;
use crate::orders::payment::PaymentPart;
use crate::orders::view::order_json;
use crate::ui::UiState;
use crate::ui::i18n::Tr;
use crate::ui::layout::{Frame, page};
use crate::ui::shop::price;

/// A step from an order page's buttons.
#[derive(Debug, Deserialize)]
pub(in crate::ui) struct StepForm {
    step: String,
    reason: Option<String>,
    /// Where to go after the step: only the courier's day may ask to come back to itself
    /// (anything else would make the form an open redirect); by default the order's page.
    back: Option<String>,
}

/// Makes a step from an order's page (or the courier's day), then shows that page again.
pub(in crate::ui) async fn order_step(
    State(state): State<UiState>,
    Path(id): Path<String>,
    session: Option<axum::Extension<crate::sessions::SessionInfo>>,
    Form(form): Form<StepForm>,
) -> Response {
    use smartket_protocol::messages::Step;
    if session.is_some_and(|s| !s.scope.may_step(&form.step)) {
        return (StatusCode::FORBIDDEN, "this device may not make this step").into_response();
    }
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
        Ok(_) if form.back.as_deref() == Some(crate::ui::courier::DAY) => {
            Redirect::to(crate::ui::courier::DAY).into_response()
        }
        Ok(_) => Redirect::to(&format!("/commandes/{id}")).into_response(),
        Err(e) => (StatusCode::CONFLICT, e.to_string()).into_response(),
    }
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

/// One order, as the party this node is in it may see it ([`Sheet`]): who, items, delivery,
/// totals and payment, the steps it may make now, the timeline, and the signed receipt.
pub(in crate::ui) async fn order_show(
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
                Frame::plain(tr, tr.t("order-not-found"), &here),
                html! { p.notice { (tr.t("order-not-found")) } },
            ),
        )
            .into_response();
    };
    let parts = orders.payment_parts(&file, &track);
    let shown = order_json(&file, &track, &sent, parts);
    let sheet = Sheet::for_party(file.party, &track);
    let title = tr.args(
        "order-title",
        &[("id", FluentValue::from(file.order_id.number()))],
    );
    let body = html! {
        div #order data-live-order=(shown.id) {
        h1 { (title) }
        p aria-live="polite" { (tr.t("order-stage")) " : " strong #stage { (stage(tr, &shown.stage)) } }
        @for s in shown.sent.iter().filter(|s| s.kind == "order") {
            @let state_name = serde_json::to_value(s.state).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
            p.muted { (tr.args("order-sent", &[("state", FluentValue::from(tr.t(&format!("sent-{state_name}"))))])) }
        }
        @let steps = allowed_steps(file.party, track.state);
        @if !steps.is_empty() {
            form.steps method="post" action=(format!("/commandes/{}/etape", shown.id)) {
                @if steps.iter().any(|(_, reason)| *reason) {
                    label for="reason" { (tr.t("step-reason")) }
                    " "
                    input #reason type="text" name="reason" maxlength="300";
                    " "
                }
                @for (name, refusal) in &steps {
                    button.danger[*refusal] type="submit" name="step" value=(name) { (tr.t(&format!("step-{name}"))) }
                    " "
                }
            }
        }
        (detail::who(&state, tr, file.party, &track, sheet))
        @if let Some(order) = sheet.order { (detail::items(&state, tr, order)) }
        (detail::delivery(&state, tr, sheet))
        @if let Some(order) = sheet.order { (detail::totals(&state, tr, order, &shown.payment, shown.paid)) }
        @if file.party == Party::Consumer && !shown.payment.is_empty() {
            section aria-labelledby="pay" {
                h2 #pay { (tr.t("order-pay")) }
                @for part in &shown.payment { (payment_line(&state, tr, part)) }
            }
        }
        (detail::timeline(&state, tr, &track, sheet, &shown.steps))
        p { a href=(format!("/api/v1/orders/{}/receipt", shown.id)) download=(format!("recu-{}.json", file.order_id.number())) { (tr.t("order-receipt")) } }
        }
    };
    page(Frame::plain(tr, title, &here), body)
}
