//! One offer's page: the listing as it is now, its seller and labels, stock, how to get it
//! (pick-up, or the couriers that reach the user's postcode), and the add-to-basket form.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use fluent_bundle::FluentValue;
use maud::html;
use smartket_protocol::kinds::{Fulfilment, Listing, Subject};
use smartket_protocol::messages::MAX_QUANTITY;
use smartket_protocol::{AuthorKey, Body, Kind, Market, Slot};

use super::{LangQuery, category_name, price, unit};
use crate::clock::now_ms;
use crate::ui::UiState;
use crate::ui::i18n::Tr;
use crate::ui::i18n::pick;
use crate::ui::layout::{Frame, page};

/// A joined market by id (a record's, for the pages of one record).
fn market_of<'a>(state: &'a UiState, id: &str) -> Option<&'a Market> {
    state.node.markets().iter().find(|m| m.id == id)
}

fn fulfilment_lines(tr: Tr, listing: &Listing) -> Vec<String> {
    listing
        .fulfilment
        .iter()
        .map(|f| match f {
            Fulfilment::Pickup {
                place, postcode, ..
            } => tr.args(
                "listing-pickup",
                &[
                    ("place", FluentValue::from(place.as_str())),
                    ("postcode", FluentValue::from(postcode.as_str())),
                ],
            ),
            Fulfilment::Courier => tr.t("listing-courier"),
            _ => tr.t("listing-delivery"),
        })
        .collect()
}

/// One offer.
pub(in crate::ui) async fn listing(
    State(state): State<UiState>,
    tr: Tr,
    Path((author, key)): Path<(String, String)>,
    Query(q): Query<LangQuery>,
) -> Response {
    let here = format!("/annonce/{author}/{key}");
    let found = author.parse::<AuthorKey>().ok().and_then(|author| {
        let slot = Slot {
            author,
            kind: Kind::Listing,
            key: key.clone(),
        };
        state
            .node
            .store()
            .current(&slot)
            .ok()
            .flatten()
            .filter(|r| r.payload.expires > now_ms())
    });
    let Some(record) = found else {
        let frame = Frame {
            tr,
            title: key.clone(),
            query: "",
            here: &here,
            chosen: q.lang.is_some(),
            market: None,
        };
        let body = html! { p.notice { (tr.t("listing-not-found")) } };
        return (StatusCode::NOT_FOUND, page(frame, body)).into_response();
    };
    let Body::Listing(listing) = &record.payload.body else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let seller = listing.on_behalf_of.unwrap_or(record.payload.author);
    let seller_name =
        crate::ui::names::profile(&state, &seller).map(|p| pick(&p.name, tr).to_owned());
    let title = pick(&listing.title, tr).to_owned();
    let market = market_of(&state, &record.payload.market);
    let local = market.and_then(|m| m.currencies.iter().find(|c| c.local));
    let body = html! {
        article.listing {
            div {
                @for image in &listing.images {
                    img src=(format!("/api/v1/blobs/{}?author={}", image.to_hex(), record.payload.author)) alt=(title);
                }
            }
            div {
                h1 { (title) }
                p.price { (price(&state, listing.price.amount, &listing.price.currency)) " / " (unit(tr, &listing.price.unit)) }
                @if let Some(name) = &seller_name {
                    p { a href=(format!("/vendeur/{seller}")) { (tr.args("sold-by", &[("seller", FluentValue::from(name.as_str()))])) } }
                }
                (crate::ui::labels::labels(&state, tr, &record.payload.market, &[
                    Subject::Listing { author: record.payload.author, key: record.payload.key.clone() },
                    Subject::Actor { key: seller },
                ]))
                p { (category_name(market, tr, &listing.category)) }
                @match listing.stock {
                    Some(0) => p { span.badge { (tr.t("out-of-stock")) } },
                    _ => p { span.badge { (tr.t("in-stock")) } },
                }
                @if let (Some(pct), Some(c)) = (listing.local_share_pct, local) {
                    p { (tr.args("listing-local-share", &[("pct", FluentValue::from(pct)), ("currency", FluentValue::from(c.code.as_str()))])) }
                }
                @if listing.stock != Some(0) {
                    form.add method="post" action="/panier" {
                        input type="hidden" name="author" value=(record.payload.author.to_hex());
                        input type="hidden" name="key" value=(record.payload.key);
                        div.field {
                            label for="quantity" { (tr.t("quantity")) " (" (unit(tr, &listing.price.unit)) ")" }
                            input #quantity type="number" inputmode="numeric" name="quantity" value="1" min="1"
                                max=(listing.stock.unwrap_or(MAX_QUANTITY).min(MAX_QUANTITY));
                        }
                        button.primary type="submit" { (tr.t("add-to-basket")) }
                    }
                }
                h2 { (tr.t("listing-description")) }
                p { (pick(&listing.description, tr)) }
                h2 { (tr.t("listing-fulfilment")) }
                ul { @for line in fulfilment_lines(tr, listing) { li { (line) } } }
                @if listing.fulfilment.iter().any(|f| matches!(f, Fulfilment::Courier)) {
                    @let couriers = crate::ui::orders::courier_options(&state, tr, &[record.payload.market.as_str()]);
                    @match state.settings().location.and_then(|l| l.postcode) {
                        Some(postcode) => {
                            h3 { (tr.args("listing-couriers", &[("postcode", FluentValue::from(postcode))])) }
                            @if couriers.is_empty() { p.muted { (tr.t("listing-no-courier")) } }
                            ul { @for (_, label) in &couriers { li { (label) } } }
                        }
                        None => p.muted { a href="/parametres" { (tr.t("filter-set-location")) } },
                    }
                }
            }
        }
    };
    let frame = Frame {
        tr,
        title,
        query: "",
        here: &here,
        chosen: q.lang.is_some(),
        market: None,
    };
    page(frame, body)
}
