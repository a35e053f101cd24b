//! Operators invite operators: `POST /api/admin/invitations {email, name}`
//! creates the account, which cannot log in until its owner follows the
//! mailed link and chooses a password (`POST /api/portal/invitation/accept`,
//! or the page `/accept-invitation?token=`). `GET /api/admin/admins` lists
//! the operators and whose invitation is still open.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::{DateTime, Duration, Utc};
use flowhq_domain::entities::User;
use flowhq_domain::values::{Email, Name};
use flowhq_domain::{Language, Role, TenantId};
use flowhq_store::Page;
use flowhq_store::tokens::TokenPurpose;
use flowhq_store::users::NewUser;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::openapi::responses::{AdminAuthErrors, BodyErrors, Conflict};
use crate::auth::{Admin, Secret, password, password_policy, session};
use crate::error::{AppError, AppResult, FieldContext};
use crate::extract::Json;
use crate::mail::compose::{self, Composed};
use crate::mail::new_mail;
use crate::state::AppState;

/// How long an invitation link works.
pub const TOKEN_LIFETIME: Duration = Duration::days(7);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(invite))
        .routes(routes!(admins))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteBody {
    pub email: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Invited {
    pub user: User,
    /// When the link stops working.
    pub expires_at: DateTime<Utc>,
}

/// Creates the invited operator and queues their link, in one transaction;
/// `inviter` signs the mail.
pub async fn invite_admin(state: &AppState, body: InviteBody, inviter: &str) -> AppResult<Invited> {
    // Operators read the console in English.
    invite_user(state, body, Role::Admin, None, |user, link| {
        compose::invitation(Language::En, user.name.as_str(), inviter, link)
    })
    .await
}

/// Creates an account that cannot log in until its holder follows the
/// mailed link and chooses a password, and queues the mail `letter` writes
/// with that link, in one transaction. Operators invite operators; owners
/// invite their staff (`api::portal::staff`).
pub async fn invite_user(
    state: &AppState,
    body: InviteBody,
    role: Role,
    tenant_id: Option<TenantId>,
    letter: impl FnOnce(&User, &str) -> Composed,
) -> AppResult<Invited> {
    let name = Name::parse(&body.name).field("name")?;
    let email = Email::parse(&body.email).field("email")?;
    if state.store.user_by_email(&email).await?.is_some() {
        return Err(AppError::conflict(format!("{email} is already registered")));
    }
    // Nobody knows this password: the account opens only through the link.
    let unusable = password::hash(Secret::new(session::random_token())).await?;
    let token = session::random_token();
    let expires_at = Utc::now() + TOKEN_LIFETIME;
    let mut tx = state.store.begin().await?;
    let user = state
        .store
        .create_user_in(
            &mut tx,
            &NewUser {
                tenant_id,
                name,
                email,
                phone: None,
                role,
                password_hash: unusable,
            },
        )
        .await?;
    state
        .store
        .create_user_token_in(
            &mut tx,
            &session::hash_token(&token),
            user.id,
            TokenPurpose::Invitation,
            expires_at,
        )
        .await?;
    let link = state
        .mail
        .link(&format!("/accept-invitation?token={token}"));
    let mail = new_mail(
        user.email.as_str(),
        "invitation",
        letter(&user, &link),
        None,
    );
    state.store.enqueue_mail_in(&mut tx, &mail).await?;
    tx.commit().await.map_err(flowhq_store::StoreError::from)?;
    state.mail.wake();
    tracing::info!(user_id = %user.id, role = %role, "account invited");
    Ok(Invited { user, expires_at })
}

/// Opens the invited account with its first password, using the token up
/// and marking the address verified (the link proved it).
pub async fn accept_invitation(
    state: &AppState,
    token: &str,
    new_password: String,
) -> AppResult<User> {
    let token_hash = session::hash_token(token.trim());
    let bad_link = || {
        AppError::invalid(
            "token",
            "this invitation is invalid, used or expired; ask for a new one",
        )
    };
    let user = state
        .store
        .user_for_token(&token_hash, TokenPurpose::Invitation)
        .await?
        .ok_or_else(bad_link)?;
    password_policy::check(&new_password, user.email.as_str())?;
    let password_hash = password::hash(Secret::new(new_password)).await?;
    let mut tx = state.store.begin().await?;
    state
        .store
        .use_token_in(&mut tx, &token_hash, TokenPurpose::Invitation)
        .await?
        .ok_or_else(bad_link)?;
    state
        .store
        .reset_password_in(&mut tx, user.id, &password_hash)
        .await?;
    state.store.verify_email_in(&mut tx, user.id).await?;
    tx.commit().await.map_err(flowhq_store::StoreError::from)?;
    tracing::info!(user_id = %user.id, "invitation accepted");
    Ok(user)
}

#[utoipa::path(
    post,
    path = "/invitations",
    operation_id = "invite_admin",
    request_body = InviteBody,
    responses(
        (status = 201, description = "The operator's account, closed until they follow the mailed link", body = Invited),
        BodyErrors,
        AdminAuthErrors,
        Conflict,
    )
)]
#[tracing::instrument(skip_all)]
async fn invite(
    State(state): State<AppState>,
    admin: Admin,
    Json(body): Json<InviteBody>,
) -> AppResult<impl IntoResponse> {
    let invited = invite_admin(&state, body, &admin.actor.0).await?;
    Ok((StatusCode::CREATED, axum::Json(invited)))
}

/// An operator and whether their invitation is still open.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminAccount {
    pub user: User,
    /// Set while the invitation waits to be accepted: when it runs out.
    pub invited_until: Option<DateTime<Utc>>,
}

#[utoipa::path(
    get,
    path = "/admins",
    operation_id = "list_admins",
    responses(
        (status = 200, description = "Every operator, oldest first, in one page", body = Page<AdminAccount>),
        AdminAuthErrors,
    )
)]
#[tracing::instrument(skip_all)]
async fn admins(State(state): State<AppState>, _admin: Admin) -> AppResult<impl IntoResponse> {
    let items = state
        .store
        .list_admins()
        .await?
        .into_iter()
        .map(|(user, invited_until)| AdminAccount {
            user,
            invited_until,
        })
        .collect();
    Ok(axum::Json(Page {
        items,
        next_cursor: None,
    }))
}
