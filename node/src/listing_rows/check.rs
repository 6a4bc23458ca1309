//! A row turned into a listing: every field checked against the market (taxonomy, currencies,
//! units) and then against the protocol's own rules, with each error naming its row field.
//!
//! The one way in for typed fields, form or CSV; kept apart from the row type so the rules read
//! top to bottom in one place.

use smartket_protocol::kinds::{Body, Fulfilment, Listing, Origin, Price, Unit};
use smartket_protocol::market::Currency;
use smartket_protocol::{Market, Payload, RecordError};

use super::field_error::{FieldError, Problem, error, row_field};
use super::{ListingRow, unit_name};

impl ListingRow {
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

fn yes(text: &str) -> bool {
    matches!(
        text.trim().to_lowercase().as_str(),
        "oui" | "yes" | "1" | "true" | "on" | "x"
    )
}
