//! The admin extractor: a request to the admin API must carry the operator's
//! bearer token or come from a logged-in admin. An owner's session is
//! recognised and refused (403); no credentials at all is a 401.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use flowhq_domain::Role;

use crate::auth::session;
use crate::error::AppError;
use crate::state::AppState;

/// Who did something, as written in the audit trail.
#[derive(Clone, Debug)]
pub struct Actor(pub String);

impl Actor {
    pub fn system() -> Self {
        Actor("system".into())
    }
}

/// Proof that the request is an admin's.
#[derive(Clone, Debug)]
pub struct Admin {
    pub actor: Actor,
    /// The admin's account; `None` for the admin token.
    pub user_id: Option<flowhq_domain::UserId>,
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(header) = parts.headers.get(AUTHORIZATION) {
            let token = header
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .ok_or(AppError::Unauthorized)?;
            return match &state.settings.admin_token {
                Some(expected) if expected.matches(token.trim()) => Ok(Admin {
                    actor: Actor("admin-token".into()),
                    user_id: None,
                }),
                _ => Err(AppError::Unauthorized),
            };
        }
        match session::current(state, &parts.headers).await? {
            Some(session) if session.user.role == Role::Admin => Ok(Admin {
                actor: Actor(format!("admin:{}", session.user.email)),
                user_id: Some(session.user.id),
            }),
            Some(_) => Err(AppError::Forbidden("this needs an admin account")),
            None => Err(AppError::Unauthorized),
        }
    }
}
