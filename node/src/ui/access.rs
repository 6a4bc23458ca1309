//! Who can open this node: the owner's browsers and the paired phones, each with its last use
//! and a button that closes it; pairing a phone by QR code; and the pages the guard shows a
//! browser it turns away (no session, a link that opened nothing, a phone outside its scope).
//!
//! ```text
//! /parametres/acces            sessions and devices, revoke, log out
//! /parametres/acces/telephone  name + role ─▶ pairing link (10 min, once) as QR code + text
//! ```

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use fluent_bundle::FluentValue;
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;

use super::UiState;
use super::dates::date_time;
use super::form::{Errors, described_by, error, invalid};
use super::i18n::{Tr, choose};
use super::layout::{Frame, page};
use crate::sessions::{
    MAX_DEVICE_NAME, PAIRING_LINK_SECS, RedeemError, Scope, SessionInfo, now_secs,
};

/// The access page.
pub(super) const ACCESS: &str = "/parametres/acces";
/// Where a phone is paired.
pub(super) const PAIR: &str = "/parametres/acces/telephone";
/// Where a session is revoked.
pub(super) const REVOKE: &str = "/parametres/acces/revoquer";

fn scope_name(tr: Tr, scope: Scope) -> String {
    tr.t(&format!("access-scope-{}", scope.as_str()))
}

/// `GET /parametres/acces`
pub(super) async fn access_show(
    State(state): State<UiState>,
    tr: Tr,
    me: Option<Extension<SessionInfo>>,
) -> Response {
    let mine = me.map(|m| m.0.id);
    let sessions = state.access.sessions().list();
    let body = html! {
        h1 { (tr.t("access-title")) }
        p.muted { (tr.t("access-help")) }
        section aria-labelledby="sessions" {
            h2 #sessions { (tr.t("access-sessions")) }
            @if sessions.is_empty() {
                p.empty { (tr.t("access-none")) }
            } @else {
                table.sessions.stack {
                    thead { tr {
                        th scope="col" { (tr.t("access-device")) }
                        th scope="col" { (tr.t("access-scope")) }
                        th scope="col" { (tr.t("access-last-used")) }
                        th scope="col" { span.skip { (tr.t("access-revoke")) } }
                    } }
                    tbody {
                        @for s in &sessions {
                            tr data-session=(s.id) {
                                td {
                                    (s.device.clone().unwrap_or_else(|| tr.t("access-browser")))
                                    " " span.muted { (s.agent) }
                                    @if mine.as_deref() == Some(s.id.as_str()) {
                                        " " strong { (tr.t("access-this-browser")) }
                                    }
                                }
                                td data-label=(tr.t("access-scope")) { (scope_name(tr, s.scope)) }
                                td data-label=(tr.t("access-last-used")) { (date_time(s.last_used * 1000)) }
                                td {
                                    form method="post" action=(REVOKE) {
                                        input type="hidden" name="id" value=(s.id);
                                        button.danger type="submit" { (tr.t("access-revoke")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            form method="post" action="/deconnexion" {
                button type="submit" { (tr.t("logout")) }
            }
        }
        (pair_form(&state, tr, &PairForm::default(), &Errors::new()))
    };
    page(Frame::plain(tr, tr.t("access-title"), ACCESS), body)
}

/// The pairing form as posted.
#[derive(Debug, Default, Deserialize)]
pub(super) struct PairForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    scope: String,
}

fn pair_form(state: &UiState, tr: Tr, form: &PairForm, errors: &Errors) -> Markup {
    html! {
        section aria-labelledby="pair" {
            h2 #pair { (tr.t("access-pair-title")) }
            @if state.access.remote().is_none() {
                p.notice { (tr.t("access-pair-needs-https")) }
                pre { "smartket run --remote-api 0.0.0.0:8418" }
            } @else {
                p.muted { (tr.t("access-pair-help")) }
                form.stacked method="post" action=(PAIR) {
                    div.field {
                        label for="name" { (tr.t("access-pair-name")) }
                        input #name type="text" name="name" value=(form.name) required
                            maxlength=(MAX_DEVICE_NAME) autocomplete="off"
                            aria-invalid=[invalid(errors, "name")]
                            aria-describedby=[described_by(errors, "name")];
                        (error(errors, "name"))
                    }
                    div.field {
                        label for="scope" { (tr.t("access-pair-scope")) }
                        select #scope name="scope" {
                            @for scope in Scope::DEVICES {
                                option value=(scope.as_str()) selected[form.scope == scope.as_str()] {
                                    (scope_name(tr, scope)) " — " (tr.t(&format!("access-scope-{}-help", scope.as_str())))
                                }
                            }
                        }
                    }
                    button.primary type="submit" { (tr.t("access-pair-button")) }
                }
            }
        }
    }
}

/// Where a phone should be sent: the HTTPS address when it names one, else this machine's
/// LAN addresses on its port, with the configured names first.
fn pairing_bases(state: &UiState) -> Vec<String> {
    let Some(remote) = state.access.remote() else {
        return Vec::new();
    };
    let port = remote.addr.port();
    let mut bases: Vec<String> = state
        .node
        .config()
        .api
        .names
        .iter()
        .map(|n| format!("https://{n}:{port}"))
        .collect();
    if remote.addr.ip().is_unspecified() {
        bases.extend(
            crate::http::lan_addresses()
                .into_iter()
                .map(|ip| format!("https://{}", std::net::SocketAddr::new(ip, port))),
        );
    } else {
        bases.push(format!("https://{}", remote.addr));
    }
    bases
}

/// `POST /parametres/acces/telephone`: a pairing link for the named phone, as a QR code.
pub(super) async fn pair(
    State(state): State<UiState>,
    tr: Tr,
    Form(form): Form<PairForm>,
) -> Response {
    let mut errors = Errors::new();
    let name = form.name.trim().to_owned();
    if name.is_empty() {
        errors.insert("name", tr.t("access-pair-name-missing"));
    }
    let scope = Scope::parse(&form.scope);
    let (Some(scope), Some(remote), true) = (scope, state.access.remote(), errors.is_empty())
    else {
        let body = pair_form(&state, tr, &form, &errors);
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            page(Frame::plain(tr, tr.t("access-pair-title"), PAIR), body),
        )
            .into_response();
    };
    let secret = match state.access.sessions().new_link(
        scope,
        Some(name.clone()),
        PAIRING_LINK_SECS,
        now_secs(),
    ) {
        Ok(secret) => secret,
        Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    };
    let links: Vec<String> = pairing_bases(&state)
        .into_iter()
        .map(|base| format!("{base}/login?token={secret}#spki={}", remote.tls.pin()))
        .collect();
    let qr = links
        .first()
        .and_then(|link| crate::qr::svg(link, &tr.t("access-pair-qr")));
    let body = html! {
        h1 { (tr.t("access-pair-title")) }
        p { (tr.args("access-pair-for", &[
            ("name", FluentValue::from(name.as_str())),
            ("scope", FluentValue::from(scope_name(tr, scope))),
            ("minutes", FluentValue::from(PAIRING_LINK_SECS / 60)),
        ])) }
        @if let Some(svg) = qr { div.qr data-pairing-qr { (PreEscaped(svg)) } }
        @if links.is_empty() {
            p.notice { (tr.t("access-pair-no-address")) }
        }
        ol.steps {
            li { (tr.t("access-pair-step-scan")) }
            li {
                (tr.t("access-pair-step-certificate"))
                br;
                code data-fingerprint { (remote.tls.fingerprint()) }
            }
            li { (tr.t("access-pair-step-done")) }
        }
        details {
            summary { (tr.t("access-pair-link")) }
            ul { @for link in &links { li { code data-pairing-link { (link) } } } }
        }
        p { a href=(ACCESS) { (tr.t("access-back")) } }
    };
    page(Frame::plain(tr, tr.t("access-pair-title"), PAIR), body)
}

/// The revoke form as posted.
#[derive(Debug, Deserialize)]
pub(super) struct RevokeForm {
    id: String,
}

/// `POST /parametres/acces/revoquer`
pub(super) async fn revoke(State(state): State<UiState>, Form(form): Form<RevokeForm>) -> Response {
    state.access.sessions().revoke(&form.id);
    Redirect::to(ACCESS).into_response()
}

/// The page a browser without a session gets: how to log in, in its language.
pub fn not_logged_in(headers: &HeaderMap) -> Response {
    let tr = choose(None, headers, &[]);
    let body = html! {
        h1 { (tr.t("not-logged-in-title")) }
        p.notice { (tr.t("not-logged-in")) }
        pre { "smartket login" }
        p.muted { (tr.t("not-logged-in-demo")) }
        pre { "smartket demo --login camille" }
    };
    let frame = Frame::plain(tr, tr.t("not-logged-in-title"), "/");
    (StatusCode::UNAUTHORIZED, page(frame, body)).into_response()
}

/// The page a link that opened nothing leads to: why, and how to get another.
pub fn link_refused(headers: &HeaderMap, why: &RedeemError) -> Response {
    let tr = choose(None, headers, &[]);
    let (status, reason) = match why {
        RedeemError::TooMany { retry_after } => (
            StatusCode::TOO_MANY_REQUESTS,
            tr.args(
                "link-refused-too-many",
                &[("seconds", FluentValue::from(*retry_after))],
            ),
        ),
        RedeemError::Expired => (StatusCode::UNAUTHORIZED, tr.t("link-refused-expired")),
        _ => (StatusCode::UNAUTHORIZED, tr.t("link-refused-used")),
    };
    let body = html! {
        h1 { (tr.t("link-refused-title")) }
        p.notice role="alert" { (reason) }
        p { (tr.t("not-logged-in")) }
        pre { "smartket login" }
    };
    let frame = Frame::plain(tr, tr.t("link-refused-title"), "/");
    (status, page(frame, body)).into_response()
}

/// The page a paired phone gets for a page outside its scope: what it may open instead.
pub fn out_of_scope(headers: &HeaderMap, scope: Scope) -> Response {
    let tr = choose(None, headers, &[]);
    let body = html! {
        h1 { (tr.t("out-of-scope-title")) }
        p.notice { (tr.args("out-of-scope", &[("scope", FluentValue::from(scope_name(tr, scope)))])) }
        p { a href=(scope.home()) { (tr.t("out-of-scope-home")) } }
    };
    let frame = Frame::plain(tr, tr.t("out-of-scope-title"), scope.home());
    (StatusCode::FORBIDDEN, page(frame, body)).into_response()
}
