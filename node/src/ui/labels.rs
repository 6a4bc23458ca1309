//! Labels by name: an attestation carries a code (`grta`), its issuer's profile says what the
//! code means (`labels`: "Genève Région – Terre Avenir" and a sentence of explanation). A code
//! is looked up among its own issuer's definitions only — one issuer cannot rename another's —
//! and shown as it is when the issuer defines nothing. Offers and sellers list each label with
//! its issuer and the explanation behind a tap (`details`); search results and facets, which
//! know codes from trusted issuers only, name them after those issuers' definitions, the
//! explanation in the `abbr` title.

use std::collections::BTreeMap;

use fluent_bundle::FluentValue;
use maud::{Markup, html};
use smartket_protocol::kinds::{Attestation, LabelDefinition, Profile, Subject};
use smartket_protocol::{AuthorKey, Body};

use super::UiState;
use super::i18n::{Tr, pick};
use super::names::{actor_name, profile};

/// A label's name and explanation in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Named {
    /// What the issuer calls it.
    pub(super) name: String,
    /// What it guarantees (may be empty).
    pub(super) explanation: String,
    /// Where its rules are published.
    pub(super) url: Option<String>,
}

/// The definition of `code` in `issuer`'s profile, in the reader's language.
fn named(tr: Tr, issuer: Option<&Profile>, code: &str) -> Option<Named> {
    let definition: &LabelDefinition = issuer?.labels.iter().find(|l| l.code == code)?;
    Some(Named {
        name: pick(&definition.name, tr).to_owned(),
        explanation: pick(&definition.description, tr).to_owned(),
        url: definition.url.clone(),
    })
}

/// What `issuer` calls its label `code`: its name, or the code when it defines none.
pub(super) fn name_of(state: &UiState, tr: Tr, issuer: &AuthorKey, code: &str) -> String {
    named(tr, profile(state, issuer).as_ref(), code).map_or_else(|| code.to_owned(), |n| n.name)
}

/// The label codes the trusted issuers define, by code, with the issuer's name: what search
/// results and facets show in place of a code (the first trusted issuer defining a code names
/// it, in the order of the settings).
pub(super) struct TrustedNames(BTreeMap<String, (Named, String)>);

impl TrustedNames {
    /// The definitions of every issuer the user trusts.
    pub(super) fn of(state: &UiState, tr: Tr) -> TrustedNames {
        let mut names = BTreeMap::new();
        for issuer in state.settings().trusted_issuers {
            let Ok(key) = issuer.parse::<AuthorKey>() else {
                continue;
            };
            let Some(p) = profile(state, &key) else {
                continue;
            };
            let issuer_name = pick(&p.name, tr).to_owned();
            for definition in &p.labels {
                if let Some(n) = named(tr, Some(&p), &definition.code) {
                    names
                        .entry(definition.code.clone())
                        .or_insert((n, issuer_name.clone()));
                }
            }
        }
        TrustedNames(names)
    }

    /// The label's name, its explanation and issuer in the title; the code when undefined.
    pub(super) fn name(&self, tr: Tr, code: &str) -> Markup {
        match self.0.get(code) {
            Some((named, issuer)) => {
                let by = tr.args(
                    "label-issued-by",
                    &[("issuer", FluentValue::from(issuer.as_str()))],
                );
                let title = match named.explanation.is_empty() {
                    true => by,
                    false => format!("{} ({by})", named.explanation),
                };
                html! { abbr title=(title) { (named.name) } }
            }
            None => html! { (code) },
        }
    }

    /// [`TrustedNames::name`] as a badge.
    pub(super) fn badge(&self, tr: Tr, code: &str) -> Markup {
        html! { span.badge { (self.name(tr, code)) } }
    }
}

/// The labels attested about any of `subjects`, each by name with its issuer and, a tap away,
/// what it means; those from an issuer the user trusts are marked, the others said to be
/// unverified.
pub(super) fn labels(state: &UiState, tr: Tr, market: &str, subjects: &[Subject]) -> Markup {
    let trusted = state.settings().trusted_issuers;
    let mut found: Vec<(String, AuthorKey)> = subjects
        .iter()
        .flat_map(|s| {
            state
                .node
                .store()
                .attestations_about(market, s, true, crate::clock::now_ms())
                .unwrap_or_default()
        })
        .filter_map(|r| match r.payload.body {
            Body::Attestation(Attestation { label, .. }) => Some((label, r.payload.author)),
            _ => None,
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found.dedup();
    html! {
        @if !found.is_empty() {
            ul.labels aria-label=(tr.t("labels")) {
                @for (code, issuer) in &found {
                    @let issuer_profile = profile(state, issuer);
                    @let issuer_name = actor_name(state, tr, issuer);
                    @let by = if trusted.contains(&issuer.to_hex()) {
                        html! { (tr.args("label-by-trusted", &[("issuer", FluentValue::from(issuer_name))])) }
                    } else {
                        html! { span.muted { (tr.args("label-by-untrusted", &[("issuer", FluentValue::from(issuer_name))])) } }
                    };
                    li {
                        @match named(tr, issuer_profile.as_ref(), code) {
                            Some(n) => details.label {
                                summary { span.badge { (n.name) } " " (by) }
                                @if !n.explanation.is_empty() { p { (n.explanation) } }
                                @if let Some(url) = &n.url {
                                    p { a href=(url) rel="noopener" { (tr.t("label-rules")) } }
                                }
                            },
                            None => { span.badge { (code) } " " (by) },
                        }
                    }
                }
            }
        }
    }
}
