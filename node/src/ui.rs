//! The web UI every node serves beside its API: server-rendered pages (maud), one stylesheet,
//! French and English from Fluent files in `web-ui/`, all built into the binary. Pages read the
//! node directly (search index, store, orders) and share the API's guard: the session cookie of
//! the login link, the Host check, and the Origin check on changes.
//!
//! ```text
//! /                     home: search, categories, newest offers
//! /recherche?q=…        results with facets (category, trusted labels, Léman, stock), sort, pages
//! /annonce/{author}/{key}  one offer: pictures, price, seller, pick-up and delivery
//! /panier               the basket and its checkout form (pick-up), POST adds an offer
//! /commander            POST: one order per seller
//! /commandes[/{id}]     my orders; one order's status (live), steps, how to pay, and the
//!                       buttons for the steps this node may make now (POST …/etape)
//! /gestion              the orders this node sells or delivers (seller's inbox, courier's jobs)
//! /static/style.css     the stylesheet
//! ```

pub mod i18n;
mod layout;
pub mod money;
mod orders;
mod shop;
#[cfg(test)]
mod tests;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{get, post};

use crate::api::ApiState;

const STYLE: &str = include_str!("../../web-ui/static/style.css");

async fn style() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLE,
    )
}

/// The UI's routes (guarded by the caller with the API's guard).
pub fn routes() -> Router<ApiState> {
    Router::new()
        .route("/", get(shop::home))
        .route("/recherche", get(shop::search))
        .route("/annonce/{author}/{key}", get(shop::listing))
        .route("/panier", get(orders::basket_show).post(orders::basket_add))
        .route("/panier/retirer", post(orders::basket_remove))
        .route("/commander", post(orders::checkout))
        .route("/commandes", get(orders::orders_index))
        .route("/commandes/{id}", get(orders::order_show))
        .route("/commandes/{id}/etape", post(orders::order_step))
        .route("/gestion", get(orders::manage_index))
}

/// The stylesheet, served without a session (the login page needs it too).
pub fn public_routes() -> Router<ApiState> {
    Router::new().route("/static/style.css", get(style))
}

pub use layout::not_logged_in;
