//! The seller's listings in the back office: the list with stock, a form to create, edit or
//! duplicate one, its pictures (uploaded with a preview) and deletion. Every change is a new
//! signed revision published to the market, exactly as through the API.

use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use fluent_bundle::FluentValue;
use maud::{Markup, html};
use serde::Deserialize;
use smartket_protocol::kinds::{Listing, MAX_IMAGES, Unit};
use smartket_protocol::{BlobId, Body, Kind, Market};

use super::UiState;
use super::form::{encode, publish_refused};
use super::i18n::Tr;
use super::layout::{Frame, manage_nav, page};
use super::market::InMarket;
use super::shop::{pick, price};
use crate::listing_rows::{FieldError, ListingRow, unit_code};

/// The back office's listing pages live here.
const BASE: &str = "/gestion/annonces";

/// The node's own current listings in its first market, by key.
fn own_listings(state: &UiState, market: &Market) -> Vec<(String, Listing)> {
    let mut listings: Vec<(String, Listing)> = state
        .node
        .store()
        .by_author(&market.id, &state.node.author())
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.payload.expires > crate::clock::now_ms())
        .filter_map(|r| match r.payload.body {
            Body::Listing(l) => Some((r.payload.key, l)),
            _ => None,
        })
        .collect();
    listings.sort_by(|a, b| a.0.cmp(&b.0));
    listings
}

fn current(state: &UiState, market: &Market, key: &str) -> Option<Listing> {
    state
        .node
        .own()
        .current(&market.id, Kind::Listing, key)
        .ok()
        .flatten()
        .and_then(|r| match r.payload.body {
            Body::Listing(l) => Some(l),
            _ => None,
        })
}

/// The market and the current listing `key`, or the page saying which is missing.
fn found(
    state: &UiState,
    tr: Tr,
    market: &Market,
    key: &str,
    here: &str,
) -> Result<(Market, Listing), Box<Response>> {
    let listing = current(state, market, key).ok_or_else(|| Box::new(not_found(tr, here)))?;
    Ok((market.clone(), listing))
}

/// Publishes a changed listing, then goes to `then`.
async fn republish(
    state: &UiState,
    market: &Market,
    key: &str,
    listing: Listing,
    then: &str,
) -> Response {
    match state
        .node
        .own()
        .put(&market.id, key, Body::Listing(listing), None)
        .await
    {
        Ok(_) => Redirect::to(then).into_response(),
        Err(e) => publish_refused(&e),
    }
}

fn not_found(tr: Tr, here: &str) -> Response {
    let body = html! { (manage_nav(tr, BASE)) p.notice { (tr.t("listing-not-found")) } };
    (
        StatusCode::NOT_FOUND,
        page(Frame::plain(tr, tr.t("manage-listings"), here), body),
    )
        .into_response()
}

/// `?notice=` after a change, said once at the top of the list.
#[derive(Debug, Default, Deserialize)]
pub(super) struct ListQuery {
    lang: Option<String>,
    notice: Option<String>,
}

/// The list: each listing with its price, stock (changeable in place) and actions.
pub(super) async fn index(
    State(state): State<UiState>,
    tr: Tr,
    m: InMarket,
    Query(q): Query<ListQuery>,
) -> Response {
    let market = m.market.clone();
    let listings = own_listings(&state, &market);
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
                        @for (key, listing) in &listings {
                            @let edit = format!("{BASE}/{}", encode(key));
                            @let stock_id = format!("stock-{}", encode(key));
                            tr {
                                td { a href=(edit) { (pick(&listing.title, tr)) } }
                                td { code { (key) } }
                                td { (price(&state, listing.price.amount, &listing.price.currency)) }
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
struct FormPage<'a> {
    /// The market the listing is in (its categories, units and currencies).
    market: &'a Market,
    title: String,
    action: String,
    row: &'a ListingRow,
    errors: &'a [FieldError],
    /// The listing being edited (its pictures are shown and managed under the form).
    editing: Option<(&'a str, &'a Listing)>,
    /// The listing a new one copies what the form has no field for from.
    from: Option<&'a str>,
    /// What the last change did.
    notice: Option<String>,
}

fn form_page(tr: Tr, here: &str, f: FormPage<'_>) -> Response {
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
        script src="/static/app.js" defer {}
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
                            button type="submit" { (tr.t("picture-remove")) }
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

/// A listing's form fields, and the listing a duplicate copies from.
#[derive(Debug, Deserialize)]
pub(super) struct ListingForm {
    #[serde(flatten)]
    row: ListingRow,
    from: Option<String>,
}

/// The form for a new listing, empty or as a copy of `?from=`.
pub(super) async fn new_form(tr: Tr, m: InMarket) -> Response {
    let market = m.market;
    let row = ListingRow {
        unit: "piece".into(),
        ..ListingRow::default()
    };
    let here = format!("{BASE}/nouvelle");
    form_page(
        tr,
        &here,
        FormPage {
            market: &market,
            title: tr.t("listing-new"),
            action: here.clone(),
            row: &row,
            errors: &[],
            editing: None,
            from: None,
            notice: None,
        },
    )
}

/// A copy of a listing under a new key, with its pictures: the form, filled in.
pub(super) async fn duplicate_form(
    State(state): State<UiState>,
    tr: Tr,
    m: InMarket,
    Path(key): Path<String>,
) -> Response {
    let here = format!("{BASE}/{}/dupliquer", encode(&key));
    let (market, listing) = match found(&state, tr, &m.market, &key, &here) {
        Ok(found) => found,
        Err(page) => return *page,
    };
    let taken: Vec<String> = own_listings(&state, &market)
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    let fresh = (2..)
        .map(|n| format!("{key}-{n}"))
        .find(|k| !taken.contains(k))
        .unwrap_or_default();
    let row = ListingRow {
        key: fresh,
        ..ListingRow::of(&key, &listing, &market)
    };
    form_page(
        tr,
        &here,
        FormPage {
            market: &market,
            title: tr.args(
                "listing-duplicate-of",
                &[("title", FluentValue::from(pick(&listing.title, tr)))],
            ),
            action: format!("{BASE}/nouvelle"),
            row: &row,
            errors: &[],
            editing: None,
            from: Some(&key),
            notice: None,
        },
    )
}

/// Creates a listing from the form; the form comes back with every error otherwise.
pub(super) async fn create(
    State(state): State<UiState>,
    tr: Tr,
    m: InMarket,
    Form(form): Form<ListingForm>,
) -> Response {
    let here = format!("{BASE}/nouvelle");
    let market = m.market.clone();
    let source = form
        .from
        .as_deref()
        .and_then(|from| current(&state, &market, from));
    let checked = form
        .row
        .to_listing(&market, source.as_ref())
        .and_then(|(key, l)| {
            if current(&state, &market, &key).is_some() {
                Err(vec![FieldError {
                    field: "key",
                    problem: crate::listing_rows::Problem::Protocol(tr.t("listing-key-taken")),
                }])
            } else {
                Ok((key, l))
            }
        });
    let again = |errors: Vec<FieldError>| {
        form_page(
            tr,
            &here,
            FormPage {
                market: &market,
                title: tr.t("listing-new"),
                action: here.clone(),
                row: &form.row,
                errors: &errors,
                editing: None,
                from: form.from.as_deref(),
                notice: None,
            },
        )
    };
    match checked {
        Ok((key, listing)) => {
            match state
                .node
                .own()
                .put(&market.id, &key, Body::Listing(listing), None)
                .await
            {
                Ok(_) => Redirect::to(&format!("{BASE}/{}?notice=listing-saved", encode(&key)))
                    .into_response(),
                Err(e) => again(vec![FieldError {
                    field: "key",
                    problem: crate::listing_rows::Problem::Protocol(e.to_string()),
                }]),
            }
        }
        Err(errors) => again(errors),
    }
}

/// `?notice=` after a change on the edit page.
#[derive(Debug, Default, Deserialize)]
pub(super) struct EditQuery {
    notice: Option<String>,
}

/// The edit form of one listing, with its pictures.
pub(super) async fn edit_form(
    State(state): State<UiState>,
    tr: Tr,
    m: InMarket,
    Path(key): Path<String>,
    Query(q): Query<EditQuery>,
) -> Response {
    let here = format!("{BASE}/{}", encode(&key));
    let (market, listing) = match found(&state, tr, &m.market, &key, &here) {
        Ok(found) => found,
        Err(page) => return *page,
    };
    let row = ListingRow::of(&key, &listing, &market);
    let notice = q
        .notice
        .as_deref()
        .filter(|n| n.starts_with("listing-") || n.starts_with("picture-"))
        .map(|n| tr.t(n));
    form_page(
        tr,
        &here,
        FormPage {
            market: &market,
            title: pick(&listing.title, tr).to_owned(),
            action: here.clone(),
            row: &row,
            errors: &[],
            editing: Some((&key, &listing)),
            from: None,
            notice,
        },
    )
}

/// Saves the edit form as the listing's next revision.
pub(super) async fn update(
    State(state): State<UiState>,
    tr: Tr,
    m: InMarket,
    Path(key): Path<String>,
    Form(form): Form<ListingForm>,
) -> Response {
    let here = format!("{BASE}/{}", encode(&key));
    let (market, listing) = match found(&state, tr, &m.market, &key, &here) {
        Ok(found) => found,
        Err(page) => return *page,
    };
    let row = ListingRow {
        key: key.clone(),
        ..form.row
    };
    let outcome = match row.to_listing(&market, Some(&listing)) {
        Ok((key, changed)) => state
            .node
            .own()
            .put(&market.id, &key, Body::Listing(changed), None)
            .await
            .map_err(|e| {
                vec![FieldError {
                    field: "key",
                    problem: crate::listing_rows::Problem::Protocol(e.to_string()),
                }]
            }),
        Err(errors) => Err(errors),
    };
    match outcome {
        Ok(_) => Redirect::to(&format!("{here}?notice=listing-saved")).into_response(),
        Err(errors) => form_page(
            tr,
            &here,
            FormPage {
                market: &market,
                title: pick(&listing.title, tr).to_owned(),
                action: here.clone(),
                row: &row,
                errors: &errors,
                editing: Some((&key, &listing)),
                from: None,
                notice: None,
            },
        ),
    }
}

/// The stock field of the list.
#[derive(Debug, Deserialize)]
pub(super) struct StockForm {
    stock: String,
}

/// Changes a listing's stock from the list (empty: not tracked).
pub(super) async fn stock(
    State(state): State<UiState>,
    tr: Tr,
    m: InMarket,
    Path(key): Path<String>,
    Form(form): Form<StockForm>,
) -> Response {
    let here = BASE.to_owned();
    let (market, mut listing) = match found(&state, tr, &m.market, &key, &here) {
        Ok(found) => found,
        Err(page) => return *page,
    };
    listing.stock = match form.stock.trim() {
        "" => None,
        text => match text.parse() {
            Ok(n) => Some(n),
            Err(_) => {
                return Redirect::to(&format!("{BASE}?notice=listing-stock-invalid"))
                    .into_response();
            }
        },
    };
    republish(
        &state,
        &market,
        &key,
        listing,
        &format!("{BASE}?notice=listing-stock-saved"),
    )
    .await
}

/// Deletes a listing (a tombstone of its slot).
pub(super) async fn delete(
    State(state): State<UiState>,
    m: InMarket,
    Path(key): Path<String>,
) -> Response {
    let market = m.market;
    match state
        .node
        .own()
        .tombstone(&market.id, Kind::Listing, &key)
        .await
    {
        Ok(()) => Redirect::to(&format!("{BASE}?notice=listing-deleted")).into_response(),
        Err(e) => publish_refused(&e),
    }
}

/// Stores an uploaded picture and adds it to the listing.
pub(super) async fn image_add(
    State(state): State<UiState>,
    tr: Tr,
    m: InMarket,
    Path(key): Path<String>,
    mut multipart: Multipart,
) -> Response {
    let here = format!("{BASE}/{}", encode(&key));
    let (market, mut listing) = match found(&state, tr, &m.market, &key, &here) {
        Ok(found) => found,
        Err(page) => return *page,
    };
    let mut bytes = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("image") => match field.bytes().await {
                Ok(b) => bytes = Some(b),
                Err(_) => {
                    return Redirect::to(&format!("{here}?notice=picture-too-large"))
                        .into_response();
                }
            },
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => {
                return Redirect::to(&format!("{here}?notice=picture-too-large")).into_response();
            }
        }
    }
    let Some(bytes) = bytes.filter(|b| !b.is_empty()) else {
        return Redirect::to(&format!("{here}?notice=picture-missing")).into_response();
    };
    let id = match state.node.blobs().put(bytes.to_vec()).await {
        Ok((id, _)) => id,
        Err(e) => {
            tracing::info!("UI: picture refused: {e}");
            return Redirect::to(&format!("{here}?notice=picture-refused")).into_response();
        }
    };
    if !listing.images.contains(&id) && listing.images.len() < MAX_IMAGES {
        listing.images.push(id);
    }
    republish(
        &state,
        &market,
        &key,
        listing,
        &format!("{here}?notice=picture-added"),
    )
    .await
}

/// The picture to take off.
#[derive(Debug, Deserialize)]
pub(super) struct ImageForm {
    image: String,
}

/// Takes a picture off a listing.
pub(super) async fn image_remove(
    State(state): State<UiState>,
    tr: Tr,
    m: InMarket,
    Path(key): Path<String>,
    Form(form): Form<ImageForm>,
) -> Response {
    let here = format!("{BASE}/{}", encode(&key));
    let (market, mut listing) = match found(&state, tr, &m.market, &key, &here) {
        Ok(found) => found,
        Err(page) => return *page,
    };
    let Ok(id) = form.image.parse::<BlobId>() else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    listing.images.retain(|i| *i != id);
    republish(
        &state,
        &market,
        &key,
        listing,
        &format!("{here}?notice=picture-removed"),
    )
    .await
}
