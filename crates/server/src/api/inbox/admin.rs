//! `/api/admin/tenants/{id}/conversations…`, `…/contacts/{contact_id}` and
//! `…/staff`:
//! the operator's twins of the owner's inbox (for support: reading a
//! business's conversations and answering on its behalf).

use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::response::{IntoResponse, Response};
use flowhq_domain::TenantId;
use flowhq_domain::inbox::{Contact, Conversation};
use flowhq_store::Page;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{
    AnswerBody, ContactPatchBody, ConversationChanged, ConversationMessages, ConversationParams,
    MAX_ANSWER_BODY_BYTES,
};
use crate::api::list::MessageParams;
use crate::api::openapi::responses::{AdminAuthErrors, BodyErrors, InvalidQuery, NotFound};
use crate::api::v1::messages::Accepted;
use crate::auth::Admin;
use crate::error::{AppError, AppResult};
use crate::extract::{Json, Query, TenantPath};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(messages))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(answer))
                .layer(DefaultBodyLimit::max(MAX_ANSWER_BODY_BYTES)),
        )
        .routes(routes!(resolve))
        .routes(routes!(patch_contact))
        .routes(routes!(export_contacts))
        .routes(routes!(staff))
}

/// Who answers for the business: its owner and staff, with open
/// invitations (the owner's `GET …/tenant/current/staff`).
#[utoipa::path(
    get,
    path = "/tenants/{id}/staff",
    operation_id = "list_tenant_staff",
    params(("id" = TenantId, Path, description = "The tenant's id")),
    responses(
        (status = 200, description = "The owner, then staff, oldest first, in one page", body = Page<crate::api::admin::invitations::AdminAccount>),
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(level = "debug", skip_all, fields(tenant_id = %id))]
async fn staff(
    State(state): State<AppState>,
    _admin: Admin,
    TenantPath(id): TenantPath,
) -> AppResult<impl IntoResponse> {
    state.store.tenant(id).await?;
    Ok(axum::Json(
        crate::api::portal::staff::members(&state, id).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/tenants/{id}/contacts/export",
    operation_id = "export_contacts",
    params(("id" = TenantId, Path, description = "The tenant's id")),
    responses(
        (status = 200, description = "The tenant's contacts as CSV", content_type = "text/csv", body = String),
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %id))]
async fn export_contacts(
    State(state): State<AppState>,
    _admin: Admin,
    TenantPath(id): TenantPath,
) -> AppResult<Response> {
    state.store.tenant(id).await?;
    crate::api::export::contacts_csv(&state, id).await
}

/// The tenant of the path, or a 404.
async fn known(state: &AppState, raw: &str) -> AppResult<TenantId> {
    let id: TenantId = raw.parse().map_err(|_| AppError::NotFound("tenant"))?;
    state.store.tenant(id).await?;
    Ok(id)
}

#[utoipa::path(
    get,
    path = "/tenants/{id}/conversations",
    operation_id = "list_conversations",
    params(("id" = TenantId, Path, description = "The tenant's id"), ConversationParams),
    responses(
        (status = 200, description = "The tenant's conversations, newest activity first", body = Page<Conversation>),
        InvalidQuery,
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(level = "debug", skip_all, fields(tenant_id = %id))]
async fn list(
    State(state): State<AppState>,
    _admin: Admin,
    TenantPath(id): TenantPath,
    Query(params): Query<ConversationParams>,
) -> AppResult<impl IntoResponse> {
    state.store.tenant(id).await?;
    Ok(axum::Json(super::list(&state, id, &params).await?))
}

#[utoipa::path(
    get,
    path = "/tenants/{id}/conversations/{contact_id}/messages",
    operation_id = "list_conversation_messages",
    params(
        ("id" = TenantId, Path, description = "The tenant's id"),
        ("contact_id" = String, Path, description = "The contact's id"),
        MessageParams,
    ),
    responses(
        (status = 200, description = "The conversation's messages, newest first", body = ConversationMessages),
        InvalidQuery,
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(level = "debug", skip_all)]
async fn messages(
    State(state): State<AppState>,
    _admin: Admin,
    Path((tenant, contact)): Path<(String, String)>,
    Query(params): Query<MessageParams>,
) -> AppResult<impl IntoResponse> {
    let tenant = known(&state, &tenant).await?;
    Ok(axum::Json(
        super::messages(&state, tenant, &contact, &params).await?,
    ))
}

/// As the owner's: JSON `{text}` or `multipart/form-data` with `file`
/// and `text`; `sent_by` is the operator's account.
#[utoipa::path(
    post,
    path = "/tenants/{id}/conversations/{contact_id}/messages",
    operation_id = "answer_conversation",
    params(
        ("id" = TenantId, Path, description = "The tenant's id"),
        ("contact_id" = String, Path, description = "The contact's id"),
    ),
    request_body(content(
        (AnswerBody = "application/json"),
        (String = "multipart/form-data"),
    )),
    responses(
        (status = 202, description = "Accepted: queued for the worker", body = Accepted),
        BodyErrors,
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all)]
async fn answer(
    State(state): State<AppState>,
    admin: Admin,
    Path((tenant, contact)): Path<(String, String)>,
    request: Request,
) -> AppResult<Response> {
    let tenant = known(&state, &tenant).await?;
    super::conversation_of(&state, tenant, &contact).await?;
    let parts = super::read_answer(&state, request).await?;
    super::answer(&state, tenant, &contact, admin.user_id, parts).await
}

#[utoipa::path(
    post,
    path = "/tenants/{id}/conversations/{contact_id}/resolve",
    operation_id = "resolve_conversation",
    params(
        ("id" = TenantId, Path, description = "The tenant's id"),
        ("contact_id" = String, Path, description = "The contact's id"),
    ),
    responses(
        (status = 200, description = "Resolved: the bot answers them again", body = ConversationChanged),
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all)]
async fn resolve(
    State(state): State<AppState>,
    _admin: Admin,
    Path((tenant, contact)): Path<(String, String)>,
) -> AppResult<impl IntoResponse> {
    let tenant = known(&state, &tenant).await?;
    Ok(axum::Json(super::resolve(&state, tenant, &contact).await?))
}

#[utoipa::path(
    patch,
    path = "/tenants/{id}/contacts/{contact_id}",
    operation_id = "update_contact",
    params(
        ("id" = TenantId, Path, description = "The tenant's id"),
        ("contact_id" = String, Path, description = "The contact's id"),
    ),
    request_body = ContactPatchBody,
    responses(
        (status = 200, description = "The contact", body = Contact),
        BodyErrors,
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all)]
async fn patch_contact(
    State(state): State<AppState>,
    _admin: Admin,
    Path((tenant, contact)): Path<(String, String)>,
    Json(body): Json<ContactPatchBody>,
) -> AppResult<impl IntoResponse> {
    let tenant = known(&state, &tenant).await?;
    Ok(axum::Json(
        super::patch_contact(&state, tenant, &contact, body).await?,
    ))
}
