//! The query and results as the API carries them: their JSON form, and the queries refused.

use smartket_protocol::kinds::Role;

use super::tests::{PLAINPALAIS, seeded};
use super::{DEFAULT_LIMIT, Filters, MAX_OFFSET, SearchError, SearchQuery, SearchResults, Sort};

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
