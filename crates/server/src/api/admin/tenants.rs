//! `/api/admin/tenants`: create, list, read, edit, delete tenants, move them
//! through their lifecycle, and read their audit trail and messages.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use flowhq_domain::bot::validate_overrides;
use flowhq_domain::hours::OpeningHours;
use flowhq_domain::lifecycle::Event;
use flowhq_domain::values::{Name, PhoneNumber};
use flowhq_domain::{Language, MessageLogId, TemplateType, TenantId, TenantStatus};
use flowhq_store::tenants::{ConfigInput, ConfigPatch, NewTenant, TenantFilter, TenantPatch};
use serde::Deserialize;
use serde_json::json;

use crate::api::admin::bot::override_error;
use crate::auth::Admin;
use crate::error::{AppError, AppResult, FieldContext};
use crate::extract::{Json, Query, parse_id};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tenants", post(create).get(list))
        .route("/tenants/{id}", get(show).patch(update).delete(remove))
        .route("/tenants/{id}/pause", post(pause))
        .route("/tenants/{id}/resume", post(resume))
        .route("/tenants/{id}/retry", post(retry))
        .route("/tenants/{id}/events", get(events))
        .route("/tenants/{id}/messages", get(messages))
}

/// A config as clients send it; every field optional so that a create can
/// omit it and a patch can change one field.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigBody {
    pub template_type: Option<TemplateType>,
    pub business_name: Option<String>,
    pub language: Option<Language>,
    pub hours: Option<serde_json::Value>,
    pub overrides: Option<serde_json::Map<String, serde_json::Value>>,
}

impl ConfigBody {
    pub fn into_patch(self) -> AppResult<ConfigPatch> {
        Ok(ConfigPatch {
            template_type: self.template_type,
            business_name: self
                .business_name
                .map(|n| Name::parse(&n).field("config.business_name"))
                .transpose()?,
            language: self.language,
            hours: self
                .hours
                .map(|h| parse_hours(&h, "config.hours"))
                .transpose()?,
            overrides: self.overrides,
        })
    }
}

pub fn parse_hours(value: &serde_json::Value, field: &str) -> AppResult<OpeningHours> {
    OpeningHours::from_json(value)
        .map_err(|e| AppError::invalid(field, format!("{field}: {}", e.0)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateBody {
    name: String,
    phone_number: String,
    #[serde(default)]
    config: Option<ConfigBody>,
}

#[tracing::instrument(skip_all)]
async fn create(
    State(state): State<AppState>,
    _admin: Admin,
    Json(body): Json<CreateBody>,
) -> AppResult<impl IntoResponse> {
    let name = Name::parse(&body.name).field("name")?;
    let phone_number = PhoneNumber::parse(&body.phone_number).field("phone_number")?;
    let patch = body.config.unwrap_or_default().into_patch()?;
    let defaults = ConfigInput::default_for(&name);
    let config = ConfigInput {
        template_type: patch.template_type.unwrap_or(defaults.template_type),
        business_name: patch.business_name.unwrap_or(defaults.business_name),
        language: patch.language.unwrap_or(defaults.language),
        hours: patch.hours.unwrap_or(defaults.hours),
        overrides: patch.overrides.unwrap_or(defaults.overrides),
    };
    validate_overrides(config.template_type, &config.overrides).map_err(override_error)?;
    let detail = state
        .store
        .create_tenant(&NewTenant {
            name,
            phone_number,
            config,
        })
        .await?;
    tracing::info!(tenant_id = %detail.tenant.id, "tenant created");
    Ok((StatusCode::CREATED, axum::Json(detail)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListParams {
    status: Option<String>,
    q: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
}

/// Parses `limit` for list endpoints: 1 to `max`, `default` when absent.
pub fn parse_limit(raw: Option<&str>, default: u32, max: u32) -> AppResult<u32> {
    match raw {
        None | Some("") => Ok(default),
        Some(raw) => match raw.parse::<u32>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(AppError::invalid(
                "limit",
                format!("limit must be a whole number from 1 to {max}"),
            )),
        },
    }
}

/// Parses an optional status filter; an empty value means no filter.
pub fn parse_status<T>(raw: Option<&str>) -> AppResult<Option<T>>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    match raw {
        None | Some("") => Ok(None),
        Some(raw) => raw
            .parse()
            .map(Some)
            .map_err(|e| AppError::invalid("status", format!("status: {e}"))),
    }
}

/// Parses an optional list cursor (an id this API gave out).
pub fn parse_cursor<T: std::str::FromStr>(raw: Option<&str>) -> AppResult<Option<T>> {
    match raw {
        None | Some("") => Ok(None),
        Some(raw) => raw
            .parse()
            .map(Some)
            .map_err(|_| AppError::invalid("cursor", "cursor is not one this API gave out")),
    }
}

#[tracing::instrument(skip_all)]
async fn list(
    State(state): State<AppState>,
    _admin: Admin,
    Query(params): Query<ListParams>,
) -> AppResult<impl IntoResponse> {
    let filter = TenantFilter {
        status: parse_status::<TenantStatus>(params.status.as_deref())?,
        q: params.q,
        limit: parse_limit(params.limit.as_deref(), 50, 200)?,
        cursor: parse_cursor::<TenantId>(params.cursor.as_deref())?,
    };
    Ok(axum::Json(state.store.list_tenants(&filter).await?))
}

// Debug level: the hottest read; an info span per request costs more than the query.
#[tracing::instrument(level = "debug", skip_all, fields(tenant_id = %id))]
async fn show(
    State(state): State<AppState>,
    _admin: Admin,
    Path(id): Path<String>,
) -> AppResult<impl IntoResponse> {
    let id: TenantId = parse_id(&id, "tenant")?;
    Ok(axum::Json(state.store.tenant_detail(id).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PatchBody {
    name: Option<String>,
    phone_number: Option<String>,
    config: Option<ConfigBody>,
}

#[tracing::instrument(skip_all, fields(tenant_id = %id))]
async fn update(
    State(state): State<AppState>,
    _admin: Admin,
    Path(id): Path<String>,
    Json(body): Json<PatchBody>,
) -> AppResult<impl IntoResponse> {
    let id: TenantId = parse_id(&id, "tenant")?;
    let patch = TenantPatch {
        name: body
            .name
            .map(|n| Name::parse(&n).field("name"))
            .transpose()?,
        phone_number: body
            .phone_number
            .map(|p| PhoneNumber::parse(&p).field("phone_number"))
            .transpose()?,
        config: body
            .config
            .map(ConfigBody::into_patch)
            .transpose()?
            .unwrap_or_default(),
    };
    if patch.config.template_type.is_some() || patch.config.overrides.is_some() {
        // Overrides name template texts: check them against the template the
        // tenant will have after this patch.
        let current = state.store.tenant_config(id).await?;
        let template = patch.config.template_type.unwrap_or(current.template_type);
        let overrides = patch
            .config
            .overrides
            .as_ref()
            .unwrap_or(&current.overrides);
        validate_overrides(template, overrides).map_err(override_error)?;
    }
    Ok(axum::Json(state.store.update_tenant(id, &patch).await?))
}

#[tracing::instrument(skip_all, fields(tenant_id = %id))]
async fn remove(
    State(state): State<AppState>,
    _admin: Admin,
    Path(id): Path<String>,
) -> AppResult<impl IntoResponse> {
    let id: TenantId = parse_id(&id, "tenant")?;
    crate::lifecycle::before_delete(&state, id).await?;
    state.store.delete_tenant(id).await?;
    tracing::info!(tenant_id = %id, "tenant deleted");
    Ok(StatusCode::NO_CONTENT)
}

async fn lifecycle_event(
    state: &AppState,
    admin: &Admin,
    id: &str,
    event: Event,
) -> AppResult<impl IntoResponse + use<>> {
    let id: TenantId = parse_id(id, "tenant")?;
    let transition = state.store.apply_event(id, event, &admin.actor.0).await?;
    if let Some(t) = transition {
        tracing::info!(tenant_id = %id, from = %t.from, to = %t.to, event = %event, "tenant status changed");
    }
    Ok(axum::Json(state.store.tenant_detail(id).await?))
}

#[tracing::instrument(skip_all, fields(tenant_id = %id))]
async fn pause(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<String>,
) -> AppResult<impl IntoResponse> {
    lifecycle_event(&state, &admin, &id, Event::Pause).await
}

#[tracing::instrument(skip_all, fields(tenant_id = %id))]
async fn resume(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<String>,
) -> AppResult<impl IntoResponse> {
    lifecycle_event(&state, &admin, &id, Event::Resume).await
}

#[tracing::instrument(skip_all, fields(tenant_id = %id))]
async fn retry(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<String>,
) -> AppResult<impl IntoResponse> {
    let tenant: TenantId = parse_id(&id, "tenant")?;
    lifecycle_event(&state, &admin, &id, Event::Retry).await?;
    crate::lifecycle::after_retry(&state, tenant).await?;
    Ok(axum::Json(state.store.tenant_detail(tenant).await?))
}

#[tracing::instrument(skip_all, fields(tenant_id = %id))]
async fn events(
    State(state): State<AppState>,
    _admin: Admin,
    Path(id): Path<String>,
) -> AppResult<impl IntoResponse> {
    let id: TenantId = parse_id(&id, "tenant")?;
    // 404 for an unknown tenant rather than an empty trail.
    state.store.tenant(id).await?;
    let items = state.store.tenant_events(id).await?;
    Ok(axum::Json(json!({ "items": items, "next_cursor": null })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageParams {
    pub limit: Option<String>,
    pub before: Option<String>,
}

impl MessageParams {
    pub fn parse(&self) -> AppResult<(u32, Option<MessageLogId>)> {
        let limit = parse_limit(self.limit.as_deref(), 50, 500)?;
        let before = match self.before.as_deref() {
            None | Some("") => None,
            Some(raw) => Some(raw.parse().map_err(|_| {
                AppError::invalid("before", "before is not a cursor this API gave out")
            })?),
        };
        Ok((limit, before))
    }
}

#[tracing::instrument(skip_all, fields(tenant_id = %id))]
async fn messages(
    State(state): State<AppState>,
    _admin: Admin,
    Path(id): Path<String>,
    Query(params): Query<MessageParams>,
) -> AppResult<impl IntoResponse> {
    let id: TenantId = parse_id(&id, "tenant")?;
    let (limit, before) = params.parse()?;
    state.store.tenant(id).await?;
    Ok(axum::Json(
        state.store.list_messages(id, limit, before).await?,
    ))
}
