//! Search over a small seeded Geneva catalogue in French and English: real signed records,
//! ingested into a real redb store, whose events feed a real index in a temp dir.

use std::path::{Path, PathBuf};

use smartket_protocol::kinds::{
    Attestation, DeliveryOffer, Fees, Fulfilment, GeoPoint, LegalForm, Listing, MultiText,
    PROFILE_KEY, ParcelLimits, PaymentMeans, Price, Profile, Role, ServicePlace, ServiceTerms,
    Subject, TimeSlot, Unit, Vehicle, Weekday, Zone,
};
use smartket_protocol::market::Market;
use smartket_protocol::{Body, Kind, Record};
use tempfile::TempDir;
use tokio::sync::broadcast;

use super::*;
use crate::ingest::{Ingest, Source, Verdict};
use crate::store::fixtures::{DAY, author, now, signed, temp_store, tombstone};

const FROMAGERIE: u8 = 1;
const VERGER: u8 = 2;
const VELO: u8 = 3;
const POTIER: u8 = 4;
const COURIER: u8 = 5;
const UNTRUSTED: u8 = 8;
const CERTIFIER: u8 = 9;

const PLAINPALAIS: GeoPoint = GeoPoint {
    lat_e4: 461_975,
    lon_e4: 61_420,
};
const JUSSY: GeoPoint = GeoPoint {
    lat_e4: 462_350,
    lon_e4: 62_670,
};
const CAROUGE: GeoPoint = GeoPoint {
    lat_e4: 461_840,
    lon_e4: 61_390,
};
const VERSOIX: GeoPoint = GeoPoint {
    lat_e4: 462_840,
    lon_e4: 61_630,
};

fn geneva() -> Market {
    match Market::from_toml(include_str!("../../../examples/geneva/market.toml")) {
        Ok(market) => market,
        Err(e) => panic!("the Geneva config does not load: {e}"),
    }
}

fn text(pairs: &[(&str, &str)]) -> MultiText {
    pairs
        .iter()
        .map(|(lang, value)| ((*lang).to_owned(), (*value).to_owned()))
        .collect()
}

fn profile(name: &str, roles: Vec<Role>, point: GeoPoint, payment: Vec<PaymentMeans>) -> Body {
    Body::Profile(Profile {
        roles,
        legal_form: LegalForm::Company,
        company_id: None,
        name: text(&[("fr", name)]),
        description: MultiText::new(),
        address: None,
        postcode: Some("1205".into()),
        point: Some(point),
        hours: Vec::new(),
        contact: None,
        logo: None,
        payment,
        enc_key: [7; 32],
        languages: vec!["fr".into()],
    })
}

struct Item {
    titles: &'static [(&'static str, &'static str)],
    category: &'static str,
    amount: u64,
    unit: Unit,
    stock: Option<u32>,
    fulfilment: Vec<Fulfilment>,
}

fn pickup(postcode: &str) -> Fulfilment {
    Fulfilment::Pickup {
        place: "Marché".into(),
        postcode: postcode.into(),
        hours: Vec::new(),
    }
}

fn listing(item: Item) -> Body {
    let service = item.fulfilment.is_empty().then(|| ServiceTerms {
        duration_min: 60,
        places: vec![ServicePlace::AtSeller],
    });
    Body::Listing(Listing {
        title: text(item.titles),
        description: MultiText::new(),
        category: item.category.into(),
        price: Price {
            amount: item.amount,
            currency: "CHF".into(),
            unit: item.unit,
        },
        local_share_pct: None,
        variants: Vec::new(),
        stock: item.stock,
        images: Vec::new(),
        origin: None,
        fulfilment: item.fulfilment,
        lead_time_h: None,
        service,
        on_behalf_of: None,
    })
}

fn attestation(issuer: u8, subject: Subject, label: &str, rev: u64) -> Record {
    let body = Attestation {
        subject,
        label: label.into(),
        valid_from: rev - DAY,
        valid_until: rev + 30 * DAY,
        evidence: None,
    };
    signed(issuer, &body.slot_key(), rev, DAY, Body::Attestation(body))
}

fn about_listing(n: u8, key: &str) -> Subject {
    Subject::Listing {
        author: author(n),
        key: key.into(),
    }
}

/// A store, its ingest pipeline, and an index fed by the pipeline's events.
struct Catalogue {
    dir: TempDir,
    ingest: Ingest,
    events: broadcast::Receiver<crate::ingest::StoreEvent>,
    index: Option<SearchIndex>,
    market: Market,
    t: u64,
}

impl Catalogue {
    fn new() -> Catalogue {
        let (dir, store) = temp_store();
        let market = geneva();
        let ingest = Ingest::new(store, vec![market.clone()]);
        let events = ingest.subscribe();
        let mut catalogue = Catalogue {
            dir,
            ingest,
            events,
            index: None,
            market,
            t: now() - 3600 * 1000,
        };
        catalogue.reopen();
        catalogue
    }

    fn search_dir(&self) -> PathBuf {
        self.dir.path().join("search")
    }

    /// Drops the index and opens it again, returning the rebuild reports heard.
    fn reopen(&mut self) -> Vec<RebuildProgress> {
        self.index = None;
        let mut reports = Vec::new();
        let opened = SearchIndex::open(
            &self.search_dir(),
            self.ingest.store().clone(),
            std::slice::from_ref(&self.market),
            &mut |p| reports.push(p.clone()),
        );
        match opened {
            Ok(index) => self.index = Some(index),
            Err(e) => panic!("the index does not open: {e}"),
        }
        reports
    }

    fn index(&self) -> &SearchIndex {
        match &self.index {
            Some(index) => index,
            None => panic!("index closed"),
        }
    }

    /// A fresh revision time, increasing.
    fn rev(&mut self) -> u64 {
        self.t += 1000;
        self.t
    }

    fn sign(&mut self, n: u8, key: &str, body: Body) -> Record {
        let rev = self.rev();
        signed(n, key, rev, DAY, body)
    }

    /// Ingests the records and applies the resulting events to the index.
    fn ingest(&mut self, records: Vec<Record>) {
        let wires = records.iter().map(Record::to_wire).collect();
        for verdict in self.ingest.ingest(Source::Local, "geneva", wires, now()) {
            assert!(matches!(verdict, Verdict::Accepted(_)), "{verdict:?}");
        }
        self.flush();
    }

    fn flush(&mut self) {
        let mut events = Vec::new();
        while let Ok(event) = self.events.try_recv() {
            events.push(event);
        }
        if let Err(e) = self.index().apply(&events) {
            panic!("applying events failed: {e}");
        }
    }

    fn seed(&mut self) {
        let lem = PaymentMeans::LocalCurrency {
            currency: "LEM".into(),
            wallet: None,
            share_pct: 100,
        };
        let records = vec![
            self.sign(
                FROMAGERIE,
                PROFILE_KEY,
                profile(
                    "Fromagerie des Bastions",
                    vec![Role::Producer, Role::Shop],
                    PLAINPALAIS,
                    vec![PaymentMeans::CashOnPickup, lem],
                ),
            ),
            self.sign(
                VERGER,
                PROFILE_KEY,
                profile(
                    "Verger de Jussy",
                    vec![Role::Producer],
                    JUSSY,
                    vec![PaymentMeans::CardOnPickup],
                ),
            ),
            self.sign(
                VELO,
                PROFILE_KEY,
                profile(
                    "Atelier Vélo",
                    vec![Role::ServiceProvider],
                    CAROUGE,
                    Vec::new(),
                ),
            ),
            self.sign(
                POTIER,
                PROFILE_KEY,
                profile("Fromagerie du Lac", vec![Role::Shop], VERSOIX, Vec::new()),
            ),
            self.sign(
                FROMAGERIE,
                "gruyere",
                listing(Item {
                    titles: &[
                        ("fr", "Gruyère d'alpage AOP"),
                        ("en", "Alpine Gruyère cheese"),
                    ],
                    category: "food.dairy.cheese",
                    amount: 2450,
                    unit: Unit::Kg,
                    stock: Some(8),
                    fulfilment: vec![
                        pickup("1205"),
                        Fulfilment::OwnDelivery {
                            postcodes: vec!["1204".into(), "1205".into()],
                            fee: None,
                        },
                    ],
                }),
            ),
            self.sign(
                FROMAGERIE,
                "tomme",
                listing(Item {
                    titles: &[("fr", "Tomme vaudoise"), ("en", "Tomme from Vaud")],
                    category: "food.dairy.cheese",
                    amount: 650,
                    unit: Unit::Piece,
                    stock: None,
                    fulfilment: vec![pickup("1205")],
                }),
            ),
            self.sign(
                FROMAGERIE,
                "lait",
                listing(Item {
                    titles: &[("fr", "Lait entier de la ferme"), ("en", "Whole farm milk")],
                    category: "food.dairy.milk",
                    amount: 180,
                    unit: Unit::Litre,
                    stock: Some(0),
                    fulfilment: vec![pickup("1205")],
                }),
            ),
            self.sign(
                VERGER,
                "pommes",
                listing(Item {
                    titles: &[("fr", "Pommes Gala"), ("en", "Gala apples")],
                    category: "food.fruit",
                    amount: 450,
                    unit: Unit::Kg,
                    stock: None,
                    fulfilment: vec![Fulfilment::Courier],
                }),
            ),
            self.sign(
                VERGER,
                "jus",
                listing(Item {
                    titles: &[
                        ("fr", "Jus de pomme artisanal"),
                        ("en", "Craft apple juice"),
                    ],
                    category: "food.drinks.cider_juice",
                    amount: 600,
                    unit: Unit::Bottle,
                    stock: None,
                    fulfilment: vec![Fulfilment::Courier, pickup("1254")],
                }),
            ),
            self.sign(
                VELO,
                "revision",
                listing(Item {
                    titles: &[("en", "Bike repair and tune-up")],
                    category: "services.bike_repair",
                    amount: 8000,
                    unit: Unit::Session,
                    stock: None,
                    fulfilment: Vec::new(),
                }),
            ),
            self.sign(
                POTIER,
                "plateau",
                listing(Item {
                    titles: &[("fr", "Plateau en céramique")],
                    category: "crafts.ceramics",
                    amount: 3500,
                    unit: Unit::Piece,
                    stock: None,
                    fulfilment: vec![pickup("1290")],
                }),
            ),
            self.sign(
                COURIER,
                "velocargo",
                Body::DeliveryOffer(DeliveryOffer {
                    zones: vec![
                        Zone {
                            postcodes: vec!["1205".into(), "1207".into()],
                            center: None,
                            radius_m: None,
                        },
                        Zone {
                            postcodes: Vec::new(),
                            center: Some(VERSOIX),
                            radius_m: Some(2000),
                        },
                    ],
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
                }),
            ),
        ];
        self.ingest(records);
        let rev = self.rev();
        self.ingest(vec![
            attestation(
                CERTIFIER,
                Subject::Actor {
                    key: author(VERGER),
                },
                "organic",
                rev,
            ),
            attestation(
                CERTIFIER,
                about_listing(FROMAGERIE, "gruyere"),
                "regional",
                rev,
            ),
            attestation(
                UNTRUSTED,
                about_listing(FROMAGERIE, "tomme"),
                "organic",
                rev,
            ),
            attestation(
                FROMAGERIE,
                about_listing(FROMAGERIE, "gruyere"),
                "organic",
                rev,
            ),
        ]);
    }

    fn search(&self, query: &SearchQuery) -> SearchResults {
        match self.index().search(query) {
            Ok(results) => results,
            Err(e) => panic!("search {query:?} failed: {e}"),
        }
    }

    /// The slot keys of the hits of `text` with `edit` applied to the query.
    fn keys(&self, text: &str, edit: impl FnOnce(&mut SearchQuery)) -> Vec<String> {
        let mut query = SearchQuery {
            market: "geneva".into(),
            text: text.into(),
            limit: MAX_LIMIT,
            ..SearchQuery::default()
        };
        edit(&mut query);
        let results = self.search(&query);
        assert_eq!(
            results.total as usize,
            results.hits.len(),
            "one page holds all"
        );
        results.hits.into_iter().map(|h| h.key).collect()
    }

    fn sorted_keys(&self, text: &str, edit: impl FnOnce(&mut SearchQuery)) -> Vec<String> {
        let mut keys = self.keys(text, edit);
        keys.sort();
        keys
    }
}

fn seeded() -> Catalogue {
    let mut catalogue = Catalogue::new();
    catalogue.seed();
    catalogue
}

fn browse() -> impl FnOnce(&mut SearchQuery) {
    |_| {}
}

fn count(facets: &[FacetCount], value: &str) -> Option<u64> {
    facets.iter().find(|f| f.value == value).map(|f| f.count)
}

#[test]
fn a_french_plural_finds_the_singular_and_back() {
    let c = seeded();
    assert_eq!(c.sorted_keys("pomme", browse()), ["jus", "pommes"]);
    assert_eq!(c.sorted_keys("pommes", browse()), ["jus", "pommes"]);
    let laits = c.keys("laits", browse());
    assert_eq!(laits.first().map(String::as_str), Some("lait"), "{laits:?}");
    assert_eq!(
        laits.len(),
        3,
        "dairy (produits laitiers) matches by prefix: {laits:?}"
    );
}

#[test]
fn english_words_are_stemmed_in_english_fields_and_titles_follow_the_language() {
    let c = seeded();
    assert_eq!(c.sorted_keys("apple", browse()), ["jus", "pommes"]);
    assert_eq!(c.keys("repairs", browse()), ["revision"]);
    let mut query = SearchQuery {
        market: "geneva".into(),
        text: "apples".into(),
        language: Some("en".into()),
        ..SearchQuery::default()
    };
    let hits = c.search(&query).hits;
    assert_eq!(hits[0].title, "Gala apples");
    assert_eq!(hits[0].language, "en");
    query.language = Some("de".into());
    let hits = c.search(&query).hits;
    assert_eq!(
        hits[0].title, "Pommes Gala",
        "falls back to the market's French"
    );
    assert_eq!(hits[0].seller_name.as_deref(), Some("Verger de Jussy"));
}

#[test]
fn accents_are_folded_in_queries_and_documents() {
    let c = seeded();
    assert_eq!(c.keys("gruyere", browse()), ["gruyere"]);
    assert_eq!(c.keys("GRUYÈRE", browse()), ["gruyere"]);
    assert_eq!(c.keys("ceramique", browse()), ["plateau"]);
    assert_eq!(c.keys("atelier velo", browse()), ["revision"]);
}

#[test]
fn a_word_finds_the_longer_words_it_begins() {
    let c = seeded();
    let found = c.sorted_keys("fromage", browse());
    assert!(
        found.contains(&"plateau".to_owned()),
        "the Fromagerie du Lac's plate: {found:?}"
    );
    assert!(found.contains(&"gruyere".to_owned()), "{found:?}");
    assert!(!found.contains(&"pommes".to_owned()), "{found:?}");
}

#[test]
fn one_typo_is_tolerated_in_a_short_query_but_not_in_a_long_one() {
    let c = seeded();
    assert_eq!(c.keys("vaudiose", browse()), ["tomme"]);
    assert_eq!(c.keys("gruyrèe", browse()), ["gruyere"]);
    assert!(c.keys("tomme vaudiose ferme alpage", browse()).is_empty());
    assert!(c.keys("xylophone", browse()).is_empty());
}

#[test]
fn a_parent_category_counts_its_children() {
    let c = seeded();
    let all = c.search(&SearchQuery {
        market: "geneva".into(),
        ..SearchQuery::default()
    });
    assert_eq!(all.total, 7);
    let top = &all.facets.categories;
    assert_eq!(count(top, "food"), Some(5));
    assert_eq!(count(top, "services"), Some(1));
    assert_eq!(count(top, "crafts"), Some(1));
    let food = c.search(&SearchQuery {
        market: "geneva".into(),
        filters: Filters {
            category: Some("food".into()),
            ..Filters::default()
        },
        ..SearchQuery::default()
    });
    assert_eq!(food.total, 5);
    assert_eq!(count(&food.facets.categories, "food.dairy"), Some(3));
    assert_eq!(count(&food.facets.categories, "food.fruit"), Some(1));
    assert_eq!(count(&food.facets.categories, "food.drinks"), Some(1));
    assert_eq!(
        c.sorted_keys("", |q| q.filters.category = Some("food.dairy".into())),
        ["gruyere", "lait", "tomme"]
    );
    let bad = c.index().search(&SearchQuery {
        market: "geneva".into(),
        filters: Filters {
            category: Some("Food!".into()),
            ..Filters::default()
        },
        ..SearchQuery::default()
    });
    assert!(matches!(bad, Err(SearchError::InvalidQuery(_))), "{bad:?}");
}

#[test]
fn seller_role_and_payment_filters_and_facets() {
    let c = seeded();
    let all = c.search(&SearchQuery {
        market: "geneva".into(),
        ..SearchQuery::default()
    });
    assert_eq!(
        count(&all.facets.sellers, &author(FROMAGERIE).to_hex()),
        Some(3)
    );
    assert_eq!(count(&all.facets.roles, "producer"), Some(5));
    assert_eq!(count(&all.facets.roles, "service_provider"), Some(1));
    assert_eq!(count(&all.facets.payment, "local:LEM"), Some(3));
    assert_eq!(
        c.sorted_keys("", |q| q.filters.payment = vec!["local:LEM".into()]),
        ["gruyere", "lait", "tomme"]
    );
    assert_eq!(
        c.sorted_keys("", |q| q.filters.sellers = vec![author(VERGER).to_hex()]),
        ["jus", "pommes"]
    );
    assert_eq!(
        c.sorted_keys("", |q| q.filters.roles = vec![Role::Shop]),
        ["gruyere", "lait", "plateau", "tomme"]
    );
    assert_eq!(
        c.sorted_keys("", |q| q.filters.in_stock = true).len(),
        6,
        "the milk is sold out"
    );
    assert!(
        !c.keys("", |q| q.filters.in_stock = true)
            .contains(&"lait".to_owned())
    );
}

#[test]
fn only_labels_from_trusted_issuers_about_others_count() {
    let c = seeded();
    let trusting = |issuers: &[u8]| {
        let issuers: Vec<String> = issuers.iter().map(|n| author(*n).to_hex()).collect();
        move |q: &mut SearchQuery| {
            q.trusted_issuers = issuers;
            q.filters.labels = vec!["organic".into()];
        }
    };
    // The fromagerie's own "organic" on its gruyère is a self-claim, even when trusted.
    assert_eq!(
        c.sorted_keys("", trusting(&[CERTIFIER, FROMAGERIE])),
        ["jus", "pommes"]
    );
    assert_eq!(c.sorted_keys("", trusting(&[UNTRUSTED])), ["tomme"]);
    assert!(c.keys("", trusting(&[])).is_empty());
    let results = c.search(&SearchQuery {
        market: "geneva".into(),
        trusted_issuers: vec![author(CERTIFIER).to_hex(), author(FROMAGERIE).to_hex()],
        ..SearchQuery::default()
    });
    assert_eq!(count(&results.facets.labels, "organic"), Some(2));
    assert_eq!(count(&results.facets.labels, "regional"), Some(1));
    let gruyere = results.hits.iter().find(|h| h.key == "gruyere");
    assert_eq!(
        gruyere.map(|h| h.labels.clone()),
        Some(vec!["regional".to_owned()])
    );
    let tomme = results.hits.iter().find(|h| h.key == "tomme");
    assert_eq!(tomme.map(|h| h.labels.is_empty()), Some(true));
}

#[test]
fn delivery_to_a_postcode_by_the_seller_or_by_a_courier() {
    let c = seeded();
    let to = |postcode: &str, location: Option<GeoPoint>| {
        let postcode = postcode.to_owned();
        move |q: &mut SearchQuery| {
            q.filters.deliver_to = Some(postcode);
            q.location = location;
        }
    };
    assert_eq!(
        c.sorted_keys("", to("1204", None)),
        ["gruyere"],
        "own delivery only"
    );
    assert_eq!(
        c.sorted_keys("", to("1205", None)),
        ["gruyere", "jus", "pommes"],
        "own and courier"
    );
    assert!(c.keys("", to("1290", None)).is_empty());
    assert_eq!(
        c.sorted_keys("", to("1290", Some(VERSOIX))),
        ["jus", "pommes"],
        "the courier's circle"
    );
}

#[test]
fn pick_up_within_a_radius_of_the_user() {
    let c = seeded();
    let within = |m: u32| {
        move |q: &mut SearchQuery| {
            q.location = Some(PLAINPALAIS);
            q.filters.pickup_within_m = Some(m);
        }
    };
    assert_eq!(
        c.sorted_keys("", within(3000)),
        ["gruyere", "lait", "tomme"]
    );
    assert_eq!(
        c.sorted_keys("", within(20_000)),
        ["gruyere", "jus", "lait", "plateau", "tomme"]
    );
    let results = c.search(&SearchQuery {
        market: "geneva".into(),
        location: Some(PLAINPALAIS),
        filters: Filters {
            pickup_within_m: Some(3000),
            ..Filters::default()
        },
        ..SearchQuery::default()
    });
    assert_eq!(results.total, 3);
    assert_eq!(
        count(&results.facets.categories, "food"),
        Some(3),
        "facets count after the radius"
    );
    let no_location = c.index().search(&SearchQuery {
        market: "geneva".into(),
        filters: Filters {
            pickup_within_m: Some(3000),
            ..Filters::default()
        },
        ..SearchQuery::default()
    });
    assert!(matches!(no_location, Err(SearchError::InvalidQuery(_))));
}

#[test]
fn distance_sort_puts_the_nearest_seller_first() {
    let c = seeded();
    let results = c.search(&SearchQuery {
        market: "geneva".into(),
        location: Some(JUSSY),
        sort: Sort::Distance,
        limit: MAX_LIMIT,
        ..SearchQuery::default()
    });
    let distances: Vec<u32> = results.hits.iter().filter_map(|h| h.distance_m).collect();
    assert_eq!(distances.len(), 7);
    assert!(distances.windows(2).all(|w| w[0] <= w[1]), "{distances:?}");
    assert_eq!(distances[0], 0);
    assert_eq!(results.hits[0].seller, author(VERGER).to_hex());
    assert_eq!(
        results.hits[6].seller,
        author(VELO).to_hex(),
        "Carouge is farthest from Jussy"
    );
}

#[test]
fn price_sorts_and_range() {
    let c = seeded();
    let asc = c.keys("", |q| q.sort = Sort::PriceAsc);
    assert_eq!(
        asc,
        [
            "lait", "pommes", "jus", "tomme", "gruyere", "plateau", "revision"
        ]
    );
    let desc = c.keys("", |q| q.sort = Sort::PriceDesc);
    assert_eq!(
        desc,
        [
            "revision", "plateau", "gruyere", "tomme", "jus", "pommes", "lait"
        ]
    );
    let range = c.keys("", |q| {
        q.sort = Sort::PriceAsc;
        q.filters.price_min = Some(450);
        q.filters.price_max = Some(650);
    });
    assert_eq!(range, ["pommes", "jus", "tomme"]);
    assert_eq!(
        c.keys("", |q| q.sort = Sort::Newest)[0],
        "plateau",
        "the last published"
    );
}

#[test]
fn pages_partition_the_results() {
    let c = seeded();
    let mut seen = Vec::new();
    for offset in [0, 3, 6] {
        let page = c.search(&SearchQuery {
            market: "geneva".into(),
            sort: Sort::PriceAsc,
            offset,
            limit: 3,
            ..SearchQuery::default()
        });
        assert_eq!(page.total, 7);
        seen.extend(page.hits.into_iter().map(|h| h.key));
    }
    assert_eq!(
        seen,
        [
            "lait", "pommes", "jus", "tomme", "gruyere", "plateau", "revision"
        ]
    );
}

#[test]
fn replacing_deleting_and_expiring_update_the_index() {
    let mut c = seeded();
    let tomme = c.sign(
        FROMAGERIE,
        "tomme",
        listing(Item {
            titles: &[("fr", "Tomme fermière")],
            category: "food.dairy.cheese",
            amount: 700,
            unit: Unit::Piece,
            stock: None,
            fulfilment: vec![pickup("1205")],
        }),
    );
    c.ingest(vec![tomme]);
    assert!(c.keys("vaudoise", browse()).is_empty());
    assert_eq!(c.keys("fermiere", browse()), ["tomme"]);

    let rev = c.rev();
    let deleted = tombstone(FROMAGERIE, Kind::Listing, "gruyere", rev);
    c.ingest(vec![deleted]);
    assert!(c.keys("gruyere", browse()).is_empty());

    let rev = now();
    let brief = signed(
        VELO,
        "cours",
        rev,
        60_000,
        listing(Item {
            titles: &[("fr", "Cours de mécanique vélo")],
            category: "services.lessons",
            amount: 3000,
            unit: Unit::Session,
            stock: None,
            fulfilment: Vec::new(),
        }),
    );
    c.ingest(vec![brief]);
    assert_eq!(c.keys("mecanique", browse()), ["cours"]);
    if let Err(e) = c.ingest.sweep(rev + 60_001) {
        panic!("sweep failed: {e}");
    }
    c.flush();
    assert!(c.keys("mecanique", browse()).is_empty());
    assert_eq!(
        c.search(&SearchQuery {
            market: "geneva".into(),
            ..SearchQuery::default()
        })
        .total,
        6
    );
}

#[test]
fn a_changed_profile_or_withdrawn_label_rebuilds_the_listings_it_describes() {
    let mut c = seeded();
    let renamed = c.sign(
        VERGER,
        PROFILE_KEY,
        profile(
            "Vergers du Mandement",
            vec![Role::Producer, Role::Shop],
            JUSSY,
            vec![PaymentMeans::CardOnPickup],
        ),
    );
    c.ingest(vec![renamed]);
    assert_eq!(c.sorted_keys("mandement", browse()), ["jus", "pommes"]);
    assert!(c.keys("jussy", browse()).is_empty());
    assert_eq!(
        c.sorted_keys("", |q| q.filters.roles = vec![Role::Shop])
            .len(),
        6
    );

    let rev = c.rev();
    let organic = attestation(
        CERTIFIER,
        Subject::Actor {
            key: author(VERGER),
        },
        "organic",
        rev,
    );
    let withdrawn = tombstone(CERTIFIER, Kind::Attestation, &organic.payload.key, rev);
    c.ingest(vec![withdrawn]);
    let organic_by_certifier = |q: &mut SearchQuery| {
        q.trusted_issuers = vec![author(CERTIFIER).to_hex()];
        q.filters.labels = vec!["organic".into()];
    };
    assert!(c.keys("", organic_by_certifier).is_empty());
}

/// Every kind of query of the other tests, as one comparable answer. Ties are ordered by
/// position in the index, which a rebuild may change, so lists with ties are compared sorted.
fn fingerprint(c: &Catalogue) -> Vec<Vec<String>> {
    let trusted = vec![author(CERTIFIER).to_hex()];
    vec![
        c.keys("", |q| q.sort = Sort::PriceAsc),
        c.sorted_keys("pomme", browse()),
        c.sorted_keys("fromage", browse()),
        c.sorted_keys("vaudiose", browse()),
        c.sorted_keys("", |q| {
            q.location = Some(PLAINPALAIS);
            q.filters.pickup_within_m = Some(3000);
        }),
        c.sorted_keys("", |q| q.filters.deliver_to = Some("1205".into())),
        c.sorted_keys("", |q| {
            q.trusted_issuers = trusted;
            q.filters.labels = vec!["organic".into()];
        }),
        c.sorted_keys("", |q| q.filters.category = Some("food.dairy".into())),
    ]
}

fn damage(dir: &Path, suffix: &str) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => panic!("cannot list {}: {e}", dir.display()),
    };
    let mut damaged = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.to_string_lossy().ends_with(suffix) {
            if let Err(e) = std::fs::write(&path, b"\x00garbage, not a tantivy file\xff") {
                panic!("cannot damage {}: {e}", path.display());
            }
            damaged += 1;
        }
    }
    assert!(damaged > 0, "no {suffix} file in {}", dir.display());
}

#[test]
fn a_deleted_or_corrupted_index_is_rebuilt_with_the_same_results() {
    let mut c = seeded();
    let expected = fingerprint(&c);
    assert_eq!(expected[0].len(), 7);
    assert_eq!(expected[1].len(), 2);

    let reports = c.reopen();
    assert!(
        reports.is_empty(),
        "a sound index is not rebuilt: {reports:?}"
    );
    assert_eq!(fingerprint(&c), expected);

    c.index = None;
    if let Err(e) = std::fs::remove_dir_all(c.search_dir()) {
        panic!("cannot delete the index: {e}");
    }
    let reports = c.reopen();
    let last = reports.last().cloned();
    assert!(
        matches!(&last, Some(p) if p.reason == RebuildReason::Missing && p.done == p.total && p.total > 0),
        "{reports:?}"
    );
    assert_eq!(fingerprint(&c), expected);

    c.index = None;
    damage(&c.search_dir().join("index"), "meta.json");
    let reports = c.reopen();
    assert!(
        matches!(reports.first(), Some(p) if matches!(p.reason, RebuildReason::Corrupt(_))),
        "{reports:?}"
    );
    assert_eq!(fingerprint(&c), expected);

    c.index = None;
    damage(&c.search_dir().join("index"), ".idx");
    let reports = c.reopen();
    assert!(
        matches!(reports.first(), Some(p) if matches!(p.reason, RebuildReason::Corrupt(_))),
        "{reports:?}"
    );
    assert_eq!(fingerprint(&c), expected);

    c.index = None;
    if let Err(e) = std::fs::write(c.search_dir().join("pending"), b"") {
        panic!("cannot write the marker: {e}");
    }
    let reports = c.reopen();
    assert!(
        matches!(reports.first(), Some(p) if p.reason == RebuildReason::Interrupted),
        "{reports:?}"
    );
    assert_eq!(fingerprint(&c), expected);
    assert!(!c.search_dir().join("pending").exists());
}

#[test]
fn query_and_results_round_trip_through_json() {
    let c = seeded();
    let query = SearchQuery {
        market: "geneva".into(),
        text: "pomme".into(),
        location: Some(PLAINPALAIS),
        sort: Sort::Distance,
        filters: Filters {
            roles: vec![Role::Producer],
            payment: vec!["card_on_pickup".into()],
            ..Filters::default()
        },
        ..SearchQuery::default()
    };
    let json = serde_json::to_string(&query).unwrap_or_default();
    assert!(json.contains("\"sort\":\"distance\""), "{json}");
    let back: SearchQuery = serde_json::from_str(&json).unwrap_or_default();
    assert_eq!(back, query);
    let partial: SearchQuery =
        serde_json::from_str(r#"{"market":"geneva","text":"pomme"}"#).unwrap_or_default();
    assert_eq!(partial.limit, DEFAULT_LIMIT);
    let results = c.search(&query);
    assert_eq!(results.total, 2);
    let json = serde_json::to_string(&results).unwrap_or_default();
    let back: SearchResults = serde_json::from_str(&json).unwrap_or_default();
    assert_eq!(back, results);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_node_indexes_its_own_listing_within_seconds() {
    use crate::config::Config;
    use crate::daemon::Daemon;
    use smartket_protocol::Payload;

    let dir = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => panic!("no temp dir: {e}"),
    };
    if let Err(e) = crate::identity::create_key(dir.path()) {
        panic!("no key: {e}");
    }
    let mut config = Config::default();
    config.network.listen = match "/ip4/127.0.0.1/tcp/0".parse() {
        Ok(addr) => vec![addr],
        Err(e) => panic!("bad address: {e}"),
    };
    let daemon = match Daemon::start(dir.path(), config).await {
        Ok(daemon) => daemon,
        Err(e) => panic!("the node does not start: {e}"),
    };
    let handle = daemon.handle();
    let body = listing(Item {
        titles: &[("fr", "Miel de printemps"), ("en", "Spring honey")],
        category: "food.grocery.honey",
        amount: 1200,
        unit: Unit::Piece,
        stock: Some(5),
        fulfilment: vec![pickup("1205")],
    });
    let payload = Payload::new("geneva", "miel", now(), DAY, body);
    let published = handle.own().publish(payload).await;
    assert!(published.is_ok(), "{published:?}");
    let query = SearchQuery {
        market: "geneva".into(),
        text: "honey".into(),
        ..SearchQuery::default()
    };
    let mut found = 0;
    for _ in 0..50 {
        match handle.search(query.clone()).await {
            Ok(results) if results.total > 0 => {
                found = results.total;
                break;
            }
            Ok(_) => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
            Err(e) => panic!("search failed: {e}"),
        }
    }
    assert_eq!(found, 1, "the listing was not indexed within 5 s");
    assert!(
        crate::data_dir::DataDir::new(dir.path())
            .search()
            .join("index")
            .join("meta.json")
            .exists()
    );
    daemon.shutdown().await;
}

#[test]
fn malformed_queries_are_refused_with_a_reason() {
    let c = seeded();
    let refused = |edit: fn(&mut SearchQuery)| {
        let mut query = SearchQuery {
            market: "geneva".into(),
            ..SearchQuery::default()
        };
        edit(&mut query);
        c.index().search(&query)
    };
    assert!(matches!(
        refused(|q| q.market = "lausanne".into()),
        Err(SearchError::UnknownMarket(_))
    ));
    assert!(matches!(
        refused(|q| q.trusted_issuers = vec!["not hex".into()]),
        Err(SearchError::InvalidQuery(_))
    ));
    assert!(matches!(
        refused(|q| q.filters.sellers = vec!["abcd".into()]),
        Err(SearchError::InvalidQuery(_))
    ));
    assert!(matches!(
        refused(|q| q.sort = Sort::Distance),
        Err(SearchError::InvalidQuery(_))
    ));
    assert!(matches!(
        refused(|q| q.offset = MAX_OFFSET + 1),
        Err(SearchError::InvalidQuery(_))
    ));
    let facets_only = refused(|q| q.limit = 0);
    assert!(
        matches!(&facets_only, Ok(r) if r.hits.is_empty() && r.total == 7 && !r.facets.categories.is_empty()),
        "{facets_only:?}"
    );
}
