//! `GET /app`: where the owner's onboarding stands, with the QR code to
//! scan when it is time, updating by itself until the bot is live.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use flowhq_domain::lifecycle::Event;
use flowhq_domain::values::PhoneNumber;
use flowhq_domain::{SessionState, SetupRequestStatus, TenantStatus};

use crate::error::AppError;
use crate::extract::ClientAddress;
use crate::pages::admin::tenants::{current_pairing_code, current_qr, live_json, live_key};
use crate::pages::csrf::CsrfForm;
use crate::pages::guard::OwnerPage;
use crate::pages::view::{self, QrTexts};
use crate::pages::{Chrome, PageResult, activity, render};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(status))
        .route("/live", get(live))
        .route("/pairing-code", post(ask_pairing_code))
        .route("/qr/refresh", post(ask_new_qr))
        .route("/pause", post(pause))
        .route("/verify-email/resend", post(resend_verification))
        .route("/resume", post(resume))
}

pub struct Step {
    pub label: String,
    /// `done`, `current` or empty.
    pub state: &'static str,
}

#[derive(Template)]
#[template(path = "portal/status.html")]
struct StatusPage {
    chrome: Chrome,
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
    /// The code to type on the phone, when the owner asked for one.
    pairing_code: Option<String>,
    /// When the code stops working (RFC 3339), for the countdown.
    pairing_expires_at: String,
    /// The number the form offers (the one asked with, else the setup's).
    pairing_number: String,
    /// The session is down without QR codes: offer new ones.
    offer_new_qr: bool,
    /// A refused request, shown above the forms.
    error: Option<String>,
    /// Whether the owner followed the link mailed at sign-up.
    email_verified: bool,
    /// Once live: what the assistant did in the last 14 days.
    activity: Option<activity::Activity>,
}

#[tracing::instrument(skip_all, fields(tenant_id = %page.owner.tenant_id))]
async fn status(State(state): State<AppState>, page: OwnerPage) -> PageResult {
    status_page(&state, &page, StatusCode::OK, None).await
}

async fn status_page(
    state: &AppState,
    page: &OwnerPage,
    code: StatusCode,
    error: Option<String>,
) -> PageResult {
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
    let tr = crate::i18n::current();
    let steps = [
        "app-step-setup",
        "app-step-approval",
        "app-step-scan",
        "app-step-live",
    ]
    .into_iter()
    .enumerate()
    .map(|(i, key)| Step {
        label: tr.t(key),
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
    let whatsapp_number = detail.setup_request.as_ref().map_or_else(
        || detail.tenant.phone_number.to_string(),
        |r| r.whatsapp_number.to_string(),
    );
    let view = StatusPage {
        pairing_expires_at: detail
            .session
            .pairing_code_expires_at
            .map(|at| at.to_rfc3339())
            .unwrap_or_default(),
        pairing_code: current_pairing_code(&detail.session)
            .filter(|_| stage == "QR")
            .map(|c| format!("{}-{}", &c[..c.len().min(4)], &c[c.len().min(4)..])),
        pairing_number: detail
            .session
            .pairing_phone_number
            .clone()
            .unwrap_or_else(|| whatsapp_number.clone()),
        offer_new_qr: qr.is_none() && detail.session.state == SessionState::Disconnected,
        error,
        email_verified: page.owner.user.email_verified_at.is_some(),
        activity: match stage {
            "ACTIVE" | "PAUSED" => {
                Some(activity::of(state, page.owner.tenant_id, 14, activity::Reader::Owner).await?)
            }
            _ => None,
        },
        chrome: page.chrome("status"),
        business_name: detail.config.business_name.clone(),
        stage,
        status: tr.state("tenant-status", status.as_str()),
        tone: view::tenant_tone(status),
        steps,
        rejected_notes,
        whatsapp_number,
        qr_svg: qr.as_deref().and_then(view::qr_svg),
        live_key: live_key(&detail, qr.is_some()),
        qr: qr.unwrap_or_default(),
        texts: view::qr_texts(tr),
    };
    Ok(render(code, &view))
}

/// "Link with phone number instead": the worker gets a code for it.
#[tracing::instrument(skip_all, fields(tenant_id = %page.owner.tenant_id))]
async fn ask_pairing_code(
    State(state): State<AppState>,
    page: OwnerPage,
    headers: axum::http::HeaderMap,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> PageResult {
    let typed = form.get("phone_number").map(String::as_str).unwrap_or("");
    let number = &crate::pages::phone::normalize(typed, &headers);
    let result = match PhoneNumber::parse(number) {
        Ok(phone) => {
            crate::lifecycle::ask_pairing_code(&state, page.owner.tenant_id, phone.as_str())
                .await
                .map(|_| ())
        }
        Err(e) => Err(AppError::invalid(
            "phone_number",
            format!("phone_number {}", e.0),
        )),
    };
    answer(&state, &page, result).await
}

/// New QR codes after the last ones ran out.
#[tracing::instrument(skip_all, fields(tenant_id = %page.owner.tenant_id))]
async fn ask_new_qr(
    State(state): State<AppState>,
    page: OwnerPage,
    CsrfForm(_): CsrfForm<HashMap<String, String>>,
) -> PageResult {
    let result = crate::lifecycle::ask_new_qr(&state, page.owner.tenant_id)
        .await
        .map(|_| ());
    answer(&state, &page, result).await
}

/// A new link to confirm the owner's email.
#[tracing::instrument(skip_all, fields(tenant_id = %page.owner.tenant_id))]
async fn resend_verification(
    State(state): State<AppState>,
    page: OwnerPage,
    ClientAddress(address): ClientAddress,
    CsrfForm(_): CsrfForm<HashMap<String, String>>,
) -> PageResult {
    let result = crate::api::portal::email_verification::resend_link(&state, &page.owner, &address)
        .await
        .map_err(|e| match e {
            AppError::TooManyRequests { .. } => {
                AppError::conflict(crate::i18n::current().t("app-status-link-sent-recently"))
            }
            e => e,
        });
    answer(&state, &page, result).await
}

/// The owner's switch: automatic replies off, before the page comes back.
#[tracing::instrument(skip_all, fields(tenant_id = %page.owner.tenant_id))]
async fn pause(
    State(state): State<AppState>,
    page: OwnerPage,
    CsrfForm(_): CsrfForm<HashMap<String, String>>,
) -> PageResult {
    switch(&state, &page, Event::Pause).await
}

/// The owner's switch: automatic replies on again.
#[tracing::instrument(skip_all, fields(tenant_id = %page.owner.tenant_id))]
async fn resume(
    State(state): State<AppState>,
    page: OwnerPage,
    CsrfForm(_): CsrfForm<HashMap<String, String>>,
) -> PageResult {
    switch(&state, &page, Event::Resume).await
}

async fn switch(state: &AppState, page: &OwnerPage, event: Event) -> PageResult {
    let result =
        crate::lifecycle::pause_or_resume(state, page.owner.tenant_id, event, &page.owner.actor())
            .await
            .map(drop);
    answer(state, page, result).await
}

async fn answer(state: &AppState, page: &OwnerPage, result: Result<(), AppError>) -> PageResult {
    match result {
        Ok(()) => Ok(Redirect::to("/app").into_response()),
        Err(err @ (AppError::Conflict { .. } | AppError::Invalid { .. })) => {
            let code = err.status();
            let message = match &err {
                AppError::Invalid { field, message } => {
                    crate::i18n::refusal(crate::i18n::current(), field, message)
                }
                _ => crate::pages::auth::sentence(&err.to_string()),
            };
            status_page(state, page, code, Some(message)).await
        }
        Err(other) => Err(other.into()),
    }
}

/// `{key, qr, qr_svg}` for the status page's live script.
#[tracing::instrument(skip_all, fields(tenant_id = %page.owner.tenant_id))]
async fn live(State(state): State<AppState>, page: OwnerPage) -> PageResult {
    let detail = state.store.tenant_detail(page.owner.tenant_id).await?;
    Ok(live_json(&detail).into_response())
}
