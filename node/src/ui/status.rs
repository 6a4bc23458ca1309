//! The node's own page: who it is on the network, whom it is connected to, how far the catch-up
//! sync has gone, what it holds, and the order messages still on their way. The figures are the
//! ones `GET /api/v1/status` and `GET /api/v1/peers` report, read from the same functions.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use fluent_bundle::FluentValue;
use maud::{Markup, html};
use smartket_protocol::kinds::Kind;

use super::UiState;
use super::dates::date_time;
use super::i18n::{Tr, pick};
use super::layout::{Frame, page};
use super::names::{actor_name, profile};
use super::shop::LangQuery;
use crate::daemon::Status;
use crate::network::Reachability;

/// A peer as the page shows it: its id, and its actor's name when a profile is known.
struct PeerRow {
    peer_id: String,
    name: Option<String>,
    score: Option<f64>,
}

async fn peers(state: &UiState, tr: Tr) -> Option<Vec<PeerRow>> {
    let peers = state.node.network().peers().await.ok()?;
    Some(
        peers
            .into_iter()
            .map(|p| PeerRow {
                name: crate::network::author_of_peer(&p.peer_id)
                    .and_then(|author| profile(state, &author))
                    .map(|p| pick(&p.name, tr).to_owned()),
                peer_id: p.peer_id.to_string(),
                score: p.score,
            })
            .collect(),
    )
}

fn kind_name(tr: Tr, kind: &str) -> String {
    match kind.parse::<Kind>() {
        Ok(k) => tr.t(&format!("kind-{}", k.as_str())),
        Err(_) => kind.to_owned(),
    }
}

fn count(tr: Tr, id: &str, n: usize) -> String {
    tr.args(id, &[("count", FluentValue::from(n))])
}

fn sync_section(tr: Tr, status: &Status) -> Markup {
    let sync = &status.sync;
    html! {
        section aria-labelledby="sync" {
            h2 #sync { (tr.t("status-sync")) }
            p {
                (tr.t("status-last-sync")) " : "
                @match sync.last_at_ms {
                    Some(ms) => { strong { (date_time(ms)) } }
                    None => { strong { (tr.t("status-never")) } }
                }
            }
            p { (tr.args("status-sync-totals", &[
                ("fetched", FluentValue::from(sync.total.fetched)),
                ("pushed", FluentValue::from(sync.total.pushed)),
                ("failed", FluentValue::from(sync.failed)),
            ])) }
            @if let Some(run) = &sync.run {
                @let done = run.finished_at_ms.is_some();
                p {
                    (tr.args(if done { "status-run-done" } else { "status-run-going" }, &[
                        ("done", FluentValue::from(run.peers_done)),
                        ("total", FluentValue::from(run.peers_total)),
                        ("fetched", FluentValue::from(run.report.fetched)),
                    ]))
                }
                progress value=(run.peers_done) max=(run.peers_total.max(1)) aria-label=(tr.t("status-sync")) {}
            }
            form method="post" action="/etat/synchroniser" {
                button type="submit" { (tr.t("status-sync-now")) }
            }
        }
    }
}

fn mailbox_section(tr: Tr, status: &Status, outbox: Option<(usize, usize)>) -> Markup {
    html! {
        section aria-labelledby="mailbox" {
            h2 #mailbox { (tr.t("status-mailbox")) }
            ul {
                @match outbox {
                    Some((pending, in_mailbox)) => {
                        li { (count(tr, "status-outbox-pending", pending)) }
                        li { (count(tr, "status-outbox-in-mailbox", in_mailbox)) }
                    }
                    None => { li { (tr.t("status-unknown")) } }
                }
                li { (count(tr, "status-unpublished", status.unpublished)) }
                @if let Some(kept) = &status.mailbox {
                    li { (count(tr, "status-mailbox-kept", usize::try_from(kept.waiting).unwrap_or(usize::MAX))) }
                }
            }
        }
    }
}

/// How others reach the node, said for its owner: directly, through which cooperatives, or
/// not yet (and what to do about it).
fn reachability(state: &UiState, tr: Tr, reach: &Reachability) -> Markup {
    let relays: Vec<String> = reach
        .relays
        .iter()
        .filter_map(|p| p.parse::<libp2p::PeerId>().ok())
        .filter_map(|p| crate::network::author_of_peer(&p))
        .map(|a| actor_name(state, tr, &a))
        .collect();
    let message = match reach.state() {
        "direct" => tr.t("reach-direct"),
        "relayed" => tr.args(
            "reach-relayed",
            &[("via", FluentValue::from(relays.join(", ")))],
        ),
        _ => tr.t("reach-unreachable"),
    };
    html! { span { (message) } }
}

/// The node's status.
pub(super) async fn status_show(
    State(state): State<UiState>,
    tr: Tr,
    Query(q): Query<LangQuery>,
) -> Response {
    let status = state.node.status().await;
    let peers = peers(&state, tr).await;
    let outbox = state.node.orders().outbox_counts().ok();
    let market_name = |id: &str| {
        state
            .node
            .markets()
            .iter()
            .find(|m| m.id == id)
            .map(|m| pick(&m.name, tr).to_owned())
            .unwrap_or_else(|| id.to_owned())
    };
    let body = html! {
        h1 { (tr.t("status-title")) }
        section aria-labelledby="identity" {
            h2 #identity { (tr.t("status-identity")) }
            dl.facts {
                @let name = &state.node.config().node.name;
                dt { (tr.t("status-name")) }
                dd { @if !name.is_empty() { (name) " " } "(" (status.role) ")" }
                dt { (tr.t("status-author")) } dd { code { (status.author) } }
                dt { (tr.t("status-peer-id")) } dd { code { (status.peer_id) } }
                dt { (tr.t("status-reachable")) }
                dd { (reachability(&state, tr, &status.reachability)) }
                dt { (tr.t("status-listen")) }
                dd {
                    @if status.listen.is_empty() { (tr.t("status-none")) }
                    ul { @for addr in &status.listen { li { code { (addr) } } } }
                }
            }
        }
        section aria-labelledby="peers" {
            h2 #peers { (count(tr, "status-peers", status.peers)) }
            @match &peers {
                None => { p { (tr.t("status-unknown")) } }
                Some(list) if list.is_empty() => { p.empty { (tr.t("status-no-peers")) } }
                Some(list) => { ul {
                    @for peer in list {
                        li {
                            @if let Some(name) = &peer.name { strong { (name) } " — " }
                            code { (peer.peer_id) }
                            @if let Some(score) = peer.score { " " span.muted { (format!("({score:.1})")) } }
                        }
                    }
                } }
            }
        }
        (sync_section(tr, &status))
        section aria-labelledby="disk" {
            h2 #disk { (tr.t("status-disk")) }
            @match status.disk.state.as_str() {
                "ok" => { p { (tr.t("status-disk-ok")) } }
                state => {
                    p.notice.error {
                        @if state == "full" { (tr.t("disk-full")) } @else { (tr.t("disk-failing")) }
                        @if let Some(since) = status.disk.since_ms { " (" (date_time(since)) ")" }
                    }
                    @if let Some(message) = &status.disk.message {
                        p { code { (message) } @if let Some(file) = &status.disk.file { " — " code { (file) } } }
                    }
                }
            }
        }
        section aria-labelledby="records" {
            h2 #records { (tr.t("status-records")) }
            @for (market, counts) in &status.markets {
                table {
                    caption { (market_name(market)) }
                    thead { tr { th scope="col" { (tr.t("status-kind")) } th scope="col" { (tr.t("status-count")) } } }
                    tbody {
                        @for (kind, n) in counts {
                            tr { th scope="row" { (kind_name(tr, kind)) } td { (n) } }
                        }
                    }
                }
            }
        }
        (mailbox_section(tr, &status, outbox))
    };
    let frame = Frame {
        tr,
        title: tr.t("status-title"),
        query: "",
        here: "/etat",
        chosen: q.lang.is_some(),
        market: None,
    };
    page(frame, body)
}

/// Starts a catch-up sync with every connected peer, then shows its progress.
pub(super) async fn sync_start(State(state): State<UiState>) -> Response {
    state.node.start_sync();
    Redirect::to("/etat").into_response()
}
