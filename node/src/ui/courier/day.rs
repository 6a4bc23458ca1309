//! The courier's day: the jobs still to do, grouped by delivery window, each with where to
//! collect and where to deliver (contacts as `tel:` links), the parcel, the fee and the next
//! step as one big button; then the route of the day — every stop in window-then-postcode
//! order. Made to be read on a phone at the kerb and printed in the morning (the stylesheet's
//! print rules drop the buttons and the navigation).

use axum::extract::State;
use axum::response::Response;
use fluent_bundle::FluentValue;
use maud::{Markup, html};
use smartket_protocol::messages::{DeliveryJob, Stage};

use crate::orders::db::{OrderFile, Party};
use crate::orders::track::Track;
use crate::ui::UiState;
use crate::ui::dates::window;
use crate::ui::i18n::Tr;
use crate::ui::layout::{Frame, manage_nav, page};
use crate::ui::orders::contact::{address, address_line, contact};
use crate::ui::orders::detail::parcel_size;
use crate::ui::orders::{allowed_steps, stage};
use crate::ui::shop::price;

/// The day's page.
pub(crate) const DAY: &str = "/gestion/tournee";

/// A job still to do: this node is its courier and it is neither delivered nor over.
fn open_job(file: &OrderFile, track: &Track) -> bool {
    file.party == Party::Courier
        && !matches!(
            track.state.stage,
            Stage::Delivered | Stage::Completed | Stage::Rejected | Stage::Cancelled
        )
}

/// The open jobs in the order of the route: by window (start, then end), then by drop-off
/// postcode.
fn route(state: &UiState) -> Vec<(OrderFile, Track, DeliveryJob)> {
    let mut jobs: Vec<_> = state
        .node
        .orders()
        .list()
        .unwrap_or_default()
        .into_iter()
        .filter(|(file, track)| open_job(file, track))
        .filter_map(|(file, track)| {
            let job = track.job.clone()?;
            Some((file, track, job))
        })
        .collect();
    jobs.sort_by(|(_, _, a), (_, _, b)| {
        (a.window.from, a.window.to, &a.dropoff.address.postcode).cmp(&(
            b.window.from,
            b.window.to,
            &b.dropoff.address.postcode,
        ))
    });
    jobs
}

/// One job's card: stops, parcel, fee and the next step.
fn job_card(state: &UiState, tr: Tr, file: &OrderFile, track: &Track, job: &DeliveryJob) -> Markup {
    let id = file.order_id.to_hex();
    let next = allowed_steps(file.party, track.state)
        .into_iter()
        .find(|(_, needs_reason)| !needs_reason);
    html! {
        article.job {
            h3 {
                a href=(format!("/commandes/{id}")) { (tr.args("order-title", &[("id", FluentValue::from(file.order_id.number()))])) }
                " — " (stage(tr, &crate::orders::view::stage_name(track.state.stage)))
            }
            dl.facts {
                dt { (tr.t("order-pickup-at")) }
                dd { (contact(&job.pickup.contact)) (address(&job.pickup.address)) }
                dt { (tr.t("order-dropoff-at")) }
                dd { (contact(&job.dropoff.contact)) (address(&job.dropoff.address)) }
                dt { (tr.t("order-parcel")) } dd { (parcel_size(tr, &job.parcel)) }
                dt { (tr.t("order-courier-fee")) } dd { (price(state, job.fee.amount, &job.fee.currency)) }
                @if let Some(note) = &job.note { dt { (tr.t("order-note")) } dd { (note) } }
            }
            @if let Some((step, _)) = next {
                form.next method="post" action=(format!("/commandes/{id}/etape")) {
                    input type="hidden" name="back" value=(DAY);
                    button.big type="submit" name="step" value=(step) { (tr.t(&format!("step-{step}"))) }
                }
            }
        }
    }
}

/// The day: jobs by window, then the route.
pub(in crate::ui) async fn day(State(state): State<UiState>, tr: Tr) -> Response {
    let jobs = route(&state);
    let mut windows: Vec<(u64, u64)> = jobs
        .iter()
        .map(|(_, _, j)| (j.window.from, j.window.to))
        .collect();
    windows.dedup();
    let body = html! {
        (manage_nav(tr, DAY))
        h1 { (tr.t("courier-day-title")) }
        @if jobs.is_empty() { p.empty { (tr.t("jobs-none")) } }
        @for (from, to) in &windows {
            section.window aria-label=(window(*from, *to)) {
                h2 { (window(*from, *to)) }
                @for (file, track, job) in jobs.iter().filter(|(_, _, j)| (j.window.from, j.window.to) == (*from, *to)) {
                    (job_card(&state, tr, file, track, job))
                }
            }
        }
        @if !jobs.is_empty() {
            section.route aria-labelledby="route" {
                h2 #route { (tr.t("courier-day-route")) }
                ol.route {
                    @for (file, _, job) in &jobs {
                        li {
                            strong { (window(job.window.from, job.window.to)) } " · " (file.order_id.number())
                            br;
                            (tr.args("jobs-route", &[
                                ("from", FluentValue::from(address_line(&job.pickup.address))),
                                ("to", FluentValue::from(address_line(&job.dropoff.address))),
                            ]))
                        }
                    }
                }
            }
        }
    };
    page(Frame::plain(tr, tr.t("courier-day-title"), DAY), body)
}
