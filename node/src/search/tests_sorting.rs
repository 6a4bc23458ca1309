//! The order of the hits (distance, price, newest) and pages over them.

use super::tests::{JUSSY, VELO, VERGER, seeded};
use super::{MAX_LIMIT, SearchQuery, Sort};
use crate::store::fixtures::author;

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
