//! Serving HTTP/1 with limits a slow or hostile client cannot outlast.
//!
//! `axum::serve` has no timeouts and no cap: a client that sends half a
//! request line held its connection forever, and enough of them ran the
//! process out of file descriptors. Here hyper serves each connection with
//! a header-read timeout, which also bounds how long a keep-alive
//! connection may sit idle between requests (hyper starts the same timer
//! whenever it waits for a request head); the router bounds the gaps while
//! a body arrives ([`ConnectionLimits::body_read_timeout`]); and at most
//! [`ConnectionLimits::max_connections`] connections are open at once:
//! beyond that, new ones wait in the kernel's accept queue until one
//! closes, while the open ones carry on. A connection upgraded to another
//! protocol keeps its place until it closes.
//!
//! Long requests are unaffected: the timers only run while a request head
//! or body is awaited, not while a handler works (the simulated network's
//! long poll holds a request for up to 25 s).

use std::future::Future;
use std::io;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tower::ServiceExt;

/// How long clients may take, and how many may be connected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// The most connections open at once (`FLOWHQ_MAX_CONNECTIONS`).
    pub max_connections: usize,
    /// The longest wait for a request's head, counted from the connection's
    /// start or the end of its previous response: a client that has not
    /// sent a whole request line and headers by then is disconnected, and
    /// so is an idle keep-alive connection.
    pub header_read_timeout: Duration,
    /// The longest gap while a request body arrives; the request then
    /// fails and its connection closes.
    pub body_read_timeout: Duration,
}

/// Workers heartbeat every 10 s by default over a kept-alive connection:
/// the idle limit stays above that, or every heartbeat would race the close.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(20);
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(20);
/// Each tenant's worker holds one or two connections; browsers a few each.
pub const DEFAULT_MAX_CONNECTIONS: usize = 4096;

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            max_connections: DEFAULT_MAX_CONNECTIONS,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
        }
    }
}

/// File descriptors kept for everything but client connections: the
/// database, worker logs, the workers' pipes.
const RESERVED_FILES: u64 = 256;

/// Serves `app` on `listener` until `shutdown` resolves, then stops
/// accepting and lets every open connection finish the request it is
/// serving. Returns once every connection closed, or after `drain` if some
/// would not.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
    drain: Duration,
) {
    raise_file_limit(limits.max_connections);
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let (stop, stopped) = watch::channel(false);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let mut shutdown = pin!(shutdown);
    loop {
        // The permit first: at the cap, connections stay in the accept
        // queue rather than being accepted and left unserved.
        let permit = tokio::select! {
            biased;
            () = &mut shutdown => break,
            permit = permits.clone().acquire_owned() => {
                permit.expect("the semaphore is never closed")
            }
        };
        let (stream, peer) = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
        };
        let service = app
            .clone()
            .map_request(move |mut request: Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request.map(Body::new)
            });
        let io = TokioIo::new(Counted {
            stream,
            _permit: permit,
        });
        let connection = http
            .serve_connection(io, TowerToHyperService::new(service))
            .with_upgrades();
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            let mut connection = pin!(connection);
            let stop = async move {
                let _ = stopped.wait_for(|stop| *stop).await;
            };
            let result = tokio::select! {
                result = connection.as_mut() => result,
                () = stop => {
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(e) = result {
                tracing::debug!(%peer, error = %e, "connection ended");
            }
        });
    }
    drop(listener);
    let _ = stop.send(true);
    // Every permit back means every connection closed.
    let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    if tokio::time::timeout(drain, permits.acquire_many(all))
        .await
        .is_err()
    {
        tracing::warn!(
            open = limits.max_connections - permits.available_permits(),
            "connections still open after {drain:?}; stopping anyway"
        );
    }
}

/// An accepted connection with its place under the cap, given back when
/// the connection is dropped, upgraded or not.
struct Counted {
    stream: TcpStream,
    _permit: OwnedSemaphorePermit,
}

impl AsyncRead for Counted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Counted {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// A failed accept: the client's own trouble is skipped; running out of
/// file descriptors (or the like) is logged and waited out.
async fn accept_failed(e: io::Error) {
    use io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        e.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "accepting a connection");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// Raises the soft limit on open files towards the hard one when the
/// connection cap needs it (many systems start processes at 1024), and
/// says so when even the hard limit is too low for the cap.
fn raise_file_limit(max_connections: usize) {
    #[cfg(unix)]
    {
        let wanted = max_connections as u64 + RESERVED_FILES;
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit and setrlimit only read and write `limit`.
        unsafe {
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
                return;
            }
            if limit.rlim_cur >= wanted {
                return;
            }
            let raised = libc::rlimit {
                rlim_cur: wanted.min(limit.rlim_max),
                rlim_max: limit.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit = raised;
            }
        }
        if limit.rlim_cur < wanted {
            tracing::warn!(
                max_connections,
                open_files_limit = limit.rlim_cur,
                "the open-files limit is below the connection cap; \
                 raise it (ulimit -n) or lower FLOWHQ_MAX_CONNECTIONS"
            );
        }
    }
    #[cfg(not(unix))]
    let _ = (max_connections, RESERVED_FILES);
}
