//! `/healthz` (the process is up) and `/readyz` (it can reach its database).
//!
//! `/readyz` also says whether this replica leads, but a follower is ready
//! all the same: it serves every request, only the elected background jobs
//! wait.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde_json::json;

use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

async fn healthz() -> axum::Json<serde_json::Value> {
    axum::Json(json!({ "status": "ok" }))
}

async fn readyz(State(state): State<AppState>) -> AppResult<axum::Json<serde_json::Value>> {
    match state.store.ping().await {
        Ok(()) => Ok(axum::Json(json!({
            "status": "ready",
            "leader": state.leadership.is_leader(),
        }))),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed");
            Err(AppError::Unavailable("database unreachable"))
        }
    }
}
