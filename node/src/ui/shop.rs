//! The consumer's shop: the home page (search, categories, newest offers near the user or in
//! the whole market), and what the shop's pages and the others borrow from it — a text in the
//! reader's language, a price, a grid of offer cards, the search each query starts from. The
//! results with their facets are in [`results`], one offer in [`offer`].

mod offer;
mod results;

use axum::extract::{Query, RawQuery, State};
use axum::response::Response;
use fluent_bundle::FluentValue;
use maud::{Markup, html};
use serde::Deserialize;
use smartket_protocol::kinds::Unit;
use smartket_protocol::{Body, Kind, Market};

use super::UiState;
use super::i18n::{Tr, pick};
use super::labels::TrustedNames;
use super::layout::{Frame, page};
use super::market::InMarket;
use crate::money;
use crate::search::{Filters, Hit, SearchQuery, Sort};

pub(super) use offer::listing;
pub(super) use results::search;

/// What "near me" means on the home page: a bike ride.
const NEAR_M: u32 = 8_000;

/// Results per page.
const PAGE: usize = 24;

/// `?lang=` on any page.
#[derive(Debug, Default, Deserialize)]
pub(super) struct LangQuery {
    pub(super) lang: Option<String>,
}

/// A price in the market's conventions.
pub(super) fn price(state: &UiState, amount: u64, currency: &str) -> String {
    let (digits, local) = conventions(state, currency);
    money::format(amount, currency, digits, local)
}

/// `amount` as a spreadsheet cell holds it (`12.50`, no currency, no grouping).
pub(super) fn plain_price(state: &UiState, amount: u64, currency: &str) -> String {
    money::plain(amount, conventions(state, currency).0)
}

/// A currency's decimals and whether it is a local currency. Its conventions are its own,
/// whichever joined market names it; one no market names is read as a national currency with
/// two decimals.
fn conventions(state: &UiState, currency: &str) -> (u8, bool) {
    state
        .node
        .markets()
        .iter()
        .flat_map(|m| &m.currencies)
        .find(|c| c.code == currency)
        .map_or((2, false), |c| (c.digits, c.local))
}

/// A listing's unit in the reader's language.
pub(super) fn unit(tr: Tr, unit: &Unit) -> String {
    let name = serde_json::to_value(unit)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    tr.t(&format!("unit-{name}"))
}

fn category_name(market: Option<&Market>, tr: Tr, code: &str) -> String {
    market
        .and_then(|m| m.category(code))
        .map(|c| pick(&c.name, tr).to_owned())
        .unwrap_or_else(|| code.to_owned())
}

pub(super) fn query_base(state: &UiState, tr: Tr, market: &str) -> SearchQuery {
    let settings = state.settings();
    SearchQuery {
        market: market.to_owned(),
        text: String::new(),
        language: Some(tr.lang().to_owned()),
        filters: Filters::default(),
        trusted_issuers: settings.trusted_issuers.clone(),
        location: settings.location.as_ref().map(|l| l.geo_point()),
        sort: Sort::default(),
        offset: 0,
        limit: PAGE,
    }
}

fn image_of(state: &UiState, hit: &Hit) -> Option<String> {
    let id = hit.id.parse().ok()?;
    let record = state.node.store().get(&id).ok()??;
    match &record.payload.body {
        Body::Listing(l) => l
            .images
            .first()
            .map(|b| format!("/api/v1/blobs/{}?author={}", b.to_hex(), hit.author)),
        _ => None,
    }
}

fn card(state: &UiState, tr: Tr, names: &TrustedNames, hit: &Hit) -> Markup {
    let href = format!("/annonce/{}/{}", hit.author, hit.key);
    html! {
        article.card {
            @if let Some(src) = image_of(state, hit) {
                img src=(src) alt="" loading="lazy";
            }
            div.body {
                h3 { a href=(href) lang=(hit.language) { (hit.title) } }
                span.price { (price(state, hit.price, &hit.currency)) " / " (unit(tr, &hit.unit)) }
                @if let Some(seller) = &hit.seller_name {
                    span.muted { (tr.args("sold-by", &[("seller", FluentValue::from(seller.as_str()))])) }
                }
                @if let Some(m) = hit.distance_m {
                    span.muted { (tr.args("distance", &[("km", FluentValue::from(format!("{:.1}", f64::from(m) / 1000.0)))])) }
                }
                div {
                    @for label in &hit.labels { (names.badge(tr, label)) }
                    @if !hit.in_stock { span.badge { (tr.t("out-of-stock")) } }
                }
            }
        }
    }
}

/// Offer cards, their labels named as the trusted issuers define them.
pub(super) fn grid(state: &UiState, tr: Tr, hits: &[Hit]) -> Markup {
    let names = TrustedNames::of(state, tr);
    html! {
        ul.grid {
            @for hit in hits { li { (card(state, tr, &names, hit)) } }
        }
    }
}

fn search_failed(tr: Tr, e: impl std::fmt::Display) -> Markup {
    tracing::warn!("UI search: {e}");
    html! { p.notice { (tr.args("results-count", &[("count", FluentValue::from(0))])) } }
}

/// The home page: search, categories, newest offers.
pub(super) async fn home(
    State(state): State<UiState>,
    tr: Tr,
    m: InMarket,
    Query(q): Query<LangQuery>,
    RawQuery(raw): RawQuery,
) -> Response {
    let counts = state.node.store().counts(m.id()).unwrap_or_default();
    let listings = counts.get(&Kind::Listing).copied().unwrap_or(0);
    let sellers = counts.get(&Kind::Profile).copied().unwrap_or(0);
    let mut newest = query_base(&state, tr, m.id());
    newest.sort = Sort::Newest;
    newest.limit = 8;
    // Near me first: what is new within reach of the user's location, when the settings have
    // one and the neighbourhood has enough; the whole market otherwise.
    let mut near = newest.clone();
    near.filters.pickup_within_m = Some(NEAR_M);
    let (near_me, newest) = match state.settings().location {
        Some(_) => match state.node.search(near).await {
            Ok(found) if found.hits.len() >= 4 => (true, Ok(found)),
            _ => (false, state.node.search(newest).await),
        },
        None => (false, state.node.search(newest).await),
    };
    let categories = &m.market.categories;
    let body = html! {
        h1 { (tr.t("home-title")) }
        p.lead { (tr.args("home-lead", &[("sellers", FluentValue::from(sellers)), ("listings", FluentValue::from(listings))])) }
        section aria-labelledby="categories" {
            h2 #categories { (tr.t("categories")) }
            ul.categories {
                @for c in categories {
                    li { a href=(format!("/recherche?category={}", c.code)) { (pick(&c.name, tr)) } }
                }
            }
        }
        section aria-labelledby="newest" {
            h2 #newest { @if near_me { (tr.t("newest-near")) } @else { (tr.t("newest")) } }
            @match &newest {
                Ok(results) => (grid(&state, tr, &results.hits)),
                Err(e) => (search_failed(tr, e)),
            }
        }
    };
    let here = match &raw {
        Some(r) => format!("/?{r}"),
        None => "/".to_owned(),
    };
    let frame = Frame {
        tr,
        title: tr.t("home-title"),
        query: "",
        here: &here,
        chosen: q.lang.is_some(),
        market: Some(m.choice(state.node.markets())),
    };
    page(frame, body)
}
