//! Listing: one good or service for sale, in a slot keyed by the seller's own reference (SKU).
//!
//! Buyers' nodes index listings for search and filters; an order line names a listing's record id
//! and copies its price at checkout. The category's syntax is checked here; whether it is in the
//! market's taxonomy is checked against the market config ([`crate::market::Market`]).

use serde::{Deserialize, Serialize};

use crate::error::RecordError;
use crate::keys::{AuthorKey, BlobId};
use crate::kinds::common::{
    MAX_ZONE_POSTCODES, MultiText, TimeSlot, at, unique, validate_blobs, validate_currency,
    validate_ident, validate_line, validate_pct, validate_postcode, validate_postcodes,
    validate_slots, validate_text,
};
use crate::record::Payload;

/// Longest title, per language.
pub const MAX_TITLE_BYTES: usize = 200;
/// Longest description, per language.
pub const MAX_LISTING_DESCRIPTION_BYTES: usize = 4000;
/// Most variants of one listing.
pub const MAX_VARIANTS: usize = 32;
/// Most images of one listing.
pub const MAX_IMAGES: usize = 8;
/// Most fulfilment options of one listing.
pub const MAX_FULFILMENT: usize = 8;
/// Longest lead time, in hours (one year).
pub const MAX_LEAD_TIME_H: u32 = 24 * 366;
/// Longest service session, in minutes (one week).
pub const MAX_DURATION_MIN: u32 = 7 * 24 * 60;

/// What one price is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// One item.
    Piece,
    /// One kilogram.
    Kg,
    /// 100 grams.
    #[serde(rename = "100g")]
    G100,
    /// One litre.
    Litre,
    /// One bottle (wine, juice…).
    Bottle,
    /// Twelve items.
    Dozen,
    /// A bunch (herbs, flowers, radishes).
    Bunch,
    /// A box or basket of fixed content.
    Box,
    /// One hour of service.
    Hour,
    /// One session of service (a lesson, a repair).
    Session,
    /// One day of service or rental.
    Day,
}

impl Unit {
    /// Every unit, in the order a form offers them.
    pub const ALL: [Unit; 11] = [
        Unit::Piece,
        Unit::Kg,
        Unit::G100,
        Unit::Litre,
        Unit::Bottle,
        Unit::Dozen,
        Unit::Bunch,
        Unit::Box,
        Unit::Hour,
        Unit::Session,
        Unit::Day,
    ];
}

/// A price: an amount in minor units of a currency, for one unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Price {
    /// Minor units (centimes for CHF); exact, no floats.
    pub amount: u64,
    /// Currency code, 3 uppercase letters (one of the market's).
    pub currency: String,
    /// What the amount buys.
    pub unit: Unit,
}

/// A variant of the listing (size, weight, colour), with its own price and stock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    /// Unique within the listing: 1..=32 of `a-z 0-9 _ - .`; orders name it.
    pub id: String,
    /// What the variant is, per language (≤ 120 bytes each, at least one language).
    #[serde(deserialize_with = "crate::kinds::common::unique_text")]
    pub label: MultiText,
    /// Amount in minor units, in the listing's currency and unit.
    pub amount: u64,
    /// Units in stock; absent when not tracked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stock: Option<u32>,
}

/// Where the goods come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    /// Free text, e.g. "Ferme du Crêt, Jussy" (≤ 200 bytes).
    pub text: String,
    /// Postcode of the place of production.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
}

/// How the buyer gets what they bought.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Fulfilment {
    /// The buyer picks up.
    Pickup {
        /// Where, in words (≤ 200 bytes), e.g. the address or "stand 14, marché de Plainpalais".
        place: String,
        /// Postcode of the pick-up place.
        postcode: String,
        /// When (≤ 42 slots; empty means "by appointment").
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        hours: Vec<TimeSlot>,
    },
    /// Any courier of the market with a matching delivery offer may deliver.
    Courier,
    /// The seller delivers, within these postcodes.
    OwnDelivery {
        /// Postcodes served (1..=128, no duplicates).
        postcodes: Vec<String>,
        /// Delivery fee in minor units of the listing's currency; absent means free.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fee: Option<u64>,
    },
}

/// Where a service takes place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServicePlace {
    /// At the seller's premises.
    AtSeller,
    /// At the customer's address.
    AtCustomer,
    /// Remotely.
    Online,
}

/// The terms that make a listing a service rather than goods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceTerms {
    /// Length of one session, in minutes (1..=10080).
    pub duration_min: u32,
    /// Where it can take place (1..=3, no duplicates).
    pub places: Vec<ServicePlace>,
}

/// Listing body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    /// Title per language (1..=8 languages, ≤ 200 bytes each).
    #[serde(deserialize_with = "crate::kinds::common::unique_text")]
    pub title: MultiText,
    /// Description per language (≤ 4000 bytes each; may be empty).
    #[serde(
        default,
        skip_serializing_if = "MultiText::is_empty",
        deserialize_with = "crate::kinds::common::unique_text"
    )]
    pub description: MultiText,
    /// Category code from the market's taxonomy, e.g. `food.dairy.cheese`.
    pub category: String,
    /// Price of one unit.
    pub price: Price,
    /// Share of the price the seller accepts in the market's local currency, 0..=100 %.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_share_pct: Option<u8>,
    /// Variants with their own price and stock (≤ 32, unique ids).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<Variant>,
    /// Units in stock; absent when not tracked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stock: Option<u32>,
    /// Images (≤ 8, no duplicates).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<BlobId>,
    /// Where the goods come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
    /// Ways to get the goods (1..=8 for goods; may be empty for a service).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fulfilment: Vec<Fulfilment>,
    /// Hours between order and earliest pick-up, delivery or session (≤ 8784).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_time_h: Option<u32>,
    /// Present when the listing is a service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<ServiceTerms>,
    /// The member producer a platform (the author) publishes this listing for. The node checks
    /// that a live membership with the `publish` scope exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf_of: Option<AuthorKey>,
}

impl Listing {
    pub(crate) fn validate(&self, _payload: &Payload) -> Result<(), RecordError> {
        validate_text("body.title", &self.title, MAX_TITLE_BYTES, true, false)?;
        validate_text(
            "body.description",
            &self.description,
            MAX_LISTING_DESCRIPTION_BYTES,
            false,
            true,
        )?;
        validate_category("body.category", &self.category)?;
        validate_currency("body.price.currency", &self.price.currency)?;
        if let Some(pct) = self.local_share_pct {
            validate_pct("body.local_share_pct", pct, 0)?;
        }
        if self.variants.len() > MAX_VARIANTS {
            return Err(RecordError::field(
                "body.variants",
                format!("more than {MAX_VARIANTS} variants"),
            ));
        }
        for (i, v) in self.variants.iter().enumerate() {
            at(
                || format!("body.variants[{i}]"),
                |_| {
                    validate_ident(".id", &v.id, 32)?;
                    validate_text(".label", &v.label, 120, true, false)
                },
            )?;
        }
        unique(
            "body.variants",
            self.variants.iter().map(|v| &v.id).collect::<Vec<_>>(),
        )?;
        validate_blobs("body.images", &self.images, MAX_IMAGES)?;
        if let Some(origin) = &self.origin {
            validate_line("body.origin.text", &origin.text, 200)?;
            if let Some(postcode) = &origin.postcode {
                validate_postcode("body.origin.postcode", postcode)?;
            }
        }
        if self.fulfilment.is_empty() && self.service.is_none() {
            return Err(RecordError::field(
                "body.fulfilment",
                "goods need at least one fulfilment option",
            ));
        }
        if self.fulfilment.len() > MAX_FULFILMENT {
            return Err(RecordError::field(
                "body.fulfilment",
                format!("more than {MAX_FULFILMENT} options"),
            ));
        }
        for (i, option) in self.fulfilment.iter().enumerate() {
            at(
                || format!("body.fulfilment[{i}]"),
                |_| match option {
                    Fulfilment::Pickup {
                        place,
                        postcode,
                        hours,
                    } => {
                        validate_line(".place", place, 200)?;
                        validate_postcode(".postcode", postcode)?;
                        validate_slots(".hours", hours)
                    }
                    Fulfilment::Courier => Ok(()),
                    Fulfilment::OwnDelivery { postcodes, .. } => {
                        validate_postcodes(".postcodes", postcodes, MAX_ZONE_POSTCODES)
                    }
                },
            )?;
            if self.fulfilment[..i].contains(option) {
                return Err(RecordError::field(
                    "body.fulfilment",
                    "has a duplicate entry",
                ));
            }
        }
        if self.lead_time_h.is_some_and(|h| h > MAX_LEAD_TIME_H) {
            return Err(RecordError::field(
                "body.lead_time_h",
                format!("over {MAX_LEAD_TIME_H} hours"),
            ));
        }
        if let Some(service) = &self.service {
            if !(1..=MAX_DURATION_MIN).contains(&service.duration_min) {
                return Err(RecordError::field(
                    "body.service.duration_min",
                    format!("must be 1-{MAX_DURATION_MIN} minutes"),
                ));
            }
            if service.places.is_empty() {
                return Err(RecordError::field(
                    "body.service.places",
                    "needs at least one place",
                ));
            }
            unique("body.service.places", service.places.iter())?;
        }
        Ok(())
    }
}

/// Checks a category code's syntax: 1..=4 dot-separated segments, each 1..=32 of `a-z`, `0-9`
/// and `_`, starting with a letter; 128 bytes at most. E.g. `food.dairy.cheese`.
pub fn validate_category(field: &str, code: &str) -> Result<(), RecordError> {
    let segments: Vec<&str> = code.split('.').collect();
    let ok = code.len() <= 128
        && (1..=4).contains(&segments.len())
        && segments.iter().all(|s| {
            (1..=32).contains(&s.len())
                && s.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        });
    if ok {
        Ok(())
    } else {
        Err(RecordError::field(
            field,
            format!("category {code:?} must be a dotted lowercase path like food.dairy.cheese"),
        ))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::keys::SecretKey;
    use crate::kinds::Body;
    use crate::kinds::common::Weekday;
    use crate::kinds::common::testing::{refused_field, secret, sign_and_open};

    fn text(fr: &str, en: &str) -> MultiText {
        [
            ("fr".to_owned(), fr.to_owned()),
            ("en".to_owned(), en.to_owned()),
        ]
        .into()
    }

    pub(crate) fn tomme() -> Listing {
        Listing {
            title: text("Tomme vaudoise", "Tomme from Vaud"),
            description: text("Pâte molle, lait cru.", "Soft cheese, raw milk."),
            category: "food.dairy.cheese".into(),
            price: Price {
                amount: 650,
                currency: "CHF".into(),
                unit: Unit::Piece,
            },
            local_share_pct: Some(50),
            variants: vec![
                Variant {
                    id: "small".into(),
                    label: text("Petite (100 g)", "Small (100 g)"),
                    amount: 450,
                    stock: Some(12),
                },
                Variant {
                    id: "large".into(),
                    label: text("Grande (250 g)", "Large (250 g)"),
                    amount: 990,
                    stock: None,
                },
            ],
            stock: Some(30),
            images: vec![BlobId::of(b"tomme.jpg")],
            origin: Some(Origin {
                text: "Ferme du Crêt, Jussy".into(),
                postcode: Some("1254".into()),
            }),
            fulfilment: vec![
                Fulfilment::Pickup {
                    place: "Marché de Plainpalais, stand 14".into(),
                    postcode: "1205".into(),
                    hours: vec![TimeSlot {
                        day: Weekday::Sat,
                        start: 420,
                        end: 780,
                    }],
                },
                Fulfilment::Courier,
                Fulfilment::OwnDelivery {
                    postcodes: vec!["1204".into(), "1205".into()],
                    fee: Some(500),
                },
            ],
            lead_time_h: Some(24),
            service: None,
            on_behalf_of: None,
        }
    }

    #[test]
    fn a_realistic_listing_signs_and_opens() {
        sign_and_open(&secret(), "tomme-vaudoise", Body::Listing(tomme()));
    }

    #[test]
    fn a_service_listed_by_a_platform_for_a_member_signs_and_opens() {
        let mut repair = tomme();
        repair.title = text("Révision de vélo", "Bike service");
        repair.category = "services.bike_repair".into();
        repair.price = Price {
            amount: 8000,
            currency: "CHF".into(),
            unit: Unit::Session,
        };
        repair.variants.clear();
        repair.stock = None;
        repair.fulfilment.clear();
        repair.origin = None;
        repair.service = Some(ServiceTerms {
            duration_min: 90,
            places: vec![ServicePlace::AtSeller, ServicePlace::AtCustomer],
        });
        repair.on_behalf_of = Some(SecretKey::from_bytes(&[7; 32]).public());
        sign_and_open(&secret(), "revision-velo", Body::Listing(repair));
    }

    fn refused(edit: impl FnOnce(&mut Listing)) -> String {
        let mut l = tomme();
        edit(&mut l);
        refused_field("tomme-vaudoise", Body::Listing(l))
    }

    #[test]
    fn listing_with_no_fulfilment_option_is_refused() {
        assert_eq!(refused(|l| l.fulfilment.clear()), "body.fulfilment");
    }

    #[test]
    fn invalid_listing_fields_are_named() {
        assert_eq!(refused(|l| l.title.clear()), "body.title");
        assert_eq!(
            refused(|l| l.category = "Food.Dairy".into()),
            "body.category"
        );
        assert_eq!(
            refused(|l| l.category = "food..cheese".into()),
            "body.category"
        );
        assert_eq!(
            refused(|l| l.price.currency = "chf".into()),
            "body.price.currency"
        );
        assert_eq!(
            refused(|l| l.local_share_pct = Some(101)),
            "body.local_share_pct"
        );
        assert_eq!(
            refused(|l| l.variants[1].id = "small".into()),
            "body.variants"
        );
        assert_eq!(
            refused(|l| l.variants[0].id = "Small!".into()),
            "body.variants[0].id"
        );
        assert_eq!(
            refused(|l| l.variants[0].label.clear()),
            "body.variants[0].label"
        );
        assert_eq!(
            refused(|l| l.images = (0..9u8).map(|i| BlobId::of(&[i])).collect()),
            "body.images"
        );
        assert_eq!(
            refused(|l| l.fulfilment[2] = Fulfilment::OwnDelivery {
                postcodes: vec![],
                fee: None
            }),
            "body.fulfilment[2].postcodes"
        );
        assert_eq!(
            refused(
                |l| if let Fulfilment::Pickup { hours, .. } = &mut l.fulfilment[0] {
                    hours[0].start = 800;
                }
            ),
            "body.fulfilment[0].hours[0].end"
        );
        assert_eq!(
            refused(|l| l.lead_time_h = Some(10_000)),
            "body.lead_time_h"
        );
        assert_eq!(
            refused(|l| l.service = Some(ServiceTerms {
                duration_min: 0,
                places: vec![ServicePlace::Online]
            })),
            "body.service.duration_min"
        );
        assert_eq!(
            refused(|l| l.service = Some(ServiceTerms {
                duration_min: 60,
                places: vec![]
            })),
            "body.service.places"
        );
    }

    #[test]
    fn the_100g_unit_has_its_wire_name() {
        let bytes = crate::cbor::encode(&Unit::G100).unwrap();
        assert_eq!(bytes, crate::cbor::encode(&"100g").unwrap());
    }
}
