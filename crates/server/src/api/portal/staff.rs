//! `/api/portal/tenant/current/staff`: the owner invites the people who
//! answer the business's customers with them. A staff member uses the
//! inbox, its contacts and files and reads quick replies
//! ([`crate::auth::Member`]); everything else, settings and keys first, is
//! the owner's ([`crate::auth::Owner`] answers them 403).
//!
//! An invitation is the operators' own (`api::admin::invitations`): the
//! account exists from the start, closed until its holder follows the
//! mailed link and chooses a password.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use flowhq_domain::{Role, TenantId, UserId};
use flowhq_store::Page;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::admin::invitations::{AdminAccount, InviteBody, Invited, invite_user};
use crate::api::openapi::responses::{BodyErrors, Conflict, NotFound, OwnerAuthErrors};
use crate::auth::Owner;
use crate::error::{AppError, AppResult};
use crate::extract::Json;
use crate::mail::compose;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(invite, list))
        .routes(routes!(remove))
}

/// The business's people: its owner, then staff, with when an open
/// invitation runs out. The admin console lists the same.
pub async fn members(state: &AppState, tenant: TenantId) -> AppResult<Page<AdminAccount>> {
    let items = state
        .store
        .tenant_members(tenant)
        .await?
        .into_iter()
        .map(|(user, invited_until)| AdminAccount {
            user,
            invited_until,
        })
        .collect();
    Ok(Page {
        items,
        next_cursor: None,
    })
}

/// Invites a staff member: their account, closed until they follow the
/// link mailed to them in the business's language.
#[utoipa::path(
    post,
    path = "/tenant/current/staff",
    operation_id = "invite_staff",
    request_body = InviteBody,
    responses(
        (status = 201, description = "The staff member's account, closed until they follow the mailed link", body = Invited),
        BodyErrors,
        OwnerAuthErrors,
        Conflict,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %owner.tenant_id))]
async fn invite(
    State(state): State<AppState>,
    owner: Owner,
    Json(body): Json<InviteBody>,
) -> AppResult<impl IntoResponse> {
    let invited = invite_staff(&state, &owner, body).await?;
    Ok((StatusCode::CREATED, axum::Json(invited)))
}

/// The invitation, shared with the `/app/staff` page.
pub async fn invite_staff(state: &AppState, owner: &Owner, body: InviteBody) -> AppResult<Invited> {
    let business = state.store.tenant(owner.tenant_id).await?.name;
    let language = state.store.tenant_language(owner.tenant_id).await?;
    let inviter = owner.user.name.to_string();
    invite_user(
        state,
        body,
        Role::Staff,
        Some(owner.tenant_id),
        |user, link| {
            compose::staff_invitation(
                language,
                user.name.as_str(),
                &inviter,
                business.as_str(),
                link,
            )
        },
    )
    .await
}

#[utoipa::path(
    get,
    path = "/tenant/current/staff",
    operation_id = "list_staff",
    responses(
        (status = 200, description = "The owner, then staff, oldest first, in one page", body = Page<AdminAccount>),
        OwnerAuthErrors,
    )
)]
#[tracing::instrument(level = "debug", skip_all, fields(tenant_id = %owner.tenant_id))]
async fn list(State(state): State<AppState>, owner: Owner) -> AppResult<impl IntoResponse> {
    Ok(axum::Json(members(&state, owner.tenant_id).await?))
}

/// Removes a staff member at once: their sessions end with the account;
/// the replies they sent keep their name as "a former user".
#[utoipa::path(
    delete,
    path = "/tenant/current/staff/{id}",
    operation_id = "remove_staff",
    params(("id" = UserId, Path, description = "The staff member's user id")),
    responses(
        (status = 204, description = "Removed"),
        OwnerAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %owner.tenant_id))]
async fn remove(
    State(state): State<AppState>,
    owner: Owner,
    Path(id): Path<String>,
) -> AppResult<impl IntoResponse> {
    remove_staff(&state, &owner, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The removal, shared with the `/app/staff` page. An id that is not one
/// of this business's staff (the owner, another business's person, not an
/// id at all) is 404.
pub async fn remove_staff(state: &AppState, owner: &Owner, id: &str) -> AppResult<()> {
    let id: UserId = id.parse().map_err(|_| AppError::NotFound("staff member"))?;
    if !state.store.remove_staff(owner.tenant_id, id).await? {
        return Err(AppError::NotFound("staff member"));
    }
    tracing::info!(user_id = %id, actor = %owner.actor(), "staff member removed");
    Ok(())
}
