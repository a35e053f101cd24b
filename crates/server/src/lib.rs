//! Flow HQ's control plane: the HTTP API and pages, the tenant lifecycle,
//! the worker supervisor and the stale monitor.

pub mod alerts;
pub mod api;
pub mod auth;
pub mod bootstrap;
pub mod config;
pub mod detached;
pub mod digest;
pub mod error;
pub mod extract;
pub mod heal;
pub mod health;
pub mod i18n;
pub mod inbox_events;
pub mod leader;
pub mod lifecycle;
pub mod link;
pub mod mail;
pub mod media;
pub mod metrics;
pub mod monitor;
pub mod pages;
pub mod retention;
pub mod rollup;
pub mod security;
pub mod silence;
pub mod state;
pub mod supervisor;
pub mod webhooks;

use std::future::Future;
use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use flowhq_store::Store;
use tokio::net::TcpListener;
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::config::Settings;
use crate::security::{api_errors, files};
use crate::state::AppState;

/// The whole HTTP surface, ready to serve.
pub fn router(state: AppState) -> Router {
    let (api, document) = api::router(state.sim.is_some()).split_for_parts();
    Router::new()
        .merge(api.layer(axum::middleware::from_fn(auth::cross_site::refuse_for_api)))
        .merge(api::openapi::router(&document))
        .merge(
            api::worker_router(state.sim.is_some()).layer(axum::middleware::from_fn_with_state(
                state.shutdown.clone(),
                security::shutdown::refuse_while_stopping,
            )),
        )
        .merge(health::router())
        .merge(metrics::router())
        .merge(pages::router())
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.shutdown.clone(),
            detached::detached,
        ))
        .layer(axum::middleware::map_response(
            extract::close_after_refused_body,
        ))
        .layer(DefaultBodyLimit::max(extract::MAX_BODY_BYTES))
        .layer(RequestBodyTimeoutLayer::new(
            state.settings.connections.body_read_timeout,
        ))
        .layer(axum::middleware::from_fn(api_errors::limit_uri))
        .layer(axum::middleware::from_fn(api_errors::json_errors))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(TraceLayer::new_for_http())
        .layer(security::headers::layer())
        .with_state(state)
}

/// A control plane bound to its port, not yet serving.
pub struct Application {
    listener: TcpListener,
    state: AppState,
    elector: leader::Elector,
}

impl Application {
    /// Creates the data dir and database, applies migrations, makes sure an
    /// admin exists and binds the listener.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        files::create_private_dir(&settings.data_dir)
            .with_context(|| format!("creating data dir {}", settings.data_dir.display()))?;
        let store = Store::connect(&settings.database_url)
            .await
            .with_context(|| {
                format!(
                    "opening database {}",
                    flowhq_store::redact(&settings.database_url)
                )
            })?;
        // After connecting, so that the database SQLite just made (and its
        // -wal and -shm, which it later recreates with the database's mode)
        // is included.
        let tightened = files::tighten(&settings.data_dir)
            .with_context(|| format!("restricting data dir {}", settings.data_dir.display()))?;
        if tightened > 0 {
            tracing::info!(
                entries = tightened,
                "made the data dir private to this account (0700 folders, 0600 files)"
            );
        }
        bootstrap::ensure_admin(&store, &settings).await?;
        let listener = TcpListener::bind(settings.listen)
            .await
            .with_context(|| format!("binding {}", settings.listen))?;
        let control_plane_url = {
            let addr = listener.local_addr()?;
            let host = if addr.ip().is_unspecified() {
                std::net::IpAddr::from([127, 0, 0, 1])
            } else {
                addr.ip()
            };
            format!("http://{}", std::net::SocketAddr::new(host, addr.port()))
        };
        let mail = mail::MailService::new(&settings, &control_plane_url)?;
        // Worker recovery never waits behind traffic for a connection.
        let worker_url = settings
            .advertise_url
            .clone()
            .unwrap_or_else(|| control_plane_url.clone());
        let link = link::Hub::new(store.max_connections());
        let supervisor = supervisor::Supervisor::new(
            store.with_own_connections(2).await?,
            &settings,
            worker_url,
            link,
        );
        let sim = match (settings.channel, &settings.sim_url) {
            (config::ChannelKind::Simulator, None) => {
                let path = settings.data_dir.join("sim.db");
                let network = flowhq_sim::Network::open(&path)
                    .with_context(|| format!("opening the simulated network {}", path.display()))?;
                Some(Arc::new(network))
            }
            _ => None,
        };
        let webhooks = Arc::new(webhooks::WebhookService::new(&settings)?);
        let elector = leader::Elector::start(&store, settings.leader_check_every).await;
        let state = AppState {
            leadership: elector.leadership(),
            store,
            supervisor,
            sim,
            media: media::MediaFiles::new(&settings.data_dir, settings.media_quota),
            settings: Arc::new(settings),
            login_limiter: Arc::new(auth::rate_limit::LoginLimiter::default()),
            metrics: Arc::new(metrics::Metrics::default()),
            shutdown: security::shutdown::Shutdown::default(),
            mail: Arc::new(mail),
            webhooks,
            inbox: Arc::new(inbox_events::InboxEvents::default()),
        };
        Ok(Self {
            listener,
            state,
            elector,
        })
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

    /// Serves until `shutdown` resolves, then finishes in-flight requests
    /// (see [`security::shutdown`]) and closes the database.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let Application {
            listener,
            state,
            elector,
        } = self;
        let store = state.store.clone();
        tracing::info!(addr = %listener.local_addr()?, "serving");
        // Background jobs: workers re-adopted, then watched; heartbeats
        // persisted and checked; the first and the last only on the leader.
        // They stop with the server; workers do not.
        let (stop_jobs, jobs_stopped) = tokio::sync::watch::channel(false);
        if state.leadership.is_leader()
            && let Err(e) = state.supervisor.readopt(false).await
        {
            tracing::error!(error = %e, "re-adopting workers");
        }
        let jobs = [
            tokio::spawn(
                state
                    .supervisor
                    .clone()
                    .run(state.leadership.clone(), jobs_stopped.clone()),
            ),
            tokio::spawn(monitor::run(state.clone(), jobs_stopped.clone())),
            tokio::spawn(alerts::run(state.clone(), jobs_stopped.clone())),
            tokio::spawn(digest::run(state.clone(), jobs_stopped.clone())),
            tokio::spawn(rollup::run(state.clone(), jobs_stopped.clone())),
            tokio::spawn(retention::run(state.clone(), jobs_stopped.clone())),
            tokio::spawn(silence::run(state.clone(), jobs_stopped.clone())),
            tokio::spawn(mail::sender::run(state.clone(), jobs_stopped.clone())),
            tokio::spawn(webhooks::sender::run(state.clone(), jobs_stopped)),
        ];
        let sim = state.sim.clone();
        let links = state.supervisor.link().clone();
        let stopping = state.shutdown.clone();
        let shutdown = async move {
            shutdown.await;
            stopping.begin();
            // Long polls end now rather than hold the graceful shutdown.
            if let Some(sim) = &sim {
                sim.close();
            }
            // Workers reconnect to the next start, or to another replica.
            links.close();
            let _ = stop_jobs.send(true);
        };
        let requests = state.shutdown.clone();
        let limits = state.settings.connections;
        let drain = security::shutdown::DRAIN_TIMEOUT;
        security::connections::serve(listener, router(state), limits, shutdown, drain).await;
        // Handlers whose clients hung up may still be running.
        if tokio::time::timeout(drain, requests.requests_done())
            .await
            .is_err()
        {
            tracing::warn!("requests still running at shutdown; closing the database anyway");
        }
        for job in jobs {
            let _ = job.await;
        }
        // Leadership passes on now rather than when the process exits.
        elector.stop().await;
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
