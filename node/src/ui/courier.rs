//! The courier's back office: the delivery jobs this node has been given (where to collect,
//! where to take, when, for what fee), and its standing delivery offers — listed, created,
//! changed and withdrawn through the same functions as `/api/v1/own/delivery-offers`, so the
//! page publishes exactly what the API would.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use fluent_bundle::FluentValue;
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Value as JsonValue, json};
use smartket_protocol::kinds::common::{MAX_ZONE_POSTCODES, validate_postcodes};
use smartket_protocol::kinds::{DeliveryOffer, TimeSlot, Weekday};
use smartket_protocol::messages::Address;
use smartket_protocol::{Body, Kind, Market, Record};

use super::UiState;
use super::dates::{clock, date_time, parse_minutes};
use super::form::{
    Errors, HtmlForm, described_by, encode, error, form_status, invalid, publish_status,
};
use super::i18n::Tr;
use super::layout::{Frame, manage_nav, page};
use super::market::InMarket;
use super::shop::{pick, price};
use crate::money;
use crate::orders::db::Party;
use crate::orders::view::stage_name;
use crate::own::PublishError;
use crate::record_json::body_from_json;

const HERE: &str = "/gestion/livraison";

/// The week, Monday first, with the protocol's day names.
const DAYS: [(Weekday, &str); 7] = [
    (Weekday::Mon, "mon"),
    (Weekday::Tue, "tue"),
    (Weekday::Wed, "wed"),
    (Weekday::Thu, "thu"),
    (Weekday::Fri, "fri"),
    (Weekday::Sat, "sat"),
    (Weekday::Sun, "sun"),
];

/// The vehicles of the protocol, by their wire names.
const VEHICLES: [&str; 9] = [
    "on_foot",
    "bike",
    "e_bike",
    "cargo_bike",
    "scooter",
    "e_van",
    "van",
    "car",
    "cold_van",
];

/// A slot key the form cannot be told apart from the creation page by.
const RESERVED_KEY: &str = "nouvelle";

/// `?lang=&notice=` of the list.
#[derive(Debug, Default, Deserialize)]
pub(super) struct ListQuery {
    lang: Option<String>,
    notice: Option<String>,
}

/// An offer's form, as typed (and as shown again when something was refused).
#[derive(Debug, Default, Clone)]
struct OfferForm {
    key: String,
    note_fr: String,
    note_en: String,
    postcodes: String,
    currency: String,
    base: String,
    free_above: String,
    vehicle: String,
    weight_kg: String,
    length_cm: String,
    width_cm: String,
    height_cm: String,
    /// Per day of [`DAYS`]: delivering that day, from, to.
    slots: [(bool, String, String); 7],
    /// Per day of [`DAYS`]: its other slots, kept as they are (`14:00–17:00`).
    extras: [String; 7],
}

/// A currency's decimals, from whichever joined market names it.
fn currency_digits(state: &UiState, code: &str) -> Option<u8> {
    state
        .node
        .markets()
        .iter()
        .flat_map(|m| &m.currencies)
        .find(|c| c.code == code)
        .map(|c| c.digits)
}

fn amount_text(state: &UiState, amount: u64, currency: &str) -> String {
    money::plain(amount, currency_digits(state, currency).unwrap_or(2))
}

impl OfferForm {
    /// An empty offer in the market's base currency, delivering weekdays by cargo bike.
    fn blank(market: &Market) -> OfferForm {
        OfferForm {
            currency: market.base_currency.clone(),
            vehicle: "cargo_bike".into(),
            weight_kg: "30".into(),
            length_cm: "80".into(),
            width_cm: "60".into(),
            height_cm: "60".into(),
            slots: std::array::from_fn(|_| (false, "09:00".into(), "12:00".into())),
            ..OfferForm::default()
        }
    }

    fn of(state: &UiState, market: &Market, key: &str, offer: &DeliveryOffer) -> OfferForm {
        let mut form = OfferForm::blank(market);
        form.key = key.to_owned();
        form.note_fr = offer.note.get("fr").cloned().unwrap_or_default();
        form.note_en = offer.note.get("en").cloned().unwrap_or_default();
        let mut postcodes: Vec<&str> = Vec::new();
        for code in offer.zones.iter().flat_map(|z| &z.postcodes) {
            if !postcodes.contains(&code.as_str()) {
                postcodes.push(code);
            }
        }
        form.postcodes = postcodes.join(", ");
        form.currency = offer.fees.currency.clone();
        form.base = amount_text(state, offer.fees.base, &offer.fees.currency);
        form.free_above = offer
            .fees
            .free_above
            .map(|a| amount_text(state, a, &offer.fees.currency))
            .unwrap_or_default();
        form.vehicle = serde_json::to_value(offer.vehicle)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let limits = &offer.limits;
        let grams = limits.max_weight_g;
        form.weight_kg = if grams.is_multiple_of(1000) {
            (grams / 1000).to_string()
        } else {
            let kg = format!("{}.{:03}", grams / 1000, grams % 1000);
            kg.trim_end_matches('0').to_owned()
        };
        form.length_cm = limits.max_length_cm.to_string();
        form.width_cm = limits.max_width_cm.to_string();
        form.height_cm = limits.max_height_cm.to_string();
        for (i, (day, _)) in DAYS.iter().enumerate() {
            if let Some(slot) = offer.slots.iter().find(|s| s.day == *day) {
                form.slots[i] = (true, clock(slot.start), clock(slot.end));
            }
        }
        form.keep_extras(offer);
        form
    }

    fn keep_extras(&mut self, offer: &DeliveryOffer) {
        self.extras = std::array::from_fn(|i| {
            extra_slots(Some(offer), DAYS[i].0)
                .iter()
                .map(|s| format!("{}–{}", clock(s.start), clock(s.end)))
                .collect::<Vec<_>>()
                .join(", ")
        });
    }

    /// The form from the posted fields (checkbox days are present only when ticked).
    fn posted(fields: &[(String, String)]) -> OfferForm {
        let get = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        OfferForm {
            key: get("key").trim().to_owned(),
            note_fr: get("note_fr"),
            note_en: get("note_en"),
            postcodes: get("postcodes"),
            currency: get("currency"),
            base: get("base"),
            free_above: get("free_above"),
            vehicle: get("vehicle"),
            weight_kg: get("weight_kg"),
            length_cm: get("length_cm"),
            width_cm: get("width_cm"),
            height_cm: get("height_cm"),
            slots: std::array::from_fn(|i| {
                let name = DAYS[i].1;
                (
                    fields.iter().any(|(k, v)| k == "day" && v == name),
                    get(&format!("from_{name}")),
                    get(&format!("to_{name}")),
                )
            }),
            extras: Default::default(),
        }
    }
}

/// A day's slots after its first one: the form edits the first only.
fn extra_slots(offer: Option<&DeliveryOffer>, day: Weekday) -> Vec<TimeSlot> {
    offer
        .map(|o| {
            o.slots
                .iter()
                .filter(|s| s.day == day)
                .skip(1)
                .copied()
                .collect()
        })
        .unwrap_or_default()
}

/// The offer's body, as `spec/kinds.md` spells it, or the fields the form got wrong. Zones
/// drawn as circles (through the API) are kept as they were: the form edits postcodes only.
fn read(
    state: &UiState,
    tr: Tr,
    form: &OfferForm,
    creating: bool,
    previous: Option<&DeliveryOffer>,
) -> Result<JsonValue, Errors> {
    let mut errors = Errors::new();
    let mut refuse = |field: &'static str, id: &str| {
        errors.entry(field).or_insert_with(|| tr.t(id));
    };
    if creating {
        let key = form.key.as_str();
        if smartket_protocol::record::validate_slot_key(key).is_err()
            || key == RESERVED_KEY
            || key.contains('/')
        {
            refuse("key", "offer-error-key");
        }
    }
    let mut postcodes: Vec<String> = Vec::new();
    for code in form
        .postcodes
        .split([',', ';', '\n'])
        .map(|c| c.trim().to_uppercase())
        .filter(|c| !c.is_empty())
    {
        if !postcodes.contains(&code) {
            postcodes.push(code);
        }
    }
    if validate_postcodes("postcodes", &postcodes, MAX_ZONE_POSTCODES).is_err() {
        refuse("postcodes", "offer-error-postcodes");
    }
    let digits = currency_digits(state, &form.currency);
    if digits.is_none() {
        refuse("currency", "offer-error-currency");
    }
    let digits = digits.unwrap_or(2);
    let base = money::parse(&form.base, digits);
    if base.is_none() {
        refuse("base", "offer-error-amount");
    }
    let free_above = if form.free_above.trim().is_empty() {
        None
    } else {
        let amount = money::parse(&form.free_above, digits);
        if amount.is_none() {
            refuse("free_above", "offer-error-amount");
        }
        amount
    };
    if !VEHICLES.contains(&form.vehicle.as_str()) {
        refuse("vehicle", "offer-error-vehicle");
    }
    let weight = money::parse(&form.weight_kg, 3).filter(|g| (1..=3_500_000).contains(g));
    if weight.is_none() {
        refuse("weight_kg", "offer-error-weight");
    }
    let side = |text: &str| {
        text.trim()
            .parse::<u16>()
            .ok()
            .filter(|cm| (1..=1000).contains(cm))
    };
    let sides = [
        side(&form.length_cm),
        side(&form.width_cm),
        side(&form.height_cm),
    ];
    for (field, value) in ["length_cm", "width_cm", "height_cm"]
        .into_iter()
        .zip(sides)
    {
        if value.is_none() {
            refuse(field, "offer-error-side");
        }
    }
    let mut slots = Vec::new();
    for ((day, name), (on, from, to)) in DAYS.iter().zip(&form.slots) {
        if !on {
            continue;
        }
        match (parse_minutes(from), parse_minutes(to)) {
            (Some(start), Some(end)) if start < end => {
                slots.push(json!({ "day": name, "start": start, "end": end }));
            }
            _ => refuse("slots", "offer-error-slot"),
        }
        // The form shows a day's first slot; the day's other ones (set through the API) stay
        // while the day stays ticked.
        for extra in extra_slots(previous, *day) {
            slots.push(json!({ "day": name, "start": extra.start, "end": extra.end }));
        }
    }
    if slots.is_empty() {
        refuse("slots", "offer-error-slots");
    }
    let mut note = serde_json::Map::new();
    for (lang, text, field) in [
        ("fr", &form.note_fr, "note_fr"),
        ("en", &form.note_en, "note_en"),
    ] {
        let text = text.trim();
        if text.len() > 1000 {
            refuse(field, "offer-error-note");
        } else if !text.is_empty() {
            note.insert(lang.into(), JsonValue::String(text.to_owned()));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut zones = vec![json!({ "postcodes": postcodes })];
    for zone in previous.into_iter().flat_map(|p| &p.zones) {
        if let (Some(center), Some(radius)) = (zone.center, zone.radius_m) {
            zones.push(
                json!({ "center": { "lat_e4": center.lat_e4, "lon_e4": center.lon_e4 },
                               "radius_m": radius }),
            );
        }
    }
    let mut fees = json!({ "currency": form.currency, "base": base });
    if let Some(free) = free_above {
        fees["free_above"] = json!(free);
    }
    if let Some(previous) = previous {
        if let Some(per_km) = previous.fees.per_km {
            fees["per_km"] = json!(per_km);
        }
        if let Some(per_kg) = previous.fees.per_kg {
            fees["per_kg"] = json!(per_kg);
        }
    }
    let [length, width, height] = sides;
    Ok(json!({
        "zones": zones,
        "fees": fees,
        "slots": slots,
        "vehicle": form.vehicle,
        "limits": { "max_weight_g": weight, "max_length_cm": length,
                    "max_width_cm": width, "max_height_cm": height },
        "note": note,
    }))
}

/// Where a refusal of the node lands on the form: the field its path names.
fn refused_field(e: &PublishError) -> Option<(&'static str, &'static str)> {
    if let PublishError::Exists { .. } = e {
        return Some(("key", "offer-error-exists"));
    }
    Some(match e.field()? {
        "key" => ("key", "offer-error-key"),
        p if p.starts_with("body.zones") => ("postcodes", "offer-error-postcodes"),
        p if p.starts_with("body.fees.currency") => ("currency", "offer-error-currency"),
        p if p.starts_with("body.fees") => ("base", "offer-error-amount"),
        p if p.starts_with("body.slots") => ("slots", "offer-error-slot"),
        p if p.starts_with("body.limits.max_weight_g") => ("weight_kg", "offer-error-weight"),
        p if p.starts_with("body.limits") => ("length_cm", "offer-error-side"),
        p if p.starts_with("body.note") => ("note_fr", "offer-error-note"),
        _ => return None,
    })
}

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

fn form_page(
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

fn address_line(address: &Address) -> String {
    let mut parts = address.lines.clone();
    parts.push(format!("{} {}", address.postcode, address.city));
    parts.join(", ")
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
            @if jobs.is_empty() { p { (tr.t("jobs-none")) } }
            ul.jobs {
                @for (file, track) in &jobs {
                    @let id = file.order_id.to_hex();
                    li.notice {
                        a href=(format!("/commandes/{id}")) { (tr.args("order-title", &[("id", FluentValue::from(&id[..8]))])) }
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
                button type="submit" { (tr.t("offer-delete")) }
            }
        }
    }
}

/// The job board and the offers.
pub(super) async fn courier_index(
    State(state): State<UiState>,
    tr: Tr,
    Query(q): Query<ListQuery>,
) -> Response {
    let mut offers = state.node.own().everywhere(Some(Kind::DeliveryOffer));
    offers.sort_by(|a, b| a.payload.key.cmp(&b.payload.key));
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
        (job_board(&state, tr))
        section aria-labelledby="offers" {
            h2 #offers { (tr.t("offers-title")) }
            p { a.button href=(format!("{HERE}/nouvelle")) { (tr.t("offer-new")) } }
            @if offers.is_empty() { p { (tr.t("offers-none")) } }
            ul.offers { @for record in &offers { (offer_summary(&state, tr, record)) } }
        }
    };
    page(
        frame(tr, tr.t("manage-delivery"), HERE, q.lang.is_some()),
        body,
    )
}

/// An empty offer form.
pub(super) async fn offer_new(State(state): State<UiState>, tr: Tr, m: InMarket) -> Response {
    form_page(
        &state,
        tr,
        &OfferForm::blank(&m.market),
        &Errors::new(),
        true,
        None,
    )
}

fn current_offer(state: &UiState, market: &str, key: &str) -> Option<(Record, DeliveryOffer)> {
    let record = state
        .node
        .own()
        .current(market, Kind::DeliveryOffer, key)
        .ok()??;
    match &record.payload.body {
        Body::DeliveryOffer(offer) => {
            let offer = offer.clone();
            Some((record, offer))
        }
        _ => None,
    }
}

fn not_found(tr: Tr) -> Response {
    let body = html! { (manage_nav(tr, HERE)) p.notice { (tr.t("offer-not-found")) } };
    (
        StatusCode::NOT_FOUND,
        page(frame(tr, tr.t("manage-delivery"), HERE, false), body),
    )
        .into_response()
}

/// One offer's form, filled in.
pub(super) async fn offer_edit(
    State(state): State<UiState>,
    tr: Tr,
    m: InMarket,
    Path(key): Path<String>,
) -> Response {
    match current_offer(&state, m.id(), &key) {
        Some((_, offer)) => form_page(
            &state,
            tr,
            &OfferForm::of(&state, &m.market, &key, &offer),
            &Errors::new(),
            false,
            None,
        ),
        None => not_found(tr),
    }
}

/// The form again with the node's refusal on its field (or above the form).
fn refused(
    state: &UiState,
    tr: Tr,
    form: &OfferForm,
    creating: bool,
    e: &PublishError,
) -> Response {
    let (errors, notice) = match refused_field(e) {
        Some((field, id)) => (Errors::from([(field, tr.t(id))]), None),
        None => (
            Errors::new(),
            Some(tr.args(
                "form-refused",
                &[("reason", FluentValue::from(e.to_string()))],
            )),
        ),
    };
    (
        form_status(e),
        form_page(state, tr, form, &errors, creating, notice),
    )
        .into_response()
}

/// Publishes a new offer.
pub(super) async fn offer_create(
    State(state): State<UiState>,
    tr: Tr,
    m: InMarket,
    HtmlForm(fields): HtmlForm<Vec<(String, String)>>,
) -> Response {
    let form = OfferForm::posted(&fields);
    let body = match read(&state, tr, &form, true, None) {
        Ok(body) => body,
        Err(errors) => {
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                form_page(&state, tr, &form, &errors, true, None),
            )
                .into_response();
        }
    };
    let market = m.id();
    let created = match body_from_json(Kind::DeliveryOffer, &body) {
        Ok(body) => {
            state
                .node
                .own()
                .create(market, Some(form.key.clone()), body, None)
                .await
        }
        Err(e) => Err(PublishError::from(e)),
    };
    match created {
        Ok(_) => Redirect::to(&format!("{HERE}?notice=created")).into_response(),
        Err(e) => refused(&state, tr, &form, true, &e),
    }
}

/// Publishes a new revision of an offer.
pub(super) async fn offer_update(
    State(state): State<UiState>,
    tr: Tr,
    m: InMarket,
    Path(key): Path<String>,
    HtmlForm(fields): HtmlForm<Vec<(String, String)>>,
) -> Response {
    let Some((record, previous)) = current_offer(&state, m.id(), &key) else {
        return not_found(tr);
    };
    let mut form = OfferForm::posted(&fields);
    form.key = key.clone();
    form.keep_extras(&previous);
    let body = match read(&state, tr, &form, false, Some(&previous)) {
        Ok(body) => body,
        Err(errors) => {
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                form_page(&state, tr, &form, &errors, false, None),
            )
                .into_response();
        }
    };
    let market = record.payload.market.clone();
    let saved = match body_from_json(Kind::DeliveryOffer, &body) {
        Ok(body) => state.node.own().put(&market, &key, body, None).await,
        Err(e) => Err(PublishError::from(e)),
    };
    match saved {
        Ok(_) => Redirect::to(&format!("{HERE}?notice=saved")).into_response(),
        Err(e) => refused(&state, tr, &form, false, &e),
    }
}

/// Withdraws an offer (a tombstone of its slot).
pub(super) async fn offer_delete(
    State(state): State<UiState>,
    tr: Tr,
    m: InMarket,
    Path(key): Path<String>,
) -> Response {
    let market = m.id();
    match state
        .node
        .own()
        .tombstone(market, Kind::DeliveryOffer, &key)
        .await
    {
        Ok(()) => Redirect::to(&format!("{HERE}?notice=deleted")).into_response(),
        Err(PublishError::NotFound { .. }) => not_found(tr),
        Err(e) => {
            tracing::error!("UI: withdrawing offer {key:?}: {e}");
            (publish_status(&e), not_found(tr)).into_response()
        }
    }
}
