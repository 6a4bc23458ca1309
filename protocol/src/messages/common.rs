//! Field types the message kinds share — ids, money, time windows, postal addresses, contacts —
//! and the checks every message body runs on its fields.
//!
//! Every check takes the dotted path of the field it looks at (`body.items[2].quantity`), so a
//! refused message names exactly what was wrong. Money is integers in minor units; times are
//! milliseconds since the Unix epoch; there are no floats anywhere (the CBOR layer refuses them).

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A message field whose value the protocol does not allow.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid field {field}: {reason}")]
pub struct FieldError {
    /// Dotted path of the field, e.g. `body.items[0].quantity`.
    pub field: String,
    /// What is wrong with it.
    pub reason: String,
}

impl FieldError {
    /// A field error for `field`.
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

/// A 16-byte random id, shown whole in `Debug` (it is no secret and short enough).
macro_rules! id16 {
    ($(#[$doc:meta])* $name:ident) => {
        crate::keys::hex_newtype!($(#[$doc])* $name, 16, 16);

        impl $name {
            /// A fresh id from the operating system's generator.
            pub fn random() -> Result<$name, getrandom::Error> {
                let mut bytes = [0u8; 16];
                getrandom::fill(&mut bytes)?;
                Ok($name(bytes))
            }
        }
    };
}

id16!(
    /// The id of one sealed message (16 random bytes chosen by the sender). Receivers use
    /// (sender, id) to drop replays and duplicates; transitions use it to chain to their
    /// predecessor. A message sealed to several recipients keeps the same id for all of them.
    MessageId
);
id16!(
    /// The id of one order (16 random bytes chosen by the consumer), shared by the order and
    /// every message about it.
    OrderId
);

/// Crockford's base-32 alphabet: digits and capitals without I, L, O and U, so that a number
/// read aloud or copied by hand has no look-alikes.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

impl OrderId {
    /// The order's number for people: the first 40 bits of the id in Crockford base 32, as two
    /// groups of four (`0ZPS-AS51`). Every party derives it from the signed `order_id`, so the
    /// consumer, the seller and the courier read the same number on the phone without a field
    /// of its own on the wire (spec/orders.md §7).
    pub fn number(&self) -> String {
        let mut bits = [0u8; 8];
        bits[3..].copy_from_slice(&self.0[..5]);
        let value = u64::from_be_bytes(bits);
        let mut out = String::with_capacity(9);
        for i in 0..8 {
            if i == 4 {
                out.push('-');
            }
            let symbol = (value >> (35 - 5 * i)) & 31;
            out.push(char::from(CROCKFORD[symbol as usize]));
        }
        out
    }
}

/// An amount of money in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Money {
    /// Minor units (centimes), at most [`MAX_AMOUNT`].
    pub amount: u64,
    /// Currency code, 3 uppercase letters (`CHF`, `EUR`, `LEM`).
    pub currency: String,
}

/// Largest amount any field may carry (10^12 minor units), so that sums cannot overflow.
pub const MAX_AMOUNT: u64 = 1_000_000_000_000;

impl Money {
    /// Checks the amount's range and the currency code.
    pub fn validate(&self, field: &str) -> Result<(), FieldError> {
        check_amount(&format!("{field}.amount"), self.amount)?;
        check_currency(&format!("{field}.currency"), &self.currency)
    }
}

/// A time window, e.g. a delivery slot on a given day: `from <= t < to`, in ms since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Window {
    /// Start (ms since the epoch).
    pub from: u64,
    /// End (ms since the epoch), after `from`, at most one day later.
    pub to: u64,
}

/// Longest accepted window: one day.
pub const MAX_WINDOW_MS: u64 = 24 * 60 * 60 * 1000;

impl Window {
    /// Checks `from < to <= from + 1 day`.
    pub fn validate(&self, field: &str) -> Result<(), FieldError> {
        if self.to <= self.from {
            return Err(FieldError::new(format!("{field}.to"), "must be after from"));
        }
        if self.to - self.from > MAX_WINDOW_MS {
            return Err(FieldError::new(
                format!("{field}.to"),
                "window longer than one day",
            ));
        }
        Ok(())
    }
}

/// A postal address, as printed on a parcel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// Street lines (1..=4, each ≤ 100 bytes): street and number, building, floor.
    pub lines: Vec<String>,
    /// Postcode (2..=10 of `A-Z`, `0-9`, `-`, space).
    pub postcode: String,
    /// Town (≤ 100 bytes).
    pub city: String,
    /// Country, ISO 3166-1 alpha-2 (`CH`, `FR`).
    pub country: String,
    /// Access notes for whoever delivers: door code, floor, where to leave it (≤ 500 bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

impl Address {
    /// Checks every part of the address.
    pub fn validate(&self, field: &str) -> Result<(), FieldError> {
        if self.lines.is_empty() || self.lines.len() > 4 {
            return Err(FieldError::new(format!("{field}.lines"), "needs 1-4 lines"));
        }
        for (i, line) in self.lines.iter().enumerate() {
            check_line(&format!("{field}.lines[{i}]"), line, 100)?;
        }
        check_postcode(&format!("{field}.postcode"), &self.postcode)?;
        check_line(&format!("{field}.city"), &self.city, 100)?;
        if self.country.len() != 2 || !self.country.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(FieldError::new(
                format!("{field}.country"),
                "must be 2 uppercase letters",
            ));
        }
        if let Some(notes) = &self.notes {
            check_text(&format!("{field}.notes"), notes, 500)?;
        }
        Ok(())
    }
}

/// How to reach a person about a delivery: a name and a phone number or e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Name to ask for (≤ 100 bytes).
    pub name: String,
    /// Phone number: `+` and digits, spaces allowed, 6..=20 bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// E-mail address (≤ 254 bytes, one `@`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl Contact {
    /// Checks the name, and that at least one valid phone or e-mail is given.
    pub fn validate(&self, field: &str) -> Result<(), FieldError> {
        check_line(&format!("{field}.name"), &self.name, 100)?;
        if self.phone.is_none() && self.email.is_none() {
            return Err(FieldError::new(field, "needs a phone or an e-mail"));
        }
        if let Some(phone) = &self.phone {
            let digits = phone.bytes().filter(u8::is_ascii_digit).count();
            let ok = (6..=20).contains(&phone.len())
                && digits >= 6
                && phone
                    .bytes()
                    .enumerate()
                    .all(|(i, b)| b.is_ascii_digit() || b == b' ' || (b == b'+' && i == 0));
            if !ok {
                return Err(FieldError::new(
                    format!("{field}.phone"),
                    "must be 6-20 bytes of digits and spaces, optionally starting with +",
                ));
            }
        }
        if let Some(email) = &self.email {
            check_line(&format!("{field}.email"), email, 254)?;
            let ok = email.split('@').count() == 2
                && !email.starts_with('@')
                && !email.ends_with('@')
                && !email.contains(' ');
            if !ok {
                return Err(FieldError::new(
                    format!("{field}.email"),
                    "is not an e-mail address",
                ));
            }
        }
        Ok(())
    }
}

/// Checks one line of text: not blank, at most `max` bytes, no control characters.
pub(super) fn check_line(field: &str, text: &str, max: usize) -> Result<(), FieldError> {
    if text.trim().is_empty() {
        return Err(FieldError::new(field, "must not be empty"));
    }
    if text.len() > max {
        return Err(FieldError::new(field, format!("over {max} bytes")));
    }
    if text.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(())
}

/// Checks free text: not blank, at most `max` bytes, no control characters but newline and tab.
pub(super) fn check_text(field: &str, text: &str, max: usize) -> Result<(), FieldError> {
    if text.trim().is_empty() {
        return Err(FieldError::new(field, "must not be empty"));
    }
    if text.len() > max {
        return Err(FieldError::new(field, format!("over {max} bytes")));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(FieldError::new(
            field,
            "must not contain control characters other than newline and tab",
        ));
    }
    Ok(())
}

/// Checks a currency code: 3 uppercase ASCII letters.
pub(super) fn check_currency(field: &str, code: &str) -> Result<(), FieldError> {
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err(FieldError::new(field, "must be 3 uppercase letters"))
    }
}

/// Checks an amount is at most [`MAX_AMOUNT`].
pub(super) fn check_amount(field: &str, amount: u64) -> Result<(), FieldError> {
    if amount > MAX_AMOUNT {
        return Err(FieldError::new(field, format!("over {MAX_AMOUNT}")));
    }
    Ok(())
}

/// Checks a postcode: 2..=10 bytes of `A-Z`, `0-9`, `-` and space, letters or digits at the ends.
pub(super) fn check_postcode(field: &str, code: &str) -> Result<(), FieldError> {
    let b = code.as_bytes();
    let edge = |c: Option<&u8>| c.is_some_and(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    let ok = (2..=10).contains(&b.len())
        && b.iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'-' || *c == b' ')
        && edge(b.first())
        && edge(b.last());
    if ok {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            "must be 2-10 of A-Z, 0-9, '-' and ' '",
        ))
    }
}

/// Checks a short identifier (slot keys, variant ids): 1..=`max` bytes, no control characters.
pub(super) fn check_key(field: &str, key: &str, max: usize) -> Result<(), FieldError> {
    if key.is_empty() || key.len() > max {
        return Err(FieldError::new(field, format!("must be 1-{max} bytes")));
    }
    if key.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::OrderId;

    #[test]
    fn an_order_number_is_the_id_s_first_40_bits_in_crockford_base_32_as_in_the_spec() {
        // The examples of spec/orders.md §7.
        let bytes = hex::decode("07ed9564a1b2c3d4e5f60718293a4b5c").unwrap();
        let id = OrderId(bytes.try_into().unwrap());
        assert_eq!(id.number(), "0ZPS-AS51");
        assert_eq!(OrderId([7; 16]).number(), "0W3G-E1R7");
        assert_eq!(OrderId([0xff; 16]).number(), "ZZZZ-ZZZZ");
    }
}
