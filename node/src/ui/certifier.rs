//! The certifier's back office: the labels this node has issued, each with its revoke button,
//! and the form to issue one about an actor or a listing. Issuing and revoking go through the
//! functions behind `POST` and `DELETE /api/v1/own/attestations`, so a label issued here is the
//! record the API would have published, and a revoked one is a tombstone of its slot.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use fluent_bundle::FluentValue;
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Value as JsonValue, json};
use smartket_protocol::kinds::common::{validate_ident, validate_url};
use smartket_protocol::kinds::{Attestation, MAX_EVIDENCE_BYTES, MAX_LABEL_BYTES, Subject};
use smartket_protocol::{AuthorKey, Body, Kind, Record};

use super::UiState;
use super::dates::{date, parse_date};
use super::form::{Errors, HtmlForm, described_by, error, form_status, invalid, publish_status};
use super::i18n::Tr;
use super::i18n::pick;
use super::layout::{Frame, manage_nav, page};
use super::market::InMarket;
use super::names::actor_name;
use crate::clock::now_ms;
use crate::own::PublishError;
use crate::record_json::body_from_json;

const HERE: &str = "/gestion/attestations";
const DAY_MS: u64 = 86_400_000;
/// How long a label holds when the form names no end: a year.
const DEFAULT_VALIDITY_MS: u64 = 365 * DAY_MS;
/// Most listings offered in the subject list (the newest); others are named by author and key.
const LISTED: usize = 300;

/// `?lang=&notice=` of the page.
#[derive(Debug, Default, Deserialize)]
pub(super) struct PageQuery {
    lang: Option<String>,
    notice: Option<String>,
}

/// The issue form, as typed.
#[derive(Debug, Default, Deserialize)]
pub(super) struct IssueForm {
    #[serde(default)]
    label: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    listing_author: String,
    #[serde(default)]
    listing_key: String,
    #[serde(default)]
    valid_until: String,
    #[serde(default)]
    evidence: String,
}

/// The revoke button's form.
#[derive(Debug, Deserialize)]
pub(super) struct RevokeForm {
    key: String,
}

/// The title of a listing slot in the reader's language, when the store holds it.
fn listing_title(state: &UiState, tr: Tr, author: &AuthorKey, key: &str) -> Option<String> {
    match super::names::current_body(state, author, Kind::Listing, key)? {
        Body::Listing(l) => Some(pick(&l.title, tr).to_owned()),
        _ => None,
    }
}

/// Who or what a label is about, for people.
fn subject_name(state: &UiState, tr: Tr, subject: &Subject) -> String {
    match subject {
        Subject::Actor { key } => actor_name(state, tr, key),
        Subject::Listing { author, key } => {
            let title = listing_title(state, tr, author, key).unwrap_or_else(|| key.clone());
            format!("{title} ({})", actor_name(state, tr, author))
        }
    }
}

/// Options of a select: (value, what the reader sees).
type Choices = Vec<(String, String)>;

/// The actors and listings the subject list offers.
fn subjects(state: &UiState, tr: Tr) -> (Choices, Choices) {
    let (mut actors, mut listings) = (Vec::new(), Vec::new());
    let store = state.node.store();
    for market in state.node.markets() {
        for record in store
            .current_in_market(&market.id, Some(Kind::Profile))
            .unwrap_or_default()
        {
            let author = record.payload.author;
            actors.push((
                format!("actor:{}", author.to_hex()),
                actor_name(state, tr, &author),
            ));
        }
        let mut found = store
            .current_in_market(&market.id, Some(Kind::Listing))
            .unwrap_or_default();
        found.reverse();
        for record in found.into_iter().take(LISTED) {
            if let Body::Listing(l) = &record.payload.body {
                let author = record.payload.author;
                listings.push((
                    format!("listing:{}:{}", author.to_hex(), record.payload.key),
                    format!(
                        "{} — {}",
                        pick(&l.title, tr),
                        actor_name(state, tr, &author)
                    ),
                ));
            }
        }
    }
    actors.sort_by_key(|a| a.1.to_lowercase());
    listings.sort_by_key(|a| a.1.to_lowercase());
    (actors, listings)
}

fn issued_list(state: &UiState, tr: Tr) -> Markup {
    let mut issued: Vec<(Record, Attestation)> = state
        .node
        .own()
        .everywhere(Some(Kind::Attestation))
        .into_iter()
        .filter_map(|r| match &r.payload.body {
            Body::Attestation(a) => {
                let a = a.clone();
                Some((r, a))
            }
            _ => None,
        })
        .collect();
    issued.sort_by_key(|a| std::cmp::Reverse(a.0.payload.rev));
    html! {
        section aria-labelledby="issued" {
            h2 #issued { (tr.t("attestations-issued")) }
            @if issued.is_empty() { p.empty { (tr.t("attestations-none")) } }
            @else {
                table.issued.stack {
                    thead { tr {
                        th scope="col" { (tr.t("attestation-label")) }
                        th scope="col" { (tr.t("attestation-subject")) }
                        th scope="col" { (tr.t("attestation-issued-on")) }
                        th scope="col" { (tr.t("attestation-valid-until")) }
                        th scope="col" { span.skip { (tr.t("attestation-revoke")) } }
                    } }
                    tbody {
                        @for (record, a) in &issued {
                            tr {
                                td { span.badge { (super::labels::name_of(state, tr, &record.payload.author, &a.label)) } " " code { (a.label) } }
                                td { (subject_name(state, tr, &a.subject)) }
                                td data-label=(tr.t("attestation-issued-on")) { (date(record.payload.rev)) }
                                td data-label=(tr.t("attestation-valid-until")) { (date(a.valid_until.saturating_sub(1))) }
                                td {
                                    form.inline method="post" action=(format!("{HERE}/revoquer")) {
                                        input type="hidden" name="key" value=(record.payload.key);
                                        button.danger type="submit" aria-label=(tr.args("attestation-revoke-one", &[
                                            ("label", FluentValue::from(a.label.as_str())),
                                            ("subject", FluentValue::from(subject_name(state, tr, &a.subject))),
                                        ])) { (tr.t("attestation-revoke")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn issue_form(state: &UiState, tr: Tr, form: &IssueForm, errors: &Errors) -> Markup {
    let (actors, listings) = subjects(state, tr);
    let field = |name: &'static str, label: String, value: &str, help: Option<String>| {
        html! {
            div.field {
                label for=(name) { (label) }
                input id=(name) type="text" name=(name) value=(value)
                    aria-invalid=[invalid(errors, name)]
                    aria-describedby=[described_by(errors, name)];
                @if let Some(help) = help { " " span.muted { (help) } }
                (error(errors, name))
            }
        }
    };
    html! {
        section aria-labelledby="issue" {
            h2 #issue { (tr.t("attestation-issue")) }
            @if !errors.is_empty() { p.notice role="alert" { (tr.t("form-has-errors")) } }
            form method="post" action=(HERE) {
                fieldset {
                    legend { (tr.t("attestation-what")) }
                    (field("label", tr.t("attestation-label"), &form.label, Some(tr.t("attestation-label-help"))))
                }
                fieldset {
                    legend { (tr.t("attestation-subject")) }
                    div.field {
                        label for="subject" { (tr.t("attestation-subject-pick")) }
                        select #subject name="subject" aria-invalid=[invalid(errors, "subject")]
                            aria-describedby=[described_by(errors, "subject")] {
                            option value="" { "—" }
                            optgroup label=(tr.t("attestation-actors")) {
                                @for (value, name) in &actors {
                                    option value=(value) selected[*value == form.subject] { (name) }
                                }
                            }
                            optgroup label=(tr.t("attestation-listings")) {
                                @for (value, name) in &listings {
                                    option value=(value) selected[*value == form.subject] { (name) }
                                }
                            }
                        }
                        (error(errors, "subject"))
                    }
                    p.muted { (tr.t("attestation-listing-help")) }
                    (field("listing_author", tr.t("attestation-listing-author"), &form.listing_author, None))
                    (field("listing_key", tr.t("attestation-listing-key"), &form.listing_key, None))
                }
                fieldset {
                    legend { (tr.t("attestation-validity")) }
                    div.field {
                        label for="valid_until" { (tr.t("attestation-valid-until")) }
                        input #valid_until type="date" name="valid_until" value=(form.valid_until)
                            aria-invalid=[invalid(errors, "valid_until")]
                            aria-describedby=[described_by(errors, "valid_until")];
                        " " span.muted { (tr.t("attestation-valid-until-help")) }
                        (error(errors, "valid_until"))
                    }
                    (field("evidence", tr.t("attestation-evidence"), &form.evidence, Some(tr.t("offer-optional"))))
                }
                button type="submit" { (tr.t("attestation-issue")) }
            }
        }
    }
}

fn attestations_page(
    state: &UiState,
    tr: Tr,
    form: &IssueForm,
    errors: &Errors,
    notice: Option<String>,
    chosen: bool,
) -> Response {
    let body = html! {
        (manage_nav(tr, HERE))
        h1 { (tr.t("manage-attestations")) }
        @if let Some(notice) = &notice { p.notice role="status" { (notice) } }
        (issued_list(state, tr))
        (issue_form(state, tr, form, errors))
    };
    let frame = Frame {
        tr,
        title: tr.t("manage-attestations"),
        query: "",
        here: HERE,
        chosen,
        market: None,
    };
    page(frame, body)
}

/// The labels issued, and the form to issue one.
pub(super) async fn attestations_index(
    State(state): State<UiState>,
    tr: Tr,
    Query(q): Query<PageQuery>,
) -> Response {
    let notice = match q.notice.as_deref() {
        Some("issued") => Some(tr.t("attestation-issued")),
        Some("revoked") => Some(tr.t("attestation-revoked")),
        _ => None,
    };
    attestations_page(
        &state,
        tr,
        &IssueForm::default(),
        &Errors::new(),
        notice,
        q.lang.is_some(),
    )
}

/// The attestation's body, as `spec/kinds.md` spells it, or the fields the form got wrong.
fn read(tr: Tr, form: &IssueForm, now: u64) -> Result<JsonValue, Errors> {
    let mut errors = Errors::new();
    let label = form.label.trim().to_lowercase();
    if validate_ident("label", &label, MAX_LABEL_BYTES).is_err() {
        errors.insert("label", tr.t("attestation-error-label"));
    }
    let (author, key) = (form.listing_author.trim(), form.listing_key.trim());
    let subject = if !author.is_empty() || !key.is_empty() {
        let author = author.to_lowercase().parse::<AuthorKey>().ok();
        if author.is_none() {
            errors.insert("listing_author", tr.t("settings-error-issuer"));
        }
        if smartket_protocol::record::validate_slot_key(key).is_err() {
            errors.insert("listing_key", tr.t("attestation-error-listing-key"));
        }
        author.map(|a| json!({ "type": "listing", "author": a.to_hex(), "key": key }))
    } else {
        let mut parts = form.subject.splitn(3, ':');
        let picked = match (parts.next(), parts.next(), parts.next()) {
            (Some("actor"), Some(hex), None) => hex
                .parse::<AuthorKey>()
                .ok()
                .map(|a| json!({ "type": "actor", "key": a.to_hex() })),
            (Some("listing"), Some(hex), Some(key)) => hex
                .parse::<AuthorKey>()
                .ok()
                .map(|a| json!({ "type": "listing", "author": a.to_hex(), "key": key })),
            _ => None,
        };
        if picked.is_none() {
            errors.insert("subject", tr.t("attestation-error-subject"));
        }
        picked
    };
    let valid_until = if form.valid_until.trim().is_empty() {
        Some(now.saturating_add(DEFAULT_VALIDITY_MS))
    } else {
        // The label holds through the whole day named.
        parse_date(&form.valid_until)
            .map(|midnight| midnight + DAY_MS)
            .filter(|end| *end > now)
    };
    if valid_until.is_none() {
        errors.insert("valid_until", tr.t("attestation-error-valid-until"));
    }
    let evidence = form.evidence.trim();
    if !evidence.is_empty() && validate_url("evidence", evidence, MAX_EVIDENCE_BYTES, true).is_err()
    {
        errors.insert("evidence", tr.t("attestation-error-evidence"));
    }
    let (Some(subject), Some(valid_until), true) = (subject, valid_until, errors.is_empty()) else {
        return Err(errors);
    };
    let mut body = json!({ "subject": subject, "label": label, "valid_from": now,
                           "valid_until": valid_until });
    if !evidence.is_empty() {
        body["evidence"] = json!(evidence);
    }
    Ok(body)
}

/// Issues a label and shows the list with it.
pub(super) async fn attestation_issue(
    State(state): State<UiState>,
    tr: Tr,
    m: InMarket,
    HtmlForm(form): HtmlForm<IssueForm>,
) -> Response {
    let refused = |errors: Errors, notice: Option<String>, status: StatusCode| {
        (
            status,
            attestations_page(&state, tr, &form, &errors, notice, false),
        )
            .into_response()
    };
    let body = match read(tr, &form, now_ms()) {
        Ok(body) => body,
        Err(errors) => return refused(errors, None, StatusCode::UNPROCESSABLE_ENTITY),
    };
    let market = m.id().to_owned();
    let created = match body_from_json(Kind::Attestation, &body) {
        Ok(body) => state.node.own().create(&market, None, body, None).await,
        Err(e) => Err(PublishError::from(e)),
    };
    match created {
        Ok(_) => Redirect::to(&format!("{HERE}?notice=issued")).into_response(),
        Err(PublishError::Exists { .. }) => refused(
            Errors::from([("label", tr.t("attestation-error-exists"))]),
            None,
            StatusCode::CONFLICT,
        ),
        Err(e) => {
            let notice = tr.args(
                "form-refused",
                &[("reason", FluentValue::from(e.to_string()))],
            );
            refused(Errors::new(), Some(notice), form_status(&e))
        }
    }
}

/// Revokes a label: a tombstone of its slot.
pub(super) async fn attestation_revoke(
    State(state): State<UiState>,
    tr: Tr,
    m: InMarket,
    HtmlForm(form): HtmlForm<RevokeForm>,
) -> Response {
    let outcome = state
        .node
        .own()
        .tombstone(m.id(), Kind::Attestation, &form.key)
        .await;
    match outcome {
        Ok(()) => Redirect::to(&format!("{HERE}?notice=revoked")).into_response(),
        Err(e) => {
            let notice = tr.args(
                "form-refused",
                &[("reason", FluentValue::from(e.to_string()))],
            );
            (
                publish_status(&e),
                attestations_page(
                    &state,
                    tr,
                    &IssueForm::default(),
                    &Errors::new(),
                    Some(notice),
                    false,
                ),
            )
                .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{IssueForm, read};
    use crate::ui::i18n::Tr;

    #[test]
    fn a_label_is_lowercased_and_a_subject_is_required() {
        let tr = Tr::new("en");
        let form = IssueForm {
            label: "GRTA".into(),
            ..IssueForm::default()
        };
        let errors = read(tr, &form, 1_000).unwrap_err();
        assert!(errors.contains_key("subject") && !errors.contains_key("label"));
        let form = IssueForm {
            label: "GRTA".into(),
            subject: format!("actor:{}", "ab".repeat(32)),
            ..IssueForm::default()
        };
        let body = read(tr, &form, 1_000).unwrap();
        assert_eq!(body["label"], "grta");
        assert_eq!(body["subject"]["type"], "actor");
        let bad = IssueForm {
            label: "bio label!".into(),
            subject: format!("actor:{}", "ab".repeat(32)),
            valid_until: "2020-01-01".into(),
            evidence: "http://example.ch".into(),
            ..IssueForm::default()
        };
        let errors = read(tr, &bad, 1_800_000_000_000).unwrap_err();
        for field in ["label", "valid_until", "evidence"] {
            assert!(errors.contains_key(field), "{field}: {errors:?}");
        }
    }
}
