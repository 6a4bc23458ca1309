//! The back office's orders ("Gestion"): what this node sells or delivers, filtered by state
//! (by default what is to handle now: to accept, to prepare, ready, handed over) and by day,
//! with links to the day's packing list and to the CSV exports of what is shown. The filter
//! lives here because the list, the packing list and the exports must agree on which orders a
//! day and a state mean.

use axum::extract::{Query, State};
use axum::response::Response;
use fluent_bundle::FluentValue;
use maud::{Markup, html};
use serde::Deserialize;
use smartket_protocol::messages::{DeliveryChoice, Stage};

use super::{allowed_steps, stage};
use crate::orders::db::{OrderFile, Party};
use crate::orders::track::Track;
use crate::ui::UiState;
use crate::ui::dates::{date, iso_date, parse_date};
use crate::ui::i18n::Tr;
use crate::ui::layout::{Frame, manage_nav, page};

/// The back office's orders page.
pub(in crate::ui) const INBOX: &str = "/gestion";

/// The state filters: query value and label. The first is the default.
const STATES: [(&str, &str); 6] = [
    ("en-cours", "filter-now"),
    ("a-accepter", "filter-placed"),
    ("a-preparer", "filter-accepted"),
    ("pretes", "filter-ready"),
    ("remises", "filter-handed"),
    ("toutes", "filter-all"),
];

/// The filters as the browser sends them (`?etat=a-preparer&jour=2026-11-28`).
#[derive(Debug, Default, Deserialize)]
pub(in crate::ui) struct FilterQuery {
    etat: Option<String>,
    jour: Option<String>,
}

/// Which orders a page is about: a state filter and, optionally, one day.
#[derive(Debug, Clone, Copy)]
pub(in crate::ui) struct Filter {
    /// One of [`STATES`]' query values.
    state: &'static str,
    /// Midnight (Geneva) of the day, if one was chosen.
    day: Option<u64>,
}

impl Filter {
    /// The filter a query asks for; an unknown state or an unreadable day is no filter on it,
    /// so a mistyped address still shows orders rather than an error.
    pub(in crate::ui) fn from_query(query: &FilterQuery) -> Filter {
        let state = STATES
            .iter()
            .map(|(value, _)| *value)
            .find(|value| query.etat.as_deref() == Some(*value))
            .unwrap_or(STATES[0].0);
        let day = query.jour.as_deref().and_then(parse_date);
        Filter { state, day }
    }

    /// Every order of `day`, whatever its state.
    pub(in crate::ui) fn any_state_on(day: u64) -> Filter {
        Filter {
            state: "toutes",
            day: Some(day),
        }
    }

    /// The chosen day, if any.
    pub(in crate::ui) fn day(self) -> Option<u64> {
        self.day
    }

    /// Whether the order is one this filter keeps.
    pub(in crate::ui) fn keeps(self, file: &OrderFile, track: &Track) -> bool {
        let stage = track.state.stage;
        let in_state = match self.state {
            "a-accepter" => stage == Stage::Placed,
            "a-preparer" => stage == Stage::Accepted,
            "pretes" => stage == Stage::ReadyForPickup,
            "remises" => matches!(stage, Stage::HandedToCourier | Stage::InTransit),
            "toutes" => true,
            _ => matches!(
                stage,
                Stage::Placed
                    | Stage::Accepted
                    | Stage::ReadyForPickup
                    | Stage::HandedToCourier
                    | Stage::InTransit
            ),
        };
        let on_day = self
            .day
            .is_none_or(|day| date(day) == date(order_day(file, track)));
        in_state && on_day
    }

    /// The query string that asks for this filter again (`?etat=…&jour=…`).
    pub(in crate::ui) fn query(self) -> String {
        match self.day {
            Some(day) => format!("?etat={}&jour={}", self.state, iso_date(day)),
            None => format!("?etat={}", self.state),
        }
    }
}

/// The day an order is for: the start of its delivery window when it has one (the seller's
/// order or the courier's job), otherwise the day it arrived — a pick-up is prepared for
/// when it is ordered.
pub(in crate::ui) fn order_day(file: &OrderFile, track: &Track) -> u64 {
    let window = track
        .order
        .as_ref()
        .and_then(|o| match &o.delivery {
            DeliveryChoice::Courier { window, .. } => Some(window.from),
            DeliveryChoice::Seller { window, .. } => window.as_ref().map(|w| w.from),
            DeliveryChoice::Pickup => None,
        })
        .or_else(|| track.job.as_ref().map(|j| j.window.from));
    window.unwrap_or(file.created_ms)
}

/// The orders this node sells (`Party::Seller`) or also delivers, that `filter` keeps, newest
/// first.
pub(in crate::ui) fn handled(
    state: &UiState,
    filter: Filter,
    sold_only: bool,
) -> Vec<(OrderFile, Track)> {
    state
        .node
        .orders()
        .list()
        .unwrap_or_default()
        .into_iter()
        .filter(|(file, _)| match file.party {
            Party::Seller => true,
            Party::Courier => !sold_only,
            Party::Consumer => false,
        })
        .filter(|(file, track)| filter.keeps(file, track))
        .collect()
}

/// The filter form: a state, a day, and the button (a GET, so it works without JavaScript and
/// the filtered page can be bookmarked).
fn filter_form(tr: Tr, filter: Filter) -> Markup {
    html! {
        form.filters method="get" action=(INBOX) {
            div.row {
                label for="etat" { (tr.t("filter-state")) }
                select #etat name="etat" {
                    @for (value, label) in STATES {
                        option value=(value) selected[value == filter.state] { (tr.t(label)) }
                    }
                }
            }
            div.row {
                label for="jour" { (tr.t("filter-day")) }
                input #jour type="date" name="jour" value=[filter.day.map(iso_date)];
            }
            button type="submit" { (tr.t("filter-apply")) }
        }
    }
}

/// Where a seller goes from here: the packing list of the chosen day (today if none) and the
/// exports of what is listed.
fn tools(tr: Tr, filter: Filter) -> Markup {
    let day = filter.day.unwrap_or_else(crate::clock::now_ms);
    let query = filter.query();
    html! {
        ul.tools {
            li { a href=(format!("{}?jour={}", super::packing::PACKING, iso_date(day))) { (tr.t("packing-link")) } }
            li { a href=(format!("{}{query}", super::export::ORDERS_CSV)) download { (tr.t("export-orders")) } }
            li { a href=(format!("{}{query}", super::export::LINES_CSV)) download { (tr.t("export-lines")) } }
        }
    }
}

/// The orders this node sells or delivers that the filter keeps, newest first, each with its
/// number, customer, day and stage, and a mark when a step is ours to make.
pub(in crate::ui) async fn manage_index(
    State(state): State<UiState>,
    tr: Tr,
    Query(query): Query<FilterQuery>,
) -> Response {
    let filter = Filter::from_query(&query);
    let orders = handled(&state, filter, false);
    let body = html! {
        (manage_nav(tr, INBOX))
        h1 { (tr.t("manage-title")) }
        (filter_form(tr, filter))
        (tools(tr, filter))
        @if orders.is_empty() { p.empty { (tr.t("orders-none")) } }
        ul.orders {
            @for (file, track) in &orders {
                @let id = file.order_id.to_hex();
                @let customer = track.order.as_ref().map(|o| o.contact.name.as_str());
                li {
                    a href=(format!("/commandes/{id}")) { (tr.args("order-title", &[("id", FluentValue::from(file.order_id.number()))])) }
                    @if let Some(name) = customer { " — " (name) }
                    " — " (date(order_day(file, track)))
                    " — " strong { (stage(tr, &crate::orders::view::stage_name(track.state.stage))) }
                    @if !allowed_steps(file.party, track.state).is_empty() { " — " span.badge { (tr.t("manage-to-do")) } }
                }
            }
        }
    };
    page(Frame::plain(tr, tr.t("manage-title"), INBOX), body)
}
