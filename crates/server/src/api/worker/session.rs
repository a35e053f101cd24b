//! Session reports: QR codes, connected, logged out.

use axum::extract::State;
use axum::response::IntoResponse;
use flowhq_domain::protocol::SessionUpdate;
use serde_json::json;

use super::WorkerAuth;
use crate::error::AppResult;
use crate::extract::Json;
use crate::state::AppState;

#[tracing::instrument(skip_all, fields(tenant_id = %auth.tenant, state = %update.state))]
pub async fn report(
    State(state): State<AppState>,
    auth: WorkerAuth,
    Json(update): Json<SessionUpdate>,
) -> AppResult<impl IntoResponse> {
    if let Some(error) = &update.error {
        tracing::warn!(%error, "worker reports a session error");
    }
    let transitions = state
        .store
        .report_session(auth.tenant, &update, "worker")
        .await?;
    for t in &transitions {
        tracing::info!(from = %t.from, to = %t.to, "tenant status changed");
    }
    Ok(axum::Json(json!({ "ok": true })))
}
