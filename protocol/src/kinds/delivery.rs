//! Delivery offer: a courier's standing offer — where it delivers, for how much, when, and what
//! fits on its vehicle. Slot key: the courier's own name for the offer.
//!
//! At checkout a buyer's node matches the seller's and the buyer's postcodes (or points) against
//! the zones, the parcel against the limits, prices the delivery from the fees, and offers the
//! slots. The chosen offer's record id travels in the order.

use serde::{Deserialize, Serialize};

use crate::error::RecordError;
use crate::kinds::common::{
    GeoPoint, MAX_ZONE_POSTCODES, MultiText, TimeSlot, validate_currency, validate_postcodes,
    validate_slots, validate_text,
};
use crate::record::Payload;

/// Most zones in one offer.
pub const MAX_ZONES: usize = 16;
/// Largest radius of a zone (100 km).
pub const MAX_RADIUS_M: u32 = 100_000;

/// An area served: a set of postcodes, a circle around a point, or both (either matches).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Zone {
    /// Postcodes served (≤ 128, no duplicates; may be empty if a circle is given).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub postcodes: Vec<String>,
    /// Centre of the circle; given together with `radius_m`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub center: Option<GeoPoint>,
    /// Radius of the circle in metres (1..=100 000); given together with `center`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub radius_m: Option<u32>,
}

/// What a delivery costs: `base + per_km × km + per_kg × kg`, free above a basket amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fees {
    /// Currency of every amount below, 3 uppercase letters.
    pub currency: String,
    /// Fixed part, minor units.
    pub base: u64,
    /// Per started kilometre, minor units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_km: Option<u64>,
    /// Per started kilogram, minor units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_kg: Option<u64>,
    /// Orders whose goods total at least this many minor units are delivered free.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_above: Option<u64>,
}

/// What the courier rides or drives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Vehicle {
    /// On foot.
    OnFoot,
    /// Bicycle.
    Bike,
    /// Electric bicycle.
    EBike,
    /// Cargo bike.
    CargoBike,
    /// Motor scooter.
    Scooter,
    /// Electric van.
    EVan,
    /// Van.
    Van,
    /// Car.
    Car,
    /// Refrigerated van (cold chain).
    ColdVan,
}

/// The largest parcel the courier takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParcelLimits {
    /// Weight in grams (1..=3 500 000).
    pub max_weight_g: u32,
    /// Longest side in cm (1..=1000).
    pub max_length_cm: u16,
    /// Second side in cm (1..=1000).
    pub max_width_cm: u16,
    /// Third side in cm (1..=1000).
    pub max_height_cm: u16,
}

/// Delivery offer body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryOffer {
    /// Areas served (1..=16).
    pub zones: Vec<Zone>,
    /// Price of a delivery.
    pub fees: Fees,
    /// Weekly delivery slots (1..=42, no duplicates).
    pub slots: Vec<TimeSlot>,
    /// Vehicle used.
    pub vehicle: Vehicle,
    /// Largest parcel accepted.
    pub limits: ParcelLimits,
    /// Notes for sellers and buyers per language (≤ 1000 bytes each; may be empty).
    #[serde(
        default,
        skip_serializing_if = "MultiText::is_empty",
        deserialize_with = "crate::kinds::common::unique_text"
    )]
    pub note: MultiText,
}

impl DeliveryOffer {
    pub(crate) fn validate(&self, _payload: &Payload) -> Result<(), RecordError> {
        if self.zones.is_empty() {
            return Err(RecordError::field("body.zones", "needs at least one zone"));
        }
        if self.zones.len() > MAX_ZONES {
            return Err(RecordError::field(
                "body.zones",
                format!("more than {MAX_ZONES} zones"),
            ));
        }
        for (i, zone) in self.zones.iter().enumerate() {
            zone.validate(&format!("body.zones[{i}]"))?;
        }
        validate_currency("body.fees.currency", &self.fees.currency)?;
        if self.slots.is_empty() {
            return Err(RecordError::field("body.slots", "needs at least one slot"));
        }
        validate_slots("body.slots", &self.slots)?;
        let l = &self.limits;
        if !(1..=3_500_000).contains(&l.max_weight_g) {
            return Err(RecordError::field(
                "body.limits.max_weight_g",
                "must be 1-3500000 grams",
            ));
        }
        for (name, cm) in [
            ("max_length_cm", l.max_length_cm),
            ("max_width_cm", l.max_width_cm),
            ("max_height_cm", l.max_height_cm),
        ] {
            if !(1..=1000).contains(&cm) {
                return Err(RecordError::field(
                    format!("body.limits.{name}"),
                    "must be 1-1000 cm",
                ));
            }
        }
        validate_text("body.note", &self.note, 1000, false, true)
    }
}

impl Zone {
    /// Checks that the zone has postcodes or a circle (centre and radius together).
    pub fn validate(&self, field: &str) -> Result<(), RecordError> {
        match (&self.center, self.radius_m) {
            (Some(center), Some(radius)) => {
                center.validate(&format!("{field}.center"))?;
                if !(1..=MAX_RADIUS_M).contains(&radius) {
                    return Err(RecordError::field(
                        format!("{field}.radius_m"),
                        format!("must be 1-{MAX_RADIUS_M} metres"),
                    ));
                }
            }
            (None, None) => {}
            (Some(_), None) => {
                return Err(RecordError::field(
                    format!("{field}.radius_m"),
                    "a centre needs a radius",
                ));
            }
            (None, Some(_)) => {
                return Err(RecordError::field(
                    format!("{field}.center"),
                    "a radius needs a centre",
                ));
            }
        }
        if self.postcodes.is_empty() {
            if self.center.is_none() {
                return Err(RecordError::field(field, "needs postcodes or a circle"));
            }
            return Ok(());
        }
        validate_postcodes(
            &format!("{field}.postcodes"),
            &self.postcodes,
            MAX_ZONE_POSTCODES,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::Body;
    use crate::kinds::common::Weekday;
    use crate::kinds::common::testing::{refused_field, secret, sign_and_open};

    fn velocargo() -> DeliveryOffer {
        DeliveryOffer {
            zones: vec![
                Zone {
                    postcodes: vec!["1201".into(), "1202".into(), "1204".into(), "1205".into()],
                    center: None,
                    radius_m: None,
                },
                Zone {
                    postcodes: vec![],
                    center: Some(GeoPoint {
                        lat_e4: 462_040,
                        lon_e4: 61_430,
                    }),
                    radius_m: Some(6_000),
                },
            ],
            fees: Fees {
                currency: "CHF".into(),
                base: 700,
                per_km: Some(50),
                per_kg: None,
                free_above: Some(10_000),
            },
            slots: vec![
                TimeSlot {
                    day: Weekday::Tue,
                    start: 16 * 60,
                    end: 19 * 60,
                },
                TimeSlot {
                    day: Weekday::Fri,
                    start: 16 * 60,
                    end: 19 * 60,
                },
            ],
            vehicle: Vehicle::CargoBike,
            limits: ParcelLimits {
                max_weight_g: 40_000,
                max_length_cm: 80,
                max_width_cm: 60,
                max_height_cm: 60,
            },
            note: [(
                "fr".to_owned(),
                "Livraison à vélo cargo, emballages consignés.".to_owned(),
            )]
            .into(),
        }
    }

    #[test]
    fn a_realistic_delivery_offer_signs_and_opens() {
        sign_and_open(&secret(), "centre-ville", Body::DeliveryOffer(velocargo()));
    }

    fn refused(edit: impl FnOnce(&mut DeliveryOffer)) -> String {
        let mut d = velocargo();
        edit(&mut d);
        refused_field("centre-ville", Body::DeliveryOffer(d))
    }

    #[test]
    fn invalid_delivery_offer_fields_are_named() {
        assert_eq!(refused(|d| d.zones.clear()), "body.zones");
        assert_eq!(
            refused(|d| d.zones[1].radius_m = None),
            "body.zones[1].radius_m"
        );
        assert_eq!(
            refused(|d| d.zones[1].radius_m = Some(0)),
            "body.zones[1].radius_m"
        );
        assert_eq!(
            refused(|d| d.zones[1].center = None),
            "body.zones[1].center"
        );
        assert_eq!(
            refused(|d| d.zones[0].postcodes.push("1201".into())),
            "body.zones[0].postcodes"
        );
        assert_eq!(
            refused(|d| d.fees.currency = "CHFF".into()),
            "body.fees.currency"
        );
        assert_eq!(refused(|d| d.slots.clear()), "body.slots");
        assert_eq!(refused(|d| d.slots[0].start = 20 * 60), "body.slots[0].end");
        assert_eq!(
            refused(|d| d.limits.max_weight_g = 0),
            "body.limits.max_weight_g"
        );
        assert_eq!(
            refused(|d| d.limits.max_height_cm = 1001),
            "body.limits.max_height_cm"
        );
    }

    #[test]
    fn a_zone_with_neither_postcodes_nor_circle_is_refused() {
        assert_eq!(
            refused(|d| d.zones[1].center = None),
            "body.zones[1].center"
        );
        assert_eq!(
            refused(|d| {
                d.zones[1].center = None;
                d.zones[1].radius_m = None;
            }),
            "body.zones[1]"
        );
    }
}
