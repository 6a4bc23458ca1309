//! The consumer's shop: home, search with facets, one offer.

use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use fluent_bundle::FluentValue;
use maud::{Markup, html};
use serde::Deserialize;
use smartket_protocol::kinds::{Fulfilment, Listing, Subject, Unit};
use smartket_protocol::{AuthorKey, Body, Kind, Market, Slot};

use super::UiState;
use super::form::encode;
use super::i18n::Tr;
use super::layout::{Frame, page};
use super::market::InMarket;
use crate::clock::now_ms;
use crate::money;
use crate::search::{Filters, Hit, SearchQuery, SearchResults, Sort};

/// What "near me" means on the home page: a bike ride.
const NEAR_M: u32 = 8_000;

/// Results per page.
const PAGE: usize = 24;

/// `?lang=` on any page.
#[derive(Debug, Default, Deserialize)]
pub(super) struct LangQuery {
    pub(super) lang: Option<String>,
}

/// A joined market by id (a record's, for the pages of one record).
fn market_of<'a>(state: &'a UiState, id: &str) -> Option<&'a Market> {
    state.node.markets().iter().find(|m| m.id == id)
}

pub(super) fn pick(text: &std::collections::BTreeMap<String, String>, tr: Tr) -> &str {
    text.get(tr.lang())
        .or_else(|| text.get("fr"))
        .or_else(|| text.values().next())
        .map_or("", String::as_str)
}

/// A price in the market's conventions.
pub(super) fn price(state: &UiState, amount: u64, currency: &str) -> String {
    // A currency's conventions are its own, whichever joined market names it.
    let known = state
        .node
        .markets()
        .iter()
        .flat_map(|m| &m.currencies)
        .find(|c| c.code == currency);
    match known {
        Some(c) => money::format(amount, currency, c.digits, c.local),
        None => money::format(amount, currency, 2, false),
    }
}

fn unit(tr: Tr, unit: &Unit) -> String {
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

fn card(state: &UiState, tr: Tr, hit: &Hit) -> Markup {
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
                    @for label in &hit.labels { span.badge { (label) } }
                    @if !hit.in_stock { span.badge { (tr.t("out-of-stock")) } }
                }
            }
        }
    }
}

pub(super) fn grid(state: &UiState, tr: Tr, hits: &[Hit]) -> Markup {
    html! {
        ul.grid {
            @for hit in hits { li { (card(state, tr, hit)) } }
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
        market: Some((&m, state.node.markets())),
    };
    page(frame, body)
}

/// Search parameters of the results page.
#[derive(Debug, Default, Deserialize)]
pub(super) struct SearchParams {
    #[serde(default)]
    q: String,
    category: Option<String>,
    #[serde(default)]
    label: Vec<String>,
    #[serde(default)]
    payment: Vec<String>,
    in_stock: Option<String>,
    /// Delivered to the postcode of the user's settings.
    delivered: Option<String>,
    /// Pick-up within this many km of the user's location.
    near_km: Option<String>,
    price_min: Option<String>,
    price_max: Option<String>,
    sort: Option<String>,
    #[serde(default)]
    offset: usize,
    lang: Option<String>,
}

/// The results page with its facets.
pub(super) async fn search(
    State(state): State<UiState>,
    tr: Tr,
    m: InMarket,
    RawQuery(raw): RawQuery,
) -> Response {
    let raw = raw.unwrap_or_default();
    let p: SearchParams = serde_html_form::from_str(&raw).unwrap_or_default();
    let mut query = query_base(&state, tr, m.id());
    query.text = p.q.clone();
    query.filters.category = p.category.clone().filter(|c| !c.is_empty());
    query.filters.labels = p.label.clone();
    query.filters.payment = p.payment.clone();
    query.filters.in_stock = p.in_stock.is_some();
    let settings = state.settings();
    let postcode = settings.location.as_ref().and_then(|l| l.postcode.clone());
    if p.delivered.is_some() {
        query.filters.deliver_to = postcode.clone();
    }
    query.filters.pickup_within_m = p
        .near_km
        .as_deref()
        .and_then(|km| km.parse::<u32>().ok())
        .filter(|_| settings.location.is_some())
        .map(|km| km.saturating_mul(1000));
    let digits = m
        .market
        .currencies
        .iter()
        .find(|c| c.code == m.market.base_currency)
        .map_or(2, |c| c.digits);
    let amount = |text: &Option<String>| text.as_deref().and_then(|t| money::parse(t, digits));
    query.filters.price_min = amount(&p.price_min);
    query.filters.price_max = amount(&p.price_max);
    query.sort = p
        .sort
        .as_deref()
        .and_then(|s| serde_json::from_value(serde_json::Value::String(s.to_owned())).ok())
        .unwrap_or_default();
    query.offset = p.offset;
    let results = state.node.search(query).await;
    let here = format!("/recherche?{raw}");
    let body = match &results {
        Ok(results) => results_body(&state, tr, &m.market, &p, results, postcode.as_deref()),
        Err(e) => search_failed(tr, e),
    };
    let title = if p.q.is_empty() {
        tr.t("search-button")
    } else {
        p.q.clone()
    };
    let frame = Frame {
        tr,
        title,
        query: &p.q,
        here: &here,
        chosen: p.lang.is_some(),
        market: Some((&m, state.node.markets())),
    };
    page(frame, body)
}

fn results_body(
    state: &UiState,
    tr: Tr,
    market: &Market,
    p: &SearchParams,
    results: &SearchResults,
    postcode: Option<&str>,
) -> Markup {
    let local = market
        .currencies
        .iter()
        .find(|c| c.local)
        .map(|c| c.code.clone());
    let sorts = [
        ("relevance", "sort-relevance"),
        ("price_asc", "sort-price-asc"),
        ("price_desc", "sort-price-desc"),
        ("distance", "sort-distance"),
        ("newest", "sort-newest"),
    ];
    let page_link = |offset: usize| {
        let mut pairs: Vec<(String, String)> = vec![("q".into(), p.q.clone())];
        if let Some(c) = &p.category {
            pairs.push(("category".into(), c.clone()));
        }
        pairs.extend(p.label.iter().map(|l| ("label".into(), l.clone())));
        pairs.extend(p.payment.iter().map(|l| ("payment".into(), l.clone())));
        if p.in_stock.is_some() {
            pairs.push(("in_stock".into(), "on".into()));
        }
        if p.delivered.is_some() {
            pairs.push(("delivered".into(), "on".into()));
        }
        for (name, value) in [
            ("near_km", &p.near_km),
            ("price_min", &p.price_min),
            ("price_max", &p.price_max),
        ] {
            if let Some(v) = value.as_ref().filter(|v| !v.is_empty()) {
                pairs.push((name.into(), v.clone()));
            }
        }
        if let Some(s) = &p.sort {
            pairs.push(("sort".into(), s.clone()));
        }
        pairs.push(("offset".into(), offset.to_string()));
        format!(
            "/recherche?{}",
            serde_html_form::to_string(&pairs).unwrap_or_default()
        )
    };
    html! {
        h1 {
            (tr.args("results-count", &[("count", FluentValue::from(results.total))]))
            @if !p.q.is_empty() { " " (tr.args("results-for", &[("q", FluentValue::from(p.q.as_str()))])) }
        }
        div.layout {
            aside.filters aria-label=(tr.t("filters")) {
                form method="get" action="/recherche" {
                    input type="hidden" name="q" value=(p.q);
                    fieldset {
                        legend { (tr.t("filter-category")) }
                        @if let Some(c) = &p.category {
                            input type="hidden" name="category" value=(c);
                            p { strong { (category_name(Some(market), tr, c)) } }
                        }
                        @for f in &results.facets.categories {
                            a href=(format!("/recherche?q={}&category={}", encode(&p.q), f.value)) {
                                (category_name(Some(market), tr, &f.value)) " (" (f.count) ")"
                            }
                            br;
                        }
                    }
                    @if !results.facets.labels.is_empty() || !p.label.is_empty() {
                        fieldset {
                            legend { (tr.t("filter-labels")) }
                            @for f in &results.facets.labels {
                                label {
                                    input type="checkbox" name="label" value=(f.value) checked[p.label.contains(&f.value)];
                                    " " (f.value) " (" (f.count) ")"
                                }
                            }
                        }
                    }
                    @if let Some(code) = &local {
                        fieldset {
                            legend { (tr.t("filter-payment")) }
                            @let value = format!("local:{code}");
                            @let count = results.facets.payment.iter().find(|f| f.value == value).map_or(0, |f| f.count);
                            label {
                                input type="checkbox" name="payment" value=(value) checked[p.payment.contains(&value)];
                                " " (tr.args("payment-local", &[("currency", FluentValue::from(code.as_str()))])) " (" (count) ")"
                            }
                        }
                    }
                    fieldset {
                        legend { (tr.t("filter-getting")) }
                        @if let Some(code) = postcode {
                            label {
                                input type="checkbox" name="delivered" checked[p.delivered.is_some()];
                                " " (tr.args("filter-delivered", &[("postcode", FluentValue::from(code))]))
                            }
                        } @else {
                            p.muted { a href="/parametres" { (tr.t("filter-set-location")) } }
                        }
                        label for="near_km" { (tr.t("filter-near")) }
                        select #near_km name="near_km" {
                            option value="" { (tr.t("filter-near-any")) }
                            @for km in ["2", "5", "10", "20"] {
                                option value=(km) selected[p.near_km.as_deref() == Some(km)] { (km) " km" }
                            }
                        }
                    }
                    fieldset {
                        legend { (tr.t("filter-price")) }
                        div.price-range {
                            label for="price_min" { (tr.t("filter-price-min")) }
                            input #price_min type="text" inputmode="decimal" name="price_min" size="6" value=(p.price_min.as_deref().unwrap_or(""));
                            label for="price_max" { (tr.t("filter-price-max")) }
                            input #price_max type="text" inputmode="decimal" name="price_max" size="6" value=(p.price_max.as_deref().unwrap_or(""));
                        }
                    }
                    fieldset {
                        label {
                            input type="checkbox" name="in_stock" checked[p.in_stock.is_some()];
                            " " (tr.t("filter-in-stock"))
                        }
                        label for="sort" { (tr.t("sort")) }
                        select #sort name="sort" {
                            @for (value, id) in sorts {
                                option value=(value) selected[p.sort.as_deref() == Some(value)] { (tr.t(id)) }
                            }
                        }
                    }
                    button type="submit" { (tr.t("filter-apply")) }
                    " "
                    a href=(format!("/recherche?q={}", encode(&p.q))) { (tr.t("filter-clear")) }
                }
            }
            section aria-label=(tr.args("results-count", &[("count", FluentValue::from(results.total))])) {
                (grid(state, tr, &results.hits))
                nav.pager {
                    @if p.offset > 0 {
                        a href=(page_link(p.offset.saturating_sub(PAGE))) rel="prev" { (tr.t("previous")) }
                    } @else { span {} }
                    @if (p.offset + PAGE) < results.total as usize {
                        a href=(page_link(p.offset + PAGE)) rel="next" { (tr.t("next")) }
                    }
                }
            }
        }
    }
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
pub(super) async fn listing(
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
    let seller_name = super::names::profile(&state, &seller).map(|p| pick(&p.name, tr).to_owned());
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
                (super::seller::labels(&state, tr, &record.payload.market, &[
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
                    form method="post" action="/panier" {
                        input type="hidden" name="author" value=(record.payload.author.to_hex());
                        input type="hidden" name="key" value=(record.payload.key);
                        label for="quantity" { (tr.t("quantity")) }
                        " "
                        input #quantity type="number" name="quantity" value="1" min="1" max="99";
                        " "
                        button type="submit" { (tr.t("add-to-basket")) }
                    }
                }
                h2 { (tr.t("listing-description")) }
                p { (pick(&listing.description, tr)) }
                h2 { (tr.t("listing-fulfilment")) }
                ul { @for line in fulfilment_lines(tr, listing) { li { (line) } } }
                @if listing.fulfilment.iter().any(|f| matches!(f, Fulfilment::Courier)) {
                    @let couriers = super::orders::courier_options(&state, tr, &[record.payload.market.as_str()]);
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
