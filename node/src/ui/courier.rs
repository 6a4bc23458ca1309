//! The courier's back office: the delivery jobs this node has been given (where to collect,
//! where to take, when, for what fee), and its standing delivery offers — listed, created,
//! changed and withdrawn through the same functions as `/api/v1/own/delivery-offers`, so the
//! page publishes exactly what the API would. What is posted is read and checked in [`form`];
//! the pages are drawn in [`view`]. The day's round — open jobs by window, the route, a big
//! button for each next step — is [`day`].

mod day;
mod form;
mod view;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use fluent_bundle::FluentValue;
use serde::Deserialize;
use smartket_protocol::kinds::DeliveryOffer;
use smartket_protocol::{Body, Kind, Record};

pub(super) use self::day::{DAY, day};
use self::form::{OfferForm, read, refused_field};
use self::view::{form_page, not_found};
use super::UiState;
use super::form::{Errors, HtmlForm, form_status, publish_status};
use super::i18n::Tr;
use super::market::InMarket;
use crate::own::PublishError;
use crate::record_json::body_from_json;

const HERE: &str = "/gestion/livraison";

/// `?lang=&notice=` of the list.
#[derive(Debug, Default, Deserialize)]
pub(super) struct ListQuery {
    lang: Option<String>,
    notice: Option<String>,
}

/// The job board and the offers.
pub(super) async fn courier_index(
    State(state): State<UiState>,
    tr: Tr,
    Query(q): Query<ListQuery>,
) -> Response {
    let mut offers = state.node.own().everywhere(Some(Kind::DeliveryOffer));
    offers.sort_by(|a, b| a.payload.key.cmp(&b.payload.key));
    view::index(&state, tr, &offers, &q)
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
