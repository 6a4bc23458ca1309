//! Properties of the record format over generated inputs: payloads survive encoding, a record
//! with any byte changed is refused, and no input whatever makes a reader panic.
//!
//! Random bytes almost never get past the envelope's signature, so the payload decoder is also
//! driven directly, the way batch verification reaches it (`Record::from_verified`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use proptest::prelude::*;
use proptest::sample::select;
use smartket_protocol::cbor::{self, Limits};
use smartket_protocol::kinds::{
    Fulfilment, Listing, Price, ServicePlace, ServiceTerms, Tombstone, Unit, Variant,
};
use smartket_protocol::record::MAX_LIFETIME_MS;
use smartket_protocol::{Body, CborError, Envelope, Kind, Payload, Record, SecretKey, Signature};

const NOW: u64 = 1_800_000_000_000;

/// One line of text in any script, no control characters, never blank.
fn line() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9àéèçüöÀÉ][^\\p{C}]{0,40}"
}

fn multitext() -> impl Strategy<Value = BTreeMap<String, String>> {
    prop::collection::btree_map("[a-z]{2,3}", line(), 1..4)
}

fn unit() -> impl Strategy<Value = Unit> {
    select(Unit::ALL.to_vec())
}

prop_compose! {
    fn listing()(
        title in multitext(),
        description in prop::collection::btree_map("[a-z]{2}", line(), 0..3),
        category in "[a-z][a-z_]{0,10}(\\.[a-z][a-z0-9_]{0,10}){0,3}",
        amount in any::<u64>(),
        currency in "[A-Z]{3}",
        unit in unit(),
        local_share_pct in prop::option::of(0u8..=100),
        variants in prop::collection::btree_map("[a-z0-9_.-]{1,32}", (multitext(), any::<u64>(), prop::option::of(any::<u32>())), 0..4),
        stock in prop::option::of(any::<u32>()),
        courier in any::<bool>(),
        fee in prop::option::of(any::<u64>()),
        lead_time_h in prop::option::of(0u32..=8784),
        service in prop::option::of((1u32..=10080, any::<bool>())),
    ) -> Listing {
        let mut fulfilment = vec![Fulfilment::OwnDelivery {
            postcodes: vec!["1204".into(), "1205".into()],
            fee,
        }];
        if courier {
            fulfilment.push(Fulfilment::Courier);
        }
        Listing {
            title,
            description,
            category,
            price: Price { amount, currency, unit },
            local_share_pct,
            variants: variants
                .into_iter()
                .map(|(id, (label, amount, stock))| Variant { id, label, amount, stock })
                .collect(),
            stock,
            images: vec![],
            origin: None,
            fulfilment,
            lead_time_h,
            service: service.map(|(duration_min, online)| ServiceTerms {
                duration_min,
                places: if online {
                    vec![ServicePlace::Online]
                } else {
                    vec![ServicePlace::AtSeller, ServicePlace::AtCustomer]
                },
            }),
            on_behalf_of: None,
        }
    }
}

fn body() -> impl Strategy<Value = Body> {
    prop_oneof![
        select(vec![
            Kind::Profile,
            Kind::Listing,
            Kind::DeliveryOffer,
            Kind::Attestation,
            Kind::Membership
        ])
        .prop_map(|target_kind| Body::Tombstone(Tombstone { target_kind })),
        listing().prop_map(Body::Listing),
    ]
}

prop_compose! {
    /// A payload that passes `Payload::validate`, with every header field varied.
    fn payload()(
        market in "[a-z][a-z0-9-]{0,31}",
        key in "[^\\p{C}/]{1,32}",
        rev in NOW - 30 * 86_400_000..NOW + 600_000,
        age in 0u64..1_000 * 86_400_000,
        lifetime in 1..=MAX_LIFETIME_MS,
        body in body(),
    ) -> Payload {
        let lifetime = if matches!(body, Body::Tombstone(_)) { MAX_LIFETIME_MS } else { lifetime };
        let mut payload = Payload::new(market, key, rev, lifetime, body);
        payload.created = rev.saturating_sub(age);
        payload
    }
}

/// Payload bytes as an envelope whose signature counts as checked, so that what follows the
/// signature check gets tested without the cost of signing every case (`Record::from_verified`
/// is the path batch verification takes).
fn as_verified(payload: Vec<u8>) -> Envelope {
    Envelope {
        payload,
        author: SecretKey::from_bytes(&[42; 32]).public(),
        signature: Signature([0; 64]),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn a_payload_decodes_to_what_was_encoded(payload in payload()) {
        prop_assume!(payload.validate().is_ok());
        let bytes = payload.encode().unwrap();
        prop_assert_eq!(&Payload::decode(&bytes).unwrap(), &payload);
        // Re-encoding what was decoded gives the signed bytes back.
        prop_assert_eq!(Payload::decode(&bytes).unwrap().encode().unwrap(), bytes);
    }

    #[test]
    fn arbitrary_bytes_never_make_a_reader_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = cbor::check(&bytes, &Limits::RECORD);
        let _ = Envelope::decode(&bytes);
        let _ = Record::open(&bytes, NOW);
        let _ = Payload::decode(&bytes);
    }

    #[test]
    fn arbitrary_payloads_past_the_signature_are_refused_without_panicking(
        bytes in prop::collection::vec(any::<u8>(), 0..1024),
    ) {
        // Well-formed or not, a random payload is never a valid record: it cannot hold
        // v = 1, a known kind and a valid body by chance.
        prop_assert!(Record::from_verified(as_verified(bytes), NOW).is_err());
    }

    #[test]
    fn mutated_payloads_past_the_signature_never_panic(
        payload in payload(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
    ) {
        prop_assume!(payload.validate().is_ok());
        let mut bytes = payload.encode().unwrap();
        for (at, value) in edits {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        let keep = cut.index(bytes.len() + 1).max(bytes.len() / 2);
        bytes.truncate(keep);
        if let Ok(record) = Record::from_verified(as_verified(bytes.clone()), payload.rev) {
            // Whatever opens is a valid record that keeps exactly the signed bytes.
            prop_assert_eq!(&record.envelope.payload, &bytes);
            prop_assert!(record.payload.validate().is_ok());
        }
    }
    #[test]
    fn every_proper_prefix_of_a_payload_is_truncated_cbor(payload in payload(), cut in any::<prop::sample::Index>()) {
        prop_assume!(payload.validate().is_ok());
        let bytes = payload.encode().unwrap();
        let cut = cut.index(bytes.len());
        prop_assert!(
            matches!(cbor::check(&bytes[..cut], &Limits::RECORD), Err(CborError::Truncated { .. })),
            "prefix of {} bytes", cut
        );
        let mut longer = bytes.clone();
        longer.push(0);
        prop_assert_eq!(
            cbor::check(&longer, &Limits::RECORD),
            Err(CborError::TrailingBytes { offset: bytes.len() })
        );
    }
}

proptest! {
    // Each case signs and verifies in a debug build; fewer cases keep the suite quick.
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn a_signed_record_opens_to_itself(payload in payload()) {
        prop_assume!(payload.validate().is_ok());
        let secret = SecretKey::from_bytes(&[7; 32]);
        let record = Record::sign(&secret, payload.clone()).unwrap();
        let opened = Record::open(&record.to_wire(), payload.rev).unwrap();
        // Signing fills in the author; everything else comes back as it went in.
        let mut expected = payload;
        expected.author = secret.public();
        prop_assert_eq!(opened.payload, expected);
        prop_assert_eq!(opened.id, record.id);
    }

    #[test]
    fn changing_any_one_byte_of_a_record_makes_it_fail(
        payload in payload(),
        position in any::<prop::sample::Index>(),
        mask in 1u8..=255,
    ) {
        prop_assume!(payload.validate().is_ok());
        let record = Record::sign(&SecretKey::from_bytes(&[7; 32]), payload.clone()).unwrap();
        let mut wire = record.to_wire();
        let i = position.index(wire.len());
        wire[i] ^= mask;
        let result = Record::open(&wire, payload.rev);
        prop_assert!(result.is_err(), "byte {} ^ {:#04x} still opens", i, mask);
    }

}

/// Every byte of one whole record changed three ways (the proptest above samples bytes of many
/// records; this covers every byte of one).
#[test]
fn every_byte_of_a_tombstone_changed_is_refused() {
    let payload = Payload::new(
        "geneva",
        "pommes-gala",
        NOW,
        MAX_LIFETIME_MS,
        Body::Tombstone(Tombstone {
            target_kind: Kind::Listing,
        }),
    );
    let wire = Record::sign(&SecretKey::from_bytes(&[42; 32]), payload)
        .unwrap()
        .to_wire();
    assert!(Record::open(&wire, NOW).is_ok());
    for i in 0..wire.len() {
        for mask in [0x01, 0x10, 0x80] {
            let mut changed = wire.clone();
            changed[i] ^= mask;
            assert!(
                Record::open(&changed, NOW).is_err(),
                "byte {i} ^ {mask:#04x} still opens"
            );
        }
    }
}
