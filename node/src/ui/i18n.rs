//! Messages in the user's language, from the Fluent files in `web-ui/locales/`. The language is
//! chosen, in order, by `?lang=`, the `lang` cookie, the node's settings, the browser's
//! `Accept-Language`, then French (the Geneva market's language).

use std::sync::OnceLock;

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// The languages the UI speaks, the default first.
pub const LANGUAGES: [&str; 2] = ["fr", "en"];

const FR: &str = include_str!("../../../web-ui/locales/fr.ftl");
const EN: &str = include_str!("../../../web-ui/locales/en.ftl");

fn bundle(lang: &str, source: &str) -> FluentBundle<FluentResource> {
    let id: LanguageIdentifier = lang.parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Unicode isolation marks would show as stray characters in attributes and tests.
    bundle.set_use_isolating(false);
    // The files are part of the binary and checked by the tests: a syntax error is a bug,
    // reported by the message ids falling back below.
    let resource = FluentResource::try_new(source.to_owned()).unwrap_or_else(|(r, _)| r);
    let _ = bundle.add_resource(resource);
    bundle
}

fn bundles() -> &'static [(&'static str, FluentBundle<FluentResource>); 2] {
    static BUNDLES: OnceLock<[(&'static str, FluentBundle<FluentResource>); 2]> = OnceLock::new();
    BUNDLES.get_or_init(|| [("fr", bundle("fr", FR)), ("en", bundle("en", EN))])
}

/// The messages of one language.
#[derive(Clone, Copy)]
pub struct Tr {
    lang: &'static str,
}

impl Tr {
    /// The messages of `lang` (French when it is not spoken).
    pub fn new(lang: &str) -> Tr {
        Tr {
            lang: LANGUAGES
                .into_iter()
                .find(|l| *l == lang)
                .unwrap_or(LANGUAGES[0]),
        }
    }

    /// The language code.
    pub fn lang(&self) -> &'static str {
        self.lang
    }

    /// Message `id`, with `args`; the id itself when the message is missing.
    pub fn args(&self, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let Some((_, bundle)) = bundles().iter().find(|(l, _)| *l == self.lang) else {
            return id.to_owned();
        };
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            return id.to_owned();
        };
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, value.clone());
        }
        let mut errors = Vec::new();
        bundle
            .format_pattern(pattern, Some(&fluent_args), &mut errors)
            .into_owned()
    }

    /// Message `id` without arguments.
    pub fn t(&self, id: &str) -> String {
        self.args(id, &[])
    }

    /// Whether every message id of every language resolves (for the tests).
    pub fn complete(ids: &[&str]) -> Vec<String> {
        let mut missing = Vec::new();
        for (lang, bundle) in bundles() {
            for id in ids {
                if bundle.get_message(id).and_then(|m| m.value()).is_none() {
                    missing.push(format!("{lang}:{id}"));
                }
            }
        }
        missing
    }
}

/// A text in the reader's language, else French, else any language it has.
pub(in crate::ui) fn pick(text: &std::collections::BTreeMap<String, String>, tr: Tr) -> &str {
    text.get(tr.lang())
        .or_else(|| text.get("fr"))
        .or_else(|| text.values().next())
        .map_or("", String::as_str)
}

/// The value of cookie `name`, if the request carries it.
pub(super) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|h| h.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

/// The language for a request: `query` (`?lang=`), the cookie, the node's settings, the
/// browser, then French.
pub fn choose(query: Option<&str>, headers: &HeaderMap, settings: &[String]) -> Tr {
    let spoken = |l: &str| LANGUAGES.contains(&l);
    if let Some(l) = query.filter(|l| spoken(l)) {
        return Tr::new(l);
    }
    if let Some(l) = cookie(headers, "lang").filter(|l| spoken(l)) {
        return Tr::new(l);
    }
    if let Some(l) = settings.iter().find(|l| spoken(l)) {
        return Tr::new(l);
    }
    let browser = headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    for part in browser.split(',') {
        let tag = part.split(';').next().unwrap_or("").trim();
        let primary = tag.split('-').next().unwrap_or("");
        if spoken(primary) {
            return Tr::new(primary);
        }
    }
    Tr::new(LANGUAGES[0])
}

/// The language of the page a request asks for (see [`choose`]), as an extractor: handlers
/// take `tr: Tr`. A form posting its language in its body chooses with that instead.
impl FromRequestParts<super::UiState> for Tr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &super::UiState,
    ) -> Result<Tr, Self::Rejection> {
        /// `?lang=`, whatever else the query holds.
        #[derive(serde::Deserialize)]
        struct Asked {
            lang: Option<String>,
        }
        let asked = axum::extract::Query::<Asked>::try_from_uri(&parts.uri)
            .ok()
            .and_then(|q| q.0.lang);
        Ok(choose(
            asked.as_deref(),
            &parts.headers,
            &state.settings().languages,
        ))
    }
}
