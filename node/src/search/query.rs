//! Running a [`SearchQuery`]: text and filters become one boolean query, and one pass of
//! collectors gives the page of hits (sorted as asked), the total and the facet counts.
//!
//! Text: each word the user typed must match (in any field); in each field it matches its
//! stemmed term (scored by BM25) or is a prefix of a longer term ("fromage" → "fromagerie").
//! Only when that finds nothing, and the query has at most [`TYPO_MAX_WORDS`] words, is it run
//! again with each word allowed one typo (two from eight letters): typos tried on every query
//! would make "pomme" find "tomme". The field that
//! matches best counts (a disjunction max), titles weigh more than descriptions. Words that are
//! stop words in French or English are dropped. Filters add no score.

use std::collections::{BTreeSet, HashSet};
use std::ops::Bound;
use std::sync::Arc;

use smartket_protocol::kinds::{GeoPoint, validate_category};
use tantivy::collector::{Count, DocSetCollector, FacetCollector, FilterCollector, TopDocs};
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, EmptyQuery, FuzzyTermQuery,
    Occur, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Facet, Field, IndexRecordOption, Value};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocId, Index, Score, Searcher, SegmentReader, TantivyDocument, Term};

use super::SearchError;
use super::analyzers::{self, ENGLISH, FOLDED, FRENCH};
use super::document::{Card, role_name};
use super::facets::{FieldCounts, KeyOf};
use super::geo;
use super::model::{
    FacetCount, Facets, Hit, MAX_LIMIT, MAX_OFFSET, SearchQuery, SearchResults, Sort,
};
use super::schema::{
    F_ATTESTED, F_CATEGORY, F_CREATED, F_PAYMENT, F_POINT, F_PRICE, F_ROLE, F_SELLER, FLAG_CIRCLE,
    FLAG_COURIER, FLAG_IN_STOCK, FLAG_PICKUP, Fields, KIND_DELIVERY, KIND_LISTING,
};

/// Typo tolerance applies to queries of at most this many words: fuzzy matching costs an
/// automaton per word and field, and long queries have enough words to match without it.
pub(crate) const TYPO_MAX_WORDS: usize = 3;
/// Values returned per keyword facet.
const MAX_FACET_VALUES: usize = 20;
/// Weight of a title match over a description match.
const TITLE_BOOST: Score = 3.0;
/// Weight of a seller-name match.
const SELLER_BOOST: Score = 2.0;

/// What a search needs besides the query.
pub(crate) struct Context<'a> {
    pub(crate) index: &'a Index,
    pub(crate) searcher: Searcher,
    pub(crate) fields: Fields,
    /// The market's default language (title fallback).
    pub(crate) default_language: &'a str,
}

fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::Basic,
    ))
}

fn filter(query: Box<dyn Query>) -> (Occur, Box<dyn Query>) {
    (Occur::Must, Box::new(ConstScoreQuery::new(query, 0.0)))
}

fn any_of(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if queries.is_empty() {
        return Box::new(EmptyQuery);
    }
    Box::new(BooleanQuery::new(
        queries.into_iter().map(|q| (Occur::Should, q)).collect(),
    ))
}

/// Runs `query`.
pub(crate) fn run(cx: &Context<'_>, query: &SearchQuery) -> Result<SearchResults, SearchError> {
    let f = cx.fields;
    let invalid = |m: String| SearchError::InvalidQuery(m);
    let trusted: HashSet<String> = query
        .trusted_issuers
        .iter()
        .map(|hex| {
            hex.parse::<smartket_protocol::AuthorKey>()
                .map(|k| k.to_hex())
                .map_err(|_| invalid(format!("trusted issuer {hex:?} is not a hex key")))
        })
        .collect::<Result<_, _>>()?;
    if query.offset > MAX_OFFSET {
        return Err(invalid(format!(
            "offset {} is past the deepest page ({MAX_OFFSET})",
            query.offset
        )));
    }
    let needs_location = query.sort == Sort::Distance || query.filters.pickup_within_m.is_some();
    if needs_location && query.location.is_none() {
        return Err(invalid(
            "sorting by distance and the pick-up radius need a location".into(),
        ));
    }

    let mut clauses = vec![
        filter(term_query(f.kind, KIND_LISTING)),
        filter(term_query(f.market, &query.market)),
    ];
    let filters = &query.filters;
    let category = match &filters.category {
        Some(code) => {
            validate_category("filters.category", code).map_err(|e| invalid(e.to_string()))?;
            let facet = Facet::from_path(code.split('.'));
            clauses.push(filter(Box::new(TermQuery::new(
                Term::from_facet(f.category, &facet),
                IndexRecordOption::Basic,
            ))));
            facet
        }
        None => Facet::root(),
    };
    if !filters.sellers.is_empty() {
        let mut sellers = Vec::new();
        for hex in &filters.sellers {
            let key: smartket_protocol::AuthorKey = hex
                .parse()
                .map_err(|_| invalid(format!("seller {hex:?} is not a hex key")))?;
            sellers.push(term_query(f.seller, &key.to_hex()));
        }
        clauses.push(filter(any_of(sellers)));
    }
    if !filters.roles.is_empty() {
        let roles = filters
            .roles
            .iter()
            .map(|r| term_query(f.role, role_name(*r)));
        clauses.push(filter(any_of(roles.collect())));
    }
    for label in &filters.labels {
        let by_trusted = trusted
            .iter()
            .map(|issuer| term_query(f.attested, &format!("{issuer}:{label}")));
        clauses.push(filter(any_of(by_trusted.collect())));
    }
    for means in &filters.payment {
        clauses.push(filter(term_query(f.payment, means)));
    }
    if let Some(postcode) = &filters.deliver_to {
        let mut ways = vec![term_query(f.postcode, postcode)];
        if courier_serves(cx, &query.market, postcode, query.location)? {
            ways.push(term_query(f.flags, FLAG_COURIER));
        }
        clauses.push(filter(any_of(ways)));
    }
    if filters.pickup_within_m.is_some() {
        clauses.push(filter(term_query(f.flags, FLAG_PICKUP)));
    }
    if filters.price_min.is_some() || filters.price_max.is_some() {
        let bound = |v: Option<u64>| match v {
            Some(v) => Bound::Included(Term::from_field_u64(f.price, v)),
            None => Bound::Unbounded,
        };
        clauses.push(filter(Box::new(RangeQuery::new(
            bound(filters.price_min),
            bound(filters.price_max),
        ))));
    }
    if filters.in_stock {
        clauses.push(filter(term_query(f.flags, FLAG_IN_STOCK)));
    }
    let trusted = Arc::new(trusted);
    let words = analyzers::terms(&mut analyzer(cx, FOLDED), &query.text);
    let exact = execute(
        cx,
        query,
        &clauses,
        text_query(cx, &words, false),
        category.clone(),
        &trusted,
    )?;
    if exact.total > 0 || words.is_empty() || words.len() > TYPO_MAX_WORDS {
        return Ok(exact);
    }
    execute(
        cx,
        query,
        &clauses,
        text_query(cx, &words, true),
        category,
        &trusted,
    )
}

/// Runs the filters `clauses` and the `text` query, collecting hits, total and facets.
fn execute(
    cx: &Context<'_>,
    query: &SearchQuery,
    clauses: &[(Occur, Box<dyn Query>)],
    text: Option<Box<dyn Query>>,
    category: Facet,
    trusted: &Arc<HashSet<String>>,
) -> Result<SearchResults, SearchError> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> =
        clauses.iter().map(|(o, q)| (*o, q.box_clone())).collect();
    clauses.extend(text.map(|text| (Occur::Must, text)));
    let boolean = BooleanQuery::new(clauses);
    let filters = &query.filters;
    let limit = query.limit.min(MAX_LIMIT);
    let top = TopDocs::with_limit(limit.max(1))
        .and_offset(query.offset)
        .tweak_score(sort_key(query.sort, query.location));
    let mut categories = FacetCollector::for_field(F_CATEGORY);
    categories.add_facet(category.clone());
    let counts = FieldCounts::new(vec![
        (F_SELLER, KeyOf::Value),
        (F_ROLE, KeyOf::Value),
        (F_ATTESTED, KeyOf::TrustedLabel(Arc::clone(trusted))),
        (F_PAYMENT, KeyOf::Value),
    ]);
    let collectors = (top, Count, categories, counts);
    let (top, total, categories, counts) = match (filters.pickup_within_m, query.location) {
        (Some(radius), Some(origin)) => {
            let within = move |packed: u64| {
                geo::distance_m(origin, geo::unpack(packed)) <= f64::from(radius)
            };
            let filtered = FilterCollector::new(F_POINT.to_owned(), within, collectors);
            cx.searcher.search(&boolean, &filtered)?
        }
        _ => cx.searcher.search(&boolean, &collectors)?,
    };

    let mut hits = Vec::with_capacity(top.len());
    if limit > 0 {
        for (_, address) in top {
            let doc: TantivyDocument = cx.searcher.doc(address)?;
            let point = cx
                .searcher
                .segment_reader(address.segment_ord)
                .fast_fields()
                .u64(F_POINT)?
                .first(address.doc_id);
            hits.push(hit(cx, query, trusted, &doc, point));
        }
    }
    let mut keyword = counts.into_iter().map(ranked);
    let mut next = || keyword.next().unwrap_or_default();
    let (sellers, roles, labels, payment) = (next(), next(), next(), next());
    let categories = categories
        .get(category)
        .map(|(facet, count)| FacetCount {
            value: facet.to_path().join("."),
            count,
        })
        .collect();
    Ok(SearchResults {
        total: total as u64,
        hits,
        facets: Facets {
            categories,
            sellers,
            roles,
            labels,
            payment,
        },
    })
}

/// Facet values, most frequent first (ties by value), at most [`MAX_FACET_VALUES`].
fn ranked(counts: std::collections::HashMap<String, u64>) -> Vec<FacetCount> {
    let mut out: Vec<FacetCount> = counts
        .into_iter()
        .map(|(value, count)| FacetCount { value, count })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    out.truncate(MAX_FACET_VALUES);
    out
}

/// The key results are ranked by, highest first.
fn sort_key(
    sort: Sort,
    origin: Option<GeoPoint>,
) -> impl Fn(&SegmentReader) -> Box<dyn Fn(DocId, Score) -> f64> + Send + Sync + 'static {
    move |segment: &SegmentReader| -> Box<dyn Fn(DocId, Score) -> f64> {
        let column = |name: &str| segment.fast_fields().u64(name).ok();
        match (sort, origin) {
            (Sort::Relevance, _) => Box::new(|_, score| f64::from(score)),
            (Sort::PriceAsc | Sort::PriceDesc, _) => {
                let price = column(F_PRICE);
                let sign = if sort == Sort::PriceAsc { -1.0 } else { 1.0 };
                Box::new(move |doc, _| {
                    let value = price.as_ref().and_then(|c| c.first(doc));
                    value.map_or(f64::MIN, |p| sign * p as f64)
                })
            }
            (Sort::Newest, _) => {
                let created = column(F_CREATED);
                Box::new(move |doc, _| {
                    created
                        .as_ref()
                        .and_then(|c| c.first(doc))
                        .map_or(f64::MIN, |t| t as f64)
                })
            }
            (Sort::Distance, Some(origin)) => {
                let point = column(F_POINT);
                Box::new(move |doc, _| {
                    let packed = point.as_ref().and_then(|c| c.first(doc));
                    packed.map_or(f64::MIN, |p| -geo::distance_m(origin, geo::unpack(p)))
                })
            }
            (Sort::Distance, None) => Box::new(|_, score| f64::from(score)),
        }
    }
}

/// The analyzer registered as `name` on the index.
fn analyzer(cx: &Context<'_>, name: &str) -> TextAnalyzer {
    cx.index
        .tokenizers()
        .get(name)
        .unwrap_or_else(|| analyzers::analyzer(name))
}

/// The text part of the query (`words` as split and folded), with or without typos, or `None`
/// when no word remains.
fn text_query(cx: &Context<'_>, words: &[String], typos: bool) -> Option<Box<dyn Query>> {
    let f = cx.fields;
    let (mut fr, mut en) = (analyzer(cx, FRENCH), analyzer(cx, ENGLISH));
    let mut musts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for word in words {
        let fr_terms = analyzers::terms(&mut fr, word);
        let en_terms = analyzers::terms(&mut en, word);
        if fr_terms.is_empty() || en_terms.is_empty() {
            continue;
        }
        let per_field: [(Field, &[String], Score); 7] = [
            (f.title_fr, &fr_terms, TITLE_BOOST),
            (f.text_fr, &fr_terms, 1.0),
            (f.title_en, &en_terms, TITLE_BOOST),
            (f.text_en, &en_terms, 1.0),
            (f.title_other, std::slice::from_ref(word), TITLE_BOOST),
            (f.text_other, std::slice::from_ref(word), 1.0),
            (f.seller_name, std::slice::from_ref(word), SELLER_BOOST),
        ];
        let disjuncts = per_field
            .into_iter()
            .flat_map(|(field, terms, boost)| {
                terms
                    .iter()
                    .map(move |t| word_in_field(field, t, boost, typos))
            })
            .collect();
        musts.push((
            Occur::Must,
            Box::new(DisjunctionMaxQuery::with_tie_breaker(disjuncts, 0.1)),
        ));
    }
    (!musts.is_empty()).then(|| Box::new(BooleanQuery::new(musts)) as Box<dyn Query>)
}

/// One analyzed word in one field: exact (BM25), as a prefix, and with typos.
fn word_in_field(field: Field, text: &str, boost: Score, typos: bool) -> Box<dyn Query> {
    let term = Term::from_field_text(field, text);
    let len = text.chars().count();
    let mut ways: Vec<(Occur, Box<dyn Query>)> = vec![(
        Occur::Should,
        Box::new(BoostQuery::new(
            Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)),
            boost,
        )),
    )];
    if len >= 3 {
        let prefix = FuzzyTermQuery::new_prefix(term.clone(), 0, true);
        ways.push((
            Occur::Should,
            Box::new(BoostQuery::new(Box::new(prefix), boost * 0.5)),
        ));
    }
    if typos && len >= 4 {
        let distance = if len >= 8 { 2 } else { 1 };
        let fuzzy = FuzzyTermQuery::new(term, distance, true);
        ways.push((
            Occur::Should,
            Box::new(BoostQuery::new(Box::new(fuzzy), boost * 0.3)),
        ));
    }
    Box::new(BooleanQuery::new(ways))
}

/// Whether a courier's delivery offer in `market` serves `postcode` (or, with a location,
/// has a circular zone around it).
fn courier_serves(
    cx: &Context<'_>,
    market: &str,
    postcode: &str,
    location: Option<GeoPoint>,
) -> Result<bool, SearchError> {
    let f = cx.fields;
    let offers = |extra: Box<dyn Query>| {
        BooleanQuery::new(vec![
            (Occur::Must, term_query(f.kind, KIND_DELIVERY)),
            (Occur::Must, term_query(f.market, market)),
            (Occur::Must, extra),
        ])
    };
    if cx
        .searcher
        .search(&offers(term_query(f.postcode, postcode)), &Count)?
        > 0
    {
        return Ok(true);
    }
    let Some(location) = location else {
        return Ok(false);
    };
    let circles = cx
        .searcher
        .search(&offers(term_query(f.flags, FLAG_CIRCLE)), &DocSetCollector)?;
    for address in circles {
        let doc: TantivyDocument = cx.searcher.doc(address)?;
        let card = card_of(cx, &doc);
        let covered = card
            .circles
            .iter()
            .any(|(center, radius)| geo::distance_m(*center, location) <= f64::from(*radius));
        if covered {
            return Ok(true);
        }
    }
    Ok(false)
}

fn card_of(cx: &Context<'_>, doc: &TantivyDocument) -> Card {
    doc.get_first(cx.fields.card)
        .and_then(|v| v.as_bytes())
        .and_then(|bytes| serde_json::from_slice(bytes).ok())
        .unwrap_or_default()
}

fn hit(
    cx: &Context<'_>,
    query: &SearchQuery,
    trusted: &HashSet<String>,
    doc: &TantivyDocument,
    point: Option<u64>,
) -> Hit {
    let text = |field| {
        doc.get_first(field)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    let card = card_of(cx, doc);
    let wanted = query.language.as_deref().unwrap_or(cx.default_language);
    let pick = |texts: &smartket_protocol::kinds::MultiText| {
        texts
            .get_key_value(wanted)
            .or_else(|| texts.get_key_value(cx.default_language))
            .or_else(|| texts.iter().next())
            .map(|(lang, text)| (lang.clone(), text.clone()))
    };
    let (language, title) = pick(&card.titles).unwrap_or_default();
    let labels: BTreeSet<String> = card
        .attested
        .iter()
        .filter(|(issuer, _)| trusted.contains(issuer))
        .map(|(_, label)| label.clone())
        .collect();
    let distance_m = match (query.location, point) {
        (Some(origin), Some(packed)) => {
            Some(geo::distance_m(origin, geo::unpack(packed)).round() as u32)
        }
        _ => None,
    };
    Hit {
        id: text(cx.fields.id),
        author: text(cx.fields.author),
        key: card.key,
        seller: card.seller,
        seller_name: pick(&card.seller_names).map(|(_, name)| name),
        title,
        language,
        category: card.category,
        price: card.amount,
        currency: card.currency,
        unit: card.unit.unwrap_or(smartket_protocol::kinds::Unit::Piece),
        in_stock: card.in_stock,
        distance_m,
        labels: labels.into_iter().collect(),
    }
}
