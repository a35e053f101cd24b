//! Keys to the public API and what it keeps beside them: the answers of
//! sends with an `Idempotency-Key`, and the tenant's choice to let the API
//! send to anyone. The store only sees a key's SHA-256; the server makes
//! the secrets.

use chrono::{DateTime, TimeDelta, Utc};
use flowhq_domain::api_keys::{ApiKey, KeyName, Scopes};
use flowhq_domain::{ApiKeyId, TenantId};
use sqlx::any::AnyRow;

use crate::rows::{RowExt, millis};
use crate::sends::QueuedSend;
use crate::{Result, Store, StoreError, Tx};

/// How long a send's answer is kept for its `Idempotency-Key`.
pub const IDEMPOTENCY_WINDOW: TimeDelta = TimeDelta::hours(24);

/// A key's last use is written at most this often: authenticating a
/// request reads the key, and only every minute or so writes it too.
pub const LAST_USED_RESOLUTION: TimeDelta = TimeDelta::minutes(1);

const KEY_COLUMNS: &str = "id, tenant_id, name, scopes, prefix, created_at, created_by, \
                           last_used_at, revoked_at";

/// A key about to be stored.
#[derive(Debug)]
pub struct NewApiKey<'a> {
    pub name: &'a KeyName,
    pub scopes: &'a Scopes,
    pub prefix: &'a str,
    /// Lower-case hex SHA-256 of the whole secret.
    pub secret_hash: &'a str,
    pub created_by: &'a str,
}

/// A send through the public API, with what decides whether it may go.
#[derive(Debug)]
pub struct ApiSend<'a> {
    pub key: ApiKeyId,
    pub send: &'a QueuedSend,
    /// The `Idempotency-Key` and the SHA-256 of the request it came with.
    pub idempotency: Option<(&'a str, &'a str)>,
    /// The answer to keep for the key: status and JSON body.
    pub answer: (u16, &'a str),
    /// At most `.0` sends through the API in any `.1`, per tenant.
    pub rate: (u32, TimeDelta),
    /// Unless the tenant lifted the guard: only to numbers that wrote in
    /// the last `contact_window`.
    pub contact_window: TimeDelta,
}

/// What became of an [`ApiSend`]. Anything but `Queued` changed nothing.
#[derive(Debug, PartialEq, Eq)]
pub enum ApiSendOutcome {
    Queued,
    /// The key was used before, for the same request: its answer.
    Repeated {
        status: u16,
        body: String,
    },
    /// The key was used before, for another request.
    KeyReused,
    /// Over the rate: the oldest send in the window leaves it in this long.
    RateLimited {
        retry_after: TimeDelta,
    },
    /// The guard is on and the number did not write in the window.
    NotAContact,
}

/// One number that wrote to the business.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contact {
    pub phone: String,
    pub last_inbound_at: DateTime<Utc>,
}

impl Store {
    /// Stores a new key for `tenant`.
    pub async fn create_api_key(&self, tenant: TenantId, key: &NewApiKey<'_>) -> Result<ApiKey> {
        let id = ApiKeyId::new();
        let now = Utc::now();
        sqlx::query(
            "INSERT INTO api_key (id, tenant_id, name, scopes, prefix, secret_hash, created_at, \
             created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id.to_string())
        .bind(tenant.to_string())
        .bind(key.name.as_str())
        .bind(key.scopes.to_stored())
        .bind(key.prefix)
        .bind(key.secret_hash)
        .bind(millis(now))
        .bind(key.created_by)
        .execute(self.pool())
        .await
        .map_err(|e| StoreError::from(e).on_unique(|| "a key with this prefix exists".into()))?;
        self.api_key(tenant, id).await
    }

    /// `tenant`'s key `id`; another tenant's is not found.
    pub async fn api_key(&self, tenant: TenantId, id: ApiKeyId) -> Result<ApiKey> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {KEY_COLUMNS} FROM api_key WHERE id = $1 AND tenant_id = $2"
        )))
        .bind(id.to_string())
        .bind(tenant.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref()
            .map(key_from_row)
            .transpose()?
            .ok_or(StoreError::NotFound("api key"))
    }

    /// `tenant`'s keys, revoked ones included, newest first.
    pub async fn list_api_keys(&self, tenant: TenantId) -> Result<Vec<ApiKey>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {KEY_COLUMNS} FROM api_key WHERE tenant_id = $1 \
             ORDER BY created_at DESC, id DESC"
        )))
        .bind(tenant.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(key_from_row).collect()
    }

    /// Revokes `tenant`'s key `id` (again: no change) and returns it.
    pub async fn revoke_api_key(&self, tenant: TenantId, id: ApiKeyId) -> Result<ApiKey> {
        sqlx::query(
            "UPDATE api_key SET revoked_at = $1 \
             WHERE id = $2 AND tenant_id = $3 AND revoked_at IS NULL",
        )
        .bind(millis(Utc::now()))
        .bind(id.to_string())
        .bind(tenant.to_string())
        .execute(self.pool())
        .await?;
        self.api_key(tenant, id).await
    }

    /// The key whose secret starts with `prefix`, with its secret's hash,
    /// for the caller to compare.
    pub async fn api_key_by_prefix(&self, prefix: &str) -> Result<Option<(ApiKey, String)>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {KEY_COLUMNS}, secret_hash FROM api_key WHERE prefix = $1"
        )))
        .bind(prefix)
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| Ok((key_from_row(&row)?, row.text("secret_hash")?)))
            .transpose()
    }

    /// Notes that `key` was used at `now`, when its last use is older than
    /// [`LAST_USED_RESOLUTION`] (else nothing is written).
    pub async fn touch_api_key(&self, key: &ApiKey, now: DateTime<Utc>) -> Result<()> {
        if key
            .last_used_at
            .is_some_and(|at| now - at < LAST_USED_RESOLUTION)
        {
            return Ok(());
        }
        sqlx::query(
            "UPDATE api_key SET last_used_at = $1 WHERE id = $2 \
             AND (last_used_at IS NULL OR last_used_at < $3)",
        )
        .bind(millis(now))
        .bind(key.id.to_string())
        .bind(millis(now - LAST_USED_RESOLUTION))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Whether the API may send to numbers that never wrote to `tenant`.
    pub async fn api_send_any_contact(&self, tenant: TenantId) -> Result<bool> {
        let row: Option<(i64,)> =
            sqlx::query_as("SELECT api_send_any_contact FROM tenant WHERE id = $1")
                .bind(tenant.to_string())
                .fetch_optional(self.pool())
                .await?;
        row.map(|(flag,)| flag != 0)
            .ok_or(StoreError::NotFound("tenant"))
    }

    /// Lifts (or restores) the anti-ban guard for `tenant`'s API sends.
    pub async fn set_api_send_any_contact(&self, tenant: TenantId, any: bool) -> Result<()> {
        let result = sqlx::query(
            "UPDATE tenant SET api_send_any_contact = $1, updated_at = $2 WHERE id = $3",
        )
        .bind(i64::from(any))
        .bind(millis(Utc::now()))
        .bind(tenant.to_string())
        .execute(self.pool())
        .await?;
        if result.rows_affected() == 0 {
            return Err(StoreError::NotFound("tenant"));
        }
        Ok(())
    }

    /// The live answer kept for `tenant`'s `Idempotency-Key`: the hash of
    /// the request it answered, its status and body.
    pub async fn idempotent_answer(
        &self,
        tenant: TenantId,
        key: &str,
    ) -> Result<Option<(String, u16, String)>> {
        idempotent_answer(self.pool(), tenant, key).await
    }

    /// Queues an API send after checking, in one transaction that holds
    /// the tenant's row, the idempotency key, the rate and the anti-ban
    /// guard: two requests with one key send once, and concurrent sends
    /// cannot together exceed the rate (on PostgreSQL the row lock orders
    /// them, on SQLite the write lock).
    pub async fn queue_api_send(
        &self,
        tenant: TenantId,
        request: &ApiSend<'_>,
    ) -> Result<ApiSendOutcome> {
        let mut tx = self.begin().await?;
        let outcome = self.queue_api_send_in(&mut tx, tenant, request).await?;
        if outcome == ApiSendOutcome::Queued {
            tx.commit().await?;
        }
        Ok(outcome)
    }

    async fn queue_api_send_in(
        &self,
        tx: &mut Tx,
        tenant: TenantId,
        request: &ApiSend<'_>,
    ) -> Result<ApiSendOutcome> {
        let now = request.send.created_at;
        // A write that changes nothing, to hold the tenant's row (and read
        // the guard) until the commit.
        let any_contact: Option<(i64,)> = sqlx::query_as(
            "UPDATE tenant SET api_send_any_contact = api_send_any_contact WHERE id = $1 \
             RETURNING api_send_any_contact",
        )
        .bind(tenant.to_string())
        .fetch_optional(&mut **tx)
        .await?;
        let Some((any_contact,)) = any_contact else {
            return Err(StoreError::NotFound("tenant"));
        };
        if let Some((key, hash)) = request.idempotency
            && let Some((stored_hash, status, body)) =
                idempotent_answer(&mut **tx, tenant, key).await?
        {
            return Ok(if stored_hash == hash {
                ApiSendOutcome::Repeated { status, body }
            } else {
                ApiSendOutcome::KeyReused
            });
        }
        let (limit, window) = request.rate;
        let recent: Vec<(i64,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT created_at FROM worker_send WHERE tenant_id = $1 \
             AND api_key_id IS NOT NULL AND created_at > $2 ORDER BY created_at DESC {}",
            crate::placeholders::limit(limit)
        )))
        .bind(tenant.to_string())
        .bind(millis(now - window))
        .fetch_all(&mut **tx)
        .await?;
        if recent.len() >= limit as usize {
            // The `limit`-th newest leaves the window first among those
            // that keep it full.
            let oldest = recent.last().map_or(millis(now), |(at,)| *at);
            let retry_after = TimeDelta::milliseconds(oldest - millis(now)) + window;
            return Ok(ApiSendOutcome::RateLimited { retry_after });
        }
        if any_contact == 0 {
            let wrote: Option<(i64,)> = sqlx::query_as(concat!(
                "SELECT created_at FROM message_log WHERE tenant_id = $1 AND ",
                message_peer!(),
                " = $2 AND direction = 'INBOUND' AND created_at > $3 LIMIT 1"
            ))
            .bind(tenant.to_string())
            .bind(&request.send.to)
            .bind(millis(now - request.contact_window))
            .fetch_optional(&mut **tx)
            .await?;
            if wrote.is_none() {
                return Ok(ApiSendOutcome::NotAContact);
            }
        }
        if let Some((key, hash)) = request.idempotency {
            // An expired answer under the same key is replaced.
            sqlx::query(
                "INSERT INTO api_idempotency (tenant_id, idempotency_key, request_hash, \
                 response_status, response_json, created_at) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (tenant_id, idempotency_key) DO UPDATE SET \
                 request_hash = excluded.request_hash, response_status = excluded.response_status, \
                 response_json = excluded.response_json, created_at = excluded.created_at",
            )
            .bind(tenant.to_string())
            .bind(key)
            .bind(hash)
            .bind(i64::from(request.answer.0))
            .bind(request.answer.1)
            .bind(millis(now))
            .execute(&mut **tx)
            .await?;
        }
        self.queue_send_in(tx, tenant, request.send, Some(request.key))
            .await?;
        Ok(ApiSendOutcome::Queued)
    }

    /// Forgets the answers of sends older than `before`.
    pub async fn prune_idempotency(&self, before: DateTime<Utc>) -> Result<u64> {
        let result = sqlx::query("DELETE FROM api_idempotency WHERE created_at < $1")
            .bind(millis(before))
            .execute(self.pool())
            .await?;
        Ok(result.rows_affected())
    }

    /// The numbers that wrote to `tenant`, by number, `limit` at a time
    /// after the number `after` (the previous page's last).
    pub async fn list_contacts(
        &self,
        tenant: TenantId,
        limit: u32,
        after: Option<&str>,
    ) -> Result<crate::Page<Contact>> {
        let limit = limit.clamp(1, 500);
        let rows: Vec<(String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT from_number, MAX(created_at) FROM message_log \
             WHERE tenant_id = $1 AND direction = 'INBOUND' AND from_number > $2 \
             GROUP BY from_number ORDER BY from_number {}",
            crate::placeholders::limit(limit + 1)
        )))
        .bind(tenant.to_string())
        .bind(after.unwrap_or(""))
        .fetch_all(self.pool())
        .await?;
        let items = rows
            .into_iter()
            .map(|(phone, at)| {
                Ok(Contact {
                    phone,
                    last_inbound_at: crate::rows::time(at)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(crate::Page::from_overfetch(items, limit, |c| {
            c.phone.clone()
        }))
    }
}

async fn idempotent_answer<'e, E>(
    executor: E,
    tenant: TenantId,
    key: &str,
) -> Result<Option<(String, u16, String)>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row: Option<(String, i64, String)> = sqlx::query_as(
        "SELECT request_hash, response_status, response_json FROM api_idempotency \
         WHERE tenant_id = $1 AND idempotency_key = $2 AND created_at > $3",
    )
    .bind(tenant.to_string())
    .bind(key)
    .bind(millis(Utc::now() - IDEMPOTENCY_WINDOW))
    .fetch_optional(executor)
    .await?;
    row.map(|(hash, status, body)| {
        let status = u16::try_from(status)
            .map_err(|_| StoreError::Corrupt(format!("api_idempotency status {status}")))?;
        Ok((hash, status, body))
    })
    .transpose()
}

fn key_from_row(row: &AnyRow) -> Result<ApiKey> {
    let corrupt = |column: &str, e: flowhq_domain::values::InvalidValue| {
        StoreError::Corrupt(format!("api_key.{column}: {e}"))
    };
    Ok(ApiKey {
        id: row.parsed("id")?,
        tenant_id: row.parsed("tenant_id")?,
        name: KeyName::parse(&row.text("name")?).map_err(|e| corrupt("name", e))?,
        scopes: Scopes::from_stored(&row.text("scopes")?).map_err(|e| corrupt("scopes", e))?,
        prefix: row.text("prefix")?,
        created_at: row.time("created_at")?,
        created_by: row.text("created_by")?,
        last_used_at: row.time_opt("last_used_at")?,
        revoked_at: row.time_opt("revoked_at")?,
    })
}
