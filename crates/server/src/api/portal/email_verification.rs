//! Email verification: sign-up mails a link that proves the address is the
//! owner's (`POST /api/portal/verify-email {token}`, or the page
//! `/verify-email?token=`); the owner may ask for a new link
//! (`POST /api/portal/verify-email/resend`). Operators see whether an
//! owner's address is verified beside the setup request.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::{Duration, Utc};
use flowhq_domain::Language;
use flowhq_domain::entities::User;
use flowhq_store::Tx;
use flowhq_store::tokens::TokenPurpose;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::openapi::responses::{BodyErrors, OwnerAuthErrors, Throttled};
use crate::auth::{Owner, session};
use crate::error::{AppError, AppResult};
use crate::extract::{ClientAddress, Json};
use crate::mail::{compose, language_for, new_mail};
use crate::state::AppState;

/// How long a verification link works.
pub const TOKEN_LIFETIME: Duration = Duration::days(7);

/// The routes anyone with a link may call.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(verify))
}

/// The owner's own.
pub fn owner_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(resend))
}

/// Queues the verification mail for `user`, in `language`, inside `tx`
/// (the sign-up's, so that an account never exists without its link on
/// the way). Nothing here reads outside `tx`: a pool connection wanted
/// while the transaction holds one could wait on itself under load.
pub async fn queue_link_in(
    state: &AppState,
    tx: &mut Tx,
    user: &User,
    language: Language,
) -> AppResult<()> {
    let token = session::random_token();
    let link = state.mail.link(&format!("/verify-email?token={token}"));
    let mail = new_mail(
        user.email.as_str(),
        "verify_email",
        compose::verify_email(language, user.name.as_str(), &link),
        None,
    );
    state
        .store
        .create_user_token_in(
            tx,
            &session::hash_token(&token),
            user.id,
            TokenPurpose::VerifyEmail,
            Utc::now() + TOKEN_LIFETIME,
        )
        .await?;
    state.store.enqueue_mail_in(tx, &mail).await?;
    Ok(())
}

/// Marks the address of the token's user verified, using the token up.
pub async fn verify_token(state: &AppState, token: &str) -> AppResult<User> {
    let token_hash = session::hash_token(token.trim());
    let bad_link = || {
        AppError::invalid(
            "token",
            "this link is invalid, used or expired; ask for a new one from your portal",
        )
    };
    let user = state
        .store
        .user_for_token(&token_hash, TokenPurpose::VerifyEmail)
        .await?
        .ok_or_else(bad_link)?;
    let mut tx = state.store.begin().await?;
    state
        .store
        .use_token_in(&mut tx, &token_hash, TokenPurpose::VerifyEmail)
        .await?
        .ok_or_else(bad_link)?;
    state.store.verify_email_in(&mut tx, user.id).await?;
    tx.commit().await.map_err(flowhq_store::StoreError::from)?;
    tracing::info!(user_id = %user.id, "email verified");
    Ok(user)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyBody {
    /// The `token` of the mailed link.
    pub token: String,
}

#[utoipa::path(
    post,
    path = "/verify-email",
    operation_id = "verify_email",
    request_body = VerifyBody,
    responses(
        (status = 204, description = "The address is verified"),
        BodyErrors,
    )
)]
#[tracing::instrument(skip_all)]
async fn verify(
    State(state): State<AppState>,
    Json(body): Json<VerifyBody>,
) -> AppResult<StatusCode> {
    verify_token(&state, &body.token).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Mails a new link to the logged-in owner, unless their address is
/// verified already; limited like password resets.
pub async fn resend_link(state: &AppState, owner: &Owner, address: &str) -> AppResult<()> {
    if owner.user.email_verified_at.is_some() {
        return Err(AppError::conflict("this address is verified already"));
    }
    state
        .mail
        .reset_limiter
        .reserve(owner.user.email.as_str(), address)
        .map(drop)
        .map_err(|retry_after_s| AppError::TooManyRequests { retry_after_s })?;
    let language = language_for(&state.store, &owner.user).await;
    let mut tx = state.store.begin().await?;
    queue_link_in(state, &mut tx, &owner.user, language).await?;
    tx.commit().await.map_err(flowhq_store::StoreError::from)?;
    state.mail.wake();
    Ok(())
}

#[utoipa::path(
    post,
    path = "/verify-email/resend",
    operation_id = "resend_verification_email",
    responses(
        (status = 202, description = "A new link is on its way (the old one no longer works)"),
        (status = 409, description = "The address is verified already", body = crate::error::ErrorBody),
        OwnerAuthErrors,
        Throttled,
    )
)]
#[tracing::instrument(skip_all, fields(user_id = %owner.user.id))]
async fn resend(
    State(state): State<AppState>,
    owner: Owner,
    ClientAddress(address): ClientAddress,
) -> AppResult<impl IntoResponse> {
    resend_link(&state, &owner, &address).await?;
    Ok(StatusCode::ACCEPTED)
}
