//! The actor's own records, signed here with the node's key: the profile, listings (with stock
//! changes), delivery offers, attestations and memberships. A change is a new signed revision of
//! the slot, published to the market; a deletion is a tombstone.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value as JsonValue;
use smartket_protocol::kinds::{Body, Tombstone};
use smartket_protocol::record::next_rev;
use smartket_protocol::{Kind, Payload, Record, Slot};
use utoipa::{IntoParams, ToSchema};

use super::ApiState;
use super::catalogue::{Page, market_of, page};
use super::errors::{self, ApiError, ErrorBody, Json, Path, Query};
use super::records::{Draft, RecordJson, attestation_key, record_json};
use crate::clock::now_ms;
use crate::ingest::{IgnoreReason, Verdict};

/// Lifetime of a revision when the request names none; the node re-signs before expiry.
const DEFAULT_LIFETIME_DAYS: u64 = 30;
const DAY_MS: u64 = 24 * 3600 * 1000;

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
    let verdict = state.node.submit_own(body.to_vec()).await.map_err(|e| {
        tracing::error!("API: submitting a record: {e}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the node could not take the record",
        )
    })?;
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
            .own_records(kind)
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
    /// How long this revision lives, in days (default 30, at most 60); the node re-signs it
    /// before it expires.
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
    /// How long this revision lives, in days (default 30, at most 60).
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

/// The actor's current record of a slot (tombstoned and expired slots are empty).
pub(crate) fn own_current(
    state: &ApiState,
    market: &str,
    kind: Kind,
    key: &str,
) -> Result<Option<Record>, ApiError> {
    let slot = Slot {
        author: state.node.author(),
        kind,
        key: key.to_owned(),
    };
    Ok(state.node.store().current(&slot)?.filter(|r| {
        r.payload.market == market
            && r.payload.kind != Kind::Tombstone
            && r.payload.expires > now_ms()
    }))
}

/// Signs and publishes; the store's verdict becomes the answer.
pub(crate) async fn publish(state: &ApiState, payload: Payload) -> Result<Record, ApiError> {
    let verdict = state.node.publish_payload(payload).await.map_err(|e| {
        tracing::error!("API: publishing: {e}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the node could not publish the record",
        )
    })?;
    match verdict {
        Verdict::Accepted(record) => Ok(record),
        Verdict::Rejected(e) => Err(e.into()),
        Verdict::Ignored(IgnoreReason::LocalFailure(e)) => {
            tracing::error!("API: storing own record: {e}");
            Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "store",
                "the node's database failed; see the node's log",
            ))
        }
        Verdict::Ignored(_) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "stale",
            "the slot already holds this or a newer revision",
        )),
    }
}

/// Builds the next revision of a slot from a JSON body, signs and publishes it.
pub(crate) async fn put_record(
    state: &ApiState,
    kind: Kind,
    key: &str,
    market: String,
    lifetime_days: Option<u64>,
    body: &JsonValue,
) -> Result<Record, ApiError> {
    let previous = own_current(state, &market, kind, key)?;
    let now = now_ms();
    let rev = previous
        .as_ref()
        .map_or(now, |p| next_rev(p.payload.rev, now));
    let draft = Draft {
        author: state.node.author(),
        kind,
        market: &market,
        key,
        created: previous.as_ref().map_or(rev, |p| p.payload.created),
        rev,
        lifetime_ms: lifetime_days
            .unwrap_or(DEFAULT_LIFETIME_DAYS)
            .saturating_mul(DAY_MS),
    };
    let payload = draft.payload(body)?;
    publish(state, payload).await
}

/// Publishes `body` as the next revision of one's own slot `key` (or its first), living the
/// previous revision's lifetime or the default: the typed path the web UI's forms take.
pub(crate) async fn put_body(
    state: &ApiState,
    market: &str,
    key: &str,
    body: Body,
) -> Result<Record, ApiError> {
    let now = now_ms();
    let payload = match own_current(state, market, body.kind(), key)? {
        Some(previous) => previous.payload.next_revision(now, body),
        None => Payload::new(market, key, now, DEFAULT_LIFETIME_DAYS * DAY_MS, body),
    };
    publish(state, payload).await
}

/// Publishes a tombstone of one's own slot (for an attestation, revokes it); 404 when the slot
/// holds no current record.
pub(crate) async fn tombstone(
    state: &ApiState,
    market: String,
    kind: Kind,
    key: String,
) -> Result<(), ApiError> {
    let Some(current) = own_current(state, &market, kind, &key)? else {
        return Err(ApiError::not_found(format!(
            "no current record with key {key:?}"
        )));
    };
    let rev = next_rev(current.payload.rev, now_ms());
    let payload = Payload::new(
        market,
        key,
        rev,
        smartket_protocol::record::MAX_LIFETIME_MS,
        Body::Tombstone(Tombstone { target_kind: kind }),
    );
    publish(state, payload).await.map(|_| ())
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
    own_current(&state, &market, Kind::Profile, "profile")?
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
    let record = put_record(
        &state,
        Kind::Profile,
        "profile",
        market,
        input.lifetime_days,
        &body,
    )
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
    let mut records: Vec<Record> = state
        .node
        .store()
        .by_author(&market, &state.node.author())?
        .into_iter()
        .filter(|r| r.payload.kind == collection.kind())
        .collect();
    records.sort_by(|a, b| a.payload.key.cmp(&b.payload.key));
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
    let record = create_own(&state, collection, input).await?;
    Ok((StatusCode::CREATED, Json(record_json(&record))))
}

/// Publishes the first record of a slot in a collection, refusing a slot that holds one: the
/// API's `POST` and the web UI's creation forms both come here.
pub(crate) async fn create_own(
    state: &ApiState,
    collection: Collection,
    input: CreateInput,
) -> Result<Record, ApiError> {
    let market = market_of(state, input.market)?;
    let derived = match collection {
        Collection::Attestations => attestation_key(&input.body),
        Collection::Memberships => input.body["platform"].as_str().map(str::to_owned),
        Collection::Listings | Collection::DeliveryOffers => None,
    };
    let key = input.key.or(derived).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "invalid field key: required",
        )
    })?;
    if own_current(state, &market, collection.kind(), &key)?.is_some() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "exists",
            format!("a record with key {key:?} exists; change it with PUT"),
        ));
    }
    let record = put_record(
        state,
        collection.kind(),
        &key,
        market,
        input.lifetime_days,
        &input.body,
    )
    .await?;
    Ok(record)
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
    own_current(&state, &market, collection.kind(), &key)?
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
    let record = put_record(
        &state,
        collection.kind(),
        &key,
        market,
        input.lifetime_days,
        &input.body,
    )
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
    tombstone(&state, market, collection.kind(), key).await?;
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
    let current = own_current(&state, &market, Kind::Listing, &key)?
        .ok_or_else(|| ApiError::not_found(format!("no current listing with key {key:?}")))?;
    let Body::Listing(mut listing) = current.payload.body.clone() else {
        return Err(ApiError::not_found(format!(
            "no current listing with key {key:?}"
        )));
    };
    match &input.variant {
        None => listing.stock = input.stock,
        Some(id) => {
            let variant = listing
                .variants
                .iter_mut()
                .find(|v| &v.id == id)
                .ok_or_else(|| {
                    ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "invalid_field",
                        format!("invalid field variant: the listing has no variant {id:?}"),
                    )
                })?;
            variant.stock = input.stock;
        }
    }
    let payload = current
        .payload
        .next_revision(now_ms(), Body::Listing(listing));
    let record = publish(&state, payload).await?;
    Ok(Json(record_json(&record)))
}
