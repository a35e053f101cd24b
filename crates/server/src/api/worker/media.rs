//! `GET /api/worker/{tenant}/media/{sha256}`: a file of the worker's own
//! tenant, for the worker to send (a menu item's PDF). Fetched once per
//! worker and file; the worker checks the bytes against the hash.
//! `PUT` the same path: a file a customer sent, uploaded by the worker
//! before it ships the message's log, for the inbox to show.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

use super::WorkerAuth;
use crate::api::menu::media_error;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

#[tracing::instrument(skip_all, fields(tenant_id = %auth.tenant))]
pub async fn file(
    State(state): State<AppState>,
    auth: WorkerAuth,
    Path((_, sha256)): Path<(String, String)>,
) -> AppResult<impl IntoResponse> {
    let (file, bytes) = state
        .media
        .read(&state.store, auth.tenant, &sha256)
        .await
        .map_err(|e| media_error(e, "sha256"))?
        .ok_or(AppError::NotFound("file"))?;
    Ok(([(header::CONTENT_TYPE, file.mime)], bytes))
}

#[tracing::instrument(skip_all, fields(tenant_id = %auth.tenant))]
pub async fn upload(
    State(state): State<AppState>,
    auth: WorkerAuth,
    Path((_, sha256)): Path<(String, String)>,
    bytes: Bytes,
) -> AppResult<impl IntoResponse> {
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::invalid("sha256", "sha256 must be 64 hex digits"));
    }
    state
        .media
        .store_received(
            &state.store,
            auth.tenant,
            &sha256.to_ascii_lowercase(),
            bytes.to_vec(),
        )
        .await
        .map_err(|e| media_error(e, "file"))?;
    Ok(StatusCode::NO_CONTENT)
}
