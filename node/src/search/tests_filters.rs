//! Filters and the facet counts beside them: categories, sellers, roles, payment means, trusted
//! labels, delivery to a postcode and pick-up within a radius.

use smartket_protocol::kinds::{GeoPoint, Role};

use super::tests::{CERTIFIER, FROMAGERIE, PLAINPALAIS, UNTRUSTED, VERGER, VERSOIX, count, seeded};
use super::{Filters, SearchError, SearchQuery};
use crate::store::fixtures::author;

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
