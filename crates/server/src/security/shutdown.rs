//! An orderly stop: the pool closes only after every request is done.
//!
//! On SIGTERM the server stops accepting, lets each open connection finish
//! the request it is serving, and then waits for the requests whose client
//! hung up but whose handler runs on ([`crate::detached`]) before the jobs
//! stop and the database pool closes. Closing the pool first turned such
//! requests into "attempted to acquire a connection on a closed pool"
//! internal errors. Worker requests that still arrive once the stop began
//! get a 503 with `Retry-After`, before touching the database: workers
//! outlive the control plane and simply retry against its next start.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio_util::task::TaskTracker;

use crate::error::AppError;

/// The longest a stop waits for open connections to finish, and then for
/// handlers whose clients hung up: a client cannot hold the stop forever.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// Seconds a worker is told to wait before asking again.
pub const RETRY_AFTER_S: u64 = 5;

/// Whether the server is stopping, and the requests still running.
#[derive(Clone, Debug, Default)]
pub struct Shutdown {
    stopping: Arc<AtomicBool>,
    requests: TaskTracker,
}

impl Shutdown {
    /// The stop has begun: worker requests are refused from now on.
    pub fn begin(&self) {
        self.stopping.store(true, Ordering::SeqCst);
    }

    pub fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    /// Where request handlers run (see [`crate::detached`]), so that the
    /// stop can wait for them.
    pub fn requests(&self) -> &TaskTracker {
        &self.requests
    }

    /// Resolves once every request handler has returned.
    pub async fn requests_done(&self) {
        self.requests.close();
        self.requests.wait().await;
    }
}

/// Middleware for the worker API: a 503 with `Retry-After` once the stop
/// has begun.
pub async fn refuse_while_stopping(
    State(shutdown): State<Shutdown>,
    request: Request,
    next: Next,
) -> Response {
    if !shutdown.is_stopping() {
        return next.run(request).await;
    }
    let mut response = AppError::Unavailable("the control plane is shutting down").into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_S));
    response
}
