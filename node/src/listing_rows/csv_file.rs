//! Reading a catalogue from a CSV file: the delimiter a spreadsheet chose, a header that names
//! row fields, and each line checked as a row, numbered as the spreadsheet shows it.
//!
//! Only the file format lives here; what a line means is the row's own check (`check.rs`).

use smartket_protocol::Market;
use smartket_protocol::kinds::Listing;

use super::ListingRow;
use super::field_error::{FieldError, Problem, error};

/// Lines a CSV import accepts; a larger catalogue is split into several files.
pub const MAX_ROWS: usize = 5000;

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
