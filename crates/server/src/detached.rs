//! Handlers that finish what they started.
//!
//! hyper drops a request's future when its client hangs up, and with it the
//! handler, wherever it was: between two statements of a transaction, say.
//! A worker killed mid-request (what the stress test's `--kill` does) then
//! left a PostgreSQL connection whose transaction was never rolled back
//! ("there is already a transaction in progress"), holding row locks that
//! stalled heartbeats, sends and the stale monitor for 10–20 s, until a
//! deadlock was detected. Running each request in a task of its own lets
//! the handler run to its end, commit or roll back; only its answer is
//! lost, as it would be anyway. The tasks are tracked, so that a stopping
//! server waits for them before it closes the database pool.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

use crate::error::AppError;
use crate::security::shutdown::Shutdown;

/// Middleware: runs the rest of the stack for this request in its own task.
pub async fn detached(State(shutdown): State<Shutdown>, request: Request, next: Next) -> Response {
    let task = shutdown
        .requests()
        .spawn(next.run(request).in_current_span());
    match task.await {
        Ok(response) => response,
        Err(e) => {
            AppError::Internal(anyhow::anyhow!("request handler failed: {e}")).into_response()
        }
    }
}
