//! The packing list of one day: what to take off the shelves — each product's quantity summed
//! across the day's orders still to prepare (placed or accepted), beside the seller's current
//! stock — then each order to pack, with its number, customer and how it leaves (pick-up or
//! delivery, and when). Printed in the morning: the stylesheet's print rules drop the
//! navigation and the form.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::response::Response;
use fluent_bundle::FluentValue;
use maud::{Markup, html};
use serde::Deserialize;
use smartket_protocol::kinds::Listing;
use smartket_protocol::messages::{DeliveryChoice, Order, OrderItem, Stage};

use super::detail::{delivery_mode, item_name, listing_of};
use super::inbox::{Filter, INBOX, handled};
use super::stage;
use crate::orders::db::OrderFile;
use crate::orders::track::Track;
use crate::ui::UiState;
use crate::ui::dates::{date, iso_date, parse_date, window};
use crate::ui::i18n::Tr;
use crate::ui::layout::{Frame, manage_nav, page};
use crate::ui::shop::unit;

/// The packing list's page.
pub(in crate::ui) const PACKING: &str = "/gestion/preparation";

/// `?jour=2026-11-28`; today when absent or unreadable.
#[derive(Debug, Default, Deserialize)]
pub(in crate::ui) struct PackingQuery {
    jour: Option<String>,
}

/// One product of the day: what identifies it, how it reads, and how many are wanted.
struct Product {
    title: String,
    variant: Option<String>,
    unit: Option<String>,
    stock: Option<u32>,
    quantity: u64,
}

/// Units of the item's listing (or of its variant) in stock now; `None` when not tracked or
/// the listing is gone.
fn stock_of(item: &OrderItem, listing: Option<&Listing>) -> Option<u32> {
    let listing = listing?;
    match &item.variant {
        Some(id) => listing.variants.iter().find(|v| &v.id == id)?.stock,
        None => listing.stock,
    }
}

/// An order is on the packing list until it is ready: once ready it has been packed.
fn to_prepare(track: &Track) -> bool {
    matches!(track.state.stage, Stage::Placed | Stage::Accepted)
}

/// The day's products, each quantity summed over every order, sorted by title.
fn products(state: &UiState, tr: Tr, orders: &[&Order]) -> Vec<Product> {
    let mut by_product: BTreeMap<(String, String, Option<String>), Product> = BTreeMap::new();
    for order in orders {
        for item in &order.items {
            let id = (item.author.to_hex(), item.key.clone(), item.variant.clone());
            let product = by_product.entry(id).or_insert_with(|| {
                let listing = listing_of(state, item);
                let (title, variant) = item_name(tr, item, listing.as_ref());
                Product {
                    title,
                    variant,
                    unit: listing.as_ref().map(|l| unit(tr, &l.price.unit)),
                    stock: stock_of(item, listing.as_ref()),
                    quantity: 0,
                }
            });
            product.quantity = product.quantity.saturating_add(u64::from(item.quantity));
        }
    }
    let mut products: Vec<Product> = by_product.into_values().collect();
    products.sort_by(|a, b| (&a.title, &a.variant).cmp(&(&b.title, &b.variant)));
    products
}

/// The stock cell: the units in stock, and how many are missing when the day needs more.
fn stock_cell(tr: Tr, stock: Option<u32>, wanted: u64) -> Markup {
    html! {
        @match stock {
            Some(stock) => {
                (stock)
                @if wanted > u64::from(stock) {
                    " " strong.short { (tr.args("packing-short", &[("count", FluentValue::from(wanted - u64::from(stock)))])) }
                }
            }
            None => span.muted { (tr.t("packing-untracked")) },
        }
    }
}

/// The head row of both tables.
fn head(tr: Tr) -> Markup {
    html! {
        thead { tr {
            th scope="col" { (tr.t("order-col-item")) }
            th.num scope="col" { (tr.t("order-col-quantity")) }
            th scope="col" { (tr.t("order-col-unit")) }
            th.num scope="col" { (tr.t("packing-col-stock")) }
        } }
    }
}

/// The products table: one row per product, its quantity for the whole day.
fn totals_table(tr: Tr, products: &[Product]) -> Markup {
    html! {
        table.lines.packing tabindex="0" {
            (head(tr))
            tbody {
                @for p in products {
                    tr {
                        td { (p.title) @if let Some(v) = &p.variant { " — " span.muted { (v) } } }
                        td.num { strong { (p.quantity) } }
                        td { @if let Some(u) = &p.unit { (u) } }
                        td.num { (stock_cell(tr, p.stock, p.quantity)) }
                    }
                }
            }
        }
    }
}

/// One order to pack: number, customer, how and when it leaves, and its items.
fn order_card(state: &UiState, tr: Tr, file: &OrderFile, track: &Track, order: &Order) -> Markup {
    let id = file.order_id.to_hex();
    let when = match &order.delivery {
        DeliveryChoice::Courier { window: w, .. } => Some(window(w.from, w.to)),
        DeliveryChoice::Seller { window: w, .. } => w.as_ref().map(|w| window(w.from, w.to)),
        DeliveryChoice::Pickup => None,
    };
    html! {
        article.job.packing {
            h3 {
                a href=(format!("/commandes/{id}")) { (tr.args("order-title", &[("id", FluentValue::from(file.order_id.number()))])) }
                " — " (order.contact.name)
            }
            p {
                (delivery_mode(state, tr, &order.delivery))
                @if let Some(when) = &when { " — " (when) }
                " — " (stage(tr, &crate::orders::view::stage_name(track.state.stage)))
            }
            table.lines tabindex="0" {
                (head(tr))
                tbody {
                    @for item in &order.items {
                        @let listing = listing_of(state, item);
                        @let (title, variant) = item_name(tr, item, listing.as_ref());
                        tr {
                            td { (title) @if let Some(v) = &variant { " — " span.muted { (v) } } }
                            td.num { (item.quantity) }
                            td { @if let Some(l) = &listing { (unit(tr, &l.price.unit)) } }
                            td.num { (stock_cell(tr, stock_of(item, listing.as_ref()), u64::from(item.quantity))) }
                        }
                    }
                }
            }
            @if let Some(note) = &order.note { p { strong { (tr.t("order-note")) } " — " (note) } }
        }
    }
}

/// The packing list of the chosen day.
pub(in crate::ui) async fn packing(
    State(state): State<UiState>,
    tr: Tr,
    Query(query): Query<PackingQuery>,
) -> Response {
    let today = || parse_date(&iso_date(crate::clock::now_ms()));
    let Some(day) = query.jour.as_deref().and_then(parse_date).or_else(today) else {
        return page(
            Frame::plain(tr, tr.t("packing-title"), PACKING),
            html! { p.empty { (tr.t("orders-none")) } },
        );
    };
    let mut kept = handled(&state, Filter::any_state_on(day), true);
    kept.retain(|(_, track)| to_prepare(track));
    // Oldest first: the order they came in is the order to pack them.
    kept.reverse();
    let orders: Vec<(&OrderFile, &Track, &Order)> = kept
        .iter()
        .filter_map(|(file, track)| Some((file, track, track.order.as_ref()?)))
        .collect();
    let just_orders: Vec<&Order> = orders.iter().map(|(_, _, o)| *o).collect();
    let products = products(&state, tr, &just_orders);
    let title = tr.args("packing-heading", &[("day", FluentValue::from(date(day)))]);
    let body = html! {
        (manage_nav(tr, INBOX))
        h1 { (title) }
        form.filters method="get" action=(PACKING) {
            div.row {
                label for="jour" { (tr.t("filter-day")) }
                input #jour type="date" name="jour" value=(iso_date(day));
            }
            button type="submit" { (tr.t("filter-apply")) }
        }
        p.muted { (tr.t("packing-which")) }
        @if orders.is_empty() {
            p.empty { (tr.t("packing-none")) }
        } @else {
            section aria-labelledby="products" {
                h2 #products { (tr.args("packing-products", &[("orders", FluentValue::from(orders.len()))])) }
                (totals_table(tr, &products))
            }
            section aria-labelledby="per-order" {
                h2 #per-order { (tr.t("packing-orders")) }
                @for (file, track, order) in &orders {
                    (order_card(&state, tr, file, track, order))
                }
            }
        }
    };
    page(Frame::plain(tr, title.clone(), PACKING), body)
}
