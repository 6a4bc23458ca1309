//! `GET /api/v1/search`: the catalogue of a joined market through the search index. Trusted
//! issuers and the user's location come from the node's settings; a script may override them
//! per request.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use smartket_protocol::kinds::GeoPoint;
use utoipa::IntoParams;

use super::ApiState;
use super::errors::{ApiError, ErrorBody, Json, Query};
use crate::search::{Filters, SearchError, SearchQuery, SearchResults, Sort};

/// Search parameters. Lists are comma-separated.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default, deny_unknown_fields)]
pub struct SearchParams {
    /// Words to look for (empty: everything, newest first unless sorted otherwise).
    q: String,
    /// Market id (default: the first joined).
    market: Option<String>,
    /// Language to show titles in (default: the first of the settings' languages).
    lang: Option<String>,
    /// Category path, e.g. `food.dairy`; its sub-categories match too.
    category: Option<String>,
    /// Sellers' keys.
    sellers: Option<String>,
    /// Seller roles, e.g. `producer,shop`.
    roles: Option<String>,
    /// Labels, each attested by a trusted issuer.
    labels: Option<String>,
    /// Payment means accepted, e.g. `local:LEM`.
    payment: Option<String>,
    /// A postcode the listing can be delivered to (by the seller or a courier).
    deliver_to: Option<String>,
    /// Pick-up at most this many metres from the location.
    pickup_within_m: Option<u32>,
    /// Lowest price, minor units.
    price_min: Option<u64>,
    /// Highest price, minor units.
    price_max: Option<u64>,
    /// Only what is in stock.
    in_stock: bool,
    /// Trusted issuers' keys (default: the settings').
    trusted: Option<String>,
    /// Latitude × 10⁴ (default: the settings' location).
    lat_e4: Option<i32>,
    /// Longitude × 10⁴ (default: the settings' location).
    lon_e4: Option<i32>,
    /// `relevance`, `price_asc`, `price_desc`, `distance` or `newest`.
    sort: Option<String>,
    /// Hits to skip.
    offset: usize,
    /// Hits in this page (default 20, at most 100).
    limit: Option<usize>,
}

fn comma_list(list: Option<&str>) -> Vec<String> {
    list.map(|l| {
        l.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    })
    .unwrap_or_default()
}

/// Reads a snake_case enum value (a role, a sort order) the way the JSON API spells it.
fn enum_param<T: serde::de::DeserializeOwned>(name: &str, value: &str) -> Result<T, ApiError> {
    serde_json::from_value(serde_json::Value::String(value.to_owned()))
        .map_err(|_| ApiError::bad_request("bad_query", format!("unknown {name} {value:?}")))
}

/// Searches the catalogue of a joined market, with facet counts over every match.
#[utoipa::path(get, path = "/api/v1/search", tag = "catalogue", params(SearchParams),
    responses((status = 200, body = SearchResults), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn search_listings(
    State(state): State<ApiState>,
    Query(p): Query<SearchParams>,
) -> Result<Json<SearchResults>, ApiError> {
    let settings = state.settings();
    let market = match p.market {
        Some(m) => m,
        None => state
            .node
            .markets()
            .first()
            .map(|m| m.id.clone())
            .unwrap_or_default(),
    };
    let roles = comma_list(p.roles.as_deref())
        .iter()
        .map(|r| enum_param("role", r))
        .collect::<Result<_, _>>()?;
    let sort = match p.sort.as_deref() {
        Some(s) => enum_param("sort", s)?,
        None => Sort::default(),
    };
    let location = match (p.lat_e4, p.lon_e4) {
        (Some(lat_e4), Some(lon_e4)) => Some(GeoPoint { lat_e4, lon_e4 }),
        (None, None) => settings.location.as_ref().map(|l| l.geo_point()),
        _ => {
            return Err(ApiError::bad_request(
                "bad_query",
                "a location needs both lat_e4 and lon_e4",
            ));
        }
    };
    let trusted_issuers = match p.trusted {
        Some(list) => comma_list(Some(&list)),
        None => settings.trusted_issuers.clone(),
    };
    let query = SearchQuery {
        market,
        text: p.q,
        language: p.lang.or_else(|| settings.languages.first().cloned()),
        filters: Filters {
            category: p.category,
            sellers: comma_list(p.sellers.as_deref()),
            roles,
            labels: comma_list(p.labels.as_deref()),
            payment: comma_list(p.payment.as_deref()),
            deliver_to: p.deliver_to,
            pickup_within_m: p.pickup_within_m,
            price_min: p.price_min,
            price_max: p.price_max,
            in_stock: p.in_stock,
        },
        trusted_issuers,
        location,
        sort,
        offset: p.offset,
        limit: p.limit.unwrap_or(crate::search::DEFAULT_LIMIT),
    };
    state
        .node
        .search(query)
        .await
        .map(Json)
        .map_err(|e| match e {
            SearchError::InvalidQuery(_) => ApiError::bad_request("bad_query", e.to_string()),
            SearchError::UnknownMarket(_) => {
                ApiError::new(StatusCode::NOT_FOUND, "not_joined", e.to_string())
            }
            _ => {
                tracing::warn!("search failed: {e}");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "search failed; see the node's log",
                )
            }
        })
}
