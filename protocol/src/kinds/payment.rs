//! Payment means a seller accepts, as declared in its profile, and the checks on bank details.
//!
//! The node never holds money: these entries only tell a buyer how the seller can be paid, and an
//! order names the one chosen. Each means is a CBOR map with a `type` tag; a type this version
//! does not know decodes as [`PaymentMeans::Unknown`] so that newer sellers' profiles still load.

use serde::{Deserialize, Serialize};

use crate::error::RecordError;
use crate::kinds::common::{
    MultiText, validate_currency, validate_line, validate_pct, validate_text,
};

/// One way a seller can be paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PaymentMeans {
    /// Cash when the buyer picks the order up.
    CashOnPickup,
    /// Cash to the courier or seller on delivery.
    CashOnDelivery,
    /// Card at the counter when picking up.
    CardOnPickup,
    /// Card (terminal carried by the courier or seller) on delivery.
    CardOnDelivery,
    /// Bank transfer; with a Swiss QR-IBAN the order carries a QR-bill reference.
    BankTransfer {
        /// IBAN in electronic form: uppercase, no spaces (see [`normalize_iban`]).
        iban: String,
        /// Account holder as the bank knows it (≤ 70 bytes, the QR-bill limit).
        holder: String,
    },
    /// A local complementary currency (e.g. the Léman, `LEM`), for all or part of the price.
    LocalCurrency {
        /// Currency code, 3 uppercase letters.
        currency: String,
        /// Where to pay: wallet or account address in that currency's system (≤ 128 bytes).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        wallet: Option<String>,
        /// Largest share of a price the seller takes in this currency, 1..=100 %.
        share_pct: u8,
    },
    /// Anything else, described for humans.
    Other {
        /// What it is called (≤ 80 bytes per language, at least one language).
        #[serde(deserialize_with = "crate::kinds::common::unique_text")]
        label: MultiText,
        /// How to pay (≤ 1000 bytes per language).
        #[serde(default, deserialize_with = "crate::kinds::common::unique_text")]
        instructions: MultiText,
    },
    /// A type newer than this implementation; kept out of choices but does not refuse the record.
    #[serde(other)]
    Unknown,
}

impl PaymentMeans {
    /// Checks the fields of this means; `field` is its path, e.g. `body.payment[2]`.
    pub fn validate(&self, field: &str) -> Result<(), RecordError> {
        match self {
            PaymentMeans::CashOnPickup
            | PaymentMeans::CashOnDelivery
            | PaymentMeans::CardOnPickup
            | PaymentMeans::CardOnDelivery
            | PaymentMeans::Unknown => Ok(()),
            PaymentMeans::BankTransfer { iban, holder } => {
                validate_iban(iban)
                    .map_err(|reason| RecordError::field(format!("{field}.iban"), reason))?;
                validate_line(&format!("{field}.holder"), holder, 70)
            }
            PaymentMeans::LocalCurrency {
                currency,
                wallet,
                share_pct,
            } => {
                validate_currency(&format!("{field}.currency"), currency)?;
                if let Some(wallet) = wallet {
                    validate_line(&format!("{field}.wallet"), wallet, 128)?;
                }
                validate_pct(&format!("{field}.share_pct"), *share_pct, 1)
            }
            PaymentMeans::Other {
                label,
                instructions,
            } => {
                validate_text(&format!("{field}.label"), label, 80, true, false)?;
                validate_text(
                    &format!("{field}.instructions"),
                    instructions,
                    1000,
                    false,
                    true,
                )
            }
        }
    }
}

/// Removes spaces and uppercases, turning the printed form `CH93 0076 2011 6238 5295 7` into the
/// electronic form the protocol carries.
pub fn normalize_iban(printed: &str) -> String {
    printed
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Checks an IBAN in electronic form (ISO 13616): country letters, two check digits, an
/// alphanumeric account part, 15..=34 characters (exactly 21 for `CH` and `LI`), and the mod-97
/// checksum equal to 1.
pub fn validate_iban(iban: &str) -> Result<(), &'static str> {
    let b = iban.as_bytes();
    if !(15..=34).contains(&b.len()) {
        return Err("IBAN must be 15-34 characters, without spaces");
    }
    if !b
        .iter()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return Err("IBAN must be uppercase letters and digits, without spaces");
    }
    if !(b[0].is_ascii_uppercase() && b[1].is_ascii_uppercase()) {
        return Err("IBAN must start with a country code");
    }
    if !(b[2].is_ascii_digit() && b[3].is_ascii_digit()) {
        return Err("IBAN check digits must be digits");
    }
    if matches!(&b[..2], b"CH" | b"LI") && b.len() != 21 {
        return Err("a CH or LI IBAN has 21 characters");
    }
    // Move the first four characters to the end, letters become 10..=35, then mod 97 —
    // computed digit by digit so no big integer is needed.
    let mut rem: u32 = 0;
    for &c in b[4..].iter().chain(&b[..4]) {
        if c.is_ascii_digit() {
            rem = (rem * 10 + u32::from(c - b'0')) % 97;
        } else {
            rem = (rem * 100 + u32::from(c - b'A' + 10)) % 97;
        }
    }
    if rem != 1 {
        return Err("IBAN checksum does not match");
    }
    Ok(())
}

/// Whether a valid CH/LI IBAN is a QR-IBAN: its institution id (characters 5..=9) is in
/// 30000..=31999. Payments to a QR-IBAN must carry a QR reference.
pub fn is_qr_iban(iban: &str) -> bool {
    if validate_iban(iban).is_err() || !matches!(iban.get(..2), Some("CH" | "LI")) {
        return false;
    }
    iban.get(4..9)
        .and_then(|iid| iid.parse::<u32>().ok())
        .is_some_and(|iid| (30000..=31999).contains(&iid))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_well_known_swiss_iban_passes_and_a_changed_digit_fails() {
        let iban = normalize_iban("CH93 0076 2011 6238 5295 7");
        assert_eq!(iban, "CH9300762011623852957");
        assert!(validate_iban(&iban).is_ok());
        assert!(!is_qr_iban(&iban));
        assert!(validate_iban("CH9300762011623852958").is_err());
        assert!(validate_iban("CH930076201162385295").is_err());
        assert!(validate_iban("ch9300762011623852957").is_err());
        assert!(validate_iban("CH93 0076 2011 6238 5295 7").is_err());
    }

    #[test]
    fn a_qr_iban_is_recognised() {
        let iban = normalize_iban("CH44 3199 9123 0008 8901 2");
        assert!(validate_iban(&iban).is_ok());
        assert!(is_qr_iban(&iban));
    }

    #[test]
    fn other_countries_ibans_are_checked_by_checksum() {
        assert!(validate_iban("DE89370400440532013000").is_ok());
        assert!(validate_iban("DE89370400440532013001").is_err());
        assert!(validate_iban("GB82WEST12345698765432").is_ok());
    }

    #[test]
    fn payment_means_encode_with_a_type_tag_and_unknown_types_still_decode() {
        let means = PaymentMeans::LocalCurrency {
            currency: "LEM".into(),
            wallet: None,
            share_pct: 50,
        };
        let bytes = crate::cbor::encode(&means).unwrap();
        let value: ciborium::Value = ciborium::de::from_reader(&bytes[..]).unwrap();
        let map = value.as_map().unwrap();
        assert!(
            map.iter()
                .any(|(k, v)| k.as_text() == Some("type") && v.as_text() == Some("local_currency"))
        );
        let back: PaymentMeans = crate::cbor::decode(&bytes, &crate::cbor::Limits::RECORD).unwrap();
        assert_eq!(back, means);

        let future = ciborium::Value::Map(vec![
            ("type".into(), "crypto_lightning".into()),
            ("node".into(), "abc".into()),
        ]);
        let bytes = crate::cbor::encode(&future).unwrap();
        let back: PaymentMeans = crate::cbor::decode(&bytes, &crate::cbor::Limits::RECORD).unwrap();
        assert_eq!(back, PaymentMeans::Unknown);
    }

    #[test]
    fn a_local_currency_share_of_zero_is_refused() {
        let means = PaymentMeans::LocalCurrency {
            currency: "LEM".into(),
            wallet: Some("lem:wallet:123".into()),
            share_pct: 0,
        };
        let err = means.validate("body.payment[0]").unwrap_err();
        assert!(
            matches!(err, RecordError::InvalidField { field, .. } if field == "body.payment[0].share_pct")
        );
    }
}
