//! One valid record of every kind, from a small Geneva market: a fruit farm in Jussy (profile
//! and listing), a cargo-bike courier (delivery offer), a regional-label body (attestation), and
//! a bike workshop that lets a craftspeople's co-op publish for it (membership, and the co-op's
//! service listing on its behalf). Names and addresses are invented; postcodes, coordinates, the
//! GRTA label and the Léman currency are the region's real ones.

use std::collections::BTreeMap;

use smartket_protocol::kinds::{
    Address, Attestation, Contact, DeliveryOffer, Fees, Fulfilment, GeoPoint, LabelDefinition,
    LegalForm, Listing, Membership, MultiText, Origin, PROFILE_KEY, ParcelLimits, PaymentMeans,
    Price, Profile, Role, Scope, ServicePlace, ServiceTerms, Subject, TimeSlot, Unit, Variant,
    Vehicle, Weekday, Zone, countersign_input,
};
use smartket_protocol::{BlobId, Body, EncryptionKey, Payload, SecretKey};

use crate::build::{
    InvalidVector, NOW, PRODUCER, ValidVector, invalid, invalid_field, sign_raw, signed_fields,
    valid_typed, with, without,
};
use crate::json::Json;

const HOUR: u64 = 60 * 60 * 1000;
const DAY: u64 = 24 * HOUR;

/// The cargo-bike courier.
pub(crate) const COURIER: [u8; 32] = [43; 32];
/// The regional-label body.
pub(crate) const CERTIFIER: [u8; 32] = [44; 32];
/// The craftspeople's co-op (a sector platform).
pub(crate) const PLATFORM: [u8; 32] = [45; 32];
/// The bike workshop, a member of the co-op.
pub(crate) const WORKSHOP: [u8; 32] = [46; 32];

fn text(pairs: &[(&str, &str)]) -> MultiText {
    pairs
        .iter()
        .map(|(lang, t)| ((*lang).to_owned(), (*t).to_owned()))
        .collect()
}

fn slot(day: Weekday, start_h: u16, start_m: u16, end_h: u16, end_m: u16) -> TimeSlot {
    TimeSlot {
        day,
        start: start_h * 60 + start_m,
        end: end_h * 60 + end_m,
    }
}

fn payload(key: &str, rev: u64, created: u64, lifetime: u64, body: Body) -> Payload {
    let mut payload = Payload::new("geneva", key, rev, lifetime, body);
    payload.created = created;
    payload
}

fn public(secret: &[u8; 32]) -> smartket_protocol::AuthorKey {
    SecretKey::from_bytes(secret).public()
}

/// The farm's profile; `enc_key` is the X25519 key its private messages are sealed to.
pub(crate) fn farm_profile(enc_key: [u8; 32]) -> Profile {
    Profile {
        roles: vec![Role::Producer, Role::Shop],
        legal_form: LegalForm::Company,
        company_id: Some("CHE-109.452.136".into()),
        name: text(&[("fr", "Ferme de la Touvière"), ("en", "Touvière Farm")]),
        description: text(&[
            (
                "fr",
                "Pommes, poires et jus de pomme de Jussy, en production intégrée.\n\
                 Vente à la ferme le mercredi et le samedi.",
            ),
            (
                "en",
                "Apples, pears and apple juice from Jussy.\nFarm shop on Wednesdays and Saturdays.",
            ),
        ]),
        address: Some(Address {
            street: "Chemin de la Touvière 7".into(),
            postcode: "1254".into(),
            locality: "Jussy".into(),
            country: "CH".into(),
        }),
        postcode: Some("1254".into()),
        point: Some(GeoPoint {
            lat_e4: 462_360,
            lon_e4: 62_690,
        }),
        hours: vec![
            slot(Weekday::Wed, 14, 0, 18, 30),
            slot(Weekday::Sat, 8, 0, 12, 0),
        ],
        contact: Some(Contact {
            email: Some("bonjour@touviere.example".into()),
            phone: Some("+41 22 759 10 10".into()),
            website: Some("https://touviere.example".into()),
        }),
        logo: Some(BlobId::of(b"touviere-logo.png")),
        payment: vec![
            PaymentMeans::CashOnPickup,
            PaymentMeans::CardOnPickup,
            PaymentMeans::BankTransfer {
                iban: "CH9300762011623852957".into(),
                holder: "Ferme de la Touvière Sàrl".into(),
            },
            PaymentMeans::LocalCurrency {
                currency: "LEM".into(),
                wallet: None,
                share_pct: 100,
            },
        ],
        enc_key,
        languages: vec!["fr".into(), "en".into()],
        labels: Vec::new(),
    }
}

/// The certifier's profile: it defines the label code its attestations carry (the
/// `attestation` vector's `regional.grta`) and one more, so readers can show them by name.
pub(crate) fn certifier_profile(enc_key: [u8; 32]) -> Profile {
    let mut profile = farm_profile(enc_key);
    profile.roles = vec![Role::Certifier];
    profile.name = text(&[
        ("fr", "Label régional Genève"),
        ("en", "Geneva regional label"),
    ]);
    profile.description = text(&[("fr", "Certifie l'origine genevoise des produits.")]);
    profile.logo = None;
    profile.payment = Vec::new();
    profile.labels = vec![
        LabelDefinition {
            code: "regional.grta".into(),
            name: text(&[
                ("fr", "Genève Région – Terre Avenir"),
                ("en", "Geneva Region – Land of the Future"),
            ]),
            description: text(&[(
                "fr",
                "Produit à Genève et dans sa région, traçable, en conditions de travail équitables.",
            )]),
            url: Some("https://label.example/grta".into()),
        },
        LabelDefinition {
            code: "bio".into(),
            name: text(&[("fr", "Bio"), ("en", "Organic")]),
            description: MultiText::new(),
            url: None,
        },
    ];
    profile
}

/// Gala apples by the kilo, in two variants, with pick-up, courier and own delivery.
pub(crate) fn apples() -> Listing {
    Listing {
        title: text(&[("fr", "Pommes Gala"), ("en", "Gala apples")]),
        description: text(&[
            (
                "fr",
                "Croquantes et sucrées, cueillies en septembre, conservées en chambre froide.",
            ),
            (
                "en",
                "Crisp and sweet, picked in September, kept in cold storage.",
            ),
        ]),
        category: "food.fruit".into(),
        price: Price {
            amount: 420,
            currency: "CHF".into(),
            unit: Unit::Kg,
        },
        local_share_pct: Some(50),
        variants: vec![
            Variant {
                id: "sachet-2kg".into(),
                label: text(&[("fr", "Sachet de 2 kg"), ("en", "2 kg bag")]),
                amount: 800,
                stock: Some(40),
            },
            Variant {
                id: "cageot-10kg".into(),
                label: text(&[("fr", "Cageot de 10 kg"), ("en", "10 kg crate")]),
                amount: 3500,
                stock: Some(12),
            },
        ],
        stock: None,
        images: vec![BlobId::of(b"pommes-gala-1.jpg")],
        origin: Some(Origin {
            text: "Verger de la Touvière, Jussy".into(),
            postcode: Some("1254".into()),
        }),
        fulfilment: vec![
            Fulfilment::Pickup {
                place: "Ferme de la Touvière, Chemin de la Touvière 7, Jussy".into(),
                postcode: "1254".into(),
                hours: vec![
                    slot(Weekday::Wed, 14, 0, 18, 30),
                    slot(Weekday::Sat, 8, 0, 12, 0),
                ],
            },
            Fulfilment::Courier,
            Fulfilment::OwnDelivery {
                postcodes: vec!["1254".into(), "1253".into(), "1225".into(), "1226".into()],
                fee: Some(600),
            },
        ],
        lead_time_h: Some(24),
        service: None,
        on_behalf_of: None,
    }
}

/// A bike service the co-op lists for its member workshop.
pub(crate) fn bike_service() -> Listing {
    Listing {
        title: text(&[
            ("fr", "Révision complète de vélo"),
            ("en", "Full bike service"),
        ]),
        description: text(&[(
            "fr",
            "Freins, transmission, roues et réglages. Vélo rendu le jour même.",
        )]),
        category: "services.bike_repair".into(),
        price: Price {
            amount: 9500,
            currency: "CHF".into(),
            unit: Unit::Session,
        },
        local_share_pct: Some(100),
        variants: vec![],
        stock: None,
        images: vec![],
        origin: None,
        fulfilment: vec![],
        lead_time_h: Some(48),
        service: Some(ServiceTerms {
            duration_min: 120,
            places: vec![ServicePlace::AtSeller],
        }),
        on_behalf_of: Some(public(&WORKSHOP)),
    }
}

/// The courier's city-centre offer.
pub(crate) fn city_centre_delivery() -> DeliveryOffer {
    DeliveryOffer {
        zones: vec![
            Zone {
                postcodes: [
                    "1201", "1202", "1203", "1204", "1205", "1206", "1207", "1208",
                ]
                .map(String::from)
                .to_vec(),
                center: None,
                radius_m: None,
            },
            Zone {
                postcodes: vec![],
                center: Some(GeoPoint {
                    lat_e4: 462_100,
                    lon_e4: 61_420,
                }),
                radius_m: Some(4_000),
            },
        ],
        fees: Fees {
            currency: "CHF".into(),
            base: 800,
            per_km: Some(60),
            per_kg: None,
            free_above: Some(12_000),
        },
        slots: vec![
            slot(Weekday::Tue, 16, 0, 19, 0),
            slot(Weekday::Thu, 16, 0, 19, 0),
            slot(Weekday::Sat, 9, 0, 12, 0),
        ],
        vehicle: Vehicle::CargoBike,
        limits: ParcelLimits {
            max_weight_g: 50_000,
            max_length_cm: 80,
            max_width_cm: 60,
            max_height_cm: 60,
        },
        note: text(&[
            (
                "fr",
                "Livraison en vélo cargo électrique. Caisses consignées.",
            ),
            ("en", "Delivered by electric cargo bike. Returnable crates."),
        ]),
    }
}

/// The label body's statement that the farm carries the regional label.
pub(crate) fn regional_label() -> Attestation {
    Attestation {
        subject: Subject::Actor {
            key: public(&PRODUCER),
        },
        label: "regional.grta".into(),
        valid_from: NOW - 120 * DAY,
        valid_until: NOW + 245 * DAY,
        evidence: Some("https://label.example/registre/touviere".into()),
    }
}

/// The workshop lets the co-op relay its records and publish listings for it until `until`.
pub(crate) fn workshop_membership(until: u64) -> Membership {
    let scope = vec![Scope::Relay, Scope::Publish];
    let platform_sig = Membership::countersign(
        &SecretKey::from_bytes(&PLATFORM),
        "geneva",
        &public(&WORKSHOP),
        &scope,
        until,
    )
    .expect("valid market id");
    Membership {
        platform: public(&PLATFORM),
        scope,
        until,
        platform_sig,
    }
}

/// One valid vector of every kind but the tombstone (see `build::valid_tombstones`).
/// `enc_seed` derives the farm's X25519 key (`EncryptionKey::from_seed`), published as its
/// profile's `enc_key`.
pub(crate) fn valid_kinds(enc_seed: [u8; 32]) -> Vec<ValidVector> {
    let enc_key = EncryptionKey::from_seed(&enc_seed).public().0;
    let mut profile = valid_typed(
        "profile",
        "The fruit farm's profile in slot (farm, profile, \"profile\"): a producer and shop, so \
         postcode and coarse point are required; payment by cash, card, bank transfer (IBAN \
         with checksum) and up to 100 % in Léman (LEM). enc_key is the X25519 key sealed \
         messages to the farm use, derived from derived.enc_seed (RFC 9180 DeriveKeyPair).",
        &PRODUCER,
        &payload(
            PROFILE_KEY,
            NOW - 3 * DAY,
            NOW - 400 * DAY,
            60 * DAY,
            Body::Profile(farm_profile(enc_key)),
        ),
        NOW,
    );
    profile
        .derived
        .insert("enc_seed".into(), hex::encode(enc_seed));

    let attestation = regional_label();
    let mut attestation_vector = valid_typed(
        "attestation",
        "A regional-label body ([44; 32]) attests that the farm carries the GRTA label for a \
         year. The slot key must be <label>/<subject digest>; derived.subject_digest is \
         blake3(\"smartket/attestation-subject/v1\" || 0x00 || 0x01 || farm key)[..16] in hex.",
        &CERTIFIER,
        &payload(
            &attestation.slot_key(),
            NOW - 10 * DAY,
            NOW - 120 * DAY,
            60 * DAY,
            Body::Attestation(attestation.clone()),
        ),
        NOW,
    );
    attestation_vector
        .derived
        .insert("subject_digest".into(), attestation.subject.digest_hex());

    let until = NOW + 180 * DAY;
    let membership = workshop_membership(until);
    let mut membership_vector = valid_typed(
        "membership",
        "The bike workshop ([46; 32]) authorises the craftspeople's co-op ([45; 32]) to relay \
         its records and publish listings on its behalf. The slot key is the platform key in \
         hex; platform_sig is the co-op's ed25519 signature over derived.countersign_input \
         (\"smartket/membership/v1\" || 0x00 || len(market) || market || member || platform || \
         scope byte || until as u64 big-endian).",
        &WORKSHOP,
        &payload(
            &membership.slot_key(),
            NOW - 5 * DAY,
            NOW - 5 * DAY,
            60 * DAY,
            Body::Membership(membership.clone()),
        ),
        NOW,
    );
    membership_vector.derived = BTreeMap::from([
        ("platform_secret_key".into(), hex::encode(PLATFORM)),
        (
            "countersign_input".into(),
            hex::encode(countersign_input(
                "geneva",
                &public(&WORKSHOP),
                &membership.platform,
                &membership.scope,
                until,
            )),
        ),
    ]);

    vec![
        profile,
        valid_typed(
            "listing",
            "Gala apples by the kilo from the farm, CHF 4.20/kg with 50 % payable in Léman, two \
             variants, pick-up at the farm, any courier, or the farm's own delivery. Lives 30 \
             days.",
            &PRODUCER,
            &payload(
                "pommes-gala",
                NOW - 2 * DAY,
                NOW - 30 * DAY,
                30 * DAY,
                Body::Listing(apples()),
            ),
            NOW,
        ),
        valid_typed(
            "listing_service_on_behalf",
            "A service (a two-hour bike service at the workshop) listed by the co-op ([45; 32]) \
             on behalf of its member workshop ([46; 32]): a service needs no fulfilment option. \
             Whether a live membership allows it is the node's check, not the record's.",
            &PLATFORM,
            &payload(
                "atelier-paquis/revision-complete",
                NOW - 4 * DAY,
                NOW - 4 * DAY,
                30 * DAY,
                Body::Listing(bike_service()),
            ),
            NOW,
        ),
        valid_typed(
            "delivery_offer",
            "A cargo-bike courier ([43; 32]) delivers in Geneva's city-centre postcodes and \
             within 4 km of Cornavin: CHF 8 + 0.60/km, free from CHF 120, three weekly slots, \
             parcels up to 50 kg and 80 x 60 x 60 cm.",
            &COURIER,
            &payload(
                "centre-ville",
                NOW - 6 * HOUR,
                NOW - 90 * DAY,
                14 * DAY,
                Body::DeliveryOffer(city_centre_delivery()),
            ),
            NOW,
        ),
        attestation_vector,
        valid_typed(
            "profile_with_label_definitions",
            "The certifier's ([44; 32]) profile defining two label codes: regional.grta (the \
             `attestation` vector's label: name in French and English, an explanation, the \
             rules' https address) and bio (a name only). Readers name an attestation's label \
             from its author's definitions only. enc_key is derived from [44; 32] as the \
             farm's is from its seed.",
            &CERTIFIER,
            &payload(
                PROFILE_KEY,
                NOW - 5 * DAY,
                NOW - 200 * DAY,
                60 * DAY,
                Body::Profile(certifier_profile(
                    EncryptionKey::from_seed(&CERTIFIER).public().0,
                )),
            ),
            NOW,
        ),
        membership_vector,
    ]
}

/// `fields` with the body entry `key` set to `value`.
fn with_body(fields: &Json, key: &str, value: Json) -> Json {
    let body = with(&entry(fields, "body"), key, value);
    with(fields, "body", body)
}

/// The entry `key` of a JSON object.
fn entry(fields: &Json, key: &str) -> Json {
    match fields {
        Json::Object(entries) => entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no entry {key}")),
        _ => panic!("not an object"),
    }
}

/// The `fields` of the valid vector `name`.
fn fields_of(valid: &[ValidVector], name: &str) -> Json {
    valid
        .iter()
        .find(|v| v.name == name)
        .map(|v| v.fields.clone())
        .unwrap_or_else(|| panic!("no valid vector {name}"))
}

/// Records of the other kinds that break one of the kind's own rules. Each starts from the
/// `fields` of a valid vector of `valid_kinds` (so its author, key and times are right) and
/// changes one thing, and is signed by that vector's author: the one fault is the only reason
/// to refuse it, and the field it names is the field of that fault.
pub(crate) fn invalid_kinds(valid: &[ValidVector]) -> Vec<InvalidVector> {
    let listing = fields_of(valid, "listing");
    let profile = fields_of(valid, "profile");
    let body = entry(&listing, "body");
    let signed_by = |secret: &[u8; 32], fields: &Json| {
        sign_raw(&SecretKey::from_bytes(secret), fields.to_cbor_bytes()).encode()
    };
    let mut out = vec![
        invalid_field(
            "listing_currency_lowercase",
            "The `listing` vector with price.currency \"chf\" (currency codes are 3 upper-case \
             letters).",
            signed_fields(&with_body(
                &listing,
                "price",
                with(&entry(&body, "price"), "currency", Json::Text("chf".into())),
            )),
            NOW,
            "body.price.currency",
        ),
        invalid(
            "listing_without_title",
            "The `listing` vector without body.title (a required field).",
            signed_fields(&with(&listing, "body", without(&body, "title"))),
            NOW,
            "schema",
        ),
        invalid_field(
            "listing_without_fulfilment",
            "The `listing` vector without any fulfilment option: goods need one.",
            signed_fields(&with(&listing, "body", without(&body, "fulfilment"))),
            NOW,
            "body.fulfilment",
        ),
        invalid(
            "listing_with_profile_body",
            "kind \"listing\" with the `profile` vector's body.",
            signed_fields(&with(&listing, "body", entry(&profile, "body"))),
            NOW,
            "schema",
        ),
        invalid(
            "listing_amount_negative",
            "The `listing` vector with price.amount -420 (amounts are unsigned minor units).",
            signed_fields(&with_body(
                &listing,
                "price",
                with(&entry(&body, "price"), "amount", Json::Int(-420)),
            )),
            NOW,
            "schema",
        ),
        invalid_field(
            "profile_in_another_slot",
            "The `profile` vector with slot key \"shop\" (a profile's key is always \"profile\").",
            signed_fields(&with(&profile, "key", Json::Text("shop".into()))),
            NOW,
            "key",
        ),
        invalid(
            "profile_name_language_twice",
            "The `profile` vector with body.name holding \"fr\" twice (\"fr\", \"en\", \"fr\"): a \
             language map, like every fixed-shape map, holds each key once.",
            signed_fields(&with_body(
                &profile,
                "name",
                Json::Object(vec![
                    ("fr".into(), Json::Text("Ferme de la Touvière".into())),
                    ("en".into(), Json::Text("Touvière Farm".into())),
                    ("fr".into(), Json::Text("Ferme Touvière".into())),
                ]),
            )),
            NOW,
            "schema",
        ),
        invalid_field(
            "profile_bad_iban_checksum",
            "The `profile` vector with the last IBAN digit changed (mod-97 checksum).",
            {
                let Json::Bytes(enc_key) = entry(&entry(&profile, "body"), "enc_key") else {
                    panic!("enc_key is a byte string")
                };
                let mut p = farm_profile(enc_key.try_into().expect("32 bytes"));
                if let PaymentMeans::BankTransfer { iban, .. } = &mut p.payment[2] {
                    *iban = "CH9300762011623852958".into();
                }
                signed_fields(&with(&profile, "body", Json::of(&p)))
            },
            NOW,
            "body.payment[2].iban",
        ),
    ];

    let certifier = fields_of(valid, "profile_with_label_definitions");
    let certifier_body = |change: fn(&mut Profile)| {
        let mut p = certifier_profile(EncryptionKey::from_seed(&CERTIFIER).public().0);
        change(&mut p);
        signed_by(&CERTIFIER, &with(&certifier, "body", Json::of(&p)))
    };
    out.push(invalid_field(
        "profile_label_defined_twice",
        "The `profile_with_label_definitions` vector with its second definition's code also \
         regional.grta: an issuer defines each of its codes once.",
        certifier_body(|p| p.labels[1].code = "regional.grta".into()),
        NOW,
        "body.labels",
    ));
    out.push(invalid_field(
        "profile_label_rules_not_https",
        "The `profile_with_label_definitions` vector with the first label's url \
         http://label.example/grta (a label's rules are published over https only).",
        certifier_body(|p| p.labels[0].url = Some("http://label.example/grta".into())),
        NOW,
        "body.labels[0].url",
    ));

    let attestation = fields_of(valid, "attestation");
    out.push(invalid_field(
        "attestation_in_another_slot",
        "The `attestation` vector with slot key \"regional.grta\" instead of \
         <label>/<subject digest>.",
        signed_by(
            &CERTIFIER,
            &with(&attestation, "key", Json::Text("regional.grta".into())),
        ),
        NOW,
        "key",
    ));

    let membership = fields_of(valid, "membership");
    let Json::Int(until) = entry(&entry(&membership, "body"), "until") else {
        panic!("until is an integer")
    };
    out.push(invalid_field(
        "membership_countersignature_for_other_until",
        "The `membership` vector with body.until one millisecond later than the co-op \
         countersigned: the record signature is valid, the countersignature is not.",
        signed_by(
            &WORKSHOP,
            &with_body(&membership, "until", Json::Int(until + 1)),
        ),
        NOW,
        "body.platform_sig",
    ));
    out.push(invalid_field(
        "membership_signed_by_the_platform",
        "The `membership` vector authored (payload author and signature) by the co-op itself: \
         a platform cannot be its own member.",
        signed_by(
            &PLATFORM,
            &with(
                &membership,
                "author",
                Json::Bytes(public(&PLATFORM).0.to_vec()),
            ),
        ),
        NOW,
        "body.platform",
    ));
    out
}
