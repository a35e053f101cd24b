//! Tenants and their one-to-one relations (config, WhatsApp session, worker
//! process), and the one function that changes a tenant's status.

use chrono::Utc;
use flowhq_domain::bot::MenuItem;
use flowhq_domain::calendar::{Closure, SpecialHours};
use flowhq_domain::entities::{SetupRequest, Tenant, TenantConfig, WhatsappSession, WorkerProcess};
use flowhq_domain::facts::Facts;
use flowhq_domain::hours::OpeningHours;
use flowhq_domain::lifecycle::{self, Event};
use flowhq_domain::values::{Name, PhoneNumber};
use flowhq_domain::*;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

use crate::rows::{RowExt, like_pattern, millis};
use crate::{
    Page, Result, Store, StoreError, Tx, config_history, events, sessions, setup_requests, workers,
};

/// A tenant's bot configuration, validated.
#[derive(Clone, Debug)]
pub struct ConfigInput {
    pub template_type: TemplateType,
    pub business_name: Name,
    pub language: Language,
    pub hours: OpeningHours,
    pub overrides: serde_json::Map<String, serde_json::Value>,
    pub closures: Vec<Closure>,
    pub special_hours: Vec<SpecialHours>,
    pub facts: Facts,
    pub menu: Option<Vec<MenuItem>>,
}

impl ConfigInput {
    /// What a tenant gets when nobody said otherwise: a generic bot in
    /// English that is always open.
    pub fn default_for(name: &Name) -> Self {
        Self {
            template_type: TemplateType::Generic,
            business_name: name.clone(),
            language: Language::En,
            hours: OpeningHours::always_open(),
            overrides: serde_json::Map::new(),
            closures: Vec::new(),
            special_hours: Vec::new(),
            facts: Facts::default(),
            menu: None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct NewTenant {
    pub name: Name,
    pub phone_number: PhoneNumber,
    pub config: ConfigInput,
}

/// Changes to a tenant; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct TenantPatch {
    pub name: Option<Name>,
    pub phone_number: Option<PhoneNumber>,
    pub config: ConfigPatch,
}

#[derive(Clone, Debug, Default)]
pub struct ConfigPatch {
    pub template_type: Option<TemplateType>,
    pub business_name: Option<Name>,
    pub language: Option<Language>,
    pub hours: Option<OpeningHours>,
    pub overrides: Option<serde_json::Map<String, serde_json::Value>>,
    /// Checked together ([`flowhq_domain::calendar::Calendar::check`]) by the
    /// caller against the other list's new or current value.
    pub closures: Option<Vec<Closure>>,
    pub special_hours: Option<Vec<SpecialHours>>,
    /// Checked by the caller ([`Facts::parse`]).
    pub facts: Option<Facts>,
    /// `Some(None)` goes back to the template's menu. Checked by the caller
    /// ([`flowhq_domain::bot::check_menu`]), its files already stored.
    pub menu: Option<Option<Vec<MenuItem>>>,
}

impl ConfigPatch {
    /// `config` with this patch's fields in place of its own: what the
    /// store writes, and what a preview of unsaved settings answers from.
    pub fn applied_to(&self, config: TenantConfig) -> TenantConfig {
        let patch = self.clone();
        TenantConfig {
            template_type: patch.template_type.unwrap_or(config.template_type),
            business_name: patch
                .business_name
                .map_or(config.business_name, |name| name.as_str().to_owned()),
            language: patch.language.unwrap_or(config.language),
            hours: patch.hours.unwrap_or(config.hours),
            overrides: patch.overrides.unwrap_or(config.overrides),
            closures: patch.closures.unwrap_or(config.closures),
            special_hours: patch.special_hours.unwrap_or(config.special_hours),
            facts: patch.facts.unwrap_or(config.facts),
            menu: patch.menu.unwrap_or(config.menu),
            ..config
        }
    }

    pub fn is_empty(&self) -> bool {
        self.template_type.is_none()
            && self.business_name.is_none()
            && self.language.is_none()
            && self.hours.is_none()
            && self.overrides.is_none()
            && self.closures.is_none()
            && self.special_hours.is_none()
            && self.facts.is_none()
            && self.menu.is_none()
    }
}

/// A tenant with everything hanging off it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TenantDetail {
    #[serde(flatten)]
    pub tenant: Tenant,
    pub config: TenantConfig,
    pub session: WhatsappSession,
    pub worker: WorkerProcess,
    /// The latest setup request, if any.
    pub setup_request: Option<SetupRequest>,
}

#[derive(Clone, Debug, Default)]
pub struct TenantFilter {
    pub status: Option<TenantStatus>,
    /// Matches name or phone number, case-insensitively.
    pub q: Option<String>,
    pub limit: u32,
    /// The id of the last tenant of the previous page.
    pub cursor: Option<TenantId>,
}

/// A status change that happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transition {
    pub from: TenantStatus,
    pub to: TenantStatus,
}

const DETAIL_BY_ID: &str = concat!(tenant_detail_select!(), " WHERE t.id = $1");

impl Store {
    pub async fn create_tenant(&self, new: &NewTenant) -> Result<TenantDetail> {
        let mut tx = self.begin().await?;
        let id = self.create_tenant_in(&mut tx, new).await?;
        let detail = self.tenant_detail_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(detail)
    }

    /// Creates the tenant, its config, session and worker rows inside `tx`
    /// (the seed's nested create).
    pub async fn create_tenant_in(&self, tx: &mut Tx, new: &NewTenant) -> Result<TenantId> {
        let now = millis(Utc::now());
        let id = TenantId::new();
        sqlx::query(
            "INSERT INTO tenant (id, name, phone_number, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(id.to_string())
        .bind(new.name.as_str())
        .bind(new.phone_number.as_str())
        .bind(TenantStatus::New.as_str())
        .bind(now)
        .execute(&mut **tx)
        .await?;
        let config = &new.config;
        sqlx::query(
            "INSERT INTO tenant_config (id, tenant_id, template_type, business_name, language, \
             hours_json, overrides_json, created_at, updated_at, closures_json, \
             special_hours_json, facts_json, menu_json) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11, $12)",
        )
        .bind(TenantConfigId::new().to_string())
        .bind(id.to_string())
        .bind(config.template_type.as_str())
        .bind(config.business_name.as_str())
        .bind(config.language.as_str())
        .bind(config.hours.to_json().to_string())
        .bind(serde_json::Value::Object(config.overrides.clone()).to_string())
        .bind(now)
        .bind(to_json(&config.closures))
        .bind(to_json(&config.special_hours))
        .bind(to_json(&config.facts))
        .bind(config.menu.as_ref().map(to_json))
        .execute(&mut **tx)
        .await?;
        sqlx::query(
            "INSERT INTO whatsapp_session (id, tenant_id, state, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(SessionId::new().to_string())
        .bind(id.to_string())
        .bind(SessionState::Disconnected.as_str())
        .bind(now)
        .execute(&mut **tx)
        .await?;
        sqlx::query(
            "INSERT INTO worker_process (id, tenant_id, process_name, status, restarts, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, 0, $5, $5)",
        )
        .bind(WorkerProcessId::new().to_string())
        .bind(id.to_string())
        .bind(WorkerProcess::process_name_for(id))
        .bind(WorkerStatus::Stopped.as_str())
        .bind(now)
        .execute(&mut **tx)
        .await?;
        Ok(id)
    }

    pub async fn tenant_detail(&self, id: TenantId) -> Result<TenantDetail> {
        let row = sqlx::query(DETAIL_BY_ID)
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        crate::rows::found(row, detail_from_row, "tenant")
    }

    pub async fn tenant_detail_in(&self, tx: &mut Tx, id: TenantId) -> Result<TenantDetail> {
        let row = sqlx::query(DETAIL_BY_ID)
            .bind(id.to_string())
            .fetch_optional(&mut **tx)
            .await?;
        crate::rows::found(row, detail_from_row, "tenant")
    }

    pub async fn tenant(&self, id: TenantId) -> Result<Tenant> {
        let row = sqlx::query(concat!(
            "SELECT ",
            tenant_columns!(),
            " FROM tenant t WHERE t.id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?;
        crate::rows::found(row, tenant_from_row, "tenant")
    }

    /// The tenants an automatic retry may bring back, with their status:
    /// those in ERROR, and those whose worker failed (stale or crash-
    /// looping) while the tenant could not go ERROR: still APPROVED (the
    /// worker never reported) or PAUSED. Without this such a tenant would
    /// keep its status with no worker, waiting for nothing.
    pub async fn tenants_to_heal(&self) -> Result<Vec<(TenantId, TenantStatus)>> {
        let rows = sqlx::query(
            "SELECT t.id AS id, t.status AS status FROM tenant t \
             LEFT JOIN worker_process w ON w.tenant_id = t.id \
             WHERE t.status = 'ERROR' \
             OR (t.status IN ('APPROVED', 'PAUSED') AND w.status = 'ERROR')",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| Ok((row.parsed("id")?, row.parsed("status")?)))
            .collect()
    }

    /// Tenants newest first, filtered, one page at a time.
    pub async fn list_tenants(&self, filter: &TenantFilter) -> Result<Page<TenantDetail>> {
        let mut sql = String::from(tenant_detail_select!());
        let Some((conditions, binds)) = filter_conditions(filter, true) else {
            return Ok(Page {
                items: Vec::new(),
                next_cursor: None,
            });
        };
        if !conditions.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&conditions.join(" AND "));
        }
        let limit = filter.limit.clamp(1, 200);
        // One extra row tells whether there is a next page.
        sql.push_str(&format!(" ORDER BY t.id DESC LIMIT {}", limit + 1));

        let mut query = sqlx::query(AssertSqlSafe(sql));
        for value in binds {
            query = query.bind(value);
        }
        let rows = query.fetch_all(self.pool()).await?;
        let items = rows
            .iter()
            .map(detail_from_row)
            .collect::<Result<Vec<_>>>()?;
        Ok(Page::from_overfetch(items, limit, |d| {
            d.tenant.id.to_string()
        }))
    }

    /// How many tenants match `filter` (its cursor aside): "of 132".
    pub async fn count_tenants(&self, filter: &TenantFilter) -> Result<i64> {
        let Some((conditions, binds)) = filter_conditions(filter, false) else {
            return Ok(0);
        };
        let mut sql = String::from("SELECT COUNT(*) FROM tenant t");
        if !conditions.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&conditions.join(" AND "));
        }
        let mut query = sqlx::query_as::<_, (i64,)>(AssertSqlSafe(sql));
        for value in binds {
            query = query.bind(value);
        }
        Ok(query.fetch_one(self.pool()).await?.0)
    }

    /// Each of `tenants`' messages logged since `since`, and when it last
    /// logged one: the console's list. Two index lookups per tenant
    /// (`message_log (tenant_id, created_at)`), whatever the log's size.
    pub async fn tenant_activity(
        &self,
        tenants: &[TenantId],
        since: chrono::DateTime<Utc>,
    ) -> Result<Vec<(TenantId, i64, Option<chrono::DateTime<Utc>>)>> {
        if tenants.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT t.id AS id, \
               (SELECT COUNT(*) FROM message_log m WHERE m.tenant_id = t.id AND m.created_at >= $1) AS recent, \
               (SELECT MAX(m.created_at) FROM message_log m WHERE m.tenant_id = t.id) AS last_at \
             FROM tenant t WHERE t.id IN ({})",
            crate::placeholders::list(2, tenants.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(millis(since));
        for tenant in tenants {
            query = query.bind(tenant.to_string());
        }
        let rows = query.fetch_all(self.pool()).await?;
        rows.iter()
            .map(|row| {
                Ok((
                    row.parsed("id")?,
                    row.int("recent")?,
                    row.time_opt("last_at")?,
                ))
            })
            .collect()
    }

    /// Applies `patch`; a settings change is recorded in the tenant's
    /// history as `actor`'s.
    pub async fn update_tenant(
        &self,
        id: TenantId,
        patch: &TenantPatch,
        actor: &str,
    ) -> Result<TenantDetail> {
        let mut tx = self.begin().await?;
        let current = self.tenant_detail_in(&mut tx, id).await?;
        let now = millis(Utc::now());
        let name = patch
            .name
            .as_ref()
            .map_or(current.tenant.name.as_str(), Name::as_str);
        let phone = patch
            .phone_number
            .as_ref()
            .map_or(current.tenant.phone_number.as_str(), PhoneNumber::as_str);
        sqlx::query(
            "UPDATE tenant SET name = $1, phone_number = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(name)
        .bind(phone)
        .bind(now)
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
        if !patch.config.is_empty() {
            let (before, after) = self.update_config_in(&mut tx, id, &patch.config).await?;
            config_history::record(&mut tx, actor, &before, &after).await?;
        }
        let detail = self.tenant_detail_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(detail)
    }

    /// Applies a config patch inside `tx`; the tenant must exist.
    pub async fn update_config_in(
        &self,
        tx: &mut Tx,
        id: TenantId,
        patch: &ConfigPatch,
    ) -> Result<(TenantConfig, TenantConfig)> {
        let row = sqlx::query(concat!(
            "SELECT ",
            config_columns!(),
            " FROM tenant_config c WHERE c.tenant_id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound("tenant"))?;
        let before = config_from_row(&row)?;
        let next = patch.applied_to(before.clone());
        sqlx::query(
            "UPDATE tenant_config SET template_type = $1, business_name = $2, language = $3, \
             hours_json = $4, overrides_json = $5, updated_at = $6, closures_json = $8, \
             special_hours_json = $9, facts_json = $10, menu_json = $11 WHERE tenant_id = $7",
        )
        .bind(next.template_type.as_str())
        .bind(&next.business_name)
        .bind(next.language.as_str())
        .bind(next.hours.to_json().to_string())
        .bind(serde_json::Value::Object(next.overrides.clone()).to_string())
        .bind(millis(Utc::now()))
        .bind(id.to_string())
        .bind(to_json(&next.closures))
        .bind(to_json(&next.special_hours))
        .bind(to_json(&next.facts))
        .bind(next.menu.as_ref().map(to_json))
        .execute(&mut **tx)
        .await?;
        if let Some(name) = &patch.business_name {
            // The tenant is the business: operators find it by the name its
            // customers know, not by its owner's.
            sqlx::query("UPDATE tenant SET name = $1, updated_at = $2 WHERE id = $3")
                .bind(name.as_str())
                .bind(millis(Utc::now()))
                .bind(id.to_string())
                .execute(&mut **tx)
                .await?;
        }
        Ok((before, next))
    }

    pub async fn tenant_config(&self, id: TenantId) -> Result<TenantConfig> {
        let row = sqlx::query(concat!(
            "SELECT ",
            config_columns!(),
            " FROM tenant_config c WHERE c.tenant_id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?;
        crate::rows::found(row, config_from_row, "tenant")
    }

    /// The language the tenant's bot answers in: what its owners' pages
    /// follow until they choose one.
    pub async fn tenant_language(&self, id: TenantId) -> Result<Language> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT language FROM tenant_config WHERE tenant_id = $1")
                .bind(id.to_string())
                .fetch_optional(self.pool())
                .await?;
        let (language,) = row.ok_or(StoreError::NotFound("tenant"))?;
        language
            .parse()
            .map_err(|e| StoreError::Corrupt(format!("tenant_config.language: {e}")))
    }

    /// Deletes a tenant and, by cascade, everything it owns.
    pub async fn delete_tenant(&self, id: TenantId) -> Result<()> {
        let result = sqlx::query("DELETE FROM tenant WHERE id = $1")
            .bind(id.to_string())
            .execute(self.pool())
            .await?;
        if result.rows_affected() == 0 {
            return Err(StoreError::NotFound("tenant"));
        }
        Ok(())
    }

    /// Moves a tenant on `event` through the status machine and records the
    /// change in its audit trail, inside `tx`. This is the only code that
    /// writes `tenant.status`.
    ///
    /// A refused move is an error for people's requests; for events that
    /// workers and monitors report again and again it is a no-op (`None`).
    pub async fn transition(
        &self,
        tx: &mut Tx,
        id: TenantId,
        event: Event,
        actor: &str,
    ) -> Result<Option<Transition>> {
        let sql = match self.backend() {
            crate::Backend::Sqlite => "SELECT status FROM tenant WHERE id = $1",
            crate::Backend::Postgres => "SELECT status FROM tenant WHERE id = $1 FOR UPDATE",
        };
        let row = sqlx::query(sql)
            .bind(id.to_string())
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(StoreError::NotFound("tenant"))?;
        let from: TenantStatus = row.parsed("status")?;
        let to = match lifecycle::next(from, event) {
            Ok(to) => to,
            Err(_) if event.is_reported() => return Ok(None),
            Err(refused) => return Err(refused.into()),
        };
        let now = Utc::now();
        sqlx::query("UPDATE tenant SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(to.as_str())
            .bind(millis(now))
            .bind(id.to_string())
            .execute(&mut **tx)
            .await?;
        events::insert(tx, id, from, to, event, actor, now).await?;
        let alerts = flowhq_domain::alerts::on_transition(from, to, event);
        self.apply_alert_changes_in(tx, id, &alerts, now).await?;
        let event = flowhq_domain::webhooks::tenant_event(id, from, to, event, now);
        self.queue_webhooks_in(tx, id, &[event]).await?;
        Ok(Some(Transition { from, to }))
    }

    /// [`Store::transition`] in a transaction of its own.
    pub async fn apply_event(
        &self,
        id: TenantId,
        event: Event,
        actor: &str,
    ) -> Result<Option<Transition>> {
        let mut tx = self.begin().await?;
        let transition = self.transition(&mut tx, id, event, actor).await?;
        tx.commit().await?;
        Ok(transition)
    }

    /// How many tenants are in each status: dashboards and metrics.
    pub async fn count_tenants_by_status(&self) -> Result<Vec<(TenantStatus, i64)>> {
        let rows = sqlx::query("SELECT status, COUNT(*) AS n FROM tenant GROUP BY status")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|row| Ok((row.parsed("status")?, row.try_get::<i64, _>("n")?)))
            .collect()
    }
}

pub(crate) fn tenant_from_row(row: &AnyRow) -> Result<Tenant> {
    Ok(Tenant {
        id: row.parsed("t_id")?,
        name: row.parsed("t_name")?,
        phone_number: row.parsed("t_phone_number")?,
        status: row.parsed("t_status")?,
        created_at: row.time("t_created_at")?,
        updated_at: row.time("t_updated_at")?,
    })
}

fn to_json(value: &impl Serialize) -> String {
    // Plain data with string keys: serializing it cannot fail.
    serde_json::to_string(value).expect("plain data serializes")
}

pub(crate) fn config_from_row(row: &AnyRow) -> Result<TenantConfig> {
    let hours_json: serde_json::Value = serde_json::from_str(&row.text("c_hours_json")?)
        .map_err(|e| StoreError::Corrupt(format!("hours_json: {e}")))?;
    let hours = OpeningHours::from_json(&hours_json)
        .map_err(|e| StoreError::Corrupt(format!("hours_json: {e}")))?;
    let overrides = match serde_json::from_str(&row.text("c_overrides_json")?) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => {
            return Err(StoreError::Corrupt(
                "overrides_json is not an object".into(),
            ));
        }
    };
    let closures = serde_json::from_str(&row.text("c_closures_json")?)
        .map_err(|e| StoreError::Corrupt(format!("closures_json: {e}")))?;
    let special_hours = serde_json::from_str(&row.text("c_special_hours_json")?)
        .map_err(|e| StoreError::Corrupt(format!("special_hours_json: {e}")))?;
    let facts = serde_json::from_str(&row.text("c_facts_json")?)
        .map_err(|e| StoreError::Corrupt(format!("facts_json: {e}")))?;
    let menu = row
        .text_opt("c_menu_json")?
        .map(|menu| serde_json::from_str(&menu))
        .transpose()
        .map_err(|e| StoreError::Corrupt(format!("menu_json: {e}")))?;
    Ok(TenantConfig {
        id: row.parsed("c_id")?,
        tenant_id: row.parsed("c_tenant_id")?,
        template_type: row.parsed("c_template_type")?,
        business_name: row.text("c_business_name")?,
        language: row.parsed("c_language")?,
        hours,
        overrides,
        closures,
        special_hours,
        facts,
        menu,
        created_at: row.time("c_created_at")?,
        updated_at: row.time("c_updated_at")?,
    })
}

fn detail_from_row(row: &AnyRow) -> Result<TenantDetail> {
    let setup_request = match row.text_opt("r_id")? {
        Some(_) => Some(setup_requests::from_row(row)?),
        None => None,
    };
    Ok(TenantDetail {
        tenant: tenant_from_row(row)?,
        config: config_from_row(row)?,
        session: sessions::from_row(row)?,
        worker: workers::from_row(row)?,
        setup_request,
    })
}

/// The `WHERE` conditions of a tenant list and their values (`$1`, …);
/// `None` when nothing can match. `with_cursor`: the page's cursor too.
fn filter_conditions(
    filter: &TenantFilter,
    with_cursor: bool,
) -> Option<(Vec<String>, Vec<String>)> {
    let mut conditions = Vec::new();
    let mut binds: Vec<String> = Vec::new();
    if let Some(status) = filter.status {
        binds.push(status.as_str().to_owned());
        conditions.push(format!("t.status = ${}", binds.len()));
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        // No name or number holds a NUL, and PostgreSQL refuses one in
        // a text parameter (an error, not "no match").
        if q.contains('\0') {
            return None;
        }
        binds.push(like_pattern(q));
        let n = binds.len();
        conditions.push(format!(
            "(LOWER(t.name) LIKE ${n} ESCAPE '\\' OR t.phone_number LIKE ${n} ESCAPE '\\')"
        ));
    }
    if with_cursor && let Some(cursor) = filter.cursor {
        binds.push(cursor.to_string());
        conditions.push(format!("t.id < ${}", binds.len()));
    }
    Some((conditions, binds))
}
