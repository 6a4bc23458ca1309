//! The seller's listing pages as markup: the list with its stock fields, the form of one
//! listing with its errors on their fields, its pictures, and the page of one that is gone.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use fluent_bundle::FluentValue;
use maud::{Markup, html};
use smartket_protocol::Market;
use smartket_protocol::kinds::{Listing, MAX_IMAGES, Unit};

use super::{BASE, ListQuery};
use crate::listing_rows::{FieldError, ListingRow, unit_code};
use crate::ui::UiState;
use crate::ui::form::encode;
use crate::ui::i18n::Tr;
use crate::ui::i18n::pick;
use crate::ui::layout::{Frame, manage_nav, page};
use crate::ui::shop::price;

pub(super) fn not_found(tr: Tr, here: &str) -> Response {
    let body = html! { (manage_nav(tr, BASE)) p.notice { (tr.t("listing-not-found")) } };
    (
        StatusCode::NOT_FOUND,
        page(Frame::plain(tr, tr.t("manage-listings"), here), body),
    )
        .into_response()
}

/// Only the list's own notices (`listing-…`) are said, so a link cannot make the page say
/// another message.
pub(super) fn index(
    state: &UiState,
    tr: Tr,
    listings: &[(String, Listing)],
    q: &ListQuery,
) -> Response {
    let notice = q
        .notice
        .as_deref()
        .filter(|n| n.starts_with("listing-"))
        .map(|n| tr.t(n));
    let body = html! {
        (manage_nav(tr, BASE))
        h1 { (tr.t("manage-listings")) }
        @if let Some(notice) = notice { p.notice role="status" { (notice) } }
        p.actions {
            a.button href=(format!("{BASE}/nouvelle")) { (tr.t("listing-new")) }
            " "
            a href="/gestion/import" { (tr.t("manage-import")) }
        }
        p { (tr.args("listing-count", &[("count", FluentValue::from(listings.len()))])) }
        @if !listings.is_empty() {
            div.table-wrap {
                table {
                    thead { tr {
                        th scope="col" { (tr.t("field-title_fr")) }
                        th scope="col" { (tr.t("field-key")) }
                        th scope="col" { (tr.t("field-price")) }
                        th scope="col" { (tr.t("field-stock")) }
                        th scope="col" { span.skip { (tr.t("actions")) } }
                    } }
                    tbody {
                        @for (key, listing) in listings {
                            @let edit = format!("{BASE}/{}", encode(key));
                            @let stock_id = format!("stock-{}", encode(key));
                            tr {
                                td { a href=(edit) { (pick(&listing.title, tr)) } }
                                td { code { (key) } }
                                td { (price(state, listing.price.amount, &listing.price.currency)) }
                                td {
                                    form.inline method="post" action=(format!("{edit}/stock")) {
                                        label.skip for=(stock_id) { (tr.args("stock-of", &[("title", FluentValue::from(pick(&listing.title, tr)))])) }
                                        input id=(stock_id) type="number" name="stock" min="0" inputmode="numeric"
                                            value=(listing.stock.map(|s| s.to_string()).unwrap_or_default());
                                        button type="submit" { (tr.t("save")) }
                                    }
                                }
                                td {
                                    a href=(format!("{edit}/dupliquer")) { (tr.t("listing-duplicate")) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    page(
        Frame {
            tr,
            title: tr.t("manage-listings"),
            query: "",
            here: BASE,
            chosen: q.lang.is_some(),
            market: None,
        },
        body,
    )
}

/// One field of the form with its label, hint and error.
fn field(
    tr: Tr,
    row: &ListingRow,
    errors: &[FieldError],
    name: &'static str,
    kind: &str,
) -> Markup {
    let value = row_value(row, name);
    let error = errors.iter().find(|e| e.field == name);
    let id = format!("f-{name}");
    let error_id = format!("e-{name}");
    html! {
        div.field {
            label for=(id) { (tr.t(&format!("field-{name}"))) }
            @if kind == "textarea" {
                textarea id=(id) name=(name) rows="4"
                    aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| &error_id)] { (value) }
            } @else {
                input id=(id) type=(kind) name=(name) value=(value)
                    aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| &error_id)];
            }
            @if let Some(e) = error { (error_line(tr, &error_id, e)) }
        }
    }
}

fn error_line(tr: Tr, id: &str, e: &FieldError) -> Markup {
    let detail = match &e.problem {
        crate::listing_rows::Problem::Protocol(why) => Some(why.clone()),
        _ => None,
    };
    html! {
        p.error id=(id) {
            (tr.t(e.problem.message_id()))
            @if let Some(why) = detail { " (" (why) ")" }
        }
    }
}

fn row_value<'a>(row: &'a ListingRow, name: &str) -> &'a str {
    match name {
        "key" => &row.key,
        "title_fr" => &row.title_fr,
        "title_en" => &row.title_en,
        "description_fr" => &row.description_fr,
        "description_en" => &row.description_en,
        "category" => &row.category,
        "price" => &row.price,
        "currency" => &row.currency,
        "unit" => &row.unit,
        "stock" => &row.stock,
        "local_share_pct" => &row.local_share_pct,
        "origin" => &row.origin,
        "pickup_place" => &row.pickup_place,
        "pickup_postcode" => &row.pickup_postcode,
        _ => &row.courier,
    }
}

fn select(
    tr: Tr,
    errors: &[FieldError],
    name: &'static str,
    chosen: &str,
    options: &[(String, String)],
) -> Markup {
    let error = errors.iter().find(|e| e.field == name);
    let id = format!("f-{name}");
    let error_id = format!("e-{name}");
    html! {
        div.field {
            label for=(id) { (tr.t(&format!("field-{name}"))) }
            select id=(id) name=(name) aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| &error_id)] {
                @for (value, text) in options {
                    option value=(value) selected[value == chosen] { (text) }
                }
            }
            @if let Some(e) = error { (error_line(tr, &error_id, e)) }
        }
    }
}

/// Where the form posts and what it shows around the fields.
pub(super) struct FormPage<'a> {
    /// The market the listing is in (its categories, units and currencies).
    pub(super) market: &'a Market,
    pub(super) title: String,
    pub(super) action: String,
    pub(super) row: &'a ListingRow,
    pub(super) errors: &'a [FieldError],
    /// The listing being edited (its pictures are shown and managed under the form).
    pub(super) editing: Option<(&'a str, &'a Listing)>,
    /// The listing a new one copies what the form has no field for from.
    pub(super) from: Option<&'a str>,
    /// What the last change did.
    pub(super) notice: Option<String>,
}

pub(super) fn form_page(tr: Tr, here: &str, f: FormPage<'_>) -> Response {
    let market = f.market;
    let categories: Vec<(String, String)> = market
        .category_codes()
        .into_iter()
        .map(|code| {
            let depth = code.matches('.').count();
            let name = market
                .category(&code)
                .map(|c| pick(&c.name, tr).to_owned())
                .unwrap_or_else(|| code.clone());
            let indent = "\u{a0}\u{a0}".repeat(depth);
            (code, format!("{indent}{name}"))
        })
        .collect();
    let currencies: Vec<(String, String)> = market
        .currencies
        .iter()
        .map(|c| (c.code.clone(), c.code.clone()))
        .collect();
    let units: Vec<(String, String)> = Unit::ALL
        .iter()
        .map(|u| {
            let code = unit_code(*u);
            let name = tr.t(&format!("unit-{code}"));
            (code, name)
        })
        .collect();
    let currency = if f.row.currency.is_empty() {
        market.base_currency.clone()
    } else {
        f.row.currency.clone()
    };
    let errors = f.errors;
    let row = f.row;
    let body = html! {
        (manage_nav(tr, BASE))
        h1 { (f.title) }
        @if let Some(notice) = &f.notice { p.notice role="status" { (notice) } }
        @if !errors.is_empty() {
            p.notice.error role="alert" { (tr.args("form-has-errors", &[("count", FluentValue::from(errors.len()))])) }
        }
        form.stacked method="post" action=(f.action) novalidate {
            @if let Some(from) = f.from { input type="hidden" name="from" value=(from); }
            fieldset {
                legend { (tr.t("listing-what")) }
                (field(tr, row, errors, "title_fr", "text"))
                (field(tr, row, errors, "title_en", "text"))
                (field(tr, row, errors, "description_fr", "textarea"))
                (field(tr, row, errors, "description_en", "textarea"))
                (select(tr, errors, "category", &row.category, &categories))
                (field(tr, row, errors, "origin", "text"))
                @if f.editing.is_none() {
                    (field(tr, row, errors, "key", "text"))
                    p.hint { (tr.t("field-key-hint")) }
                }
            }
            fieldset {
                legend { (tr.t("listing-price")) }
                (field(tr, row, errors, "price", "text"))
                (select(tr, errors, "currency", &currency, &currencies))
                (select(tr, errors, "unit", &row.unit, &units))
                (field(tr, row, errors, "local_share_pct", "number"))
                (field(tr, row, errors, "stock", "number"))
                p.hint { (tr.t("field-stock-hint")) }
            }
            fieldset {
                legend { (tr.t("listing-fulfilment")) }
                (field(tr, row, errors, "pickup_place", "text"))
                (field(tr, row, errors, "pickup_postcode", "text"))
                div.field {
                    label {
                        input type="checkbox" name="courier" value="oui" checked[!row.courier.is_empty()];
                        " " (tr.t("field-courier"))
                    }
                }
            }
            button type="submit" { (tr.t("save")) }
        }
        @if let Some((key, listing)) = f.editing {
            (pictures(tr, key, listing))
            section aria-labelledby="danger" {
                h2 #danger { (tr.t("listing-delete")) }
                form method="post" action=(format!("{BASE}/{}/supprimer", encode(key))) {
                    button.danger type="submit" { (tr.t("listing-delete")) }
                }
            }
        }
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    (status, page(Frame::plain(tr, f.title.clone(), here), body)).into_response()
}

fn pictures(tr: Tr, key: &str, listing: &Listing) -> Markup {
    let base = format!("{BASE}/{}", encode(key));
    html! {
        section aria-labelledby="pictures" {
            h2 #pictures { (tr.t("listing-pictures")) }
            ul.thumbs {
                @for (i, image) in listing.images.iter().enumerate() {
                    li {
                        img src=(format!("/api/v1/blobs/{}", image.to_hex())) alt=(tr.args("picture-n", &[("n", FluentValue::from(i + 1))]));
                        form method="post" action=(format!("{base}/images/retirer")) {
                            input type="hidden" name="image" value=(image.to_hex());
                            button.secondary type="submit" { (tr.t("picture-remove")) }
                        }
                    }
                }
            }
            @if listing.images.len() < MAX_IMAGES {
                form.stacked method="post" action=(format!("{base}/images")) enctype="multipart/form-data" {
                    div.field {
                        label for="image" { (tr.t("picture-add")) }
                        input #image type="file" name="image" accept="image/png,image/jpeg,image/webp" required data-preview="preview";
                        p.hint { (tr.t("picture-hint")) }
                    }
                    img #preview.preview hidden alt=(tr.t("picture-preview"));
                    button type="submit" { (tr.t("picture-upload")) }
                }
            }
        }
    }
}
