//! The OpenAPI document's frame (title, security, tags); the paths come from the routes
//! themselves (see `routes` in `api.rs`). The document is served at `/api/v1/openapi.json` and
//! kept in `spec/openapi.json`, which a test compares with the code.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The document's frame.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "smartket node API",
        description = "The local API of a smartket node: the node, the actor's own records \
                       (signed by the node), the market's catalogue as the node holds it, and \
                       its changes as Server-Sent Events. Every request needs the bearer token \
                       of the data dir's `api-token` file, or the session cookie \
                       (`smartket_` and the first 8 hex digits of the node's key) set by a \
                       one-time login link (`smartket login` prints one) or a phone's pairing \
                       link; a paired phone's session reaches its own pages only."
    ),
    paths(super::auth::login),
    modifiers(&Security),
    security(("bearer" = []), ("session" = [])),
    tags(
        (name = "node", description = "The node: identity, status, peers, markets, settings, sync"),
        (name = "own", description = "The actor's own records, signed by the node"),
        (name = "catalogue", description = "The market's records as this node holds them"),
        (name = "events", description = "Changes of the store as Server-Sent Events"),
        (name = "auth", description = "Login links and sessions"),
    )
)]
struct Frame;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "smartket_<node>",
                "smartket_ and the first 8 hex digits of the node's key",
            ))),
        );
    }
}

/// The frame every route is added to.
pub fn base() -> utoipa::openapi::OpenApi {
    Frame::openapi()
}
