//! The web UI every node serves beside its API: server-rendered pages (maud), one stylesheet,
//! French and English from Fluent files in `web-ui/`, all built into the binary. Pages read the
//! node directly (search index, store, orders) and share the API's guard: the session cookie of
//! a login or pairing link, the Host check, the Origin check on changes, and a paired phone's
//! scope (the header then shows only the pages it may open).
//!
//! ```text
//! /                     home: search, categories, newest offers
//! /recherche?q=…        results with facets (category, trusted labels, Léman, stock), sort, pages
//! /annonce/{author}/{key}  one offer: pictures, price, seller, pick-up and delivery
//! /vendeur/{author}     a seller: profile, labels with their issuers, payment means, offers
//! /panier               the basket and its checkout form, POST adds an offer; POST
//!                       …/maj changes quantities and shows fees and totals again, …/retirer
//! /commander            POST: one order per seller, then the confirmation on /commandes
//! /commandes[/{id}]     my orders (first the ones just placed); one order's status (live),
//!                       steps, how to pay, and the buttons for the steps this node may make
//!                       now (POST …/etape)
//! /gestion              the orders this node sells or delivers (seller's inbox, courier's jobs)
//! /gestion/annonces[/nouvelle|/{key}[/dupliquer|/stock|/supprimer|/images[/retirer]]]
//!                       the seller's listings: list with stock, create, edit, duplicate,
//!                       delete, pictures (multipart upload, preview in the browser)
//! /gestion/profil       the actor's profile: names, roles, address, contact, payment means
//! /gestion/adhesions[/contresigner|/terminer]
//!                       memberships: the platforms this actor authorises (add with the
//!                       platform's countersignature, end), and a platform's members
//! /gestion/import[/{id}[/importer]|/modele.csv]
//!                       a whole catalogue from CSV: checked with errors per line, then
//!                       published with its progress shown; a template to fill in
//! /gestion/livraison    the courier's job board and delivery offers; …/nouvelle creates one,
//!                       …/{key} changes one, POST …/{key}/supprimer withdraws it
//! /gestion/attestations the labels this node issued, the form to issue one, POST …/revoquer
//! /parametres           the owner's settings: trusted issuers, location, languages, markets
//! /parametres/acces[/telephone|/revoquer]
//!                       the browsers and phones logged in, revoked one by one; a phone
//!                       paired by QR code (HTTPS, with the certificate's fingerprint)
//! /deconnexion          POST: log this browser out (served by the API's auth module)
//! /etat                 the node: keys, addresses, peers, sync, records held, mail on its way;
//!                       POST /etat/synchroniser starts a catch-up sync
//! /static/style.css     the stylesheet; /static/app.js: previews, live order, import progress
//! ```

mod access;
mod certifier;
mod courier;
mod dates;
mod form;
pub mod i18n;
mod import;
mod labels;
mod layout;
mod listings;
mod market;
mod memberships;
mod names;
mod orders;
mod profile;
mod seller;
mod settings;
mod shop;
mod status;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_back_office;
#[cfg(test)]
mod tests_basket;
#[cfg(test)]
mod tests_labels;
#[cfg(test)]
mod tests_markets;
#[cfg(test)]
mod tests_nodes;
#[cfg(test)]
mod tests_orders;
#[cfg(test)]
mod tests_sellers;
#[cfg(test)]
mod tests_workday;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use smartket_protocol::blob::MAX_BLOB_BYTES;

use std::sync::Arc;

use crate::api::Access;
use crate::daemon::Handle;
use crate::settings::Settings;

const STYLE: &str = include_str!("../../web-ui/static/style.css");
const SCRIPT: &str = include_str!("../../web-ui/static/app.js");

async fn style() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLE,
    )
}

async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        SCRIPT,
    )
}

/// What the pages answer from: the running node's services, its sessions, and the CSV
/// imports under way.
#[derive(Clone)]
pub struct UiState {
    /// The running node.
    pub(crate) node: Handle,
    /// Who may open it: the sessions listed and revoked on the access page, phones paired.
    access: Access,
    /// The web UI's CSV imports: files checked and imports under way.
    imports: Arc<import::Imports>,
}

impl UiState {
    /// The pages of `node`, served with `access`.
    pub fn new(node: Handle, access: Access) -> UiState {
        UiState {
            node,
            access,
            imports: Arc::default(),
        }
    }

    /// The owner's settings, as last saved.
    pub(crate) fn settings(&self) -> Settings {
        self.node.settings().get()
    }
}

/// The UI's pages (the caller puts them behind the API's guard).
pub fn routes(state: UiState) -> Router {
    Router::new()
        .route("/", get(shop::home))
        .route("/recherche", get(shop::search))
        .route("/annonce/{author}/{key}", get(shop::listing))
        .route("/vendeur/{author}", get(seller::show))
        .route("/panier", get(orders::basket_show).post(orders::basket_add))
        .route("/panier/retirer", post(orders::basket_remove))
        .route("/panier/maj", post(orders::basket_update))
        .route("/commander", post(orders::checkout))
        .route("/commandes", get(orders::orders_index))
        .route("/commandes/{id}", get(orders::order_show))
        .route("/commandes/{id}/etape", post(orders::order_step))
        .route("/gestion", get(orders::manage_index))
        .route(orders::PACKING, get(orders::packing))
        .route(orders::ORDERS_CSV, get(orders::orders_csv))
        .route(orders::LINES_CSV, get(orders::lines_csv))
        .route("/gestion/annonces", get(listings::index))
        .route(
            "/gestion/annonces/nouvelle",
            get(listings::new_form).post(listings::create),
        )
        .route(
            "/gestion/annonces/{key}",
            get(listings::edit_form).post(listings::update),
        )
        .route(
            "/gestion/annonces/{key}/dupliquer",
            get(listings::duplicate_form),
        )
        .route("/gestion/annonces/{key}/stock", post(listings::stock))
        .route("/gestion/annonces/{key}/supprimer", post(listings::delete))
        .route(
            "/gestion/annonces/{key}/images",
            post(listings::image_add)
                .layer(DefaultBodyLimit::max(MAX_BLOB_BYTES as usize + 64 * 1024)),
        )
        .route(
            "/gestion/annonces/{key}/images/retirer",
            post(listings::image_remove),
        )
        .route("/gestion/profil", get(profile::show).post(profile::save))
        .route(
            "/gestion/adhesions",
            get(memberships::show).post(memberships::add),
        )
        .route(
            "/gestion/adhesions/contresigner",
            post(memberships::countersign),
        )
        .route("/gestion/adhesions/terminer", post(memberships::end))
        .route(
            "/gestion/import",
            get(import::start)
                .post(import::check)
                .layer(DefaultBodyLimit::max(MAX_CSV_BYTES)),
        )
        .route("/gestion/import/modele.csv", get(import::template))
        .route("/gestion/import/{id}", get(import::show))
        .route("/gestion/import/{id}/importer", post(import::run))
        .route("/gestion/livraison", get(courier::courier_index))
        .route(courier::DAY, get(courier::day))
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
        .route(access::ACCESS, get(access::access_show))
        .route(access::PAIR, post(access::pair))
        .route(access::REVOKE, post(access::revoke))
        .route("/etat", get(status::status_show))
        .route("/etat/synchroniser", post(status::sync_start))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            layout::watch_disk,
        ))
        .with_state(state)
}

/// The largest catalogue file accepted (5 000 listings of long descriptions fit).
const MAX_CSV_BYTES: usize = 8 * 1024 * 1024;

/// The stylesheet, served without a session (the login page needs it too).
pub fn public_routes() -> Router {
    Router::new()
        .route("/static/style.css", get(style))
        .route("/static/app.js", get(script))
}

pub use access::{link_refused, not_logged_in, out_of_scope};
