//! The node's local HTTP API (JSON under `/api/v1`), as far as the CLI needs it today: status,
//! submitting own signed records, listing own records, starting a sync, pulling an author,
//! uploading and showing images (blobs).
//!
//! Every request must carry `Authorization: Bearer <token>` (the token lives in the data dir's
//! `api-token`, mode 0600) and a `Host` naming a loopback address: a web page the user visits
//! cannot reach the API by DNS rebinding, and a local program without the token cannot either.

use std::net::SocketAddr;

use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use smartket_protocol::blob::{BlobError, MAX_BLOB_BYTES};
use smartket_protocol::{AuthorKey, BlobId, Kind};

use crate::blobs::{BlobStoreError, BlobsError};
use crate::daemon::{Handle, Status};
use crate::ingest::Verdict;
use crate::search::{Filters, SearchError, SearchQuery, SearchResults, Sort};
use crate::sync::{PullReport, SessionError};

/// Largest request body: one record plus framing.
const MAX_BODY: usize = smartket_protocol::record::MAX_RECORD_BYTES + 1024;

/// What the API needs to answer.
#[derive(Clone)]
pub struct ApiState {
    /// The running node.
    pub node: Handle,
    /// The bearer token.
    pub token: String,
    /// The address the API is served on (for the Host check).
    pub addr: SocketAddr,
}

/// Builds every route in one place.
pub fn router(state: ApiState) -> Router {
    Router::new()
        .route("/api/v1/status", get(status_show))
        .route("/api/v1/records", post(records_create))
        .route("/api/v1/records/{id}", get(records_show))
        .route("/api/v1/slots/{author}/{kind}/{key}", get(slots_show))
        .route("/api/v1/peers", get(peers_index))
        .route("/api/v1/own/records", get(own_records_index))
        .route("/api/v1/search", get(search_listings))
        .route("/api/v1/sync", post(sync_start))
        .route(
            "/api/v1/markets/{market}/authors/{author}/pull",
            post(author_pull),
        )
        .route(
            "/api/v1/blobs",
            post(blobs_create).layer(DefaultBodyLimit::max(MAX_BLOB_BYTES as usize)),
        )
        .route("/api/v1/blobs/{id}", get(blobs_show))
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(state)
}

/// An API error: a status and a message safe to show.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": { "code": self.code, "message": self.message } });
        (self.status, Json(body)).into_response()
    }
}

async fn guard(State(state): State<ApiState>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let port = state.addr.port();
    let allowed = [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ];
    if !state.addr.ip().is_unspecified() && !allowed.iter().any(|a| a == host) {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden_host",
            "requests must be addressed to this node's loopback address",
        )
        .into_response();
    }
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "))
        .unwrap_or("");
    if !constant_time_eq(presented.as_bytes(), state.token.as_bytes()) {
        return ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "missing or wrong API token (see the data dir's api-token file)",
        )
        .into_response();
    }
    next.run(request).await
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn status_show(State(state): State<ApiState>) -> Json<Status> {
    Json(state.node.status().await)
}

/// The outcome of submitting a record.
#[derive(Debug, Serialize, Deserialize)]
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

async fn records_create(
    State(state): State<ApiState>,
    body: axum::body::Bytes,
) -> Result<Json<SubmitOutcome>, ApiError> {
    let verdict =
        state.node.submit_own(body.to_vec()).await.map_err(|e| {
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
        })?;
    Ok(Json(outcome_of(&verdict)))
}

/// Maps a verdict to what the API reports.
pub fn outcome_of(verdict: &Verdict) -> SubmitOutcome {
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

async fn records_show(
    State(state): State<ApiState>,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Json<OwnRecord>, ApiError> {
    let id: smartket_protocol::RecordId = id.parse().map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_id",
            "a record id is 64 hex characters",
        )
    })?;
    let record = state
        .node
        .store()
        .get(&id)
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "store", e.to_string()))?
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such record"))?;
    Ok(Json(record_json(&record)))
}

/// The current record of a slot; 404 when the slot is empty, deleted (tombstone) or expired.
async fn slots_show(
    State(state): State<ApiState>,
    axum::extract::Path((author, kind, key)): axum::extract::Path<(String, String, String)>,
) -> Result<Json<OwnRecord>, ApiError> {
    let bad = |what: &str| ApiError::new(StatusCode::BAD_REQUEST, "bad_slot", what.to_owned());
    let slot = smartket_protocol::Slot {
        author: author
            .parse()
            .map_err(|_| bad("the author is 64 hex characters"))?,
        kind: kind.parse().map_err(|_| bad("unknown kind"))?,
        key,
    };
    let record = state
        .node
        .store()
        .current(&slot)
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "store", e.to_string()))?
        .filter(|r| r.payload.kind != Kind::Tombstone && r.payload.expires > crate::clock::now_ms())
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", "no current record"))?;
    Ok(Json(record_json(&record)))
}

/// A connected peer, as the API shows it.
#[derive(Debug, Serialize, Deserialize)]
pub struct PeerJson {
    /// libp2p peer id.
    pub peer_id: String,
    /// Gossipsub score, when known.
    pub score: Option<f64>,
}

async fn peers_index(State(state): State<ApiState>) -> Result<Json<Vec<PeerJson>>, ApiError> {
    let peers =
        state.node.network().peers().await.map_err(|e| {
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "network", e.to_string())
        })?;
    Ok(Json(
        peers
            .into_iter()
            .map(|p| PeerJson {
                peer_id: p.peer_id.to_string(),
                score: p.score,
            })
            .collect(),
    ))
}

/// `GET /api/v1/search` parameters. Lists are comma-separated. Trusted issuers and the
/// location are parameters until the node keeps them as settings (issue 5).
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct SearchParams {
    q: String,
    market: Option<String>,
    lang: Option<String>,
    category: Option<String>,
    sellers: Option<String>,
    roles: Option<String>,
    labels: Option<String>,
    payment: Option<String>,
    deliver_to: Option<String>,
    pickup_within_m: Option<u32>,
    price_min: Option<u64>,
    price_max: Option<u64>,
    in_stock: bool,
    trusted: Option<String>,
    lat_e4: Option<i32>,
    lon_e4: Option<i32>,
    sort: Option<String>,
    offset: usize,
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
    serde_json::from_value(serde_json::Value::String(value.to_owned())).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_query",
            format!("unknown {name} {value:?}"),
        )
    })
}

/// Searches the catalogue of a joined market (the first one by default).
async fn search_listings(
    State(state): State<ApiState>,
    query: Result<Query<SearchParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<SearchResults>, ApiError> {
    let Query(p) =
        query.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad_query", e.body_text()))?;
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
        (Some(lat_e4), Some(lon_e4)) => Some(smartket_protocol::kinds::GeoPoint { lat_e4, lon_e4 }),
        (None, None) => None,
        _ => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_query",
                "a location needs both lat_e4 and lon_e4",
            ));
        }
    };
    let query = SearchQuery {
        market,
        text: p.q,
        language: p.lang,
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
        trusted_issuers: comma_list(p.trusted.as_deref()),
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
            SearchError::InvalidQuery(_) => {
                ApiError::new(StatusCode::BAD_REQUEST, "bad_query", e.to_string())
            }
            SearchError::UnknownMarket(_) => {
                ApiError::new(StatusCode::NOT_FOUND, "not_joined", e.to_string())
            }
            _ => {
                tracing::warn!("search failed: {e}");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "search failed",
                )
            }
        })
}

/// Answer to `POST /api/v1/sync`.
#[derive(Debug, Serialize, Deserialize)]
pub struct SyncStarted {
    /// False when a run was already going (its progress is in `status.sync.run` either way).
    pub started: bool,
}

/// Starts syncing with every connected peer; follow it in `GET /api/v1/status` (`sync.run`).
async fn sync_start(State(state): State<ApiState>) -> (StatusCode, Json<SyncStarted>) {
    let started = state.node.start_sync();
    (StatusCode::ACCEPTED, Json(SyncStarted { started }))
}

/// Pulls one author's whole current catalogue in a market from its node or any peer.
async fn author_pull(
    State(state): State<ApiState>,
    axum::extract::Path((market, author)): axum::extract::Path<(String, String)>,
) -> Result<Json<PullReport>, ApiError> {
    let author: smartket_protocol::AuthorKey = author.parse().map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_author",
            "the author is 64 hex characters",
        )
    })?;
    state
        .node
        .pull_author(&market, &author)
        .await
        .map(Json)
        .map_err(|e| match e {
            SessionError::NotJoined(_) => {
                ApiError::new(StatusCode::NOT_FOUND, "not_joined", e.to_string())
            }
            SessionError::NoPeer => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "no_peer", e.to_string())
            }
            _ => ApiError::new(StatusCode::BAD_GATEWAY, "peer_failed", e.to_string()),
        })
}

/// A record as the API shows it.
pub fn record_json(r: &smartket_protocol::Record) -> OwnRecord {
    OwnRecord {
        id: r.id.to_hex(),
        market: r.payload.market.clone(),
        kind: r.payload.kind.as_str().into(),
        key: r.payload.key.clone(),
        rev: r.payload.rev,
        expires: r.payload.expires,
        body: serde_json::to_value(&r.payload.body).unwrap_or(serde_json::Value::Null),
    }
}

#[derive(Deserialize)]
struct KindQuery {
    kind: Option<String>,
}

/// One of the actor's own records, as JSON.
#[derive(Debug, Serialize, Deserialize)]
pub struct OwnRecord {
    /// Record id (hex).
    pub id: String,
    /// Market id.
    pub market: String,
    /// Kind.
    pub kind: String,
    /// Slot key.
    pub key: String,
    /// Revision (ms).
    pub rev: u64,
    /// Expiry (ms).
    pub expires: u64,
    /// The body as JSON.
    pub body: serde_json::Value,
}

async fn own_records_index(
    State(state): State<ApiState>,
    Query(query): Query<KindQuery>,
) -> Result<Json<Vec<OwnRecord>>, ApiError> {
    let kind = match query.kind.as_deref() {
        Some(k) => Some(k.parse::<Kind>().map_err(|_| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_kind",
                format!("unknown kind {k:?}"),
            )
        })?),
        None => None,
    };
    let records = state
        .node
        .own_records(kind)
        .into_iter()
        .map(|r| record_json(&r))
        .collect();
    Ok(Json(records))
}

/// The id of an uploaded blob.
#[derive(Debug, Serialize, Deserialize)]
pub struct BlobCreated {
    /// The blob id (blake3 of the bytes, hex).
    pub id: String,
    /// The sniffed media type.
    pub media_type: String,
}

/// Stores an image sent as the raw request body: 413 over 8 MiB, 415 when not JPEG, PNG or
/// WebP (by its bytes, whatever the request's Content-Type says).
async fn blobs_create(
    State(state): State<ApiState>,
    body: Result<axum::body::Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<BlobCreated>), ApiError> {
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            ApiError::new(e.status(), "bad_body", e.body_text())
        }
    })?;
    let (id, media) = state
        .node
        .put_blob(body.to_vec())
        .await
        .map_err(|e| match e {
            BlobsError::Store(BlobStoreError::Invalid(invalid)) => match invalid {
                BlobError::TooLarge { .. } => too_large(),
                BlobError::Empty => ApiError::new(StatusCode::BAD_REQUEST, "empty", "no bytes"),
                other => ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media",
                    other.to_string(),
                ),
            },
            other => ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "blobs",
                other.to_string(),
            ),
        })?;
    Ok((
        StatusCode::CREATED,
        Json(BlobCreated {
            id: id.to_hex(),
            media_type: media.mime().into(),
        }),
    ))
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!("an image is at most {MAX_BLOB_BYTES} bytes"),
    )
}

#[derive(Deserialize)]
struct BlobQuery {
    /// The author of the record naming the blob: their node is asked first.
    author: Option<String>,
}

/// Serves a blob's bytes with their sniffed type, fetching it from peers when it is not held.
/// A blob never changes under its name, so it may be cached for good.
async fn blobs_show(
    State(state): State<ApiState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    Query(query): Query<BlobQuery>,
) -> Result<Response, ApiError> {
    let bad = |what: &str| ApiError::new(StatusCode::BAD_REQUEST, "bad_id", what.to_owned());
    let id: BlobId = id
        .parse()
        .map_err(|_| bad("a blob id is 64 hex characters"))?;
    let author: Option<AuthorKey> = query
        .author
        .map(|a| a.parse())
        .transpose()
        .map_err(|_| bad("the author is 64 hex characters"))?;
    let (bytes, media) = state
        .node
        .blob(id, author)
        .await
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "blobs", e.to_string()))?
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "neither this node nor a connected peer holds this blob",
            )
        })?;
    Ok((
        [
            (header::CONTENT_TYPE, media.mime()),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        bytes,
    )
        .into_response())
}
