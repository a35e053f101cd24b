//! `GET /admin`: how the fleet is doing at a glance.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use chrono::Utc;
use flowhq_domain::{TenantStatus, WorkerStatus};

use crate::pages::guard::AdminPage;
use crate::pages::{Chrome, PageResult, render, view};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(dashboard))
}

pub struct Count {
    pub label: String,
    pub raw: &'static str,
    pub tone: &'static str,
    pub n: i64,
}

pub struct Attention {
    pub tenant_id: String,
    pub tenant_name: String,
    pub status: String,
    pub tone: &'static str,
    pub heartbeat: String,
    pub last_error: String,
}

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct Dashboard {
    chrome: Chrome,
    tenants_total: i64,
    tenants: Vec<Count>,
    workers: Vec<Count>,
    attention: Vec<Attention>,
    pending_requests: i64,
    /// Messages of every business today (UTC).
    messages_today: i64,
    stale_after: String,
    /// Messages per day over 30 days, an inline `<svg>`.
    chart: String,
    /// Tenants by status, as bars.
    status_chart: String,
}

#[tracing::instrument(skip_all)]
async fn dashboard(State(state): State<AppState>, page: AdminPage) -> PageResult {
    let store = &state.store;
    let now = Utc::now();
    let stale_after = chrono::Duration::from_std(state.settings.stale_after)
        .unwrap_or_else(|_| chrono::Duration::seconds(30));
    let tr = crate::i18n::current();
    let (by_status, by_worker, attention, pending, per_day) = tokio::try_join!(
        store.count_tenants_by_status(),
        store.count_workers_by_status(),
        store.workers_needing_attention(now - stale_after, 20),
        store.count_pending_setup_requests(),
        store.daily_totals_all(now - chrono::Duration::days(29), now),
    )?;
    // Today's messages from the roll-up (a minute old at most): counting
    // the last 24 hours of every business live scanned a day of messages
    // on every view.
    let messages = per_day.last().map_or(0, |d| d.inbound + d.outbound);
    let tenants: Vec<Count> = TenantStatus::ALL
        .iter()
        .map(|s| Count {
            label: tr.state("tenant-status", s.as_str()),
            raw: s.as_str(),
            tone: view::tenant_tone(*s),
            n: by_status
                .iter()
                .find(|(status, _)| status == s)
                .map_or(0, |(_, n)| *n),
        })
        .collect();
    let workers = WorkerStatus::ALL
        .iter()
        .map(|s| Count {
            label: tr.state("worker-status", s.as_str()),
            raw: s.as_str(),
            tone: view::worker_tone(*s),
            n: by_worker
                .iter()
                .find(|(status, _)| status == s)
                .map_or(0, |(_, n)| *n),
        })
        .collect();
    let attention = attention
        .into_iter()
        .map(|a| {
            let beat = [
                state.supervisor.last_beat(a.worker.tenant_id),
                a.worker.last_heartbeat_at,
            ]
            .into_iter()
            .flatten()
            .max();
            Attention {
                tenant_id: a.worker.tenant_id.to_string(),
                tenant_name: a.tenant_name,
                status: tr.state("worker-status", a.worker.status.as_str()),
                tone: view::worker_tone(a.worker.status),
                heartbeat: beat.map_or_else(|| tr.t("console-never"), |at| tr.ago(at, now)),
                last_error: a.worker.last_error.unwrap_or_default(),
            }
        })
        .collect();
    let status_chart = crate::pages::charts::counts(
        &tenants
            .iter()
            .map(|c| (c.label.clone(), c.n))
            .collect::<Vec<_>>(),
        &tr.t("console-chart-tenants"),
    );
    let page = Dashboard {
        status_chart,
        chrome: page.chrome("dashboard"),
        tenants_total: tenants.iter().map(|c| c.n).sum(),
        tenants,
        workers,
        attention,
        pending_requests: pending,
        messages_today: messages,
        stale_after: humantime::format_duration(state.settings.stale_after).to_string(),
        chart: crate::pages::charts::messages_per_day(
            &per_day,
            &tr.t("console-chart-received"),
            &tr.t("console-chart-sent"),
        ),
    };
    Ok(render(StatusCode::OK, &page))
}
