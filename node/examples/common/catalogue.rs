//! The realistic listing every node benchmark uses (a Vaud tomme in French and English, with
//! variants, pick-up hours and an image), so that figures from different benchmarks describe
//! the same records. Included by each example with `#[path = "common/catalogue.rs"]`.

#![allow(dead_code)]

use smartket_protocol::kinds::{
    Fulfilment, Listing, Origin, Price, TimeSlot, Unit, Variant, Weekday,
};
use smartket_protocol::record::{Payload, Record};
use smartket_protocol::{BlobId, Body, SecretKey};

/// The market the benchmarks publish in.
pub(crate) const MARKET: &str = "geneva";
/// One day in milliseconds.
pub(crate) const DAY: u64 = 24 * 60 * 60 * 1000;

/// Listing number `i` (its title, price and image vary with `i`).
pub(crate) fn listing(i: usize) -> Body {
    let text = |fr: String, en: String| [("fr".to_owned(), fr), ("en".to_owned(), en)].into();
    Body::Listing(Listing {
        title: text(
            format!("Tomme vaudoise fermière n°{i}"),
            format!("Farmhouse Vaud tomme no. {i}"),
        ),
        description: text(
            "Fromage à pâte molle au lait cru de vache, affiné trois semaines à la ferme. \
             À déguster à température ambiante, avec du pain de seigle."
                .into(),
            "Soft raw cow's milk cheese, ripened three weeks on the farm. Best at room \
             temperature with rye bread."
                .into(),
        ),
        category: "food.dairy.cheese".into(),
        price: Price {
            amount: 650 + (i as u64 % 400),
            currency: "CHF".into(),
            unit: Unit::Piece,
        },
        local_share_pct: Some(50),
        variants: vec![
            Variant {
                id: "single".into(),
                label: [("fr".to_owned(), "Pièce".to_owned())].into(),
                amount: 650,
                stock: Some(40),
            },
            Variant {
                id: "pack-3".into(),
                label: [("fr".to_owned(), "Lot de 3".to_owned())].into(),
                amount: 1800,
                stock: Some(12),
            },
        ],
        stock: Some(52),
        images: vec![BlobId::of(format!("image {i} a").as_bytes())],
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
                    start: 480,
                    end: 780,
                }],
            },
            Fulfilment::Courier,
        ],
        lead_time_h: Some(24),
        service: None,
        on_behalf_of: None,
    })
}

/// `n` listings, each by its own author (distinct slots), signed now.
pub(crate) fn sign_all(n: usize, now: u64) -> Vec<Record> {
    sign_range(0, n, n, now)
}

/// Listings `from..from + n`, spread over `authors` sellers (listing `i` by seller `i % authors`).
pub(crate) fn sign_range(from: usize, n: usize, authors: usize, now: u64) -> Vec<Record> {
    (from..from + n)
        .map(|i| {
            let mut seed = [7u8; 32];
            seed[..8].copy_from_slice(&((i % authors.max(1)) as u64).to_le_bytes());
            let payload = Payload::new(MARKET, format!("tomme-{i}"), now, 30 * DAY, listing(i));
            Record::sign(&SecretKey::from_bytes(&seed), payload)
                .unwrap_or_else(|e| panic!("listing {i} does not validate: {e}"))
        })
        .collect()
}
