//! `/api/portal/password-reset` and `/password-reset/confirm`: a forgotten
//! password, reset through a single-use link sent by mail.
//!
//! Asking says nothing about whether the address has an account: the
//! answer is always 202, given before the account is even looked up (the
//! lookup and the mail happen in a task of their own), so its timing tells
//! nothing either. Requests are limited per email and per client address.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{Duration, Utc};
use flowhq_domain::values::Email;
use flowhq_store::tokens::TokenPurpose;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::openapi::responses::{BodyErrors, Throttled};
use crate::auth::{Secret, password, password_policy, session};
use crate::error::{AppError, AppResult};
use crate::extract::{ClientAddress, Json};
use crate::mail::{compose, language_for, new_mail};
use crate::state::AppState;

/// How long a reset link works.
pub const TOKEN_LIFETIME: Duration = Duration::minutes(30);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(request))
        .routes(routes!(confirm))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequestBody {
    pub email: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResetRequested {
    pub message: String,
}

pub const REQUESTED_MESSAGE: &str =
    "If an account uses that address, a link to choose a new password is on its way.";

/// Takes a reset request: throttled per email and address, then answered
/// at once; the mail (if there is an account) is queued in the background.
pub fn request_reset(state: &AppState, email: &str, address: &str) -> AppResult<()> {
    let account = email.trim().to_lowercase();
    let limiter = &state.mail.reset_limiter;
    match limiter.reserve(&account, address) {
        // Every request counts, found or not: the limit is on mails asked
        // for, so the reservation is never settled as a success.
        Ok(attempt) => drop(attempt),
        Err(retry_after_s) => {
            tracing::warn!(address, "password reset requests throttled");
            return Err(AppError::TooManyRequests { retry_after_s });
        }
    }
    let state = state.clone();
    tokio::spawn(async move {
        if let Err(e) = send_reset_link(&state, &account).await {
            tracing::error!(error = %e, "queueing a password reset mail");
        }
    });
    Ok(())
}

async fn send_reset_link(state: &AppState, email: &str) -> AppResult<()> {
    let Ok(email) = Email::parse(email) else {
        return Ok(());
    };
    let Some(user) = state.store.user_by_email(&email).await? else {
        tracing::info!("password reset asked for an unknown address");
        return Ok(());
    };
    let token = session::random_token();
    let link = state.mail.link(&format!("/reset-password?token={token}"));
    let language = language_for(&state.store, &user).await;
    let mail = new_mail(
        user.email.as_str(),
        "password_reset",
        compose::password_reset(language, user.name.as_str(), &link),
        None,
    );
    let mut tx = state.store.begin().await?;
    state
        .store
        .create_user_token_in(
            &mut tx,
            &session::hash_token(&token),
            user.id,
            TokenPurpose::PasswordReset,
            Utc::now() + TOKEN_LIFETIME,
        )
        .await?;
    state.store.enqueue_mail_in(&mut tx, &mail).await?;
    tx.commit().await.map_err(flowhq_store::StoreError::from)?;
    state.mail.wake();
    tracing::info!(user_id = %user.id, "password reset link queued");
    Ok(())
}

#[utoipa::path(
    post,
    path = "/password-reset",
    operation_id = "request_password_reset",
    request_body = ResetRequestBody,
    responses(
        (status = 202, description = "The same answer for any address: if it has an account, a reset link is mailed", body = ResetRequested),
        BodyErrors,
        Throttled,
    )
)]
#[tracing::instrument(skip_all)]
async fn request(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Json(body): Json<ResetRequestBody>,
) -> AppResult<Response> {
    request_reset(&state, &body.email, &address)?;
    Ok((
        StatusCode::ACCEPTED,
        axum::Json(ResetRequested {
            message: REQUESTED_MESSAGE.to_owned(),
        }),
    )
        .into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetConfirmBody {
    /// The `token` of the mailed link.
    pub token: String,
    /// The new password, under the same rules as at sign-up.
    #[schema(format = Password)]
    pub password: String,
}

fn bad_link() -> AppError {
    AppError::invalid(
        "token",
        "this link is invalid, used or expired; ask for a new one",
    )
}

/// Sets the new password if the token is live, using it up and ending every
/// session of the account.
pub async fn confirm_reset(state: &AppState, token: &str, new_password: String) -> AppResult<()> {
    let token_hash = session::hash_token(token.trim());
    let user = state
        .store
        .user_for_token(&token_hash, TokenPurpose::PasswordReset)
        .await?
        .ok_or_else(bad_link)?;
    password_policy::check(&new_password, user.email.as_str())?;
    let password_hash = password::hash(Secret::new(new_password)).await?;
    let mut tx = state.store.begin().await?;
    // Used up here, conditionally: of two concurrent uses, one wins.
    let Some(user_id) = state
        .store
        .use_token_in(&mut tx, &token_hash, TokenPurpose::PasswordReset)
        .await?
    else {
        return Err(bad_link());
    };
    state
        .store
        .reset_password_in(&mut tx, user_id, &password_hash)
        .await?;
    tx.commit().await.map_err(flowhq_store::StoreError::from)?;
    tracing::info!(user_id = %user_id, "password reset; every session ended");
    Ok(())
}

#[utoipa::path(
    post,
    path = "/password-reset/confirm",
    operation_id = "confirm_password_reset",
    request_body = ResetConfirmBody,
    responses(
        (status = 204, description = "The password is changed; every session of the account has ended"),
        BodyErrors,
    )
)]
#[tracing::instrument(skip_all)]
async fn confirm(
    State(state): State<AppState>,
    Json(body): Json<ResetConfirmBody>,
) -> AppResult<StatusCode> {
    confirm_reset(&state, &body.token, body.password).await?;
    Ok(StatusCode::NO_CONTENT)
}
