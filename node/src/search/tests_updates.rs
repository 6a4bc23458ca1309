//! Store changes reaching the index: replaced, deleted and expired listings, changed profiles
//! and withdrawn labels, and a running node indexing what it publishes.

use smartket_protocol::Kind;
use smartket_protocol::kinds::{PROFILE_KEY, PaymentMeans, Role, Subject, Unit};

use super::SearchQuery;
use super::fixtures::profile;
use super::tests::{
    CERTIFIER, FROMAGERIE, Item, JUSSY, VELO, VERGER, attestation, browse, listing, pickup, seeded,
};
use crate::store::fixtures::{DAY, author, now, signed, tombstone};

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
            "1205",
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_node_indexes_its_own_listing_within_seconds() {
    use crate::config::Config;
    use crate::daemon::Daemon;
    use smartket_protocol::Payload;

    let dir = crate::data_dir::temp_data_dir();
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
