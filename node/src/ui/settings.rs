//! The owner's settings page: whose labels to trust, where the user is, which language first,
//! and the markets joined. Saving goes through the API's own check and save, so the page and
//! `PUT /api/v1/settings` refuse the same values; a refused value is named next to its field
//! and nothing is saved.

use std::collections::BTreeSet;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use smartket_protocol::kinds::Role;
use smartket_protocol::{AuthorKey, Body, Kind};

use super::UiState;
use super::form::{Errors, HtmlForm, described_by, error, invalid};
use super::i18n::pick;
use super::i18n::{Tr, choose};
use super::layout::{Frame, page};
use super::names::actor_name;
use crate::settings::{Location, Settings, SettingsError};

/// The orders of languages the page offers; empty follows the browser.
const LANGUAGE_ORDERS: [(&str, &str); 3] = [
    ("", "settings-languages-browser"),
    ("fr,en", "settings-languages-fr"),
    ("en,fr", "settings-languages-en"),
];

/// `?lang=&saved=` of the page.
#[derive(Debug, Default, Deserialize)]
pub(super) struct SettingsQuery {
    lang: Option<String>,
    saved: Option<String>,
}

/// The form as posted (and as shown: what the user typed comes back on a refusal).
#[derive(Debug, Default, Deserialize)]
pub(super) struct SettingsForm {
    #[serde(default)]
    issuer: Vec<String>,
    #[serde(default)]
    issuer_new: String,
    #[serde(default)]
    postcode: String,
    #[serde(default)]
    lat: String,
    #[serde(default)]
    lon: String,
    #[serde(default)]
    languages: String,
}

impl SettingsForm {
    fn of(settings: &Settings) -> SettingsForm {
        let location = settings.location.as_ref();
        SettingsForm {
            issuer: settings.trusted_issuers.clone(),
            issuer_new: String::new(),
            postcode: location
                .and_then(|l| l.postcode.clone())
                .unwrap_or_default(),
            lat: location.map(|l| l.lat.to_string()).unwrap_or_default(),
            lon: location.map(|l| l.lon.to_string()).unwrap_or_default(),
            languages: settings.languages.join(","),
        }
    }
}

/// Issuers worth offering: every author of an attestation in the joined markets, every
/// certifier and platform with a profile, and those already trusted; by name.
fn known_issuers(state: &UiState, tr: Tr, trusted: &[String]) -> Vec<(String, String)> {
    let mut keys: BTreeSet<AuthorKey> = trusted.iter().filter_map(|k| k.parse().ok()).collect();
    for market in state.node.markets() {
        let store = state.node.store();
        for record in store
            .current_in_market(&market.id, Some(Kind::Attestation))
            .unwrap_or_default()
        {
            keys.insert(record.payload.author);
        }
        for record in store
            .current_in_market(&market.id, Some(Kind::Profile))
            .unwrap_or_default()
        {
            if let Body::Profile(p) = &record.payload.body
                && p.roles
                    .iter()
                    .any(|r| matches!(r, Role::Certifier | Role::Platform))
            {
                keys.insert(record.payload.author);
            }
        }
    }
    let mut out: Vec<(String, String)> = keys
        .iter()
        .map(|k| (k.to_hex(), actor_name(state, tr, k)))
        .collect();
    out.sort_by_key(|a| a.1.to_lowercase());
    out
}

fn body(state: &UiState, tr: Tr, form: &SettingsForm, errors: &Errors, saved: bool) -> Markup {
    let issuers = known_issuers(state, tr, &form.issuer);
    html! {
        h1 { (tr.t("settings-title")) }
        p { a href=(super::access::ACCESS) { (tr.t("settings-access-link")) } }
        @if saved { p.notice role="status" { (tr.t("settings-saved")) } }
        @if !errors.is_empty() { p.notice role="alert" { (tr.t("form-has-errors")) } }
        form method="post" action="/parametres" {
            fieldset {
                legend { (tr.t("settings-issuers")) }
                p.muted { (tr.t("settings-issuers-help")) }
                @if issuers.is_empty() { p.empty { (tr.t("settings-issuers-none")) } }
                ul.checks {
                    @for (i, (key, name)) in issuers.iter().enumerate() {
                        @let id = format!("issuer-{i}");
                        li {
                            input type="checkbox" id=(id) name="issuer" value=(key)
                                checked[form.issuer.contains(key)];
                            " "
                            label for=(id) { (name) " " span.muted { (key.get(..12).unwrap_or(key)) "…" } }
                        }
                    }
                }
                label for="issuer_new" { (tr.t("settings-issuer-new")) }
                input #issuer_new type="text" name="issuer_new" value=(form.issuer_new)
                    size="66" maxlength="64" pattern="[0-9a-fA-F]{64}" autocomplete="off"
                    aria-invalid=[invalid(errors, "issuer_new")]
                    aria-describedby=[described_by(errors, "issuer_new")];
                (error(errors, "issuer_new"))
            }
            fieldset {
                legend { (tr.t("settings-location")) }
                p.muted { (tr.t("settings-location-help")) }
                label for="postcode" { (tr.t("checkout-postcode")) }
                input #postcode type="text" name="postcode" value=(form.postcode) maxlength="16"
                    autocomplete="postal-code"
                    aria-invalid=[invalid(errors, "postcode")]
                    aria-describedby=[described_by(errors, "postcode")];
                (error(errors, "postcode"))
                label for="lat" { (tr.t("settings-lat")) }
                input #lat type="text" name="lat" value=(form.lat) inputmode="decimal"
                    aria-invalid=[invalid(errors, "lat")]
                    aria-describedby=[described_by(errors, "lat")];
                (error(errors, "lat"))
                label for="lon" { (tr.t("settings-lon")) }
                input #lon type="text" name="lon" value=(form.lon) inputmode="decimal"
                    aria-invalid=[invalid(errors, "lon")]
                    aria-describedby=[described_by(errors, "lon")];
                (error(errors, "lon"))
            }
            fieldset {
                legend { (tr.t("settings-languages")) }
                @for (i, (value, id)) in LANGUAGE_ORDERS.iter().enumerate() {
                    @let input_id = format!("languages-{i}");
                    div {
                        input type="radio" id=(input_id) name="languages" value=(value)
                            checked[form.languages == *value]
                            aria-describedby=[described_by(errors, "languages")];
                        " "
                        label for=(input_id) { (tr.t(id)) }
                    }
                }
                (error(errors, "languages"))
            }
            button type="submit" { (tr.t("settings-save")) }
        }
        section aria-labelledby="markets" {
            h2 #markets { (tr.t("settings-markets")) }
            ul {
                @for market in state.node.markets() {
                    li { (pick(&market.name, tr)) " " span.muted { "(" (market.id) ")" } }
                }
            }
        }
    }
}

fn settings_page(
    state: &UiState,
    tr: Tr,
    form: &SettingsForm,
    errors: &Errors,
    saved: bool,
    chosen: bool,
) -> Response {
    let frame = Frame {
        tr,
        title: tr.t("settings-title"),
        query: "",
        here: "/parametres",
        chosen,
        market: None,
    };
    page(frame, body(state, tr, form, errors, saved))
}

/// The settings as they are.
pub(super) async fn settings_show(
    State(state): State<UiState>,
    Query(q): Query<SettingsQuery>,
    headers: HeaderMap,
) -> Response {
    let settings = state.settings();
    let tr = choose(q.lang.as_deref(), &headers, &settings.languages);
    let form = SettingsForm::of(&settings);
    settings_page(
        &state,
        tr,
        &form,
        &Errors::new(),
        q.saved.is_some(),
        q.lang.is_some(),
    )
}

/// A coordinate typed with a point or a comma.
fn degrees(text: &str) -> Option<f64> {
    text.trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|d| d.is_finite())
}

/// The settings the form asks for, or the fields it got wrong.
fn read(tr: Tr, form: &SettingsForm) -> Result<Settings, Errors> {
    let mut errors = Errors::new();
    let mut issuers: Vec<String> = Vec::new();
    for key in &form.issuer {
        if !issuers.contains(key) {
            issuers.push(key.clone());
        }
    }
    let pasted = form.issuer_new.trim().to_lowercase();
    if !pasted.is_empty() {
        match pasted.parse::<AuthorKey>() {
            Ok(key) if !issuers.contains(&key.to_hex()) => issuers.push(key.to_hex()),
            Ok(_) => {}
            Err(_) => {
                errors.insert("issuer_new", tr.t("settings-error-issuer"));
            }
        }
    }
    let postcode = form.postcode.trim();
    let (lat, lon) = (form.lat.trim(), form.lon.trim());
    let location = if postcode.is_empty() && lat.is_empty() && lon.is_empty() {
        None
    } else {
        let lat = degrees(lat);
        let lon = degrees(lon);
        if lat.is_none() {
            errors.insert("lat", tr.t("settings-error-lat"));
        }
        if lon.is_none() {
            errors.insert("lon", tr.t("settings-error-lon"));
        }
        lat.zip(lon).map(|(lat, lon)| Location {
            lat,
            lon,
            postcode: (!postcode.is_empty()).then(|| postcode.to_uppercase()),
        })
    };
    let languages = form
        .languages
        .split(',')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    let settings = Settings {
        trusted_issuers: issuers,
        location,
        languages,
    };
    // The rules the API applies, each named on the field it is about.
    if let Err(SettingsError::Invalid { field, .. }) = settings.validate() {
        let (name, id) = match field.split(['.', '[']).next().unwrap_or("") {
            "trusted_issuers" => ("issuer_new", "settings-error-issuer"),
            "location" if field == "location.lat" => ("lat", "settings-error-lat"),
            "location" if field == "location.lon" => ("lon", "settings-error-lon"),
            "location" => ("postcode", "settings-error-postcode"),
            _ => ("languages", "settings-error-languages"),
        };
        errors.entry(name).or_insert_with(|| tr.t(id));
    }
    if errors.is_empty() {
        Ok(settings)
    } else {
        Err(errors)
    }
}

/// Saves the settings and shows them again, or shows the form with what was refused.
pub(super) async fn settings_save(
    State(state): State<UiState>,
    tr: Tr,
    HtmlForm(form): HtmlForm<SettingsForm>,
) -> Response {
    let refused = |errors: Errors| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            settings_page(&state, tr, &form, &errors, false, false),
        )
            .into_response()
    };
    let settings = match read(tr, &form) {
        Ok(settings) => settings,
        Err(errors) => return refused(errors),
    };
    match state.node.settings().save(settings).await {
        Ok(()) => Redirect::to("/parametres?saved=1").into_response(),
        Err(SettingsError::Invalid { .. }) => {
            refused(Errors::from([("languages", tr.t("form-has-errors"))]))
        }
        Err(e) => {
            tracing::error!("UI: saving settings: {e}");
            let errors = Errors::new();
            let markup = html! {
                p.notice role="alert" { (tr.t("settings-save-failed")) }
                (body(&state, tr, &form, &errors, false))
            };
            let frame = Frame {
                tr,
                title: tr.t("settings-title"),
                query: "",
                here: "/parametres",
                chosen: false,
                market: None,
            };
            (StatusCode::INTERNAL_SERVER_ERROR, page(frame, markup)).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{SettingsForm, read};
    use crate::ui::i18n::Tr;

    #[test]
    fn a_postcode_without_coordinates_is_refused_on_the_coordinates() {
        let form = SettingsForm {
            postcode: "1205".into(),
            ..SettingsForm::default()
        };
        let errors = read(Tr::new("fr"), &form).unwrap_err();
        assert!(errors.contains_key("lat") && errors.contains_key("lon"));
        let form = SettingsForm {
            postcode: "1205".into(),
            lat: "46,19".into(),
            lon: "6.14".into(),
            languages: "en,fr".into(),
            ..SettingsForm::default()
        };
        let settings = read(Tr::new("fr"), &form).unwrap();
        assert_eq!(settings.location.map(|l| l.lat), Some(46.19));
        assert_eq!(settings.languages, ["en", "fr"]);
    }
}
