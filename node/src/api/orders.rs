//! The basket, checkout and orders (as consumer, seller or courier).

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use smartket_protocol::AuthorKey;
use smartket_protocol::messages::{Address, Contact, OrderId, PaymentChoice, Step, Window};
use utoipa::ToSchema;

use super::ApiState;
use super::errors::{ApiError, ErrorBody, Json, Path};
use crate::orders::OrderError;
use crate::orders::basket::{Basket, BasketError};
use crate::orders::checkout::{CheckoutError, DeliveryRequest, LineChange, SellerRequest};
use crate::orders::view::{OrderJson, order_json, receipt_json};
use crate::own::PublishError;

impl From<OrderError> for ApiError {
    fn from(e: OrderError) -> ApiError {
        match e {
            OrderError::NotFound(what) => ApiError::not_found(format!("no {what}")),
            OrderError::Refused(e) => {
                ApiError::new(StatusCode::CONFLICT, "step_refused", e.to_string())
            }
            OrderError::NotAllowed(why) => ApiError::new(StatusCode::CONFLICT, "not_allowed", why),
            OrderError::Basket(BasketError::Store(e)) | OrderError::Store(e) => e.into(),
            OrderError::Basket(e) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "basket", e.to_string())
            }
            OrderError::Checkout(CheckoutError::Store(e)) => e.into(),
            OrderError::Checkout(e @ CheckoutError::Changed(_)) => {
                ApiError::new(StatusCode::CONFLICT, "basket_changed", e.to_string())
            }
            OrderError::Checkout(e @ CheckoutError::NoOffer { .. }) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "no_offer", e.to_string())
            }
            OrderError::Checkout(e) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "checkout", e.to_string())
            }
            OrderError::Seal(e) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.code(), e.to_string())
            }
            OrderError::Db(e) if e.is_disk_full() => ApiError::disk_full(),
            OrderError::Stock(PublishError::DiskFull) => ApiError::disk_full(),
            other => {
                tracing::error!("API: orders: {other}");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "orders",
                    "the orders database failed; see the node's log",
                )
            }
        }
    }
}

fn key_param(name: &str, hex: &str) -> Result<AuthorKey, ApiError> {
    hex.parse()
        .map_err(|_| ApiError::bad_request("bad_key", format!("{name} is 64 hex characters")))
}

fn order_id(hex: &str) -> Result<OrderId, ApiError> {
    let bytes: [u8; 16] = hex::decode(hex)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| ApiError::bad_request("bad_id", "an order id is 32 hex characters"))?;
    Ok(OrderId(bytes))
}

/// A basket line as shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct BasketLineJson {
    /// Its index (to remove it).
    pub index: usize,
    /// Listing author (hex).
    pub author: String,
    /// Listing key.
    pub key: String,
    /// Variant.
    pub variant: Option<String>,
    /// Quantity.
    pub quantity: u32,
    /// Unit price, minor units.
    pub unit_price: u64,
    /// Currency.
    pub currency: String,
    /// Title when added.
    pub title: String,
}

/// The basket with subtotals per seller and currency, and what changed since lines were added.
#[derive(Debug, Serialize, ToSchema)]
pub struct BasketJson {
    /// Lines.
    pub lines: Vec<BasketLineJson>,
    /// Seller (hex) → currency → subtotal.
    pub subtotals: BTreeMap<String, BTreeMap<String, u64>>,
    /// Changes since the lines were added (only from `GET /api/v1/checkout`).
    #[schema(value_type = Vec<Object>)]
    pub changes: Vec<LineChange>,
}

fn basket_json(basket: &Basket, changes: Vec<LineChange>) -> BasketJson {
    BasketJson {
        lines: basket
            .lines
            .iter()
            .enumerate()
            .map(|(index, l)| BasketLineJson {
                index,
                author: l.author.to_hex(),
                key: l.key.clone(),
                variant: l.variant.clone(),
                quantity: l.quantity,
                unit_price: l.unit_price,
                currency: l.currency.clone(),
                title: l.title.clone(),
            })
            .collect(),
        subtotals: basket
            .subtotals()
            .into_iter()
            .map(|(k, v)| (k.to_hex(), v))
            .collect(),
        changes,
    }
}

/// The basket.
#[utoipa::path(get, path = "/api/v1/basket", tag = "orders",
    responses((status = 200, body = BasketJson)))]
pub async fn basket_show(State(state): State<ApiState>) -> Result<Json<BasketJson>, ApiError> {
    Ok(Json(basket_json(
        &state.node.orders().basket()?,
        Vec::new(),
    )))
}

/// What to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddLine {
    /// Listing author (hex).
    pub author: String,
    /// Listing key.
    pub key: String,
    /// Variant id.
    #[serde(default)]
    pub variant: Option<String>,
    /// How many (default 1).
    #[serde(default)]
    pub quantity: Option<u32>,
}

/// Adds a listing (as it is now) to the basket.
#[utoipa::path(post, path = "/api/v1/basket/items", tag = "orders", request_body = AddLine,
    responses((status = 200, body = BasketJson), (status = 422, body = ErrorBody)))]
pub async fn basket_add(
    State(state): State<ApiState>,
    Json(line): Json<AddLine>,
) -> Result<Json<BasketJson>, ApiError> {
    let author = key_param("author", &line.author)?;
    let basket = state
        .node
        .orders()
        .add_to_basket(&author, &line.key, line.variant, line.quantity.unwrap_or(1))
        .await?;
    Ok(Json(basket_json(&basket, Vec::new())))
}

/// Removes one line.
#[utoipa::path(delete, path = "/api/v1/basket/items/{index}", tag = "orders",
    params(("index" = usize, Path)),
    responses((status = 200, body = BasketJson), (status = 404, body = ErrorBody)))]
pub async fn basket_remove(
    State(state): State<ApiState>,
    Path(index): Path<usize>,
) -> Result<Json<BasketJson>, ApiError> {
    let basket = state.node.orders().remove_from_basket(Some(index)).await?;
    Ok(Json(basket_json(&basket, Vec::new())))
}

/// Empties the basket.
#[utoipa::path(delete, path = "/api/v1/basket", tag = "orders",
    responses((status = 200, body = BasketJson)))]
pub async fn basket_clear(State(state): State<ApiState>) -> Result<Json<BasketJson>, ApiError> {
    let basket = state.node.orders().remove_from_basket(None).await?;
    Ok(Json(basket_json(&basket, Vec::new())))
}

/// The basket checked against the current records: current prices and what changed.
#[utoipa::path(get, path = "/api/v1/checkout", tag = "orders",
    responses((status = 200, body = BasketJson)))]
pub async fn checkout_review(State(state): State<ApiState>) -> Result<Json<BasketJson>, ApiError> {
    let (basket, changes) = state.node.orders().review().await?;
    Ok(Json(basket_json(&basket, changes)))
}

/// How one seller's goods come.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum DeliveryInput {
    /// Collect at the seller's.
    Pickup,
    /// A courier under one of its delivery offers; the fee is quoted from the offer.
    Courier {
        /// The courier (hex).
        courier: String,
        /// The offer's slot key.
        offer: String,
        /// Window start (ms).
        from: u64,
        /// Window end (ms).
        to: u64,
    },
}

/// One seller's choices.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SellerInput {
    /// Delivery.
    pub delivery: DeliveryInput,
    /// Payment, as in an order (`spec/sealing.md` §8.1): `{"type": "cash_on_pickup"}`,
    /// `{"type": "local_currency", "currency": "LEM", "share_pct": 30, "rest": {…}}`…
    #[schema(value_type = Object)]
    pub payment: PaymentChoice,
    /// A note to the seller.
    #[serde(default)]
    pub note: Option<String>,
}

/// Where to deliver.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressInput {
    /// Street lines.
    pub lines: Vec<String>,
    /// Postcode.
    pub postcode: String,
    /// Town.
    pub city: String,
    /// Country (default `CH`).
    #[serde(default)]
    pub country: Option<String>,
    /// Door code, floor…
    #[serde(default)]
    pub notes: Option<String>,
}

/// How to reach the consumer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    /// Name.
    pub name: String,
    /// Phone.
    #[serde(default)]
    pub phone: Option<String>,
    /// E-mail.
    #[serde(default)]
    pub email: Option<String>,
}

/// A checkout.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckoutInput {
    /// Seller (hex) → choices, one per seller in the basket.
    pub sellers: BTreeMap<String, SellerInput>,
    /// Contact.
    pub contact: ContactInput,
    /// Address (needed for delivery).
    #[serde(default)]
    pub address: Option<AddressInput>,
    /// The consumer has seen the changes `GET /api/v1/checkout` showed.
    #[serde(default)]
    pub accept_changes: bool,
}

/// The orders placed.
#[derive(Debug, Serialize, ToSchema)]
pub struct Placed {
    /// One order id per seller.
    pub orders: Vec<String>,
}

/// Places one order per seller in the basket. 409 `basket_changed` when prices changed since
/// the lines were added (send again with `accept_changes` once the consumer has seen them).
#[utoipa::path(post, path = "/api/v1/checkout", tag = "orders", request_body = CheckoutInput,
    responses((status = 201, body = Placed), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn checkout_place(
    State(state): State<ApiState>,
    Json(input): Json<CheckoutInput>,
) -> Result<(StatusCode, Json<Placed>), ApiError> {
    Ok((StatusCode::CREATED, Json(place(&state, input).await?)))
}

/// Checks the basket out with `input`.
async fn place(state: &ApiState, input: CheckoutInput) -> Result<Placed, ApiError> {
    let mut requests = BTreeMap::new();
    for (seller, choice) in input.sellers {
        let delivery = match choice.delivery {
            DeliveryInput::Pickup => DeliveryRequest::Pickup,
            DeliveryInput::Courier {
                courier,
                offer,
                from,
                to,
            } => DeliveryRequest::Courier {
                courier: key_param("courier", &courier)?,
                offer,
                window: Window { from, to },
            },
        };
        requests.insert(
            key_param("seller", &seller)?,
            SellerRequest {
                delivery,
                payment: choice.payment,
                note: choice.note,
            },
        );
    }
    let contact = Contact {
        name: input.contact.name,
        phone: input.contact.phone,
        email: input.contact.email,
    };
    let address = input.address.map(|a| Address {
        lines: a.lines,
        postcode: a.postcode,
        city: a.city,
        country: a.country.unwrap_or_else(|| "CH".into()),
        notes: a.notes,
    });
    let placed = state
        .node
        .orders()
        .place(&requests, &contact, address.as_ref(), input.accept_changes)
        .await?;
    Ok(Placed {
        orders: placed.iter().map(|id| id.to_hex()).collect(),
    })
}

/// Every order this node is a party to, newest first.
#[utoipa::path(get, path = "/api/v1/orders", tag = "orders",
    responses((status = 200, body = [OrderJson])))]
pub async fn orders_index(State(state): State<ApiState>) -> Result<Json<Vec<OrderJson>>, ApiError> {
    let orders = state.node.orders();
    let mut out = Vec::new();
    for (file, track) in orders.list()? {
        let (_, _, sent) = orders.get(&file.order_id)?;
        let payment = orders.payment_parts(&file, &track);
        out.push(order_json(&file, &track, &sent, payment));
    }
    Ok(Json(out))
}

/// One order with its steps and what we sent.
#[utoipa::path(get, path = "/api/v1/orders/{id}", tag = "orders",
    params(("id" = String, Path, description = "Order id, 32 hex characters")),
    responses((status = 200, body = OrderJson), (status = 404, body = ErrorBody)))]
pub async fn orders_show(
    State(state): State<ApiState>,
    Path(id): Path<String>,
) -> Result<Json<OrderJson>, ApiError> {
    let orders = state.node.orders();
    let (file, track, sent) = orders.get(&order_id(&id)?)?;
    let payment = orders.payment_parts(&file, &track);
    Ok(Json(order_json(&file, &track, &sent, payment)))
}

/// Makes a step as this node's party; 409 when the state machine refuses it.
#[utoipa::path(post, path = "/api/v1/orders/{id}/steps", tag = "orders",
    params(("id" = String, Path)),
    request_body(content = Object, description = "The step, as in `spec/sealing.md` §8.2: `{\"type\": \"accepted\"}`, `{\"type\": \"rejected\", \"reason\": …}`…"),
    responses((status = 200, body = OrderJson), (status = 409, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn orders_step(
    State(state): State<ApiState>,
    Path(id): Path<String>,
    Json(step): Json<Step>,
) -> Result<Json<OrderJson>, ApiError> {
    let id = order_id(&id)?;
    step.validate("step").map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            e.to_string(),
        )
    })?;
    let orders = state.node.orders();
    orders.step(&id, step).await?;
    let (file, track, sent) = orders.get(&id)?;
    let payment = orders.payment_parts(&file, &track);
    Ok(Json(order_json(&file, &track, &sent, payment)))
}

/// The order's whole signed history as one verifiable document.
#[utoipa::path(get, path = "/api/v1/orders/{id}/receipt", tag = "orders",
    params(("id" = String, Path)),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn orders_receipt(
    State(state): State<ApiState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (file, _, _) = state.node.orders().get(&order_id(&id)?)?;
    Ok(Json(receipt_json(&file)))
}
