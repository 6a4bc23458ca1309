//! A delivery offer's form: the fields as typed (or as an offer fills them in), read and
//! checked into the body `spec/kinds.md` spells, and where the node's refusal lands on them.

use serde_json::{Value as JsonValue, json};
use smartket_protocol::Market;
use smartket_protocol::kinds::common::{MAX_ZONE_POSTCODES, validate_postcodes};
use smartket_protocol::kinds::{DeliveryOffer, TimeSlot, Weekday};

use crate::money;
use crate::own::PublishError;
use crate::ui::UiState;
use crate::ui::dates::{clock, parse_minutes};
use crate::ui::form::Errors;
use crate::ui::i18n::Tr;

/// The week, Monday first, with the protocol's day names.
pub(super) const DAYS: [(Weekday, &str); 7] = [
    (Weekday::Mon, "mon"),
    (Weekday::Tue, "tue"),
    (Weekday::Wed, "wed"),
    (Weekday::Thu, "thu"),
    (Weekday::Fri, "fri"),
    (Weekday::Sat, "sat"),
    (Weekday::Sun, "sun"),
];

/// The vehicles of the protocol, by their wire names.
pub(super) const VEHICLES: [&str; 9] = [
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

/// An offer's form, as typed (and as shown again when something was refused).
#[derive(Debug, Default, Clone)]
pub(super) struct OfferForm {
    pub(super) key: String,
    pub(super) note_fr: String,
    pub(super) note_en: String,
    pub(super) postcodes: String,
    pub(super) currency: String,
    pub(super) base: String,
    pub(super) free_above: String,
    pub(super) vehicle: String,
    pub(super) weight_kg: String,
    pub(super) length_cm: String,
    pub(super) width_cm: String,
    pub(super) height_cm: String,
    /// Per day of [`DAYS`]: delivering that day, from, to.
    pub(super) slots: [(bool, String, String); 7],
    /// Per day of [`DAYS`]: its other slots, kept as they are (`14:00–17:00`).
    pub(super) extras: [String; 7],
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
    pub(super) fn blank(market: &Market) -> OfferForm {
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

    pub(super) fn of(
        state: &UiState,
        market: &Market,
        key: &str,
        offer: &DeliveryOffer,
    ) -> OfferForm {
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

    pub(super) fn keep_extras(&mut self, offer: &DeliveryOffer) {
        self.extras = std::array::from_fn(|i| {
            extra_slots(Some(offer), DAYS[i].0)
                .iter()
                .map(|s| format!("{}–{}", clock(s.start), clock(s.end)))
                .collect::<Vec<_>>()
                .join(", ")
        });
    }

    /// The form from the posted fields (checkbox days are present only when ticked).
    pub(super) fn posted(fields: &[(String, String)]) -> OfferForm {
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
pub(super) fn read(
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
pub(super) fn refused_field(e: &PublishError) -> Option<(&'static str, &'static str)> {
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
