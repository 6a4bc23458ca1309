//! Market config: what one local market is — its id, names, languages, currencies and their
//! parity, category taxonomy and bootstrap nodes — read from a TOML document.
//!
//! The config is not a signed record: every node of a market ships or is given the same file
//! (`examples/geneva/market.toml`). Records are checked against it after their own field rules:
//! a listing's category must be in the taxonomy and its currency one of the market's.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::error::RecordError;
use crate::kinds::common::{unique, validate_currency, validate_lang, validate_text};
use crate::kinds::{
    Body, DeliveryOffer, Listing, MultiText, PaymentMeans, Profile, validate_category,
};
use crate::record::{Payload, validate_market_id};

/// Most categories in one taxonomy, all levels together.
pub const MAX_CATEGORIES: usize = 2000;
/// Deepest category path (`a.b.c.d`).
pub const MAX_CATEGORY_DEPTH: usize = 4;

/// Why a market config was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum MarketError {
    /// Not TOML, or a field of the wrong type or missing; the message gives line and column.
    #[error("market config: {0}")]
    Toml(String),
    /// A field has a value the protocol does not allow.
    #[error("market config field {field}: {reason}")]
    Invalid {
        /// Dotted path of the field, e.g. `currencies[1].parity`.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
}

impl From<RecordError> for MarketError {
    fn from(e: RecordError) -> MarketError {
        match e {
            RecordError::InvalidField { field, reason } => MarketError::Invalid { field, reason },
            other => MarketError::Invalid {
                field: String::new(),
                reason: other.to_string(),
            },
        }
    }
}

/// One market's configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Market {
    /// Market id, as in every record's `market` (e.g. `geneva`).
    pub id: String,
    /// Display name per language.
    pub name: MultiText,
    /// Language shown when the user's is missing; one of `languages`.
    pub default_language: String,
    /// Languages the market's UI and records are expected in.
    pub languages: Vec<String>,
    /// The currency parities are expressed in; one of `currencies`.
    pub base_currency: String,
    /// Currencies prices may be in.
    pub currencies: Vec<Currency>,
    /// The category taxonomy's top level.
    #[serde(default)]
    pub categories: Vec<Category>,
    /// libp2p multiaddrs of bootstrap nodes (`/dns4/…/tcp/4417/p2p/…`).
    #[serde(default)]
    pub bootstrap: Vec<String>,
}

/// A currency of the market.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Currency {
    /// Code, 3 uppercase letters (`CHF`, `LEM`).
    pub code: String,
    /// Digits of the minor unit (2 for centimes), 0..=4.
    pub digits: u8,
    /// Symbol shown next to amounts.
    pub symbol: String,
    /// Whether this is the market's local complementary currency.
    #[serde(default)]
    pub local: bool,
    /// Value of one major unit in base-currency major units.
    pub parity: Parity,
}

/// An exact ratio `num / den`: no floats anywhere in money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parity {
    /// Numerator (> 0).
    pub num: u64,
    /// Denominator (> 0).
    pub den: u64,
}

/// A node of the category tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    /// This level's segment (`cheese`); the full code joins the path with dots
    /// (`food.dairy.cheese`).
    pub code: String,
    /// Display name per language.
    pub name: MultiText,
    /// Sub-categories.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Category>,
}

impl Market {
    /// Parses and validates a market config.
    pub fn from_toml(text: &str) -> Result<Market, MarketError> {
        let market: Market = toml::from_str(text).map_err(|e| MarketError::Toml(e.to_string()))?;
        market.validate()?;
        Ok(market)
    }

    /// Checks every field.
    pub fn validate(&self) -> Result<(), MarketError> {
        validate_market_id(&self.id).map_err(|r| invalid("id", r))?;
        validate_text("name", &self.name, 120, true, false)?;
        if self.languages.is_empty() {
            return Err(invalid("languages", "needs at least one language"));
        }
        for (i, lang) in self.languages.iter().enumerate() {
            validate_lang(&format!("languages[{i}]"), lang)?;
        }
        unique("languages", self.languages.iter())?;
        if !self.languages.contains(&self.default_language) {
            return Err(invalid("default_language", "must be one of languages"));
        }
        if self.currencies.is_empty() {
            return Err(invalid("currencies", "needs at least one currency"));
        }
        for (i, c) in self.currencies.iter().enumerate() {
            let path = format!("currencies[{i}]");
            validate_currency(&format!("{path}.code"), &c.code)?;
            if c.digits > 4 {
                return Err(invalid(format!("{path}.digits"), "must be 0-4"));
            }
            if c.symbol.is_empty() || c.symbol.len() > 8 {
                return Err(invalid(format!("{path}.symbol"), "must be 1-8 bytes"));
            }
            if c.parity.num == 0 || c.parity.den == 0 {
                return Err(invalid(format!("{path}.parity"), "num and den must be > 0"));
            }
            if c.code == self.base_currency && c.parity.num != c.parity.den {
                return Err(invalid(
                    format!("{path}.parity"),
                    "the base currency's parity must be 1:1",
                ));
            }
        }
        unique(
            "currencies",
            self.currencies.iter().map(|c| &c.code).collect::<Vec<_>>(),
        )?;
        if self.currency(&self.base_currency).is_none() {
            return Err(invalid("base_currency", "must be one of currencies"));
        }
        let mut count = 0;
        check_categories(&self.categories, "", "categories", 1, &mut count)?;
        for (i, addr) in self.bootstrap.iter().enumerate() {
            if !addr.starts_with('/') || addr.len() > 512 || addr.contains(char::is_whitespace) {
                return Err(invalid(
                    format!("bootstrap[{i}]"),
                    "must be a multiaddr such as /dns4/host/tcp/4417/p2p/<peer id>",
                ));
            }
        }
        Ok(())
    }

    /// The currency with this code.
    pub fn currency(&self, code: &str) -> Option<&Currency> {
        self.currencies.iter().find(|c| c.code == code)
    }

    /// The market's local complementary currency, if it has one.
    pub fn local_currency(&self) -> Option<&Currency> {
        self.currencies.iter().find(|c| c.local)
    }

    /// The category with this full dotted code.
    pub fn category(&self, code: &str) -> Option<&Category> {
        let mut level = &self.categories;
        let mut found = None;
        for segment in code.split('.') {
            let node = level.iter().find(|c| c.code == segment)?;
            level = &node.children;
            found = Some(node);
        }
        found
    }

    /// Whether `code` (full dotted path, any level) is in the taxonomy.
    pub fn has_category(&self, code: &str) -> bool {
        self.category(code).is_some()
    }

    /// Every full category code, parents before children, in file order.
    pub fn category_codes(&self) -> Vec<String> {
        fn walk(level: &[Category], prefix: &str, out: &mut Vec<String>) {
            for c in level {
                let code = join(prefix, &c.code);
                out.push(code.clone());
                walk(&c.children, &code, out);
            }
        }
        let mut out = Vec::new();
        walk(&self.categories, "", &mut out);
        out
    }

    /// The market's rules for a listing: its category is in the taxonomy, its currency is one of
    /// the market's, and a local-currency share needs a local currency.
    pub fn validate_listing(&self, listing: &Listing) -> Result<(), RecordError> {
        if !self.has_category(&listing.category) {
            return Err(RecordError::field(
                "body.category",
                format!(
                    "{:?} is not in market {}'s taxonomy",
                    listing.category, self.id
                ),
            ));
        }
        self.known_currency("body.price.currency", &listing.price.currency)?;
        if listing.local_share_pct.is_some_and(|p| p > 0) && self.local_currency().is_none() {
            return Err(RecordError::field(
                "body.local_share_pct",
                format!("market {} has no local currency", self.id),
            ));
        }
        Ok(())
    }

    /// The market's rules for a delivery offer: its fees are in one of the market's currencies.
    pub fn validate_delivery_offer(&self, offer: &DeliveryOffer) -> Result<(), RecordError> {
        self.known_currency("body.fees.currency", &offer.fees.currency)
    }

    /// The market's rules for a profile: local-currency payment means name a market currency.
    pub fn validate_profile(&self, profile: &Profile) -> Result<(), RecordError> {
        for (i, means) in profile.payment.iter().enumerate() {
            if let PaymentMeans::LocalCurrency { currency, .. } = means {
                self.known_currency(&format!("body.payment[{i}].currency"), currency)?;
            }
        }
        Ok(())
    }

    /// Every market rule for a payload: it names this market, and its body fits the config.
    pub fn validate_payload(&self, payload: &Payload) -> Result<(), RecordError> {
        if payload.market != self.id {
            return Err(RecordError::WrongMarket {
                expected: self.id.clone(),
                found: payload.market.clone(),
            });
        }
        match &payload.body {
            Body::Listing(l) => self.validate_listing(l),
            Body::DeliveryOffer(d) => self.validate_delivery_offer(d),
            Body::Profile(p) => self.validate_profile(p),
            _ => Ok(()),
        }
    }

    fn known_currency(&self, field: &str, code: &str) -> Result<(), RecordError> {
        if self.currency(code).is_some() {
            Ok(())
        } else {
            Err(RecordError::field(
                field,
                format!("{code} is not a currency of market {}", self.id),
            ))
        }
    }
}

fn invalid(field: impl Into<String>, reason: impl Into<String>) -> MarketError {
    MarketError::Invalid {
        field: field.into(),
        reason: reason.into(),
    }
}

fn join(prefix: &str, segment: &str) -> String {
    if prefix.is_empty() {
        segment.to_owned()
    } else {
        format!("{prefix}.{segment}")
    }
}

fn check_categories(
    level: &[Category],
    prefix: &str,
    path: &str,
    depth: usize,
    count: &mut usize,
) -> Result<(), MarketError> {
    let mut seen = BTreeSet::new();
    for (i, c) in level.iter().enumerate() {
        let here = format!("{path}[{i}]");
        if depth > MAX_CATEGORY_DEPTH {
            return Err(invalid(
                here,
                format!("deeper than {MAX_CATEGORY_DEPTH} levels"),
            ));
        }
        *count += 1;
        if *count > MAX_CATEGORIES {
            return Err(invalid(
                here,
                format!("more than {MAX_CATEGORIES} categories"),
            ));
        }
        if c.code.contains('.') {
            return Err(invalid(
                format!("{here}.code"),
                "is one segment, without dots",
            ));
        }
        let code = join(prefix, &c.code);
        validate_category(&format!("{here}.code"), &code)?;
        if !seen.insert(&c.code) {
            return Err(invalid(
                format!("{here}.code"),
                format!("{code} appears twice"),
            ));
        }
        validate_text(&format!("{here}.name"), &c.name, 120, true, false)?;
        check_categories(
            &c.children,
            &code,
            &format!("{here}.children"),
            depth + 1,
            count,
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GENEVA: &str = include_str!("../../examples/geneva/market.toml");

    #[test]
    fn the_geneva_example_parses_and_validates() {
        let market = Market::from_toml(GENEVA).unwrap();
        assert_eq!(market.id, "geneva");
        assert_eq!(market.default_language, "fr");
        assert_eq!(
            market.local_currency().map(|c| c.code.as_str()),
            Some("LEM")
        );
        let lem = market.currency("LEM").unwrap();
        assert_eq!(lem.parity, Parity { num: 1, den: 1 });
        assert!(market.has_category("food"));
        assert!(market.has_category("food.dairy.cheese"));
        assert!(market.has_category("services.bike_repair"));
        assert!(!market.has_category("food.dairy.unicorn"));
        assert!(!market.has_category("cheese"));
        let codes = market.category_codes();
        assert!((35..=60).contains(&codes.len()), "{}", codes.len());
    }

    #[test]
    fn a_broken_toml_names_the_line() {
        let text = "id = \"geneva\"\ndefault_language = \"fr\"\nlanguages = [\"fr\",\n";
        let err = Market::from_toml(text).unwrap_err();
        assert!(
            matches!(&err, MarketError::Toml(msg) if msg.contains("line 3")),
            "{err}"
        );
        let missing = "id = \"geneva\"\n";
        assert!(matches!(
            Market::from_toml(missing),
            Err(MarketError::Toml(_))
        ));
    }

    #[test]
    fn invalid_market_fields_are_named() {
        let market = Market::from_toml(GENEVA).unwrap();
        let field = |m: Market| match m.validate() {
            Err(MarketError::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        let mut m = market.clone();
        m.id = "Geneva".into();
        assert_eq!(field(m), "id");
        let mut m = market.clone();
        m.default_language = "es".into();
        assert_eq!(field(m), "default_language");
        let mut m = market.clone();
        m.currencies[1].parity.den = 0;
        assert_eq!(field(m), "currencies[1].parity");
        let mut m = market.clone();
        m.categories[0].children[0].code = "Veg".into();
        assert_eq!(field(m), "categories[0].children[0].code");
        let mut m = market.clone();
        let dup = m.categories[0].clone();
        m.categories.push(dup);
        assert!(field(m).ends_with(".code"));
        let mut m = market;
        m.bootstrap.push("dns4/example".into());
        assert!(field(m).starts_with("bootstrap["));
    }

    #[test]
    fn listings_are_checked_against_the_taxonomy_and_currencies() {
        let market = Market::from_toml(GENEVA).unwrap();
        let mut listing = Listing {
            title: [("fr".to_owned(), "Tomme".to_owned())].into(),
            description: MultiText::new(),
            category: "food.dairy.cheese".into(),
            price: crate::kinds::Price {
                amount: 650,
                currency: "LEM".into(),
                unit: crate::kinds::Unit::Piece,
            },
            local_share_pct: Some(100),
            variants: vec![],
            stock: None,
            images: vec![],
            origin: None,
            fulfilment: vec![crate::kinds::Fulfilment::Courier],
            lead_time_h: None,
            service: None,
            on_behalf_of: None,
        };
        assert!(market.validate_listing(&listing).is_ok());
        listing.category = "food.dairy.unicorn".into();
        assert!(matches!(
            market.validate_listing(&listing),
            Err(RecordError::InvalidField { field, .. }) if field == "body.category"
        ));
        listing.category = "food.dairy.cheese".into();
        listing.price.currency = "EUR".into();
        assert!(matches!(
            market.validate_listing(&listing),
            Err(RecordError::InvalidField { field, .. }) if field == "body.price.currency"
        ));
    }
}
