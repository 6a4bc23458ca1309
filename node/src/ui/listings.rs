//! The seller's listings in the back office: the list with stock, a form to create, edit or
//! duplicate one, its pictures (uploaded with a preview) and deletion. Every change is a new
//! signed revision published to the market, exactly as through the API. The posted form is
//! read into a listing by [`ListingRow`], as a CSV row is; the pages are drawn in [`view`].

mod view;

use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use fluent_bundle::FluentValue;
use serde::Deserialize;
use smartket_protocol::kinds::{Listing, MAX_IMAGES};
use smartket_protocol::{BlobId, Body, Kind, Market};

use self::view::{FormPage, form_page, not_found};
use super::UiState;
use super::form::{encode, publish_refused};
use super::i18n::Tr;
use super::i18n::pick;
use super::market::InMarket;
use crate::listing_rows::{FieldError, ListingRow};

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
    view::index(&state, tr, &listings, &q)
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
