//! The search results page: the query string read into a search of the market, its hits as a
//! grid with facets to narrow them (category, trusted labels, local currency, delivery or
//! pick-up near the user, price, stock), a sort and pages.

use axum::extract::{RawQuery, State};
use axum::response::Response;
use fluent_bundle::FluentValue;
use maud::{Markup, html};
use serde::Deserialize;
use smartket_protocol::Market;

use super::{PAGE, category_name, grid, query_base, search_failed};
use crate::money;
use crate::search::SearchResults;
use crate::ui::UiState;
use crate::ui::form::encode;
use crate::ui::i18n::Tr;
use crate::ui::layout::{Frame, page};
use crate::ui::market::InMarket;

/// Search parameters of the results page.
#[derive(Debug, Default, Deserialize)]
struct SearchParams {
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
pub(in crate::ui) async fn search(
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
        market: Some(m.choice(state.node.markets())),
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
    let names = crate::ui::labels::TrustedNames::of(state, tr);
    let active = p.label.len()
        + p.payment.len()
        + usize::from(p.category.is_some())
        + usize::from(p.in_stock.is_some())
        + usize::from(p.delivered.is_some())
        + [&p.near_km, &p.price_min, &p.price_max]
            .iter()
            .filter(|v| v.as_ref().is_some_and(|v| !v.is_empty()))
            .count();
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
                // Open, and closed by the script on a phone so the first results come first.
                details.toggle open {
                summary {
                    (tr.t("filters"))
                    @if active > 0 { " (" (active) ")" }
                }
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
                                    " " (names.name(tr, &f.value)) " (" (f.count) ")"
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
