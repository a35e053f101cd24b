//! `/api/admin/tenants`: create, list, read, edit, delete tenants, move them
//! through their lifecycle, and read their audit trail and messages.

use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use flowhq_domain::bot::validate_overrides;
use flowhq_domain::calendar::{Calendar, Closure, SpecialHours};
use flowhq_domain::entities::{MessageLog, TenantEvent};
use flowhq_domain::facts::Facts;
use flowhq_domain::hours::OpeningHours;
use flowhq_domain::lifecycle::Event;
use flowhq_domain::values::{Name, PhoneNumber};
use flowhq_domain::{Language, TemplateType, TenantId, TenantStatus};
use flowhq_store::Page;
use flowhq_store::tenants::{
    ConfigInput, ConfigPatch, NewTenant, TenantDetail, TenantFilter, TenantPatch,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::admin::bot::override_error;
use crate::api::export::ExportParams;
use crate::api::fields::{
    calendar_error, check_calendar, parse_closures, parse_hours, parse_special_hours,
};
use crate::api::list::{MessageParams, parse_cursor, parse_limit, parse_status};
use crate::api::openapi::responses::{
    AdminAuthErrors, BodyErrors, Conflict, InvalidQuery, NotFound,
};
use crate::auth::Admin;
use crate::error::{AppError, AppResult, FieldContext};
use crate::extract::TenantPath;
use crate::extract::{Json, Query};
use crate::lifecycle::Commanded;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        // A PATCH may carry a menu with its files.
        .merge(
            OpenApiRouter::new()
                .routes(routes!(show, update, remove))
                .layer(DefaultBodyLimit::max(crate::api::menu::MAX_MENU_BODY_BYTES)),
        )
        .routes(routes!(pause))
        .routes(routes!(resume))
        .routes(routes!(retry))
        .routes(routes!(events))
        .routes(routes!(messages))
        .routes(routes!(export_messages))
        .routes(routes!(media_file))
}

/// A config as clients send it; every field optional so that a create can
/// omit it and a patch can change one field.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfigBody {
    pub template_type: Option<TemplateType>,
    pub business_name: Option<String>,
    pub language: Option<Language>,
    // Parsed by hand (`parse_hours`) so that a refusal names the field.
    #[schema(value_type = Option<OpeningHours>)]
    pub hours: Option<serde_json::Value>,
    /// Replacement texts for the bot's template, by key; an unknown key is a 422.
    #[schema(value_type = Option<Object>)]
    pub overrides: Option<serde_json::Map<String, serde_json::Value>>,
    /// Closed dates: `[{from, to, note?}]`, inclusive, in the business's zone.
    #[schema(value_type = Option<Vec<Closure>>)]
    pub closures: Option<serde_json::Value>,
    /// Dates with their own hours: `[{date, ranges, note?}]`.
    #[schema(value_type = Option<Vec<SpecialHours>>)]
    pub special_hours: Option<serde_json::Value>,
    /// Address, links and phone, for `{address}` and the other
    /// placeholders; the whole set, replacing the one before.
    #[schema(value_type = Option<Facts>)]
    pub facts: Option<serde_json::Value>,
    /// The whole menu (`null`: back to the template's). Its new files are
    /// stored by [`crate::api::menu::parse_menu`], which the handlers call:
    /// [`ConfigBody::into_patch_at`] leaves it out.
    #[serde(default, deserialize_with = "crate::api::menu::present")]
    #[schema(value_type = Option<Vec<crate::api::menu::MenuItemBody>>)]
    pub menu: Option<serde_json::Value>,
}

impl ConfigBody {
    pub fn into_patch(self) -> AppResult<ConfigPatch> {
        self.into_patch_at("config.")
    }

    /// The patch, with `prefix` before the field a refusal names (`config.`
    /// here, none in the owner's settings, whose fields are top-level).
    pub fn into_patch_at(self, prefix: &str) -> AppResult<ConfigPatch> {
        Ok(ConfigPatch {
            template_type: self.template_type,
            business_name: self
                .business_name
                .map(|n| Name::parse(&n).field(&format!("{prefix}business_name")))
                .transpose()?,
            language: self.language,
            hours: self
                .hours
                .map(|h| parse_hours(&h, &format!("{prefix}hours")))
                .transpose()?,
            overrides: self.overrides,
            closures: self
                .closures
                .map(|c| parse_closures(&c, prefix))
                .transpose()?,
            special_hours: self
                .special_hours
                .map(|d| parse_special_hours(&d, prefix))
                .transpose()?,
            facts: self
                .facts
                .map(|f| crate::api::menu::parse_facts(f, prefix))
                .transpose()?,
            menu: None,
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct CreateBody {
    name: String,
    phone_number: String,
    #[serde(default)]
    config: Option<ConfigBody>,
}

#[utoipa::path(
    post,
    path = "/tenants",
    operation_id = "create_tenant",
    request_body = CreateBody,
    responses(
        (status = 201, description = "The new tenant (NEW) with its config, session and worker", body = TenantDetail),
        BodyErrors,
        AdminAuthErrors,
    )
)]
#[tracing::instrument(skip_all)]
async fn create(
    State(state): State<AppState>,
    _admin: Admin,
    Json(body): Json<CreateBody>,
) -> AppResult<impl IntoResponse> {
    let name = Name::parse(&body.name).field("name")?;
    let phone_number = PhoneNumber::parse(&body.phone_number).field("phone_number")?;
    let config = body.config.unwrap_or_default();
    if config.menu.is_some() {
        // Its files belong to a tenant, which does not exist yet.
        return Err(AppError::invalid(
            "config.menu",
            "config.menu: set the menu with a PATCH once the tenant exists",
        ));
    }
    let patch = config.into_patch()?;
    let defaults = ConfigInput::default_for(&name);
    let config = ConfigInput {
        template_type: patch.template_type.unwrap_or(defaults.template_type),
        business_name: patch.business_name.unwrap_or(defaults.business_name),
        language: patch.language.unwrap_or(defaults.language),
        hours: patch.hours.unwrap_or(defaults.hours),
        overrides: patch.overrides.unwrap_or(defaults.overrides),
        closures: patch.closures.unwrap_or(defaults.closures),
        special_hours: patch.special_hours.unwrap_or(defaults.special_hours),
        facts: patch.facts.unwrap_or(defaults.facts),
        menu: None,
    };
    validate_overrides(config.template_type, &config.overrides).map_err(override_error)?;
    Calendar::check(&config.closures, &config.special_hours)
        .map_err(|e| calendar_error(e, "config."))?;
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

// Strings, parsed by hand, so that a bad value is a 422 naming it; the
// documented types are what the parsers accept.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ListParams {
    /// Only tenants in this status.
    #[param(value_type = Option<TenantStatus>)]
    status: Option<String>,
    /// Matches name or phone number, case-insensitively.
    q: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// The previous page's `next_cursor`.
    cursor: Option<String>,
}

#[utoipa::path(
    get,
    path = "/tenants",
    operation_id = "list_tenants",
    params(ListParams),
    responses(
        (status = 200, description = "Tenants, newest first", body = Page<TenantDetail>),
        InvalidQuery,
        AdminAuthErrors,
    )
)]
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
#[utoipa::path(
    get,
    path = "/tenants/{id}",
    operation_id = "get_tenant",
    params(("id" = TenantId, Path, description = "The tenant's id")),
    responses(
        (status = 200, description = "The tenant with its config, session, worker and latest setup request", body = TenantDetail),
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(level = "debug", skip_all, fields(tenant_id = %id))]
async fn show(
    State(state): State<AppState>,
    _admin: Admin,
    TenantPath(id): TenantPath,
) -> AppResult<impl IntoResponse> {
    Ok(axum::Json(state.store.tenant_detail(id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct PatchBody {
    name: Option<String>,
    phone_number: Option<String>,
    config: Option<ConfigBody>,
}

#[utoipa::path(
    patch,
    path = "/tenants/{id}",
    operation_id = "update_tenant",
    params(("id" = TenantId, Path, description = "The tenant's id")),
    request_body = PatchBody,
    responses(
        (status = 200, description = "The tenant as edited; `applied` once the worker acknowledged a config change", body = Commanded),
        BodyErrors,
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %id))]
async fn update(
    State(state): State<AppState>,
    admin: Admin,
    TenantPath(id): TenantPath,
    Json(mut body): Json<PatchBody>,
) -> AppResult<impl IntoResponse> {
    let menu = body.config.as_mut().and_then(|config| config.menu.take());
    let mut patch = TenantPatch {
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
    if let Some(menu) = menu {
        state.store.tenant_config(id).await?;
        patch.config.menu = Some(
            crate::api::menu::parse_menu(
                &state,
                id,
                menu,
                "config.",
                crate::api::menu::Files::Store,
            )
            .await?,
        );
    }
    if !patch.config.is_empty() {
        let current = state.store.tenant_config(id).await?;
        // Overrides name template texts: check them against the template the
        // tenant will have after this patch.
        let template = patch.config.template_type.unwrap_or(current.template_type);
        let overrides = patch
            .config
            .overrides
            .as_ref()
            .unwrap_or(&current.overrides);
        validate_overrides(template, overrides).map_err(override_error)?;
        check_calendar(&current, &patch.config, "config.")?;
    }
    let reaches_worker = !patch.config.is_empty() || patch.phone_number.is_some();
    let tenant = state
        .store
        .update_tenant(id, &patch, &admin.actor.0)
        .await?;
    // A change the worker does not answer with (the name) has nothing to apply.
    let applied = !reaches_worker || crate::lifecycle::config_changed(&state, id).await?;
    Ok(axum::Json(Commanded { tenant, applied }))
}

#[utoipa::path(
    delete,
    path = "/tenants/{id}",
    operation_id = "delete_tenant",
    params(("id" = TenantId, Path, description = "The tenant's id")),
    responses(
        (status = 204, description = "Deleted: its worker stopped and its data removed"),
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %id))]
async fn remove(
    State(state): State<AppState>,
    _admin: Admin,
    TenantPath(id): TenantPath,
) -> AppResult<impl IntoResponse> {
    crate::lifecycle::before_delete(&state, id).await?;
    state.store.delete_tenant(id).await?;
    tracing::info!(tenant_id = %id, "tenant deleted");
    Ok(StatusCode::NO_CONTENT)
}

async fn lifecycle_event(
    state: &AppState,
    admin: &Admin,
    id: TenantId,
    event: Event,
) -> AppResult<impl IntoResponse + use<>> {
    let transition = state.store.apply_event(id, event, &admin.actor.0).await?;
    if let Some(t) = transition {
        tracing::info!(tenant_id = %id, from = %t.from, to = %t.to, event = %event, "tenant status changed");
    }
    Ok(axum::Json(state.store.tenant_detail(id).await?))
}

#[utoipa::path(
    post,
    path = "/tenants/{id}/pause",
    operation_id = "pause_tenant",
    params(("id" = TenantId, Path, description = "The tenant's id")),
    responses(
        (status = 200, description = "Paused (ACTIVE or ERROR → PAUSED); `applied` once the worker acknowledged", body = Commanded),
        AdminAuthErrors,
        NotFound,
        Conflict,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %tenant))]
async fn pause(
    State(state): State<AppState>,
    admin: Admin,
    TenantPath(tenant): TenantPath,
) -> AppResult<impl IntoResponse> {
    let commanded =
        crate::lifecycle::pause_or_resume(&state, tenant, Event::Pause, &admin.actor.0).await?;
    Ok(axum::Json(commanded))
}

#[utoipa::path(
    post,
    path = "/tenants/{id}/resume",
    operation_id = "resume_tenant",
    params(("id" = TenantId, Path, description = "The tenant's id")),
    responses(
        (status = 200, description = "Resumed (PAUSED → ACTIVE); `applied` once the worker acknowledged", body = Commanded),
        AdminAuthErrors,
        NotFound,
        Conflict,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %tenant))]
async fn resume(
    State(state): State<AppState>,
    admin: Admin,
    TenantPath(tenant): TenantPath,
) -> AppResult<impl IntoResponse> {
    let commanded =
        crate::lifecycle::pause_or_resume(&state, tenant, Event::Resume, &admin.actor.0).await?;
    Ok(axum::Json(commanded))
}

#[utoipa::path(
    post,
    path = "/tenants/{id}/retry",
    operation_id = "retry_tenant",
    params(("id" = TenantId, Path, description = "The tenant's id")),
    responses(
        (status = 200, description = "Retried (ERROR or PAUSED → APPROVED, worker started)", body = TenantDetail),
        AdminAuthErrors,
        NotFound,
        Conflict,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %tenant))]
async fn retry(
    State(state): State<AppState>,
    admin: Admin,
    TenantPath(tenant): TenantPath,
) -> AppResult<impl IntoResponse> {
    lifecycle_event(&state, &admin, tenant, Event::Retry).await?;
    crate::lifecycle::after_retry(&state, tenant).await?;
    Ok(axum::Json(state.store.tenant_detail(tenant).await?))
}

#[utoipa::path(
    get,
    path = "/tenants/{id}/events",
    operation_id = "list_tenant_events",
    params(("id" = TenantId, Path, description = "The tenant's id")),
    responses(
        (status = 200, description = "The status audit trail, oldest first, in one page", body = Page<TenantEvent>),
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %id))]
async fn events(
    State(state): State<AppState>,
    _admin: Admin,
    TenantPath(id): TenantPath,
) -> AppResult<impl IntoResponse> {
    // 404 for an unknown tenant rather than an empty trail.
    state.store.tenant(id).await?;
    let items = state.store.tenant_events(id).await?;
    Ok(axum::Json(Page {
        items,
        next_cursor: None,
    }))
}

#[utoipa::path(
    get,
    path = "/tenants/{id}/media/{sha256}",
    operation_id = "get_tenant_media",
    params(
        ("id" = TenantId, Path, description = "The tenant's id"),
        ("sha256" = String, Path, description = "The file's SHA-256, lower-case hex"),
    ),
    responses(
        (status = 200, description = "The file, with its type", content_type = "application/octet-stream", body = Vec<u8>),
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all)]
async fn media_file(
    State(state): State<AppState>,
    _admin: Admin,
    axum::extract::Path((id, sha256)): axum::extract::Path<(String, String)>,
) -> AppResult<axum::response::Response> {
    let id: TenantId = crate::extract::parse_id(&id, "tenant")?;
    state.store.tenant(id).await?;
    crate::api::media::file_response(&state, id, &sha256).await
}

#[utoipa::path(
    get,
    path = "/tenants/{id}/messages/export",
    operation_id = "export_tenant_messages",
    params(("id" = TenantId, Path, description = "The tenant's id"), ExportParams),
    responses(
        (status = 200, description = "The messages of the days asked for, oldest first, as CSV", content_type = "text/csv", body = String),
        InvalidQuery,
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %id))]
async fn export_messages(
    State(state): State<AppState>,
    _admin: Admin,
    TenantPath(id): TenantPath,
    Query(params): Query<ExportParams>,
) -> AppResult<axum::response::Response> {
    crate::api::export::messages_csv(&state, id, &params).await
}

#[utoipa::path(
    get,
    path = "/tenants/{id}/messages",
    operation_id = "list_tenant_messages",
    params(("id" = TenantId, Path, description = "The tenant's id"), MessageParams),
    responses(
        (status = 200, description = "The message log, newest first", body = Page<MessageLog>),
        InvalidQuery,
        AdminAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %id))]
async fn messages(
    State(state): State<AppState>,
    _admin: Admin,
    TenantPath(id): TenantPath,
    Query(params): Query<MessageParams>,
) -> AppResult<impl IntoResponse> {
    let (limit, before) = params.parse()?;
    state.store.tenant(id).await?;
    Ok(axum::Json(
        state.store.list_messages(id, limit, before).await?,
    ))
}
