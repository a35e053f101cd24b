//! The worker's durable outbox: a small SQLite file in its data dir.
//!
//! It holds message logs until the control plane acknowledges them, the
//! replies decided but not yet sent, the ids of inbound messages already
//! handled (a redelivery is recognised even after its log was shipped),
//! and the bot's conversation state. An inbound message, the decision it
//! led to and the new bot state are written in one transaction.

use std::path::Path;
use std::str::FromStr;

use chrono::{DateTime, TimeDelta, Utc};
use flowhq_domain::Direction;
use flowhq_domain::bot::{
    self, BotConfig, ConversationState, Inbound, PAUSED_DECISION, TenantState,
};
use flowhq_domain::protocol::LoggedMessage;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Row, SqliteConnection};

use crate::Result;
use crate::channel::{InboundMessage, Outgoing, Sent};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS outbox (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    direction      TEXT NOT NULL,
    from_number    TEXT NOT NULL,
    to_number      TEXT NOT NULL,
    message_text   TEXT NOT NULL,
    -- NULL for a reply not sent yet
    wa_message_id  TEXT,
    -- the reply's idempotency key on the network
    client_id      TEXT UNIQUE,
    created_at     INTEGER NOT NULL,
    -- inbound: the bot's decision; outbound: the inbound id it answers
    bot_decision   TEXT,
    reply_to       TEXT
);
CREATE TABLE IF NOT EXISTS seen_inbound (
    wa_message_id  TEXT PRIMARY KEY,
    at             INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS contact_state (
    contact  TEXT PRIMARY KEY,
    state    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tenant_state (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    state  TEXT NOT NULL
);
";

/// How long handled inbound ids are remembered: far longer than any
/// network keeps redelivering.
pub const SEEN_RETENTION: TimeDelta = TimeDelta::days(14);

/// What became of an inbound message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recorded {
    /// Stored, with this many replies waiting to be sent.
    New { replies: usize },
    /// Seen before: nothing stored, nothing to send.
    Duplicate,
}

/// A reply decided and recorded, not yet accepted by the network.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingReply {
    pub seq: i64,
    pub message: Outgoing,
}

#[derive(Clone, Debug)]
pub struct Outbox {
    pool: SqlitePool,
}

impl Outbox {
    pub async fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        let options = SqliteConnectOptions::from_str("sqlite://")?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // A commit reaches the OS at once, so a killed worker loses
            // nothing; only the commits that must survive a power cut as
            // well wait for the disk (`record_inbound_batch`).
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(std::time::Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await?;
        sqlx::raw_sql(SCHEMA).execute(&pool).await?;
        add_missing_columns(&pool).await?;
        Ok(Self { pool })
    }

    /// Stores an inbound message and, with a bot (`None` while paused),
    /// the bot's decision: its replies and its new state.
    pub async fn record_inbound(
        &self,
        message: &InboundMessage,
        business_number: &str,
        bot: Option<&BotConfig>,
        now: DateTime<Utc>,
    ) -> Result<Recorded> {
        let mut recorded = self
            .record_inbound_batch(std::slice::from_ref(message), business_number, bot, now)
            .await?;
        Ok(recorded.remove(0))
    }

    /// [`Outbox::record_inbound`] for messages that arrived together, in one
    /// transaction: one disk flush for the lot, which is what lets a worker
    /// keep up with a burst.
    pub async fn record_inbound_batch(
        &self,
        messages: &[InboundMessage],
        business_number: &str,
        bot: Option<&BotConfig>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Recorded>> {
        // The network forgets what the worker acknowledges, so this commit
        // waits for the disk (`synchronous = FULL` for it alone). The other
        // writes need not: losing the last of them to a power cut only
        // means resending under the same client ids, or shipping logs
        // again, and both are idempotent at the other end.
        let mut conn = self.pool.acquire().await?;
        sqlx::query("PRAGMA synchronous = FULL")
            .execute(&mut *conn)
            .await?;
        let result = async {
            let mut tx = sqlx::Connection::begin(&mut *conn).await?;
            let mut recorded = Vec::with_capacity(messages.len());
            for message in messages {
                recorded.push(record_one(&mut tx, message, business_number, bot, now).await?);
            }
            tx.commit().await?;
            Ok(recorded)
        }
        .await;
        sqlx::query("PRAGMA synchronous = NORMAL")
            .execute(&mut *conn)
            .await?;
        result
    }

    /// Replies recorded but not yet sent, oldest first.
    pub async fn unsent_replies(&self) -> Result<Vec<PendingReply>> {
        let rows = sqlx::query(
            "SELECT seq, client_id, to_number, message_text FROM outbox \
             WHERE wa_message_id IS NULL ORDER BY seq",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(PendingReply {
                    seq: row.try_get("seq")?,
                    message: Outgoing {
                        client_id: row.try_get("client_id")?,
                        to: row.try_get("to_number")?,
                        text: row.try_get("message_text")?,
                    },
                })
            })
            .collect()
    }

    /// The network accepted these replies (sequence number and what the
    /// network said): their logs are ready to ship. Each stands alone, no
    /// transaction: a crash before one is written only means resending
    /// that reply under the same client id, which the network ignores.
    pub async fn mark_sent(&self, sent: &[(i64, Sent)]) -> Result<()> {
        for (seq, sent) in sent {
            sqlx::query("UPDATE outbox SET wa_message_id = ?1, created_at = ?2 WHERE seq = ?3")
                .bind(&sent.wa_message_id)
                .bind(sent.sent_at.timestamp_millis())
                .bind(seq)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// Up to `limit` logs ready to ship, oldest first, with their sequence
    /// numbers for [`Outbox::delete`].
    pub async fn ready_batch(&self, limit: u32) -> Result<Vec<(i64, LoggedMessage)>> {
        // The limit is written into the statement: SQLite (3.51) recompiles
        // a statement with a bound LIMIT every time it is bound again.
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT seq, direction, from_number, to_number, message_text, wa_message_id, \
             bot_decision, reply_to, created_at FROM outbox WHERE wa_message_id IS NOT NULL \
             ORDER BY seq LIMIT {limit}"
        )))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let direction: String = row.try_get("direction")?;
                let created_at: i64 = row.try_get("created_at")?;
                Ok((
                    row.try_get("seq")?,
                    LoggedMessage {
                        direction: direction.parse().map_err(|e| {
                            crate::WorkerError::Protocol(format!("outbox direction: {e}"))
                        })?,
                        from_number: row.try_get("from_number")?,
                        to_number: row.try_get("to_number")?,
                        message_text: row.try_get("message_text")?,
                        wa_message_id: row.try_get("wa_message_id")?,
                        bot_decision: row.try_get("bot_decision")?,
                        reply_to: row.try_get("reply_to")?,
                        created_at: DateTime::from_timestamp_millis(created_at).unwrap_or_default(),
                    },
                ))
            })
            .collect()
    }

    /// Forgets logs the control plane acknowledged.
    pub async fn delete(&self, seqs: &[i64]) -> Result<()> {
        // One statement per chunk: a statement is a round trip to SQLite's
        // connection thread. Atomicity across chunks is not needed, since
        // a log forgotten late is only shipped again.
        for chunk in seqs.chunks(500) {
            let sql = format!(
                "DELETE FROM outbox WHERE seq IN ({})",
                vec!["?"; chunk.len()].join(", ")
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for seq in chunk {
                query = query.bind(seq);
            }
            query.execute(&self.pool).await?;
        }
        Ok(())
    }

    /// Everything not yet shipped: logs and unsent replies.
    pub async fn backlog(&self) -> Result<u64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM outbox")
            .fetch_one(&self.pool)
            .await?;
        Ok(n.max(0) as u64)
    }

    /// Drops remembered inbound ids older than [`SEEN_RETENTION`].
    pub async fn prune(&self, now: DateTime<Utc>) -> Result<()> {
        sqlx::query("DELETE FROM seen_inbound WHERE at < ?1")
            .bind((now - SEEN_RETENTION).timestamp_millis())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Records one inbound message inside the caller's transaction.
async fn record_one(
    tx: &mut SqliteConnection,
    message: &InboundMessage,
    business_number: &str,
    bot: Option<&BotConfig>,
    now: DateTime<Utc>,
) -> Result<Recorded> {
    let fresh = sqlx::query(
        "INSERT INTO seen_inbound (wa_message_id, at) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
    )
    .bind(&message.wa_message_id)
    .bind(now.timestamp_millis())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if fresh == 0 {
        return Ok(Recorded::Duplicate);
    }
    let mut replies = Vec::new();
    let decision = match bot {
        None => PAUSED_DECISION,
        Some(config) => {
            let outcome = decide(tx, config, message, now).await?;
            replies = outcome.replies;
            outcome.decision.code()
        }
    };
    // What the business wrote from its phone is logged as what it is:
    // outbound, to the contact.
    let (direction, from, to) = if message.from_me {
        (Direction::Outbound, business_number, message.from.as_str())
    } else {
        (Direction::Inbound, message.from.as_str(), business_number)
    };
    insert_log(
        tx,
        &LogRow {
            direction,
            from,
            to,
            text: &message.text,
            wa_message_id: Some(&message.wa_message_id),
            client_id: None,
            bot_decision: Some(decision),
            reply_to: None,
            at: message.at,
        },
    )
    .await?;
    for (i, reply) in replies.iter().enumerate() {
        // Derived from the inbound id: the same decision can only ever
        // produce the same sends.
        let client_id = format!("{}:{i}", message.wa_message_id);
        insert_log(
            tx,
            &LogRow {
                direction: Direction::Outbound,
                from: business_number,
                to: &reply.to,
                text: &reply.text,
                wa_message_id: None,
                client_id: Some(&client_id),
                bot_decision: None,
                reply_to: Some(&message.wa_message_id),
                at: now,
            },
        )
        .await?;
    }
    Ok(Recorded::New {
        replies: replies.len(),
    })
}

/// Runs the bot on `message` with the conversation state stored for its
/// sender and the tenant, and stores the states it leaves behind.
async fn decide(
    tx: &mut SqliteConnection,
    config: &BotConfig,
    message: &InboundMessage,
    now: DateTime<Utc>,
) -> Result<bot::Outcome> {
    let contact = load_state::<ConversationState>(
        tx,
        "SELECT state FROM contact_state WHERE contact = ?1",
        &message.from,
    )
    .await?;
    let tenant =
        load_state::<TenantState>(tx, "SELECT state FROM tenant_state WHERE id = 1", "").await?;
    // The engine answers direct chats only, and hands a contact over when
    // the business writes to them itself.
    let inbound = Inbound {
        from: message.from.clone(),
        text: message.text.clone(),
        kind: message.kind,
        from_me: message.from_me,
    };
    let outcome = bot::reply(config, &tenant, &contact, &inbound, now);
    tracing::debug!(wa_message_id = %message.wa_message_id, decision = ?outcome.decision, "bot decided");
    sqlx::query(
        "INSERT INTO contact_state (contact, state) VALUES (?1, ?2) \
         ON CONFLICT (contact) DO UPDATE SET state = excluded.state",
    )
    .bind(&message.from)
    .bind(to_json(&outcome.contact))
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO tenant_state (id, state) VALUES (1, ?1) \
         ON CONFLICT (id) DO UPDATE SET state = excluded.state",
    )
    .bind(to_json(&outcome.tenant))
    .execute(&mut *tx)
    .await?;
    Ok(outcome)
}

/// One outbox row as written.
struct LogRow<'a> {
    direction: Direction,
    from: &'a str,
    to: &'a str,
    text: &'a str,
    wa_message_id: Option<&'a str>,
    client_id: Option<&'a str>,
    bot_decision: Option<&'a str>,
    reply_to: Option<&'a str>,
    at: DateTime<Utc>,
}

async fn insert_log(conn: &mut SqliteConnection, row: &LogRow<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO outbox (direction, from_number, to_number, message_text, wa_message_id, \
         client_id, bot_decision, reply_to, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )
    .bind(row.direction.as_str())
    .bind(row.from)
    .bind(row.to)
    .bind(row.text)
    .bind(row.wa_message_id)
    .bind(row.client_id)
    .bind(row.bot_decision)
    .bind(row.reply_to)
    .bind(row.at.timestamp_millis())
    .execute(conn)
    .await?;
    Ok(())
}

/// Columns added since the first outbox schema: an outbox left by an older
/// worker gains them when it is opened (`CREATE TABLE IF NOT EXISTS` keeps
/// the old table as it was).
async fn add_missing_columns(pool: &SqlitePool) -> Result<()> {
    let present: Vec<(String,)> = sqlx::query_as("SELECT name FROM pragma_table_info('outbox')")
        .fetch_all(pool)
        .await?;
    let added = [
        (
            "bot_decision",
            "ALTER TABLE outbox ADD COLUMN bot_decision TEXT",
        ),
        ("reply_to", "ALTER TABLE outbox ADD COLUMN reply_to TEXT"),
    ];
    for (column, alter) in added {
        if !present.iter().any(|(name,)| name == column) {
            sqlx::query(alter).execute(pool).await?;
        }
    }
    Ok(())
}

async fn load_state<T: serde::de::DeserializeOwned + Default>(
    conn: &mut SqliteConnection,
    sql: &'static str,
    key: &str,
) -> Result<T> {
    let row: Option<(String,)> = sqlx::query_as(sql).bind(key).fetch_optional(conn).await?;
    // A state that no longer parses is forgotten, not fatal: the bot
    // answers as to a new contact.
    Ok(row
        .and_then(|(json,)| serde_json::from_str(&json).ok())
        .unwrap_or_default())
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "{}".into())
}

#[cfg(test)]
mod tests {
    use flowhq_domain::hours::OpeningHours;
    use flowhq_domain::{Language, TemplateType};

    use super::*;

    fn bot() -> BotConfig {
        BotConfig::new(
            TemplateType::Restaurant,
            "Casa Pepe",
            Language::En,
            OpeningHours::always_open(),
            &serde_json::Map::new(),
        )
        .unwrap()
    }

    fn message(id: &str, text: &str) -> InboundMessage {
        InboundMessage::direct(id, "+34600000001", text, Utc::now())
    }

    #[tokio::test]
    async fn groups_and_own_messages_are_logged_but_not_answered() {
        use crate::channel::ChatKind;
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::open(&dir.path().join("outbox.db")).await.unwrap();
        let now = Utc::now();
        let mut group = message("g1", "hello");
        group.kind = ChatKind::Group;
        let mut status = message("s1", "hello");
        status.kind = ChatKind::Status;
        let mut own = message("o1", "we open at nine");
        own.from_me = true;
        for m in [&group, &status, &own] {
            assert_eq!(
                outbox
                    .record_inbound(m, "+3491", Some(&bot()), now)
                    .await
                    .unwrap(),
                Recorded::New { replies: 0 },
                "{m:?}"
            );
        }
        let logs = outbox.ready_batch(10).await.unwrap();
        assert_eq!(logs.len(), 3);
        let own_log = &logs[2].1;
        assert_eq!(own_log.direction, Direction::Outbound);
        assert_eq!(own_log.from_number, "+3491");
        assert_eq!(own_log.to_number, "+34600000001");
        assert_eq!(logs[0].1.direction, Direction::Inbound);
        // A direct message still gets its answer.
        assert!(matches!(
            outbox
                .record_inbound(&message("d1", "hello"), "+3491", Some(&bot()), now)
                .await
                .unwrap(),
            Recorded::New { replies } if replies > 0
        ));
    }

    #[tokio::test]
    async fn a_redelivered_message_is_recorded_and_answered_once() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::open(&dir.path().join("outbox.db")).await.unwrap();
        let now = Utc::now();
        let first = outbox
            .record_inbound(&message("m1", "hello"), "+3491", Some(&bot()), now)
            .await
            .unwrap();
        assert_eq!(first, Recorded::New { replies: 1 });
        let again = outbox
            .record_inbound(&message("m1", "hello"), "+3491", Some(&bot()), now)
            .await
            .unwrap();
        assert_eq!(again, Recorded::Duplicate);
        let unsent = outbox.unsent_replies().await.unwrap();
        assert_eq!(unsent.len(), 1);
        assert_eq!(unsent[0].message.client_id, "m1:0");
        assert!(unsent[0].message.text.contains("Casa Pepe"));
        // Only the inbound log is ready to ship until the reply is sent.
        assert_eq!(outbox.ready_batch(10).await.unwrap().len(), 1);
        assert_eq!(outbox.backlog().await.unwrap(), 2);
    }

    #[tokio::test]
    async fn the_outbox_replays_after_a_crash_and_forgets_only_what_was_acknowledged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outbox.db");
        let now = Utc::now();
        {
            let outbox = Outbox::open(&path).await.unwrap();
            outbox
                .record_inbound(&message("m1", "hi"), "+3491", Some(&bot()), now)
                .await
                .unwrap();
            outbox
                .record_inbound(&message("m2", "1"), "+3491", None, now)
                .await
                .unwrap();
            // "Crash": dropped without shipping or sending.
            outbox.close().await;
        }
        let outbox = Outbox::open(&path).await.unwrap();
        let unsent = outbox.unsent_replies().await.unwrap();
        assert_eq!(unsent.len(), 1, "the decided reply survives the restart");
        let sent = Sent {
            wa_message_id: "out-1".into(),
            sent_at: now,
        };
        outbox.mark_sent(&[(unsent[0].seq, sent)]).await.unwrap();
        assert!(outbox.unsent_replies().await.unwrap().is_empty());
        let batch = outbox.ready_batch(2).await.unwrap();
        let ids: Vec<_> = batch
            .iter()
            .map(|(_, m)| m.wa_message_id.as_str())
            .collect();
        assert_eq!(ids, vec!["m1", "out-1"], "in the order they happened");
        // Only the first was acknowledged.
        outbox.delete(&[batch[0].0]).await.unwrap();
        let rest = outbox.ready_batch(10).await.unwrap();
        let ids: Vec<_> = rest.iter().map(|(_, m)| m.wa_message_id.as_str()).collect();
        assert_eq!(ids, vec!["out-1", "m2"]);
        assert_eq!(rest[0].1.direction, Direction::Outbound);
        assert_eq!(rest[0].1.from_number, "+3491");
        assert_eq!(
            rest[0].1.reply_to.as_deref(),
            Some("m1"),
            "a reply names what it answers"
        );
        assert_eq!(rest[0].1.bot_decision, None);
        assert_eq!(batch[0].1.bot_decision.as_deref(), Some("WELCOME"));
        assert_eq!(
            rest[1].1.bot_decision.as_deref(),
            Some(PAUSED_DECISION),
            "m2 came while paused"
        );
        // A redelivery of a shipped message is still recognised.
        assert_eq!(
            outbox
                .record_inbound(&message("m1", "hi"), "+3491", Some(&bot()), now)
                .await
                .unwrap(),
            Recorded::Duplicate
        );
    }

    #[tokio::test]
    async fn bot_state_is_kept_between_messages() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::open(&dir.path().join("outbox.db")).await.unwrap();
        let now = Utc::now();
        outbox
            .record_inbound(&message("m1", "hello"), "+3491", Some(&bot()), now)
            .await
            .unwrap();
        outbox
            .record_inbound(&message("m2", "hello"), "+3491", Some(&bot()), now)
            .await
            .unwrap();
        assert_eq!(outbox.unsent_replies().await.unwrap().len(), 2);
        // The contact's conversation state was stored with the decision.
        let (state,): (String,) = sqlx::query_as("SELECT state FROM contact_state")
            .fetch_one(&outbox.pool)
            .await
            .unwrap();
        assert!(state.contains("last_inbound_at"));
    }

    #[tokio::test]
    async fn an_outbox_from_an_older_worker_gains_the_new_columns_and_keeps_its_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outbox.db");
        {
            // The first schema, with one unshipped inbound log in it.
            let pool = SqlitePoolOptions::new()
                .connect_with(
                    SqliteConnectOptions::from_str("sqlite://")
                        .unwrap()
                        .filename(&path)
                        .create_if_missing(true),
                )
                .await
                .unwrap();
            sqlx::raw_sql(
                "CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, \
                 direction TEXT NOT NULL, from_number TEXT NOT NULL, to_number TEXT NOT NULL, \
                 message_text TEXT NOT NULL, wa_message_id TEXT, client_id TEXT UNIQUE, \
                 created_at INTEGER NOT NULL); \
                 INSERT INTO outbox (direction, from_number, to_number, message_text, \
                 wa_message_id, created_at) VALUES ('INBOUND', '+34600', '+3491', 'hi', 'old-1', 0);",
            )
            .execute(&pool)
            .await
            .unwrap();
            pool.close().await;
        }
        let outbox = Outbox::open(&path).await.unwrap();
        let batch = outbox.ready_batch(10).await.unwrap();
        assert_eq!(batch.len(), 1);
        assert_eq!(batch[0].1.wa_message_id, "old-1");
        assert_eq!(batch[0].1.bot_decision, None);
        outbox
            .record_inbound(&message("m1", "hello"), "+3491", Some(&bot()), Utc::now())
            .await
            .unwrap();
        assert_eq!(outbox.unsent_replies().await.unwrap().len(), 1);
        // Opening it again changes nothing.
        outbox.close().await;
        Outbox::open(&path).await.unwrap();
    }
}
