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
//! /gestion/livraison    the courier's job board and delivery offers; …/nouvelle creates one,
//!                       …/{key} changes one, POST …/{key}/supprimer withdraws it
//! /gestion/attestations the labels this node issued, the form to issue one, POST …/revoquer
//! /parametres           the owner's settings: trusted issuers, location, languages, markets
//! /etat                 the node: keys, addresses, peers, sync, records held, mail on its way;
//!                       POST /etat/synchroniser starts a catch-up sync
//! /static/style.css     the stylesheet
//! ```

mod certifier;
mod courier;
mod dates;
mod form;
pub mod i18n;
mod layout;
pub mod money;
mod names;
mod orders;
mod settings;
mod shop;
mod status;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_nodes;

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
        .route("/gestion/livraison", get(courier::courier_index))
        .route(
            "/gestion/livraison/nouvelle",
            get(courier::offer_new).post(courier::offer_create),
        )
        .route(
            "/gestion/livraison/{key}",
            get(courier::offer_edit).post(courier::offer_update),
        )
        .route(
            "/gestion/livraison/{key}/supprimer",
            post(courier::offer_delete),
        )
        .route(
            "/gestion/attestations",
            get(certifier::attestations_index).post(certifier::attestation_issue),
        )
        .route(
            "/gestion/attestations/revoquer",
            post(certifier::attestation_revoke),
        )
        .route(
            "/parametres",
            get(settings::settings_show).post(settings::settings_save),
        )
        .route("/etat", get(status::status_show))
        .route("/etat/synchroniser", post(status::sync_start))
}

/// The stylesheet, served without a session (the login page needs it too).
pub fn public_routes() -> Router<ApiState> {
    Router::new().route("/static/style.css", get(style))
}

pub use layout::not_logged_in;
