//! Prometheus metrics at `GET /metrics`, in the text exposition format.
//!
//! Request durations are recorded by a middleware as requests happen; the
//! rest (tenants and workers by status, heartbeat ages, messages logged,
//! stale detections) is read from the database and the supervisor when
//! scraped, so every replica reports the same totals and nothing is lost on
//! a restart. `flowhq_leader` is the one per-replica gauge: which replica
//! runs the elected jobs.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::Utc;
use flowhq_domain::{TenantStatus, WorkerStatus};

use crate::error::AppResult;
use crate::state::AppState;

const DURATION_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];
const HEARTBEAT_AGE_BUCKETS: [f64; 9] = [1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0];

#[derive(Default)]
struct Histogram {
    buckets: Vec<u64>,
    sum: f64,
    count: u64,
}

impl Histogram {
    fn observe(&mut self, bounds: &[f64], value: f64) {
        if self.buckets.is_empty() {
            self.buckets = vec![0; bounds.len()];
        }
        for (bucket, bound) in self.buckets.iter_mut().zip(bounds) {
            if value <= *bound {
                *bucket += 1;
            }
        }
        self.sum += value;
        self.count += 1;
    }

    fn render(&self, out: &mut String, name: &str, labels: &str, bounds: &[f64]) {
        let sep = if labels.is_empty() { "" } else { "," };
        for (bucket, bound) in self.buckets.iter().zip(bounds) {
            let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"{bound}\"}} {bucket}");
        }
        let _ = writeln!(
            out,
            "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {}",
            self.count
        );
        let braces = if labels.is_empty() {
            String::new()
        } else {
            format!("{{{labels}}}")
        };
        let _ = writeln!(out, "{name}_sum{braces} {}", self.sum);
        let _ = writeln!(out, "{name}_count{braces} {}", self.count);
    }
}

/// What the process itself counts.
#[derive(Default)]
pub struct Metrics {
    /// Keyed by (method, route template, status code).
    requests: Mutex<BTreeMap<(String, String, u16), Histogram>>,
}

impl Metrics {
    fn observe_request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let mut requests = self.requests.lock().expect("metrics lock");
        requests
            .entry((method.to_owned(), route.to_owned(), status))
            .or_default()
            .observe(&DURATION_BUCKETS, seconds);
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

async fn render(State(state): State<AppState>) -> AppResult<impl IntoResponse> {
    let mut out = String::with_capacity(8 * 1024);

    let tenants = state.store.count_tenants_by_status().await?;
    out.push_str(
        "# HELP flowhq_tenants Tenants by lifecycle status.\n# TYPE flowhq_tenants gauge\n",
    );
    for status in TenantStatus::ALL {
        let n = tenants
            .iter()
            .find(|(s, _)| s == status)
            .map_or(0, |(_, n)| *n);
        let _ = writeln!(out, "flowhq_tenants{{status=\"{status}\"}} {n}");
    }

    let workers = state.store.count_workers_by_status().await?;
    out.push_str(
        "# HELP flowhq_workers Worker processes by status.\n# TYPE flowhq_workers gauge\n",
    );
    for status in WorkerStatus::ALL {
        let n = workers
            .iter()
            .find(|(s, _)| s == status)
            .map_or(0, |(_, n)| *n);
        let _ = writeln!(out, "flowhq_workers{{status=\"{status}\"}} {n}");
    }

    // Heartbeat ages of the workers that owe heartbeats, freshest knowledge
    // first: the supervisor's in-memory beats, else the persisted one.
    let now = Utc::now();
    let mut ages = Histogram::default();
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
            let age = (now - last).num_milliseconds().max(0) as f64 / 1000.0;
            ages.observe(&HEARTBEAT_AGE_BUCKETS, age);
        }
    }
    out.push_str(
        "# HELP flowhq_worker_heartbeat_age_seconds Age of each live worker's last heartbeat.\n\
         # TYPE flowhq_worker_heartbeat_age_seconds histogram\n",
    );
    if ages.buckets.is_empty() {
        ages.buckets = vec![0; HEARTBEAT_AGE_BUCKETS.len()];
    }
    ages.render(
        &mut out,
        "flowhq_worker_heartbeat_age_seconds",
        "",
        &HEARTBEAT_AGE_BUCKETS,
    );

    // Logs workers hold but the control plane has not yet stored: grows
    // when shipping falls behind or the database is slow.
    out.push_str(
        "# HELP flowhq_worker_outbox_backlog Message logs waiting in live workers' outboxes (last heartbeats).\n\
         # TYPE flowhq_worker_outbox_backlog gauge\n",
    );
    let _ = writeln!(out, "flowhq_worker_outbox_backlog {backlog}");
    out.push_str(
        "# HELP flowhq_worker_outbox_backlog_max The largest backlog of one live worker.\n\
         # TYPE flowhq_worker_outbox_backlog_max gauge\n",
    );
    let _ = writeln!(out, "flowhq_worker_outbox_backlog_max {backlog_max}");

    let (inbound, outbound) = state.store.count_messages_by_direction().await?;
    out.push_str(
        "# HELP flowhq_messages_logged_total Messages in the message log by direction.\n\
         # TYPE flowhq_messages_logged_total counter\n",
    );
    let _ = writeln!(
        out,
        "flowhq_messages_logged_total{{direction=\"INBOUND\"}} {inbound}"
    );
    let _ = writeln!(
        out,
        "flowhq_messages_logged_total{{direction=\"OUTBOUND\"}} {outbound}"
    );

    let stale = state
        .store
        .count_events(flowhq_domain::lifecycle::Event::WorkerStale)
        .await?;
    out.push_str(
        "# HELP flowhq_stale_detections_total Workers the stale monitor marked ERROR.\n\
         # TYPE flowhq_stale_detections_total counter\n",
    );
    let _ = writeln!(out, "flowhq_stale_detections_total {stale}");

    out.push_str(
        "# HELP flowhq_leader 1 when this replica runs the elected background jobs.\n\
         # TYPE flowhq_leader gauge\n",
    );
    let _ = writeln!(
        out,
        "flowhq_leader {}",
        u8::from(state.leadership.is_leader())
    );

    out.push_str(
        "# HELP flowhq_http_request_duration_seconds HTTP request durations by route.\n\
         # TYPE flowhq_http_request_duration_seconds histogram\n",
    );
    {
        let requests = state.metrics.requests.lock().expect("metrics lock");
        for ((method, route, status), histogram) in requests.iter() {
            let labels = format!("method=\"{method}\",route=\"{route}\",status=\"{status}\"");
            histogram.render(
                &mut out,
                "flowhq_http_request_duration_seconds",
                &labels,
                &DURATION_BUCKETS,
            );
        }
    }

    Ok((
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        out,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_render_cumulative_buckets() {
        let mut h = Histogram::default();
        for v in [0.0005, 0.003, 0.2, 9.0] {
            h.observe(&DURATION_BUCKETS, v);
        }
        let mut out = String::new();
        h.render(&mut out, "x", "route=\"/a\"", &DURATION_BUCKETS);
        assert!(out.contains("x_bucket{route=\"/a\",le=\"0.001\"} 1\n"));
        assert!(out.contains("x_bucket{route=\"/a\",le=\"0.005\"} 2\n"));
        assert!(out.contains("x_bucket{route=\"/a\",le=\"0.25\"} 3\n"));
        assert!(out.contains("x_bucket{route=\"/a\",le=\"+Inf\"} 4\n"));
        assert!(out.contains("x_count{route=\"/a\"} 4\n"));
    }
}
