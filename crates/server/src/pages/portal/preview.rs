//! `/app/preview`: "what would my bot answer to …", with the owner's own
//! configuration, right now.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use flowhq_domain::bot::Decision;
use serde::Deserialize;

use crate::api::admin::bot::{PreviewBody, preview_for};
use crate::error::AppError;
use crate::pages::csrf::CsrfForm;
use crate::pages::guard::OwnerPage;
use crate::pages::{Chrome, PageResult, render, view};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/preview", get(form).post(ask))
}

pub struct Answer {
    pub replies: Vec<String>,
    pub why: String,
    pub open: bool,
    pub next_opening: Option<String>,
}

#[derive(Template)]
#[template(path = "portal/preview.html")]
struct PreviewPage {
    chrome: Chrome,
    text: String,
    answer: Option<Answer>,
    error: Option<String>,
}

fn why(decision: &Decision) -> String {
    let key = match decision {
        Decision::Welcome => "app-why-welcome",
        Decision::Answer { .. } => "app-why-answer",
        Decision::Fallback => "app-why-fallback",
        Decision::Away => "app-why-away",
        Decision::Handoff => "app-why-handoff",
        Decision::NothingToAnswer => "app-why-nothing",
        Decision::AwayAlreadySent => "app-why-away-already",
        Decision::HandedOff => "app-why-handed-off",
        Decision::ContactLimit | Decision::TenantLimit => "app-why-limit",
        Decision::NotDirectChat | Decision::FromBusiness => "app-why-not-direct",
    };
    crate::i18n::current().t(key)
}

#[tracing::instrument(skip_all, fields(tenant_id = %page.owner.tenant_id))]
async fn form(page: OwnerPage) -> PageResult {
    let view = PreviewPage {
        chrome: page.chrome("preview"),
        text: String::new(),
        answer: None,
        error: None,
    };
    Ok(render(StatusCode::OK, &view))
}

#[derive(Deserialize)]
struct AskForm {
    #[serde(default)]
    text: String,
}

#[tracing::instrument(skip_all, fields(tenant_id = %page.owner.tenant_id))]
async fn ask(
    State(state): State<AppState>,
    page: OwnerPage,
    CsrfForm(form): CsrfForm<AskForm>,
) -> PageResult {
    let tenant = page.owner.tenant_id;
    let text = form.text.trim().to_owned();
    if text.is_empty() {
        let view = PreviewPage {
            chrome: page.chrome("preview"),
            text,
            answer: None,
            error: Some(crate::i18n::current().t("app-preview-empty")),
        };
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &view));
    }
    let result = preview_for(
        &state,
        tenant,
        PreviewBody {
            text: text.clone(),
            at: None,
        },
    )
    .await;
    let (status, answer, error) = match result {
        Ok(p) => {
            let tz = state.store.tenant_config(tenant).await?.hours.timezone;
            (
                StatusCode::OK,
                Some(Answer {
                    why: why(&p.decision),
                    replies: p.replies,
                    open: p.open,
                    next_opening: p.next_opening.map(|at| view::local_time(at, tz)),
                }),
                None,
            )
        }
        Err(AppError::Invalid { field, message }) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some(crate::i18n::refusal(
                crate::i18n::current(),
                &field,
                &message,
            )),
        ),
        Err(other) => return Err(other.into()),
    };
    let view = PreviewPage {
        chrome: page.chrome("preview"),
        text,
        answer,
        error,
    };
    Ok(render(status, &view))
}
