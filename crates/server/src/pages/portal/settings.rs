//! `/app/settings`: the owner's settings at any time, on one form: the
//! business's name and language, its facts, opening hours, closures and the
//! bot's texts. Saving goes through the same checks as
//! `PATCH /api/portal/tenant/current/config` and reaches the running worker
//! before the page comes back. Every refused field is marked at once.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use flowhq_domain::bot::default_texts;
use flowhq_domain::entities::TenantConfig;
use flowhq_domain::facts::Fact;
use flowhq_domain::hours::DAY_KEYS;
use flowhq_domain::{Language, TenantId};
use flowhq_store::tenants::TenantPatch;
use serde_json::{Value, json};

use super::setup::{
    Choice, Day, HoursTexts, day_label, days_from, hours_json, hours_refusal, languages, timezones,
};
use crate::api::menu::Files;
use crate::api::portal::settings::SettingsPatch;
use crate::error::AppError;
use crate::extract::parse_id;
use crate::pages::csrf::CsrfForm;
use crate::pages::guard::{AdminPage, OwnerPage};
use crate::pages::{Chrome, PageResult, render};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/settings", get(form).post(save))
}

/// The console's twin: `/admin/tenants/{id}/settings`, the same form for
/// an operator, recorded in the history as the operator's change.
pub fn admin_router() -> Router<AppState> {
    Router::new().route(
        "/tenants/{id}/settings",
        get(operator_form).post(operator_save),
    )
}

#[tracing::instrument(skip_all)]
async fn operator_form(
    State(state): State<AppState>,
    page: AdminPage,
    Path(id): Path<String>,
    Query(shown): Query<Shown>,
) -> PageResult {
    let tenant: TenantId = parse_id(&id, "tenant")?;
    let name = state.store.tenant(tenant).await?.name.to_string();
    let action = format!("/admin/tenants/{tenant}/settings");
    let mut view = show(&state, page.chrome("tenants"), &action, tenant, shown).await?;
    view.operator_of = Some(name);
    Ok(render(StatusCode::OK, &view))
}

#[tracing::instrument(skip_all)]
async fn operator_save(
    State(state): State<AppState>,
    page: AdminPage,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> PageResult {
    let tenant: TenantId = parse_id(&id, "tenant")?;
    state.store.tenant(tenant).await?;
    let action = format!("/admin/tenants/{tenant}/settings");
    apply(
        &state,
        page.chrome("tenants"),
        &action,
        tenant,
        &page.admin.actor.0,
        &form,
    )
    .await
}

/// The texts the form offers: each one's key (its label and hint are the
/// messages `app-text-<key>` and `app-text-<key>-hint`).
const TEXTS: [&str; 8] = [
    "greeting",
    "menu_intro",
    "menu_hint",
    "away",
    "away_no_hours",
    "handoff",
    "handoff_closed",
    "fallback",
];

/// The facts the form offers: each one's input type and autocomplete (its
/// label is the message `app-fact-<name>`).
const FACTS: [(Fact, &str, &str); 5] = [
    (Fact::Address, "text", "street-address"),
    (Fact::MapLink, "url", "off"),
    (Fact::Website, "url", "url"),
    (Fact::CatalogLink, "url", "off"),
    (Fact::Phone, "tel", "tel"),
];

/// The message id of a key: `menu_intro` is `menu-intro`.
fn message_id(prefix: &str, key: &str) -> String {
    format!("{prefix}-{}", key.replace('_', "-"))
}

/// Empty rows under the closures, for new ones.
const NEW_CLOSURES: usize = 2;

pub struct TextRow {
    pub key: &'static str,
    pub label: String,
    pub hint: String,
    pub value: String,
    pub error: Option<String>,
}

pub struct FactRow {
    pub key: &'static str,
    pub label: String,
    pub kind: &'static str,
    pub autocomplete: &'static str,
    pub value: String,
    pub error: Option<String>,
}

#[derive(Default)]
pub struct ClosureRow {
    pub from: String,
    pub to: String,
    pub note: String,
    pub error: Option<String>,
}

#[derive(Default)]
pub struct Errors {
    pub summary: Option<String>,
    pub business_name: Option<String>,
    pub language: Option<String>,
    pub timezone: Option<String>,
    pub closures: Option<String>,
}

#[derive(Template)]
#[template(path = "portal/settings.html")]
struct SettingsPage {
    chrome: Chrome,
    /// Where the form posts: the owner's page or the console's twin.
    action: String,
    /// The console's twin names the business it edits.
    operator_of: Option<String>,
    saved: Option<String>,
    business_name: String,
    languages: Vec<Choice>,
    facts: Vec<FactRow>,
    timezones: Vec<crate::pages::zones::ZoneChoice>,
    days: Vec<Day>,
    hours_texts: HoursTexts,
    closures: Vec<ClosureRow>,
    texts: Vec<TextRow>,
    errors: Errors,
}

#[derive(serde::Deserialize)]
struct Shown {
    saved: Option<String>,
}

fn page_of(chrome: Chrome, action: &str, config: &TenantConfig) -> SettingsPage {
    let texts: BTreeMap<String, String> = default_texts(config.template_type, config.language)
        .into_iter()
        .chain(
            config
                .overrides
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned()))),
        )
        .collect();
    let mut closures: Vec<ClosureRow> = config
        .closures
        .iter()
        .map(|c| ClosureRow {
            from: c.from.to_string(),
            to: c.to.to_string(),
            note: c.note.clone().unwrap_or_default(),
            error: None,
        })
        .collect();
    closures.extend((0..NEW_CLOSURES).map(|_| ClosureRow::default()));
    let tr = crate::i18n::current();
    SettingsPage {
        chrome,
        action: action.to_owned(),
        operator_of: None,
        saved: None,
        business_name: config.business_name.clone(),
        languages: languages(config.language.as_str()),
        facts: FACTS
            .iter()
            .map(|(fact, kind, autocomplete)| FactRow {
                key: fact.name(),
                label: tr.t(&message_id("app-fact", fact.name())),
                kind,
                autocomplete,
                value: config.facts.get(*fact).unwrap_or_default().to_owned(),
                error: None,
            })
            .collect(),
        timezones: timezones(config.hours.timezone.name()),
        days: days_from(&config.hours),
        hours_texts: HoursTexts::in_page_language(),
        closures,
        texts: TEXTS
            .iter()
            .map(|key| TextRow {
                key,
                label: tr.t(&message_id("app-text", key)),
                hint: tr.t(&format!("{}-hint", message_id("app-text", key))),
                value: texts.get(*key).cloned().unwrap_or_default(),
                error: None,
            })
            .collect(),
        errors: Errors::default(),
    }
}

#[tracing::instrument(skip_all, fields(tenant_id = %page.owner.tenant_id))]
async fn form(
    State(state): State<AppState>,
    page: OwnerPage,
    Query(shown): Query<Shown>,
) -> PageResult {
    let view = show(
        &state,
        page.chrome("settings"),
        "/app/settings",
        page.owner.tenant_id,
        shown,
    )
    .await?;
    Ok(render(StatusCode::OK, &view))
}

#[tracing::instrument(skip_all, fields(tenant_id = %page.owner.tenant_id))]
async fn save(
    State(state): State<AppState>,
    page: OwnerPage,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> PageResult {
    apply(
        &state,
        page.chrome("settings"),
        "/app/settings",
        page.owner.tenant_id,
        &page.owner.actor(),
        &form,
    )
    .await
}

/// The form for `tenant`'s settings, posting to `action`.
async fn show(
    state: &AppState,
    chrome: Chrome,
    action: &str,
    tenant: TenantId,
    shown: Shown,
) -> PageResult<SettingsPage> {
    let config = state.store.tenant_config(tenant).await?;
    let mut view = page_of(chrome, action, &config);
    let tr = crate::i18n::current();
    view.saved = match shown.saved.as_deref() {
        Some("applied") => Some(tr.t("app-settings-saved-applied")),
        Some("later") => Some(tr.t("app-settings-saved-later")),
        _ => None,
    };
    Ok(view)
}

fn field(form: &HashMap<String, String>, name: &str) -> String {
    form.get(name)
        .map(|v| v.trim().to_owned())
        .unwrap_or_default()
}

/// What the form says, as the settings API takes it: one patch per part,
/// so that each is checked on its own and every refusal is shown.
struct Parts {
    business_name: String,
    language: Option<Language>,
    hours: Option<Value>,
    texts: serde_json::Map<String, Value>,
    closures: Value,
    facts: Value,
}

fn parts_of(form: &HashMap<String, String>, view: &mut SettingsPage) -> Parts {
    let timezone = field(form, "timezone");
    view.timezones = timezones(&timezone);
    for (i, day) in view.days.iter_mut().enumerate() {
        let key = DAY_KEYS[i];
        *day = Day {
            key,
            label: day_label(i),
            open1: field(form, &format!("{key}_open1")),
            close1: field(form, &format!("{key}_close1")),
            open2: field(form, &format!("{key}_open2")),
            close2: field(form, &format!("{key}_close2")),
            error: None,
        };
    }
    let hours = hours_json(&timezone, &mut view.days).ok();
    if timezone.is_empty() {
        view.errors.timezone = Some(crate::i18n::current().t("app-choose-timezone"));
    }
    let language_raw = field(form, "language");
    view.languages = languages(&language_raw);
    view.business_name = field(form, "business_name");

    let mut texts = serde_json::Map::new();
    for row in &mut view.texts {
        row.value = field(form, &format!("text_{}", row.key));
        texts.insert(row.key.to_owned(), row.value.clone().into());
    }
    let mut facts = serde_json::Map::new();
    for row in &mut view.facts {
        row.value = field(form, &format!("fact_{}", row.key));
        if !row.value.is_empty() {
            facts.insert(row.key.to_owned(), row.value.clone().into());
        }
    }
    // Every row the form had, blank ones dropped.
    let rows: usize = form
        .keys()
        .filter_map(|k| k.strip_prefix("closure_from_")?.parse::<usize>().ok())
        .max()
        .map_or(0, |n| n + 1);
    view.closures = (0..rows)
        .map(|i| ClosureRow {
            from: field(form, &format!("closure_from_{i}")),
            to: field(form, &format!("closure_to_{i}")),
            note: field(form, &format!("closure_note_{i}")),
            error: None,
        })
        .collect();
    let closures: Vec<Value> = view
        .closures
        .iter()
        .filter(|c| !(c.from.is_empty() && c.to.is_empty() && c.note.is_empty()))
        .map(|c| {
            let mut closure =
                json!({"from": c.from, "to": if c.to.is_empty() { &c.from } else { &c.to }});
            if !c.note.is_empty() {
                closure["note"] = c.note.clone().into();
            }
            closure
        })
        .collect();
    Parts {
        business_name: view.business_name.clone(),
        language: language_raw.parse().ok(),
        hours: hours.filter(|_| !timezone.is_empty()),
        texts,
        closures: Value::Array(closures),
        facts: Value::Object(facts),
    }
}

/// Checks and saves `form` as `actor`'s change of `tenant`'s settings:
/// back to `action` when saved, the form with every refusal marked when not.
async fn apply(
    state: &AppState,
    chrome: Chrome,
    action: &str,
    tenant: TenantId,
    actor: &str,
    form: &HashMap<String, String>,
) -> PageResult {
    let current = state.store.tenant_config(tenant).await?;
    let mut view = page_of(chrome, action, &current);
    let parts = parts_of(form, &mut view);
    if parts.language.is_none() {
        view.errors.language = Some(crate::i18n::current().t("app-choose-language"));
    }
    let language = parts.language.unwrap_or(current.language);

    // Each part alone first: every refusal is marked, not just the first.
    let checks = [
        SettingsPatch {
            business_name: Some(parts.business_name.clone()),
            ..SettingsPatch::default()
        },
        SettingsPatch {
            hours: parts.hours.clone(),
            ..SettingsPatch::default()
        },
        SettingsPatch {
            facts: Some(parts.facts.clone()),
            ..SettingsPatch::default()
        },
        SettingsPatch {
            closures: Some(parts.closures.clone()),
            ..SettingsPatch::default()
        },
    ];
    let mut refused = false;
    for check in checks {
        if let Err(e) = check
            .into_config_patch(state, &current, Files::CheckOnly)
            .await
        {
            refused = true;
            mark(&mut view, e)?;
        }
    }
    for (key, text) in &parts.texts {
        let one = SettingsPatch {
            language: Some(language),
            texts: Some([(key.clone(), text.clone())].into_iter().collect()),
            ..SettingsPatch::default()
        };
        if let Err(e) = one
            .into_config_patch(state, &current, Files::CheckOnly)
            .await
        {
            refused = true;
            mark(&mut view, e)?;
        }
    }
    if refused
        || view.errors.language.is_some()
        || view.errors.timezone.is_some()
        || parts.hours.is_none()
    {
        view.errors.summary = Some(crate::i18n::current().t("app-settings-not-saved"));
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &view));
    }

    let patch = SettingsPatch {
        business_name: Some(parts.business_name),
        language: parts.language,
        hours: parts.hours,
        texts: Some(parts.texts),
        closures: Some(parts.closures),
        facts: Some(parts.facts),
        ..SettingsPatch::default()
    };
    let config = match patch.into_config_patch(state, &current, Files::Store).await {
        Ok(config) => config,
        Err(e) => {
            mark(&mut view, e)?;
            view.errors.summary = Some(crate::i18n::current().t("app-settings-not-saved"));
            return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &view));
        }
    };
    let mut applied = true;
    if !config.is_empty() {
        let patch = TenantPatch {
            config,
            ..TenantPatch::default()
        };
        state.store.update_tenant(tenant, &patch, actor).await?;
        tracing::info!(tenant_id = %tenant, %actor, "settings changed from a page");
        applied = crate::lifecycle::config_changed(state, tenant).await?;
    }
    let saved = if applied { "applied" } else { "later" };
    Ok(Redirect::to(&format!("{action}?saved={saved}")).into_response())
}

/// Marks the field a refusal names; anything but a refusal is the server's.
fn mark(view: &mut SettingsPage, error: AppError) -> PageResult<()> {
    let AppError::Invalid { field, message } = error else {
        return Err(error.into());
    };
    // "texts.greeting: is empty" reads "Is empty." beside its field.
    let detail = message
        .strip_prefix(&format!("{field}: "))
        .or_else(|| message.strip_prefix(&format!("{field} ")))
        .unwrap_or(&message);
    // A text's own refusal names it again ("text \"away\" is empty"): its
    // label is beside the message already.
    let detail = field
        .strip_prefix("texts.")
        .and_then(|key| detail.strip_prefix(&format!("text {key:?}")))
        .map_or(detail, |rest| rest.trim_start_matches(':').trim());
    let text = refusal_text(&field, detail);
    if let Some(key) = field.strip_prefix("texts.") {
        if let Some(row) = view.texts.iter_mut().find(|r| r.key == key) {
            row.error = Some(text);
            return Ok(());
        }
    } else if let Some(key) = field.strip_prefix("facts.") {
        if let Some(row) = view.facts.iter_mut().find(|r| r.key == key) {
            row.error = Some(text);
            return Ok(());
        }
    } else if let Some(rest) = field.strip_prefix("closures[") {
        let index: Option<usize> = rest.split(']').next().and_then(|i| i.parse().ok());
        // The index counts the rows sent, which skip blank ones.
        let row = index.and_then(|i| {
            view.closures
                .iter_mut()
                .filter(|c| !(c.from.is_empty() && c.to.is_empty() && c.note.is_empty()))
                .nth(i)
        });
        if let Some(row) = row {
            row.error = Some(text);
            return Ok(());
        }
        view.errors.closures = Some(text);
        return Ok(());
    } else if field == "business_name" {
        view.errors.business_name = Some(text);
        return Ok(());
    } else if field == "hours" {
        // "mon: …" names its day; otherwise it is the zone.
        let day = DAY_KEYS
            .iter()
            .position(|k| detail.starts_with(&format!("{k}:")));
        match day {
            Some(i) => {
                view.days[i].error = Some(hours_refusal(detail[DAY_KEYS[i].len() + 1..].trim()));
            }
            None => view.errors.timezone = Some(hours_refusal(detail)),
        }
        return Ok(());
    }
    view.errors.summary = Some(text);
    Ok(())
}

/// A refusal beside its field, in the page's language as far as it is one
/// of the usual ones (empty, too long); anything else in the check's words.
fn refusal_text(field: &str, detail: &str) -> String {
    let tr = crate::i18n::current();
    if detail.starts_with("is empty") || detail.starts_with("must not be empty") {
        return tr.t("field-required");
    }
    if detail.starts_with("must be a whole web address")
        || detail.starts_with("must be a web address")
    {
        return tr.t("app-settings-bad-url");
    }
    // "is 130 characters long; at most 120"
    if let Some((_, most)) = detail.split_once("; at most ") {
        return tr.t1("field-too-long", "n", most.trim_end_matches('.'));
    }
    crate::i18n::refusal(tr, field, detail)
}
