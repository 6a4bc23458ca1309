//! A listing as a row of plain text fields. The back office's listing form and the CSV import
//! read the same fields (a CSV file's header names them), so a catalogue exported from a
//! spreadsheet and one typed in the browser are checked by the same rules, with errors that
//! name the field a person typed rather than the record's CBOR path.
//!
//! The columns are specified in `spec/csv.md`.

use serde::{Deserialize, Serialize};
use smartket_protocol::kinds::{Body, Fulfilment, Listing, Origin, Price, Unit};
use smartket_protocol::market::Currency;
use smartket_protocol::{Market, Payload, RecordError};

/// Lines a CSV import accepts; a larger catalogue is split into several files.
pub const MAX_ROWS: usize = 5000;

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

/// What is wrong with a field; the UI says it in the user's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Left empty but needed.
    Required,
    /// Not an amount with at most the currency's decimals.
    Amount,
    /// Not a whole number in range.
    Whole,
    /// Not in the market's taxonomy.
    Category,
    /// Not a currency of the market.
    Currency,
    /// Not a known unit.
    Unit,
    /// The protocol refuses the value (its own words).
    Protocol(String),
}

impl Problem {
    /// The Fluent message id that says it.
    pub fn message_id(&self) -> &'static str {
        match self {
            Problem::Required => "problem-required",
            Problem::Amount => "problem-amount",
            Problem::Whole => "problem-whole",
            Problem::Category => "problem-category",
            Problem::Currency => "problem-currency",
            Problem::Unit => "problem-unit",
            Problem::Protocol(_) => "problem-invalid",
        }
    }
}

/// A field of a row and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The row's field name (a form control's name, a CSV column).
    pub field: &'static str,
    /// What is wrong.
    pub problem: Problem,
}

fn error(field: &'static str, problem: Problem) -> FieldError {
    FieldError { field, problem }
}

fn yes(text: &str) -> bool {
    matches!(
        text.trim().to_lowercase().as_str(),
        "oui" | "yes" | "1" | "true" | "on" | "x"
    )
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

/// Where a protocol field path points in a row.
fn row_field(path: &str) -> &'static str {
    match path.split('.').nth(1).unwrap_or("") {
        "title" => "title_fr",
        "description" => "description_fr",
        "category" => "category",
        "price" => "price",
        "local_share_pct" => "local_share_pct",
        "stock" => "stock",
        "origin" => "origin",
        "fulfilment" => "pickup_postcode",
        _ => "key",
    }
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

    /// The listing these fields describe, checked against the market and the protocol.
    /// `keep` is the listing being edited: what a row has no field for (images, variants,
    /// pick-up hours, own delivery, service terms) is kept from it.
    pub fn to_listing(
        &self,
        market: &Market,
        keep: Option<&Listing>,
    ) -> Result<(String, Listing), Vec<FieldError>> {
        let mut errors = Vec::new();
        let key = self.key.trim().to_owned();
        if key.is_empty() {
            errors.push(error("key", Problem::Required));
        }
        let mut title = std::collections::BTreeMap::new();
        let mut description = std::collections::BTreeMap::new();
        for (lang, t, d) in [
            ("fr", &self.title_fr, &self.description_fr),
            ("en", &self.title_en, &self.description_en),
        ] {
            if !t.trim().is_empty() {
                title.insert(lang.to_owned(), t.trim().to_owned());
            }
            if !d.trim().is_empty() {
                description.insert(lang.to_owned(), d.trim().to_owned());
            }
        }
        if title.is_empty() {
            errors.push(error("title_fr", Problem::Required));
        }
        let category = self.category.trim().to_owned();
        if category.is_empty() {
            errors.push(error("category", Problem::Required));
        } else if !market.has_category(&category) {
            errors.push(error("category", Problem::Category));
        }
        let currency_code = match self.currency.trim() {
            "" => market.base_currency.clone(),
            c => c.to_uppercase(),
        };
        let currency: Option<&Currency> =
            market.currencies.iter().find(|c| c.code == currency_code);
        if currency.is_none() {
            errors.push(error("currency", Problem::Currency));
        }
        let amount = match (self.price.trim(), currency) {
            ("", _) => {
                errors.push(error("price", Problem::Required));
                None
            }
            (text, Some(c)) => {
                let amount = crate::money::parse(text, c.digits);
                if amount.is_none() {
                    errors.push(error("price", Problem::Amount));
                }
                amount
            }
            (_, None) => None,
        };
        let unit = match self.unit.trim() {
            "" => Some(Unit::Piece),
            name => {
                let unit = Unit::ALL.into_iter().find(|u| unit_name(*u) == name);
                if unit.is_none() {
                    errors.push(error("unit", Problem::Unit));
                }
                unit
            }
        };
        let stock = match self.stock.trim() {
            "" => None,
            text => match text.parse::<u32>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errors.push(error("stock", Problem::Whole));
                    None
                }
            },
        };
        let local_share_pct = match self.local_share_pct.trim() {
            "" => None,
            text => match text.trim_end_matches('%').trim().parse::<u8>() {
                Ok(n) if n <= 100 => Some(n),
                _ => {
                    errors.push(error("local_share_pct", Problem::Whole));
                    None
                }
            },
        };
        let mut fulfilment: Vec<Fulfilment> = keep
            .map(|l| {
                l.fulfilment
                    .iter()
                    .filter(|f| !matches!(f, Fulfilment::Pickup { .. } | Fulfilment::Courier))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        let (place, postcode) = (self.pickup_place.trim(), self.pickup_postcode.trim());
        match (place.is_empty(), postcode.is_empty()) {
            (true, true) => {}
            (false, true) => errors.push(error("pickup_postcode", Problem::Required)),
            (true, false) => errors.push(error("pickup_place", Problem::Required)),
            (false, false) => {
                let hours = keep
                    .and_then(|l| {
                        l.fulfilment.iter().find_map(|f| match f {
                            Fulfilment::Pickup { hours, .. } => Some(hours.clone()),
                            _ => None,
                        })
                    })
                    .unwrap_or_default();
                fulfilment.insert(
                    0,
                    Fulfilment::Pickup {
                        place: place.to_owned(),
                        postcode: postcode.to_owned(),
                        hours,
                    },
                );
            }
        }
        if yes(&self.courier) {
            fulfilment.push(Fulfilment::Courier);
        }
        let (Some(amount), Some(unit), true) = (amount, unit, errors.is_empty()) else {
            return Err(errors);
        };
        let origin = match self.origin.trim() {
            "" => None,
            text => Some(Origin {
                text: text.to_owned(),
                postcode: keep.and_then(|l| l.origin.as_ref().and_then(|o| o.postcode.clone())),
            }),
        };
        let listing = Listing {
            title,
            description,
            category,
            price: Price {
                amount,
                currency: currency_code,
                unit,
            },
            local_share_pct,
            stock,
            origin,
            fulfilment,
            ..keep.cloned().unwrap_or_else(|| Listing {
                title: Default::default(),
                description: Default::default(),
                category: String::new(),
                price: Price {
                    amount: 0,
                    currency: String::new(),
                    unit: Unit::Piece,
                },
                local_share_pct: None,
                variants: Vec::new(),
                stock: None,
                images: Vec::new(),
                origin: None,
                fulfilment: Vec::new(),
                lead_time_h: None,
                service: None,
                on_behalf_of: None,
            })
        };
        // The protocol's own rules (lengths, postcodes, goods needing a way to get them).
        let payload = Payload::new(
            market.id.clone(),
            key.clone(),
            0,
            1,
            Body::Listing(listing.clone()),
        );
        let checked = smartket_protocol::record::validate_slot_key(&key)
            .map_err(|why| error("key", Problem::Protocol(why.to_owned())))
            .and_then(|()| {
                payload.validate().map_err(|e| match e {
                    RecordError::InvalidField { field, reason } => {
                        error(row_field(&field), Problem::Protocol(reason))
                    }
                    other => error("key", Problem::Protocol(other.to_string())),
                })
            });
        match checked {
            Ok(()) => Ok((key, listing)),
            Err(e) => Err(vec![e]),
        }
    }
}

/// A CSV line's outcome.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    /// A listing ready to publish.
    Ready {
        /// Its slot key.
        key: String,
        /// The listing.
        listing: Box<Listing>,
    },
    /// Not importable, with every reason.
    Refused(Vec<FieldError>),
}

/// A CSV line: its number in the file (the header is line 1) and its outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvLine {
    /// Line number, as a spreadsheet shows it.
    pub number: usize,
    /// The key as written, to name the line.
    pub key: String,
    /// Ready or refused.
    pub outcome: Line,
}

/// Why a whole file cannot be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CsvError {
    /// The file is not UTF-8 or not CSV.
    #[error("line {line}: {reason}")]
    Unreadable {
        /// Where reading stopped.
        line: usize,
        /// The reader's words.
        reason: String,
    },
    /// A column the file must have is missing from its header.
    #[error("the header has no column {0:?}")]
    MissingColumn(&'static str),
    /// A header names a column no row field has.
    #[error("unknown column {0:?}")]
    UnknownColumn(String),
    /// Too many lines.
    #[error("more than {MAX_ROWS} listings in one file")]
    TooManyRows,
    /// No listing in it.
    #[error("the file holds no listing")]
    Empty,
}

const COLUMNS: [&str; 15] = [
    "key",
    "title_fr",
    "title_en",
    "description_fr",
    "description_en",
    "category",
    "price",
    "currency",
    "unit",
    "stock",
    "local_share_pct",
    "origin",
    "pickup_place",
    "pickup_postcode",
    "courier",
];

/// Reads a whole CSV file (comma or semicolon separated, as spreadsheets in Switzerland write
/// it) and checks every line; a key used twice refuses the later line.
pub fn read_csv(bytes: &[u8], market: &Market) -> Result<Vec<CsvLine>, CsvError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let delimiter = if first.iter().filter(|b| **b == b';').count()
        > first.iter().filter(|b| **b == b',').count()
    {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(false)
        .trim(csv::Trim::Fields)
        .from_reader(bytes);
    let headers = reader.headers().map_err(|e| CsvError::Unreadable {
        line: 1,
        reason: e.to_string(),
    })?;
    for header in headers {
        if !COLUMNS.contains(&header) {
            return Err(CsvError::UnknownColumn(header.to_owned()));
        }
    }
    for needed in ["key", "title_fr", "category", "price"] {
        if !headers.iter().any(|h| h == needed) {
            return Err(CsvError::MissingColumn(needed));
        }
    }
    let mut lines = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (index, row) in reader.deserialize::<ListingRow>().enumerate() {
        let number = index + 2;
        if lines.len() == MAX_ROWS {
            return Err(CsvError::TooManyRows);
        }
        let row = row.map_err(|e| CsvError::Unreadable {
            line: e
                .position()
                .map_or(number, |p| usize::try_from(p.line()).unwrap_or(number)),
            reason: e.to_string(),
        })?;
        let outcome = match row.to_listing(market, None) {
            Ok((key, _)) if !seen.insert(key.clone()) => Line::Refused(vec![error(
                "key",
                Problem::Protocol(format!("the key {key:?} is on an earlier line")),
            )]),
            Ok((key, listing)) => Line::Ready {
                key,
                listing: Box::new(listing),
            },
            Err(errors) => Line::Refused(errors),
        };
        lines.push(CsvLine {
            number,
            key: row.key.clone(),
            outcome,
        });
    }
    if lines.is_empty() {
        return Err(CsvError::Empty);
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn geneva() -> Market {
        Market::from_toml(include_str!("../../examples/geneva/market.toml"))
            .expect("the Geneva market parses")
    }

    fn row() -> ListingRow {
        ListingRow {
            key: "tomme-1".into(),
            title_fr: "Tomme fraîche".into(),
            category: "food.dairy".into(),
            price: "8,50".into(),
            unit: "piece".into(),
            pickup_place: "Fromagerie".into(),
            pickup_postcode: "1213".into(),
            ..ListingRow::default()
        }
    }

    #[test]
    fn a_row_becomes_a_listing_and_back() {
        let market = geneva();
        let (key, listing) = row().to_listing(&market, None).expect("valid");
        assert_eq!(key, "tomme-1");
        assert_eq!(listing.price.amount, 850);
        assert_eq!(listing.price.currency, "CHF");
        let back = ListingRow::of(&key, &listing, &market);
        assert_eq!(back.price, "8.50");
        assert_eq!(back.pickup_postcode, "1213");
        assert_eq!(back.to_listing(&market, Some(&listing)), Ok((key, listing)));
    }

    #[test]
    fn every_wrong_field_is_named() {
        let bad = ListingRow {
            category: "food.nonsense".into(),
            price: "douze".into(),
            unit: "barrel".into(),
            stock: "-1".into(),
            pickup_postcode: String::new(),
            ..row()
        };
        let errors = bad.to_listing(&geneva(), None).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            ["category", "price", "unit", "stock", "pickup_postcode"]
        );
    }

    #[test]
    fn the_protocol_s_rules_reach_the_row() {
        let no_way = ListingRow {
            pickup_place: String::new(),
            pickup_postcode: String::new(),
            ..row()
        };
        let errors = no_way.to_listing(&geneva(), None).unwrap_err();
        assert!(
            matches!(errors[0].problem, Problem::Protocol(_)),
            "{errors:?}"
        );
    }

    #[test]
    fn a_csv_file_is_checked_line_by_line() {
        let csv = "key;title_fr;category;price;unit;stock;courier\n\
                   a;Pain;food.bakery;4.20;piece;10;oui\n\
                   b;;food.bakery;4.20;piece;;\n\
                   a;Pain encore;food.bakery;4.20;piece;;oui\n\
                   c;Tresse;food.bakery;6;piece;;oui\n";
        let lines = read_csv(csv.as_bytes(), &geneva()).expect("readable");
        let numbers: Vec<(usize, bool)> = lines
            .iter()
            .map(|l| (l.number, matches!(l.outcome, Line::Ready { .. })))
            .collect();
        assert_eq!(numbers, [(2, true), (3, false), (4, false), (5, true)]);
    }

    #[test]
    fn a_file_that_is_not_a_catalogue_is_refused_whole() {
        let market = geneva();
        assert_eq!(
            read_csv(b"name,price\nx,1\n", &market),
            Err(CsvError::UnknownColumn("name".into()))
        );
        assert_eq!(
            read_csv(b"key,title_fr,price\nx,y,1\n", &market),
            Err(CsvError::MissingColumn("category"))
        );
        assert_eq!(
            read_csv(b"key,title_fr,category,price\n", &market),
            Err(CsvError::Empty)
        );
        assert!(matches!(
            read_csv(b"key,title_fr,category,price\nx,\"y,food,1\n", &market),
            Err(CsvError::Unreadable { .. })
        ));
    }
}
