//! What is wrong with a row, field by field: the problem kinds the UI words in the user's
//! language, and the mapping from a protocol field path to the row field a person typed.
//!
//! Checking a row and reading a CSV file both report through these, and the UI matches on them,
//! so they stand apart from either.

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

pub(super) fn error(field: &'static str, problem: Problem) -> FieldError {
    FieldError { field, problem }
}

/// Where a protocol field path points in a row.
pub(super) fn row_field(path: &str) -> &'static str {
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
