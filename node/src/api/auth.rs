//! Who may use the API: every request must name this node's address in `Host` (no DNS
//! rebinding), state-changing requests from a browser must come from this node's own origin (no
//! cross-site request forgery), and every request must prove it comes from the node's owner —
//! with the bearer token of the data dir's `api-token`, or with the session cookie that the
//! one-time login link printed by `smartket run` sets (as Jupyter does).
//!
//! ```text
//! request ─▶ Host check ─▶ Origin check (POST/PUT/PATCH/DELETE) ─▶ token or session ─▶ route
//! /login?token=… ─▶ Host check ─▶ one-time token taken ─▶ Set-Cookie + redirect to /
//! ```

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use utoipa::IntoParams;

use super::errors::{ApiError, Query};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "smartket_session";

/// Why access to the node could not be set up.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AccessError {
    /// The system's random source (for the one-time login token).
    #[error("random source: {0}")]
    Random(String),
}

/// What the guard and the login link check requests against: the address the node is served
/// on, the bearer token, and the login sessions. Cheap to clone.
#[derive(Clone)]
pub struct Access {
    addr: SocketAddr,
    token: String,
    sessions: Arc<Sessions>,
    /// What a browser that is not logged in sees instead of a page (the web UI's own page, so
    /// that this module knows nothing of the UI).
    not_logged_in: fn(&HeaderMap) -> Response,
}

impl Access {
    /// Access to a node served on `addr` with bearer `token`; browsers without a session see
    /// `not_logged_in`.
    pub fn new(
        addr: SocketAddr,
        token: String,
        not_logged_in: fn(&HeaderMap) -> Response,
    ) -> Result<Access, AccessError> {
        Ok(Access {
            addr,
            token,
            sessions: Arc::new(Sessions::new().map_err(|e| AccessError::Random(e.to_string()))?),
            not_logged_in,
        })
    }

    /// The address the node is served on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The link that logs a browser in once (`http://ADDR/login?token=…`); `None` once used.
    pub fn login_link(&self) -> Option<String> {
        self.sessions
            .one_time_token()
            .map(|t| format!("http://{}/login?token={t}", self.addr))
    }
}

/// The login state: the one-time token of the link `smartket run` prints, and the sessions
/// opened with it. Sessions live in memory only: a restarted node prints a new link.
#[derive(Debug)]
pub struct Sessions {
    one_time: Mutex<Option<String>>,
    open: Mutex<HashSet<String>>,
}

impl Sessions {
    /// Fresh login state with a new one-time token.
    pub fn new() -> Result<Sessions, getrandom::Error> {
        Ok(Sessions {
            one_time: Mutex::new(Some(random_token()?)),
            open: Mutex::new(HashSet::new()),
        })
    }

    /// The one-time token, while unused.
    pub fn one_time_token(&self) -> Option<String> {
        self.one_time.lock().ok().and_then(|t| t.clone())
    }

    /// Takes the one-time token if `presented` is it, and opens a session.
    fn redeem(&self, presented: &str) -> Option<String> {
        let mut one_time = self.one_time.lock().ok()?;
        let matches = one_time
            .as_deref()
            .is_some_and(|t| constant_time_eq(t.as_bytes(), presented.as_bytes()));
        if !matches {
            return None;
        }
        *one_time = None;
        let session = random_token().ok()?;
        self.open.lock().ok()?.insert(session.clone());
        Some(session)
    }

    fn is_open(&self, session: &str) -> bool {
        self.open
            .lock()
            .map(|open| {
                open.iter()
                    .any(|s| constant_time_eq(s.as_bytes(), session.as_bytes()))
            })
            .unwrap_or(false)
    }
}

fn random_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(hex::encode(bytes))
}

/// Compares secrets without an early exit that would leak how many bytes matched.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The `host:port` forms a request may name: the loopback names, and the bound address itself
/// when it is a specific one.
fn allowed_hosts(addr: SocketAddr) -> Vec<String> {
    let port = addr.port();
    let mut hosts = vec![
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ];
    if !addr.ip().is_unspecified() {
        hosts.push(addr.to_string());
    }
    hosts
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|h| h.to_str().ok())
}

fn host_allowed(addr: SocketAddr, headers: &HeaderMap) -> bool {
    // Bound to every interface (an explicit, warned-about choice), the names are unknowable.
    if addr.ip().is_unspecified() {
        return true;
    }
    let host = header_str(headers, header::HOST).unwrap_or("");
    allowed_hosts(addr).iter().any(|a| a == host)
}

/// A browser names the page's origin on cross-origin and state-changing requests; only this
/// node's own pages may change state. Programs (curl, the CLI) send no `Origin`.
fn origin_allowed(addr: SocketAddr, headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    if addr.ip().is_unspecified() {
        return origin
            .strip_prefix("http://")
            .and_then(|rest| rest.rsplit_once(':'))
            .is_some_and(|(_, port)| port == addr.port().to_string());
    }
    allowed_hosts(addr)
        .iter()
        .any(|h| origin == format!("http://{h}"))
}

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn forbidden_host() -> Response {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "forbidden_host",
        "requests must be addressed to this node's own address",
    )
    .into_response()
}

fn session_of(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|h| h.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value)
}

/// The checks every API route and page passes first.
pub async fn guard(State(state): State<Access>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    if !host_allowed(state.addr, headers) {
        return forbidden_host();
    }
    let cross_site = header_str(headers, header::HeaderName::from_static("sec-fetch-site"))
        .is_some_and(|site| site == "cross-site");
    if changes_state(request.method()) && (cross_site || !origin_allowed(state.addr, headers)) {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden_origin",
            "changes are accepted only from this node's own pages",
        )
        .into_response();
    }
    let bearer = header_str(headers, header::AUTHORIZATION)
        .and_then(|h| h.strip_prefix("Bearer "))
        .is_some_and(|t| constant_time_eq(t.as_bytes(), state.token.as_bytes()));
    let session = session_of(headers).is_some_and(|s| state.sessions.is_open(s));
    if !bearer && !session {
        if !request.uri().path().starts_with("/api/") {
            return (state.not_logged_in)(request.headers());
        }
        return ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "missing or wrong API token (see the data dir's api-token file, or open the login \
             link `smartket run` printed)",
        )
        .into_response();
    }
    next.run(request).await
}

/// `GET /login` query.
#[derive(Debug, Deserialize, IntoParams)]
pub struct LoginQuery {
    /// The one-time token of the link `smartket run` printed.
    token: String,
}

/// Trades the one-time token of the printed link for a session cookie, then opens the web UI.
/// The link works once: a copy of it found later in a browser history or a terminal log opens
/// nothing.
#[utoipa::path(
    get,
    path = "/login",
    tag = "auth",
    params(LoginQuery),
    responses(
        (status = 303, description = "Session cookie set; redirect to the web UI"),
        (status = 401, description = "Unknown or already used token", body = super::errors::ErrorBody),
        (status = 403, description = "Foreign Host", body = super::errors::ErrorBody),
    )
)]
pub async fn login(
    State(state): State<Access>,
    headers: HeaderMap,
    Query(query): Query<LoginQuery>,
) -> Response {
    if !host_allowed(state.addr, &headers) {
        return forbidden_host();
    }
    let Some(session) = state.sessions.redeem(&query.token) else {
        return ApiError::new(
            StatusCode::UNAUTHORIZED,
            "login_token_used",
            "this login link is unknown or was already used; restart the node for a new one, \
             or use the api-token file",
        )
        .into_response();
    };
    let cookie = format!("{SESSION_COOKIE}={session}; HttpOnly; SameSite=Strict; Path=/");
    let mut response = Redirect::to("/").into_response();
    match HeaderValue::from_str(&cookie) {
        Ok(value) => {
            response.headers_mut().insert(header::SET_COOKIE, value);
            response
        }
        Err(_) => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "could not set the session cookie",
        )
        .into_response(),
    }
}
