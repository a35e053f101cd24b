//! `/api/portal/tenant/current/conversations…`, `…/contacts/{id}` and
//! `…/events`: the business's inbox, for its owner and staff alike
//! ([`Member`]).

use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::response::{IntoResponse, Response};
use flowhq_domain::inbox::{Contact, Conversation};
use flowhq_store::Page;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{
    AnswerBody, AssistantBody, ContactPatchBody, ConversationChanged, ConversationMessages,
    ConversationParams, MAX_ANSWER_BODY_BYTES,
};
use crate::api::list::MessageParams;
use crate::api::openapi::responses::{BodyErrors, InvalidQuery, NotFound, OwnerAuthErrors};
use crate::api::v1::messages::Accepted;
use crate::auth::Member;
use crate::error::AppResult;
use crate::extract::{Json, Query};
use crate::inbox_events::InboxEvent;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(conversation))
        .routes(routes!(messages))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(answer))
                .layer(DefaultBodyLimit::max(MAX_ANSWER_BODY_BYTES)),
        )
        .routes(routes!(resolve))
        .routes(routes!(assistant))
        .routes(routes!(patch_contact))
        .routes(routes!(export_contacts))
        .routes(routes!(events))
        .merge(super::quick_replies::router())
        .merge(super::retention::router())
}

#[utoipa::path(
    get,
    path = "/tenant/current/contacts/export",
    operation_id = "export_own_contacts",
    responses(
        (status = 200, description = "Every contact as CSV (name, number, WhatsApp name, labels, notes, first and last message in the business's time zone, assistant on/off)", content_type = "text/csv", body = String),
        OwnerAuthErrors,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %member.tenant_id))]
async fn export_contacts(State(state): State<AppState>, member: Member) -> AppResult<Response> {
    crate::api::export::contacts_csv(&state, member.tenant_id).await
}

#[utoipa::path(
    get,
    path = "/tenant/current/conversations",
    operation_id = "list_own_conversations",
    params(ConversationParams),
    responses(
        (status = 200, description = "The business's conversations, newest activity first", body = Page<Conversation>),
        InvalidQuery,
        OwnerAuthErrors,
    )
)]
#[tracing::instrument(level = "debug", skip_all, fields(tenant_id = %member.tenant_id))]
async fn list(
    State(state): State<AppState>,
    member: Member,
    Query(params): Query<ConversationParams>,
) -> AppResult<impl IntoResponse> {
    Ok(axum::Json(
        super::list(&state, member.tenant_id, &params).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/tenant/current/conversations/{contact_id}",
    operation_id = "get_own_conversation",
    params(("contact_id" = String, Path, description = "The contact's id")),
    responses(
        (status = 200, description = "The conversation", body = Conversation),
        OwnerAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(level = "debug", skip_all, fields(tenant_id = %member.tenant_id))]
async fn conversation(
    State(state): State<AppState>,
    member: Member,
    Path(contact): Path<String>,
) -> AppResult<impl IntoResponse> {
    Ok(axum::Json(
        super::conversation_of(&state, member.tenant_id, &contact).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/tenant/current/conversations/{contact_id}/messages",
    operation_id = "list_own_conversation_messages",
    params(("contact_id" = String, Path, description = "The contact's id"), MessageParams),
    responses(
        (status = 200, description = "The conversation's messages, newest first; reading the first page marks it read", body = ConversationMessages),
        InvalidQuery,
        OwnerAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(level = "debug", skip_all, fields(tenant_id = %member.tenant_id))]
async fn messages(
    State(state): State<AppState>,
    member: Member,
    Path(contact): Path<String>,
    Query(params): Query<MessageParams>,
) -> AppResult<impl IntoResponse> {
    Ok(axum::Json(
        super::messages(&state, member.tenant_id, &contact, &params).await?,
    ))
}

/// A text as JSON, or a file (an image or a PDF, at most 16 MiB, its type
/// checked by its content) with an optional caption as
/// `multipart/form-data` (parts `file`, `text`). Queued for the worker and
/// handed over at once when it is connected; logged OUTBOUND with
/// `sent_by` once sent. The bot then keeps out of the chat until it is
/// resolved or 12 hours pass.
#[utoipa::path(
    post,
    path = "/tenant/current/conversations/{contact_id}/messages",
    operation_id = "answer_own_conversation",
    params(("contact_id" = String, Path, description = "The contact's id")),
    request_body(content(
        (AnswerBody = "application/json"),
        (String = "multipart/form-data"),
    )),
    responses(
        (status = 202, description = "Accepted: queued for the worker", body = Accepted),
        BodyErrors,
        OwnerAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %member.tenant_id))]
async fn answer(
    State(state): State<AppState>,
    member: Member,
    Path(contact): Path<String>,
    request: Request,
) -> AppResult<Response> {
    // The conversation is checked before the body is read.
    super::conversation_of(&state, member.tenant_id, &contact).await?;
    let parts = super::read_answer(&state, request).await?;
    super::answer(
        &state,
        member.tenant_id,
        &contact,
        Some(member.user.id),
        parts,
    )
    .await
}

#[utoipa::path(
    post,
    path = "/tenant/current/conversations/{contact_id}/resolve",
    operation_id = "resolve_own_conversation",
    params(("contact_id" = String, Path, description = "The contact's id")),
    responses(
        (status = 200, description = "Resolved: nobody waits for a person, and the bot answers them again", body = ConversationChanged),
        OwnerAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %member.tenant_id))]
async fn resolve(
    State(state): State<AppState>,
    member: Member,
    Path(contact): Path<String>,
) -> AppResult<impl IntoResponse> {
    Ok(axum::Json(
        super::resolve(&state, member.tenant_id, &contact).await?,
    ))
}

#[utoipa::path(
    post,
    path = "/tenant/current/conversations/{contact_id}/assistant",
    operation_id = "set_own_conversation_assistant",
    params(("contact_id" = String, Path, description = "The contact's id")),
    request_body = AssistantBody,
    responses(
        (status = 200, description = "The assistant is on or off for this contact", body = ConversationChanged),
        BodyErrors,
        OwnerAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %member.tenant_id))]
async fn assistant(
    State(state): State<AppState>,
    member: Member,
    Path(contact): Path<String>,
    Json(body): Json<AssistantBody>,
) -> AppResult<impl IntoResponse> {
    Ok(axum::Json(
        super::set_assistant(&state, member.tenant_id, &contact, body.on).await?,
    ))
}

#[utoipa::path(
    patch,
    path = "/tenant/current/contacts/{id}",
    operation_id = "update_own_contact",
    params(("id" = String, Path, description = "The contact's id")),
    request_body = ContactPatchBody,
    responses(
        (status = 200, description = "The contact", body = Contact),
        BodyErrors,
        OwnerAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %member.tenant_id))]
async fn patch_contact(
    State(state): State<AppState>,
    member: Member,
    Path(contact): Path<String>,
    Json(body): Json<ContactPatchBody>,
) -> AppResult<impl IntoResponse> {
    Ok(axum::Json(
        super::patch_contact(&state, member.tenant_id, &contact, body).await?,
    ))
}

/// Server-sent events: `message` (a message logged) and `conversation` (a
/// conversation's row as the list shows it), JSON each; `lagged` asks the
/// reader to reload.
#[utoipa::path(
    get,
    path = "/tenant/current/events",
    operation_id = "own_inbox_events",
    responses(
        (status = 200, description = "An endless text/event-stream", content_type = "text/event-stream", body = InboxEvent),
        OwnerAuthErrors,
    )
)]
#[tracing::instrument(level = "debug", skip_all, fields(tenant_id = %member.tenant_id))]
async fn events(State(state): State<AppState>, member: Member) -> impl IntoResponse {
    super::events(&state, member.tenant_id)
}
