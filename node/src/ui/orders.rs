//! The orders pages: the consumer's basket and checkout ([`basket`]: the form as typed in
//! [`draft`], its page in [`basket_view`], the ways and payments per seller in [`choices`], the
//! [`confirmation`] of what was placed), the courier offers it chooses from ([`couriers`]), one
//! order's page ([`order`], its sections in [`detail`], what
//! each party may see of it in [`sheet`], people and addresses in [`contact`]), the back
//! office's working day (the filtered list in [`inbox`], the day's [`packing`] list, the CSV
//! [`export`]s), and here the consumer's own orders. Forms post to the node's own
//! pages (the guard's Origin check keeps other sites out); an order's page reloads itself on
//! the node's `order` events, so its status is live.

mod basket;
mod basket_view;
mod choices;
mod confirmation;
pub(super) mod contact;
mod couriers;
pub(super) mod detail;
mod draft;
mod export;
mod inbox;
mod order;
mod packing;
pub(super) mod sheet;

use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::Response;
use fluent_bundle::FluentValue;
use maud::html;

use super::UiState;
use super::i18n::Tr;
use super::layout::{Frame, page};
use crate::orders::db::Party;

pub(super) use basket::{basket_add, basket_remove, basket_show, basket_update, checkout};
pub(super) use couriers::courier_options;
pub(super) use export::{LINES_CSV, ORDERS_CSV, lines_csv, orders_csv};
pub(super) use inbox::manage_index;
pub(super) use order::{order_show, order_step};
pub(super) use packing::{PACKING, packing};

/// A stage's name in the reader's language.
pub(super) fn stage(tr: Tr, stage: &str) -> String {
    tr.t(&format!("stage-{stage}"))
}

/// The steps `party` may make now, as (type, label id, needs a reason).
pub(super) fn allowed_steps(
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

/// The consumer's orders, newest first; after checkout, the orders just placed first, then
/// the earlier ones.
pub(super) async fn orders_index(
    State(state): State<UiState>,
    tr: Tr,
    headers: HeaderMap,
) -> Response {
    let placed = confirmation::placed(&headers);
    let confirmed = confirmation::confirmation(&state, tr, &placed);
    let orders = state.node.orders();
    let earlier: Vec<_> = orders
        .list()
        .unwrap_or_default()
        .into_iter()
        .filter(|(file, _)| file.party == Party::Consumer)
        .filter(|(file, _)| confirmed.is_none() || !placed.contains(&file.order_id))
        .collect();
    let list = html! {
        ul {
            @for (file, track) in &earlier {
                @let id = file.order_id.to_hex();
                @let name = super::names::actor_name(&state, tr, &track.parties.seller);
                li {
                    a href=(format!("/commandes/{id}")) { (tr.args("order-title", &[("id", FluentValue::from(file.order_id.number()))])) }
                    " — " (name) " — " strong { (stage(tr, &crate::orders::view::stage_name(track.state.stage))) }
                }
            }
        }
    };
    let body = match &confirmed {
        Some(confirmed) => html! {
            (confirmed)
            @if !earlier.is_empty() {
                section aria-labelledby="earlier" {
                    h2 #earlier { (tr.t("orders-earlier")) }
                    (list)
                }
            }
        },
        None => html! {
            h1 { (tr.t("orders-title")) }
            @if earlier.is_empty() { p.empty { (tr.t("orders-none")) } }
            (list)
        },
    };
    let mut response = page(Frame::plain(tr, tr.t("orders-title"), "/commandes"), body);
    if !placed.is_empty()
        && let Ok(cleared) = confirmation::cleared().parse()
    {
        response.headers_mut().append(header::SET_COOKIE, cleared);
    }
    response
}
