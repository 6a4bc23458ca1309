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

/// The filters as the browser sends them: one day (`?etat=a-preparer&jour=2026-11-28`), or a
/// range of days for the books (`?etat=toutes&du=2026-11-01&au=2026-11-30`).
#[derive(Debug, Default, Deserialize)]
pub(in crate::ui) struct FilterQuery {
    etat: Option<String>,
    jour: Option<String>,
    du: Option<String>,
    au: Option<String>,
}

/// Which orders a page is about: a state filter and, optionally, a day or a range of days.
#[derive(Debug, Clone, Copy)]
pub(in crate::ui) struct Filter {
    /// One of [`STATES`]' query values.
    state: &'static str,
    /// Midnight (Geneva) of the day, if one was chosen.
    day: Option<u64>,
    /// The first and the last day (both kept), for an export over a period; either may be
    /// open.
    range: Option<(Option<u64>, Option<u64>)>,
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
        let from = query.du.as_deref().and_then(parse_date);
        let to = query.au.as_deref().and_then(parse_date);
        let range = (from.is_some() || to.is_some()).then_some((from, to));
        Filter { state, day, range }
    }

    /// Every order of `day`, whatever its state.
    pub(in crate::ui) fn any_state_on(day: u64) -> Filter {
        Filter {
            state: "toutes",
            day: Some(day),
            range: None,
        }
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
        // ISO dates (Geneva days) compare as the days do.
        let its_day = iso_date(order_day(file, track));
        let on_day = self.day.is_none_or(|day| iso_date(day) == its_day);
        let in_range = self.range.is_none_or(|(from, to)| {
            from.is_none_or(|f| iso_date(f) <= its_day) && to.is_none_or(|t| its_day <= iso_date(t))
        });
        in_state && on_day && in_range
    }

    /// The period asked for, as it names a file (`2026-11-01_2026-11-30`).
    pub(in crate::ui) fn period(self) -> Option<String> {
        let iso = |d: Option<u64>| d.map(iso_date).unwrap_or_default();
        match (self.day, self.range) {
            (Some(day), _) => Some(iso_date(day)),
            (None, Some((from, to))) => Some(format!("{}_{}", iso(from), iso(to))),
            (None, None) => None,
        }
    }

    /// The query string that asks for this filter again (`?etat=…&jour=…`).
    pub(in crate::ui) fn query(self) -> String {
        let mut query = format!("?etat={}", self.state);
        if let Some(day) = self.day {
            query.push_str(&format!("&jour={}", iso_date(day)));
        }
        if let Some((from, to)) = self.range {
            for (name, day) in [("du", from), ("au", to)] {
                if let Some(day) = day {
                    query.push_str(&format!("&{name}={}", iso_date(day)));
                }
            }
        }
        query
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

/// Where a seller goes from here: the packing list of the chosen day (today if none), the
/// exports of what is listed, and the exports of a period for the books (every state, by
/// the orders' days; a GET form, so it works without JavaScript).
fn tools(tr: Tr, filter: Filter) -> Markup {
    let day = filter.day.unwrap_or_else(crate::clock::now_ms);
    let query = filter.query();
    let (from, to) = filter.range.unwrap_or_default();
    html! {
        ul.tools {
            li { a href=(format!("{}?jour={}", super::packing::PACKING, iso_date(day))) { (tr.t("packing-link")) } }
            li { a href=(format!("{}{query}", super::export::ORDERS_CSV)) download { (tr.t("export-orders")) } }
            li { a href=(format!("{}{query}", super::export::LINES_CSV)) download { (tr.t("export-lines")) } }
        }
        form.filters method="get" action=(super::export::ORDERS_CSV) aria-label=(tr.t("export-period")) {
            input type="hidden" name="etat" value="toutes";
            div.row {
                label for="du" { (tr.t("export-from")) }
                input #du type="date" name="du" value=[from.map(iso_date)];
            }
            div.row {
                label for="au" { (tr.t("export-to")) }
                input #au type="date" name="au" value=[to.map(iso_date)];
            }
            button.secondary type="submit" { (tr.t("export-orders")) }
            button.secondary type="submit" formaction=(super::export::LINES_CSV) { (tr.t("export-lines")) }
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
