//! The courier's pages as markup: the job board beside the standing offers, an offer's form
//! with the node's refusals on its fields, and the page of an offer that is not there.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use fluent_bundle::FluentValue;
use maud::{Markup, html};
use smartket_protocol::{Body, Record};

use super::form::{DAYS, OfferForm, VEHICLES};
use super::{HERE, ListQuery};
use crate::orders::db::Party;
use crate::orders::view::stage_name;
use crate::ui::UiState;
use crate::ui::dates::{clock, date_time};
use crate::ui::form::{Errors, described_by, encode, error, invalid};
use crate::ui::i18n::Tr;
use crate::ui::i18n::pick;
use crate::ui::layout::{Frame, manage_nav, page};
use crate::ui::orders::contact::address_line;
use crate::ui::shop::price;

fn text_field(
    errors: &Errors,
    name: &'static str,
    label: String,
    value: &str,
    extra: Markup,
) -> Markup {
    html! {
        div.field {
            label for=(name) { (label) }
            input id=(name) type="text" name=(name) value=(value)
                aria-invalid=[invalid(errors, name)]
                aria-describedby=[described_by(errors, name)];
            (extra)
            (error(errors, name))
        }
    }
}

fn form_body(
    state: &UiState,
    tr: Tr,
    form: &OfferForm,
    errors: &Errors,
    creating: bool,
    notice: Option<String>,
) -> Markup {
    let action = if creating {
        format!("{HERE}/nouvelle")
    } else {
        format!("{HERE}/{}", encode(&form.key))
    };
    let mut currencies: Vec<String> = Vec::new();
    for currency in state.node.markets().iter().flat_map(|m| &m.currencies) {
        if !currencies.contains(&currency.code) {
            currencies.push(currency.code.clone());
        }
    }
    html! {
        (manage_nav(tr, HERE))
        h1 { @if creating { (tr.t("offer-new")) } @else { (tr.args("offer-edit", &[("key", FluentValue::from(form.key.as_str()))])) } }
        @if let Some(notice) = &notice { p.notice role="alert" { (notice) } }
        @if !errors.is_empty() { p.notice role="alert" { (tr.t("form-has-errors")) } }
        form method="post" action=(action) {
            fieldset {
                legend { (tr.t("offer-what")) }
                @if creating {
                    (text_field(errors, "key", tr.t("offer-key"), &form.key,
                        html! { span.muted { " " (tr.t("offer-key-help")) } }))
                }
                div.field {
                    label for="note_fr" { (tr.t("offer-note-fr")) }
                    textarea #note_fr name="note_fr" rows="3" lang="fr"
                        aria-invalid=[invalid(errors, "note_fr")]
                        aria-describedby=[described_by(errors, "note_fr")] { (form.note_fr) }
                    (error(errors, "note_fr"))
                }
                div.field {
                    label for="note_en" { (tr.t("offer-note-en")) }
                    textarea #note_en name="note_en" rows="3" lang="en"
                        aria-invalid=[invalid(errors, "note_en")]
                        aria-describedby=[described_by(errors, "note_en")] { (form.note_en) }
                    (error(errors, "note_en"))
                }
            }
            fieldset {
                legend { (tr.t("offer-where")) }
                (text_field(errors, "postcodes", tr.t("offer-postcodes"), &form.postcodes,
                    html! { span.muted { " " (tr.t("offer-postcodes-help")) } }))
            }
            fieldset {
                legend { (tr.t("offer-fees")) }
                div.field {
                    label for="currency" { (tr.t("offer-currency")) }
                    select #currency name="currency" aria-invalid=[invalid(errors, "currency")]
                        aria-describedby=[described_by(errors, "currency")] {
                        @for code in &currencies {
                            option value=(code) selected[*code == form.currency] { (code) }
                        }
                    }
                    (error(errors, "currency"))
                }
                (text_field(errors, "base", tr.t("offer-base"), &form.base, html! {}))
                (text_field(errors, "free_above", tr.t("offer-free-above"), &form.free_above,
                    html! { span.muted { " " (tr.t("offer-optional")) } }))
            }
            fieldset {
                legend { (tr.t("offer-vehicle-limits")) }
                div.field {
                    label for="vehicle" { (tr.t("offer-vehicle")) }
                    select #vehicle name="vehicle" aria-invalid=[invalid(errors, "vehicle")]
                        aria-describedby=[described_by(errors, "vehicle")] {
                        @for v in VEHICLES {
                            option value=(v) selected[v == form.vehicle] { (tr.t(&format!("vehicle-{v}"))) }
                        }
                    }
                    (error(errors, "vehicle"))
                }
                (text_field(errors, "weight_kg", tr.t("offer-weight"), &form.weight_kg, html! {}))
                (text_field(errors, "length_cm", tr.t("offer-length"), &form.length_cm, html! {}))
                (text_field(errors, "width_cm", tr.t("offer-width"), &form.width_cm, html! {}))
                (text_field(errors, "height_cm", tr.t("offer-height"), &form.height_cm, html! {}))
            }
            fieldset aria-describedby=[described_by(errors, "slots")] {
                legend { (tr.t("offer-slots")) }
                (error(errors, "slots"))
                table.slots {
                    thead { tr {
                        th scope="col" { (tr.t("offer-day")) }
                        th scope="col" { (tr.t("offer-from")) }
                        th scope="col" { (tr.t("offer-to")) }
                    } }
                    tbody {
                        @for (((_, name), (on, from, to)), extra) in DAYS.iter().zip(&form.slots).zip(&form.extras) {
                            tr {
                                td {
                                    input type="checkbox" id=(format!("day_{name}")) name="day" value=(name) checked[*on];
                                    " "
                                    label for=(format!("day_{name}")) { (tr.t(&format!("day-{name}"))) }
                                }
                                td {
                                    label.skip for=(format!("from_{name}")) { (tr.t(&format!("day-{name}"))) " — " (tr.t("offer-from")) }
                                    input type="time" id=(format!("from_{name}")) name=(format!("from_{name}")) value=(from);
                                }
                                td {
                                    label.skip for=(format!("to_{name}")) { (tr.t(&format!("day-{name}"))) " — " (tr.t("offer-to")) }
                                    input type="time" id=(format!("to_{name}")) name=(format!("to_{name}")) value=(to);
                                    @if !extra.is_empty() { " " span.muted { "+ " (extra) } }
                                }
                            }
                        }
                    }
                }
            }
            button type="submit" { (tr.t("offer-save")) }
            " "
            a href=(HERE) { (tr.t("form-cancel")) }
        }
    }
}

fn frame(tr: Tr, title: String, here: &str, chosen: bool) -> Frame<'_> {
    Frame {
        tr,
        title,
        query: "",
        here,
        chosen,
        market: None,
    }
}

pub(super) fn form_page(
    state: &UiState,
    tr: Tr,
    form: &OfferForm,
    errors: &Errors,
    creating: bool,
    notice: Option<String>,
) -> Response {
    let title = if creating {
        tr.t("offer-new")
    } else {
        tr.args(
            "offer-edit",
            &[("key", FluentValue::from(form.key.as_str()))],
        )
    };
    let body = form_body(state, tr, form, errors, creating, notice);
    page(frame(tr, title, HERE, false), body)
}

/// The jobs of orders this node delivers, newest first.
fn job_board(state: &UiState, tr: Tr) -> Markup {
    let jobs: Vec<_> = state
        .node
        .orders()
        .list()
        .unwrap_or_default()
        .into_iter()
        .filter(|(file, _)| file.party == Party::Courier)
        .collect();
    html! {
        section aria-labelledby="jobs" {
            h2 #jobs { (tr.t("jobs-title")) }
            @if jobs.is_empty() { p.empty { (tr.t("jobs-none")) } }
            ul.jobs {
                @for (file, track) in &jobs {
                    @let id = file.order_id.to_hex();
                    li.notice {
                        a href=(format!("/commandes/{id}")) { (tr.args("order-title", &[("id", FluentValue::from(file.order_id.number()))])) }
                        " — " strong { (tr.t(&format!("stage-{}", stage_name(track.state.stage)))) }
                        @if let Some(job) = &track.job {
                            p {
                                (tr.args("jobs-route", &[
                                    ("from", FluentValue::from(address_line(&job.pickup.address))),
                                    ("to", FluentValue::from(address_line(&job.dropoff.address))),
                                ]))
                            }
                            p.muted {
                                (tr.args("jobs-window", &[
                                    ("from", FluentValue::from(date_time(job.window.from))),
                                    ("to", FluentValue::from(date_time(job.window.to))),
                                ]))
                                " — "
                                (tr.args("jobs-fee", &[("fee", FluentValue::from(price(state, job.fee.amount, &job.fee.currency)))]))
                            }
                        }
                    }
                }
            }
        }
    }
}

fn offer_summary(state: &UiState, tr: Tr, record: &Record) -> Markup {
    let key = &record.payload.key;
    let Body::DeliveryOffer(offer) = &record.payload.body else {
        return html! {};
    };
    let postcodes: Vec<&str> = offer
        .zones
        .iter()
        .flat_map(|z| z.postcodes.iter().map(String::as_str))
        .collect();
    let days: Vec<String> = offer
        .slots
        .iter()
        .map(|s| {
            let name = DAYS
                .iter()
                .find(|(d, _)| *d == s.day)
                .map_or("", |(_, n)| n);
            format!(
                "{} {}–{}",
                tr.t(&format!("day-{name}")),
                clock(s.start),
                clock(s.end)
            )
        })
        .collect();
    html! {
        li.notice {
            strong { (key) }
            @let note = pick(&offer.note, tr);
            @if !note.is_empty() { " — " (note) }
            p {
                (tr.args("offer-summary-fee", &[("fee", FluentValue::from(price(state, offer.fees.base, &offer.fees.currency)))]))
                @if let Some(free) = offer.fees.free_above {
                    " " (tr.args("offer-summary-free", &[("amount", FluentValue::from(price(state, free, &offer.fees.currency)))]))
                }
            }
            p.muted { (tr.t("offer-postcodes")) " : " (postcodes.join(", ")) }
            p.muted { (days.join(" · ")) }
            a href=(format!("{HERE}/{}", encode(key))) { (tr.t("offer-change")) }
            " "
            form.inline method="post" action=(format!("{HERE}/{}/supprimer", encode(key))) {
                button.danger type="submit" { (tr.t("offer-delete")) }
            }
        }
    }
}

/// The job board and the offers; only the three notices of a change are said, so a link
/// cannot make the page say another message.
pub(super) fn index(state: &UiState, tr: Tr, offers: &[Record], q: &ListQuery) -> Response {
    let notice = match q.notice.as_deref() {
        Some("created") => Some(tr.t("offer-created")),
        Some("saved") => Some(tr.t("offer-saved")),
        Some("deleted") => Some(tr.t("offer-deleted")),
        _ => None,
    };
    let body = html! {
        (manage_nav(tr, HERE))
        h1 { (tr.t("manage-delivery")) }
        @if let Some(notice) = &notice { p.notice role="status" { (notice) } }
        (job_board(state, tr))
        section aria-labelledby="offers" {
            h2 #offers { (tr.t("offers-title")) }
            p { a.button href=(format!("{HERE}/nouvelle")) { (tr.t("offer-new")) } }
            @if offers.is_empty() { p.empty { (tr.t("offers-none")) } }
            ul.offers { @for record in offers { (offer_summary(state, tr, record)) } }
        }
    };
    page(
        frame(tr, tr.t("manage-delivery"), HERE, q.lang.is_some()),
        body,
    )
}

pub(super) fn not_found(tr: Tr) -> Response {
    let body = html! { (manage_nav(tr, HERE)) p.notice { (tr.t("offer-not-found")) } };
    (
        StatusCode::NOT_FOUND,
        page(frame(tr, tr.t("manage-delivery"), HERE, false), body),
    )
        .into_response()
}
