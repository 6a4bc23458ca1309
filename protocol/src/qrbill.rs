//! The Swiss QR-bill payload: the text a Swiss QR Code carries so that a buyer's banking app can
//! pay a seller who accepts bank transfers, with a reference the seller's node can match to the
//! order.
//!
//! Only the data content is built here (Swiss Payment Standards, "Swiss Implementation
//! Guidelines QR-bill" v2.2/v2.3); drawing the code is left to the node. The payload is
//! built from typed fields that are all checked first, so a bill that reaches a bank is never
//! refused there for a field this module could have caught. `spec/qrbill.md` describes the
//! format and the mapping from an order for other implementations.

mod order;
pub mod reference;

use thiserror::Error;

use crate::kinds::payment::{is_qr_iban, validate_iban};

pub use order::{
    order_bill, order_message, order_reference, order_short_id, split_street, transfer_amount,
};
pub use reference::{
    format_qrr, format_scor, normalize_reference, qrr_check_digit, qrr_from_order_id,
    scor_from_body, scor_from_order_id, validate_qrr, validate_scor,
};

/// Longest payload in bytes: a version-25 QR code at error correction level M holds 997 bytes,
/// and the guidelines allow no larger code.
pub const MAX_PAYLOAD_BYTES: usize = 997;
/// Longest name (of the creditor or the debtor), in characters.
pub const MAX_NAME: usize = 70;
/// Longest street name, in characters.
pub const MAX_STREET: usize = 70;
/// Longest building number, in characters.
pub const MAX_BUILDING_NUMBER: usize = 16;
/// Longest postcode, in characters.
pub const MAX_POSTCODE: usize = 16;
/// Longest town name, in characters.
pub const MAX_TOWN: usize = 35;
/// Longest unstructured message; also the limit of message and billing information together.
pub const MAX_ADDITIONAL_INFO: usize = 140;
/// Longest alternative scheme parameter line, in characters.
pub const MAX_ALTERNATIVE_SCHEME: usize = 100;
/// Most alternative scheme lines.
pub const MAX_ALTERNATIVE_SCHEMES: usize = 2;
/// Largest amount in centimes: 999 999 999.99.
pub const MAX_AMOUNT: u64 = 99_999_999_999;

/// Why a QR-bill could not be built or read. Every variant that concerns one field names it by
/// its dotted path (`creditor.town`, `alternative_schemes[1]`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum QrBillError {
    /// A mandatory field is empty or only whitespace.
    #[error("{field} is required")]
    Missing {
        /// The field.
        field: String,
    },
    /// A field has more characters than the guidelines allow.
    #[error("{field} has {len} characters, over the limit of {max}")]
    TooLong {
        /// The field.
        field: String,
        /// Its length in characters.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A field holds a character outside the Latin character set of the Swiss Payment Standards.
    #[error("{field} has {ch:?} at character {index}, outside the Swiss payments character set")]
    Charset {
        /// The field.
        field: String,
        /// The first character refused.
        ch: char,
        /// Its position, in characters from 0.
        index: usize,
    },
    /// A country code is not 2 uppercase letters.
    #[error("{field} must be an ISO 3166-1 alpha-2 code (2 uppercase letters)")]
    Country {
        /// The field.
        field: String,
    },
    /// The creditor account is not a valid CH or LI IBAN.
    #[error("invalid account: {reason}")]
    Account {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The amount is outside 0.01..=999 999 999.99.
    #[error("amount of {centimes} centimes is outside 0.01-999999999.99")]
    Amount {
        /// The amount given.
        centimes: u64,
    },
    /// A currency other than CHF and EUR.
    #[error("currency {found:?} is not CHF or EUR")]
    Currency {
        /// The currency given.
        found: String,
    },
    /// The reference (or a prefix for one) is not well formed or its check digits are wrong.
    #[error("invalid reference: {reason}")]
    Reference {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The kind of reference does not fit the account (QRR needs a QR-IBAN and the reverse).
    #[error("reference does not fit the account: {reason}")]
    ReferenceType {
        /// What does not fit.
        reason: &'static str,
    },
    /// The unstructured message and the billing information together are too long.
    #[error("message and billing information have {len} characters together, over {max}")]
    AdditionalInfoTooLong {
        /// Their combined length in characters.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// More than two alternative scheme lines.
    #[error("{count} alternative schemes, at most {max}")]
    AlternativeSchemes {
        /// How many were given.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// The whole payload does not fit the largest QR code allowed.
    #[error("payload of {len} bytes is over the limit of {max}")]
    PayloadTooLong {
        /// Its length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A payload being read does not have the QR-bill structure.
    #[error("not a QR-bill payload: {reason}")]
    Malformed {
        /// What is wrong with it.
        reason: String,
    },
    /// An order cannot be paid with a QR-bill.
    #[error("order cannot be paid by QR-bill: {reason}")]
    Order {
        /// Why not.
        reason: &'static str,
    },
}

impl QrBillError {
    /// A stable, short, machine-readable code for this error (used in `spec/vectors/qrbill.json`
    /// and by the HTTP API).
    pub fn code(&self) -> &'static str {
        match self {
            QrBillError::Missing { .. } => "missing",
            QrBillError::TooLong { .. } => "too_long",
            QrBillError::Charset { .. } => "charset",
            QrBillError::Country { .. } => "country",
            QrBillError::Account { .. } => "account",
            QrBillError::Amount { .. } => "amount",
            QrBillError::Currency { .. } => "currency",
            QrBillError::Reference { .. } => "reference",
            QrBillError::ReferenceType { .. } => "reference_type",
            QrBillError::AdditionalInfoTooLong { .. } => "additional_info_too_long",
            QrBillError::AlternativeSchemes { .. } => "alternative_schemes",
            QrBillError::PayloadTooLong { .. } => "payload_too_long",
            QrBillError::Malformed { .. } => "malformed",
            QrBillError::Order { .. } => "order",
        }
    }

    /// The field the error is about, as a dotted path, when there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            QrBillError::Missing { field }
            | QrBillError::TooLong { field, .. }
            | QrBillError::Charset { field, .. }
            | QrBillError::Country { field } => Some(field),
            QrBillError::Account { .. } => Some("account"),
            QrBillError::Amount { .. } => Some("amount"),
            QrBillError::Currency { .. } => Some("currency"),
            QrBillError::Reference { .. } | QrBillError::ReferenceType { .. } => Some("reference"),
            QrBillError::AdditionalInfoTooLong { .. } => Some("message"),
            QrBillError::AlternativeSchemes { .. } => Some("alternative_schemes"),
            QrBillError::PayloadTooLong { .. }
            | QrBillError::Malformed { .. }
            | QrBillError::Order { .. } => None,
        }
    }
}

/// The currencies a QR-bill can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Currency {
    /// Swiss franc.
    Chf,
    /// Euro.
    Eur,
}

impl Currency {
    /// The ISO 4217 code the payload carries.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Chf => "CHF",
            Currency::Eur => "EUR",
        }
    }

    /// The currency with this code, if a QR-bill can carry it.
    pub fn from_code(code: &str) -> Result<Currency, QrBillError> {
        match code {
            "CHF" => Ok(Currency::Chf),
            "EUR" => Ok(Currency::Eur),
            _ => Err(QrBillError::Currency {
                found: code.to_owned(),
            }),
        }
    }
}

/// A structured address (type `S`), the only kind the guidelines accept from v2.3 on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Address {
    /// Name of the person or firm (1..=70 characters).
    pub name: String,
    /// Street name (≤ 70 characters; may be empty, e.g. for a PO box town).
    pub street: String,
    /// Building number (≤ 16 characters; may be empty).
    pub building_number: String,
    /// Postcode without a country prefix (1..=16 characters).
    pub postcode: String,
    /// Town (1..=35 characters).
    pub town: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
}

/// The payment reference, whose kind the account decides: a QR-IBAN takes only `Qrr`, an IBAN
/// only `Scor` or `Non`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    /// QR reference: 27 digits with a recursive mod-10 check digit.
    Qrr(String),
    /// ISO 11649 Creditor Reference: `RF`, 2 check digits, 1..=21 letters or digits.
    Scor(String),
    /// No reference (type `NON`).
    Non,
}

impl Reference {
    /// The reference type code the payload carries.
    pub fn type_code(&self) -> &'static str {
        match self {
            Reference::Qrr(_) => "QRR",
            Reference::Scor(_) => "SCOR",
            Reference::Non => "NON",
        }
    }

    /// The reference itself; empty for `Non`.
    pub fn value(&self) -> &str {
        match self {
            Reference::Qrr(r) | Reference::Scor(r) => r,
            Reference::Non => "",
        }
    }
}

/// How payload elements are separated. The guidelines allow both; readers must accept both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Separator {
    /// LF alone: 30-33 bytes shorter, so a smaller QR version with larger modules at the fixed
    /// 46 mm size — easier to scan. The default.
    #[default]
    Lf,
    /// CR LF, which some older readers and libraries produce.
    CrLf,
}

impl Separator {
    fn as_str(self) -> &'static str {
        match self {
            Separator::Lf => "\n",
            Separator::CrLf => "\r\n",
        }
    }
}

/// Everything a QR-bill's payload holds, in typed form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrBill {
    /// The creditor's IBAN or QR-IBAN, electronic form (21 characters, CH or LI).
    pub account: String,
    /// Who is paid.
    pub creditor: Address,
    /// Amount in centimes (cents for EUR); `None` leaves it to the payer.
    pub amount: Option<u64>,
    /// Currency of the amount.
    pub currency: Currency,
    /// Who pays, if known.
    pub debtor: Option<Address>,
    /// The payment reference.
    pub reference: Reference,
    /// Unstructured message shown to both sides (≤ 140 characters; may be empty).
    pub message: String,
    /// Structured billing information, e.g. Swico S1 (may be empty; with the message ≤ 140).
    pub billing_information: String,
    /// Parameter lines of alternative payment schemes (≤ 2, each ≤ 100 characters).
    pub alternative_schemes: Vec<String>,
}

/// Whether a character is in the Latin character set of the Swiss Payment Standards (SPS
/// 2022+, required by IG QR-bill v2.3): Basic Latin (U+0020..=U+007E), Latin-1 Supplement
/// (U+00A0..=U+00FF), Latin Extended-A (U+0100..=U+017F), Ș ș Ț ț (U+0218..=U+021B) and €.
pub fn is_permitted_char(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{17f}' | '\u{218}'..='\u{21b}' | '\u{20ac}')
}

/// Checks a text field: only permitted characters, at most `max` of them, and not blank when
/// `required`.
fn check_text(field: &str, value: &str, max: usize, required: bool) -> Result<(), QrBillError> {
    if let Some((index, ch)) = value
        .chars()
        .enumerate()
        .find(|&(_, c)| !is_permitted_char(c))
    {
        return Err(QrBillError::Charset {
            field: field.to_owned(),
            ch,
            index,
        });
    }
    let len = value.chars().count();
    if len > max {
        return Err(QrBillError::TooLong {
            field: field.to_owned(),
            len,
            max,
        });
    }
    if required && value.trim().is_empty() {
        return Err(QrBillError::Missing {
            field: field.to_owned(),
        });
    }
    Ok(())
}

impl Address {
    /// Checks every part; `field` is the address's path (`creditor` or `debtor`).
    pub fn validate(&self, field: &str) -> Result<(), QrBillError> {
        check_text(&format!("{field}.name"), &self.name, MAX_NAME, true)?;
        check_text(&format!("{field}.street"), &self.street, MAX_STREET, false)?;
        check_text(
            &format!("{field}.building_number"),
            &self.building_number,
            MAX_BUILDING_NUMBER,
            false,
        )?;
        check_text(
            &format!("{field}.postcode"),
            &self.postcode,
            MAX_POSTCODE,
            true,
        )?;
        check_text(&format!("{field}.town"), &self.town, MAX_TOWN, true)?;
        if !(self.country.len() == 2 && self.country.bytes().all(|b| b.is_ascii_uppercase())) {
            return Err(QrBillError::Country {
                field: format!("{field}.country"),
            });
        }
        Ok(())
    }

    fn push_fields<'a>(&'a self, out: &mut Vec<&'a str>) {
        out.extend([
            "S",
            &self.name,
            &self.street,
            &self.building_number,
            &self.postcode,
            &self.town,
            &self.country,
        ]);
    }
}

/// Formats centimes as the payload's amount: francs, a point, two decimals, no grouping.
pub fn format_amount(centimes: u64) -> String {
    format!("{}.{:02}", centimes / 100, centimes % 100)
}

/// Reads the payload's amount back into centimes, accepting only the form [`format_amount`]
/// writes, so that a payload reads back to one bill only.
fn parse_amount(text: &str) -> Option<u64> {
    let (francs, cents) = text.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let leading_zero = francs.len() > 1 && francs.starts_with('0');
    if !digits(francs) || leading_zero || francs.len() > 9 || cents.len() != 2 || !digits(cents) {
        return None;
    }
    Some(francs.parse::<u64>().ok()? * 100 + cents.parse::<u64>().ok()?)
}

impl QrBill {
    /// Checks every field against the guidelines' limits and character set, the reference
    /// against its check digits, and its kind against the account.
    pub fn validate(&self) -> Result<(), QrBillError> {
        validate_iban(&self.account).map_err(|reason| QrBillError::Account { reason })?;
        if !matches!(self.account.get(..2), Some("CH" | "LI")) {
            return Err(QrBillError::Account {
                reason: "a QR-bill account must be a CH or LI IBAN",
            });
        }
        self.creditor.validate("creditor")?;
        if let Some(amount) = self.amount
            && !(1..=MAX_AMOUNT).contains(&amount)
        {
            return Err(QrBillError::Amount { centimes: amount });
        }
        if let Some(debtor) = &self.debtor {
            debtor.validate("debtor")?;
        }
        let qr_iban = is_qr_iban(&self.account);
        match (&self.reference, qr_iban) {
            (Reference::Qrr(r), true) => validate_qrr(r)?,
            (Reference::Scor(r), false) => validate_scor(r)?,
            (Reference::Non, false) => {}
            (_, true) => {
                return Err(QrBillError::ReferenceType {
                    reason: "a QR-IBAN requires a QR reference (QRR)",
                });
            }
            (Reference::Qrr(_), false) => {
                return Err(QrBillError::ReferenceType {
                    reason: "a QR reference (QRR) requires a QR-IBAN",
                });
            }
        }
        check_text("message", &self.message, MAX_ADDITIONAL_INFO, false)?;
        check_text(
            "billing_information",
            &self.billing_information,
            MAX_ADDITIONAL_INFO,
            false,
        )?;
        let len = self.message.chars().count() + self.billing_information.chars().count();
        if len > MAX_ADDITIONAL_INFO {
            return Err(QrBillError::AdditionalInfoTooLong {
                len,
                max: MAX_ADDITIONAL_INFO,
            });
        }
        if self.alternative_schemes.len() > MAX_ALTERNATIVE_SCHEMES {
            return Err(QrBillError::AlternativeSchemes {
                count: self.alternative_schemes.len(),
                max: MAX_ALTERNATIVE_SCHEMES,
            });
        }
        for (i, line) in self.alternative_schemes.iter().enumerate() {
            check_text(
                &format!("alternative_schemes[{i}]"),
                line,
                MAX_ALTERNATIVE_SCHEME,
                true,
            )?;
        }
        Ok(())
    }

    /// The payload with LF separators ([`Separator::Lf`]).
    pub fn payload(&self) -> Result<String, QrBillError> {
        self.payload_with(Separator::Lf)
    }

    /// The payload: the guidelines' elements in order, separated by `separator`, without a
    /// separator after the last one. Billing information and alternative schemes are written
    /// only when present, so a plain bill has 31 elements ending with `EPD`.
    pub fn payload_with(&self, separator: Separator) -> Result<String, QrBillError> {
        self.validate()?;
        let amount = self.amount.map(format_amount).unwrap_or_default();
        let mut fields: Vec<&str> = vec!["SPC", "0200", "1", &self.account];
        self.creditor.push_fields(&mut fields);
        // Ultimate creditor: reserved for future use, must stay empty.
        fields.extend([""; 7]);
        fields.extend([amount.as_str(), self.currency.code()]);
        match &self.debtor {
            Some(debtor) => debtor.push_fields(&mut fields),
            None => fields.extend([""; 7]),
        }
        fields.extend([
            self.reference.type_code(),
            self.reference.value(),
            &self.message,
            "EPD",
        ]);
        if !self.billing_information.is_empty() || !self.alternative_schemes.is_empty() {
            fields.push(&self.billing_information);
        }
        fields.extend(self.alternative_schemes.iter().map(String::as_str));
        let payload = fields.join(separator.as_str());
        if payload.len() > MAX_PAYLOAD_BYTES {
            return Err(QrBillError::PayloadTooLong {
                len: payload.len(),
                max: MAX_PAYLOAD_BYTES,
            });
        }
        Ok(payload)
    }

    /// Reads a payload (CR LF or LF separated, a final separator tolerated) back into fields
    /// and checks them as [`QrBill::validate`] does. Meant for tests and for showing a bill a
    /// peer sent; it accepts only what this module could have written (version 02xx, coding
    /// 1, structured addresses, empty ultimate creditor).
    pub fn parse(payload: &str) -> Result<QrBill, QrBillError> {
        let malformed = |reason: &str| QrBillError::Malformed {
            reason: reason.to_owned(),
        };
        if payload.len() > MAX_PAYLOAD_BYTES {
            return Err(QrBillError::PayloadTooLong {
                len: payload.len(),
                max: MAX_PAYLOAD_BYTES,
            });
        }
        let mut lines: Vec<&str> = payload
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .collect();
        if lines.len() > 31 && lines.last() == Some(&"") {
            lines.pop();
        }
        if !(31..=34).contains(&lines.len()) {
            return Err(malformed("a payload has 31 to 34 elements"));
        }
        let line = |i: usize| lines.get(i).copied().unwrap_or_default();
        if line(0) != "SPC" {
            return Err(malformed("the first element must be SPC"));
        }
        let version = line(1);
        if !(version.len() == 4
            && version.starts_with("02")
            && version.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(malformed("unsupported version (02xx expected)"));
        }
        if line(2) != "1" {
            return Err(malformed("unsupported coding type (1 expected)"));
        }
        if line(30) != "EPD" {
            return Err(malformed("element 31 must be the trailer EPD"));
        }
        let address = |start: usize, field: &str| -> Result<Option<Address>, QrBillError> {
            let part: Vec<&str> = (start..start + 7).map(line).collect();
            if part.iter().all(|p| p.is_empty()) {
                return Ok(None);
            }
            if part[0] != "S" {
                return Err(QrBillError::Malformed {
                    reason: format!("{field}: only structured addresses (S) are supported"),
                });
            }
            Ok(Some(Address {
                name: part[1].to_owned(),
                street: part[2].to_owned(),
                building_number: part[3].to_owned(),
                postcode: part[4].to_owned(),
                town: part[5].to_owned(),
                country: part[6].to_owned(),
            }))
        };
        let creditor = address(4, "creditor")?.ok_or(QrBillError::Missing {
            field: "creditor.name".to_owned(),
        })?;
        if address(11, "ultimate creditor")?.is_some() {
            return Err(malformed(
                "the ultimate creditor is reserved and must be empty",
            ));
        }
        let amount = match line(18) {
            "" => None,
            text => Some(parse_amount(text).ok_or_else(|| malformed("amount is not 0.00 form"))?),
        };
        let currency = Currency::from_code(line(19))?;
        let debtor = address(20, "debtor")?;
        let reference = match (line(27), line(28)) {
            ("QRR", r) => Reference::Qrr(r.to_owned()),
            ("SCOR", r) => Reference::Scor(r.to_owned()),
            ("NON", "") => Reference::Non,
            ("NON", _) => return Err(malformed("reference type NON with a reference")),
            _ => return Err(malformed("reference type must be QRR, SCOR or NON")),
        };
        let bill = QrBill {
            account: line(3).to_owned(),
            creditor,
            amount,
            currency,
            debtor,
            reference,
            message: line(29).to_owned(),
            billing_information: line(31).to_owned(),
            alternative_schemes: lines.iter().skip(32).map(|s| (*s).to_owned()).collect(),
        };
        bill.validate()?;
        Ok(bill)
    }
}

#[cfg(test)]
mod tests;
