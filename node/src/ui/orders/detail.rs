//! The sections of one order's page, each drawn from the [`Sheet`] of the party reading it:
//! who is involved, the items, the delivery, the totals and payment, and the timeline of steps
//! with who made each. A section whose data the party may not see is not drawn at all.

use std::collections::BTreeMap;

use fluent_bundle::FluentValue;
use maud::{Markup, html};
use smartket_protocol::kinds::{Fulfilment, Listing, Profile};
use smartket_protocol::messages::{
    DeliveryChoice, DeliveryJob, Order, OrderItem, Parcel, PaymentChoice,
};
use smartket_protocol::{AuthorKey, Body, Kind};

use super::contact::{address, contact, reach};
use super::sheet::Sheet;
use crate::orders::db::Party;
use crate::orders::payment::PaymentPart;
use crate::orders::track::Track;
use crate::orders::view::StepJson;
use crate::ui::UiState;
use crate::ui::dates::{clock, date_time, window};
use crate::ui::i18n::{Tr, pick};
use crate::ui::names::{actor_name, current_body, profile};
use crate::ui::shop::{price, unit};

/// The listing an item names, as the store holds it now (for its title, unit, stock and
/// pick-up place; the price shown is always the one in the order).
pub(in crate::ui) fn listing_of(state: &UiState, item: &OrderItem) -> Option<Listing> {
    match current_body(state, &item.author, Kind::Listing, &item.key)? {
        Body::Listing(l) => Some(l),
        _ => None,
    }
}

/// An item's title and variant label in the reader's language, from its listing; the slot
/// key and the variant's id when the listing is gone or has no text for them.
pub(in crate::ui) fn item_name(
    tr: Tr,
    item: &OrderItem,
    listing: Option<&Listing>,
) -> (String, Option<String>) {
    let title = listing
        .map(|l| pick(&l.title, tr).to_owned())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| item.key.clone());
    let variant = item.variant.as_ref().map(|id| {
        listing
            .and_then(|l| l.variants.iter().find(|v| &v.id == id))
            .map(|v| pick(&v.label, tr).to_owned())
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| id.clone())
    });
    (title, variant)
}

/// How the order reaches the consumer, in a few words: pick-up, the courier's name, or the
/// seller's own delivery.
pub(in crate::ui) fn delivery_mode(state: &UiState, tr: Tr, choice: &DeliveryChoice) -> String {
    match choice {
        DeliveryChoice::Pickup => tr.t("order-delivery-pickup"),
        DeliveryChoice::Courier { courier, .. } => tr.args(
            "order-delivery-courier",
            &[("courier", FluentValue::from(actor_name(state, tr, courier)))],
        ),
        DeliveryChoice::Seller { .. } => tr.t("order-delivery-seller"),
    }
}

fn seller_link(state: &UiState, tr: Tr, seller: &AuthorKey) -> Markup {
    html! { a href=(format!("/vendeur/{}", seller.to_hex())) { (actor_name(state, tr, seller)) } }
}

fn public_reach(profile: Option<&Profile>) -> Markup {
    let contact = profile.and_then(|p| p.contact.as_ref());
    reach(
        contact.and_then(|c| c.phone.as_deref()),
        contact.and_then(|c| c.email.as_deref()),
    )
}

/// Who is involved, as far as this party may know: the seller (its public profile's phone and
/// e-mail for the consumer), the customer's contact (the seller's and the consumer's own), the
/// person to deliver to (the courier's), and the courier's name.
pub(super) fn who(state: &UiState, tr: Tr, party: Party, track: &Track, sheet: Sheet) -> Markup {
    let seller = &track.parties.seller;
    html! {
        section aria-labelledby="who" {
            h2 #who { (tr.t("order-who")) }
            dl.facts {
                @if party != Party::Seller {
                    dt { (tr.t("order-seller")) }
                    dd {
                        (seller_link(state, tr, seller))
                        @if party == Party::Consumer { (public_reach(profile(state, seller).as_ref())) }
                    }
                }
                @if let Some(order) = sheet.order {
                    dt { (tr.t(if party == Party::Consumer { "order-you" } else { "order-customer" })) }
                    dd { (contact(&order.contact)) }
                }
                @if let Some(job) = sheet.job.filter(|_| party == Party::Courier) {
                    dt { (tr.t("order-recipient")) }
                    dd { (contact(&job.dropoff.contact)) }
                }
                @if let Some(courier) = track.parties.courier.as_ref().filter(|_| party != Party::Courier) {
                    dt { (tr.t("order-courier")) }
                    dd { (actor_name(state, tr, courier)) }
                }
            }
        }
    }
}

/// The items: quantity, unit, unit price and line total, at the prices of the order.
pub(super) fn items(state: &UiState, tr: Tr, order: &Order) -> Markup {
    html! {
        section aria-labelledby="items" {
            h2 #items { (tr.t("order-items")) }
            // Scrolls sideways on a narrow phone: focusable, so a keyboard can scroll it too.
            table.lines tabindex="0" {
                thead { tr {
                    th scope="col" { (tr.t("order-col-item")) }
                    th.num scope="col" { (tr.t("order-col-quantity")) }
                    th scope="col" { (tr.t("order-col-unit")) }
                    th.num scope="col" { (tr.t("order-col-unit-price")) }
                    th.num scope="col" { (tr.t("order-col-total")) }
                } }
                tbody {
                    @for item in &order.items {
                        @let listing = listing_of(state, item);
                        @let (title, variant) = item_name(tr, item, listing.as_ref());
                        tr {
                            td { (title) @if let Some(v) = &variant { " — " span.muted { (v) } } }
                            td.num { (item.quantity) }
                            td { @if let Some(l) = &listing { (unit(tr, &l.price.unit)) } }
                            td.num { (price(state, item.unit_price, &item.currency)) }
                            td.num { (price(state, item.unit_price.saturating_mul(u64::from(item.quantity)), &item.currency)) }
                        }
                    }
                }
            }
        }
    }
}

/// Where the consumer picks up: the pick-up place and hours of the first item's listing that
/// offers pick-up.
fn pickup_place(state: &UiState, tr: Tr, order: &Order) -> Markup {
    let place = order.items.iter().find_map(|item| {
        listing_of(state, item)?
            .fulfilment
            .into_iter()
            .find_map(|f| match f {
                Fulfilment::Pickup {
                    place,
                    postcode,
                    hours,
                } => Some((place, postcode, hours)),
                _ => None,
            })
    });
    let Some((place, postcode, hours)) = place else {
        return html! {};
    };
    let hours: Vec<String> = hours
        .iter()
        .map(|h| {
            let day = serde_json::to_value(h.day)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            format!(
                "{} {}–{}",
                tr.t(&format!("day-{day}")),
                clock(h.start),
                clock(h.end)
            )
        })
        .collect();
    html! {
        dt { (tr.t("order-pickup-place")) }
        dd { (place) ", " (postcode) @if !hours.is_empty() { br; span.muted { (hours.join(" · ")) } } }
    }
}

/// How the order reaches the consumer, as the order says (consumer, seller).
fn delivery_of_order(state: &UiState, tr: Tr, order: &Order) -> Markup {
    html! {
        @match &order.delivery {
            DeliveryChoice::Pickup => {
                dt { (tr.t("order-delivery-mode")) } dd { (delivery_mode(state, tr, &order.delivery)) }
                (pickup_place(state, tr, order))
            }
            DeliveryChoice::Courier { window: w, fee, .. } => {
                dt { (tr.t("order-delivery-mode")) } dd { (delivery_mode(state, tr, &order.delivery)) }
                dt { (tr.t("order-window")) } dd { (window(w.from, w.to)) }
                dt { (tr.t("order-fee")) } dd { (price(state, fee.amount, &fee.currency)) }
            }
            DeliveryChoice::Seller { window: w, fee } => {
                dt { (tr.t("order-delivery-mode")) } dd { (delivery_mode(state, tr, &order.delivery)) }
                @if let Some(w) = w { dt { (tr.t("order-window")) } dd { (window(w.from, w.to)) } }
                dt { (tr.t("order-fee")) } dd { (price(state, fee.amount, &fee.currency)) }
            }
        }
        @if let Some(a) = &order.address {
            dt { (tr.t("order-address")) } dd { (address(a)) }
        }
    }
}

/// The parcel's weight and sides: `2.0 kg, 30 × 20 × 10 cm`.
pub(in crate::ui) fn parcel_size(tr: Tr, p: &Parcel) -> String {
    let kg = format!("{}.{}", p.weight_g / 1000, (p.weight_g % 1000) / 100);
    tr.args(
        "order-parcel-size",
        &[
            ("kg", FluentValue::from(kg)),
            ("l", FluentValue::from(p.length_cm)),
            ("w", FluentValue::from(p.width_cm)),
            ("h", FluentValue::from(p.height_cm)),
        ],
    )
}

/// The job as the courier reads it: where to collect, where to deliver, when, what and for how
/// much.
pub(in crate::ui) fn job_facts(state: &UiState, tr: Tr, job: &DeliveryJob) -> Markup {
    html! {
        dt { (tr.t("order-pickup-at")) }
        dd { (contact(&job.pickup.contact)) (address(&job.pickup.address)) }
        dt { (tr.t("order-dropoff-at")) }
        dd { (contact(&job.dropoff.contact)) (address(&job.dropoff.address)) }
        dt { (tr.t("order-window")) } dd { (window(job.window.from, job.window.to)) }
        dt { (tr.t("order-parcel")) }
        dd { (parcel_size(tr, &job.parcel)) }
        dt { (tr.t("order-courier-fee")) } dd { (price(state, job.fee.amount, &job.fee.currency)) }
        @if let Some(note) = &job.note { dt { (tr.t("order-note")) } dd { (note) } }
    }
}

/// The delivery: the order's choice and address for consumer and seller (the seller also sees
/// the parcel it declared in the job), the job's stops for the courier.
pub(super) fn delivery(state: &UiState, tr: Tr, sheet: Sheet) -> Markup {
    html! {
        section aria-labelledby="delivery" {
            h2 #delivery { (tr.t("order-delivery")) }
            dl.facts {
                @if let Some(order) = sheet.order {
                    (delivery_of_order(state, tr, order))
                    @if let Some(job) = sheet.job {
                        dt { (tr.t("order-parcel")) } dd { (parcel_size(tr, &job.parcel)) }
                    }
                    @if let Some(note) = &order.note { dt { (tr.t("order-note")) } dd { (note) } }
                } @else if let Some(job) = sheet.job {
                    (job_facts(state, tr, job))
                }
            }
        }
    }
}

/// The sums per currency: items, delivery fee, total, and the share paid in a local currency;
/// then whether the seller has confirmed payment.
pub(super) fn totals(
    state: &UiState,
    tr: Tr,
    order: &Order,
    parts: &[PaymentPart],
    paid: bool,
) -> Markup {
    let mut goods: BTreeMap<&str, u64> = BTreeMap::new();
    for item in &order.items {
        let line = item.unit_price.saturating_mul(u64::from(item.quantity));
        let sum = goods.entry(item.currency.as_str()).or_default();
        *sum = sum.saturating_add(line);
    }
    let share = match &order.payment {
        PaymentChoice::LocalCurrency { share_pct, .. } => Some(*share_pct),
        _ => None,
    };
    html! {
        section aria-labelledby="totals" {
            h2 #totals { (tr.t("order-totals")) }
            dl.facts.totals {
                @for (currency, amount) in &goods {
                    dt { (tr.t("order-goods")) } dd.num { (price(state, *amount, currency)) }
                }
                @if let Some(fee) = order.delivery.fee() {
                    dt { (tr.t("order-fee")) } dd.num { (price(state, fee.amount, &fee.currency)) }
                }
                @for (currency, amount) in &order.totals {
                    dt { strong { (tr.t("order-total")) } } dd.num { strong.total { (price(state, *amount, currency)) } }
                }
                @for part in parts {
                    @if let (PaymentPart::LocalCurrency { currency, amount, .. }, Some(pct)) = (part, share) {
                        dt { (tr.t("order-local-share")) }
                        dd.num { (tr.args("order-local-share-amount", &[
                            ("amount", FluentValue::from(price(state, *amount, currency))),
                            ("pct", FluentValue::from(pct)),
                        ])) }
                    }
                }
                dt { (tr.t("order-payment")) }
                dd { (payment_choice(tr, &order.payment)) " — " strong { (tr.t(if paid { "order-paid" } else { "order-unpaid" })) } }
            }
        }
    }
}

/// The consumer's payment choice in words (`50 % en LEM, le reste : …`).
pub(in crate::ui) fn payment_choice(tr: Tr, choice: &PaymentChoice) -> String {
    match choice {
        PaymentChoice::LocalCurrency {
            currency,
            share_pct,
            rest,
        } => {
            let rest = rest
                .as_deref()
                .map(|r| payment_choice(tr, r))
                .unwrap_or_default();
            tr.args(
                "order-pay-choice-local",
                &[
                    ("currency", FluentValue::from(currency.as_str())),
                    ("pct", FluentValue::from(*share_pct)),
                    ("rest", FluentValue::from(rest)),
                ],
            )
        }
        other => {
            let name = serde_json::to_value(other)
                .ok()
                .and_then(|v| v["type"].as_str().map(str::to_owned))
                .unwrap_or_default();
            tr.t(&format!("how-{name}"))
        }
    }
}

/// Every step so far, oldest first, with when and who made it (by name where this party knows
/// it).
pub(super) fn timeline(
    state: &UiState,
    tr: Tr,
    track: &Track,
    sheet: Sheet,
    steps: &[StepJson],
) -> Markup {
    let name_of = |by: &str| -> String {
        match by {
            "seller" => actor_name(state, tr, &track.parties.seller),
            "courier" => track
                .parties
                .courier
                .map(|c| actor_name(state, tr, &c))
                .unwrap_or_else(|| tr.t("by-courier")),
            "consumer" => sheet
                .order
                .map(|o| o.contact.name.clone())
                .or_else(|| sheet.job.map(|j| j.dropoff.contact.name.clone()))
                .unwrap_or_else(|| tr.t("by-consumer")),
            _ => tr.t("by-unknown"),
        }
    };
    html! {
        section aria-labelledby="steps" {
            h2 #steps { (tr.t("order-steps")) }
            ol.steps {
                @for step in steps {
                    li {
                        strong { (tr.t(&format!("done-{}", step.step))) }
                        " — " (date_time(step.at))
                        " — " (tr.args("order-by", &[("who", FluentValue::from(name_of(&step.by)))]))
                        @if let Some(text) = &step.text { " — " (text) }
                    }
                }
            }
        }
    }
}
