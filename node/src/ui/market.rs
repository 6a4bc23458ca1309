//! The market a page is about. A node may join several markets; `?market=ID` picks one (a
//! cookie then remembers it, as for the language), else the one picked last, else the first
//! joined (the config's order). Pages take [`InMarket`]; the header shows the switcher when
//! there is a choice.

use axum::extract::{FromRequestParts, Query};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;
use smartket_protocol::Market;

use super::UiState;
use super::i18n::{Tr, choose, cookie};
use super::layout::{Frame, MARKET_COOKIE as COOKIE, MarketChoice, page};

/// The market of the page asked for.
#[derive(Debug, Clone)]
pub(super) struct InMarket {
    /// The market.
    pub(super) market: Market,
    /// Picked by this request's `?market=` (the page then sets the cookie).
    pub(super) picked: bool,
}

impl InMarket {
    /// The market's id.
    pub(super) fn id(&self) -> &str {
        &self.market.id
    }

    /// What the header's switcher shows of this choice among the `joined` markets.
    pub(super) fn choice<'a>(&'a self, joined: &'a [Market]) -> MarketChoice<'a> {
        MarketChoice {
            current: self.id(),
            picked: self.picked,
            joined,
        }
    }
}

impl FromRequestParts<UiState> for InMarket {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &UiState) -> Result<Self, Response> {
        #[derive(Deserialize)]
        struct Asked {
            market: Option<String>,
        }
        let asked = Query::<Asked>::try_from_uri(&parts.uri)
            .ok()
            .and_then(|q| q.0.market);
        let markets = state.node.markets();
        let find = |id: &str| markets.iter().find(|m| m.id == id).cloned();
        if let Some(market) = asked.as_deref().and_then(find) {
            return Ok(InMarket {
                market,
                picked: true,
            });
        }
        let remembered = cookie(&parts.headers, COOKIE).and_then(find);
        match remembered.or_else(|| markets.first().cloned()) {
            Some(market) => Ok(InMarket {
                market,
                picked: false,
            }),
            None => Err(no_market(choose(
                None,
                &parts.headers,
                &state.settings().languages,
            ))),
        }
    }
}

/// The page of a node that joined no market.
fn no_market(tr: Tr) -> Response {
    let body = html! { p.notice { (tr.t("no-market")) } };
    (
        StatusCode::SERVICE_UNAVAILABLE,
        page(Frame::plain(tr, tr.t("no-market"), "/"), body),
    )
        .into_response()
}
