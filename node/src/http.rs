//! The node's HTTP edge: the JSON API and the web UI served together on one address, both behind
//! the API's guard (Host, Origin, token or session), with the login link and the stylesheet
//! outside it. This is the one module that knows both: `api` knows nothing of the UI, and the
//! UI reads the node's services, not the API.
//!
//! ```text
//! /login, /static/*  ─────────────────────────────▶ api::auth::login, ui::public_routes
//! /api/v1/*          ─▶ api::auth::guard ─▶ api::router (JSON)
//! every other path   ─▶ api::auth::guard ─▶ ui::routes (pages); not logged in ─▶ ui's page
//! ```

use std::net::SocketAddr;
use std::path::Path;

use axum::Router;
use axum::middleware;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::api::{self, Access, AccessError, ApiState};
use crate::daemon::Handle;
use crate::identity::{self, IdentityError};
use crate::ui::{self, UiState};

/// Why a node's HTTP server could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The data dir's API token.
    #[error(transparent)]
    Token(#[from] IdentityError),
    /// The login token.
    #[error(transparent)]
    Access(#[from] AccessError),
    /// The listening socket.
    #[error("API address: {0}")]
    Socket(#[from] std::io::Error),
}

/// A node's API and web UI, being served.
pub struct Served {
    /// Where.
    pub addr: SocketAddr,
    /// The one-time login link, until a browser uses it.
    pub access: Access,
    task: JoinHandle<()>,
}

impl Served {
    /// Stops serving (requests under way are dropped).
    pub fn stop(self) {
        self.task.abort();
    }
}

/// Serves `node`'s API and web UI on `listener`, with the bearer token of data dir `dir`:
/// what `smartket run`, the demo and the test harness's nodes all do.
pub async fn serve(dir: &Path, node: Handle, listener: TcpListener) -> Result<Served, ServeError> {
    let addr = listener.local_addr()?;
    let token = identity::ensure_api_token(dir)?;
    let access = access(addr, token)?;
    let app = router(node, access.clone());
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::warn!("HTTP server stopped: {e}");
        }
    });
    Ok(Served { addr, access, task })
}

/// Every route of a node served on `access`'s address.
pub fn router(node: Handle, access: Access) -> Router {
    let pages = ui::routes(UiState::new(node.clone())).layer(middleware::from_fn_with_state(
        access.clone(),
        api::auth::guard,
    ));
    Router::new()
        .merge(ui::public_routes())
        .merge(pages)
        .merge(api::router(ApiState::new(node), access))
}

/// The access rules of a node served on `addr` with bearer `token`; a browser that is not
/// logged in sees the web UI's page saying how to log in.
pub fn access(addr: SocketAddr, token: String) -> Result<Access, AccessError> {
    Access::new(addr, token, ui::not_logged_in)
}
