//! The market's catalogue as this node holds it, read from the store: records by id or slot, a
//! listing, a seller with its listings, the delivery offers serving a postcode, the attestations
//! about an actor or a listing. Lists that can be long are paged.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use smartket_protocol::kinds::Subject;
use smartket_protocol::{AuthorKey, Body, Kind, Record, RecordId, Slot};
use utoipa::{IntoParams, ToSchema};

use super::ApiState;
use super::errors::{ApiError, ErrorBody, Json, Path, Query};
use crate::clock::now_ms;
use crate::record_json::{RecordJson, record_json};

/// Items per page when the request names no limit.
const DEFAULT_LIMIT: usize = 50;
/// Most items per page.
const MAX_LIMIT: usize = 500;

/// Which part of a list a request asks for.
#[derive(Debug, Default)]
pub struct PageQuery {
    offset: Option<usize>,
    limit: Option<usize>,
}

/// The page `?offset=&limit=` names.
pub fn page(offset: Option<usize>, limit: Option<usize>) -> PageQuery {
    PageQuery { offset, limit }
}

impl PageQuery {
    /// The page of `items` this query asks for, each shown by `show`.
    pub fn of<T, U>(&self, items: &[T], show: impl Fn(&T) -> U) -> Page<U> {
        let offset = self.offset.unwrap_or(0);
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
        Page {
            total: items.len(),
            offset,
            limit,
            items: items.iter().skip(offset).take(limit).map(show).collect(),
        }
    }
}

/// One page of a list.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    /// How many items the whole list holds.
    pub total: usize,
    /// Items skipped.
    pub offset: usize,
    /// Most items on this page.
    pub limit: usize,
    /// This page's items.
    pub items: Vec<T>,
}

fn parse_author(author: &str) -> Result<AuthorKey, ApiError> {
    author
        .parse()
        .map_err(|_| ApiError::bad_request("bad_author", "an author is 64 hex characters"))
}

fn parse_id(id: &str) -> Result<RecordId, ApiError> {
    id.parse()
        .map_err(|_| ApiError::bad_request("bad_id", "a record id is 64 hex characters"))
}

/// The market a request names (joined), or the first one joined.
pub(crate) fn market_of(state: &ApiState, market: Option<String>) -> Result<String, ApiError> {
    let joined = state.node.markets();
    match market {
        Some(m) if joined.iter().any(|j| j.id == m) => Ok(m),
        Some(m) => Err(ApiError::not_found(format!(
            "this node has not joined market {m:?}"
        ))),
        None => joined
            .first()
            .map(|m| m.id.clone())
            .ok_or_else(|| ApiError::not_found("this node has joined no market")),
    }
}

fn is_live(record: &Record) -> bool {
    record.payload.kind != Kind::Tombstone && record.payload.expires > now_ms()
}

/// A record held by this node, by id (any kind, including superseded revisions still held).
#[utoipa::path(get, path = "/api/v1/records/{id}", tag = "catalogue",
    params(("id" = String, Path, description = "Record id, 64 hex characters")),
    responses((status = 200, body = RecordJson), (status = 400, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn records_show(
    State(state): State<ApiState>,
    Path(id): Path<String>,
) -> Result<Json<RecordJson>, ApiError> {
    let id = parse_id(&id)?;
    state
        .node
        .store()
        .get(&id)?
        .map(|r| Json(record_json(&r)))
        .ok_or_else(|| ApiError::not_found("no such record"))
}

/// The current record of a slot; 404 when the slot is empty, deleted (tombstone) or expired.
#[utoipa::path(get, path = "/api/v1/slots/{author}/{kind}/{key}", tag = "catalogue",
    params(("author" = String, Path), ("kind" = String, Path), ("key" = String, Path)),
    responses((status = 200, body = RecordJson), (status = 400, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn slots_show(
    State(state): State<ApiState>,
    Path((author, kind, key)): Path<(String, String, String)>,
) -> Result<Json<RecordJson>, ApiError> {
    let slot = Slot {
        author: parse_author(&author)?,
        kind: kind
            .parse()
            .map_err(|_| ApiError::bad_request("bad_kind", format!("unknown kind {kind:?}")))?,
        key,
    };
    state
        .node
        .store()
        .current(&slot)?
        .filter(is_live)
        .map(|r| Json(record_json(&r)))
        .ok_or_else(|| ApiError::not_found("no current record in this slot"))
}

/// A current listing, by record id.
#[utoipa::path(get, path = "/api/v1/listings/{id}", tag = "catalogue",
    params(("id" = String, Path, description = "Record id, 64 hex characters")),
    responses((status = 200, body = RecordJson), (status = 400, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn listings_show(
    State(state): State<ApiState>,
    Path(id): Path<String>,
) -> Result<Json<RecordJson>, ApiError> {
    let id = parse_id(&id)?;
    let store = state.node.store();
    let record = store
        .get(&id)?
        .filter(|r| r.payload.kind == Kind::Listing && is_live(r))
        .ok_or_else(|| ApiError::not_found("no such listing"))?;
    // A superseded revision is not the listing any more: it is served only while current.
    let current = store.current(&record.slot())?;
    if current.is_none_or(|c| c.id != record.id) {
        return Err(ApiError::not_found("this listing was changed or withdrawn"));
    }
    Ok(Json(record_json(&record)))
}

/// `?market=&offset=&limit=`
#[derive(Debug, Deserialize, IntoParams)]
pub struct MarketPageQuery {
    /// The market (default: the first one joined).
    market: Option<String>,
    /// Items skipped (default 0).
    offset: Option<usize>,
    /// Items returned (default 50, at most 500).
    limit: Option<usize>,
}

/// A seller: its profile (if known) and a page of its current listings.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Seller {
    /// The seller's key.
    pub author: String,
    /// Its profile, when this node holds one.
    pub profile: Option<RecordJson>,
    /// Its current listings, in key order.
    pub listings: Page<RecordJson>,
}

/// A seller's profile and listings.
#[utoipa::path(get, path = "/api/v1/sellers/{author}", tag = "catalogue",
    params(("author" = String, Path), MarketPageQuery),
    responses((status = 200, body = Seller), (status = 400, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn sellers_show(
    State(state): State<ApiState>,
    Path(author): Path<String>,
    Query(query): Query<MarketPageQuery>,
) -> Result<Json<Seller>, ApiError> {
    let author = parse_author(&author)?;
    let market = market_of(&state, query.market)?;
    let records = state.node.store().by_author(&market, &author)?;
    if records.is_empty() {
        return Err(ApiError::not_found(
            "this node holds nothing of this seller",
        ));
    }
    let profile = records
        .iter()
        .find(|r| r.payload.kind == Kind::Profile)
        .map(record_json);
    let mut listings: Vec<&Record> = records
        .iter()
        .filter(|r| r.payload.kind == Kind::Listing)
        .collect();
    listings.sort_by(|a, b| a.payload.key.cmp(&b.payload.key));
    Ok(Json(Seller {
        author: author.to_hex(),
        profile,
        listings: page(query.offset, query.limit).of(&listings, |r| record_json(r)),
    }))
}

/// `?postcode=&market=&offset=&limit=`
#[derive(Debug, Deserialize, IntoParams)]
pub struct PostcodeQuery {
    /// Only offers whose zones list this postcode.
    postcode: Option<String>,
    /// The market (default: the first one joined).
    market: Option<String>,
    /// Items skipped (default 0).
    offset: Option<usize>,
    /// Items returned (default 50, at most 500).
    limit: Option<usize>,
}

/// Current delivery offers, optionally only those serving a postcode.
#[utoipa::path(get, path = "/api/v1/delivery-offers", tag = "catalogue", params(PostcodeQuery),
    responses((status = 200, body = Page<RecordJson>), (status = 404, body = ErrorBody)))]
pub async fn delivery_offers_index(
    State(state): State<ApiState>,
    Query(query): Query<PostcodeQuery>,
) -> Result<Json<Page<RecordJson>>, ApiError> {
    let market = market_of(&state, query.market)?;
    let offers: Vec<Record> = state
        .node
        .store()
        .current_in_market(&market, Some(Kind::DeliveryOffer))?
        .into_iter()
        .filter(|r| match (&r.payload.body, &query.postcode) {
            (Body::DeliveryOffer(offer), Some(postcode)) => offer
                .zones
                .iter()
                .any(|z| z.postcodes.iter().any(|p| p == postcode)),
            (Body::DeliveryOffer(_), None) => true,
            _ => false,
        })
        .collect();
    Ok(Json(
        page(query.offset, query.limit).of(&offers, record_json),
    ))
}

/// `?author=&key=&market=&offset=&limit=`: the subject is the actor `author`, or its listing
/// `key` when given.
#[derive(Debug, Deserialize, IntoParams)]
pub struct SubjectQuery {
    /// The actor (64 hex characters), or the listing's author.
    author: String,
    /// The listing's slot key, for attestations about a listing.
    key: Option<String>,
    /// Only attestations valid now (default true).
    valid: Option<bool>,
    /// The market (default: the first one joined).
    market: Option<String>,
    /// Items skipped (default 0).
    offset: Option<usize>,
    /// Items returned (default 50, at most 500).
    limit: Option<usize>,
}

/// Current attestations about an actor or a listing, from every issuer (the client decides which
/// issuers it trusts; `GET /api/v1/settings` lists the owner's).
#[utoipa::path(get, path = "/api/v1/attestations", tag = "catalogue", params(SubjectQuery),
    responses((status = 200, body = Page<RecordJson>), (status = 400, body = ErrorBody)))]
pub async fn attestations_index(
    State(state): State<ApiState>,
    Query(query): Query<SubjectQuery>,
) -> Result<Json<Page<RecordJson>>, ApiError> {
    let market = market_of(&state, query.market)?;
    let author = parse_author(&query.author)?;
    let subject = match query.key {
        Some(key) => Subject::Listing { author, key },
        None => Subject::Actor { key: author },
    };
    let attestations = state.node.store().attestations_about(
        &market,
        &subject,
        query.valid.unwrap_or(true),
        now_ms(),
    )?;
    Ok(Json(
        page(query.offset, query.limit).of(&attestations, record_json),
    ))
}
