//! Prometheus metrics at `GET /metrics`, in the text exposition format.
//!
//! Request durations are recorded by a middleware as requests happen; the
//! rest (tenants and workers by status, heartbeat ages, messages logged,
//! stale detections) is read from the database and the supervisor when
//! scraped, so every replica reports the same totals and nothing is lost on
//! a restart. `flowhq_leader` is the one per-replica gauge: which replica
//! runs the elected jobs.

use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::Utc;
use flowhq_domain::{TenantStatus, WorkerStatus};
use metrics::{counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusRecorder};

use crate::error::AppResult;
use crate::state::AppState;

const REQUEST_DURATION: &str = "flowhq_http_request_duration_seconds";
const DURATION_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];
const HEARTBEAT_AGE: &str = "flowhq_worker_heartbeat_age_seconds";
const HEARTBEAT_AGE_BUCKETS: [f64; 9] = [1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0];

/// A recorder of this process's own, not the global one: tests run many
/// control planes in one process, and each must count only its requests.
fn recorder(histogram: &str, buckets: &[f64]) -> PrometheusRecorder {
    PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(histogram.to_owned()), buckets)
        .expect("the bucket list is not empty")
        .build_recorder()
}

/// What the process itself counts: request durations.
pub struct Metrics {
    requests: PrometheusRecorder,
}

impl Default for Metrics {
    fn default() -> Self {
        let requests = recorder(REQUEST_DURATION, &DURATION_BUCKETS);
        metrics::with_local_recorder(&requests, || {
            describe_histogram!(REQUEST_DURATION, "HTTP request durations by route.");
        });
        Self { requests }
    }
}

impl Metrics {
    fn observe_request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        metrics::with_local_recorder(&self.requests, || {
            histogram!(
                REQUEST_DURATION,
                "method" => method.to_owned(),
                "route" => route.to_owned(),
                "status" => status.to_string()
            )
            .record(seconds);
        });
    }
}

/// Middleware: times every request, labelled by its route template (not the
/// raw path, so ids do not explode the label set).
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    state.metrics.observe_request(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

pub fn router() -> Router<AppState> {
    Router::new().route("/metrics", get(render))
}

/// What the database and the supervisor know now, read at each scrape.
struct Snapshot {
    tenants: Vec<(TenantStatus, i64)>,
    workers: Vec<(WorkerStatus, i64)>,
    heartbeat_ages: Vec<f64>,
    backlog: u64,
    backlog_max: u64,
    messages: (i64, i64),
    stale: i64,
    leader: bool,
}

async fn snapshot(state: &AppState) -> AppResult<Snapshot> {
    // Heartbeat ages of the workers that owe heartbeats, freshest knowledge
    // first: the supervisor's in-memory beats, else the persisted one.
    let now = Utc::now();
    let mut heartbeat_ages = Vec::new();
    let (mut backlog, mut backlog_max) = (0u64, 0u64);
    for runtime in state.store.live_workers().await? {
        let worker = &runtime.worker;
        if let Some(n) = state.supervisor.outbox_backlog(worker.tenant_id) {
            backlog += n;
            backlog_max = backlog_max.max(n);
        }
        let last = state
            .supervisor
            .last_beat(worker.tenant_id)
            .or(worker.last_heartbeat_at);
        if let Some(last) = last {
            heartbeat_ages.push((now - last).num_milliseconds().max(0) as f64 / 1000.0);
        }
    }
    Ok(Snapshot {
        tenants: state.store.count_tenants_by_status().await?,
        workers: state.store.count_workers_by_status().await?,
        heartbeat_ages,
        backlog,
        backlog_max,
        messages: state.store.count_messages_by_direction().await?,
        stale: state
            .store
            .count_events(flowhq_domain::lifecycle::Event::WorkerStale)
            .await?,
        leader: state.leadership.is_leader(),
    })
}

/// How many of `counts` are in `status`; none listed is zero.
fn count_of<S: PartialEq>(counts: &[(S, i64)], status: &S) -> f64 {
    counts
        .iter()
        .find(|(s, _)| s == status)
        .map_or(0.0, |(_, n)| *n as f64)
}

/// The snapshot in a recorder made for this scrape: its histogram of
/// heartbeat ages describes this moment, not every scrape so far.
fn record(snapshot: &Snapshot) -> PrometheusRecorder {
    let recorder = recorder(HEARTBEAT_AGE, &HEARTBEAT_AGE_BUCKETS);
    metrics::with_local_recorder(&recorder, || {
        describe_gauge!("flowhq_tenants", "Tenants by lifecycle status.");
        for status in TenantStatus::ALL {
            gauge!("flowhq_tenants", "status" => status.to_string())
                .set(count_of(&snapshot.tenants, status));
        }
        describe_gauge!("flowhq_workers", "Worker processes by status.");
        for status in WorkerStatus::ALL {
            gauge!("flowhq_workers", "status" => status.to_string())
                .set(count_of(&snapshot.workers, status));
        }
        describe_histogram!(HEARTBEAT_AGE, "Age of each live worker's last heartbeat.");
        let ages = histogram!(HEARTBEAT_AGE);
        for age in &snapshot.heartbeat_ages {
            ages.record(*age);
        }
        // Logs workers hold but the control plane has not yet stored: grows
        // when shipping falls behind or the database is slow.
        describe_gauge!(
            "flowhq_worker_outbox_backlog",
            "Message logs waiting in live workers' outboxes (last heartbeats)."
        );
        gauge!("flowhq_worker_outbox_backlog").set(snapshot.backlog as f64);
        describe_gauge!(
            "flowhq_worker_outbox_backlog_max",
            "The largest backlog of one live worker."
        );
        gauge!("flowhq_worker_outbox_backlog_max").set(snapshot.backlog_max as f64);
        describe_counter!(
            "flowhq_messages_logged_total",
            "Messages in the message log by direction."
        );
        let (inbound, outbound) = snapshot.messages;
        counter!("flowhq_messages_logged_total", "direction" => "INBOUND").absolute(inbound as u64);
        counter!("flowhq_messages_logged_total", "direction" => "OUTBOUND")
            .absolute(outbound as u64);
        describe_counter!(
            "flowhq_stale_detections_total",
            "Workers the stale monitor marked ERROR."
        );
        counter!("flowhq_stale_detections_total").absolute(snapshot.stale as u64);
        describe_gauge!(
            "flowhq_leader",
            "1 when this replica runs the elected background jobs."
        );
        gauge!("flowhq_leader").set(f64::from(u8::from(snapshot.leader)));
    });
    recorder
}

async fn render(State(state): State<AppState>) -> AppResult<impl IntoResponse> {
    let now = record(&snapshot(&state).await?);
    let mut out = now.handle().render();
    out.push_str(&state.metrics.requests.handle().render());
    Ok((
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        out,
    ))
}
