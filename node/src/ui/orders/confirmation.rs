//! The confirmation after checkout: each seller's order just placed, under its number, with
//! what it costs and how it comes. Checkout redirects to "Mes commandes" (so a reload never
//! orders twice) with the placed orders in a short-lived cookie; that page then opens on them,
//! the earlier orders below, and clears the cookie.

use axum::http::HeaderMap;
use fluent_bundle::FluentValue;
use maud::{Markup, html};
use smartket_protocol::messages::{DeliveryChoice, OrderId};

use crate::orders::db::Party;
use crate::ui::UiState;
use crate::ui::i18n::{Tr, cookie as cookie_of};
use crate::ui::shop::price;

/// The cookie naming the orders just placed.
const COOKIE: &str = "placed";
/// How long the confirmation waits to be shown: the redirect follows at once.
const MAX_AGE_S: u32 = 300;

/// The `Set-Cookie` value naming `ids` as just placed.
pub(super) fn cookie(ids: &[OrderId]) -> String {
    let ids: Vec<String> = ids.iter().map(OrderId::to_hex).collect();
    format!(
        "{COOKIE}={}; Path=/commandes; Max-Age={MAX_AGE_S}; SameSite=Strict; HttpOnly",
        ids.join(".")
    )
}

/// The `Set-Cookie` value that clears it, once shown.
pub(super) fn cleared() -> String {
    format!("{COOKIE}=; Path=/commandes; Max-Age=0; SameSite=Strict; HttpOnly")
}

/// The orders the request's cookie names as just placed (unreadable ids left out).
pub(super) fn placed(headers: &HeaderMap) -> Vec<OrderId> {
    cookie_of(headers, COOKIE)
        .unwrap_or_default()
        .split('.')
        .filter_map(|id| {
            hex::decode(id)
                .ok()
                .and_then(|b| <[u8; 16]>::try_from(b).ok())
                .map(OrderId)
        })
        .collect()
}

/// The page's head after checkout: the orders `ids` this node placed, each under its number
/// with its seller, total and delivery; nothing when none of them is here.
pub(super) fn confirmation(state: &UiState, tr: Tr, ids: &[OrderId]) -> Option<Markup> {
    let placed: Vec<_> = state
        .node
        .orders()
        .list()
        .unwrap_or_default()
        .into_iter()
        .filter(|(file, _)| file.party == Party::Consumer && ids.contains(&file.order_id))
        .collect();
    if placed.is_empty() {
        return None;
    }
    Some(html! {
        section.confirmation role="status" {
            h1 { (tr.args("confirm-title", &[("count", FluentValue::from(placed.len()))])) }
            p { (tr.t("confirm-lead")) }
            ul.placed {
                @for (file, track) in &placed {
                    @let number = file.order_id.number();
                    @let seller = crate::ui::names::actor_name(state, tr, &track.parties.seller);
                    li {
                        a.number href=(format!("/commandes/{}", file.order_id.to_hex())) {
                            (tr.args("order-title", &[("id", FluentValue::from(number))]))
                        }
                        " — " (seller)
                        @if let Some(order) = &track.order {
                            " — "
                            @for (i, (currency, total)) in order.totals.iter().enumerate() {
                                @if i > 0 { " + " }
                                strong { (price(state, *total, currency)) }
                            }
                            " — "
                            @match &order.delivery {
                                DeliveryChoice::Pickup => (tr.t("checkout-pickup")),
                                _ => (tr.t("confirm-delivered")),
                            }
                        }
                    }
                }
            }
        }
    })
}
