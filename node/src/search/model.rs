//! The query and result types: plain data with serde, so the HTTP API can take a query as JSON
//! and return results as JSON unchanged. Keys and ids are lower-case hex, amounts are minor
//! units (centimes), points are the protocol's 1e-4 degree integers.

use serde::{Deserialize, Serialize};
use smartket_protocol::kinds::{GeoPoint, Role, Unit};

/// Results per page when the query does not say.
pub const DEFAULT_LIMIT: usize = 20;
/// Most results one page may ask for.
pub const MAX_LIMIT: usize = 200;
/// Deepest result a page may start at: ranking keeps `offset + limit` candidates in memory.
pub const MAX_OFFSET: usize = 10_000;

/// A search over one market's current listings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SearchQuery {
    /// The market searched (`geneva`).
    pub market: String,
    /// Words typed by the user, in any of the market's languages; empty lists everything that
    /// passes the filters.
    pub text: String,
    /// Language titles and names are shown in (falls back to the market's default language,
    /// then to any language the listing has).
    pub language: Option<String>,
    /// Restrictions on what is returned; facet counts are over what passes them.
    pub filters: Filters,
    /// Issuers (hex keys) whose labels count: the node's setting, passed by the caller.
    /// Labels from anyone else are neither shown, counted nor matched.
    pub trusted_issuers: Vec<String>,
    /// The user's location: needed by the distance sort and the pick-up radius, and used to
    /// match couriers' circular zones.
    pub location: Option<GeoPoint>,
    /// Order of the results.
    pub sort: Sort,
    /// Results skipped (pagination), at most [`MAX_OFFSET`].
    pub offset: usize,
    /// Results returned, at most [`MAX_LIMIT`].
    pub limit: usize,
}

impl Default for SearchQuery {
    fn default() -> SearchQuery {
        SearchQuery {
            market: String::new(),
            text: String::new(),
            language: None,
            filters: Filters::default(),
            trusted_issuers: Vec::new(),
            location: None,
            sort: Sort::Relevance,
            offset: 0,
            limit: DEFAULT_LIMIT,
        }
    }
}

/// Filters; every one given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Filters {
    /// A category code of the market's taxonomy; its sub-categories are included
    /// (`food.dairy` returns cheese and milk).
    pub category: Option<String>,
    /// Sellers (hex keys); a listing by any of them passes.
    pub sellers: Vec<String>,
    /// Seller roles; a seller with any of them passes.
    pub roles: Vec<Role>,
    /// Labels that must all be attested, each by at least one trusted issuer, about the
    /// listing or its seller.
    pub labels: Vec<String>,
    /// Payment means that must all be accepted: `cash_on_pickup`, `cash_on_delivery`,
    /// `card_on_pickup`, `card_on_delivery`, `bank_transfer`, `other`, or `local:<CODE>` for a
    /// local currency (`local:LEM`, "accepts Léman").
    pub payment: Vec<String>,
    /// A postcode the goods can be delivered to, by the seller itself or by a courier whose
    /// delivery offer serves it.
    pub deliver_to: Option<String>,
    /// Pick-up possible within this many metres of [`SearchQuery::location`].
    pub pickup_within_m: Option<u32>,
    /// Lowest price, minor units of the market's base currency.
    pub price_min: Option<u64>,
    /// Highest price, minor units of the market's base currency.
    pub price_max: Option<u64>,
    /// Only listings in stock (or not tracking stock).
    pub in_stock: bool,
}

/// Order of the results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Best text match first (BM25, titles weigh most).
    #[default]
    Relevance,
    /// Cheapest first, in the base currency.
    PriceAsc,
    /// Dearest first.
    PriceDesc,
    /// Nearest seller first; needs [`SearchQuery::location`].
    Distance,
    /// Most recently first published first.
    Newest,
}

/// One page of results.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SearchResults {
    /// Listings matching the query and filters, all pages together.
    pub total: u64,
    /// This page.
    pub hits: Vec<Hit>,
    /// Counts over every matching listing.
    pub facets: Facets,
}

/// One listing found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Hit {
    /// Record id (hex) of the listing's current revision.
    pub id: String,
    /// The record's author (hex).
    pub author: String,
    /// The listing's slot key (the seller's reference).
    pub key: String,
    /// The seller (hex): the author, or the member a platform publishes for.
    pub seller: String,
    /// The seller's name in the language shown, when its profile is known.
    pub seller_name: Option<String>,
    /// Title in the language shown.
    pub title: String,
    /// The language of `title`.
    pub language: String,
    /// Category code.
    pub category: String,
    /// Price, minor units of `currency`.
    pub price: u64,
    /// Currency code.
    pub currency: String,
    /// What the price buys.
    #[schema(value_type = Object)]
    pub unit: Unit,
    /// Whether it is in stock (or does not track stock).
    pub in_stock: bool,
    /// Metres from the query's location to the seller, when both are known.
    pub distance_m: Option<u32>,
    /// Labels attested by trusted issuers, sorted, without repeats.
    pub labels: Vec<String>,
}

/// Facet counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Facets {
    /// The sub-categories of the filtered category (the top level when none), each counting
    /// its own sub-categories' listings.
    pub categories: Vec<FacetCount>,
    /// Sellers (hex keys), most listings first.
    pub sellers: Vec<FacetCount>,
    /// Seller roles.
    pub roles: Vec<FacetCount>,
    /// Labels attested by trusted issuers.
    pub labels: Vec<FacetCount>,
    /// Payment means, as in [`Filters::payment`].
    pub payment: Vec<FacetCount>,
}

/// A facet value and how many matching listings have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FacetCount {
    /// The value.
    pub value: String,
    /// Matching listings.
    pub count: u64,
}
