//! Search across real node processes: a listing published on one node is found through the
//! search API of another, with French stemming, category filters, sorting and seller facet
//! counts; malformed queries are refused with a reason.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use smartket_protocol::Record;
use smartket_tests::fixtures::listing_payload;
use smartket_tests::{DEADLINE, Node, now_ms, wait_until};

const DAY_MS: u64 = 24 * 3600 * 1000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listing_published_on_a_is_found_by_search_on_b() {
    let a = Node::start("producer", "Ferme des Grands Bois", &[])
        .await
        .unwrap();
    let b = Node::start("consumer", "Client", std::slice::from_ref(&a.addrs[0]))
        .await
        .unwrap();
    let carrots = Record::sign(
        &a.secret(),
        listing_payload(
            "geneva",
            "carottes",
            "Carottes nouvelles",
            450,
            now_ms(),
            DAY_MS,
        ),
    )
    .unwrap();
    let tomatoes = Record::sign(
        &a.secret(),
        listing_payload(
            "geneva",
            "tomates",
            "Tomates cerises",
            700,
            now_ms(),
            DAY_MS,
        ),
    )
    .unwrap();
    for record in [&carrots, &tomatoes] {
        assert_eq!(
            a.submit(record.to_wire()).await.unwrap()["outcome"],
            "accepted"
        );
    }

    // The singular finds the plural title, on the other node.
    let found = wait_until("B finds the carrots", DEADLINE, || async {
        let results = b.get("/api/v1/search?q=carotte").await.ok().flatten()?;
        (results["total"] == 1).then_some(results)
    })
    .await;
    assert_eq!(found["hits"][0]["id"], carrots.id.to_hex().as_str());
    assert_eq!(found["hits"][0]["title"], "Carottes nouvelles");

    // Everything in the category, cheapest first, with the seller counted.
    let all = b
        .get("/api/v1/search?category=food.vegetables&sort=price_asc&lang=en")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(all["total"], 2, "{all}");
    assert_eq!(all["hits"][0]["id"], carrots.id.to_hex().as_str());
    assert_eq!(all["hits"][1]["title"], "Tomates cerises (en)");
    // A parent category holds its children, and counts them per child.
    let food = b
        .get("/api/v1/search?category=food")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(food["total"], 2, "{food}");
    assert_eq!(
        food["facets"]["categories"][0]["value"], "food.vegetables",
        "{food}"
    );
    assert_eq!(food["facets"]["categories"][0]["count"], 2, "{food}");
    let everything = b.get("/api/v1/search").await.unwrap().unwrap();
    assert_eq!(
        everything["facets"]["categories"][0]["value"], "food",
        "{everything}"
    );
    assert_eq!(all["facets"]["sellers"][0]["count"], 2, "{all}");
    let none = b
        .get("/api/v1/search?q=carotte&price_min=500")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(none["total"], 0, "{none}");

    for (query, why) in [
        ("sort=cheapest", "unknown sort"),
        ("lat_e4=462000", "lat_e4 and lon_e4"),
        ("colour=red", "unknown field"),
        ("roles=wizard", "unknown role"),
    ] {
        let err = b.get(&format!("/api/v1/search?{query}")).await.unwrap_err();
        assert!(err.to_string().contains("400"), "{query}: {err}");
        let _ = why;
    }
    assert!(
        b.get("/api/v1/search?market=lausanne")
            .await
            .unwrap()
            .is_none(),
        "an unknown market is 404"
    );
}
