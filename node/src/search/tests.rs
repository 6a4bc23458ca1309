//! The seeded Geneva catalogue the search tests query: real signed records in French and
//! English, ingested into a real redb store, whose events feed a real index in a temp dir. The
//! tests are grouped by topic in the sibling `tests_*` modules.

use std::path::PathBuf;

use smartket_protocol::kinds::{
    Fulfilment, GeoPoint, PROFILE_KEY, PaymentMeans, Price, Role, Subject, Unit, Zone,
};
use smartket_protocol::market::Market;
use smartket_protocol::{Body, Record};
use tempfile::TempDir;
use tokio::sync::broadcast;

use super::fixtures::{self, profile, text};
use super::*;
use crate::ingest::{Ingest, Source, Verdict};
use crate::store::fixtures::{DAY, author, now, signed, temp_store};

pub(super) const FROMAGERIE: u8 = 1;
pub(super) const VERGER: u8 = 2;
pub(super) const VELO: u8 = 3;
const POTIER: u8 = 4;
const COURIER: u8 = 5;
pub(super) const UNTRUSTED: u8 = 8;
pub(super) const CERTIFIER: u8 = 9;

pub(super) const PLAINPALAIS: GeoPoint = GeoPoint {
    lat_e4: 461_975,
    lon_e4: 61_420,
};
pub(super) const JUSSY: GeoPoint = GeoPoint {
    lat_e4: 462_350,
    lon_e4: 62_670,
};
const CAROUGE: GeoPoint = GeoPoint {
    lat_e4: 461_840,
    lon_e4: 61_390,
};
pub(super) const VERSOIX: GeoPoint = GeoPoint {
    lat_e4: 462_840,
    lon_e4: 61_630,
};

fn geneva() -> Market {
    match Market::from_toml(include_str!("../../../examples/geneva/market.toml")) {
        Ok(market) => market,
        Err(e) => panic!("the Geneva config does not load: {e}"),
    }
}

pub(super) struct Item {
    pub(super) titles: &'static [(&'static str, &'static str)],
    pub(super) category: &'static str,
    pub(super) amount: u64,
    pub(super) unit: Unit,
    pub(super) stock: Option<u32>,
    pub(super) fulfilment: Vec<Fulfilment>,
}

pub(super) fn pickup(postcode: &str) -> Fulfilment {
    Fulfilment::Pickup {
        place: "Marché".into(),
        postcode: postcode.into(),
        hours: Vec::new(),
    }
}

pub(super) fn listing(item: Item) -> Body {
    let price = Price {
        amount: item.amount,
        currency: "CHF".into(),
        unit: item.unit,
    };
    Body::Listing(fixtures::listing(
        text(item.titles),
        item.category,
        price,
        item.stock,
        item.fulfilment,
    ))
}

pub(super) fn attestation(issuer: u8, subject: Subject, label: &str, rev: u64) -> Record {
    let body = fixtures::attestation(subject, label, rev - DAY, rev + 30 * DAY);
    signed(issuer, &body.slot_key(), rev, DAY, Body::Attestation(body))
}

fn about_listing(n: u8, key: &str) -> Subject {
    Subject::Listing {
        author: author(n),
        key: key.into(),
    }
}

/// A store, its ingest pipeline, and an index fed by the pipeline's events.
pub(super) struct Catalogue {
    dir: TempDir,
    pub(super) ingest: Ingest,
    events: broadcast::Receiver<crate::ingest::StoreEvent>,
    pub(super) index: Option<SearchIndex>,
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

    pub(super) fn search_dir(&self) -> PathBuf {
        self.dir.path().join("search")
    }

    /// Drops the index and opens it again, returning the rebuild reports heard.
    pub(super) fn reopen(&mut self) -> Vec<RebuildProgress> {
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

    pub(super) fn index(&self) -> &SearchIndex {
        match &self.index {
            Some(index) => index,
            None => panic!("index closed"),
        }
    }

    /// A fresh revision time, increasing.
    pub(super) fn rev(&mut self) -> u64 {
        self.t += 1000;
        self.t
    }

    pub(super) fn sign(&mut self, n: u8, key: &str, body: Body) -> Record {
        let rev = self.rev();
        signed(n, key, rev, DAY, body)
    }

    /// Ingests the records and applies the resulting events to the index.
    pub(super) fn ingest(&mut self, records: Vec<Record>) {
        let wires = records.iter().map(Record::to_wire).collect();
        for verdict in self.ingest.ingest(Source::Local, "geneva", wires, now()) {
            assert!(matches!(verdict, Verdict::Accepted(_)), "{verdict:?}");
        }
        self.flush();
    }

    pub(super) fn flush(&mut self) {
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
                    "1205",
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
                    "1205",
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
                    "1205",
                    CAROUGE,
                    Vec::new(),
                ),
            ),
            self.sign(
                POTIER,
                PROFILE_KEY,
                profile(
                    "Fromagerie du Lac",
                    vec![Role::Shop],
                    "1205",
                    VERSOIX,
                    Vec::new(),
                ),
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
                fixtures::delivery_offer(vec![
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
                ]),
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

    pub(super) fn search(&self, query: &SearchQuery) -> SearchResults {
        match self.index().search(query) {
            Ok(results) => results,
            Err(e) => panic!("search {query:?} failed: {e}"),
        }
    }

    /// The slot keys of the hits of `text` with `edit` applied to the query.
    pub(super) fn keys(&self, text: &str, edit: impl FnOnce(&mut SearchQuery)) -> Vec<String> {
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

    pub(super) fn sorted_keys(
        &self,
        text: &str,
        edit: impl FnOnce(&mut SearchQuery),
    ) -> Vec<String> {
        let mut keys = self.keys(text, edit);
        keys.sort();
        keys
    }
}

pub(super) fn seeded() -> Catalogue {
    let mut catalogue = Catalogue::new();
    catalogue.seed();
    catalogue
}

pub(super) fn browse() -> impl FnOnce(&mut SearchQuery) {
    |_| {}
}

pub(super) fn count(facets: &[FacetCount], value: &str) -> Option<u64> {
    facets.iter().find(|f| f.value == value).map(|f| f.count)
}
