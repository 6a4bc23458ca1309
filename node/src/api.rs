//! The node's local HTTP API: JSON under `/api/v1`, used by the CLI, scripts and the web UI's
//! live parts. It knows nothing of the web UI; [`crate::http`] serves both behind one guard.
//!
//! ```text
//! request ─▶ auth::guard (Host, Origin, token or session) ─▶ body limit of the route group
//!         ─▶ node (info, status, settings, sync)   ─▶ Handle
//!         ─▶ own (the actor's records, signed here) ─▶ OwnRecords ─▶ ingest
//!         ─▶ orders (basket, checkout, steps)       ─▶ Orders
//!         ─▶ catalogue (reads)                      ─▶ Store
//!         ─▶ events (SSE)                           ◀─ StoreEvent broadcast
//! ```
//!
//! Every route is declared with its OpenAPI description (`utoipa`), so `openapi.json` is built
//! from the same code that serves the requests and cannot drift from it.

pub mod auth;
pub mod blobs;
pub mod catalogue;
pub mod errors;
pub mod events;
pub mod metrics;
pub mod node;
pub mod openapi;
pub mod orders;
pub mod own;
pub mod search;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use smartket_protocol::blob::MAX_BLOB_BYTES;

use crate::daemon::Handle;
use crate::settings::Settings;

pub use crate::record_json::{RecordJson, record_json};
pub use auth::{Access, AccessError, Conn, LoginLink, Refusals, Remote};
pub use node::SyncStarted;
pub use own::SubmitOutcome;

/// Largest CBOR record body: one record plus framing.
const MAX_RECORD_BODY: usize = smartket_protocol::record::MAX_RECORD_BYTES + 1024;
/// Largest JSON body (a listing with long descriptions in eight languages stays far below).
const MAX_JSON_BODY: usize = 64 * 1024;
/// Largest body of routes that take none.
const MAX_EMPTY_BODY: usize = 1024;

/// What the API's handlers answer from: the running node's services, and its sessions.
#[derive(Clone)]
pub struct ApiState {
    /// The running node.
    pub node: Handle,
    /// Who may use it (login links and sessions are managed through the API too).
    pub access: Access,
}

impl ApiState {
    /// The API of `node`, served with `access`.
    pub fn new(node: Handle, access: Access) -> ApiState {
        ApiState { node, access }
    }

    /// The owner's settings (trusted issuers, location, languages), as last saved.
    pub fn settings(&self) -> Settings {
        self.node.settings().get()
    }
}

/// Every route with its OpenAPI description, grouped by body limit.
fn routes() -> OpenApiRouter<ApiState> {
    let cbor = OpenApiRouter::new()
        .routes(routes!(own::records_create))
        .layer(DefaultBodyLimit::max(MAX_RECORD_BODY));
    let json = OpenApiRouter::new()
        .routes(routes!(node::settings_show, node::settings_update))
        .routes(routes!(own::profile_show, own::profile_update))
        .routes(routes!(own::own_index, own::own_create))
        .routes(routes!(own::own_show, own::own_update, own::own_delete))
        .routes(routes!(own::stock_update))
        .routes(routes!(orders::basket_show, orders::basket_clear))
        .routes(routes!(orders::basket_add))
        .routes(routes!(orders::basket_remove))
        .routes(routes!(orders::checkout_review, orders::checkout_place))
        .routes(routes!(orders::orders_index))
        .routes(routes!(orders::orders_show))
        .routes(routes!(orders::orders_step))
        .routes(routes!(orders::orders_receipt))
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY));
    let small = OpenApiRouter::new()
        .routes(routes!(node::info_show))
        .routes(routes!(node::status_show))
        .routes(routes!(node::peers_index))
        .routes(routes!(node::markets_index))
        .routes(routes!(node::sync_start))
        .routes(routes!(node::backup_create))
        .routes(routes!(metrics::metrics_show))
        .routes(routes!(auth::login_links_create))
        .routes(routes!(auth::sessions_index))
        .routes(routes!(auth::sessions_delete))
        .routes(routes!(node::author_pull))
        .routes(routes!(own::own_records_index))
        .routes(routes!(catalogue::records_show))
        .routes(routes!(catalogue::slots_show))
        .routes(routes!(catalogue::listings_show))
        .routes(routes!(catalogue::sellers_show))
        .routes(routes!(catalogue::delivery_offers_index))
        .routes(routes!(catalogue::attestations_index))
        .routes(routes!(events::events_stream))
        .routes(routes!(search::search_listings))
        .routes(routes!(blobs::blobs_show))
        .layer(DefaultBodyLimit::max(MAX_EMPTY_BODY));
    let images = OpenApiRouter::new()
        .routes(routes!(blobs::blobs_create))
        .layer(DefaultBodyLimit::max(MAX_BLOB_BYTES as usize));
    OpenApiRouter::with_openapi(openapi::base())
        .merge(images)
        .merge(cbor)
        .merge(json)
        .merge(small)
}

/// The OpenAPI document of every route.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    routes().split_for_parts().1
}

/// The API's routes with their OpenAPI document at `/api/v1/openapi.json`, behind the guard
/// of `state`'s access, and the login link outside it.
pub fn router(state: ApiState) -> Router {
    let access = state.access.clone();
    let (api, document) = routes().split_for_parts();
    let document = Arc::new(document);
    let api = api
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let document = Arc::clone(&document);
                async move { axum::Json(document.as_ref().clone()) }
            }),
        )
        .fallback(errors::no_route)
        .method_not_allowed_fallback(errors::wrong_method)
        .layer(middleware::from_fn_with_state(access.clone(), auth::guard))
        .with_state(state);
    Router::new()
        .route("/login", get(auth::login))
        .with_state(access)
        .merge(api)
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_access;
