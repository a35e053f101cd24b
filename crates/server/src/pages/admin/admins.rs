//! `/admin/admins`: the operators, and a form to invite one by email
//! (`api::admin::invitations`).

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use serde::Deserialize;

use crate::api::admin::invitations::{InviteBody, invite_admin};
use crate::error::AppError;
use crate::extract::Query;
use crate::i18n::refusal;
use crate::pages::csrf::CsrfForm;
use crate::pages::guard::AdminPage;
use crate::pages::{Chrome, PageResult, render, view};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/admins", get(list).post(invite))
}

pub struct Row {
    pub name: String,
    pub email: String,
    /// "Invited, until …", or "Active".
    pub state: String,
    pub tone: &'static str,
}

#[derive(Default)]
pub struct Errors {
    pub name: Option<String>,
    pub email: Option<String>,
    pub summary: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/admins.html")]
struct AdminsPage {
    chrome: Chrome,
    rows: Vec<Row>,
    name: String,
    email: String,
    errors: Errors,
    notice: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct Shown {
    invited: Option<String>,
}

async fn rows(state: &AppState) -> Result<Vec<Row>, AppError> {
    let tr = crate::i18n::current();
    Ok(state
        .store
        .list_admins()
        .await?
        .into_iter()
        .map(|(user, invited_until)| {
            let (state, tone) = account_state(tr, invited_until);
            Row {
                name: user.name.to_string(),
                email: user.email.to_string(),
                state,
                tone,
            }
        })
        .collect())
}

/// An account's badge: "Invited, until …" while its invitation is open,
/// else "Active"; and the badge's tone. The staff page shows the same.
pub fn account_state(
    tr: crate::i18n::Tr,
    invited_until: Option<chrono::DateTime<chrono::Utc>>,
) -> (String, &'static str) {
    match invited_until {
        Some(until) => (
            tr.t1("console-invited-until", "at", tr.utc_time(until)),
            "wait",
        ),
        None => (tr.t("console-active"), "ok"),
    }
}

#[tracing::instrument(skip_all)]
async fn list(
    State(state): State<AppState>,
    page: AdminPage,
    Query(shown): Query<Shown>,
) -> PageResult {
    let view = AdminsPage {
        chrome: page.chrome("admins"),
        rows: rows(&state).await?,
        name: String::new(),
        email: String::new(),
        errors: Errors::default(),
        notice: shown
            .invited
            .map(|email| crate::i18n::current().t1("console-invitation-sent", "email", email)),
    };
    Ok(render(StatusCode::OK, &view))
}

#[tracing::instrument(skip_all)]
async fn invite(
    State(state): State<AppState>,
    page: AdminPage,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> PageResult {
    let field = |name: &str| {
        form.get(name)
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    let body = InviteBody {
        name: field("name"),
        email: field("email"),
    };
    let (name, email) = (body.name.clone(), body.email.clone());
    let mut errors = Errors::default();
    match invite_admin(&state, body, &page.admin.actor.0).await {
        Ok(invited) => {
            let to = format!(
                "/admin/admins?invited={}",
                view::urlencode(invited.user.email.as_str())
            );
            return Ok(Redirect::to(&to).into_response());
        }
        Err(AppError::Invalid { field, message }) => {
            let text = refusal(crate::i18n::current(), &field, &message);
            match field.as_str() {
                "name" => errors.name = Some(text),
                "email" => errors.email = Some(text),
                _ => errors.summary = Some(text),
            }
        }
        Err(err @ AppError::Conflict { .. }) => {
            errors.email = Some(refusal(crate::i18n::current(), "email", &err.to_string()));
        }
        Err(other) => return Err(other.into()),
    }
    let view = AdminsPage {
        chrome: page.chrome("admins"),
        rows: rows(&state).await?,
        name,
        email,
        errors,
        notice: None,
    };
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &view))
}
