//! `GET /app`: where the owner's onboarding stands, with the QR code to
//! scan when it is time, updating by itself until the bot is live.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use flowhq_domain::{SetupRequestStatus, TenantStatus};

use crate::pages::admin::tenants::{current_qr, live_json, live_key};
use crate::pages::guard::OwnerPage;
use crate::pages::view::{self, QrTexts};
use crate::pages::{Chrome, PageResult, render};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(status))
        .route("/live", get(live))
}

pub struct Step {
    pub label: &'static str,
    /// `done`, `current` or empty.
    pub state: &'static str,
}

#[derive(Template)]
#[template(path = "portal/status.html")]
struct StatusPage {
    chrome: Chrome,
    lang: String,
    business_name: String,
    /// NEW, PENDING, QR, ACTIVE, PAUSED, ERROR: which panel shows.
    stage: &'static str,
    status: String,
    tone: &'static str,
    steps: Vec<Step>,
    rejected_notes: Option<String>,
    whatsapp_number: String,
    qr: String,
    qr_svg: Option<String>,
    texts: QrTexts,
    live_key: String,
}

#[tracing::instrument(skip_all, fields(tenant_id = %page.owner.tenant_id))]
async fn status(State(state): State<AppState>, page: OwnerPage) -> PageResult {
    let detail = state.store.tenant_detail(page.owner.tenant_id).await?;
    let status = detail.tenant.status;
    let stage = match status {
        TenantStatus::New => "NEW",
        TenantStatus::Pending => "PENDING",
        TenantStatus::Approved | TenantStatus::QrPending => "QR",
        TenantStatus::Active => "ACTIVE",
        TenantStatus::Paused => "PAUSED",
        TenantStatus::Error => "ERROR",
    };
    let current = match status {
        TenantStatus::New => 0,
        TenantStatus::Pending => 1,
        TenantStatus::Approved | TenantStatus::QrPending => 2,
        TenantStatus::Active => 4,
        TenantStatus::Paused | TenantStatus::Error => 3,
    };
    let steps = [
        "Send your setup",
        "Wait for approval",
        "Scan the QR code",
        "Live",
    ]
    .into_iter()
    .enumerate()
    .map(|(i, label)| Step {
        label,
        state: match i.cmp(&current) {
            std::cmp::Ordering::Less => "done",
            std::cmp::Ordering::Equal => "current",
            std::cmp::Ordering::Greater => "",
        },
    })
    .collect();
    let rejected_notes = detail
        .setup_request
        .as_ref()
        .filter(|r| status == TenantStatus::New && r.status == SetupRequestStatus::Rejected)
        .map(|r| r.notes.clone().unwrap_or_default());
    let qr = current_qr(&detail);
    let view = StatusPage {
        chrome: page.chrome("status"),
        lang: detail.config.language.as_str().to_lowercase(),
        business_name: detail.config.business_name.clone(),
        stage,
        status: view::label(status.as_str()),
        tone: view::tenant_tone(status),
        steps,
        rejected_notes,
        whatsapp_number: detail.setup_request.as_ref().map_or_else(
            || detail.tenant.phone_number.clone(),
            |r| r.whatsapp_number.clone(),
        ),
        qr_svg: qr.as_deref().and_then(view::qr_svg),
        live_key: live_key(&detail, qr.is_some()),
        qr: qr.unwrap_or_default(),
        texts: view::qr_texts(detail.config.language),
    };
    Ok(render(StatusCode::OK, &view))
}

/// `{key, qr, qr_svg}` for the status page's live script.
#[tracing::instrument(skip_all, fields(tenant_id = %page.owner.tenant_id))]
async fn live(State(state): State<AppState>, page: OwnerPage) -> PageResult {
    let detail = state.store.tenant_detail(page.owner.tenant_id).await?;
    Ok(live_json(&detail).into_response())
}
