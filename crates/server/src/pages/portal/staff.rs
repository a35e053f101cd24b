//! `/app/staff`: the owner's people. A list (the owner, then staff, with
//! open invitations), a form to invite someone by email and a button to
//! remove a staff member (`api::portal::staff`).

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use flowhq_domain::Role;
use flowhq_domain::values::{Email, Name};
use serde::Deserialize;

use crate::api::admin::invitations::InviteBody;
use crate::api::portal::staff::{invite_staff, members, remove_staff};
use crate::error::AppError;
use crate::extract::Query;
use crate::i18n::refusal;
use crate::pages::admin::admins::account_state;
use crate::pages::csrf::CsrfForm;
use crate::pages::guard::OwnerPage;
use crate::pages::{Chrome, PageError, PageResult, render, view};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff", get(list).post(invite))
        .route("/staff/{id}/remove", post(remove))
}

pub struct Row {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: String,
    /// "Invited, until …", or "Active".
    pub state: String,
    pub tone: &'static str,
    /// Staff can be removed; the owner cannot.
    pub removable: bool,
}

/// The invitation form's refusals, each next to its field.
#[derive(Default)]
pub struct Errors {
    pub name: Option<String>,
    pub email: Option<String>,
}

#[derive(Template)]
#[template(path = "portal/staff.html")]
struct StaffPage {
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
    removed: Option<String>,
}

async fn rows(state: &AppState, page: &OwnerPage) -> Result<Vec<Row>, AppError> {
    let tr = crate::i18n::current();
    Ok(members(state, page.owner.tenant_id)
        .await?
        .items
        .into_iter()
        .map(|account| {
            let (user, invited_until) = (account.user, account.invited_until);
            let (state, tone) = account_state(tr, invited_until);
            Row {
                id: user.id.to_string(),
                name: user.name.to_string(),
                email: user.email.to_string(),
                role: tr.t(match user.role {
                    Role::Staff => "app-staff-role-staff",
                    _ => "app-staff-role-owner",
                }),
                state,
                tone,
                removable: user.role == Role::Staff,
            }
        })
        .collect())
}

#[tracing::instrument(skip_all, fields(tenant_id = %page.owner.tenant_id))]
async fn list(
    State(state): State<AppState>,
    page: OwnerPage,
    Query(shown): Query<Shown>,
) -> PageResult {
    let tr = crate::i18n::current();
    let notice = match (shown.invited, shown.removed) {
        (Some(email), _) => Some(tr.t1("app-staff-invited", "email", email)),
        (None, Some(_)) => Some(tr.t("app-staff-removed")),
        (None, None) => None,
    };
    let view = StaffPage {
        chrome: page.chrome("staff"),
        rows: rows(&state, &page).await?,
        name: String::new(),
        email: String::new(),
        errors: Errors::default(),
        notice,
    };
    Ok(render(StatusCode::OK, &view))
}

#[tracing::instrument(skip_all, fields(tenant_id = %page.owner.tenant_id))]
async fn invite(
    State(state): State<AppState>,
    page: OwnerPage,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> PageResult {
    let field = |name: &str| {
        form.get(name)
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    let (name, email) = (field("name"), field("email"));
    let tr = crate::i18n::current();
    // Both fields are checked before anything is asked of the store, so
    // that every refusal shows at once.
    let mut errors = Errors {
        name: Name::parse(&name)
            .err()
            .map(|e| refusal(tr, "name", &e.to_string())),
        email: Email::parse(&email)
            .err()
            .map(|e| refusal(tr, "email", &e.to_string())),
    };
    if errors.name.is_none() && errors.email.is_none() {
        let body = InviteBody {
            name: name.clone(),
            email: email.clone(),
        };
        match invite_staff(&state, &page.owner, body).await {
            Ok(invited) => {
                let to = format!(
                    "/app/staff?invited={}",
                    view::urlencode(invited.user.email.as_str())
                );
                return Ok(Redirect::to(&to).into_response());
            }
            Err(AppError::Invalid { field, message }) => {
                let text = refusal(tr, &field, &message);
                match field.as_str() {
                    "name" => errors.name = Some(text),
                    _ => errors.email = Some(text),
                }
            }
            Err(err @ AppError::Conflict { .. }) => {
                errors.email = Some(refusal(tr, "email", &err.to_string()));
            }
            Err(other) => return Err(other.into()),
        }
    }
    let view = StaffPage {
        chrome: page.chrome("staff"),
        rows: rows(&state, &page).await?,
        name,
        email,
        errors,
        notice: None,
    };
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &view))
}

#[tracing::instrument(skip_all, fields(tenant_id = %page.owner.tenant_id))]
async fn remove(
    State(state): State<AppState>,
    page: OwnerPage,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    match remove_staff(&state, &page.owner, &id).await {
        Ok(()) => Ok(Redirect::to("/app/staff?removed=1").into_response()),
        Err(AppError::NotFound(_)) => Err(PageError::not_found("staff member")),
        Err(e) => Err(e.into()),
    }
}
