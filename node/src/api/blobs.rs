//! Images (blobs): uploaded raw, served by id, fetched from peers when not held here.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use smartket_protocol::blob::{BlobError, MAX_BLOB_BYTES};
use smartket_protocol::{AuthorKey, BlobId};
use utoipa::{IntoParams, ToSchema};

use super::ApiState;
use super::errors::{ApiError, Body, ErrorBody, Json, Path, Query};
use crate::blobs::{BlobStoreError, BlobsError};

/// The id of an uploaded blob.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BlobCreated {
    /// The blob id (blake3 of the bytes, hex); records name images by it.
    pub id: String,
    /// The media type sniffed from the bytes.
    pub media_type: String,
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!("an image is at most {MAX_BLOB_BYTES} bytes"),
    )
}

/// Stores an image sent as the raw request body: 413 over 8 MiB, 415 when not JPEG, PNG or
/// WebP (by its bytes, whatever the request's Content-Type says).
#[utoipa::path(post, path = "/api/v1/blobs", tag = "own",
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = BlobCreated), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody)))]
pub async fn blobs_create(
    State(state): State<ApiState>,
    body: Result<Body, ApiError>,
) -> Result<(StatusCode, Json<BlobCreated>), ApiError> {
    let Body(body) = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            e
        }
    })?;
    let (id, media) = state
        .node
        .blobs()
        .put(body.to_vec())
        .await
        .map_err(|e| match e {
            BlobsError::Store(BlobStoreError::Invalid(invalid)) => match invalid {
                BlobError::TooLarge { .. } => too_large(),
                BlobError::Empty => ApiError::bad_request("empty", "the body holds no bytes"),
                other => ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    other.to_string(),
                ),
            },
            other => {
                tracing::error!("API: storing a blob: {other}");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "blobs",
                    "the image could not be stored; see the node's log",
                )
            }
        })?;
    Ok((
        StatusCode::CREATED,
        Json(BlobCreated {
            id: id.to_hex(),
            media_type: media.mime().into(),
        }),
    ))
}

/// Where to look for a blob first.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct BlobQuery {
    /// The author of the record naming the blob: their node is asked first.
    author: Option<String>,
}

/// Serves a blob's bytes with their sniffed type, fetching it from peers when it is not held.
/// A blob never changes under its name, so it may be cached for good.
#[utoipa::path(get, path = "/api/v1/blobs/{id}", tag = "catalogue",
    params(("id" = String, Path, description = "Blob id, 64 hex characters"), BlobQuery),
    responses((status = 200, content_type = "image/*", body = Vec<u8>),
        (status = 404, body = ErrorBody)))]
pub async fn blobs_show(
    State(state): State<ApiState>,
    Path(id): Path<String>,
    Query(query): Query<BlobQuery>,
) -> Result<Response, ApiError> {
    let id: BlobId = id
        .parse()
        .map_err(|_| ApiError::bad_request("bad_id", "a blob id is 64 hex characters"))?;
    let author: Option<AuthorKey> = query
        .author
        .map(|a| a.parse())
        .transpose()
        .map_err(|_| ApiError::bad_request("bad_author", "the author is 64 hex characters"))?;
    let found = state.node.blobs().get(id, author).await.map_err(|e| {
        tracing::error!("API: reading a blob: {e}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "blobs",
            "the image could not be read; see the node's log",
        )
    })?;
    let (bytes, media) = found.ok_or_else(|| {
        ApiError::not_found("neither this node nor a connected peer holds this blob")
    })?;
    Ok((
        [
            (header::CONTENT_TYPE, media.mime()),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        bytes,
    )
        .into_response())
}
