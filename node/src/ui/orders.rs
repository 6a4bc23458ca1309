//! The orders pages: the consumer's basket and checkout ([`basket`]), the courier offers it
//! chooses from ([`couriers`]), one order's page ([`order`], its sections in [`detail`], what
//! each party may see of it in [`sheet`], people and addresses in [`contact`]), and here the
//! lists of orders —
//! the consumer's own, and those this node sells or delivers. Forms post to the node's own
//! pages (the guard's Origin check keeps other sites out); an order's page reloads itself on
//! the node's `order` events, so its status is live.

mod basket;
pub(super) mod contact;
mod couriers;
pub(super) mod detail;
mod order;
pub(super) mod sheet;

use axum::extract::State;
use axum::response::Response;
use fluent_bundle::FluentValue;
use maud::html;

use super::UiState;
use super::i18n::Tr;
use super::layout::{Frame, manage_nav, page};
use crate::orders::db::Party;

pub(super) use basket::{basket_add, basket_remove, basket_show, checkout};
pub(super) use couriers::courier_options;
pub(super) use order::{order_show, order_step};

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
                    a href=(format!("/commandes/{id}")) { (tr.args("order-title", &[("id", FluentValue::from(file.order_id.number()))])) }
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
                    a href=(format!("/commandes/{id}")) { (tr.args("order-title", &[("id", FluentValue::from(file.order_id.number()))])) }
                    " — " (name) " — " strong { (stage(tr, &crate::orders::view::stage_name(track.state.stage))) }
                }
            }
        }
    };
    page(Frame::plain(tr, tr.t("orders-title"), "/commandes"), body)
}
