//! Record bodies for the search tests and the search benchmark. The caller gives what the index
//! reads and every other field is fixed here, so a change in a kind's shape is made once and
//! the benchmark times records of the shape the tests check.
//!
//! Compiled into the crate for its tests only (`#[cfg(test)]` in `search.rs`) and included by
//! `examples/search_bench.rs` with `#[path]`, as `examples/common/catalogue.rs` is shared by the
//! benchmarks: a cargo feature would add these builders to the crate's public API and make the
//! benchmark build only with `--features`. It therefore uses nothing but `smartket_protocol`,
//! which the crate and its examples both name the same way.

use smartket_protocol::Body;
use smartket_protocol::kinds::{
    Attestation, DeliveryOffer, Fees, Fulfilment, GeoPoint, LegalForm, Listing, MultiText,
    ParcelLimits, PaymentMeans, Price, Profile, Role, ServicePlace, ServiceTerms, Subject,
    TimeSlot, Vehicle, Weekday, Zone,
};

/// Text from `(language, text)` pairs; the texts may be borrowed or built.
pub(crate) fn text(pairs: &[(&str, impl AsRef<str>)]) -> MultiText {
    pairs
        .iter()
        .map(|(lang, value)| ((*lang).to_owned(), value.as_ref().to_owned()))
        .collect()
}

/// A company's profile: what listings' documents copy from it (name, roles, point, payment
/// means) and the postcode of its address.
pub(crate) fn profile(
    name: &str,
    roles: Vec<Role>,
    postcode: &str,
    point: GeoPoint,
    payment: Vec<PaymentMeans>,
) -> Body {
    Body::Profile(Profile {
        roles,
        legal_form: LegalForm::Company,
        company_id: None,
        name: text(&[("fr", name)]),
        description: MultiText::new(),
        address: None,
        postcode: Some(postcode.into()),
        point: Some(point),
        hours: Vec::new(),
        contact: None,
        logo: None,
        payment,
        enc_key: [7; 32],
        languages: vec!["fr".into()],
        labels: Vec::new(),
    })
}

/// A listing without a description. One without fulfilment is a service at the seller's, since
/// a listing must offer one or the other.
pub(crate) fn listing(
    title: MultiText,
    category: &str,
    price: Price,
    stock: Option<u32>,
    fulfilment: Vec<Fulfilment>,
) -> Listing {
    let service = fulfilment.is_empty().then(|| ServiceTerms {
        duration_min: 60,
        places: vec![ServicePlace::AtSeller],
    });
    Listing {
        title,
        description: MultiText::new(),
        category: category.into(),
        price,
        local_share_pct: None,
        variants: Vec::new(),
        stock,
        images: Vec::new(),
        origin: None,
        fulfilment,
        lead_time_h: None,
        service,
        on_behalf_of: None,
    }
}

/// A courier's delivery offer: the index reads only its zones; the rest is a cargo bike on
/// Fridays for CHF 9.
pub(crate) fn delivery_offer(zones: Vec<Zone>) -> Body {
    Body::DeliveryOffer(DeliveryOffer {
        zones,
        fees: Fees {
            currency: "CHF".into(),
            base: 900,
            per_km: None,
            per_kg: None,
            free_above: None,
        },
        slots: vec![TimeSlot {
            day: Weekday::Fri,
            start: 600,
            end: 900,
        }],
        vehicle: Vehicle::CargoBike,
        limits: ParcelLimits {
            max_weight_g: 50_000,
            max_length_cm: 100,
            max_width_cm: 60,
            max_height_cm: 60,
        },
        note: MultiText::new(),
    })
}

/// A label about `subject` without evidence; the index keeps it only while
/// `valid_from..valid_until` holds the indexing time.
pub(crate) fn attestation(
    subject: Subject,
    label: &str,
    valid_from: u64,
    valid_until: u64,
) -> Attestation {
    Attestation {
        subject,
        label: label.into(),
        valid_from,
        valid_until,
        evidence: None,
    }
}
