//! `POST /api/portal/setup-request`: the owner asks for their bot.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use flowhq_domain::entities::SetupRequest;
use flowhq_domain::hours::OpeningHours;
use flowhq_domain::values::{Name, PhoneNumber};
use flowhq_domain::{Language, TemplateType};
use flowhq_store::setup_requests::NewSetupRequest;
use flowhq_store::tenants::ConfigPatch;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::fields::parse_hours;
use crate::api::openapi::responses::{BodyErrors, Conflict, OwnerAuthErrors};
use crate::auth::Owner;
use crate::error::{AppError, AppResult, FieldContext};
use crate::extract::Json;
use crate::state::AppState;

pub const MAX_NOTES_CHARS: usize = 1000;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(submit))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetupRequestBody {
    pub business_name: String,
    pub template_type: TemplateType,
    pub language: Language,
    /// E.164 (`+5511912345678`).
    pub whatsapp_number: String,
    // Parsed by hand (`parse_hours`) so that a refusal names the field.
    #[schema(value_type = Option<OpeningHours>)]
    pub hours: Option<serde_json::Value>,
    /// For the operator: at most 1000 characters.
    pub notes: Option<String>,
}

impl SetupRequestBody {
    /// Validates every field before anything is written.
    pub fn validate(self, owner: &Owner) -> AppResult<NewSetupRequest> {
        let business_name = Name::parse(&self.business_name).field("business_name")?;
        let whatsapp_number = PhoneNumber::parse(&self.whatsapp_number).field("whatsapp_number")?;
        let hours = self
            .hours
            .filter(|h| !h.is_null())
            .map(|h| parse_hours(&h, "hours"))
            .transpose()?;
        let notes = self
            .notes
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty());
        if notes
            .as_ref()
            .is_some_and(|n| n.chars().count() > MAX_NOTES_CHARS)
        {
            return Err(AppError::invalid(
                "notes",
                format!("notes must be at most {MAX_NOTES_CHARS} characters"),
            ));
        }
        Ok(NewSetupRequest {
            tenant_id: owner.tenant_id,
            user_id: Some(owner.user.id),
            config: ConfigPatch {
                template_type: Some(self.template_type),
                business_name: Some(business_name),
                language: Some(self.language),
                hours,
                ..ConfigPatch::default()
            },
            whatsapp_number,
            notes,
        })
    }
}

#[utoipa::path(
    post,
    path = "/setup-request",
    operation_id = "submit_setup_request",
    request_body = SetupRequestBody,
    responses(
        (status = 201, description = "The request, PENDING; the config is updated and the tenant is PENDING", body = SetupRequest),
        BodyErrors,
        OwnerAuthErrors,
        Conflict,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %owner.tenant_id))]
async fn submit(
    State(state): State<AppState>,
    owner: Owner,
    Json(body): Json<SetupRequestBody>,
) -> AppResult<impl IntoResponse> {
    let new = body.validate(&owner)?;
    let request = state
        .store
        .submit_setup_request(&new, &owner.actor())
        .await?;
    tracing::info!(tenant_id = %owner.tenant_id, request_id = %request.id, "setup request submitted");
    Ok((StatusCode::CREATED, axum::Json(request)))
}
