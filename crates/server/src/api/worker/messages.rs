//! Message logs shipped from a worker's outbox.

use axum::extract::State;
use axum::response::IntoResponse;
use flowhq_domain::protocol::{MessageAck, MessageBatch};
use flowhq_store::messages::NewMessage;

use super::WorkerAuth;
use crate::error::{AppError, AppResult};
use crate::extract::Json;
use crate::state::AppState;

/// The most logs one request may carry.
pub const MAX_BATCH: usize = 1000;

/// Logs a batch idempotently: a batch sent again (its acknowledgement was
/// lost) inserts nothing twice.
#[tracing::instrument(skip_all, fields(tenant_id = %auth.tenant, n = batch.messages.len()))]
pub async fn log(
    State(state): State<AppState>,
    auth: WorkerAuth,
    Json(batch): Json<MessageBatch>,
) -> AppResult<impl IntoResponse> {
    if batch.messages.len() > MAX_BATCH {
        return Err(AppError::invalid(
            "messages",
            format!("at most {MAX_BATCH} messages per batch"),
        ));
    }
    let messages: Vec<NewMessage> = batch.messages.into_iter().map(Into::into).collect();
    let inserted = state.store.log_messages(auth.tenant, &messages).await?;
    Ok(axum::Json(MessageAck {
        accepted: messages.len() as u64,
        inserted,
    }))
}
