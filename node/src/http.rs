//! The node's HTTP edge: the JSON API and the web UI served together, both behind the API's
//! guard (Host, token or session, Origin, scope), with the login link and the stylesheet
//! outside it. This is the one module that knows both: `api` knows nothing of the UI, and the
//! UI reads the node's services, not the API.
//!
//! ```text
//! 127.0.0.1:8417 (HTTP) ─┐
//! api.remote (HTTPS)    ─┴▶ Conn { local, peer, secure } ─▶ router
//! /login, /static/*  ─────────────────────────────▶ api::auth::login, ui::public_routes
//! /api/v1/*          ─▶ api::auth::guard ─▶ api::router (JSON)
//! every other path   ─▶ api::auth::guard ─▶ ui::routes (pages); refused ─▶ ui's pages
//! ```
//!
//! Both listeners are served by one accept loop of our own rather than `axum::serve`, because
//! the guard must know which address each connection arrived on — the Host check compares
//! `Host` with it, which still holds on a node bound to `0.0.0.0` — and because the HTTPS one
//! needs a TLS handshake first.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::middleware;
use axum::routing::post;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

use crate::api::{self, Access, AccessError, ApiState, Conn, Refusals, Remote};
use crate::daemon::Handle;
use crate::data_dir::DataDir;
use crate::identity::{self, IdentityError};
use crate::sessions::Sessions;
use crate::tls::{self, TlsError};
use crate::ui::{self, UiState};

/// How long a client may take to send a request's headers, or to finish a TLS handshake.
const HEADER_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a node's HTTP server could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The data dir's API token.
    #[error(transparent)]
    Token(#[from] IdentityError),
    /// The sessions.
    #[error(transparent)]
    Access(#[from] AccessError),
    /// The HTTPS certificate.
    #[error(transparent)]
    Tls(#[from] TlsError),
    /// A listening socket, or the address file.
    #[error("API address: {0}")]
    Socket(#[from] std::io::Error),
}

/// A node's API and web UI, being served.
pub struct Served {
    /// Where, over plain HTTP (loopback).
    pub addr: SocketAddr,
    /// Where over HTTPS, when the config names an address for it.
    pub remote: Option<SocketAddr>,
    /// Login links and sessions.
    pub access: Access,
    tasks: Vec<JoinHandle<()>>,
    addr_file: PathBuf,
}

impl Served {
    /// Stops serving (requests under way are dropped) and removes the address file.
    pub fn stop(self) {
        for task in self.tasks {
            task.abort();
        }
        let _ = std::fs::remove_file(&self.addr_file);
    }
}

/// Serves `node`'s API and web UI on `listener` (plain HTTP, loopback), and over HTTPS on the
/// config's `api.remote` address when it names one, with the bearer token and the sessions of
/// data dir `dir`: what `smartket run`, the demo and the test harness's nodes all do. The
/// address served is written to the data dir's `api-addr` for the CLI.
pub async fn serve(dir: &Path, node: Handle, listener: TcpListener) -> Result<Served, ServeError> {
    let addr = listener.local_addr()?;
    let token = identity::ensure_api_token(dir)?;
    let api = node.config().api.clone();
    let remote = match api.remote {
        Some(wanted) => {
            let listener = TcpListener::bind(wanted).await.map_err(|e| {
                std::io::Error::new(e.kind(), format!("HTTPS address {wanted}: {e}"))
            })?;
            let mut names = api.names.clone();
            if wanted.ip().is_unspecified() {
                names.extend(lan_addresses().iter().map(ToString::to_string));
            } else {
                names.push(wanted.ip().to_string());
            }
            let tls =
                tls::load_or_create(dir, api.tls_cert.as_deref(), api.tls_key.as_deref(), &names)?;
            let addr = listener.local_addr()?;
            Some((listener, Remote { addr, tls }))
        }
        None => None,
    };
    let sessions = Arc::new(Sessions::open(dir).map_err(AccessError::from)?);
    let access = Access::new(
        addr,
        token,
        sessions,
        &node.author().to_hex(),
        api.names.clone(),
        remote.as_ref().map(|(_, r)| r.clone()),
        refusals(),
    );
    let app = router(node, access.clone());
    let mut tasks = vec![tokio::spawn(accept(listener, app.clone(), None))];
    let mut remote_addr = None;
    if let Some((listener, remote)) = remote {
        remote_addr = Some(remote.addr);
        let acceptor = TlsAcceptor::from(Arc::clone(&remote.tls.config));
        tasks.push(tokio::spawn(accept(listener, app, Some(acceptor))));
    }
    let addr_file = DataDir::new(dir).api_addr();
    std::fs::write(&addr_file, addr.to_string())?;
    Ok(Served {
        addr,
        remote: remote_addr,
        access,
        tasks,
        addr_file,
    })
}

/// This machine's addresses other devices on its networks may reach it by (not loopback, not
/// link-local), IPv4 first: where a phone is sent to pair when HTTPS listens on every
/// interface.
pub fn lan_addresses() -> Vec<std::net::IpAddr> {
    let mut found: Vec<std::net::IpAddr> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .map(|i| i.ip())
        .filter(|ip| match ip {
            std::net::IpAddr::V4(v4) => !v4.is_loopback() && !v4.is_link_local(),
            std::net::IpAddr::V6(v6) => !v6.is_loopback() && (v6.segments()[0] & 0xffc0) != 0xfe80,
        })
        .collect();
    found.sort_by_key(|ip| (ip.is_ipv6(), *ip));
    found.dedup();
    found
}

/// Takes connections on `listener` until aborted, each served in its own task, through
/// `tls` first when given.
async fn accept(listener: TcpListener, app: Router, tls: Option<TlsAcceptor>) {
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of file descriptors, say: wait for some to close rather than spin.
                tracing::warn!("accepting an HTTP connection: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let Ok(local) = stream.local_addr() else {
            continue;
        };
        let conn = Conn {
            local,
            peer,
            secure: tls.is_some(),
        };
        let app = app.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            match tls {
                None => serve_connection(stream, app, conn).await,
                Some(acceptor) => {
                    match tokio::time::timeout(HEADER_TIMEOUT, acceptor.accept(stream)).await {
                        Ok(Ok(stream)) => serve_connection(stream, app, conn).await,
                        Ok(Err(e)) => tracing::debug!("TLS handshake with {peer}: {e}"),
                        Err(_) => tracing::debug!("TLS handshake with {peer} timed out"),
                    }
                }
            }
        });
    }
}

/// Answers the HTTP/1.1 requests of one connection, each marked with the connection it came
/// on.
async fn serve_connection<S>(io: S, app: Router, conn: Conn)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |mut request: hyper::Request<_>| {
        request.extensions_mut().insert(conn);
        tower_service::Service::call(&mut app.clone(), request)
    });
    let served = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .serve_connection(TokioIo::new(io), service)
        .with_upgrades()
        .await;
    if let Err(e) = served {
        tracing::debug!("HTTP connection from {}: {e}", conn.peer);
    }
}

/// Every route of a node served with `access`.
pub fn router(node: Handle, access: Access) -> Router {
    let logout = Router::new()
        .route("/deconnexion", post(api::auth::logout))
        .with_state(access.clone());
    let pages = ui::routes(UiState::new(node.clone(), access.clone()))
        .merge(logout)
        .layer(middleware::from_fn_with_state(
            access.clone(),
            api::auth::guard,
        ));
    Router::new()
        .merge(ui::public_routes())
        .merge(pages)
        .merge(api::router(ApiState::new(node, access)))
}

/// The pages the guard shows a browser it refuses.
fn refusals() -> Refusals {
    Refusals {
        not_logged_in: ui::not_logged_in,
        link_refused: ui::link_refused,
        out_of_scope: ui::out_of_scope,
    }
}

/// The access rules of a node served on `addr` with bearer `token` and sessions in memory
/// (for tests that build the router without a data dir's files).
pub fn access(addr: SocketAddr, token: String) -> Access {
    Access::new(
        addr,
        token,
        Arc::new(Sessions::in_memory()),
        "00000000",
        Vec::new(),
        None,
        refusals(),
    )
}
