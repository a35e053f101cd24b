//! `sim.db`: one SQLite connection, owned by the network.
//!
//! Each call is one short transaction on the caller's thread (tens of
//! microseconds: WAL with `synchronous = NORMAL`, so a commit is in the OS
//! when it returns and a killed process loses nothing). The simulated
//! network is a test fixture: it needs no group commit of its own.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use flowhq_domain::TenantId;
use flowhq_domain::protocol::{SimMedia, SimReceipt};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::{Result, SimError};

/// How long the first QR code of a pairing attempt lives, like WhatsApp's.
pub const FIRST_QR_TTL: TimeDelta = TimeDelta::seconds(60);
/// How long each later QR code lives.
pub const NEXT_QR_TTL: TimeDelta = TimeDelta::seconds(20);

const SCHEMA: &str = "
-- The tenant's phone: one linked device per tenant.
CREATE TABLE IF NOT EXISTS device (
    tenant_id      TEXT PRIMARY KEY,
    linked         INTEGER NOT NULL DEFAULT 0,
    credentials    TEXT,
    qr             TEXT,
    qr_expires_at  INTEGER,
    -- QR codes shown in this pairing attempt: the first lives 60 s, the rest 20 s
    qr_count       INTEGER NOT NULL DEFAULT 0,
    updated_at     INTEGER NOT NULL
);
-- Customer messages on their way to the tenant's worker, kept and
-- redelivered until the worker acknowledges them.
CREATE TABLE IF NOT EXISTS inbound (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id      TEXT NOT NULL,
    wa_message_id  TEXT NOT NULL UNIQUE,
    from_number    TEXT NOT NULL,
    message_text   TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    acked_at       INTEGER
);
CREATE INDEX IF NOT EXISTS inbound_pending ON inbound (tenant_id, acked_at, seq);
-- What the tenant's bot sent; a retried send (same client id) is not sent twice.
CREATE TABLE IF NOT EXISTS outbound (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id      TEXT NOT NULL,
    client_id      TEXT NOT NULL,
    wa_message_id  TEXT NOT NULL UNIQUE,
    to_number      TEXT NOT NULL,
    message_text   TEXT NOT NULL,
    sent_at        INTEGER NOT NULL,
    UNIQUE (tenant_id, client_id)
);
-- Receipts of what the bot sent, on their way to the tenant's worker and
-- redelivered until it acknowledges them: DELIVERED when a send reaches
-- the customer's phone (at once), READ when the customer reads the chat.
CREATE TABLE IF NOT EXISTS receipt (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id      TEXT NOT NULL,
    wa_message_id  TEXT NOT NULL,
    delivery       TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    acked_at       INTEGER,
    UNIQUE (wa_message_id, delivery)
);
CREATE INDEX IF NOT EXISTS receipt_pending ON receipt (tenant_id, acked_at, seq);
";

/// Columns added since the first schema; a `sim.db` from before gains them
/// when it is opened. Inbound: the customer's file whole (`SimMedia` as
/// JSON). Outbound: what the bot's file was (`SimOutboundMedia` as JSON).
const ADDED_COLUMNS: [(&str, &str); 2] = [("inbound", "media_json"), ("outbound", "media_json")];

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

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimInbound {
    pub wa_message_id: String,
    pub from: String,
    pub text: String,
    pub media: Option<SimMedia>,
    pub at: DateTime<Utc>,
}

/// A message the bot sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SimOutbound {
    pub to: String,
    /// The text, or the caption of `media`.
    pub text: String,
    /// The file sent, or null for a text.
    pub media: Option<SimOutboundMedia>,
    pub wa_message_id: String,
    pub sent_at: DateTime<Utc>,
}

/// What the phone received of a file: enough to check it is the one meant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SimOutboundMedia {
    pub mime: String,
    pub file_name: String,
    pub size: u64,
    /// Lower-case hex of the bytes received.
    pub sha256: String,
}

fn time(millis: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(millis).unwrap_or_default()
}

#[derive(Debug)]
pub struct SimStore {
    conn: Mutex<Connection>,
}

impl SimStore {
    /// Opens (or creates, 0600 by the process umask) the network's file.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0))?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.set_prepared_statement_cache_capacity(32);
        conn.execute_batch(SCHEMA)?;
        for (table, column) in ADDED_COLUMNS {
            let exists: bool = conn.query_row(
                &format!("SELECT COUNT(*) > 0 FROM pragma_table_info('{table}') WHERE name = ?1"),
                [column],
                |row| row.get(0),
            )?;
            if !exists {
                conn.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {column} TEXT"))?;
            }
        }
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic inside a call rolled its transaction back when the
        // transaction was dropped: the connection is still sound.
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The device as it is now; while unlinked, a QR code valid at `now`
    /// (a new one, made by `new_qr`, when the last expired).
    pub fn device(
        &self,
        tenant: TenantId,
        now: DateTime<Utc>,
        new_qr: impl FnOnce() -> String,
    ) -> Result<SimDevice> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let device = device_in(&tx, tenant, now, new_qr)?;
        tx.commit()?;
        Ok(device)
    }

    /// What a worker's poll sees: the device as [`SimStore::device`] gives
    /// it and, while linked, up to `limit` messages and `limit` receipts not
    /// yet acknowledged, oldest first.
    pub fn view(
        &self,
        tenant: TenantId,
        limit: u32,
        now: DateTime<Utc>,
        new_qr: impl FnOnce() -> String,
    ) -> Result<(SimDevice, Vec<SimInbound>, Vec<SimReceipt>)> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let device = device_in(&tx, tenant, now, new_qr)?;
        let mut messages = Vec::new();
        if device.linked {
            let mut statement = tx.prepare_cached(&format!(
                "SELECT wa_message_id, from_number, message_text, created_at, media_json \
                 FROM inbound WHERE tenant_id = ?1 AND acked_at IS NULL ORDER BY seq \
                 LIMIT {limit}"
            ))?;
            let rows = statement.query_map([tenant.to_string()], |row| {
                Ok(SimInbound {
                    wa_message_id: row.get(0)?,
                    from: row.get(1)?,
                    text: row.get(2)?,
                    at: time(row.get(3)?),
                    media: json(row, 4)?,
                })
            })?;
            messages = rows.collect::<rusqlite::Result<_>>()?;
        }
        let mut receipts = Vec::new();
        if device.linked {
            let mut statement = tx.prepare_cached(&format!(
                "SELECT seq, wa_message_id, delivery, created_at FROM receipt \
                 WHERE tenant_id = ?1 AND acked_at IS NULL ORDER BY seq LIMIT {limit}"
            ))?;
            let rows = statement.query_map([tenant.to_string()], |row| {
                let delivery: String = row.get(2)?;
                Ok(SimReceipt {
                    seq: row.get(0)?,
                    wa_message_id: row.get(1)?,
                    delivery: delivery.parse().map_err(|e| {
                        rusqlite::Error::FromSqlConversionFailure(
                            2,
                            rusqlite::types::Type::Text,
                            Box::new(e),
                        )
                    })?,
                    at: time(row.get(3)?),
                })
            })?;
            receipts = rows.collect::<rusqlite::Result<_>>()?;
        }
        tx.commit()?;
        Ok((device, messages, receipts))
    }

    /// The customer `from` opens the chat: every message the bot sent them
    /// and they had not read yet gets a READ receipt. Returns how many.
    pub fn read(&self, tenant: TenantId, from: &str, now: DateTime<Utc>) -> Result<u64> {
        let read = self
            .conn()
            .prepare_cached(
                "INSERT OR IGNORE INTO receipt (tenant_id, wa_message_id, delivery, created_at) \
                 SELECT tenant_id, wa_message_id, 'READ', ?3 FROM outbound \
                 WHERE tenant_id = ?1 AND to_number = ?2 ORDER BY seq",
            )?
            .execute(params![tenant.to_string(), from, now.timestamp_millis()])?;
        Ok(read as u64)
    }

    /// The phone scans the current QR code: the device is linked and gets
    /// `credentials`. A conflict when already linked or no QR code is valid.
    pub fn link(&self, tenant: TenantId, credentials: &str, now: DateTime<Utc>) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let device = current(&tx, tenant)?;
        if device.as_ref().is_some_and(|(d, _)| d.linked) {
            return Err(SimError::Conflict("the device is already linked".into()));
        }
        let valid = device
            .as_ref()
            .and_then(|(d, _)| d.qr_expires_at)
            .is_some_and(|at| at > now);
        if !valid {
            return Err(SimError::Conflict(
                "there is no QR code to scan: is the tenant's worker running?".into(),
            ));
        }
        tx.execute(
            "UPDATE device SET linked = 1, credentials = ?1, qr = NULL, qr_expires_at = NULL, \
             qr_count = 0, updated_at = ?2 WHERE tenant_id = ?3",
            params![credentials, now.timestamp_millis(), tenant.to_string()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The phone unlinks the device; its credentials stop working.
    pub fn unlink(&self, tenant: TenantId, now: DateTime<Utc>) -> Result<()> {
        let changed = self.conn().execute(
            "UPDATE device SET linked = 0, credentials = NULL, qr = NULL, qr_expires_at = NULL, \
             qr_count = 0, updated_at = ?1 WHERE tenant_id = ?2 AND linked <> 0",
            params![now.timestamp_millis(), tenant.to_string()],
        )?;
        if changed == 0 {
            return Err(SimError::Conflict("the device is not linked".into()));
        }
        Ok(())
    }

    /// A customer's message enters the network for the tenant.
    pub fn push_inbound(&self, tenant: TenantId, message: &SimInbound) -> Result<()> {
        self.conn()
            .prepare_cached(
                "INSERT INTO inbound (tenant_id, wa_message_id, from_number, message_text, \
                 created_at, media_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                tenant.to_string(),
                message.wa_message_id,
                message.from,
                message.text,
                message.at.timestamp_millis(),
                message.media.as_ref().map(to_json),
            ])?;
        Ok(())
    }

    /// The worker acknowledges inbound messages (by id) and receipts (by
    /// `seq`), in one commit: neither is delivered again. Returns how many
    /// of each were still waiting.
    pub fn acknowledge(
        &self,
        tenant: TenantId,
        wa_message_ids: &[String],
        receipt_seqs: &[i64],
        now: DateTime<Utc>,
    ) -> Result<(u64, u64)> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let (tenant, at) = (tenant.to_string(), now.timestamp_millis());
        let messages = mark_acked(&tx, "inbound", "wa_message_id", wa_message_ids, at, &tenant)?;
        let receipts = mark_acked(&tx, "receipt", "seq", receipt_seqs, at, &tenant)?;
        tx.commit()?;
        Ok((messages, receipts))
    }

    /// The bot sends a message. Idempotent on `client_id`: a retried send
    /// returns the first one and sends nothing. A conflict when the device
    /// is not linked.
    #[allow(clippy::too_many_arguments)]
    pub fn send(
        &self,
        tenant: TenantId,
        client_id: &str,
        to: &str,
        text: &str,
        media: Option<&SimOutboundMedia>,
        wa_message_id: &str,
        now: DateTime<Utc>,
    ) -> Result<SimOutbound> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let earlier = tx
            .prepare_cached(
                "SELECT to_number, message_text, wa_message_id, sent_at, media_json \
                 FROM outbound WHERE tenant_id = ?1 AND client_id = ?2",
            )?
            .query_row(params![tenant.to_string(), client_id], outbound_from_row)
            .optional()?;
        if let Some(earlier) = earlier {
            return Ok(earlier);
        }
        if !current(&tx, tenant)?.is_some_and(|(d, _)| d.linked) {
            return Err(SimError::Conflict("the device is not linked".into()));
        }
        tx.prepare_cached(
            "INSERT INTO outbound (tenant_id, client_id, wa_message_id, to_number, \
             message_text, sent_at, media_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            tenant.to_string(),
            client_id,
            wa_message_id,
            to,
            text,
            now.timestamp_millis(),
            media.map(to_json),
        ])?;
        // The customer's phone is always on: delivered at once.
        tx.prepare_cached(
            "INSERT OR IGNORE INTO receipt (tenant_id, wa_message_id, delivery, created_at) \
             VALUES (?1, ?2, 'DELIVERED', ?3)",
        )?
        .execute(params![
            tenant.to_string(),
            wa_message_id,
            now.timestamp_millis()
        ])?;
        tx.commit()?;
        Ok(SimOutbound {
            to: to.to_owned(),
            text: text.to_owned(),
            media: media.cloned(),
            wa_message_id: wa_message_id.to_owned(),
            sent_at: now,
        })
    }

    /// What the tenant's bot sent, oldest first.
    pub fn outbox(&self, tenant: TenantId, limit: u32) -> Result<Vec<SimOutbound>> {
        let conn = self.conn();
        let mut statement = conn.prepare_cached(&format!(
            "SELECT to_number, message_text, wa_message_id, sent_at, media_json FROM outbound \
             WHERE tenant_id = ?1 ORDER BY seq LIMIT {limit}"
        ))?;
        let rows = statement.query_map([tenant.to_string()], outbound_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

fn outbound_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<SimOutbound> {
    Ok(SimOutbound {
        to: row.get(0)?,
        text: row.get(1)?,
        wa_message_id: row.get(2)?,
        sent_at: time(row.get(3)?),
        media: json(row, 4)?,
    })
}

/// Marks the rows of `table` whose `key` is in `keys` acknowledged at
/// `at`; returns how many were still waiting. `table` and `key` are the
/// callers' literals, never input.
fn mark_acked(
    tx: &rusqlite::Transaction<'_>,
    table: &str,
    key: &str,
    keys: &[impl rusqlite::ToSql],
    at: i64,
    tenant: &str,
) -> Result<u64> {
    let mut statement = tx.prepare_cached(&format!(
        "UPDATE {table} SET acked_at = ?1 \
         WHERE {key} = ?2 AND tenant_id = ?3 AND acked_at IS NULL"
    ))?;
    let mut acked = 0;
    for k in keys {
        acked += statement.execute(params![at, k, tenant])? as u64;
    }
    Ok(acked)
}

fn to_json<T: Serialize>(value: &T) -> String {
    // Plain data: serializing it cannot fail.
    serde_json::to_string(value).unwrap_or_default()
}

/// A JSON column, `None` when NULL.
fn json<T: serde::de::DeserializeOwned>(
    row: &rusqlite::Row<'_>,
    column: usize,
) -> rusqlite::Result<Option<T>> {
    let text: Option<String> = row.get(column)?;
    text.map(|text| {
        serde_json::from_str(&text).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(
                column,
                rusqlite::types::Type::Text,
                Box::new(e),
            )
        })
    })
    .transpose()
}

/// The device row and its QR count, if the tenant has one yet.
fn current(conn: &Connection, tenant: TenantId) -> Result<Option<(SimDevice, i64)>> {
    Ok(conn
        .prepare_cached(
            "SELECT linked, credentials, qr, qr_expires_at, qr_count FROM device \
             WHERE tenant_id = ?1",
        )?
        .query_row([tenant.to_string()], |row| {
            Ok((
                SimDevice {
                    linked: row.get::<_, i64>(0)? != 0,
                    credentials: row.get(1)?,
                    qr: row.get(2)?,
                    qr_expires_at: row.get::<_, Option<i64>>(3)?.map(time),
                },
                row.get(4)?,
            ))
        })
        .optional()?)
}

fn device_in(
    conn: &Connection,
    tenant: TenantId,
    now: DateTime<Utc>,
    new_qr: impl FnOnce() -> String,
) -> Result<SimDevice> {
    let (mut device, count) = match current(conn, tenant)? {
        Some(found) => found,
        None => {
            conn.execute(
                "INSERT INTO device (tenant_id, updated_at) VALUES (?1, ?2)",
                params![tenant.to_string(), now.timestamp_millis()],
            )?;
            (
                SimDevice {
                    linked: false,
                    credentials: None,
                    qr: None,
                    qr_expires_at: None,
                },
                0,
            )
        }
    };
    if device.linked || device.qr_expires_at.is_some_and(|at| at > now) {
        return Ok(device);
    }
    let ttl = if count == 0 {
        FIRST_QR_TTL
    } else {
        NEXT_QR_TTL
    };
    let qr = new_qr();
    let expires = now + ttl;
    conn.execute(
        "UPDATE device SET qr = ?1, qr_expires_at = ?2, qr_count = qr_count + 1, \
         updated_at = ?3 WHERE tenant_id = ?4",
        params![
            qr,
            expires.timestamp_millis(),
            now.timestamp_millis(),
            tenant.to_string()
        ],
    )?;
    device.qr = Some(qr);
    device.qr_expires_at = Some(expires);
    Ok(device)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flowhq_domain::DeliveryStatus;

    #[test]
    fn the_network_delivers_until_acknowledged_and_sends_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sim.db");
        let store = SimStore::open(&path).unwrap();
        let tenant = TenantId::new();
        // Whole milliseconds, as stored.
        let now = time(Utc::now().timestamp_millis());
        let message = SimInbound {
            wa_message_id: "w1".into(),
            from: "+34600".into(),
            text: "hi".into(),
            media: None,
            at: now,
        };
        store.push_inbound(tenant, &message).unwrap();
        // Not linked: nothing delivered, a QR code to scan.
        let (device, pending, _) = store.view(tenant, 10, now, || "2@qr".into()).unwrap();
        assert!(!device.linked);
        assert_eq!(device.qr.as_deref(), Some("2@qr"));
        assert!(pending.is_empty());
        assert!(matches!(
            store.send(tenant, "c1", "+34600", "hello", None, "out-1", now),
            Err(SimError::Conflict(_))
        ));
        store.link(tenant, "secret", now).unwrap();
        assert!(matches!(
            store.link(tenant, "again", now),
            Err(SimError::Conflict(_))
        ));
        let (_, pending, _) = store.view(tenant, 10, now, || unreachable!()).unwrap();
        assert_eq!(pending, vec![message.clone()]);
        let sent = store
            .send(tenant, "c1", "+34600", "hello", None, "out-1", now)
            .unwrap();
        let again = store
            .send(tenant, "c1", "+34600", "hello", None, "out-2", now)
            .unwrap();
        assert_eq!(sent, again, "a retried send is the first one");
        // Delivered at once, read when the customer opens the chat; each
        // receipt once, until acknowledged.
        assert_eq!(store.read(tenant, "+34600", now).unwrap(), 1);
        assert_eq!(store.read(tenant, "+34600", now).unwrap(), 0);
        let (_, _, receipts) = store.view(tenant, 10, now, || unreachable!()).unwrap();
        let seen: Vec<_> = receipts
            .iter()
            .map(|r| (r.wa_message_id.as_str(), r.delivery))
            .collect();
        assert_eq!(
            seen,
            [
                ("out-1", DeliveryStatus::Delivered),
                ("out-1", DeliveryStatus::Read)
            ]
        );
        let seqs: Vec<i64> = receipts.iter().map(|r| r.seq).collect();
        assert_eq!(store.acknowledge(tenant, &[], &seqs, now).unwrap(), (0, 2));
        let (_, _, receipts) = store.view(tenant, 10, now, || unreachable!()).unwrap();
        assert!(receipts.is_empty());
        assert_eq!(
            store.acknowledge(tenant, &["w1".into()], &[], now).unwrap(),
            (1, 0)
        );
        assert_eq!(
            store.acknowledge(tenant, &["w1".into()], &[], now).unwrap(),
            (0, 0)
        );
        // It survives a restart.
        drop(store);
        let store = SimStore::open(&path).unwrap();
        let (device, pending, _) = store.view(tenant, 10, now, || unreachable!()).unwrap();
        assert!(device.linked);
        assert_eq!(device.credentials.as_deref(), Some("secret"));
        assert!(pending.is_empty());
        assert_eq!(store.outbox(tenant, 10).unwrap().len(), 1);
        store.unlink(tenant, now).unwrap();
        assert!(matches!(
            store.unlink(tenant, now),
            Err(SimError::Conflict(_))
        ));
    }

    #[test]
    fn qr_codes_rotate_sixty_seconds_then_twenty() {
        let dir = tempfile::tempdir().unwrap();
        let store = SimStore::open(&dir.path().join("sim.db")).unwrap();
        let tenant = TenantId::new();
        let t0 = Utc::now();
        let first = store.device(tenant, t0, || "2@a".into()).unwrap();
        assert_eq!(first.qr_expires_at, Some(t0 + FIRST_QR_TTL));
        let same = store
            .device(tenant, t0 + TimeDelta::seconds(59), || unreachable!())
            .unwrap();
        assert_eq!(same.qr.as_deref(), Some("2@a"));
        let t1 = t0 + TimeDelta::seconds(61);
        let next = store.device(tenant, t1, || "2@b".into()).unwrap();
        assert_eq!(next.qr.as_deref(), Some("2@b"));
        assert_eq!(next.qr_expires_at, Some(t1 + NEXT_QR_TTL));
    }
}
