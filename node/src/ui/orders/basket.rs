//! The consumer's basket and checkout: lines added from an offer's page, their quantities
//! changed or taken off, and the posted checkout read into one request per seller — the way
//! and payment the basket showed — placed as that seller's order. Refusals come back on the
//! basket as typed, beside the field at fault; placed orders go to the confirmation.

use std::collections::BTreeMap;

use axum::Form;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use smartket_protocol::AuthorKey;
use smartket_protocol::messages::MAX_QUANTITY;

use super::basket_view::basket_body;
use super::choices::{chosen, delivery_options, delivery_request, payment_choice, payment_options};
use super::confirmation;
use super::couriers::courier_options;
use super::draft::{Draft, FieldErrors};
use crate::orders::OrderError;
use crate::orders::basket::Basket;
use crate::orders::checkout::{CheckoutError, DeliveryRequest, SellerRequest};
use crate::ui::UiState;
use crate::ui::i18n::Tr;
use crate::ui::layout::{Frame, page};

/// The add-to-basket form of an offer's page.
#[derive(Debug, Deserialize)]
pub(in crate::ui) struct AddForm {
    author: String,
    key: String,
    quantity: Option<u32>,
}

/// Adds an offer to the basket, then shows the basket.
pub(in crate::ui) async fn basket_add(
    State(state): State<UiState>,
    Form(form): Form<AddForm>,
) -> Response {
    let Ok(author) = form.author.parse::<AuthorKey>() else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    match state
        .node
        .orders()
        .add_to_basket(&author, &form.key, None, form.quantity.unwrap_or(1))
        .await
    {
        Ok(_) => Redirect::to("/panier").into_response(),
        Err(e) => (StatusCode::UNPROCESSABLE_ENTITY, e.to_string()).into_response(),
    }
}

/// A line to remove.
#[derive(Debug, Deserialize)]
pub(in crate::ui) struct RemoveForm {
    index: usize,
}

/// Removes one line, then shows the basket.
pub(in crate::ui) async fn basket_remove(
    State(state): State<UiState>,
    Form(form): Form<RemoveForm>,
) -> Response {
    let _ = state
        .node
        .orders()
        .remove_from_basket(Some(form.index))
        .await;
    Redirect::to("/panier").into_response()
}

/// The basket page answering with `status`.
fn basket_page(
    state: &UiState,
    tr: Tr,
    status: StatusCode,
    draft: &Draft,
    errors: &FieldErrors,
    notice: Option<&str>,
    changed: bool,
) -> Response {
    let body = basket_body(state, tr, draft, errors, notice, changed);
    let mut response = page(Frame::plain(tr, tr.t("basket-title"), "/panier"), body);
    *response.status_mut() = status;
    response
}

/// The basket with the checkout form, filled with the last checkout's contact.
pub(in crate::ui) async fn basket_show(State(state): State<UiState>, tr: Tr) -> Response {
    let draft = Draft::remembered(&state.node.settings().checkout_contact());
    basket_page(
        &state,
        tr,
        StatusCode::OK,
        &draft,
        &FieldErrors::new(),
        None,
        false,
    )
}

/// Applies the quantities posted; the refused ones as field errors, a failure as a notice.
async fn apply_quantities(state: &UiState, tr: Tr, draft: &mut Draft) -> Result<(), Response> {
    let refused = |draft: &Draft, errors: &FieldErrors, notice: Option<&str>| {
        basket_page(
            state,
            tr,
            StatusCode::UNPROCESSABLE_ENTITY,
            draft,
            errors,
            notice,
            false,
        )
    };
    let wanted = draft
        .quantities(tr, MAX_QUANTITY)
        .map_err(|errors| refused(draft, &errors, None))?;
    if !wanted.is_empty()
        && let Err(e) = state.node.orders().set_quantities(&wanted).await
    {
        return Err(refused(draft, &FieldErrors::new(), Some(&e.to_string())));
    }
    draft.quantities.clear();
    Ok(())
}

/// Changes the quantities and shows the basket again as typed, with the fees and totals of
/// the ways now chosen.
pub(in crate::ui) async fn basket_update(
    State(state): State<UiState>,
    tr: Tr,
    Form(form): Form<BTreeMap<String, String>>,
) -> Response {
    let mut draft = Draft::posted(&form);
    if let Err(refused) = apply_quantities(&state, tr, &mut draft).await {
        return refused;
    }
    basket_page(
        &state,
        tr,
        StatusCode::OK,
        &draft,
        &FieldErrors::new(),
        None,
        false,
    )
}

/// Each seller's request: the way and payment the basket shows as chosen.
fn requests(
    state: &UiState,
    tr: Tr,
    basket: &Basket,
    draft: &Draft,
) -> (BTreeMap<AuthorKey, SellerRequest>, FieldErrors) {
    let markets: Vec<&str> = basket.lines.iter().map(|l| l.market.as_str()).collect();
    let couriers = courier_options(state, tr, &markets);
    let mut errors = FieldErrors::new();
    let mut out = BTreeMap::new();
    for seller in basket.subtotals().keys() {
        let ways = delivery_options(state, tr, basket, seller, &couriers);
        let Some(way) = chosen(&ways, draft.delivery.get(seller).map(String::as_str)) else {
            errors.insert(
                format!("delivery-{}", seller.to_hex()),
                tr.t("checkout-no-way"),
            );
            continue;
        };
        let pays = payment_options(tr, crate::ui::names::profile(state, seller).as_ref());
        let pay = chosen(&pays, draft.payment.get(seller).map(String::as_str)).unwrap_or_default();
        out.insert(
            *seller,
            SellerRequest {
                delivery: delivery_request(Some(way)),
                payment: payment_choice(pay),
                note: None,
            },
        );
    }
    (out, errors)
}

/// Places the orders and shows them on the confirmation; back to the basket with the reason
/// beside its field when that cannot be done.
pub(in crate::ui) async fn checkout(
    State(state): State<UiState>,
    tr: Tr,
    Form(form): Form<BTreeMap<String, String>>,
) -> Response {
    let mut draft = Draft::posted(&form);
    if let Err(refused) = apply_quantities(&state, tr, &mut draft).await {
        return refused;
    }
    let basket = state.node.orders().basket().unwrap_or_default();
    let (sellers, mut errors) = requests(&state, tr, &basket, &draft);
    let contact = draft.contact(tr).map_err(|e| errors.extend(e)).ok();
    let delivered = sellers
        .values()
        .any(|r| matches!(r.delivery, DeliveryRequest::Courier { .. }));
    // Only a delivery needs the address; one typed for nothing is not held against the order.
    let address = match draft.address(tr) {
        Ok(None) if delivered => {
            errors.insert("street".into(), tr.t("checkout-error-street"));
            None
        }
        Ok(address) => address,
        Err(refused) if delivered => {
            errors.extend(refused);
            None
        }
        Err(_) => None,
    };
    let refused = |errors: &FieldErrors, notice: Option<&str>, status| {
        basket_page(&state, tr, status, &draft, errors, notice, false)
    };
    let Some(contact) = contact.filter(|_| errors.is_empty()) else {
        return refused(&errors, None, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let placed = state
        .node
        .orders()
        .place(&sellers, &contact, address.as_ref(), draft.accept_changes)
        .await;
    let e = match placed {
        Ok(ids) => {
            let remembered = draft.to_remember(&contact, address.as_ref());
            if let Err(e) = state.node.settings().remember_contact(remembered).await {
                tracing::warn!("UI checkout: remembering the contact: {e}");
            }
            let mut response = Redirect::to("/commandes").into_response();
            if let Ok(cookie) = confirmation::cookie(&ids).parse() {
                response.headers_mut().append(header::SET_COOKIE, cookie);
            }
            return response;
        }
        Err(e) => e,
    };
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    match e {
        OrderError::Checkout(CheckoutError::Changed(_)) => basket_page(
            &state,
            tr,
            StatusCode::CONFLICT,
            &draft,
            &FieldErrors::new(),
            Some(&tr.t("checkout-changed")),
            true,
        ),
        OrderError::Checkout(CheckoutError::Unavailable { line, .. }) => refused(
            &FieldErrors::from([(format!("qty-{line}"), tr.t("checkout-error-unavailable"))]),
            None,
            unprocessable,
        ),
        OrderError::Checkout(CheckoutError::NoOffer { courier, .. }) => {
            let prefix = format!("courier:{}:", courier.to_hex());
            let errors = draft
                .delivery
                .iter()
                .filter(|(_, value)| value.starts_with(&prefix))
                .map(|(seller, _)| {
                    (
                        format!("delivery-{}", seller.to_hex()),
                        tr.t("checkout-error-courier"),
                    )
                })
                .collect();
            refused(&errors, None, unprocessable)
        }
        e => {
            tracing::warn!("UI checkout: {e}");
            refused(&FieldErrors::new(), Some(&e.to_string()), unprocessable)
        }
    }
}
