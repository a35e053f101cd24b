//! `GET`, `PATCH /api/portal/tenant/current/config`: the owner's own bot
//! settings, editable at any time. A change reaches the running worker
//! before the PATCH answers (or, with the worker offline, when it
//! reconnects); only a different WhatsApp number needs a new setup request.

use std::collections::BTreeMap;

use axum::extract::{DefaultBodyLimit, State};
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use flowhq_domain::bot::{MenuItem, default_texts, template_menu, validate_overrides};
use flowhq_domain::calendar::{Closure, SpecialHours};
use flowhq_domain::entities::TenantConfig;
use flowhq_domain::facts::Facts;
use flowhq_domain::hours::OpeningHours;
use flowhq_domain::{Language, TemplateType, TenantId};
use flowhq_store::Page;
use flowhq_store::config_history::ConfigChange;
use flowhq_store::tenants::{ConfigPatch, TenantPatch};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::admin::bot::override_error_at;
use crate::api::admin::tenants::ConfigBody;
use crate::api::fields::check_calendar;
use crate::api::menu::{Files, MAX_MENU_BODY_BYTES, MenuItemBody, parse_menu, present};
use crate::api::openapi::responses::{BodyErrors, Conflict, NotFound, OwnerAuthErrors};
use crate::auth::Owner;
use crate::error::{AppError, AppResult};
use crate::extract::Json;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        // A PATCH may carry a menu with its files.
        .merge(
            OpenApiRouter::new()
                .routes(routes!(show, update))
                .layer(DefaultBodyLimit::max(MAX_MENU_BODY_BYTES)),
        )
        .routes(routes!(history))
        .routes(routes!(undo))
}

/// The bot's settings as the owner edits them.
#[derive(Debug, Serialize, ToSchema)]
pub struct Settings {
    pub business_name: String,
    pub template_type: TemplateType,
    pub language: Language,
    pub hours: OpeningHours,
    /// Every text the bot sends, by key: the owner's own, or the template's
    /// in the business's language. Placeholders (`{business_name}`,
    /// `{hours}`, `{next_opening}` where allowed) are left in.
    pub texts: BTreeMap<String, String>,
    /// The keys of `texts` the owner changed.
    pub customized: Vec<String>,
    pub closures: Vec<Closure>,
    pub special_hours: Vec<SpecialHours>,
    pub facts: Facts,
    /// The whole menu the bot shows: the owner's, or the template's (in
    /// the business's language, quoting the facts where it can) until the
    /// owner changes it.
    pub menu: Vec<MenuItem>,
    /// Whether `menu` is the owner's own.
    pub menu_customized: bool,
    pub updated_at: DateTime<Utc>,
}

impl Settings {
    fn of(config: TenantConfig) -> Self {
        // With the owner's own menu, its items' texts are the menu's.
        let own_menu = config.menu.is_some();
        let menu_text = |key: &str| own_menu && is_item_text(key);
        let mut texts: BTreeMap<String, String> =
            default_texts(config.template_type, config.language)
                .into_iter()
                .filter(|(key, _)| !menu_text(key))
                .collect();
        let mut customized = Vec::new();
        for (key, value) in &config.overrides {
            if menu_text(key) {
                continue;
            }
            if let Some(text) = value.as_str() {
                texts.insert(key.clone(), text.to_owned());
                customized.push(key.clone());
            }
        }
        let menu_customized = config.menu.is_some();
        let menu = config.menu.unwrap_or_else(|| {
            template_menu(
                config.template_type,
                config.language,
                &config.overrides,
                &config.facts,
            )
        });
        Self {
            menu,
            menu_customized,
            facts: config.facts,
            business_name: config.business_name,
            template_type: config.template_type,
            language: config.language,
            hours: config.hours,
            texts,
            customized,
            closures: config.closures,
            special_hours: config.special_hours,
            updated_at: config.updated_at,
        }
    }
}

/// The settings after a change, and whether the worker has them already.
#[derive(Debug, Serialize, ToSchema)]
pub struct SettingsChanged {
    #[serde(flatten)]
    pub settings: Settings,
    /// `true`: the running worker acknowledged the new settings and answers
    /// with them. `false`: it is offline; it gets them when it reconnects.
    pub applied: bool,
}

/// A change to the settings: the fields named are replaced, the others
/// left as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsPatch {
    /// Also the tenant's name.
    pub business_name: Option<String>,
    pub template_type: Option<TemplateType>,
    pub language: Option<Language>,
    #[schema(value_type = Option<OpeningHours>)]
    pub hours: Option<serde_json::Value>,
    /// Texts by key; a key set to null, or to the template's own text, goes
    /// back to the template's text. Keys not named keep their text.
    #[schema(value_type = Option<Object>)]
    pub texts: Option<serde_json::Map<String, serde_json::Value>>,
    /// The whole list: `[{from, to, note?}]`, dates inclusive.
    #[schema(value_type = Option<Vec<Closure>>)]
    pub closures: Option<serde_json::Value>,
    /// The whole list: `[{date, ranges, note?}]`.
    #[schema(value_type = Option<Vec<SpecialHours>>)]
    pub special_hours: Option<serde_json::Value>,
    /// The whole set: `{address?, map_link?, website?, catalog_link?, phone?}`.
    #[schema(value_type = Option<Facts>)]
    pub facts: Option<serde_json::Value>,
    /// The whole menu; `null` goes back to the template's. Attachments are
    /// new (`{file_name, mime, data_base64}`) or kept (`{file_name, sha256}`
    /// as read back).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Vec<MenuItemBody>>)]
    pub menu: Option<serde_json::Value>,
}

impl SettingsPatch {
    /// Checks every field against the current settings and turns the patch
    /// into the store's; nothing is written on a refusal (but the new files
    /// of a menu that passed every check are stored).
    pub async fn into_config_patch(
        self,
        state: &AppState,
        current: &TenantConfig,
        files: Files,
    ) -> AppResult<ConfigPatch> {
        let template = self.template_type.unwrap_or(current.template_type);
        let language = self.language.unwrap_or(current.language);
        let overrides = match self.texts {
            Some(texts) => Some(merge_texts(current, template, language, texts)?),
            // Another business type has other keys: the owner's texts of the
            // old one would not fit it.
            None if template != current.template_type => Some(serde_json::Map::new()),
            None => None,
        };
        // The fields the admin's config has too parse as there, named
        // without its `config.` prefix.
        let patch = ConfigBody {
            template_type: self.template_type,
            business_name: self.business_name,
            language: self.language,
            hours: self.hours,
            overrides,
            closures: self.closures,
            special_hours: self.special_hours,
            facts: self.facts,
            menu: None,
        }
        .into_patch_at("")?;
        check_calendar(current, &patch, "")?;
        // Last: the only check that stores something (the menu's files).
        let menu = match self.menu {
            Some(menu) => Some(parse_menu(state, current.tenant_id, menu, "", files).await?),
            None => None,
        };
        Ok(ConfigPatch { menu, ..patch })
    }
}

/// A menu item's label or answer (`<item>.label`), as opposed to the bot's
/// other texts.
fn is_item_text(key: &str) -> bool {
    key.contains('.')
}

/// The owner's texts after `texts` is applied to the current ones: a text
/// equal to the template's is no override (it then follows the template,
/// e.g. into another language).
fn merge_texts(
    current: &TenantConfig,
    template: TemplateType,
    language: Language,
    texts: serde_json::Map<String, serde_json::Value>,
) -> AppResult<serde_json::Map<String, serde_json::Value>> {
    let defaults: BTreeMap<String, String> =
        default_texts(template, language).into_iter().collect();
    let mut overrides = if template == current.template_type {
        current.overrides.clone()
    } else {
        serde_json::Map::new()
    };
    for (key, value) in texts {
        if current.menu.is_some() && is_item_text(&key) {
            return Err(AppError::invalid(
                format!("texts.{key}"),
                format!(
                    "texts.{key}: this business has its own menu; change the item in `menu` \
                     (or set `menu` to null to go back to the suggested one)"
                ),
            ));
        }
        let is_default = value
            .as_str()
            .is_some_and(|text| defaults.get(&key).is_some_and(|d| d.trim() == text.trim()));
        if value.is_null() || is_default {
            if !defaults.contains_key(&key) {
                return Err(AppError::invalid(
                    format!("texts.{key}"),
                    format!("texts.{key}: no such text for this business type"),
                ));
            }
            overrides.remove(&key);
        } else {
            overrides.insert(key, value);
        }
    }
    validate_overrides(template, &overrides).map_err(|e| override_error_at(e, "texts."))?;
    Ok(overrides)
}

#[utoipa::path(
    get,
    path = "/tenant/current/config",
    operation_id = "get_own_config",
    responses(
        (status = 200, description = "The bot's settings", body = Settings),
        OwnerAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %owner.tenant_id))]
async fn show(State(state): State<AppState>, owner: Owner) -> AppResult<impl IntoResponse> {
    let config = state.store.tenant_config(owner.tenant_id).await?;
    Ok(axum::Json(Settings::of(config)))
}

#[utoipa::path(
    patch,
    path = "/tenant/current/config",
    operation_id = "update_own_config",
    request_body = SettingsPatch,
    responses(
        (status = 200, description = "The settings as changed; `applied` once the running worker acknowledged them", body = SettingsChanged),
        BodyErrors,
        OwnerAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %owner.tenant_id))]
async fn update(
    State(state): State<AppState>,
    owner: Owner,
    Json(body): Json<SettingsPatch>,
) -> AppResult<impl IntoResponse> {
    let tenant = owner.tenant_id;
    let current = state.store.tenant_config(tenant).await?;
    let config = body
        .into_config_patch(&state, &current, Files::Store)
        .await?;
    if config.is_empty() {
        return Ok(axum::Json(SettingsChanged {
            settings: Settings::of(current),
            applied: true,
        }));
    }
    let patch = TenantPatch {
        config,
        ..TenantPatch::default()
    };
    let detail = state
        .store
        .update_tenant(tenant, &patch, &owner.actor())
        .await?;
    tracing::info!(tenant_id = %tenant, actor = %owner.actor(), "settings changed");
    let applied = crate::lifecycle::config_changed(&state, tenant).await?;
    Ok(axum::Json(SettingsChanged {
        settings: Settings::of(detail.config),
        applied,
    }))
}

#[utoipa::path(
    get,
    path = "/tenant/current/config/history",
    operation_id = "list_own_config_changes",
    responses(
        (status = 200, description = "Who changed which settings and when, newest first (the latest 100), in one page", body = Page<ConfigChange>),
        OwnerAuthErrors,
        NotFound,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %owner.tenant_id))]
async fn history(State(state): State<AppState>, owner: Owner) -> AppResult<impl IntoResponse> {
    let items = state.store.config_history(owner.tenant_id).await?;
    Ok(axum::Json(Page {
        items,
        next_cursor: None,
    }))
}

/// The settings after an undo, and which change it undid.
#[derive(Debug, Serialize, ToSchema)]
pub struct Undone {
    #[serde(flatten)]
    pub settings: SettingsChanged,
    pub undone: ConfigChange,
}

#[utoipa::path(
    post,
    path = "/tenant/current/config/undo",
    operation_id = "undo_own_config_change",
    responses(
        (status = 200, description = "The latest change still in force is undone: its settings are back as they were before it; `applied` once the running worker acknowledged", body = Undone),
        OwnerAuthErrors,
        NotFound,
        Conflict,
    )
)]
#[tracing::instrument(skip_all, fields(tenant_id = %owner.tenant_id))]
async fn undo(State(state): State<AppState>, owner: Owner) -> AppResult<impl IntoResponse> {
    Ok(axum::Json(
        undo_last(&state, owner.tenant_id, &owner.actor()).await?,
    ))
}

/// Undoes `tenant`'s latest settings change still in force as `actor`, and
/// tells its worker: the owner's undo and the operator's.
pub async fn undo_last(state: &AppState, tenant: TenantId, actor: &str) -> AppResult<Undone> {
    let undone = state.store.undo_config_change(tenant, actor).await?;
    tracing::info!(tenant_id = %tenant, %actor, "settings change undone");
    let applied = crate::lifecycle::config_changed(state, tenant).await?;
    let config = state.store.tenant_config(tenant).await?;
    Ok(Undone {
        settings: SettingsChanged {
            settings: Settings::of(config),
            applied,
        },
        undone,
    })
}
