//! Profile: who an actor is, in the slot `profile` of its key.
//!
//! A profile is what buyers see before they order (name, address, hours, accepted payment means)
//! and what every sender of a private message needs: `enc_key`, the X25519 key orders and status
//! messages are sealed to. One actor has one profile per market.

use serde::{Deserialize, Serialize};

use crate::error::RecordError;
use crate::keys::BlobId;
use crate::kinds::common::{
    Address, GeoPoint, MultiText, TimeSlot, unique, validate_lang, validate_line,
    validate_postcode, validate_slots, validate_text, validate_url,
};
use crate::kinds::label::{LabelDefinition, validate_labels};
use crate::kinds::payment::PaymentMeans;
use crate::record::Payload;

/// The only slot key a profile may use: one profile per actor and market.
pub const PROFILE_KEY: &str = "profile";
/// Longest display name, per language.
pub const MAX_NAME_BYTES: usize = 120;
/// Longest description, per language.
pub const MAX_DESCRIPTION_BYTES: usize = 4000;
/// Most payment means one profile lists.
pub const MAX_PAYMENT_MEANS: usize = 16;

/// What an actor does in the market; one actor may have several roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Grows, raises or makes goods.
    Producer,
    /// Sells goods from a shop.
    Shop,
    /// Sells services (repairs, lessons, care…).
    ServiceProvider,
    /// A sector platform relaying or publishing for member producers.
    Platform,
    /// Delivers parcels.
    Courier,
    /// Issues attestations (labels, memberships of a network).
    Certifier,
    /// Buys.
    Consumer,
    /// Runs bootstrap, relay and mailbox nodes for the market.
    Cooperative,
}

impl Role {
    /// Whether buyers come to this actor's place, so it must publish where it is.
    pub fn has_premises(&self) -> bool {
        matches!(self, Role::Producer | Role::Shop)
    }
}

/// Whether the actor is a person or a registered organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegalForm {
    /// A natural person (including sole traders without a registered company).
    Individual,
    /// A company, association or cooperative with a registration.
    Company,
}

/// Ways to reach the actor outside the protocol. All optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// E-mail address (≤ 254 bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone number, international form preferred (≤ 32 bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Website, `http://` or `https://` (≤ 512 bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
}

/// Profile body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// What the actor does: non-empty, no duplicates.
    pub roles: Vec<Role>,
    /// Person or organisation.
    pub legal_form: LegalForm,
    /// Registration number of a company; a Swiss UID (`CHE-123.456.789`) has its check digit
    /// verified. Only for [`LegalForm::Company`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_id: Option<String>,
    /// Display name per language (1..=8 languages, ≤ 120 bytes each).
    #[serde(deserialize_with = "crate::kinds::common::unique_text")]
    pub name: MultiText,
    /// Description per language (≤ 4000 bytes each; may be empty).
    #[serde(
        default,
        skip_serializing_if = "MultiText::is_empty",
        deserialize_with = "crate::kinds::common::unique_text"
    )]
    pub description: MultiText,
    /// Public address of the shop, farm or workshop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// Postcode of the coarse location; required, with `point`, for producers and shops.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
    /// Coarse point on the map; required, with `postcode`, for producers and shops.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub point: Option<GeoPoint>,
    /// Weekly opening hours (≤ 42 slots).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hours: Vec<TimeSlot>,
    /// How to reach the actor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
    /// The logo image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<BlobId>,
    /// Payment means accepted (≤ 16, no duplicates).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub payment: Vec<PaymentMeans>,
    /// X25519 public key that private messages to this actor are sealed to.
    #[serde(with = "crate::cbor::byte_array")]
    pub enc_key: [u8; 32],
    /// Languages spoken (≤ 8 codes, no duplicates).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<String>,
    /// What the label codes of this actor's attestations mean (≤ 32, codes unique).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<LabelDefinition>,
}

impl Profile {
    pub(crate) fn validate(&self, payload: &Payload) -> Result<(), RecordError> {
        if payload.key != PROFILE_KEY {
            return Err(RecordError::field(
                "key",
                "a profile's slot key must be \"profile\"",
            ));
        }
        if self.roles.is_empty() {
            return Err(RecordError::field("body.roles", "needs at least one role"));
        }
        unique("body.roles", self.roles.iter())?;
        if let Some(id) = &self.company_id {
            if self.legal_form != LegalForm::Company {
                return Err(RecordError::field(
                    "body.company_id",
                    "only a company has a company id",
                ));
            }
            validate_company_id(id).map_err(|r| RecordError::field("body.company_id", r))?;
        }
        validate_text("body.name", &self.name, MAX_NAME_BYTES, true, false)?;
        validate_text(
            "body.description",
            &self.description,
            MAX_DESCRIPTION_BYTES,
            false,
            true,
        )?;
        if let Some(address) = &self.address {
            address.validate("body.address")?;
        }
        if let Some(postcode) = &self.postcode {
            validate_postcode("body.postcode", postcode)?;
        }
        if let Some(point) = &self.point {
            point.validate("body.point")?;
        }
        if self.roles.iter().any(Role::has_premises) {
            if self.postcode.is_none() {
                return Err(RecordError::field(
                    "body.postcode",
                    "producers and shops must give their postcode",
                ));
            }
            if self.point.is_none() {
                return Err(RecordError::field(
                    "body.point",
                    "producers and shops must give a coarse location",
                ));
            }
        }
        validate_slots("body.hours", &self.hours)?;
        if let Some(contact) = &self.contact {
            contact.validate("body.contact")?;
        }
        if self.payment.len() > MAX_PAYMENT_MEANS {
            return Err(RecordError::field(
                "body.payment",
                format!("more than {MAX_PAYMENT_MEANS} payment means"),
            ));
        }
        for (i, means) in self.payment.iter().enumerate() {
            means.validate(&format!("body.payment[{i}]"))?;
            if self.payment[..i].contains(means) {
                return Err(RecordError::field("body.payment", "has a duplicate entry"));
            }
        }
        if self.enc_key == [0; 32] {
            return Err(RecordError::field("body.enc_key", "must not be all zeros"));
        }
        if self.languages.len() > 8 {
            return Err(RecordError::field(
                "body.languages",
                "more than 8 languages",
            ));
        }
        for (i, lang) in self.languages.iter().enumerate() {
            validate_lang(&format!("body.languages[{i}]"), lang)?;
        }
        unique("body.languages", self.languages.iter())?;
        validate_labels("body.labels", &self.labels)
    }
}

impl Contact {
    /// Checks lengths and shapes of whatever is present.
    pub fn validate(&self, field: &str) -> Result<(), RecordError> {
        if let Some(email) = &self.email {
            let path = format!("{field}.email");
            validate_line(&path, email, 254)?;
            let ok = email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty() && domain.contains('.') && !domain.contains('@')
            }) && !email.contains(char::is_whitespace);
            if !ok {
                return Err(RecordError::field(path, "is not an e-mail address"));
            }
        }
        if let Some(phone) = &self.phone {
            let path = format!("{field}.phone");
            validate_line(&path, phone, 32)?;
            let chars_ok = phone
                .chars()
                .all(|c| c.is_ascii_digit() || " +-().".contains(c));
            if !chars_ok || phone.chars().filter(char::is_ascii_digit).count() < 6 {
                return Err(RecordError::field(path, "is not a phone number"));
            }
        }
        if let Some(website) = &self.website {
            validate_url(&format!("{field}.website"), website, 512, false)?;
        }
        Ok(())
    }
}

/// Checks a company registration number. A Swiss UID (`CHE-123.456.789`) must have that exact
/// shape and a correct mod-11 check digit (weights 5 4 3 2 7 6 5 4 over the first eight digits);
/// other registries' numbers are 1..=32 bytes of letters, digits, `-`, `.`, `/` and space.
pub fn validate_company_id(id: &str) -> Result<(), &'static str> {
    if let Some(rest) = id.strip_prefix("CHE") {
        let b = rest.as_bytes();
        let shape = b.len() == 12
            && b[0] == b'-'
            && b[4] == b'.'
            && b[8] == b'.'
            && [1, 2, 3, 5, 6, 7, 9, 10, 11]
                .iter()
                .all(|&i| b[i].is_ascii_digit());
        if !shape {
            return Err("a Swiss UID is written CHE-123.456.789");
        }
        let digits: Vec<u32> = b
            .iter()
            .filter(|c| c.is_ascii_digit())
            .map(|c| u32::from(c - b'0'))
            .collect();
        let sum: u32 = digits[..8]
            .iter()
            .zip([5, 4, 3, 2, 7, 6, 5, 4])
            .map(|(d, w)| d * w)
            .sum();
        let check = match 11 - sum % 11 {
            11 => 0,
            10 => return Err("not a valid Swiss UID number"),
            c => c,
        };
        if digits[8] != check {
            return Err("Swiss UID check digit does not match");
        }
        return Ok(());
    }
    let ok = (1..=32).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-./ ".contains(c));
    if ok {
        Ok(())
    } else {
        Err("must be 1-32 characters of letters, digits, '-', '.', '/' and space")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::Body;
    use crate::kinds::common::Weekday;
    use crate::kinds::common::testing::{refused_field, secret, sign_and_open};

    pub(crate) fn fromagerie() -> Profile {
        Profile {
            roles: vec![Role::Producer, Role::Shop],
            legal_form: LegalForm::Company,
            company_id: Some("CHE-116.281.710".into()),
            name: [
                ("fr".to_owned(), "Fromagerie des Bastions".to_owned()),
                ("en".to_owned(), "Bastions Cheese Dairy".to_owned()),
            ]
            .into(),
            description: [(
                "fr".to_owned(),
                "Tommes et gruyère d'alpage.\nVente directe.".to_owned(),
            )]
            .into(),
            address: Some(Address {
                street: "Rue de la Croix-Rouge 12".into(),
                postcode: "1204".into(),
                locality: "Genève".into(),
                country: "CH".into(),
            }),
            postcode: Some("1204".into()),
            point: Some(GeoPoint {
                lat_e4: 462_000,
                lon_e4: 61_460,
            }),
            hours: vec![
                TimeSlot {
                    day: Weekday::Tue,
                    start: 8 * 60,
                    end: 12 * 60 + 30,
                },
                TimeSlot {
                    day: Weekday::Sat,
                    start: 7 * 60,
                    end: 13 * 60,
                },
            ],
            contact: Some(Contact {
                email: Some("info@fromagerie-bastions.ch".into()),
                phone: Some("+41 22 123 45 67".into()),
                website: Some("https://fromagerie-bastions.ch".into()),
            }),
            logo: Some(BlobId::of(b"logo.png")),
            payment: vec![
                PaymentMeans::CashOnPickup,
                PaymentMeans::CardOnPickup,
                PaymentMeans::BankTransfer {
                    iban: "CH4431999123000889012".into(),
                    holder: "Fromagerie des Bastions SA".into(),
                },
                PaymentMeans::LocalCurrency {
                    currency: "LEM".into(),
                    wallet: None,
                    share_pct: 100,
                },
            ],
            enc_key: [9; 32],
            languages: vec!["fr".into(), "en".into(), "de".into()],
            labels: Vec::new(),
        }
    }

    #[test]
    fn a_realistic_profile_signs_and_opens() {
        let record = sign_and_open(&secret(), PROFILE_KEY, Body::Profile(fromagerie()));
        assert!(matches!(record.payload.body, Body::Profile(ref p) if p == &fromagerie()));
    }

    #[test]
    fn a_consumer_profile_needs_no_location() {
        let profile = Profile {
            roles: vec![Role::Consumer],
            legal_form: LegalForm::Individual,
            company_id: None,
            name: [("fr".to_owned(), "Camille".to_owned())].into(),
            description: MultiText::new(),
            address: None,
            postcode: None,
            point: None,
            hours: vec![],
            contact: None,
            logo: None,
            payment: vec![],
            enc_key: [1; 32],
            languages: vec![],
            labels: Vec::new(),
        };
        sign_and_open(&secret(), PROFILE_KEY, Body::Profile(profile));
    }

    #[test]
    fn a_certifier_s_label_definitions_sign_and_open() {
        let mut profile = fromagerie();
        profile.labels = vec![crate::kinds::label::tests::grta()];
        let record = sign_and_open(&secret(), PROFILE_KEY, Body::Profile(profile.clone()));
        assert!(matches!(record.payload.body, Body::Profile(ref p) if p.labels == profile.labels));
        profile.labels[0].code = "GRTA".into();
        assert_eq!(
            refused_field(PROFILE_KEY, Body::Profile(profile)),
            "body.labels[0].code"
        );
    }

    fn refused(edit: impl FnOnce(&mut Profile)) -> String {
        let mut p = fromagerie();
        edit(&mut p);
        refused_field(PROFILE_KEY, Body::Profile(p))
    }

    #[test]
    fn invalid_profile_fields_are_named() {
        assert_eq!(refused(|p| p.roles.clear()), "body.roles");
        assert_eq!(refused(|p| p.roles.push(Role::Shop)), "body.roles");
        assert_eq!(refused(|p| p.name.clear()), "body.name");
        assert_eq!(
            refused(|p| {
                p.name.insert("fr".into(), "x".repeat(121));
            }),
            "body.name.fr"
        );
        assert_eq!(refused(|p| p.point = None), "body.point");
        assert_eq!(
            refused(|p| p.postcode = Some("12 ".into())),
            "body.postcode"
        );
        assert_eq!(
            refused(|p| p.point = Some(GeoPoint {
                lat_e4: 0,
                lon_e4: 1_800_001
            })),
            "body.point.lon_e4"
        );
        assert_eq!(refused(|p| p.hours[1].end = 1441), "body.hours[1].end");
        assert_eq!(refused(|p| p.enc_key = [0; 32]), "body.enc_key");
        assert_eq!(
            refused(
                |p| if let PaymentMeans::BankTransfer { iban, .. } = &mut p.payment[2] {
                    *iban = "CH4431999123000889013".into();
                }
            ),
            "body.payment[2].iban"
        );
        assert_eq!(
            refused(|p| p.contact.as_mut().unwrap().email = Some("nobody".into())),
            "body.contact.email"
        );
        assert_eq!(
            refused(|p| p.languages.push("FR".into())),
            "body.languages[3]"
        );
        assert_eq!(
            refused(|p| p.legal_form = LegalForm::Individual),
            "body.company_id"
        );
    }

    #[test]
    fn a_profile_outside_the_profile_slot_is_refused() {
        assert_eq!(refused_field("shop", Body::Profile(fromagerie())), "key");
    }

    #[test]
    fn swiss_uid_check_digits_are_verified() {
        assert!(validate_company_id("CHE-116.281.710").is_ok());
        assert!(validate_company_id("CHE-116.281.711").is_err());
        assert!(validate_company_id("CHE116281710").is_err());
        assert!(validate_company_id("RCS Annecy 123 456 789").is_ok());
    }
}
