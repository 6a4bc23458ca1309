//! Who may use the node over HTTP. Every request must name, in `Host`, an address the
//! connection really arrived on or a name the owner configured (no DNS rebinding);
//! state-changing requests carried by a cookie must come from this node's own pages (no
//! cross-site request forgery); and every request must prove it comes from the owner — with
//! the bearer token of the data dir's `api-token`, or with a session cookie (see
//! [`crate::sessions`]) — and stay within that session's scope.
//!
//! ```text
//! request ─▶ Host ─▶ token or session ─▶ Origin / Sec-Fetch-Site (cookie, state change) ─▶ scope ─▶ route
//! /login?token=… ─▶ Host ─▶ link redeemed (rate-limited) ─▶ Set-Cookie ─▶ the scope's home page
//! POST /deconnexion ─▶ (guard) ─▶ session closed, cookie cleared
//! ```
//!
//! The session cookie is named after the node's key (`smartket_<8 hex>`): browsers keep
//! cookies per host, not per port, so the 13 nodes of a demo on one machine would otherwise
//! log each other out.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::errors::{ApiError, Query};
use crate::sessions::{
    self, IDLE_LIMIT_SECS, LOGIN_LINK_SECS, RedeemError, Scope, SessionInfo, Sessions,
};
use crate::tls::Tls;

/// The connection a request came on, set by [`crate::http`] for every request it serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conn {
    /// The address the client connected to.
    pub local: SocketAddr,
    /// The client's address.
    pub peer: SocketAddr,
    /// Over TLS.
    pub secure: bool,
}

/// Why access to the node could not be set up.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AccessError {
    /// The sessions file.
    #[error(transparent)]
    Sessions(#[from] sessions::SessionsError),
}

/// The pages a browser gets instead of the one it asked for (the web UI's own, so that this
/// module knows nothing of the UI).
#[derive(Clone, Copy)]
pub struct Refusals {
    /// No session: how to log in.
    pub not_logged_in: fn(&HeaderMap) -> Response,
    /// A link that opened nothing, and why.
    pub link_refused: fn(&HeaderMap, &RedeemError) -> Response,
    /// A device's session asked for a page outside its scope.
    pub out_of_scope: fn(&HeaderMap, Scope) -> Response,
}

/// The HTTPS address and its certificate, for pairing phones.
#[derive(Debug, Clone)]
pub struct Remote {
    /// The address it is bound to.
    pub addr: SocketAddr,
    /// Its certificate.
    pub tls: Tls,
}

/// What the guard and the login link check requests against. Cheap to clone.
#[derive(Clone)]
pub struct Access {
    /// The plain-HTTP address on loopback (login links point there).
    local: SocketAddr,
    token: Arc<str>,
    sessions: Arc<Sessions>,
    cookie: Arc<str>,
    names: Arc<[String]>,
    remote: Option<Remote>,
    refusals: Refusals,
}

impl Access {
    /// Access to the node whose key starts `author_hex`, served on `local` (and on `remote`
    /// over HTTPS), with bearer `token`, the `sessions` of its data dir, and the extra host
    /// `names` the owner configured.
    pub fn new(
        local: SocketAddr,
        token: String,
        sessions: Arc<Sessions>,
        author_hex: &str,
        names: Vec<String>,
        remote: Option<Remote>,
        refusals: Refusals,
    ) -> Access {
        Access {
            local,
            token: token.into(),
            sessions,
            cookie: format!("smartket_{}", author_hex.get(..8).unwrap_or(author_hex)).into(),
            names: names.into(),
            remote,
            refusals,
        }
    }

    /// The plain-HTTP address.
    pub fn addr(&self) -> SocketAddr {
        self.local
    }

    /// The session cookie's name.
    pub fn cookie_name(&self) -> &str {
        &self.cookie
    }

    /// The node's sessions.
    pub fn sessions(&self) -> &Arc<Sessions> {
        &self.sessions
    }

    /// The HTTPS address and certificate, when the node serves one.
    pub fn remote(&self) -> Option<&Remote> {
        self.remote.as_ref()
    }

    /// A new link that logs a browser in as the owner, once, within [`LOGIN_LINK_SECS`].
    pub fn login_link(&self) -> Result<String, AccessError> {
        let secret =
            self.sessions
                .new_link(Scope::Owner, None, LOGIN_LINK_SECS, sessions::now_secs())?;
        Ok(format!("http://{}/login?token={secret}", self.local))
    }

    /// The secret of the session cookie `headers` carry, if any.
    pub fn session_secret<'h>(&self, headers: &'h HeaderMap) -> Option<&'h str> {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|h| h.to_str().ok())
            .flat_map(|h| h.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == &*self.cookie)
            .map(|(_, value)| value)
    }

    fn cookie(&self, secret: &str, secure: bool, max_age: u64) -> Option<HeaderValue> {
        let secure = if secure { "; Secure" } else { "" };
        format!(
            "{}={secret}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{secure}",
            self.cookie
        )
        .parse()
        .ok()
    }

    /// The `host[:port]` forms a request on `conn` may name: the address it arrived on (and
    /// the loopback names, when that is loopback), and the configured names.
    fn hosts(&self, conn: &Conn) -> Vec<String> {
        let port = conn.local.port();
        let mut hosts = vec![conn.local.to_string()];
        if conn.local.ip().is_loopback() {
            hosts.extend([
                format!("127.0.0.1:{port}"),
                format!("localhost:{port}"),
                format!("[::1]:{port}"),
            ]);
        }
        for name in self.names.iter() {
            hosts.push(name.clone());
            hosts.push(format!("{name}:{port}"));
        }
        hosts
    }

    fn host_allowed(&self, conn: &Conn, headers: &HeaderMap) -> bool {
        let host = header_str(headers, header::HOST).unwrap_or("");
        self.hosts(conn).iter().any(|h| h == host)
    }

    /// Whether a state change comes from this node's own pages: the `Origin` a browser sends
    /// must be this connection's own, whoever the request is from; a request carried by a
    /// cookie (`by_cookie`) without an `Origin` must have the browser's `Sec-Fetch-Site` say
    /// same-origin (a browser too old for both cannot change state with a cookie). Programs
    /// with the bearer token send neither.
    fn same_origin(&self, conn: &Conn, headers: &HeaderMap, by_cookie: bool) -> bool {
        let site = header_str(headers, header::HeaderName::from_static("sec-fetch-site"));
        if site == Some("cross-site") {
            return false;
        }
        let Some(origin) = headers.get(header::ORIGIN) else {
            return !by_cookie || site == Some("same-origin");
        };
        let Ok(origin) = origin.to_str() else {
            return false;
        };
        let scheme = if conn.secure { "https" } else { "http" };
        self.hosts(conn)
            .iter()
            .any(|h| origin == format!("{scheme}://{h}"))
    }
}

/// The connection `conn` a request names, or, for one that came through no socket of ours
/// (the tests' `oneshot`), the plain address from loopback.
fn conn_or_local(conn: Option<Conn>, access: &Access) -> Conn {
    conn.unwrap_or(Conn {
        local: access.local,
        peer: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
        secure: false,
    })
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|h| h.to_str().ok())
}

/// Compares secrets without an early exit that would leak how many bytes matched.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
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

fn is_api(request: &Request) -> bool {
    request.uri().path().starts_with("/api/")
}

/// The checks every API route and page passes first. A session's scope is handed to the
/// route as a request extension ([`SessionInfo`]), and to the pages' layout as
/// [`sessions::SCOPE`].
pub async fn guard(State(access): State<Access>, mut request: Request, next: Next) -> Response {
    let conn = conn_or_local(request.extensions().get::<Conn>().copied(), &access);
    let headers = request.headers();
    if !access.host_allowed(&conn, headers) {
        return forbidden_host();
    }
    let bearer = header_str(headers, header::AUTHORIZATION)
        .and_then(|h| h.strip_prefix("Bearer "))
        .is_some_and(|t| constant_time_eq(t.as_bytes(), access.token.as_bytes()));
    let found = if bearer {
        None
    } else {
        let found = access.session_secret(headers).and_then(|s| {
            let found = access.sessions.check(s, sessions::now_secs())?;
            Some((s.to_owned(), found))
        });
        let Some(found) = found else {
            if !is_api(&request) {
                return (access.refusals.not_logged_in)(headers);
            }
            return ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "missing or wrong API token (see the data dir's api-token file, or run \
                 `smartket login` for a link that logs a browser in)",
            )
            .into_response();
        };
        Some(found)
    };
    // A cookie rides along with any request the browser makes, a forged one included; a
    // bearer token is only ever sent on purpose.
    if changes_state(request.method()) && !access.same_origin(&conn, headers, found.is_some()) {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden_origin",
            "changes are accepted only from this node's own pages",
        )
        .into_response();
    }
    let Some((secret, found)) = found else {
        return sessions::SCOPE.scope(Scope::Owner, next.run(request)).await;
    };
    let scope = found.info.scope;
    if !scope.allows(request.method(), request.uri().path()) {
        if !is_api(&request) {
            return (access.refusals.out_of_scope)(headers, scope);
        }
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden_scope",
            "this device's session does not reach this route",
        )
        .into_response();
    }
    let renew = found
        .renew
        .then(|| access.cookie(&secret, conn.secure, IDLE_LIMIT_SECS))
        .flatten();
    request.extensions_mut().insert(found.info);
    let mut response = sessions::SCOPE.scope(scope, next.run(request)).await;
    if let Some(cookie) = renew {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// `GET /login` query.
#[derive(Debug, Deserialize, IntoParams)]
pub struct LoginQuery {
    /// The secret of a link from `smartket login` (or `run`), or of a phone's pairing link.
    token: String,
}

/// Trades a link's secret for a session cookie, then opens the session's home page (the
/// shop for the owner, a device's own pages for a phone). A link works once: a copy found
/// later in a browser history or a terminal log opens nothing.
#[utoipa::path(
    get,
    path = "/login",
    tag = "auth",
    params(LoginQuery),
    responses(
        (status = 303, description = "Session cookie set; redirect to the session's home page"),
        (status = 401, description = "Unknown, used or expired link (a page saying how to get another)"),
        (status = 403, description = "Foreign Host", body = super::errors::ErrorBody),
        (status = 429, description = "Too many wrong links from this address in the last minute"),
    )
)]
pub async fn login(
    State(access): State<Access>,
    conn: Option<Extension<Conn>>,
    headers: HeaderMap,
    Query(query): Query<LoginQuery>,
) -> Response {
    let conn = conn_or_local(conn.map(|c| c.0), &access);
    if !access.host_allowed(&conn, &headers) {
        return forbidden_host();
    }
    let agent = header_str(&headers, header::USER_AGENT).unwrap_or("");
    let redeemed =
        access
            .sessions
            .redeem(&query.token, conn.peer.ip(), agent, sessions::now_secs());
    let (secret, info) = match redeemed {
        Ok(opened) => opened,
        Err(e) => {
            let mut response = (access.refusals.link_refused)(&headers, &e);
            if let RedeemError::TooMany { retry_after } = e
                && let Ok(value) = HeaderValue::from_str(&retry_after.to_string())
            {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            return response;
        }
    };
    let mut response = Redirect::to(info.scope.home()).into_response();
    match access.cookie(&secret, conn.secure, IDLE_LIMIT_SECS) {
        Some(value) => {
            response.headers_mut().insert(header::SET_COOKIE, value);
            response
        }
        None => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "could not set the session cookie",
        )
        .into_response(),
    }
}

/// `POST /deconnexion`: closes this browser's session and forgets its cookie (behind the
/// guard, so only a page of this node can log its browser out).
pub async fn logout(
    State(access): State<Access>,
    conn: Option<Extension<Conn>>,
    headers: HeaderMap,
) -> Response {
    let conn = conn_or_local(conn.map(|c| c.0), &access);
    if let Some(secret) = access.session_secret(&headers) {
        access.sessions.end(secret);
    }
    let mut response = Redirect::to("/").into_response();
    if let Some(cookie) = access.cookie("", conn.secure, 0) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

/// A fresh login link.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct LoginLink {
    /// Opens a session once, as the owner.
    pub link: String,
    /// Seconds it stays valid.
    pub expires_in: u64,
}

/// Makes a new one-time login link for the owner (what `smartket login` prints). A device's
/// session cannot reach this route: a phone paired as a courier cannot make itself the owner.
#[utoipa::path(post, path = "/api/v1/login-links", tag = "auth",
    responses((status = 201, body = LoginLink), (status = 401, body = super::errors::ErrorBody)))]
pub async fn login_links_create(State(state): State<super::ApiState>) -> Response {
    match state.access.login_link() {
        Ok(link) => (
            StatusCode::CREATED,
            Json(LoginLink {
                link,
                expires_in: LOGIN_LINK_SECS,
            }),
        )
            .into_response(),
        Err(e) => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
            .into_response(),
    }
}

/// The open sessions: the owner's browsers and the paired devices, most recently used first.
#[utoipa::path(get, path = "/api/v1/sessions", tag = "auth",
    responses((status = 200, body = [SessionJson]), (status = 401, body = super::errors::ErrorBody)))]
pub async fn sessions_index(State(state): State<super::ApiState>) -> Json<Vec<SessionJson>> {
    Json(
        state
            .access
            .sessions
            .list()
            .into_iter()
            .map(SessionJson::from)
            .collect(),
    )
}

/// Closes a session (a lost phone, a browser on a borrowed computer).
#[utoipa::path(delete, path = "/api/v1/sessions/{id}", tag = "auth",
    params(("id" = String, Path, description = "The session's id from the list")),
    responses((status = 204), (status = 404, body = super::errors::ErrorBody)))]
pub async fn sessions_delete(
    State(state): State<super::ApiState>,
    super::errors::Path(id): super::errors::Path<String>,
) -> Response {
    if state.access.sessions.revoke(&id) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        ApiError::not_found(format!("no open session {id}")).into_response()
    }
}

/// A session as the API shows it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SessionJson {
    /// Its id, to revoke it by.
    pub id: String,
    /// `owner`, `courier` or `helper`.
    pub scope: String,
    /// The device's name, for a paired phone.
    pub device: Option<String>,
    /// The browser, in a few words.
    pub agent: String,
    /// Opened (Unix seconds).
    pub created: u64,
    /// Last used (Unix seconds).
    pub last_used: u64,
}

impl From<SessionInfo> for SessionJson {
    fn from(s: SessionInfo) -> SessionJson {
        SessionJson {
            id: s.id,
            scope: s.scope.as_str().to_owned(),
            device: s.device,
            agent: s.agent,
            created: s.created,
            last_used: s.last_used,
        }
    }
}
