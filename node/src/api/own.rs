//! The actor's own records over HTTP: the profile, listings (with stock changes), delivery
//! offers, attestations and memberships. JSON bodies become protocol bodies here
//! ([`body_from_json`]); everything else — revisions, lifetimes, signing, publishing — is the
//! own-records service's ([`crate::own`]), whose typed errors become HTTP answers at this edge.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value as JsonValue;
use smartket_protocol::Kind;
use utoipa::{IntoParams, ToSchema};

use super::ApiState;
use super::catalogue::{Page, market_of, page};
use super::errors::{self, ApiError, ErrorBody, Json, Path, Query};
use crate::ingest::Verdict;
use crate::own::{DAY_MS, PublishError};
use crate::record_json::{RecordJson, body_from_json, record_json};

impl From<PublishError> for ApiError {
    fn from(e: PublishError) -> ApiError {
        match e {
            PublishError::Field { .. } => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_field",
                e.to_string(),
            ),
            PublishError::Refused(e) => e.into(),
            PublishError::Exists { key } => ApiError::new(
                StatusCode::CONFLICT,
                "exists",
                format!("a record with key {key:?} exists; change it with PUT"),
            ),
            PublishError::NotFound { .. } => ApiError::not_found(e.to_string()),
            PublishError::Stale => ApiError::new(StatusCode::CONFLICT, "stale", e.to_string()),
            PublishError::Store(_) => ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "store",
                "the node's database failed; see the node's log",
            ),
            PublishError::DiskFull => ApiError::disk_full(),
        }
    }
}

/// A revision's lifetime as the API takes it (days) for the service (ms).
fn lifetime(days: Option<u64>) -> Option<u64> {
    days.map(|d| d.saturating_mul(DAY_MS))
}

/// The outcome of submitting a record.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SubmitOutcome {
    /// `accepted`, `ignored` or `rejected`.
    pub outcome: String,
    /// The record id, when it was accepted.
    #[serde(default)]
    pub id: Option<String>,
    /// Why it was not accepted.
    #[serde(default)]
    pub reason: Option<String>,
}

impl SubmitOutcome {
    /// Maps a verdict to what the API reports.
    pub fn of(verdict: &Verdict) -> SubmitOutcome {
        match verdict {
            Verdict::Accepted(record) => SubmitOutcome {
                outcome: "accepted".into(),
                id: Some(record.id.to_hex()),
                reason: None,
            },
            Verdict::Ignored(why) => SubmitOutcome {
                outcome: "ignored".into(),
                id: None,
                reason: Some(format!("{why:?}")),
            },
            Verdict::Rejected(why) => SubmitOutcome {
                outcome: "rejected".into(),
                id: None,
                reason: Some(why.to_string()),
            },
        }
    }
}

/// Submits a record signed elsewhere (the CLI signs with the data dir's key), as CBOR wire
/// bytes. The answer says whether it was accepted, ignored (duplicate, stale) or rejected.
#[utoipa::path(post, path = "/api/v1/records", tag = "own",
    request_body(content = Vec<u8>, content_type = "application/cbor"),
    responses((status = 200, body = SubmitOutcome), (status = 413, body = ErrorBody),
              (status = 415, body = ErrorBody)))]
pub async fn records_create(
    State(state): State<ApiState>,
    headers: HeaderMap,
    errors::Body(body): errors::Body,
) -> Result<Json<SubmitOutcome>, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|h| h.to_str().ok());
    if content_type.is_some_and(|t| t != "application/cbor" && t != "application/octet-stream") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "a record is sent as application/cbor",
        ));
    }
    let verdict = state.node.own().submit(body.to_vec()).await;
    Ok(Json(SubmitOutcome::of(&verdict)))
}

/// `?kind=` of the own records list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct KindQuery {
    /// Only records of this kind.
    kind: Option<String>,
}

/// The actor's own current records, of every kind or of one.
#[utoipa::path(get, path = "/api/v1/own/records", tag = "own", params(KindQuery),
    responses((status = 200, body = [RecordJson]), (status = 400, body = ErrorBody)))]
pub async fn own_records_index(
    State(state): State<ApiState>,
    Query(query): Query<KindQuery>,
) -> Result<Json<Vec<RecordJson>>, ApiError> {
    let kind = match query.kind.as_deref() {
        Some(k) => Some(
            k.parse::<Kind>()
                .map_err(|_| ApiError::bad_request("bad_kind", format!("unknown kind {k:?}")))?,
        ),
        None => None,
    };
    Ok(Json(
        state
            .node
            .own()
            .everywhere(kind)
            .iter()
            .map(record_json)
            .collect(),
    ))
}

/// A new or changed record of one's own.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordInput {
    /// The market (default: the first one joined).
    #[serde(default)]
    pub market: Option<String>,
    /// How long this revision lives, in days (at most 60; default: the previous revision's, or
    /// 30 for a slot's first); the node re-signs it before it expires.
    #[serde(default)]
    pub lifetime_days: Option<u64>,
    /// The kind's fields as in `spec/kinds.md`; byte fields (keys, signatures, blob ids) as hex.
    #[schema(value_type = Object)]
    pub body: JsonValue,
}

/// A new record of one's own, with its slot key.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInput {
    /// The slot key (e.g. a SKU). Attestations and memberships may leave it out: their key is
    /// fixed by the body (`<label>/<subject digest>`, the platform key).
    #[serde(default)]
    pub key: Option<String>,
    /// The market (default: the first one joined).
    #[serde(default)]
    pub market: Option<String>,
    /// How long this revision lives, in days (default 30, at most 60); the node re-signs it
    /// before it expires.
    #[serde(default)]
    pub lifetime_days: Option<u64>,
    /// The kind's fields as in `spec/kinds.md`; byte fields as hex.
    #[schema(value_type = Object)]
    pub body: JsonValue,
}

/// The kinds of one's own records that are collections of slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Collection {
    /// Goods and services for sale.
    Listings,
    /// A courier's delivery offers.
    DeliveryOffers,
    /// Labels issued about actors or listings (certifiers, platforms).
    Attestations,
    /// Authorisations given to platforms.
    Memberships,
}

impl Collection {
    pub(crate) fn kind(self) -> Kind {
        match self {
            Collection::Listings => Kind::Listing,
            Collection::DeliveryOffers => Kind::DeliveryOffer,
            Collection::Attestations => Kind::Attestation,
            Collection::Memberships => Kind::Membership,
        }
    }
}

/// `?market=` of the own profile.
#[derive(Debug, Deserialize, IntoParams)]
pub struct MarketQuery {
    /// The market (default: the first one joined).
    market: Option<String>,
}

/// The actor's own profile in a market.
#[utoipa::path(get, path = "/api/v1/own/profile", tag = "own", params(MarketQuery),
    responses((status = 200, body = RecordJson), (status = 404, body = ErrorBody)))]
pub async fn profile_show(
    State(state): State<ApiState>,
    Query(query): Query<MarketQuery>,
) -> Result<Json<RecordJson>, ApiError> {
    let market = market_of(&state, query.market)?;
    state
        .node
        .own()
        .current(&market, Kind::Profile, "profile")?
        .map(|r| Json(record_json(&r)))
        .ok_or_else(|| ApiError::not_found("no profile published yet in this market"))
}

/// Publishes a new revision of the actor's profile, signed by the node. `enc_key` may be left
/// out: the node fills in its own encryption key, which orders are sealed to.
#[utoipa::path(put, path = "/api/v1/own/profile", tag = "own", request_body = RecordInput,
    responses((status = 200, body = RecordJson), (status = 400, body = ErrorBody),
              (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn profile_update(
    State(state): State<ApiState>,
    Json(input): Json<RecordInput>,
) -> Result<Json<RecordJson>, ApiError> {
    let market = market_of(&state, input.market)?;
    let mut body = input.body;
    if let Some(fields) = body.as_object_mut() {
        fields
            .entry("enc_key")
            .or_insert_with(|| JsonValue::String(state.node.encryption_key().public().to_hex()));
    }
    let body = body_from_json(Kind::Profile, &body).map_err(PublishError::from)?;
    let record = state
        .node
        .own()
        .put(&market, "profile", body, lifetime(input.lifetime_days))
        .await?;
    Ok(Json(record_json(&record)))
}

/// `?market=&offset=&limit=` of a collection.
#[derive(Debug, Deserialize, IntoParams)]
pub struct CollectionQuery {
    /// The market (default: the first one joined).
    market: Option<String>,
    /// Items skipped (default 0).
    offset: Option<usize>,
    /// Items returned (default 50, at most 500).
    limit: Option<usize>,
}

/// The actor's own current records of a collection, in key order.
#[utoipa::path(get, path = "/api/v1/own/{collection}", tag = "own",
    params(("collection" = Collection, Path), CollectionQuery),
    responses((status = 200, body = Page<RecordJson>), (status = 400, body = ErrorBody)))]
pub async fn own_index(
    State(state): State<ApiState>,
    Path(collection): Path<Collection>,
    Query(query): Query<CollectionQuery>,
) -> Result<Json<Page<RecordJson>>, ApiError> {
    let market = market_of(&state, query.market)?;
    let records = state.node.own().in_market(&market, collection.kind())?;
    Ok(Json(
        page(query.offset, query.limit).of(&records, record_json),
    ))
}

/// Publishes a new record in a collection; 409 when the slot already holds one (change it with
/// PUT).
#[utoipa::path(post, path = "/api/v1/own/{collection}", tag = "own",
    params(("collection" = Collection, Path)), request_body = CreateInput,
    responses((status = 201, body = RecordJson), (status = 400, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 413, body = ErrorBody),
              (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn own_create(
    State(state): State<ApiState>,
    Path(collection): Path<Collection>,
    Json(input): Json<CreateInput>,
) -> Result<(StatusCode, Json<RecordJson>), ApiError> {
    let market = market_of(&state, input.market)?;
    let body = body_from_json(collection.kind(), &input.body).map_err(PublishError::from)?;
    let record = state
        .node
        .own()
        .create(&market, input.key, body, lifetime(input.lifetime_days))
        .await?;
    Ok((StatusCode::CREATED, Json(record_json(&record))))
}

/// One of the actor's own records. Keys containing `/` (attestations) are percent-encoded.
#[utoipa::path(get, path = "/api/v1/own/{collection}/{key}", tag = "own",
    params(("collection" = Collection, Path), ("key" = String, Path), MarketQuery),
    responses((status = 200, body = RecordJson), (status = 404, body = ErrorBody)))]
pub async fn own_show(
    State(state): State<ApiState>,
    Path((collection, key)): Path<(Collection, String)>,
    Query(query): Query<MarketQuery>,
) -> Result<Json<RecordJson>, ApiError> {
    let market = market_of(&state, query.market)?;
    state
        .node
        .own()
        .current(&market, collection.kind(), &key)?
        .map(|r| Json(record_json(&r)))
        .ok_or_else(|| ApiError::not_found(format!("no current record with key {key:?}")))
}

/// Publishes a new revision of one's own record (or the first one).
#[utoipa::path(put, path = "/api/v1/own/{collection}/{key}", tag = "own",
    params(("collection" = Collection, Path), ("key" = String, Path)), request_body = RecordInput,
    responses((status = 200, body = RecordJson), (status = 400, body = ErrorBody),
              (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn own_update(
    State(state): State<ApiState>,
    Path((collection, key)): Path<(Collection, String)>,
    Json(input): Json<RecordInput>,
) -> Result<Json<RecordJson>, ApiError> {
    let market = market_of(&state, input.market)?;
    let body = body_from_json(collection.kind(), &input.body).map_err(PublishError::from)?;
    let record = state
        .node
        .own()
        .put(&market, &key, body, lifetime(input.lifetime_days))
        .await?;
    Ok(Json(record_json(&record)))
}

/// Deletes one's own record: publishes a tombstone of the slot (for an attestation, revokes it).
#[utoipa::path(delete, path = "/api/v1/own/{collection}/{key}", tag = "own",
    params(("collection" = Collection, Path), ("key" = String, Path), MarketQuery),
    responses((status = 204, description = "Tombstone published"),
              (status = 404, body = ErrorBody)))]
pub async fn own_delete(
    State(state): State<ApiState>,
    Path((collection, key)): Path<(Collection, String)>,
    Query(query): Query<MarketQuery>,
) -> Result<Response, ApiError> {
    let market = market_of(&state, query.market)?;
    state
        .node
        .own()
        .tombstone(&market, collection.kind(), &key)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A stock change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StockInput {
    /// Units in stock; `null` for unlimited (made to order, services).
    pub stock: Option<u32>,
    /// The variant whose stock changes; the listing's own stock when absent.
    #[serde(default)]
    pub variant: Option<String>,
    /// The market (default: the first one joined).
    #[serde(default)]
    pub market: Option<String>,
}

/// Changes the stock of one's own listing (or of one of its variants): a new signed revision
/// with everything else unchanged.
#[utoipa::path(post, path = "/api/v1/own/listings/{key}/stock", tag = "own",
    params(("key" = String, Path)), request_body = StockInput,
    responses((status = 200, body = RecordJson), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn stock_update(
    State(state): State<ApiState>,
    Path(key): Path<String>,
    Json(input): Json<StockInput>,
) -> Result<Json<RecordJson>, ApiError> {
    let market = market_of(&state, input.market)?;
    let record = state
        .node
        .own()
        .set_stock(&market, &key, input.variant.as_deref(), input.stock)
        .await?;
    Ok(Json(record_json(&record)))
}
