//! An HTML form body as browsers send it, where a field may repeat (checkboxes sharing a name:
//! roles, payment means, scopes). axum's `Form` reads no lists; this reads them into `Vec`s.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

/// A form body read with repeated fields as lists.
pub(super) struct HtmlForm<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for HtmlForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        serde_html_form::from_bytes(&bytes)
            .map(HtmlForm)
            .map_err(|e| (StatusCode::BAD_REQUEST, e.to_string()).into_response())
    }
}
