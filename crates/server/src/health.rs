//! `/healthz` (the process is up) and `/readyz` (it can reach its database).

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
        Ok(()) => Ok(axum::Json(json!({ "status": "ready" }))),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed");
            Err(AppError::Unavailable("database unreachable"))
        }
    }
}
