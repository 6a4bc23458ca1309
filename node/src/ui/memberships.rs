//! Memberships in the back office. A producer authorises a platform to relay its records or to
//! publish listings for it; the record is the producer's, but it must carry the platform's
//! countersignature, so joining takes two steps that need no new message on the wire: the
//! platform countersigns here and hands the signature over (e-mail, paper, phone), the
//! producer adds the membership with it. Both sides see the memberships that concern them and
//! the producer can end one at any time.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use fluent_bundle::FluentValue;
use maud::{Markup, html};
use serde::Deserialize;
use smartket_protocol::kinds::{Membership, Scope};
use smartket_protocol::{AuthorKey, Body, Kind, Signature};

use super::UiState;
use super::dates::date;
use super::form::HtmlForm;
use super::i18n::{Tr, choose};
use super::layout::{Frame, manage_nav, page};
use super::market::InMarket;
use super::names::actor_name;
use crate::clock::now_ms;

const HERE: &str = "/gestion/adhesions";
const DAY_MS: u64 = 24 * 3600 * 1000;

fn scope_names(tr: Tr, scope: &[Scope]) -> String {
    scope
        .iter()
        .map(|s| match s {
            Scope::Relay => tr.t("scope-relay"),
            Scope::Publish => tr.t("scope-publish"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn scopes_of(names: &[String]) -> Vec<Scope> {
    let mut scope = Vec::new();
    if names.iter().any(|n| n == "relay") {
        scope.push(Scope::Relay);
    }
    if names.iter().any(|n| n == "publish") {
        scope.push(Scope::Publish);
    }
    scope
}

/// Memberships in the store: those this node gave (as member) and those naming it (platform).
fn memberships(state: &UiState, market: &str) -> (Vec<Membership>, Vec<(AuthorKey, Membership)>) {
    let me = state.node.author();
    let now = now_ms();
    let all = state
        .node
        .store()
        .current_in_market(market, Some(Kind::Membership))
        .unwrap_or_default();
    let mut given = Vec::new();
    let mut members = Vec::new();
    for record in all {
        let Body::Membership(m) = record.payload.body else {
            continue;
        };
        if m.until <= now {
            continue;
        }
        if record.payload.author == me {
            given.push(m);
        } else if m.platform == me {
            members.push((record.payload.author, m));
        }
    }
    (given, members)
}

/// What the forms send, and what the page says after.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct MembershipForm {
    /// The other side's author key (hex).
    other: String,
    scope: Vec<String>,
    /// Days the membership lasts (countersigning).
    days: String,
    /// The end, ms since the epoch, as the platform countersigned it (adding).
    until: String,
    /// The platform's countersignature, hex (adding).
    signature: String,
    lang: Option<String>,
    notice: Option<String>,
}

fn scope_boxes(tr: Tr, prefix: &str) -> Markup {
    html! {
        fieldset {
            legend { (tr.t("membership-scope")) }
            label.check { input type="checkbox" name="scope" value="relay" id=(format!("{prefix}-relay")) checked; " " (tr.t("scope-relay")) }
            label.check { input type="checkbox" name="scope" value="publish" id=(format!("{prefix}-publish")) checked; " " (tr.t("scope-publish")) }
        }
    }
}

fn render(
    state: &UiState,
    tr: Tr,
    market: &str,
    notice: Option<Markup>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let (given, members) = memberships(state, market);
    let body = html! {
        (manage_nav(tr, HERE))
        h1 { (tr.t("manage-memberships")) }
        p.lead { (tr.t("membership-lead")) }
        @if let Some(n) = notice { div.notice role="status" { (n) } }
        @if let Some(e) = error { p.notice.error role="alert" { (e) } }
        section aria-labelledby="given" {
            h2 #given { (tr.t("membership-given")) }
            @if given.is_empty() { p.empty { (tr.t("membership-none")) } }
            ul.plain {
                @for m in &given {
                    li {
                        strong { (actor_name(state, tr, &m.platform)) } " — " (scope_names(tr, &m.scope)) " — "
                        (tr.args("membership-until", &[("date", FluentValue::from(date(m.until)))]))
                        form.inline method="post" action=(format!("{HERE}/terminer")) {
                            input type="hidden" name="other" value=(m.platform.to_hex());
                            button.danger type="submit" { (tr.t("membership-end")) }
                        }
                    }
                }
            }
            h3 { (tr.t("membership-add")) }
            form.stacked method="post" action=(HERE) {
                div.field { label for="add-other" { (tr.t("membership-platform-key")) } input #add-other type="text" name="other" required; }
                (scope_boxes(tr, "add"))
                div.field { label for="add-until" { (tr.t("membership-until-ms")) } input #add-until type="text" name="until" inputmode="numeric" required; }
                div.field { label for="add-signature" { (tr.t("membership-signature")) } input #add-signature type="text" name="signature" required; }
                button type="submit" { (tr.t("membership-add")) }
            }
        }
        section aria-labelledby="members" {
            h2 #members { (tr.t("membership-members")) }
            @if members.is_empty() { p.empty { (tr.t("membership-none")) } }
            ul.plain {
                @for (member, m) in &members {
                    li {
                        a href=(format!("/vendeur/{member}")) { (actor_name(state, tr, member)) } " — " (scope_names(tr, &m.scope)) " — "
                        (tr.args("membership-until", &[("date", FluentValue::from(date(m.until)))]))
                    }
                }
            }
            h3 { (tr.t("membership-countersign")) }
            p.hint { (tr.t("membership-countersign-hint")) }
            form.stacked method="post" action=(format!("{HERE}/contresigner")) {
                div.field { label for="cs-other" { (tr.t("membership-member-key")) } input #cs-other type="text" name="other" required; }
                (scope_boxes(tr, "cs"))
                div.field { label for="cs-days" { (tr.t("membership-days")) } input #cs-days type="number" name="days" value="365" min="1" max="730"; }
                button type="submit" { (tr.t("membership-countersign")) }
            }
        }
    };
    (
        status,
        page(Frame::plain(tr, tr.t("manage-memberships"), HERE), body),
    )
        .into_response()
}

/// The memberships page.
pub(super) async fn show(
    State(state): State<UiState>,
    tr: Tr,
    m: InMarket,
    Query(q): Query<MembershipForm>,
) -> Response {
    let notice = q
        .notice
        .filter(|n| n.starts_with("membership-"))
        .map(|n| html! { (tr.t(&n)) });
    render(&state, tr, m.id(), notice, None, StatusCode::OK)
}

/// The page again with why the form was refused.
fn refused(state: &UiState, tr: Tr, market: &str, why: String) -> Response {
    render(
        state,
        tr,
        market,
        None,
        Some(why),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
}

/// The other side's key and the scopes ticked, or why not.
fn other_and_scope(tr: Tr, form: &MembershipForm) -> Result<(AuthorKey, Vec<Scope>), String> {
    let other = form
        .other
        .trim()
        .parse::<AuthorKey>()
        .map_err(|_| tr.t("membership-bad-key"))?;
    let scope = scopes_of(&form.scope);
    if scope.is_empty() {
        return Err(tr.t("membership-no-scope"));
    }
    Ok((other, scope))
}

/// The platform's side: countersigns a member's membership and shows what to hand over.
pub(super) async fn countersign(
    State(state): State<UiState>,
    m: InMarket,
    headers: HeaderMap,
    HtmlForm(form): HtmlForm<MembershipForm>,
) -> Response {
    let tr = choose(form.lang.as_deref(), &headers, &state.settings().languages);
    let refuse = |why: String| refused(&state, tr, m.id(), why);
    let (member, scope) = match other_and_scope(tr, &form) {
        Ok(found) => found,
        Err(why) => return refuse(why),
    };
    let days: u64 = form.days.trim().parse().unwrap_or(365).clamp(1, 730);
    let until = now_ms().saturating_add(days * DAY_MS);
    let market = m.id().to_owned();
    match state
        .node
        .countersign_membership(&market, &member, &scope, until)
    {
        Ok(signature) => {
            let me = state.node.author().to_hex();
            let notice = html! {
                p { (tr.args("membership-countersigned", &[("member", FluentValue::from(actor_name(&state, tr, &member)))])) }
                dl.facts {
                    dt { (tr.t("membership-platform-key")) } dd { code.wrap { (me) } }
                    dt { (tr.t("membership-scope")) } dd { (scope_names(tr, &scope)) }
                    dt { (tr.t("membership-until-ms")) } dd { code { (until) } }
                    dt { (tr.t("membership-signature")) } dd { code.wrap #countersignature { (signature.to_hex()) } }
                }
            };
            render(&state, tr, m.id(), Some(notice), None, StatusCode::OK)
        }
        Err(e) => refuse(e.to_string()),
    }
}

/// The member's side: publishes a membership with the platform's countersignature.
pub(super) async fn add(
    State(state): State<UiState>,
    m: InMarket,
    headers: HeaderMap,
    HtmlForm(form): HtmlForm<MembershipForm>,
) -> Response {
    let tr = choose(form.lang.as_deref(), &headers, &state.settings().languages);
    let refuse = |why: String| refused(&state, tr, m.id(), why);
    let (platform, scope) = match other_and_scope(tr, &form) {
        Ok(found) => found,
        Err(why) => return refuse(why),
    };
    let Ok(until) = form.until.trim().parse::<u64>() else {
        return refuse(tr.t("membership-bad-until"));
    };
    let Ok(platform_sig) = form.signature.trim().parse::<Signature>() else {
        return refuse(tr.t("membership-bad-signature"));
    };
    let market = m.id().to_owned();
    let membership = Membership {
        platform,
        scope,
        until,
        platform_sig,
    };
    if membership
        .verify_countersignature(&market, &state.node.author())
        .is_err()
    {
        return refuse(tr.t("membership-bad-signature"));
    }
    let key = membership.slot_key();
    match state
        .node
        .own()
        .put(&market, &key, Body::Membership(membership), None)
        .await
    {
        Ok(_) => Redirect::to(&format!("{HERE}?notice=membership-added")).into_response(),
        Err(e) => refuse(e.to_string()),
    }
}

/// The member's side: ends a membership (a tombstone of its slot).
pub(super) async fn end(
    State(state): State<UiState>,
    m: InMarket,
    HtmlForm(form): HtmlForm<MembershipForm>,
) -> Response {
    let market = m.id().to_owned();
    match state
        .node
        .own()
        .tombstone(&market, Kind::Membership, form.other.trim())
        .await
    {
        Ok(()) => Redirect::to(&format!("{HERE}?notice=membership-ended")).into_response(),
        Err(e) => super::form::publish_refused(&e),
    }
}
