//! A tenant's settings history: who changed which settings, when, and
//! their values before, so that changes can be undone, the latest first.

use chrono::{DateTime, Utc};
use flowhq_domain::entities::TenantConfig;
use flowhq_domain::hours::OpeningHours;
use flowhq_domain::values::Name;
use flowhq_domain::{ConfigChangeId, TenantId};
use serde::Serialize;
use sqlx::any::AnyRow;

use crate::rows::{RowExt, millis};
use crate::tenants::ConfigPatch;
use crate::{Result, Store, StoreError, Tx};

/// The columns [`from_row`] reads.
macro_rules! change_columns {
    () => {
        "id, actor, fields, created_at, undone_at, undone_by"
    };
}

/// One change to a tenant's settings.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ConfigChange {
    pub id: ConfigChangeId,
    /// Who: `owner:<email>`, `admin:<email>`, …
    pub actor: String,
    /// The settings it changed: `hours`, `closures`, `overrides`, …
    pub fields: Vec<String>,
    pub created_at: DateTime<Utc>,
    /// When it was undone, and by whom; `None` while it holds.
    pub undone_at: Option<DateTime<Utc>>,
    pub undone_by: Option<String>,
}

/// The settings a change is recorded for, by the names a PATCH uses, with
/// their stored JSON.
fn settings(config: &TenantConfig) -> [(&'static str, serde_json::Value); 9] {
    [
        ("template_type", config.template_type.as_str().into()),
        ("business_name", config.business_name.clone().into()),
        ("language", config.language.as_str().into()),
        ("hours", config.hours.to_json()),
        ("overrides", config.overrides.clone().into()),
        ("closures", json(&config.closures)),
        ("special_hours", json(&config.special_hours)),
        ("facts", json(&config.facts)),
        ("menu", json(&config.menu)),
    ]
}

fn json(value: &impl Serialize) -> serde_json::Value {
    // Plain data: serializing it cannot fail.
    serde_json::to_value(value).unwrap_or_default()
}

/// Records the change from `before` to `after` by `actor`, if anything
/// changed.
pub(crate) async fn record(
    tx: &mut Tx,
    actor: &str,
    before: &TenantConfig,
    after: &TenantConfig,
) -> Result<()> {
    let mut fields = Vec::new();
    let mut values = serde_json::Map::new();
    for ((name, old), (_, new)) in settings(before).into_iter().zip(settings(after)) {
        if old != new {
            fields.push(name);
            values.insert(name.to_owned(), old);
        }
    }
    if fields.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO tenant_config_change (id, tenant_id, actor, fields, before_json, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(ConfigChangeId::new().to_string())
    .bind(before.tenant_id.to_string())
    .bind(actor)
    .bind(json(&fields).to_string())
    .bind(serde_json::Value::Object(values).to_string())
    .bind(millis(Utc::now()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The patch that puts back what a change replaced.
fn restoring(before: &serde_json::Value) -> Result<ConfigPatch> {
    let corrupt = |field: &str, e: &dyn std::fmt::Display| {
        StoreError::Corrupt(format!("tenant_config_change.before_json {field}: {e}"))
    };
    let text = |field: &str| -> Result<Option<String>> {
        match before.get(field) {
            None => Ok(None),
            Some(value) => value
                .as_str()
                .map(|s| Some(s.to_owned()))
                .ok_or_else(|| corrupt(field, &"not text")),
        }
    };
    let list = |field: &str| -> Option<serde_json::Value> { before.get(field).cloned() };
    Ok(ConfigPatch {
        template_type: text("template_type")?
            .map(|t| t.parse().map_err(|_| corrupt("template_type", &t)))
            .transpose()?,
        business_name: text("business_name")?
            .map(|n| Name::parse(&n).map_err(|e| corrupt("business_name", &e)))
            .transpose()?,
        language: text("language")?
            .map(|l| l.parse().map_err(|_| corrupt("language", &l)))
            .transpose()?,
        hours: list("hours")
            .map(|h| OpeningHours::from_json(&h).map_err(|e| corrupt("hours", &e)))
            .transpose()?,
        overrides: list("overrides")
            .map(|o| match o {
                serde_json::Value::Object(map) => Ok(map),
                _ => Err(corrupt("overrides", &"not an object")),
            })
            .transpose()?,
        closures: list("closures")
            .map(|c| serde_json::from_value(c).map_err(|e| corrupt("closures", &e)))
            .transpose()?,
        special_hours: list("special_hours")
            .map(|d| serde_json::from_value(d).map_err(|e| corrupt("special_hours", &e)))
            .transpose()?,
        facts: list("facts")
            .map(|f| serde_json::from_value(f).map_err(|e| corrupt("facts", &e)))
            .transpose()?,
        // `null` was the template's menu: back to it.
        menu: list("menu")
            .map(|m| serde_json::from_value(m).map_err(|e| corrupt("menu", &e)))
            .transpose()?,
    })
}

impl Store {
    /// The tenant's settings changes, newest first (the latest 100).
    pub async fn config_history(&self, tenant: TenantId) -> Result<Vec<ConfigChange>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            change_columns!(),
            " FROM tenant_config_change WHERE tenant_id = $1 ORDER BY id DESC LIMIT 100"
        ))
        .bind(tenant.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// Undoes the tenant's latest change still in force: its settings go
    /// back to what they were before it. `Conflict` when there is none.
    pub async fn undo_config_change(&self, tenant: TenantId, actor: &str) -> Result<ConfigChange> {
        let mut tx = self.begin().await?;
        let row = sqlx::query(
            "SELECT id, before_json FROM tenant_config_change \
             WHERE tenant_id = $1 AND undone_at IS NULL ORDER BY id DESC LIMIT 1",
        )
        .bind(tenant.to_string())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::Conflict("there is no change to undo".into()))?;
        let id = row.text("id")?;
        let before: serde_json::Value = serde_json::from_str(&row.text("before_json")?)
            .map_err(|e| StoreError::Corrupt(format!("tenant_config_change.before_json: {e}")))?;
        self.update_config_in(&mut tx, tenant, &restoring(&before)?)
            .await?;
        sqlx::query("UPDATE tenant_config_change SET undone_at = $1, undone_by = $2 WHERE id = $3")
            .bind(millis(Utc::now()))
            .bind(actor)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        let row = sqlx::query(concat!(
            "SELECT ",
            change_columns!(),
            " FROM tenant_config_change WHERE id = $1"
        ))
        .bind(&id)
        .fetch_one(&mut *tx)
        .await?;
        let change = from_row(&row)?;
        tx.commit().await?;
        Ok(change)
    }
}

fn from_row(row: &AnyRow) -> Result<ConfigChange> {
    let fields = serde_json::from_str(&row.text("fields")?)
        .map_err(|e| StoreError::Corrupt(format!("tenant_config_change.fields: {e}")))?;
    Ok(ConfigChange {
        id: row.parsed("id")?,
        actor: row.text("actor")?,
        fields,
        created_at: row.time("created_at")?,
        undone_at: row.time_opt("undone_at")?,
        undone_by: row.text_opt("undone_by")?,
    })
}
