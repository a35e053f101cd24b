//! Alerts: one row per incident (`flowhq_domain::alerts`), opened where
//! the facts are recorded (a tenant's status change, a session report) in
//! the same transaction, and marked as told when the server queues the
//! mails about it. Each user's choice of kinds to hear about lives in
//! `user_alert_pref`.

use chrono::{DateTime, Duration, Utc};
use flowhq_domain::alerts::{AlertChange, AlertKind, GRACE};
use flowhq_domain::entities::User;
use flowhq_domain::{Role, TenantId, UserId};
use serde::Serialize;
use sqlx::any::AnyRow;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::rows::{RowExt, millis};
use crate::{Page, Result, Store, Tx, users};

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Alert {
    pub id: Uuid,
    pub tenant_id: TenantId,
    /// The business, for people.
    pub tenant_name: String,
    pub kind: AlertKind,
    /// Words about the cause, e.g. a ban's length.
    pub detail: Option<String>,
    pub opened_at: DateTime<Utc>,
    /// When the current open stretch began (a flapping incident reopens).
    pub open_since: DateTime<Utc>,
    /// The last time the cause was seen.
    pub last_raised_at: DateTime<Utc>,
    /// How often the cause was seen in this incident.
    pub raised_count: i64,
    /// `null` while open.
    pub cleared_at: Option<DateTime<Utc>>,
    /// When the "it happened" mail was queued; `null`: not (yet) told.
    pub notified_at: Option<DateTime<Utc>>,
    /// When the "back to normal" mail was queued.
    pub cleared_notified_at: Option<DateTime<Utc>>,
}

/// `tenant_name` is the business's name as the owner set it up.
const COLUMNS: &str = "a.id, a.tenant_id, c.business_name AS tenant_name, a.kind, a.detail, a.opened_at, \
                       a.open_since, a.last_raised_at, a.raised_count, a.cleared_at, \
                       a.notified_at, a.cleared_notified_at";

fn grace() -> Duration {
    Duration::from_std(GRACE).expect("a short grace")
}

impl Store {
    /// Applies what a fact does to `tenant`'s alerts, inside the transaction
    /// that records the fact.
    pub async fn apply_alert_changes_in(
        &self,
        tx: &mut Tx,
        tenant: TenantId,
        changes: &[AlertChange],
        now: DateTime<Utc>,
    ) -> Result<()> {
        for change in changes {
            match change {
                AlertChange::Raise { kind, detail } => {
                    self.raise_alert_in(tx, tenant, *kind, detail.as_deref(), now)
                        .await?
                }
                AlertChange::Clear(kind) => {
                    sqlx::query(
                        "UPDATE alert SET cleared_at = $1 WHERE tenant_id = $2 AND kind = $3 \
                         AND cleared_at IS NULL",
                    )
                    .bind(millis(now))
                    .bind(tenant.to_string())
                    .bind(kind.as_str())
                    .execute(&mut **tx)
                    .await?;
                }
            }
        }
        Ok(())
    }

    /// Opens an incident of `kind`, unless one is open (then it is seen
    /// again) or one cleared within the grace period (then it reopens: a
    /// flapping cause is one incident).
    async fn raise_alert_in(
        &self,
        tx: &mut Tx,
        tenant: TenantId,
        kind: AlertKind,
        detail: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let latest: Option<(String, Option<i64>)> = sqlx::query_as(
            "SELECT id, cleared_at FROM alert WHERE tenant_id = $1 AND kind = $2 \
             ORDER BY opened_at DESC LIMIT 1",
        )
        .bind(tenant.to_string())
        .bind(kind.as_str())
        .fetch_optional(&mut **tx)
        .await?;
        let now_ms = millis(now);
        match latest {
            Some((id, None)) => {
                sqlx::query(
                    "UPDATE alert SET last_raised_at = $1, raised_count = raised_count + 1, \
                     detail = COALESCE($2, detail) WHERE id = $3",
                )
                .bind(now_ms)
                .bind(detail)
                .bind(id)
                .execute(&mut **tx)
                .await?;
            }
            Some((id, Some(cleared))) if cleared > millis(now - grace()) => {
                sqlx::query(
                    "UPDATE alert SET cleared_at = NULL, open_since = $1, last_raised_at = $1, \
                     raised_count = raised_count + 1, detail = COALESCE($2, detail) WHERE id = $3",
                )
                .bind(now_ms)
                .bind(detail)
                .bind(id)
                .execute(&mut **tx)
                .await?;
            }
            _ => {
                sqlx::query(
                    "INSERT INTO alert (id, tenant_id, kind, detail, opened_at, open_since, \
                     last_raised_at, raised_count) VALUES ($1, $2, $3, $4, $5, $5, $5, 1)",
                )
                .bind(Uuid::now_v7().to_string())
                .bind(tenant.to_string())
                .bind(kind.as_str())
                .bind(detail)
                .bind(now_ms)
                .execute(&mut **tx)
                .await?;
            }
        }
        Ok(())
    }

    /// Open incidents nobody was told about yet (the caller checks each
    /// kind's delay).
    pub async fn alerts_to_notify(&self) -> Result<Vec<Alert>> {
        self.alerts_where("a.cleared_at IS NULL AND a.notified_at IS NULL")
            .await
    }

    /// Cleared incidents that people were told about, still waiting for
    /// their "back to normal".
    pub async fn alerts_to_notify_cleared(&self) -> Result<Vec<Alert>> {
        self.alerts_where(
            "a.cleared_at IS NOT NULL AND a.notified_at IS NOT NULL \
             AND a.cleared_notified_at IS NULL",
        )
        .await
    }

    async fn alerts_where(&self, condition: &str) -> Result<Vec<Alert>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM alert a JOIN tenant_config c ON c.tenant_id = a.tenant_id \
             WHERE {condition} ORDER BY a.id LIMIT 500"
        )))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// Marks an incident as told (`cleared`: its "back to normal"), in the
    /// transaction that queues the mails. `false` when someone else did
    /// first, or the incident changed meanwhile.
    pub async fn mark_alert_notified_in(
        &self,
        tx: &mut Tx,
        id: Uuid,
        cleared: bool,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let sql = if cleared {
            "UPDATE alert SET cleared_notified_at = $1 WHERE id = $2 \
             AND cleared_at IS NOT NULL AND cleared_notified_at IS NULL"
        } else {
            "UPDATE alert SET notified_at = $1 WHERE id = $2 \
             AND cleared_at IS NULL AND notified_at IS NULL"
        };
        let result = sqlx::query(sql)
            .bind(millis(now))
            .bind(id.to_string())
            .execute(&mut **tx)
            .await?;
        Ok(result.rows_affected() == 1)
    }

    /// Who hears of `kind` about `tenant`: its owner (`Role::Owner`) or
    /// every admin, less those who turned the kind off.
    pub async fn alert_recipients(
        &self,
        role: Role,
        tenant: TenantId,
        kind: AlertKind,
    ) -> Result<Vec<User>> {
        let scope = match role {
            Role::Owner => "u.role = 'OWNER' AND u.tenant_id = $1",
            Role::Staff => "u.role = 'STAFF' AND u.tenant_id = $1",
            Role::Admin => "u.role = 'ADMIN' AND $1 = $1",
        };
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {} FROM app_user u WHERE {scope} AND NOT EXISTS (\
             SELECT 1 FROM user_alert_pref p WHERE p.user_id = u.id AND p.kind = $2 \
             AND p.enabled = 0) ORDER BY u.id",
            user_columns!()
        )))
        .bind(tenant.to_string())
        .bind(kind.as_str())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(users::from_row).collect()
    }

    /// The kinds `user` turned off.
    pub async fn alerts_turned_off(&self, user: UserId) -> Result<Vec<AlertKind>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT kind FROM user_alert_pref WHERE user_id = $1 AND enabled = 0 \
             AND kind <> 'WEEKLY_DIGEST' ORDER BY kind",
        )
        .bind(user.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|(k,)| {
                k.parse()
                    .map_err(|e| crate::StoreError::Corrupt(format!("user_alert_pref.kind: {e}")))
            })
            .collect()
    }

    /// Turns one kind on or off for `user`.
    pub async fn set_alert_pref(&self, user: UserId, kind: AlertKind, enabled: bool) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM user_alert_pref WHERE user_id = $1 AND kind = $2")
            .bind(user.to_string())
            .bind(kind.as_str())
            .execute(&mut *tx)
            .await?;
        if !enabled {
            sqlx::query("INSERT INTO user_alert_pref (user_id, kind, enabled) VALUES ($1, $2, 0)")
                .bind(user.to_string())
                .bind(kind.as_str())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Every incident, newest first; `cursor` is the last id of the
    /// previous page.
    pub async fn list_alerts(&self, limit: u32, cursor: Option<Uuid>) -> Result<Page<Alert>> {
        let limit = limit.clamp(1, 200);
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM alert a JOIN tenant_config c ON c.tenant_id = a.tenant_id \
             WHERE ($1 IS NULL OR a.id < $1) ORDER BY a.id DESC {}",
            crate::placeholders::limit(limit + 1)
        )))
        .bind(cursor.map(|c| c.to_string()))
        .fetch_all(self.pool())
        .await?;
        let items = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
        Ok(Page::from_overfetch(items, limit, |a| a.id.to_string()))
    }
}

fn from_row(row: &AnyRow) -> Result<Alert> {
    Ok(Alert {
        id: row.parsed("id")?,
        tenant_id: row.parsed("tenant_id")?,
        tenant_name: row.text("tenant_name")?,
        kind: row.parsed("kind")?,
        detail: row.text_opt("detail")?,
        opened_at: row.time("opened_at")?,
        open_since: row.time("open_since")?,
        last_raised_at: row.time("last_raised_at")?,
        raised_count: row.int("raised_count")?,
        cleared_at: row.time_opt("cleared_at")?,
        notified_at: row.time_opt("notified_at")?,
        cleared_notified_at: row.time_opt("cleared_notified_at")?,
    })
}
