//! The simulated WhatsApp network's state: each tenant's linked device and
//! QR codes, the customer messages not yet acknowledged by the tenant's
//! worker, and what the bot sent. Kept in the database so that the
//! simulation survives a control-plane restart like the real network does.

use chrono::{DateTime, TimeDelta, Utc};
use flowhq_domain::TenantId;
use serde::Serialize;
use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;

use crate::rows::{RowExt, millis};
use crate::writer::{Param, Statement};
use crate::{Result, Store, StoreError};

/// How long the first QR code of a pairing attempt lives, like WhatsApp's.
pub const FIRST_QR_TTL: TimeDelta = TimeDelta::seconds(60);
/// How long each later QR code lives.
pub const NEXT_QR_TTL: TimeDelta = TimeDelta::seconds(20);

/// A tenant's phone as the network sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimDevice {
    /// Whether the worker's device is linked to the phone.
    pub linked: bool,
    /// What the linked device presents to reconnect without a scan.
    pub credentials: Option<String>,
    pub qr: Option<String>,
    pub qr_expires_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SimInbound {
    pub wa_message_id: String,
    pub from: String,
    pub text: String,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SimOutbound {
    pub to: String,
    pub text: String,
    pub wa_message_id: String,
    pub sent_at: DateTime<Utc>,
}

fn device_from_row(row: &AnyRow) -> Result<SimDevice> {
    Ok(SimDevice {
        linked: row.int("linked")? != 0,
        credentials: row.text_opt("credentials")?,
        qr: row.text_opt("qr")?,
        qr_expires_at: row.time_opt("qr_expires_at")?,
    })
}

fn inbound_from_row(row: &AnyRow) -> Result<SimInbound> {
    Ok(SimInbound {
        wa_message_id: row.text("wa_message_id")?,
        from: row.text("from_number")?,
        text: row.text("message_text")?,
        at: row.time("created_at")?,
    })
}

fn outbound_from_row(row: &AnyRow) -> Result<SimOutbound> {
    Ok(SimOutbound {
        to: row.text("to_number")?,
        text: row.text("message_text")?,
        wa_message_id: row.text("wa_message_id")?,
        sent_at: row.time("sent_at")?,
    })
}

/// Acknowledgements per statement: well under either backend's limit on
/// bound parameters.
const ACK_CHUNK: usize = 500;

const DEVICE_SELECT: &str = "SELECT linked, credentials, qr, qr_expires_at, qr_count \
                             FROM sim_device WHERE tenant_id = $1";

impl Store {
    async fn ensure_sim_device(&self, tx: &mut crate::Tx, tenant: TenantId) -> Result<AnyRow> {
        let exists: Option<(String,)> = sqlx::query_as("SELECT id FROM tenant WHERE id = $1")
            .bind(tenant.to_string())
            .fetch_optional(&mut **tx)
            .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound("tenant"));
        }
        sqlx::query(
            "INSERT INTO sim_device (tenant_id, updated_at) VALUES ($1, $2) \
             ON CONFLICT (tenant_id) DO NOTHING",
        )
        .bind(tenant.to_string())
        .bind(millis(Utc::now()))
        .execute(&mut **tx)
        .await?;
        Ok(sqlx::query(DEVICE_SELECT)
            .bind(tenant.to_string())
            .fetch_one(&mut **tx)
            .await?)
    }

    /// The device as it is now; while unlinked, a QR code that is valid at
    /// `now` (a new one, made by `new_qr`, when the last expired).
    pub async fn sim_device(
        &self,
        tenant: TenantId,
        now: DateTime<Utc>,
        new_qr: impl FnOnce() -> String,
    ) -> Result<SimDevice> {
        // The common case, a linked device or a QR code still valid, is a
        // plain read: long polls must not queue for the write lock.
        if let Some(row) = sqlx::query(DEVICE_SELECT)
            .bind(tenant.to_string())
            .fetch_optional(self.pool())
            .await?
        {
            let device = device_from_row(&row)?;
            if device.linked || device.qr_expires_at.is_some_and(|at| at > now) {
                return Ok(device);
            }
        }
        let mut tx = self.begin().await?;
        let row = self.ensure_sim_device(&mut tx, tenant).await?;
        let mut device = device_from_row(&row)?;
        let fresh = device.qr_expires_at.is_some_and(|at| at > now);
        if !device.linked && !fresh {
            let count = row.int("qr_count")?;
            let ttl = if count == 0 {
                FIRST_QR_TTL
            } else {
                NEXT_QR_TTL
            };
            let qr = new_qr();
            let expires = now + ttl;
            sqlx::query(
                "UPDATE sim_device SET qr = $1, qr_expires_at = $2, qr_count = qr_count + 1, \
                 updated_at = $3 WHERE tenant_id = $4",
            )
            .bind(&qr)
            .bind(millis(expires))
            .bind(millis(now))
            .bind(tenant.to_string())
            .execute(&mut *tx)
            .await?;
            device.qr = Some(qr);
            device.qr_expires_at = Some(expires);
        }
        tx.commit().await?;
        Ok(device)
    }

    /// What a worker's poll sees: the device as [`Store::sim_device`] gives
    /// it and, while linked, up to `limit` messages not yet acknowledged,
    /// oldest first. One statement in the common case (polls are the
    /// simulated network's busiest path).
    pub async fn sim_view(
        &self,
        tenant: TenantId,
        limit: u32,
        now: DateTime<Utc>,
        new_qr: impl FnOnce() -> String,
    ) -> Result<(SimDevice, Vec<SimInbound>)> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT d.linked, d.credentials, d.qr, d.qr_expires_at, \
                    i.wa_message_id, i.from_number, i.message_text, i.created_at \
             FROM sim_device d LEFT JOIN \
               (SELECT id, wa_message_id, from_number, message_text, created_at \
                FROM sim_inbound WHERE tenant_id = $1 AND acked_at IS NULL \
                ORDER BY id {}) i ON d.linked <> 0 \
             WHERE d.tenant_id = $1 ORDER BY i.id",
            crate::placeholders::limit(limit)
        )))
        .bind(tenant.to_string())
        .fetch_all(self.pool())
        .await?;
        if let Some(first) = rows.first() {
            let device = device_from_row(first)?;
            if device.linked || device.qr_expires_at.is_some_and(|at| at > now) {
                let messages = rows
                    .iter()
                    // The join leaves one row of NULLs when nothing is pending.
                    .filter(|row| matches!(row.text_opt("wa_message_id"), Ok(Some(_))))
                    .map(inbound_from_row)
                    .collect::<Result<_>>()?;
                return Ok((device, messages));
            }
        }
        // No device yet, or its QR code expired: make one (never linked,
        // so nothing to deliver).
        Ok((self.sim_device(tenant, now, new_qr).await?, Vec::new()))
    }

    /// The phone scans the current QR code: the device is linked and gets
    /// `credentials`. A conflict when already linked or no QR code is valid.
    pub async fn sim_link(
        &self,
        tenant: TenantId,
        credentials: &str,
        now: DateTime<Utc>,
    ) -> Result<SimDevice> {
        let mut tx = self.begin().await?;
        let device = device_from_row(&self.ensure_sim_device(&mut tx, tenant).await?)?;
        if device.linked {
            return Err(StoreError::Conflict("the device is already linked".into()));
        }
        if device.qr_expires_at.is_none_or(|at| at <= now) {
            return Err(StoreError::Conflict(
                "there is no QR code to scan: is the tenant's worker running?".into(),
            ));
        }
        sqlx::query(
            "UPDATE sim_device SET linked = 1, credentials = $1, qr = NULL, qr_expires_at = NULL, \
             qr_count = 0, updated_at = $2 WHERE tenant_id = $3",
        )
        .bind(credentials)
        .bind(millis(now))
        .bind(tenant.to_string())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(SimDevice {
            linked: true,
            credentials: Some(credentials.to_owned()),
            qr: None,
            qr_expires_at: None,
        })
    }

    /// The phone unlinks the device; its credentials stop working.
    pub async fn sim_unlink(&self, tenant: TenantId) -> Result<()> {
        let mut tx = self.begin().await?;
        let device = device_from_row(&self.ensure_sim_device(&mut tx, tenant).await?)?;
        if !device.linked {
            return Err(StoreError::Conflict("the device is not linked".into()));
        }
        sqlx::query(
            "UPDATE sim_device SET linked = 0, credentials = NULL, qr = NULL, \
             qr_expires_at = NULL, qr_count = 0, updated_at = $1 WHERE tenant_id = $2",
        )
        .bind(millis(Utc::now()))
        .bind(tenant.to_string())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A customer's message enters the network for the tenant.
    pub async fn sim_push_inbound(
        &self,
        tenant: TenantId,
        wa_message_id: &str,
        from: &str,
        text: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        // One statement through the group-commit writer: this is the
        // simulated network's hot path.
        let inserted = self
            .write_one(Statement::new(
                "INSERT INTO sim_inbound (id, tenant_id, wa_message_id, from_number, \
                 message_text, created_at) SELECT $1, id, $2, $3, $4, $5 FROM tenant WHERE id = $6",
                vec![
                    uuid::Uuid::now_v7().to_string().into(),
                    wa_message_id.into(),
                    from.into(),
                    text.into(),
                    millis(at).into(),
                    tenant.to_string().into(),
                ],
            ))
            .await?;
        if inserted == 0 {
            return Err(StoreError::NotFound("tenant"));
        }
        Ok(())
    }

    /// Messages not yet acknowledged by the tenant's worker, oldest first.
    pub async fn sim_pending_inbound(
        &self,
        tenant: TenantId,
        limit: u32,
    ) -> Result<Vec<SimInbound>> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT wa_message_id, from_number, message_text, created_at FROM sim_inbound \
             WHERE tenant_id = $1 AND acked_at IS NULL ORDER BY id {}",
            crate::placeholders::limit(limit)
        )))
        .bind(tenant.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(inbound_from_row).collect()
    }

    /// The worker acknowledges messages: they are not delivered again.
    pub async fn sim_ack(&self, tenant: TenantId, wa_message_ids: &[String]) -> Result<u64> {
        // One statement per chunk; a repeat is a no-op.
        let now = millis(Utc::now());
        let statements = wa_message_ids
            .chunks(ACK_CHUNK)
            .map(|chunk| {
                let ids = crate::placeholders::list(3, chunk.len());
                let mut params: Vec<Param> = vec![now.into(), tenant.to_string().into()];
                params.extend(chunk.iter().map(|id| Param::from(id.as_str())));
                Statement::new(
                    format!(
                        "UPDATE sim_inbound SET acked_at = $1 \
                         WHERE tenant_id = $2 AND acked_at IS NULL AND wa_message_id IN ({ids})"
                    ),
                    params,
                )
            })
            .collect::<Vec<_>>();
        if statements.is_empty() {
            return Ok(0);
        }
        Ok(self.write(statements).await?.iter().sum())
    }

    /// The bot sends a message. Idempotent on `client_id`: a retried send
    /// returns the first one and sends nothing. A conflict when the device
    /// is not linked.
    pub async fn sim_send(
        &self,
        tenant: TenantId,
        client_id: &str,
        to: &str,
        text: &str,
        wa_message_id: &str,
        now: DateTime<Utc>,
    ) -> Result<SimOutbound> {
        // The common case, a new send from a linked device, is one
        // statement through the group-commit writer; a repeat or a refusal
        // adds a read.
        let inserted = self
            .write_one(Statement::new(
                "INSERT INTO sim_outbound (id, tenant_id, client_id, wa_message_id, to_number, \
                 message_text, sent_at) \
                 SELECT $1, tenant_id, $2, $3, $4, $5, $6 FROM sim_device \
                 WHERE tenant_id = $7 AND linked <> 0 \
                 ON CONFLICT (tenant_id, client_id) DO NOTHING",
                vec![
                    uuid::Uuid::now_v7().to_string().into(),
                    client_id.into(),
                    wa_message_id.into(),
                    to.into(),
                    text.into(),
                    millis(now).into(),
                    tenant.to_string().into(),
                ],
            ))
            .await?;
        if inserted == 1 {
            return Ok(SimOutbound {
                to: to.to_owned(),
                text: text.to_owned(),
                wa_message_id: wa_message_id.to_owned(),
                sent_at: now,
            });
        }
        // Not inserted: sent before under this client id, or no linked device.
        match self.sim_sent(tenant, client_id).await? {
            Some(sent) => Ok(sent),
            None => Err(StoreError::Conflict("the device is not linked".into())),
        }
    }

    async fn sim_sent(&self, tenant: TenantId, client_id: &str) -> Result<Option<SimOutbound>> {
        sqlx::query(
            "SELECT to_number, message_text, wa_message_id, sent_at FROM sim_outbound \
             WHERE tenant_id = $1 AND client_id = $2",
        )
        .bind(tenant.to_string())
        .bind(client_id)
        .fetch_optional(self.pool())
        .await?
        .as_ref()
        .map(outbound_from_row)
        .transpose()
    }

    /// What the tenant's bot sent, oldest first.
    pub async fn sim_outbox(&self, tenant: TenantId, limit: u32) -> Result<Vec<SimOutbound>> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT to_number, message_text, wa_message_id, sent_at FROM sim_outbound \
             WHERE tenant_id = $1 ORDER BY sent_at, id {}",
            crate::placeholders::limit(limit)
        )))
        .bind(tenant.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(outbound_from_row).collect()
    }
}
