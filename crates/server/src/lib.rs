//! Flow HQ's control plane: the HTTP API and pages, the tenant lifecycle,
//! the worker supervisor and the stale monitor.

pub mod api;
pub mod auth;
pub mod bootstrap;
pub mod config;
pub mod error;
pub mod extract;
pub mod health;
pub mod lifecycle;
pub mod state;

use std::future::Future;
use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use flowhq_store::Store;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

use crate::config::Settings;
use crate::state::AppState;

/// The whole HTTP surface, ready to serve.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(api::router())
        .merge(health::router())
        .fallback(|| async { error::AppError::NotFound("route") })
        .layer(DefaultBodyLimit::max(extract::MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// A control plane bound to its port, not yet serving.
pub struct Application {
    listener: TcpListener,
    state: AppState,
}

impl Application {
    /// Creates the data dir and database, applies migrations, makes sure an
    /// admin exists and binds the listener.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        tokio::fs::create_dir_all(&settings.data_dir)
            .await
            .with_context(|| format!("creating data dir {}", settings.data_dir.display()))?;
        let store = Store::connect(&settings.database_url)
            .await
            .with_context(|| {
                format!(
                    "opening database {}",
                    flowhq_store::redact(&settings.database_url)
                )
            })?;
        bootstrap::ensure_admin(&store, &settings).await?;
        let listener = TcpListener::bind(settings.listen)
            .await
            .with_context(|| format!("binding {}", settings.listen))?;
        let state = AppState {
            store,
            settings: Arc::new(settings),
            login_limiter: Arc::new(auth::rate_limit::LoginLimiter::default()),
        };
        Ok(Self { listener, state })
    }

    pub fn port(&self) -> u16 {
        self.listener
            .local_addr()
            .map(|a| a.port())
            .unwrap_or_default()
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves, then finishes in-flight requests.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let Application { listener, state } = self;
        let store = state.store.clone();
        tracing::info!(addr = %listener.local_addr()?, "serving");
        axum::serve(
            listener,
            router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
        .context("serving HTTP")?;
        store.close().await;
        Ok(())
    }
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
