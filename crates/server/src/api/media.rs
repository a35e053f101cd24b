//! `GET …/media/{sha256}`: one of the tenant's stored files (a menu item's
//! attachment; later the inbox's), for its owner and the operators. Another
//! tenant's file is not found, like a file that does not exist.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use flowhq_domain::TenantId;

use crate::api::menu::media_error;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The file as a response: its type from its content, never run by the
/// browser (a sandbox and no sniffing), a PDF offered as a download.
pub async fn file_response(
    state: &AppState,
    tenant: TenantId,
    sha256: &str,
) -> AppResult<Response> {
    let (file, bytes) = state
        .media
        .read(&state.store, tenant, sha256)
        .await
        .map_err(|e| media_error(e, "sha256"))?
        .ok_or(AppError::NotFound("file"))?;
    let disposition = if file.mime.starts_with("image/") {
        "inline".to_owned()
    } else {
        format!("attachment; filename=\"{}\"", &file.sha256[..12])
    };
    Ok((
        [
            (header::CONTENT_TYPE, file.mime),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CONTENT_SECURITY_POLICY, "sandbox".to_owned()),
            (
                header::CACHE_CONTROL,
                "private, max-age=86400, immutable".to_owned(),
            ),
        ],
        bytes,
    )
        .into_response())
}
