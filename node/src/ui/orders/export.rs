//! The CSV exports for bookkeeping: the orders this node sold, one row per order and currency,
//! and their lines, one row per item — under the same filters as the back office's list, so
//! what is exported is what was on the screen. Written by the `csv` crate (quoting names with
//! commas, quotes or line breaks), separated by semicolons and opened by a byte-order mark so
//! that a spreadsheet set to French or German reads the columns and the accents right away.

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use smartket_protocol::messages::{DeliveryChoice, Order};

use super::detail::{delivery_mode, item_name, listing_of, payment_choice};
use super::inbox::{Filter, FilterQuery, handled};
use super::stage;
use crate::orders::db::OrderFile;
use crate::orders::track::Track;
use crate::ui::UiState;
use crate::ui::dates::{iso_date, window};
use crate::ui::i18n::Tr;
use crate::ui::shop::{plain_price, unit};

/// The orders export.
pub(in crate::ui) const ORDERS_CSV: &str = "/gestion/export/commandes.csv";
/// The order lines export.
pub(in crate::ui) const LINES_CSV: &str = "/gestion/export/lignes.csv";

/// What opens a UTF-8 file for spreadsheets that would otherwise guess a legacy encoding.
const BOM: &[u8] = "\u{feff}".as_bytes();

const ORDER_COLUMNS: [&str; 14] = [
    "csv-number",
    "csv-date",
    "csv-customer",
    "csv-phone",
    "csv-email",
    "csv-delivery",
    "csv-window",
    "csv-goods",
    "csv-fee",
    "csv-total",
    "csv-currency",
    "csv-payment",
    "csv-paid",
    "csv-state",
];

const LINE_COLUMNS: [&str; 14] = [
    "csv-number",
    "csv-date",
    "csv-customer",
    "csv-item",
    "csv-variant",
    "csv-quantity",
    "csv-unit",
    "csv-unit-price",
    "csv-line-total",
    "csv-currency",
    "csv-delivery",
    "csv-fee",
    "csv-payment",
    "csv-state",
];

/// The sold orders the filter keeps, oldest first (the order of the books), with their order.
fn sold(state: &UiState, filter: Filter) -> Vec<(OrderFile, Track, Order)> {
    let mut kept: Vec<_> = handled(state, filter, true)
        .into_iter()
        .filter_map(|(file, track)| {
            let order = track.order.clone()?;
            Some((file, track, order))
        })
        .collect();
    kept.reverse();
    kept
}

/// The delivery window, when the order has one.
fn window_of(order: &Order) -> String {
    match &order.delivery {
        DeliveryChoice::Courier { window: w, .. } => window(w.from, w.to),
        DeliveryChoice::Seller {
            window: Some(w), ..
        } => window(w.from, w.to),
        _ => String::new(),
    }
}

/// The fields every row of one order shares: number, date, customer.
fn order_head(file: &OrderFile, order: &Order) -> [String; 3] {
    [
        file.order_id.number(),
        iso_date(file.created_ms),
        order.contact.name.clone(),
    ]
}

fn state_of(tr: Tr, track: &Track) -> String {
    stage(tr, &crate::orders::view::stage_name(track.state.stage))
}

/// One row per order and currency of its totals (nearly always one): goods, the fee in its
/// own currency's row, the total due.
fn orders_rows(state: &UiState, tr: Tr, sold: &[(OrderFile, Track, Order)]) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for (file, track, order) in sold {
        for (currency, total) in &order.totals {
            let goods = order
                .items
                .iter()
                .filter(|i| &i.currency == currency)
                .fold(0u64, |sum, i| {
                    sum.saturating_add(i.unit_price.saturating_mul(u64::from(i.quantity)))
                });
            let fee = order
                .delivery
                .fee()
                .filter(|f| &f.currency == currency)
                .map(|f| plain_price(state, f.amount, currency))
                .unwrap_or_default();
            let mut row: Vec<String> = order_head(file, order).into();
            row.extend([
                order.contact.phone.clone().unwrap_or_default(),
                order.contact.email.clone().unwrap_or_default(),
                delivery_mode(state, tr, &order.delivery),
                window_of(order),
                plain_price(state, goods, currency),
                fee,
                plain_price(state, *total, currency),
                currency.clone(),
                payment_choice(tr, &order.payment),
                tr.t(if track.state.paid {
                    "csv-yes"
                } else {
                    "csv-no"
                }),
                state_of(tr, track),
            ]);
            rows.push(row);
        }
    }
    rows
}

/// One row per item; the order's fee on its first line only, so that summing the column counts
/// each fee once.
fn lines_rows(state: &UiState, tr: Tr, sold: &[(OrderFile, Track, Order)]) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for (file, track, order) in sold {
        for (n, item) in order.items.iter().enumerate() {
            let listing = listing_of(state, item);
            let (title, variant) = item_name(tr, item, listing.as_ref());
            let fee = order
                .delivery
                .fee()
                .filter(|_| n == 0)
                .map(|f| {
                    let amount = plain_price(state, f.amount, &f.currency);
                    // In the line's currency column unless the fee is in another.
                    if f.currency == item.currency {
                        amount
                    } else {
                        format!("{amount} {}", f.currency)
                    }
                })
                .unwrap_or_default();
            let mut row: Vec<String> = order_head(file, order).into();
            row.extend([
                title,
                variant.unwrap_or_default(),
                item.quantity.to_string(),
                listing
                    .as_ref()
                    .map(|l| unit(tr, &l.price.unit))
                    .unwrap_or_default(),
                plain_price(state, item.unit_price, &item.currency),
                plain_price(
                    state,
                    item.unit_price.saturating_mul(u64::from(item.quantity)),
                    &item.currency,
                ),
                item.currency.clone(),
                delivery_mode(state, tr, &order.delivery),
                fee,
                payment_choice(tr, &order.payment),
                state_of(tr, track),
            ]);
            rows.push(row);
        }
    }
    rows
}

/// The file's bytes: the mark, the header in the reader's language, the rows.
fn write(tr: Tr, columns: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(BOM.to_vec());
    writer.write_record(columns.iter().map(|id| tr.t(id)))?;
    for row in rows {
        writer.write_record(row)?;
    }
    writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))
}

/// The response: the file as a download named for what it holds and its day.
fn download(name: &str, filter: Filter, bytes: Result<Vec<u8>, csv::Error>) -> Response {
    let name = match filter.period() {
        Some(period) => format!("smartket-{name}-{period}.csv"),
        None => format!("smartket-{name}.csv"),
    };
    match bytes {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

/// The orders the filter keeps, as CSV.
pub(in crate::ui) async fn orders_csv(
    State(state): State<UiState>,
    tr: Tr,
    Query(query): Query<FilterQuery>,
) -> Response {
    let filter = Filter::from_query(&query);
    let rows = orders_rows(&state, tr, &sold(&state, filter));
    download("commandes", filter, write(tr, &ORDER_COLUMNS, &rows))
}

/// The lines of the orders the filter keeps, as CSV.
pub(in crate::ui) async fn lines_csv(
    State(state): State<UiState>,
    tr: Tr,
    Query(query): Query<FilterQuery>,
) -> Response {
    let filter = Filter::from_query(&query);
    let rows = lines_rows(&state, tr, &sold(&state, filter));
    download("lignes", filter, write(tr, &LINE_COLUMNS, &rows))
}
