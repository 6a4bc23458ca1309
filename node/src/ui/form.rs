//! What the back-office forms share: reading a posted form whose checkboxes repeat a name, and
//! showing a refused value's message next to its field, tied to it for screen readers.

use std::collections::BTreeMap;

use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::de::DeserializeOwned;

use crate::own::PublishError;

/// A posted `application/x-www-form-urlencoded` form read with `serde_html_form`, so a name
/// repeated by checkboxes fills a `Vec` (axum's `Form` keeps only one).
pub(super) struct HtmlForm<T>(pub(super) T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for HtmlForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<HtmlForm<T>, Response> {
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        serde_html_form::from_bytes(&bytes)
            .map(HtmlForm)
            .map_err(|e| (StatusCode::BAD_REQUEST, e.to_string()).into_response())
    }
}

/// Refused fields: the field's name → its message, already in the reader's language.
pub(super) type Errors = BTreeMap<&'static str, String>;

/// The id of the message shown under `field`.
pub(super) fn error_id(field: &str) -> String {
    format!("{field}-error")
}

/// `aria-describedby` of a field: its message's id when it has one.
pub(super) fn described_by(errors: &Errors, field: &str) -> Option<String> {
    errors.contains_key(field).then(|| error_id(field))
}

/// `aria-invalid` of a field.
pub(super) fn invalid(errors: &Errors, field: &str) -> Option<&'static str> {
    errors.contains_key(field).then_some("true")
}

/// The message of a refused field, or nothing.
pub(super) fn error(errors: &Errors, field: &str) -> Markup {
    html! {
        @if let Some(message) = errors.get(field) {
            span.field-error id=(error_id(field)) { (message) }
        }
    }
}

/// `text` in a form's value, percent-encoded for a path segment or a query.
pub(super) fn encode(text: &str) -> String {
    serde_html_form::to_string([("x", text)])
        .map(|s| s.trim_start_matches("x=").replace('+', "%20"))
        .unwrap_or_default()
}

/// The status a page answers with when the own-records service refused a change: the sender's
/// input (422), a conflict with what the slot holds (409), nothing there (404), or this node's
/// own failure (500).
pub(super) fn publish_status(e: &PublishError) -> StatusCode {
    match e {
        PublishError::Field { .. } | PublishError::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
        PublishError::Exists { .. } | PublishError::Stale => StatusCode::CONFLICT,
        PublishError::NotFound { .. } => StatusCode::NOT_FOUND,
        PublishError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
        PublishError::DiskFull => StatusCode::INSUFFICIENT_STORAGE,
    }
}

/// The status of a form shown again with a refused change on it: the input is at fault
/// (422) unless this node failed (500).
pub(super) fn form_status(e: &PublishError) -> StatusCode {
    match e {
        PublishError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
        PublishError::DiskFull => StatusCode::INSUFFICIENT_STORAGE,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// The answer of a handler with no form to show a refused change on.
pub(super) fn publish_refused(e: &PublishError) -> Response {
    (publish_status(e), e.to_string()).into_response()
}
