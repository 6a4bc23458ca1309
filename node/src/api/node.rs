//! The node itself: who it is, how it is doing, its peers and markets, the owner's settings, and
//! starting a catch-up sync or an author pull.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ApiState;
use super::errors::{ApiError, ErrorBody, Json, Path};
use crate::daemon::Status;
use crate::settings::{Settings, SettingsError};
use crate::sync::{PullReport, SessionError};

/// Who this node is.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NodeInfo {
    /// The actor's public key (64 hex characters).
    pub author: String,
    /// The libp2p peer id (same key).
    pub peer_id: String,
    /// The actor's role (producer, shop, courier, certifier, platform, consumer, cooperative…).
    pub role: String,
    /// The name from the config.
    pub name: String,
    /// The node's software version.
    pub version: String,
    /// The markets joined, by id.
    pub markets: Vec<String>,
}

/// Who this node is.
#[utoipa::path(get, path = "/api/v1/node", tag = "node",
    responses((status = 200, body = NodeInfo), (status = 401, body = ErrorBody)))]
pub async fn info_show(State(state): State<ApiState>) -> Json<NodeInfo> {
    let node = &state.node;
    Json(NodeInfo {
        author: node.author().to_hex(),
        peer_id: node.peer_id().to_string(),
        role: node.config().node.role.clone(),
        name: node.config().node.name.clone(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        markets: node.markets().iter().map(|m| m.id.clone()).collect(),
    })
}

/// Peers, records held per market and kind, own records waiting to be published, sync progress.
#[utoipa::path(get, path = "/api/v1/status", tag = "node",
    responses((status = 200, body = serde_json::Value), (status = 401, body = ErrorBody)))]
pub async fn status_show(State(state): State<ApiState>) -> Json<Status> {
    Json(state.node.status().await)
}

/// A connected peer, as the API shows it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PeerJson {
    /// libp2p peer id.
    pub peer_id: String,
    /// Gossipsub score, when known.
    pub score: Option<f64>,
    /// `direct`, or `relayed` when every connection to it runs through a relay.
    pub route: String,
    /// How the last hole punch with it ended, `succeeded` or `failed` (behind a symmetric NAT
    /// it always fails and the relay carries everything); absent when none was tried. Known
    /// to the side that made the attempts: the one the relayed connection was opened to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hole_punch: Option<String>,
}

/// The peers connected now.
#[utoipa::path(get, path = "/api/v1/peers", tag = "node",
    responses((status = 200, body = [PeerJson]), (status = 503, body = ErrorBody)))]
pub async fn peers_index(State(state): State<ApiState>) -> Result<Json<Vec<PeerJson>>, ApiError> {
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
                route: if p.relayed { "relayed" } else { "direct" }.to_owned(),
                hole_punch: p
                    .hole_punch
                    .map(|ok| if ok { "succeeded" } else { "failed" }.to_owned()),
            })
            .collect(),
    ))
}

/// The markets joined, with their configuration (languages, currencies, categories).
#[utoipa::path(get, path = "/api/v1/markets", tag = "node",
    responses((status = 200, body = [serde_json::Value])))]
pub async fn markets_index(State(state): State<ApiState>) -> Json<Vec<smartket_protocol::Market>> {
    Json(state.node.markets().to_vec())
}

/// The owner's settings.
#[utoipa::path(get, path = "/api/v1/settings", tag = "node",
    responses((status = 200, body = Settings)))]
pub async fn settings_show(State(state): State<ApiState>) -> Json<Settings> {
    Json(state.settings())
}

/// Replaces the owner's settings; they are saved in the data dir and survive a restart.
#[utoipa::path(put, path = "/api/v1/settings", tag = "node", request_body = Settings,
    responses((status = 200, body = Settings), (status = 422, body = ErrorBody)))]
pub async fn settings_update(
    State(state): State<ApiState>,
    Json(settings): Json<Settings>,
) -> Result<Json<Settings>, ApiError> {
    state
        .node
        .settings()
        .save(settings.clone())
        .await
        .map_err(|e| match e {
            SettingsError::Invalid { .. } => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_field",
                e.to_string(),
            ),
            _ => {
                tracing::error!("API: saving settings: {e}");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "settings",
                    "the settings could not be saved; see the node's log",
                )
            }
        })?;
    Ok(Json(settings))
}

/// Answer to `POST /api/v1/sync`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SyncStarted {
    /// False when a run was already going (its progress is in `status.sync.run` either way).
    pub started: bool,
}

/// Starts syncing with every connected peer; follow it in `GET /api/v1/status` (`sync.run`).
#[utoipa::path(post, path = "/api/v1/sync", tag = "node",
    responses((status = 202, body = SyncStarted)))]
pub async fn sync_start(State(state): State<ApiState>) -> (StatusCode, Json<SyncStarted>) {
    let started = state.node.start_sync();
    (StatusCode::ACCEPTED, Json(SyncStarted { started }))
}

/// Pulls one author's whole current catalogue in a market from its node or any peer.
#[utoipa::path(post, path = "/api/v1/markets/{market}/authors/{author}/pull", tag = "node",
    params(("market" = String, Path, description = "Market id"),
           ("author" = String, Path, description = "Author key, 64 hex characters")),
    responses((status = 200, body = serde_json::Value), (status = 400, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn author_pull(
    State(state): State<ApiState>,
    Path((market, author)): Path<(String, String)>,
) -> Result<Json<PullReport>, ApiError> {
    let author: smartket_protocol::AuthorKey = author
        .parse()
        .map_err(|_| ApiError::bad_request("bad_author", "the author is 64 hex characters"))?;
    state
        .node
        .pull_author(&market, &author)
        .await
        .map(Json)
        .map_err(|e| match e {
            SessionError::NotJoined(_) => ApiError::not_found(e.to_string()),
            SessionError::NoPeer => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "no_peer", e.to_string())
            }
            _ => ApiError::new(StatusCode::BAD_GATEWAY, "peer_failed", e.to_string()),
        })
}

/// A backup of this node as it runs: its key, config, settings, the three databases (each
/// copied from one read transaction) and its images, as one gzip'd tar with a manifest of
/// every file's hash (`smartket backup` encrypts it with a passphrase on the way to disk).
/// The archive holds the node's secret key: owner only.
#[utoipa::path(post, path = "/api/v1/backup", tag = "node",
    responses(
        (status = 200, content_type = "application/gzip", description = "the archive"),
        (status = 401, body = ErrorBody),
        (status = 500, body = ErrorBody),
        (status = 507, body = ErrorBody)))]
pub async fn backup_create(
    State(state): State<ApiState>,
) -> Result<axum::response::Response, ApiError> {
    let internal = |e: &dyn std::fmt::Display| {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "backup", e.to_string())
    };
    let node = state.node.clone();
    let made = tokio::task::spawn_blocking(move || node.backup_file())
        .await
        .map_err(|e| internal(&e))?;
    let (file, manifest) = made.map_err(|e| match &e {
        crate::backup::BackupError::Io { source, .. } if crate::disk::is_full(source) => {
            ApiError::disk_full()
        }
        _ => internal(&e),
    })?;
    let len = file.metadata().map_err(|e| internal(&e))?.len();
    let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(
        tokio::fs::File::from_std(file),
    ));
    axum::response::Response::builder()
        .header(axum::http::header::CONTENT_TYPE, "application/gzip")
        .header(axum::http::header::CONTENT_LENGTH, len)
        .header(
            axum::http::header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"smartket-{}-{}.tar.gz\"",
                &manifest.author[..8],
                manifest.created_ms / 1000
            ),
        )
        .body(body)
        .map_err(|e| internal(&e))
}
