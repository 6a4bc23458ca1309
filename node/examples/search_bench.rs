//! Search benchmark: a realistic Geneva catalogue of 100 000 signed listings (French and English
//! titles over the whole taxonomy, 800 sellers, couriers, certifiers' labels) in a real redb
//! store, indexed as a bulk sync would index it, then searched.
//!
//! `cargo run --release -p smartket-node --example search_bench -- [LISTINGS] [QUERIES]`
//! prints the indexing rate (store events applied in batches of 5000, as the daemon does; and a
//! rebuild from the store) and the latency p50/p99 of queries of text + two filters + facets.
//!
//! Measured on 2026-11-28 (release build, 2 cores shared with other builds, load ≈ 3): bulk
//! indexing 8 536 listings/s, rebuild from the store 9 056 listings/s; 2000 queries over
//! 100 000 listings: p50 2.47 ms, p90 4.68 ms, p99 8.73 ms, max 15.06 ms.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "../src/search/fixtures.rs"]
mod fixtures;

use std::time::{Duration, Instant};

use smartket_node::ingest::StoreEvent;
use smartket_node::search::{Filters, SearchIndex, SearchQuery, Sort};
use smartket_node::store::Store;
use smartket_protocol::kinds::{
    Fulfilment, GeoPoint, Listing, PROFILE_KEY, PaymentMeans, Price, Role, Subject, Unit, Zone,
};
use smartket_protocol::market::Market;
use smartket_protocol::record::Payload;
use smartket_protocol::{Body, Record, SecretKey};

use fixtures::{delivery_offer, profile, text};

const SELLERS: usize = 800;
const COURIERS: usize = 6;
const DAY: u64 = 24 * 60 * 60 * 1000;
const BATCH: usize = 5000;

/// (category, French names, English names), names index-aligned.
const CATALOGUE: &[(&str, &[(&str, &str)])] = &[
    (
        "food.vegetables",
        &[
            ("Carottes", "Carrots"),
            ("Poireaux", "Leeks"),
            ("Courgettes", "Courgettes"),
            ("Salade batavia", "Batavia lettuce"),
            ("Pommes de terre", "Potatoes"),
            ("Tomates cerises", "Cherry tomatoes"),
            ("Cardons genevois", "Geneva cardoons"),
        ],
    ),
    (
        "food.fruit",
        &[
            ("Pommes Gala", "Gala apples"),
            ("Poires Williams", "Williams pears"),
            ("Fraises", "Strawberries"),
            ("Cerises", "Cherries"),
            ("Abricots", "Apricots"),
            ("Pruneaux", "Plums"),
        ],
    ),
    (
        "food.dairy.cheese",
        &[
            ("Gruyère d'alpage", "Alpine Gruyère"),
            ("Tomme vaudoise", "Tomme from Vaud"),
            ("Vacherin fribourgeois", "Vacherin cheese"),
            ("Fromage à raclette", "Raclette cheese"),
            ("Chèvre frais", "Fresh goat cheese"),
        ],
    ),
    (
        "food.dairy.milk",
        &[
            ("Lait entier", "Whole milk"),
            ("Lait de chèvre", "Goat milk"),
        ],
    ),
    (
        "food.dairy.yoghurt",
        &[
            ("Yaourt nature", "Plain yoghurt"),
            ("Séré à la vanille", "Vanilla quark"),
        ],
    ),
    (
        "food.dairy.butter_cream",
        &[
            ("Beurre de baratte", "Churned butter"),
            ("Crème double", "Double cream"),
        ],
    ),
    (
        "food.eggs",
        &[("Œufs de poules en liberté", "Free-range eggs")],
    ),
    (
        "food.bakery.bread",
        &[
            ("Pain au levain", "Sourdough bread"),
            ("Pain de seigle", "Rye bread"),
            ("Tresse au beurre", "Butter plait"),
        ],
    ),
    (
        "food.bakery.pastry",
        &[
            ("Tarte aux pommes", "Apple tart"),
            ("Croissants au beurre", "Butter croissants"),
            ("Pavés de Genève", "Geneva chocolates"),
        ],
    ),
    (
        "food.meat.beef",
        &[
            ("Entrecôte de bœuf", "Beef rib steak"),
            ("Viande hachée", "Minced beef"),
        ],
    ),
    ("food.meat.pork", &[("Côtelettes de porc", "Pork chops")]),
    ("food.meat.poultry", &[("Poulet fermier", "Farm chicken")]),
    (
        "food.meat.charcuterie",
        &[
            ("Longeole genevoise", "Longeole sausage"),
            ("Saucisson vaudois", "Vaud sausage"),
        ],
    ),
    (
        "food.fish",
        &[
            ("Filets de perche", "Perch fillets"),
            ("Féra du Léman", "Lake Geneva whitefish"),
        ],
    ),
    (
        "food.grocery.honey",
        &[
            ("Miel de fleurs", "Wildflower honey"),
            ("Miel de forêt", "Forest honey"),
        ],
    ),
    (
        "food.grocery.jams",
        &[
            ("Confiture d'abricots", "Apricot jam"),
            ("Gelée de coings", "Quince jelly"),
        ],
    ),
    (
        "food.grocery.oils",
        &[
            ("Huile de colza", "Rapeseed oil"),
            ("Vinaigre de cidre", "Cider vinegar"),
        ],
    ),
    (
        "food.grocery.flour_grains",
        &[
            ("Farine d'épeautre", "Spelt flour"),
            ("Lentilles vertes", "Green lentils"),
        ],
    ),
    (
        "food.drinks.wine",
        &[
            ("Chasselas", "Chasselas white wine"),
            ("Gamay", "Gamay red wine"),
            ("Pinot noir", "Pinot noir"),
        ],
    ),
    (
        "food.drinks.beer",
        &[
            ("Bière blonde artisanale", "Craft lager"),
            ("Bière ambrée", "Amber ale"),
        ],
    ),
    (
        "food.drinks.cider_juice",
        &[("Jus de pomme", "Apple juice"), ("Cidre brut", "Dry cider")],
    ),
    (
        "food.drinks.spirits",
        &[("Eau-de-vie de poire", "Pear brandy")],
    ),
    (
        "food.baskets",
        &[
            ("Panier de légumes", "Vegetable basket"),
            ("Panier de fruits", "Fruit basket"),
        ],
    ),
    (
        "crafts.ceramics",
        &[
            ("Bol en céramique", "Ceramic bowl"),
            ("Tasse en grès", "Stoneware mug"),
        ],
    ),
    ("crafts.textiles", &[("Écharpe en laine", "Wool scarf")]),
    (
        "crafts.woodwork",
        &[("Planche à découper", "Chopping board")],
    ),
    ("crafts.jewellery", &[("Boucles d'oreilles", "Earrings")]),
    (
        "crafts.cosmetics",
        &[("Savon au lait de chèvre", "Goat milk soap")],
    ),
    (
        "plants.flowers",
        &[("Bouquet de saison", "Seasonal bouquet")],
    ),
    (
        "plants.seedlings",
        &[("Plantons de tomates", "Tomato seedlings")],
    ),
    (
        "services.bike_repair",
        &[("Révision de vélo", "Bike service")],
    ),
    (
        "services.repair",
        &[("Réparation de vêtements", "Clothes repair")],
    ),
    ("services.lessons", &[("Cours de cuisine", "Cooking class")]),
    (
        "services.home",
        &[("Entretien de jardin", "Garden maintenance")],
    ),
    ("services.care", &[("Massage relaxant", "Relaxing massage")]),
];
const QUALIFIERS: &[(&str, &str)] = &[
    ("bio", "organic"),
    ("de saison", "seasonal"),
    ("du terroir", "local"),
    ("artisanal", "handmade"),
    ("extra", "premium"),
    ("", ""),
];
const PLACES: &[&str] = &[
    "Jussy",
    "Satigny",
    "Bernex",
    "Meyrin",
    "Carouge",
    "Plan-les-Ouates",
    "Versoix",
    "Dardagny",
    "Troinex",
    "Lully",
    "Genève",
    "Choulex",
];
const QUERY_WORDS: &[&str] = &[
    "pommes",
    "pomme",
    "fromage",
    "gruyere",
    "tomme",
    "miel",
    "honey",
    "pain",
    "bread",
    "biere",
    "beer",
    "vin",
    "wine",
    "carottes",
    "jus",
    "juice",
    "lait",
    "milk",
    "oeufs",
    "eggs",
    "confiture",
    "jam",
    "cheese",
    "saucisson",
    "perche",
    "fraises",
    "strawberries",
    "velo",
    "bike",
    "ceramique",
    "bio",
    "organic",
    "chasselas",
    "levain",
    "beurre",
    "butter",
    "panier",
    "basket",
    "massage",
    "cours",
];
const PHRASES: &[&str] = &[
    "pommes gala",
    "miel fleurs",
    "gruyere alpage",
    "pain levain",
    "jus pomme",
    "biere blonde",
    "goat cheese",
    "apple juice",
    "tomme vaudoise",
    "farm chicken",
    "confiture abricots",
    "organic honey",
    "fromage bio",
    "vacherin fribourgeois",
    "pinot noir",
    "lait chevre",
];
const TYPOS: &[&str] = &[
    "fromgae",
    "gruyrere",
    "chocolta",
    "strawbery",
    "confitrue",
    "saucison",
];
const CATEGORY_FILTERS: &[&str] = &[
    "food",
    "food.dairy",
    "food.dairy.cheese",
    "food.fruit",
    "food.drinks",
    "food.drinks.wine",
    "crafts",
    "services",
    "food.bakery",
];

/// A small deterministic generator (xorshift64*): the catalogue is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn secret(tag: &str, i: usize) -> SecretKey {
    SecretKey::from_bytes(blake3::hash(format!("{tag}{i}").as_bytes()).as_bytes())
}

fn point(rng: &mut Rng) -> GeoPoint {
    GeoPoint {
        lat_e4: 461_500 + rng.below(1500) as i32,
        lon_e4: 60_000 + rng.below(2500) as i32,
    }
}

fn postcode(rng: &mut Rng) -> String {
    format!("12{:02}", rng.below(100))
}

fn sign(secret: &SecretKey, key: &str, rev: u64, lifetime: u64, body: Body) -> Record {
    Record::sign(secret, Payload::new("geneva", key, rev, lifetime, body)).expect("valid record")
}

fn seller(rng: &mut Rng, i: usize) -> Body {
    let roles = match rng.below(4) {
        0 => vec![Role::Producer],
        1 => vec![Role::Producer, Role::Shop],
        2 => vec![Role::Shop],
        _ => vec![Role::ServiceProvider],
    };
    let mut payment = vec![PaymentMeans::CashOnPickup];
    if rng.chance(50) {
        payment.push(PaymentMeans::CardOnPickup);
    }
    if rng.chance(60) {
        payment.push(PaymentMeans::LocalCurrency {
            currency: "LEM".into(),
            wallet: None,
            share_pct: 50 + rng.below(51) as u8,
        });
    }
    let kind = [
        "Ferme",
        "Domaine",
        "Atelier",
        "Boutique",
        "Fromagerie",
        "Boulangerie",
        "Verger",
        "Cave",
    ];
    let name = format!("{} {} {}", rng.pick(&kind), rng.pick(PLACES), i);
    profile(&name, roles, &postcode(rng), point(rng), payment)
}

fn listing(rng: &mut Rng) -> Listing {
    let (category, names) = *rng.pick(CATALOGUE);
    let (fr, en) = *rng.pick(names);
    let (qfr, qen) = *rng.pick(QUALIFIERS);
    let place = *rng.pick(PLACES);
    let title_fr = format!("{fr} {qfr} de {place}").replace("  ", " ");
    let title_en = format!("{qen} {en} from {place}").trim().to_owned();
    let title = match rng.below(20) {
        0 => text(&[("en", title_en)]),
        1..=5 => text(&[("fr", title_fr)]),
        _ => text(&[("fr", title_fr), ("en", title_en)]),
    };
    let description = text(&[(
        "fr",
        format!("{fr} produit à {place}, vente directe du producteur. Qualité {qfr}."),
    )]);
    let mut fulfilment = Vec::new();
    if !category.starts_with("services") {
        if rng.chance(70) {
            fulfilment.push(Fulfilment::Pickup {
                place: "À la ferme".into(),
                postcode: postcode(rng),
                hours: Vec::new(),
            });
        }
        if rng.chance(40) {
            fulfilment.push(Fulfilment::Courier);
        }
        if fulfilment.is_empty() || rng.chance(20) {
            let mut postcodes: Vec<String> = (0..1 + rng.below(8)).map(|_| postcode(rng)).collect();
            postcodes.sort();
            postcodes.dedup();
            fulfilment.push(Fulfilment::OwnDelivery {
                postcodes,
                fee: Some(500),
            });
        }
    }
    let price = Price {
        amount: 100 + rng.below(9900) as u64,
        currency: if rng.chance(5) {
            "LEM".into()
        } else {
            "CHF".into()
        },
        unit: Unit::Piece,
    };
    let stock = rng.chance(30).then(|| rng.below(20) as u32);
    Listing {
        description,
        ..fixtures::listing(title, category, price, stock, fulfilment)
    }
}

fn courier(rng: &mut Rng) -> Body {
    let mut postcodes: Vec<String> = (0..10 + rng.below(20)).map(|_| postcode(rng)).collect();
    postcodes.sort();
    postcodes.dedup();
    delivery_offer(vec![Zone {
        postcodes,
        center: None,
        radius_m: None,
    }])
}

fn attestation(issuer: &SecretKey, subject: Subject, label: &str, now: u64) -> Record {
    let body = fixtures::attestation(subject, label, now - 30 * DAY, now + 300 * DAY);
    sign(
        issuer,
        &body.slot_key(),
        now,
        30 * DAY,
        Body::Attestation(body),
    )
}

fn query(rng: &mut Rng, trusted: &str) -> SearchQuery {
    let text = if rng.chance(5) {
        (*rng.pick(TYPOS)).to_owned()
    } else if rng.chance(25) {
        (*rng.pick(PHRASES)).to_owned()
    } else {
        (*rng.pick(QUERY_WORDS)).to_owned()
    };
    let mut q = SearchQuery {
        market: "geneva".into(),
        text,
        trusted_issuers: vec![trusted.to_owned()],
        location: Some(point(rng)),
        ..SearchQuery::default()
    };
    q.sort = match rng.below(10) {
        0..=5 => Sort::Relevance,
        6 => Sort::PriceAsc,
        7 | 8 => Sort::Distance,
        _ => Sort::Newest,
    };
    let mut kinds: Vec<usize> = (0..8).collect();
    for _ in 0..2 {
        let k = kinds.remove(rng.below(kinds.len()));
        let f: &mut Filters = &mut q.filters;
        match k {
            0 => f.category = Some((*rng.pick(CATEGORY_FILTERS)).to_owned()),
            1 => f.deliver_to = Some(postcode(rng)),
            2 => f.in_stock = true,
            3 => {
                f.price_min = Some(500);
                f.price_max = Some(3000);
            }
            4 => f.payment = vec!["local:LEM".into()],
            5 => f.labels = vec!["organic".into()],
            6 => f.pickup_within_m = Some(5000),
            _ => f.roles = vec![Role::Producer],
        }
    }
    q
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let listings: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let queries: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(2000);
    let market =
        Market::from_toml(include_str!("../../examples/geneva/market.toml")).expect("market");
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("smartket.redb")).expect("store");
    let now = smartket_node::clock::now_ms();
    let mut rng = Rng(0x5eed_cafe_f00d_d00d);

    let t = Instant::now();
    let sellers: Vec<SecretKey> = (0..SELLERS).map(|i| secret("seller", i)).collect();
    let certifier = secret("certifier", 0);
    let mut setup = Vec::new();
    for (i, s) in sellers.iter().enumerate() {
        setup.push(sign(
            s,
            PROFILE_KEY,
            now - DAY,
            30 * DAY,
            seller(&mut rng, i),
        ));
        if rng.chance(30) {
            setup.push(attestation(
                &certifier,
                Subject::Actor { key: s.public() },
                "organic",
                now - DAY,
            ));
        }
    }
    for i in 0..COURIERS {
        setup.push(sign(
            &secret("courier", i),
            "zone",
            now - DAY,
            30 * DAY,
            courier(&mut rng),
        ));
    }
    let mut records = Vec::with_capacity(listings);
    for i in 0..listings {
        let s = rng.below(SELLERS);
        let rev = now - DAY + rng.below(DAY as usize / 2) as u64;
        let key = format!("l{i}");
        if rng.chance(5) {
            let subject = Subject::Listing {
                author: sellers[s].public(),
                key: key.clone(),
            };
            setup.push(attestation(&certifier, subject, "regional", now - DAY));
        }
        records.push(sign(
            &sellers[s],
            &key,
            rev,
            30 * DAY,
            Body::Listing(listing(&mut rng)),
        ));
    }
    println!(
        "signed {} listings and {} other records in {:.1} s",
        records.len(),
        setup.len(),
        t.elapsed().as_secs_f64()
    );

    let search_dir = dir.path().join("search");
    let open_index = || {
        SearchIndex::open(
            &search_dir,
            store.clone(),
            std::slice::from_ref(&market),
            &mut |_| {},
        )
    };
    let index = open_index().expect("index");

    // Bulk sync: the store commits a batch, the indexer applies its events as one commit.
    let (mut store_time, mut index_time) = (Duration::ZERO, Duration::ZERO);
    let all: Vec<Record> = setup.into_iter().chain(records).collect();
    for chunk in all.chunks(BATCH) {
        let t = Instant::now();
        store.commit(chunk.to_vec()).expect("commit");
        store_time += t.elapsed();
        let events: Vec<StoreEvent> = chunk.iter().cloned().map(StoreEvent::Added).collect();
        let t = Instant::now();
        index.apply(&events).expect("apply");
        index_time += t.elapsed();
    }
    println!(
        "bulk sync: {} records committed to the store in {:.1} s; indexed in {:.1} s = {:.0} listings/s (batches of {BATCH}, one commit each)",
        all.len(),
        store_time.as_secs_f64(),
        index_time.as_secs_f64(),
        listings as f64 / index_time.as_secs_f64()
    );
    drop(index);

    std::fs::remove_dir_all(&search_dir).expect("delete index");
    let t = Instant::now();
    let index = open_index().expect("rebuild");
    let rebuild = t.elapsed();
    println!(
        "rebuild from the store: {:.1} s = {:.0} listings/s",
        rebuild.as_secs_f64(),
        listings as f64 / rebuild.as_secs_f64()
    );

    let trusted = certifier.public().to_hex();
    let mut qrng = Rng(0x0dd_ba11_5eed);
    for _ in 0..100 {
        index.search(&query(&mut qrng, &trusted)).expect("warm-up");
    }
    let mut latencies = Vec::with_capacity(queries);
    let (mut hits, mut empty) = (0u64, 0usize);
    let mut slowest = (Duration::ZERO, String::new());
    for _ in 0..queries {
        let q = query(&mut qrng, &trusted);
        let t = Instant::now();
        let results = index.search(&q).expect("search");
        let took = t.elapsed();
        latencies.push(took);
        hits += results.total;
        if results.total == 0 {
            empty += 1;
        }
        if took > slowest.0 {
            slowest = (took, format!("{:?} {:?} {:?}", q.text, q.sort, q.filters));
        }
    }
    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "search over {listings} listings, {queries} queries (text + 2 filters + facets, 20 hits/page): p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms; mean matches {:.0}, {empty} with none",
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.9)),
        ms(percentile(&latencies, 0.99)),
        ms(slowest.0),
        hits as f64 / queries as f64
    );
    println!("slowest: {}", slowest.1);
}
