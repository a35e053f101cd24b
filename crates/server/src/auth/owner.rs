//! The portal's extractors: an owner's or staff member's login session, or
//! — only when `FLOWHQ_PORTAL_INTERNAL_KEY` is set — an external frontend's
//! trusted headers (`x-portal-internal-key`, `x-user-email`).
//!
//! [`Owner`] guards everything by default; [`Member`] (owner or staff)
//! guards only what staff are invited for: the inbox, its contacts and
//! files, and reading quick replies.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use flowhq_domain::entities::User;
use flowhq_domain::values::Email;
use flowhq_domain::{Role, TenantId};

use crate::auth::session;
use crate::error::AppError;
use crate::state::AppState;

pub const INTERNAL_KEY_HEADER: &str = "x-portal-internal-key";
pub const USER_EMAIL_HEADER: &str = "x-user-email";

/// Proof that the request is a business owner's, with their tenant.
#[derive(Clone, Debug)]
pub struct Owner {
    pub user: User,
    pub tenant_id: TenantId,
}

impl Owner {
    pub fn actor(&self) -> String {
        format!("owner:{}", self.user.email)
    }
}

/// Someone of the business: its owner or one of their staff, with the
/// tenant. Replies record `user` as who sent them.
#[derive(Clone, Debug)]
pub struct Member {
    pub user: User,
    pub tenant_id: TenantId,
}

impl Member {
    pub fn actor(&self) -> String {
        let role = match self.user.role {
            Role::Staff => "staff",
            _ => "owner",
        };
        format!("{role}:{}", self.user.email)
    }
}

impl FromRequestParts<AppState> for Owner {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Member { user, tenant_id } = Member::from_request_parts(parts, state).await?;
        if user.role != Role::Owner {
            return Err(AppError::Forbidden(
                "settings, keys and staff are the owner's; staff use the inbox",
            ));
        }
        Ok(Owner { user, tenant_id })
    }
}

impl FromRequestParts<AppState> for Member {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let user = match &state.settings.portal_internal_key {
            Some(key) if parts.headers.contains_key(INTERNAL_KEY_HEADER) => {
                let presented = parts
                    .headers
                    .get(INTERNAL_KEY_HEADER)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                if !key.matches(presented) {
                    return Err(AppError::Unauthorized);
                }
                let email = parts
                    .headers
                    .get(USER_EMAIL_HEADER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| Email::parse(v).ok())
                    .ok_or(AppError::Unauthorized)?;
                state
                    .store
                    .user_by_email(&email)
                    .await?
                    .ok_or(AppError::Unauthorized)?
            }
            _ => {
                session::current(state, &parts.headers)
                    .await?
                    .ok_or(AppError::Unauthorized)?
                    .user
            }
        };
        if !matches!(user.role, Role::Owner | Role::Staff) {
            return Err(AppError::Forbidden("the portal is for business owners"));
        }
        let tenant_id = user.tenant_id.ok_or(AppError::NotFound("tenant"))?;
        Ok(Member { user, tenant_id })
    }
}
