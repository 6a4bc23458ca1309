//! A listing as a row of plain text fields. The back office's listing form and the CSV import
//! read the same fields (a CSV file's header names them), so a catalogue exported from a
//! spreadsheet and one typed in the browser are checked by the same rules, with errors that
//! name the field a person typed rather than the record's CBOR path.
//!
//! This file holds the row and how an existing listing fills one; the row's check into a
//! listing is `check.rs`, the field errors it reports are `field_error.rs`, and reading a CSV
//! file of rows is `csv_file.rs`. The columns are specified in `spec/csv.md`.

mod check;
mod csv_file;
mod field_error;

use serde::{Deserialize, Serialize};
use smartket_protocol::Market;
use smartket_protocol::kinds::{Fulfilment, Listing, Unit};

pub use csv_file::{CsvError, CsvLine, Line, MAX_ROWS, read_csv};
pub use field_error::{FieldError, Problem};

/// One listing's fields as typed (every value a string, as in a form or a spreadsheet cell).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListingRow {
    /// The seller's reference (SKU), the listing's slot key.
    pub key: String,
    /// Title in French.
    pub title_fr: String,
    /// Title in English.
    pub title_en: String,
    /// Description in French.
    pub description_fr: String,
    /// Description in English.
    pub description_en: String,
    /// Category code of the market's taxonomy (`food.dairy`).
    pub category: String,
    /// Price of one unit in major units, `12.50` or `12,50`.
    pub price: String,
    /// Currency code; the market's base currency when empty.
    pub currency: String,
    /// Unit sold (`piece`, `kg`, `100g`, `litre`, `bottle`, …).
    pub unit: String,
    /// Units in stock; empty when not tracked.
    pub stock: String,
    /// Share accepted in the local currency, 0–100; empty for none.
    pub local_share_pct: String,
    /// Where the goods come from.
    pub origin: String,
    /// Pick-up place; with its postcode.
    pub pickup_place: String,
    /// Pick-up postcode.
    pub pickup_postcode: String,
    /// Whether a courier may deliver it (`oui`, `yes`, `1`, `true`, `on`).
    pub courier: String,
}

fn unit_name(unit: Unit) -> String {
    serde_json::to_value(unit)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// A unit's name in rows and forms (`100g`, `kg`).
pub fn unit_code(unit: Unit) -> String {
    unit_name(unit)
}

impl ListingRow {
    /// The fields of an existing listing, to edit or duplicate it.
    pub fn of(key: &str, listing: &Listing, market: &Market) -> ListingRow {
        let digits = market
            .currencies
            .iter()
            .find(|c| c.code == listing.price.currency)
            .map_or(2, |c| c.digits);
        let text = |t: &std::collections::BTreeMap<String, String>, lang: &str| {
            t.get(lang).cloned().unwrap_or_default()
        };
        let pickup = listing.fulfilment.iter().find_map(|f| match f {
            Fulfilment::Pickup {
                place, postcode, ..
            } => Some((place.clone(), postcode.clone())),
            _ => None,
        });
        let courier = listing
            .fulfilment
            .iter()
            .any(|f| matches!(f, Fulfilment::Courier));
        ListingRow {
            key: key.to_owned(),
            title_fr: text(&listing.title, "fr"),
            title_en: text(&listing.title, "en"),
            description_fr: text(&listing.description, "fr"),
            description_en: text(&listing.description, "en"),
            category: listing.category.clone(),
            price: crate::money::plain(listing.price.amount, digits),
            currency: listing.price.currency.clone(),
            unit: unit_name(listing.price.unit),
            stock: listing.stock.map(|s| s.to_string()).unwrap_or_default(),
            local_share_pct: listing
                .local_share_pct
                .map(|p| p.to_string())
                .unwrap_or_default(),
            origin: listing
                .origin
                .as_ref()
                .map(|o| o.text.clone())
                .unwrap_or_default(),
            pickup_place: pickup.as_ref().map(|p| p.0.clone()).unwrap_or_default(),
            pickup_postcode: pickup.map(|p| p.1).unwrap_or_default(),
            courier: if courier { "oui".into() } else { String::new() },
        }
    }
}

#[cfg(test)]
mod tests;
