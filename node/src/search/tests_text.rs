//! Which words find which listings: stemming per language, accent folding, prefixes, typos.

use super::SearchQuery;
use super::tests::{browse, seeded};

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
