//! The API's one error shape, `{ "error": { "code", "message" } }`, and the extractors whose
//! rejections speak it: axum's own rejections are plain text, which a web UI or a script cannot
//! tell apart from a proxy's error page.

use axum::extract::rejection::{BytesRejection, JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use smartket_protocol::RecordError;
use utoipa::ToSchema;

use crate::ingest::IngestError;
use crate::store::StoreError;

/// An API error: a status and a message safe to show (no paths, no internals).
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

/// The body of every error answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// A machine-readable code and a human-readable message.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable code, e.g. `not_found`, `invalid_field`, `payload_too_large`.
    pub code: String,
    /// What was wrong, naming the field when there is one.
    pub message: String,
}

impl ApiError {
    /// An error with its status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    /// 404 with a message naming what is missing.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// 400 for a request that cannot be read.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 507: the node's disk is full, nothing was saved. Not the client's fault and not a bug:
    /// the owner frees space and the same request works again.
    pub fn disk_full() -> ApiError {
        ApiError::new(
            StatusCode::INSUFFICIENT_STORAGE,
            "disk_full",
            "this node's disk is full: nothing was saved; free some space on it and try again \
             (the node carries on by itself)",
        )
    }

    /// The status answered.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The stable code (`basket_changed`, `not_found`…).
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// What was wrong, for a person.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_owned(),
                message: self.message,
            },
        };
        (self.status, axum::Json(body)).into_response()
    }
}

/// The database failed: the caller may retry; the cause goes to the log, not to the client.
impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        tracing::error!("API: store: {e}");
        if e.is_disk_full() {
            return ApiError::disk_full();
        }
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "store",
            "the node's database failed; see the node's log",
        )
    }
}

/// A record the protocol refuses: 422 with the field path in the message.
impl From<RecordError> for ApiError {
    fn from(e: RecordError) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.code(), e.to_string())
    }
}

impl From<IngestError> for ApiError {
    fn from(e: IngestError) -> ApiError {
        match e {
            IngestError::Record(e) | IngestError::MarketRule(e) => e.into(),
            IngestError::NotJoined { market } => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "not_joined",
                format!("this node has not joined market {market:?}"),
            ),
            IngestError::AuthorQuota(quota) => ApiError::new(
                StatusCode::CONFLICT,
                "author_quota",
                format!("this record was not published: {quota}"),
            ),
            other => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "refused",
                other.to_string(),
            ),
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> ApiError {
        let code = match &rejection {
            JsonRejection::JsonDataError(_) => "invalid_json_data",
            JsonRejection::JsonSyntaxError(_) => "malformed_json",
            JsonRejection::MissingJsonContentType(_) => "unsupported_media_type",
            JsonRejection::BytesRejection(_) => "payload_too_large",
            _ => "bad_request",
        };
        ApiError::new(rejection.status(), code, rejection.body_text())
    }
}

impl From<BytesRejection> for ApiError {
    fn from(rejection: BytesRejection) -> ApiError {
        let code = if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            "payload_too_large"
        } else {
            "bad_request"
        };
        ApiError::new(rejection.status(), code, rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> ApiError {
        ApiError::new(rejection.status(), "bad_path", rejection.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> ApiError {
        ApiError::new(rejection.status(), "bad_query", rejection.body_text())
    }
}

/// A JSON body; a malformed one, a wrong content type or an oversize one is answered in the
/// API's error shape.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct Json<T>(pub T);

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// Path parameters, with rejections in the API's error shape.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct Path<T>(pub T);

/// Query parameters, with rejections in the API's error shape.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct Query<T>(pub T);

/// A raw body (CBOR records), with rejections in the API's error shape.
#[derive(Debug)]
pub struct Body(pub axum::body::Bytes);

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = ApiError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Body, ApiError> {
        axum::body::Bytes::from_request(request, state)
            .await
            .map(Body)
            .map_err(ApiError::from)
    }
}

/// Unknown paths answer 404 in the API's shape.
pub async fn no_route() -> ApiError {
    ApiError::not_found("no such API route")
}

/// A known path with the wrong method answers 405 in the API's shape.
pub async fn wrong_method() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this route does not accept that method",
    )
}
