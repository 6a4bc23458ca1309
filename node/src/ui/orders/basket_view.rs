//! The basket page: one section per seller with its lines (picture, title, unit price, a
//! quantity to change in place, line total), the way the goods come and how they are paid, the
//! seller's subtotal, delivery fee and total; the grand total per currency across sellers; then
//! the contact and address, filled from the last checkout. One form without JavaScript: its
//! other buttons (update, remove) post it elsewhere and the page comes back as typed, with the
//! fee of the way now chosen and each refused field's message beside it.

use std::collections::BTreeMap;

use fluent_bundle::FluentValue;
use maud::{Markup, html};
use smartket_protocol::AuthorKey;
use smartket_protocol::kinds::Listing;
use smartket_protocol::messages::{MAX_QUANTITY, Money};

use super::choices::{PICKUP, chosen, delivery_options, fee, payment_options};
use super::couriers::courier_options;
use super::draft::{Draft, FieldErrors};
use crate::orders::basket::{Basket, BasketLine, current_listing};
use crate::ui::UiState;
use crate::ui::form::error_id;
use crate::ui::i18n::{Tr, pick};
use crate::ui::shop::{price, unit};

/// Amounts per currency.
type Totals = BTreeMap<String, u64>;

fn add(totals: &mut Totals, currency: &str, amount: u64) {
    let total = totals.entry(currency.to_owned()).or_default();
    *total = total.saturating_add(amount);
}

fn amounts(state: &UiState, totals: &Totals) -> Markup {
    html! {
        @for (i, (currency, total)) in totals.iter().enumerate() {
            @if i > 0 { " + " }
            (price(state, *total, currency))
        }
    }
}

/// The message of a refused field, tied to it by its id.
fn error(errors: &FieldErrors, field: &str) -> Markup {
    html! {
        @if let Some(message) = errors.get(field) {
            span.field-error id=(error_id(field)) { (message) }
        }
    }
}

/// `aria-invalid` and `aria-describedby` of a field.
fn state_of(errors: &FieldErrors, field: &str) -> (Option<&'static str>, Option<String>) {
    match errors.contains_key(field) {
        true => (Some("true"), Some(error_id(field))),
        false => (None, None),
    }
}

/// The listing a line is of, as it is now.
fn listing_of(state: &UiState, line: &BasketLine) -> Option<(String, Listing)> {
    current_listing(
        state.node.store(),
        &line.author,
        &line.key,
        crate::clock::now_ms(),
    )
    .ok()
    .flatten()
    .map(|(record, listing)| (record.payload.author.to_hex(), listing))
}

/// What every part of the page reads.
struct Page<'a> {
    state: &'a UiState,
    tr: Tr,
    basket: &'a Basket,
    couriers: &'a [(String, String)],
    draft: &'a Draft,
}

impl Page<'_> {
    fn line_row(&self, errors: &FieldErrors, i: usize, line: &BasketLine) -> Markup {
        let (state, tr) = (self.state, self.tr);
        let listing = listing_of(state, line);
        let title = listing
            .as_ref()
            .map(|(_, l)| pick(&l.title, tr).to_owned())
            .unwrap_or_else(|| line.title.clone());
        let thumb = listing.as_ref().and_then(|(author, l)| {
            l.images
                .first()
                .map(|b| format!("/api/v1/blobs/{}?author={author}", b.to_hex()))
        });
        let field = format!("qty-{i}");
        let quantity = self
            .draft
            .quantities
            .get(&i)
            .cloned()
            .unwrap_or_else(|| line.quantity.to_string());
        let (invalid, described) = state_of(errors, &field);
        let line_total = line.unit_price.saturating_mul(u64::from(line.quantity));
        html! {
            li.line {
                @match &thumb {
                    Some(src) => img.thumb src=(src) alt="" loading="lazy";,
                    None => span.thumb {},
                }
                div.what {
                    a href=(format!("/annonce/{}/{}", line.author, line.key)) { (title) }
                    span.muted {
                        (price(state, line.unit_price, &line.currency))
                        @if let Some((_, l)) = &listing { " / " (unit(tr, &l.price.unit)) }
                    }
                }
                div.qty {
                    label for=(field) { (tr.t("quantity")) span.sr-only { " : " (title) } }
                    input id=(field) name=(field) type="number" inputmode="numeric" min="0"
                        max=(MAX_QUANTITY) value=(quantity) aria-invalid=[invalid]
                        aria-describedby=[described];
                    (error(errors, &field))
                }
                span.num.line-total { (price(state, line_total, &line.currency)) }
                button.secondary type="submit" formaction="/panier/retirer" formnovalidate name="index" value=(i) {
                    (tr.t("basket-remove")) span.sr-only { " : " (title) }
                }
            }
        }
    }

    /// One seller's part of the basket; its total, and whether a courier brings it.
    fn seller_section(
        &self,
        seller: &AuthorKey,
        goods: &Totals,
        errors: &FieldErrors,
    ) -> (Markup, Totals, bool) {
        let (state, tr, basket) = (self.state, self.tr, self.basket);
        let hex = seller.to_hex();
        let name = crate::ui::names::actor_name(state, tr, seller);
        let profile = crate::ui::names::profile(state, seller);
        let ways = delivery_options(state, tr, basket, seller, self.couriers);
        let way = chosen(&ways, self.draft.delivery.get(seller).map(String::as_str));
        let quoted = way.map(|w| fee(state, basket, seller, w));
        let fee: Option<Money> = quoted
            .as_ref()
            .and_then(|q| q.as_ref().ok().cloned().flatten());
        let mut total = goods.clone();
        if let Some(f) = &fee {
            add(&mut total, &f.currency, f.amount);
        }
        let delivery = format!("delivery-{hex}");
        let pay = format!("pay-{hex}");
        let mut errors = errors.clone();
        if let Some(Err(e)) = &quoted {
            tracing::info!("UI basket: no fee for {hex}: {e}");
            errors
                .entry(delivery.clone())
                .or_insert_with(|| tr.t("checkout-error-courier"));
        }
        if ways.is_empty() {
            errors
                .entry(delivery.clone())
                .or_insert_with(|| tr.t("checkout-no-way"));
        }
        let (invalid, described) = state_of(&errors, &delivery);
        let chosen_pay = self.draft.payment.get(seller);
        let markup = html! {
            section.seller-part aria-labelledby=(format!("seller-{hex}")) {
                h2 id=(format!("seller-{hex}")) { (tr.args("basket-seller", &[("seller", FluentValue::from(name.as_str()))])) }
                ul.basket-lines {
                    @for (i, line) in basket.lines.iter().enumerate().filter(|(_, l)| &l.author == seller) {
                        (self.line_row(&errors, i, line))
                    }
                }
                div.choices {
                    div.field {
                        label for=(delivery) { (tr.t("checkout-delivery")) }
                        select id=(delivery) name=(delivery) aria-invalid=[invalid] aria-describedby=[described] {
                            @for (value, label) in &ways {
                                option value=(value) selected[Some(value.as_str()) == way] { (label) }
                            }
                        }
                        (error(&errors, &delivery))
                    }
                    div.field {
                        label for=(pay) { (tr.t("checkout-payment")) }
                        select id=(pay) name=(pay) {
                            @for (value, label) in payment_options(tr, profile.as_ref()) {
                                option value=(value) selected[Some(&value) == chosen_pay] { (label) }
                            }
                        }
                    }
                }
                dl.totals {
                    dt { (tr.t("basket-subtotal")) }
                    dd.num { (amounts(state, goods)) }
                    dt { (tr.t("basket-fee")) }
                    dd.num.fee {
                        @match (&fee, way) {
                            (Some(f), _) if f.amount > 0 => (price(state, f.amount, &f.currency)),
                            (Some(_), _) => (tr.t("basket-fee-free")),
                            (None, Some(PICKUP)) => (tr.t("basket-fee-pickup")),
                            (None, _) => "—",
                        }
                    }
                    dt { (tr.t("basket-seller-total")) }
                    dd.num { strong { (amounts(state, &total)) } }
                }
            }
        };
        let courier = way.is_some_and(|w| w != PICKUP);
        (markup, total, courier)
    }
}

fn text_field(
    tr: Tr,
    errors: &FieldErrors,
    name: &str,
    kind: &str,
    autocomplete: &str,
    value: &str,
    required: bool,
) -> Markup {
    let (invalid, described) = state_of(errors, name);
    html! {
        div.field {
            label for=(name) { (tr.t(&format!("checkout-{name}"))) }
            input id=(name) name=(name) type=(kind) autocomplete=(autocomplete) value=(value)
                required[required] aria-invalid=[invalid] aria-describedby=[described];
            (error(errors, name))
        }
    }
}

/// The basket page's content: `notice` above it, `changed` asking to confirm new prices.
pub(super) fn basket_body(
    state: &UiState,
    tr: Tr,
    draft: &Draft,
    errors: &FieldErrors,
    notice: Option<&str>,
    changed: bool,
) -> Markup {
    let basket = state.node.orders().basket().unwrap_or_default();
    let mut markets: Vec<&str> = basket.lines.iter().map(|l| l.market.as_str()).collect();
    markets.sort_unstable();
    markets.dedup();
    let couriers = courier_options(state, tr, &markets);
    let mut grand = Totals::new();
    let mut delivered = false;
    let mut sections = Vec::new();
    let parts = Page {
        state,
        tr,
        basket: &basket,
        couriers: &couriers,
        draft,
    };
    for (seller, goods) in &basket.subtotals() {
        let (markup, total, courier) = parts.seller_section(seller, goods, errors);
        for (currency, amount) in &total {
            add(&mut grand, currency, *amount);
        }
        delivered |= courier;
        sections.push(markup);
    }
    html! {
        h1 { (tr.t("basket-title")) }
        @if let Some(notice) = notice { p.notice.error role="alert" { (notice) } }
        @if basket.lines.is_empty() {
            div.empty {
                p { (tr.t("basket-empty")) }
                p { a.button href="/" { (tr.t("basket-browse")) } }
            }
        } @else {
            form.basket method="post" action="/commander" {
                @for section in &sections { (section) }
                div.actions {
                    button.secondary type="submit" formaction="/panier/maj" formnovalidate { (tr.t("basket-update")) }
                }
                section.grand-total aria-labelledby="grand-total" {
                    h2 #grand-total { (tr.t("basket-grand-total")) }
                    ul.plain {
                        @for (currency, total) in &grand {
                            li { strong.price { (price(state, *total, currency)) } }
                        }
                    }
                    p.muted { (tr.t("basket-grand-total-hint")) }
                }
                fieldset {
                    legend { (tr.t("checkout-contact")) }
                    (text_field(tr, errors, "name", "text", "name", &draft.name, true))
                    (text_field(tr, errors, "phone", "tel", "tel", &draft.phone, false))
                    (text_field(tr, errors, "email", "email", "email", &draft.email, false))
                    p.hint { (tr.t("checkout-reach-hint")) }
                }
                @if !couriers.is_empty() {
                    fieldset {
                        legend { (tr.t("checkout-address")) }
                        @if delivered { p.hint { (tr.t("checkout-address-needed")) } }
                        (text_field(tr, errors, "street", "text", "street-address", &draft.street, false))
                        (text_field(tr, errors, "postcode", "text", "postal-code", &draft.postcode, false))
                        (text_field(tr, errors, "city", "text", "address-level2", &draft.city, false))
                        (text_field(tr, errors, "notes", "text", "off", &draft.notes, false))
                    }
                }
                label.check { input type="checkbox" name="remember" checked[draft.remember]; " " (tr.t("checkout-remember")) }
                @if changed {
                    label.check { input type="checkbox" name="accept_changes" required; " " (tr.t("checkout-accept")) }
                }
                button.primary type="submit" { (tr.t("checkout-submit")) }
            }
        }
    }
}
