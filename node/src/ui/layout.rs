//! The page around every page: language, skip link, header with the search box and the
//! navigation, a warning while the disk fails, main landmark.

use axum::http::{Method, header};
use axum::response::{Html, IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};

use axum::extract::{Request, State};
use axum::middleware::Next;
use smartket_protocol::Market;

use super::UiState;
use super::i18n::{LANGUAGES, Tr, pick};
use crate::disk::DiskFault;
use crate::sessions::{Scope, current_scope};

tokio::task_local! {
    /// The disk's fault while a page is answered, set by [`watch_disk`] around every page, so
    /// that every page says when nothing can be saved — not only the status page, which the
    /// farmer whose disk filled has no reason to open.
    static DISK: Option<DiskFault>;
}

/// Runs a page with the disk's current fault at hand for [`page`].
pub(super) async fn watch_disk(
    State(state): State<UiState>,
    request: Request,
    next: Next,
) -> Response {
    let fault = state.node.disk_fault().await;
    DISK.scope(fault, next.run(request)).await
}

/// The cookie that remembers the market picked (see `market.rs`).
pub(super) const MARKET_COOKIE: &str = "market";

/// The market a page is about among those the node joined, for the header's switcher.
#[derive(Clone, Copy)]
pub(super) struct MarketChoice<'a> {
    /// The page's market.
    pub current: &'a str,
    /// Picked by this request's `?market=` (the page then sets the cookie).
    pub picked: bool,
    /// Every market joined.
    pub joined: &'a [Market],
}

/// What the page around a page needs.
pub(super) struct Frame<'a> {
    /// The messages.
    pub tr: Tr,
    /// The page's title.
    pub title: String,
    /// The search box's text.
    pub query: &'a str,
    /// The page's path and query, for the language links.
    pub here: &'a str,
    /// Whether the language was chosen by `?lang=` (then remembered in a cookie).
    pub chosen: bool,
    /// The page's market among the markets joined, for the header's switcher.
    pub market: Option<MarketChoice<'a>>,
}

impl<'a> Frame<'a> {
    /// A page without a search text whose language was not just chosen.
    pub(super) fn plain(tr: Tr, title: String, here: &'a str) -> Frame<'a> {
        Frame {
            tr,
            title,
            query: "",
            here,
            chosen: false,
            market: None,
        }
    }

    /// The same page, about the market `choice` names.
    pub(super) fn in_market(mut self, choice: MarketChoice<'a>) -> Frame<'a> {
        self.market = Some(choice);
        self
    }
}

/// The header's links: every part of the node for its owner, a paired phone's own pages for
/// it (the guard refuses the rest anyway; a link that leads to a refusal is not shown), none
/// on a page shown to a browser the guard turned away.
fn nav_links(scope: Option<Scope>) -> &'static [(&'static str, &'static str)] {
    let Some(scope) = scope else {
        return &[];
    };
    match scope {
        Scope::Owner => &[
            ("/", "nav-shop"),
            ("/panier", "nav-basket"),
            ("/commandes", "nav-orders"),
            ("/gestion", "nav-manage"),
            ("/parametres", "nav-settings"),
            ("/etat", "nav-status"),
        ],
        Scope::Courier => &[
            ("/gestion/tournee", "manage-day"),
            ("/gestion/livraison", "manage-delivery"),
        ],
        Scope::Helper => &[
            ("/gestion", "manage-orders"),
            ("/gestion/preparation", "nav-packing"),
            ("/gestion/annonces", "manage-listings"),
        ],
    }
}

/// `here` with `lang` set to `lang`.
fn with_lang(here: &str, lang: &str) -> String {
    let (path, query) = here.split_once('?').unwrap_or((here, ""));
    let mut pairs: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("lang="))
        .collect();
    let lang = format!("lang={lang}");
    pairs.push(&lang);
    format!("{path}?{}", pairs.join("&"))
}

/// The whole page.
pub(super) fn page(frame: Frame<'_>, body: Markup) -> Response {
    let tr = frame.tr;
    let scope = current_scope();
    let markup = html! {
        (DOCTYPE)
        html lang=(tr.lang()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (frame.title) " · " (tr.t("site-name")) }
                link rel="stylesheet" href="/static/style.css";
                script src="/static/app.js" defer {}
            }
            body {
                a.skip href="#content" { (tr.t("skip-to-content")) }
                header.site {
                    a href="/" { (tr.t("site-name")) }
                    form.search role="search" action="/recherche" method="get" {
                        label for="q" class="skip" { (tr.t("search-label")) }
                        input #q type="search" name="q" value=(frame.query)
                            placeholder=(tr.t("search-placeholder"))
                            aria-label=(tr.t("search-label"));
                        button type="submit" { (tr.t("search-button")) }
                    }
                    // Shown as it is without the script; on a phone the script folds it
                    // behind the menu button.
                    @if scope.is_some() {
                        button.menu type="button" hidden aria-expanded="false" aria-controls="site-menu" {
                            (tr.t("menu"))
                        }
                    }
                    div.menu-items id="site-menu" {
                        nav aria-label=(tr.t("nav-shop")) {
                            ul {
                                @for (href, id) in nav_links(scope) {
                                    li { a href=(href) { (tr.t(id)) } }
                                }
                            }
                        }
                        @if let Some(choice) = frame.market {
                            (switcher(tr, frame.here, choice))
                        }
                        div.lang role="group" aria-label=(tr.t("language")) {
                            @for lang in LANGUAGES {
                                @if lang == tr.lang() {
                                    a href=(with_lang(frame.here, lang)) aria-current="true" lang=(lang) { (lang.to_uppercase()) }
                                } @else {
                                    a href=(with_lang(frame.here, lang)) lang=(lang) { (lang.to_uppercase()) }
                                }
                            }
                        }
                        @if scope.is_some() {
                            form.logout method="post" action="/deconnexion" {
                                button type="submit" { (tr.t("logout")) }
                            }
                        }
                    }
                }
                @if let Some(fault) = DISK.try_with(Clone::clone).ok().flatten() {
                    div.notice.error.disk role="alert" {
                        @if fault.full {
                            strong { (tr.t("disk-full")) }
                            " " (tr.t("disk-full-help"))
                        } @else {
                            strong { (tr.t("disk-failing")) }
                            " " (tr.t("disk-failing-help"))
                        }
                    }
                }
                main #content tabindex="-1" { (body) }
            }
        }
    };
    let mut response = Html(markup.into_string()).into_response();
    if let Some(choice) = frame.market.filter(|c| c.picked)
        && let Some(value) = remember(choice.current)
    {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    if frame.chosen {
        let cookie = format!(
            "lang={}; Path=/; Max-Age=31536000; SameSite=Strict",
            tr.lang()
        );
        if let Ok(value) = cookie.parse() {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// The header's market links, when the node joined more than one: each link is the page
/// `here` in that market.
fn switcher(tr: Tr, here: &str, choice: MarketChoice<'_>) -> Markup {
    let markets = choice.joined;
    if markets.len() < 2 {
        return html! {};
    }
    let (path, query) = here.split_once('?').unwrap_or((here, ""));
    let rest: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("market=") && !p.starts_with("page="))
        .collect();
    let link = |id: &str| {
        let mut pairs = rest.clone();
        let market = format!("market={id}");
        pairs.push(&market);
        format!("{path}?{}", pairs.join("&"))
    };
    html! {
        div.markets role="group" aria-label=(tr.t("market")) {
            @for market in markets {
                @if market.id == choice.current {
                    a href=(link(&market.id)) aria-current="true" { (pick(&market.name, tr)) }
                } @else {
                    a href=(link(&market.id)) { (pick(&market.name, tr)) }
                }
            }
        }
    }
}

/// The cookie that remembers `market` as picked.
fn remember(market: &str) -> Option<header::HeaderValue> {
    format!("{MARKET_COOKIE}={market}; Path=/; Max-Age=31536000; SameSite=Strict")
        .parse()
        .ok()
}

/// The back office's sections, in the order a seller, a courier or a certifier meets them.
const MANAGE_SECTIONS: [(&str, &str); 8] = [
    ("/gestion", "manage-orders"),
    ("/gestion/annonces", "manage-listings"),
    ("/gestion/import", "manage-import"),
    ("/gestion/profil", "manage-profile"),
    ("/gestion/adhesions", "manage-memberships"),
    ("/gestion/livraison", "manage-delivery"),
    ("/gestion/tournee", "manage-day"),
    ("/gestion/attestations", "manage-attestations"),
];

/// The back office's own navigation, above each of its pages; `here` is the section's path.
pub(super) fn manage_nav(tr: Tr, here: &str) -> Markup {
    html! {
        nav.manage aria-label=(tr.t("nav-manage")) {
            ul {
                @for (href, id) in MANAGE_SECTIONS.into_iter().filter(|(href, _)| {
                    current_scope().is_none_or(|s| s.allows(&Method::GET, href))
                }) {
                    @if href == here {
                        li { a href=(href) aria-current="page" { (tr.t(id)) } }
                    } @else {
                        li { a href=(href) { (tr.t(id)) } }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::with_lang;

    #[test]
    fn language_links_keep_the_rest_of_the_query() {
        assert_eq!(with_lang("/", "en"), "/?lang=en");
        assert_eq!(
            with_lang("/recherche?q=pain&lang=fr&in_stock=true", "en"),
            "/recherche?q=pain&in_stock=true&lang=en"
        );
    }
}
