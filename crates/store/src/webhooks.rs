//! Webhook endpoints and their deliveries.
//!
//! A delivery is queued by the statement that records its cause, in the
//! same transaction ([`Store::log_messages`], [`Store::transition`],
//! [`Store::report_session`]): one row per subscribed endpoint, written by
//! an `INSERT … SELECT` over the endpoints, so a tenant without endpoints
//! pays one indexed look-up. The sender (server, leader replica) claims due
//! deliveries in batches under a lease, posts them, and writes all the
//! outcomes of a batch in one transaction.

use chrono::{DateTime, Duration, Utc};
use flowhq_domain::TenantId;
use flowhq_domain::webhooks::{
    EndpointUrl, EventType, WebhookEvent, WebhookSecret, read_event_list, store_event_list,
};
use serde::Serialize;
use sqlx::any::AnyRow;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::rows::{RowExt, millis};
use crate::writer::{Param, Statement};
use crate::{Page, Result, Store, StoreError, Tx};

/// Whose an endpoint is: one tenant's, or the operators' (every tenant's
/// events).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    Tenant(TenantId),
    Operator,
}

impl Owner {
    fn tenant(self) -> Option<String> {
        match self {
            Owner::Tenant(id) => Some(id.to_string()),
            Owner::Operator => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct NewEndpoint {
    pub url: EndpointUrl,
    pub events: Vec<EventType>,
    pub secret: WebhookSecret,
}

/// What a PATCH changes; `None` leaves a field.
#[derive(Clone, Debug, Default)]
pub struct EndpointPatch {
    pub url: Option<EndpointUrl>,
    pub events: Option<Vec<EventType>>,
    /// A new secret; the old one keeps signing beside it until
    /// `previous_secret_until`.
    pub rotate_to: Option<(WebhookSecret, DateTime<Utc>)>,
    pub enabled: Option<bool>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct WebhookEndpoint {
    pub id: Uuid,
    /// `null`: the operators' endpoint, which gets every tenant's events.
    pub tenant_id: Option<TenantId>,
    pub url: String,
    #[schema(value_type = Vec<String>)]
    pub events: Vec<EventType>,
    /// Until when the previous secret still signs beside the new one.
    pub previous_secret_until: Option<DateTime<Utc>>,
    /// Set when deliveries kept failing for days (or by hand): nothing is
    /// queued for it until it is enabled again.
    pub disabled_at: Option<DateTime<Utc>>,
    pub disabled_reason: Option<String>,
    /// The first failure since the last success.
    pub failing_since: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeliveryStatus {
    /// Due now or after a failed attempt.
    Pending,
    Delivered,
    /// Out of retries: a dead letter, until replayed.
    Dead,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Delivered => "DELIVERED",
            Self::Dead => "DEAD",
        }
    }
}

impl std::str::FromStr for DeliveryStatus {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s.to_ascii_uppercase().as_str() {
            "PENDING" => Ok(Self::Pending),
            "DELIVERED" => Ok(Self::Delivered),
            "DEAD" => Ok(Self::Dead),
            _ => Err(format!("{s:?} is not one of pending, delivered, dead")),
        }
    }
}

/// One event for one endpoint, with its attempts.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Delivery {
    /// The event's id: the `webhook-id` header, the same on every attempt.
    pub id: String,
    pub endpoint_id: Uuid,
    pub event_type: String,
    pub status: DeliveryStatus,
    pub attempts: i64,
    /// When the next attempt is due (PENDING only).
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub last_status_code: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// The request body, as sent.
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    /// Every attempt, oldest first (only in the delivery log's items).
    pub log: Vec<Attempt>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Attempt {
    pub attempt: i64,
    pub at: DateTime<Utc>,
    /// `null`: no answer (refused, timed out, blocked address).
    pub status_code: Option<i64>,
    pub latency_ms: i64,
    pub error: Option<String>,
    /// The start of the receiver's answer.
    pub response: Option<String>,
}

/// A claimed delivery, with what the sender needs to post it.
#[derive(Clone, Debug)]
pub struct DueDelivery {
    pub endpoint_id: Uuid,
    pub event_id: String,
    pub url: String,
    pub payload: String,
    /// Every secret that signs it: the current one, and the previous one
    /// during a rotation.
    pub secrets: Vec<WebhookSecret>,
    /// This attempt's number, from 1.
    pub attempt: i64,
}

/// How an attempt went.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub endpoint_id: Uuid,
    pub event_id: String,
    pub attempt: i64,
    pub at: DateTime<Utc>,
    pub status_code: Option<u16>,
    pub latency_ms: i64,
    pub error: Option<String>,
    pub response: Option<String>,
    /// `None`: delivered. `Some(Some(at))`: failed, due again at `at`;
    /// `Some(None)`: failed for the last time.
    pub retry: Option<Option<DateTime<Utc>>>,
}

const ENDPOINT_COLUMNS: &str = "id, tenant_id, url, events, previous_secret_until, disabled_at, \
                                disabled_reason, failing_since, created_at, updated_at";

const DELIVERY_COLUMNS: &str = "endpoint_id, event_id, event_type, payload, status, attempts, \
                                next_attempt_at, last_error, last_status_code, created_at, \
                                delivered_at";

/// How long an endpoint may fail without a single success before it is
/// disabled: past the default retry window, so that only a receiver gone
/// for days is switched off.
pub const DISABLE_AFTER: Duration = Duration::days(3);

/// An event to queue, and what it waits on in the same unit of work.
pub(crate) struct Queued {
    pub event: WebhookEvent,
    /// The message log row it is about: queued only if that row exists,
    /// so a message skipped as a duplicate in the same unit queues nothing.
    pub message: Option<String>,
    /// With `message`: queued only while that message's delivery ranks
    /// below this (`DeliveryStatus::rank`), so a receipt that a concurrent
    /// one overtook queues nothing. Placed before the move it announces.
    pub behind: Option<i64>,
}

impl Queued {
    pub fn event(event: WebhookEvent) -> Self {
        Self {
            event,
            message: None,
            behind: None,
        }
    }
}

/// The statements that queue `events` of `tenant` for every active endpoint
/// subscribed to them: the tenant's and the operators'.
pub(crate) fn queue_statements(
    tenant: TenantId,
    events: &[Queued],
    now: DateTime<Utc>,
) -> Vec<Statement> {
    crate::placeholders::runs(events.len())
        .map(|run| {
            let chunk = &events[run];
            // VALUES columns are column1.. on both SQLite and PostgreSQL.
            let sql = format!(
                "INSERT INTO webhook_delivery (endpoint_id, event_id, tenant_id, event_type, \
                 payload, status, attempts, next_attempt_at, created_at) \
                 SELECT e.id, v.column1, $1, v.column2, v.column3, 'PENDING', 0, $2, $2 \
                 FROM (VALUES {}) AS v, webhook_endpoint e \
                 WHERE (e.tenant_id = $1 OR e.tenant_id IS NULL) AND e.disabled_at IS NULL \
                 AND e.events LIKE '%,' || v.column2 || ',%' \
                 AND (v.column4 IS NULL OR EXISTS (SELECT 1 FROM message_log m \
                      WHERE m.id = v.column4 AND (v.column5 IS NULL OR {} < v.column5)))",
                crate::placeholders::rows(3, chunk.len(), 5),
                crate::receipts::delivery_rank("m.status"),
            );
            let mut params: Vec<Param> = vec![tenant.to_string().into(), millis(now).into()];
            for queued in chunk {
                params.extend([
                    queued.event.id.as_str().into(),
                    queued.event.event_type.as_str().into(),
                    queued.event.payload.as_str().into(),
                    queued.message.as_deref().into(),
                    queued.behind.into(),
                ]);
            }
            Statement::new(sql, params)
        })
        .collect()
}

/// Whether an enabled endpoint, the tenant's or an operator's, could want
/// an event of `tenant`'s: without one, the unit need not build events
/// that `queue_statements` would queue for nobody.
fn hooked_query(tenant: TenantId) -> Statement {
    Statement::new(
        "SELECT 1 FROM webhook_endpoint \
         WHERE (tenant_id = $1 OR tenant_id IS NULL) AND disabled_at IS NULL LIMIT 1",
        vec![tenant.to_string().into()],
    )
}

/// [`hooked_query`] on the SQLite writer's connection, inside its unit.
pub(crate) fn hooked_on(conn: &rusqlite::Connection, tenant: TenantId) -> rusqlite::Result<bool> {
    let found = crate::writer::query(conn, &hooked_query(tenant), |_| Ok(()))?;
    Ok(!found.is_empty())
}

/// [`hooked_query`] inside a PostgreSQL unit's transaction.
pub(crate) async fn hooked_in(tx: &mut Tx, tenant: TenantId) -> Result<bool> {
    let found = hooked_query(tenant)
        .sqlx()
        .fetch_optional(&mut **tx)
        .await?;
    Ok(found.is_some())
}

/// Deliveries due at `$1` to endpoints still enabled, as `d` and `e`: the
/// sender's look and its claim read the same set.
const DUE_NOW: &str = "FROM webhook_delivery d JOIN webhook_endpoint e ON e.id = d.endpoint_id \
                       WHERE d.status = 'PENDING' AND d.next_attempt_at <= $1 \
                       AND e.disabled_at IS NULL";

impl Store {
    /// Queues `events` inside the caller's transaction: a status change, a
    /// session report.
    pub async fn queue_webhooks_in(
        &self,
        tx: &mut Tx,
        tenant: TenantId,
        events: &[WebhookEvent],
    ) -> Result<()> {
        let events: Vec<_> = events.iter().cloned().map(Queued::event).collect();
        for statement in queue_statements(tenant, &events, Utc::now()) {
            statement.sqlx().execute(&mut **tx).await?;
        }
        Ok(())
    }

    pub async fn create_webhook_endpoint(
        &self,
        owner: Owner,
        new: &NewEndpoint,
    ) -> Result<WebhookEndpoint> {
        let id = Uuid::now_v7();
        let now = millis(Utc::now());
        sqlx::query(
            "INSERT INTO webhook_endpoint (id, tenant_id, url, events, secret, created_at, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(id.to_string())
        .bind(owner.tenant())
        .bind(new.url.as_str())
        .bind(store_event_list(&new.events))
        .bind(new.secret.expose())
        .bind(now)
        .execute(self.pool())
        .await?;
        self.webhook_endpoint(owner, id).await
    }

    pub async fn webhook_endpoints(&self, owner: Owner) -> Result<Vec<WebhookEndpoint>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoint WHERE {} ORDER BY created_at, id",
            owner_filter(owner, 1)
        )))
        .bind(owner.tenant())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(endpoint_from_row).collect()
    }

    /// One endpoint of `owner`: another owner's is not found.
    pub async fn webhook_endpoint(&self, owner: Owner, id: Uuid) -> Result<WebhookEndpoint> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoint WHERE id = $2 AND {}",
            owner_filter(owner, 1)
        )))
        .bind(owner.tenant())
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound("webhook endpoint"))?;
        endpoint_from_row(&row)
    }

    pub async fn update_webhook_endpoint(
        &self,
        owner: Owner,
        id: Uuid,
        patch: &EndpointPatch,
    ) -> Result<WebhookEndpoint> {
        let mut tx = self.begin().await?;
        let filter = owner_filter(owner, 1);
        let found = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT id FROM webhook_endpoint WHERE id = $2 AND {filter}"
        )))
        .bind(owner.tenant())
        .bind(id.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        if found.is_none() {
            return Err(StoreError::NotFound("webhook endpoint"));
        }
        let now = millis(Utc::now());
        let id = id.to_string();
        if let Some(url) = &patch.url {
            sqlx::query("UPDATE webhook_endpoint SET url = $1 WHERE id = $2")
                .bind(url.as_str())
                .bind(&id)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(events) = &patch.events {
            sqlx::query("UPDATE webhook_endpoint SET events = $1 WHERE id = $2")
                .bind(store_event_list(events))
                .bind(&id)
                .execute(&mut *tx)
                .await?;
        }
        if let Some((secret, until)) = &patch.rotate_to {
            sqlx::query(
                "UPDATE webhook_endpoint SET previous_secret = secret, secret = $1, \
                 previous_secret_until = $2 WHERE id = $3",
            )
            .bind(secret.expose())
            .bind(millis(*until))
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        }
        match patch.enabled {
            Some(true) => {
                sqlx::query(
                    "UPDATE webhook_endpoint SET disabled_at = NULL, disabled_reason = NULL, \
                     failing_since = NULL WHERE id = $1",
                )
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            }
            Some(false) => {
                sqlx::query(
                    "UPDATE webhook_endpoint SET disabled_at = COALESCE(disabled_at, $1), \
                     disabled_reason = COALESCE(disabled_reason, 'disabled by hand') WHERE id = $2",
                )
                .bind(now)
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            }
            None => {}
        }
        sqlx::query("UPDATE webhook_endpoint SET updated_at = $1 WHERE id = $2")
            .bind(now)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.webhook_endpoint(owner, id.parse().expect("a uuid we wrote"))
            .await
    }

    /// Deletes an endpoint with its deliveries and their log.
    pub async fn delete_webhook_endpoint(&self, owner: Owner, id: Uuid) -> Result<()> {
        let mut tx = self.begin().await?;
        let found = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT id FROM webhook_endpoint WHERE id = $2 AND {}",
            owner_filter(owner, 1)
        )))
        .bind(owner.tenant())
        .bind(id.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        if found.is_none() {
            return Err(StoreError::NotFound("webhook endpoint"));
        }
        // Children first: SQLite enforces the foreign keys but the cascade
        // is spelled out so both backends delete the same way.
        for table in ["webhook_attempt", "webhook_delivery"] {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DELETE FROM {table} WHERE endpoint_id = $1"
            )))
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("DELETE FROM webhook_endpoint WHERE id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// An endpoint's deliveries, newest first, with each one's attempts;
    /// `before` is the previous page's cursor (an event id).
    pub async fn webhook_deliveries(
        &self,
        owner: Owner,
        endpoint: Uuid,
        status: Option<DeliveryStatus>,
        limit: u32,
        before: Option<&str>,
    ) -> Result<Page<Delivery>> {
        self.webhook_endpoint(owner, endpoint).await?;
        let limit = limit.clamp(1, 200);
        // Event ids are `evt_` and a UUIDv7: their order is their time order.
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_delivery WHERE endpoint_id = $1 \
             AND ($2 IS NULL OR status = $2) AND ($3 IS NULL OR event_id < $3) \
             ORDER BY event_id DESC {}",
            crate::placeholders::limit(limit + 1)
        )))
        .bind(endpoint.to_string())
        .bind(status.map(DeliveryStatus::as_str))
        .bind(before)
        .fetch_all(self.pool())
        .await?;
        let mut items = rows
            .iter()
            .map(delivery_from_row)
            .collect::<Result<Vec<_>>>()?;
        for item in &mut items {
            item.log = self.webhook_attempts(endpoint, &item.id).await?;
        }
        Ok(Page::from_overfetch(items, limit, |d| d.id.clone()))
    }

    async fn webhook_attempts(&self, endpoint: Uuid, event: &str) -> Result<Vec<Attempt>> {
        let rows = sqlx::query(
            "SELECT attempt, at, status_code, latency_ms, error, response FROM webhook_attempt \
             WHERE endpoint_id = $1 AND event_id = $2 ORDER BY attempt",
        )
        .bind(endpoint.to_string())
        .bind(event)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Attempt {
                    attempt: row.int("attempt")?,
                    at: row.time("at")?,
                    status_code: row.int_opt("status_code")?,
                    latency_ms: row.int("latency_ms")?,
                    error: row.text_opt("error")?,
                    response: row.text_opt("response")?,
                })
            })
            .collect()
    }

    /// Makes dead letters due again now: one (`Some(event id)`) or all of
    /// the endpoint's. Returns how many. A replay starts a fresh round of
    /// retries; the attempt log keeps counting.
    pub async fn replay_webhook_deliveries(
        &self,
        owner: Owner,
        endpoint: Uuid,
        event: Option<&str>,
    ) -> Result<u64> {
        self.webhook_endpoint(owner, endpoint).await?;
        let replayed = sqlx::query(
            "UPDATE webhook_delivery SET status = 'PENDING', next_attempt_at = $1 \
             WHERE endpoint_id = $2 AND status = 'DEAD' AND ($3 IS NULL OR event_id = $3)",
        )
        .bind(millis(Utc::now()))
        .bind(endpoint.to_string())
        .bind(event)
        .execute(self.pool())
        .await?
        .rows_affected();
        if replayed == 0 && event.is_some() {
            return Err(StoreError::NotFound("dead delivery"));
        }
        Ok(replayed)
    }

    /// Dead letters across `owner`'s endpoints (the console and the portal
    /// list them), newest first.
    pub async fn dead_webhook_deliveries(&self, owner: Owner, limit: u32) -> Result<Vec<Delivery>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT d.endpoint_id, d.event_id, d.event_type, d.payload, d.status, d.attempts, \
             d.next_attempt_at, d.last_error, d.last_status_code, d.created_at, d.delivered_at \
             FROM webhook_delivery d JOIN webhook_endpoint e ON e.id = d.endpoint_id \
             WHERE d.status = 'DEAD' AND {} ORDER BY d.event_id DESC {}",
            owner_filter(owner, 1).replace("tenant_id", "e.tenant_id"),
            crate::placeholders::limit(limit.clamp(1, 500))
        )))
        .bind(owner.tenant())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(delivery_from_row).collect()
    }

    /// Claims up to `limit` due deliveries of active endpoints for `lease`:
    /// each counts as an attempt and is not due again until the lease
    /// ends, so a sender and its successor never post the same delivery at
    /// once, and one that dies mid-post leaves it due again later.
    pub async fn claim_due_webhooks(
        &self,
        limit: u32,
        lease: Duration,
    ) -> Result<Vec<DueDelivery>> {
        let now = Utc::now();
        // The sender is woken by every batch of logs, mostly with nothing
        // due (no endpoint, or events already claimed). A look first, off
        // the write path: on SQLite the claiming transaction takes the
        // write lock, and waiting for it behind the group-commit writer
        // held one of the pool's four connections most of the time under
        // load, which people's requests then waited for.
        let due = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT 1 {DUE_NOW} LIMIT 1")))
            .bind(millis(now))
            .fetch_optional(self.pool())
            .await?;
        if due.is_none() {
            return Ok(Vec::new());
        }
        let mut tx = self.begin().await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT d.endpoint_id, d.event_id, d.payload, d.attempts, e.url, e.secret, \
             e.previous_secret, e.previous_secret_until {DUE_NOW} \
             ORDER BY d.next_attempt_at {}{}",
            crate::placeholders::limit(limit),
            match self.backend() {
                crate::Backend::Postgres => " FOR UPDATE OF d SKIP LOCKED",
                crate::Backend::Sqlite => "",
            }
        )))
        .bind(millis(now))
        .fetch_all(&mut *tx)
        .await?;
        let mut claimed = Vec::with_capacity(rows.len());
        for row in &rows {
            let endpoint_id: Uuid = row.parsed("endpoint_id")?;
            let event_id = row.text("event_id")?;
            let mut secrets = vec![secret(&row.text("secret")?)?];
            if let (Some(previous), Some(until)) = (
                row.text_opt("previous_secret")?,
                row.time_opt("previous_secret_until")?,
            ) && until > now
            {
                secrets.push(secret(&previous)?);
            }
            claimed.push(DueDelivery {
                endpoint_id,
                event_id,
                url: row.text("url")?,
                payload: row.text("payload")?,
                secrets,
                attempt: row.int("attempts")? + 1,
            });
        }
        // One statement per chunk of claims, in the claiming transaction.
        for chunk in claimed.chunks(200) {
            let keys = (0..chunk.len())
                .map(|i| {
                    format!(
                        "(endpoint_id = ${} AND event_id = ${})",
                        2 * i + 3,
                        2 * i + 4
                    )
                })
                .collect::<Vec<_>>()
                .join(" OR ");
            let mut query = sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE webhook_delivery SET attempts = attempts + 1, next_attempt_at = $1 \
                 WHERE status = 'PENDING' AND next_attempt_at <= $2 AND ({keys})"
            )))
            .bind(millis(now + lease))
            .bind(millis(now));
            for due in chunk {
                query = query.bind(due.endpoint_id.to_string()).bind(&due.event_id);
            }
            query.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(claimed)
    }

    /// Writes the outcomes of a batch of attempts in one unit: each
    /// delivery's new state and its line in the attempt log, and each
    /// endpoint's failure streak. Returns the endpoints that have failed
    /// for [`DISABLE_AFTER`] and were disabled now, for their owners to be
    /// told.
    pub async fn record_webhook_outcomes(&self, outcomes: &[Outcome]) -> Result<Vec<Uuid>> {
        if outcomes.is_empty() {
            return Ok(Vec::new());
        }
        // A few multi-row statements per chunk rather than three per
        // outcome: the sender's answers wait for this write (a crash before
        // it re-sends them), so it must keep up with them.
        let mut statements = Vec::new();
        for chunk in outcomes.chunks(OUTCOME_CHUNK) {
            statements.push(attempt_rows(chunk));
            let delivered: Vec<&Outcome> = chunk.iter().filter(|o| o.retry.is_none()).collect();
            let failed: Vec<&Outcome> = chunk.iter().filter(|o| o.retry.is_some()).collect();
            if !delivered.is_empty() {
                let mut params = Vec::with_capacity(delivered.len() * 4);
                for o in &delivered {
                    params.extend([
                        o.endpoint_id.to_string().into(),
                        o.event_id.as_str().into(),
                        millis(o.at).into(),
                        code_param(o.status_code),
                    ]);
                }
                statements.push(Statement::new(
                    format!(
                        "UPDATE webhook_delivery SET status = 'DELIVERED', delivered_at = v.column3, \
                         last_error = NULL, last_status_code = v.column4 FROM (VALUES {}) AS v \
                         WHERE webhook_delivery.endpoint_id = v.column1 \
                         AND webhook_delivery.event_id = v.column2",
                        crate::placeholders::rows(1, delivered.len(), 4)
                    ),
                    params,
                ));
            }
            if !failed.is_empty() {
                let mut params = Vec::with_capacity(failed.len() * 6);
                for o in &failed {
                    let (status, next) = match o.retry {
                        Some(Some(next)) => ("PENDING", millis(next)),
                        _ => ("DEAD", millis(o.at)),
                    };
                    params.extend([
                        o.endpoint_id.to_string().into(),
                        o.event_id.as_str().into(),
                        status.into(),
                        next.into(),
                        o.error.as_deref().into(),
                        code_param(o.status_code),
                    ]);
                }
                statements.push(Statement::new(
                    format!(
                        "UPDATE webhook_delivery SET status = v.column3, next_attempt_at = v.column4, \
                         last_error = v.column5, last_status_code = v.column6 FROM (VALUES {}) AS v \
                         WHERE webhook_delivery.endpoint_id = v.column1 \
                         AND webhook_delivery.event_id = v.column2 \
                         AND webhook_delivery.status = 'PENDING'",
                        crate::placeholders::rows(1, failed.len(), 6)
                    ),
                    params,
                ));
            }
        }
        // Failure streaks: a failure starts one, a success in the same
        // batch ends it (it is applied after).
        let ids = |ok: bool| -> Vec<String> {
            let mut ids: Vec<String> = outcomes
                .iter()
                .filter(|o| o.retry.is_none() == ok)
                .map(|o| o.endpoint_id.to_string())
                .collect();
            ids.sort();
            ids.dedup();
            ids
        };
        let now = millis(Utc::now());
        let (failing, succeeding) = (ids(false), ids(true));
        if !failing.is_empty() {
            let mut params: Vec<Param> = vec![now.into()];
            params.extend(failing.iter().map(|id| id.as_str().into()));
            statements.push(Statement::new(
                format!(
                    "UPDATE webhook_endpoint SET failing_since = $1 \
                     WHERE failing_since IS NULL AND id IN ({})",
                    crate::placeholders::list(2, failing.len())
                ),
                params,
            ));
        }
        if !succeeding.is_empty() {
            statements.push(Statement::new(
                format!(
                    "UPDATE webhook_endpoint SET failing_since = NULL \
                     WHERE failing_since IS NOT NULL AND id IN ({})",
                    crate::placeholders::list(1, succeeding.len())
                ),
                succeeding.iter().map(|id| id.as_str().into()).collect(),
            ));
        }
        self.write(statements).await?;
        if failing.is_empty() {
            return Ok(Vec::new());
        }
        self.disable_failing_endpoints(Utc::now()).await
    }

    /// Disables the endpoints that have failed without a success for
    /// [`DISABLE_AFTER`]; returns them.
    async fn disable_failing_endpoints(&self, now: DateTime<Utc>) -> Result<Vec<Uuid>> {
        let cutoff = millis(now - DISABLE_AFTER);
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT id FROM webhook_endpoint WHERE disabled_at IS NULL \
             AND failing_since IS NOT NULL AND failing_since <= $1",
        )
        .bind(cutoff)
        .fetch_all(self.pool())
        .await?;
        let mut disabled = Vec::with_capacity(rows.len());
        for (id,) in rows {
            let done = sqlx::query(
                "UPDATE webhook_endpoint SET disabled_at = $1, \
                 disabled_reason = 'every delivery failed for three days' \
                 WHERE id = $2 AND disabled_at IS NULL",
            )
            .bind(millis(now))
            .bind(&id)
            .execute(self.pool())
            .await?
            .rows_affected();
            if done == 1 {
                disabled.push(id.parse().map_err(|_| corrupt("webhook_endpoint.id"))?);
            }
        }
        Ok(disabled)
    }

    /// Since when `owner`'s endpoint has failed without a success, if it has.
    pub async fn endpoint_failing(&self, owner: Owner, id: Uuid) -> Result<Option<DateTime<Utc>>> {
        Ok(self.webhook_endpoint(owner, id).await?.failing_since)
    }

    /// The endpoint's owner, by tenant (`None`: the operators').
    pub async fn webhook_endpoint_owner(&self, id: Uuid) -> Result<Owner> {
        let row: (Option<String>,) =
            sqlx::query_as("SELECT tenant_id FROM webhook_endpoint WHERE id = $1")
                .bind(id.to_string())
                .fetch_optional(self.pool())
                .await?
                .ok_or(StoreError::NotFound("webhook endpoint"))?;
        match row.0 {
            Some(tenant) => Ok(Owner::Tenant(
                tenant
                    .parse()
                    .map_err(|_| corrupt("webhook_endpoint.tenant_id"))?,
            )),
            None => Ok(Owner::Operator),
        }
    }

    /// Deliveries by status across all endpoints: metrics and benchmarks.
    pub async fn count_webhook_deliveries(&self, status: DeliveryStatus) -> Result<i64> {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM webhook_delivery WHERE status = $1")
                .bind(status.as_str())
                .fetch_one(self.pool())
                .await?;
        Ok(n)
    }
}

/// Outcomes per statement: 8 values each in the attempt log.
const OUTCOME_CHUNK: usize = 200;

/// The attempt log's rows for `outcomes`.
fn attempt_rows(outcomes: &[Outcome]) -> Statement {
    let mut params = Vec::with_capacity(outcomes.len() * 8);
    for o in outcomes {
        params.extend([
            o.endpoint_id.to_string().into(),
            o.event_id.as_str().into(),
            o.attempt.into(),
            millis(o.at).into(),
            code_param(o.status_code),
            o.latency_ms.into(),
            o.error.as_deref().into(),
            o.response.as_deref().into(),
        ]);
    }
    Statement::new(
        format!(
            "INSERT INTO webhook_attempt (endpoint_id, event_id, attempt, at, status_code, \
             latency_ms, error, response) VALUES {} \
             ON CONFLICT (endpoint_id, event_id, attempt) DO NOTHING",
            crate::placeholders::rows(1, outcomes.len(), 8)
        ),
        params,
    )
}

fn code_param(code: Option<u16>) -> Param {
    code.map_or(Param::NullInt, |c| i64::from(c).into())
}

/// `tenant_id = $n`, or the operators' endpoints when `$n` is NULL.
fn owner_filter(owner: Owner, n: usize) -> String {
    match owner {
        Owner::Tenant(_) => format!("tenant_id = ${n}"),
        // Still binds $n (as NULL) so both arms take the same parameters.
        Owner::Operator => format!("tenant_id IS NULL AND ${n} IS NULL"),
    }
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(what.to_owned())
}

fn secret(stored: &str) -> Result<WebhookSecret> {
    WebhookSecret::parse(stored).map_err(|_| corrupt("webhook_endpoint.secret"))
}

fn endpoint_from_row(row: &AnyRow) -> Result<WebhookEndpoint> {
    Ok(WebhookEndpoint {
        id: row.parsed("id")?,
        tenant_id: row.parsed_opt("tenant_id")?,
        url: row.text("url")?,
        events: read_event_list(&row.text("events")?),
        previous_secret_until: row.time_opt("previous_secret_until")?,
        disabled_at: row.time_opt("disabled_at")?,
        disabled_reason: row.text_opt("disabled_reason")?,
        failing_since: row.time_opt("failing_since")?,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
    })
}

fn delivery_from_row(row: &AnyRow) -> Result<Delivery> {
    Ok(Delivery {
        id: row.text("event_id")?,
        endpoint_id: row.parsed("endpoint_id")?,
        event_type: row.text("event_type")?,
        status: row.parsed("status")?,
        attempts: row.int("attempts")?,
        next_attempt_at: row.time("next_attempt_at")?,
        last_error: row.text_opt("last_error")?,
        last_status_code: row.int_opt("last_status_code")?,
        created_at: row.time("created_at")?,
        delivered_at: row.time_opt("delivered_at")?,
        payload: serde_json::from_str(&row.text("payload")?)
            .map_err(|e| StoreError::Corrupt(format!("webhook_delivery.payload: {e}")))?,
        log: Vec::new(),
    })
}
