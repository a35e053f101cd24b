//! The worker's durable outbox: a small SQLite file in its data dir.
//!
//! It holds message logs and the receipts of sent messages until the
//! control plane acknowledges them, the replies decided but not yet sent, the ids of inbound messages already
//! handled (a redelivery is recognised even after its log was shipped),
//! and the bot's conversation state. An inbound message, the decision it
//! led to and the new bot state are written in one transaction.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use flowhq_domain::bot::{self, BotConfig, ConversationState, Inbound, TenantState};
use flowhq_domain::media::Attachment;
use flowhq_domain::protocol::{LoggedMessage, Receipt};
use flowhq_domain::{Direction, LoggedDecision};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use rusqlite_migration::{M, Migrations};

use crate::Result;
use crate::channel::{InboundMessage, Outgoing, Sent};

/// The outbox's schema, one step per version (`PRAGMA user_version`).
const SCHEMA: [&str; 8] = [
    "CREATE TABLE IF NOT EXISTS outbox (
        seq            INTEGER PRIMARY KEY AUTOINCREMENT,
        direction      TEXT NOT NULL,
        from_number    TEXT NOT NULL,
        to_number      TEXT NOT NULL,
        message_text   TEXT NOT NULL,
        -- NULL for a reply not sent yet
        wa_message_id  TEXT,
        -- the reply's idempotency key on the network
        client_id      TEXT UNIQUE,
        created_at     INTEGER NOT NULL
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
    );",
    // inbound: the bot's decision; outbound: the inbound id it answers
    "ALTER TABLE outbox ADD COLUMN bot_decision TEXT;
    ALTER TABLE outbox ADD COLUMN reply_to TEXT;",
    // Commands the control plane sent (a send's id): one that comes again,
    // because its acknowledgement was lost, is recognised even after its
    // message was shipped and forgotten.
    "CREATE TABLE IF NOT EXISTS handled_command (
        id  TEXT PRIMARY KEY,
        at  INTEGER NOT NULL
    );",
    // The file of a message (`Attachment` as JSON): a menu item's PDF the
    // bot sends, a photo a customer sent.
    "ALTER TABLE outbox ADD COLUMN media_json TEXT;",
    // Inbound answered from the menu: the item it chose (1-based).
    "ALTER TABLE outbox ADD COLUMN menu_item INTEGER;",
    // Inbound: the name the contact gave themselves, for the inbox.
    "ALTER TABLE outbox ADD COLUMN push_name TEXT;",
    // Receipts of sent messages waiting to ship: the furthest one each
    // (DELIVERED, then READ), so a burst of them ships as one row.
    "CREATE TABLE IF NOT EXISTS receipt (
        wa_message_id  TEXT PRIMARY KEY,
        delivery       TEXT NOT NULL,
        rank           INTEGER NOT NULL,
        at             INTEGER NOT NULL
    );",
    // The contact's private id (LID) when `from`/`to` is their number.
    "ALTER TABLE outbox ADD COLUMN hidden_id TEXT;",
];

fn migrations() -> Migrations<'static> {
    Migrations::new(SCHEMA.iter().map(|sql| M::up(sql)).collect())
}

/// The outbox's log is checkpointed into the file once it holds this
/// many pages. The outbox keeps only what has not shipped, a few dozen
/// pages, but a WAL file is reused, never shrunk, while it is open: at
/// SQLite's default (1,000 pages) every worker kept about 4 MiB of log,
/// 8 GiB on a host of 2,000 tenants. A checkpoint here copies those few
/// pages and waits for the disk twice, a small price every hundred or so
/// commits.
const WAL_CHECKPOINT_PAGES: i64 = 128;

/// What a checkpointed log is cut back to when a burst (a batch of long
/// messages) grew it past the usual size.
const WAL_LIMIT_BYTES: i64 = 1 << 20;

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

/// A reply decided and recorded, not yet accepted by the network. A file
/// is named by `attachment`; the runtime fetches its bytes into
/// `message.media` before sending.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingReply {
    pub seq: i64,
    pub message: Outgoing,
    pub attachment: Option<Attachment>,
}

/// The outbox's one connection. Its calls run on the caller's thread and
/// block it: a worker is one tenant on a single-threaded runtime, and a
/// statement here takes microseconds (the one commit that waits for the
/// disk, `record_inbound_batch`, a few milliseconds). Handing each
/// statement to a connection thread, as an async driver does, cost more
/// in context switches than the statements themselves.
#[derive(Debug)]
pub struct Outbox {
    conn: Mutex<Connection>,
}

impl Outbox {
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0))?;
        // A commit reaches the OS at once, so a killed worker loses
        // nothing; only the commits that must survive a power cut as well
        // wait for the disk (`record_inbound_batch`).
        run_pragma(&conn, SYNC_NORMAL)?;
        conn.pragma_update(None, "wal_autocheckpoint", WAL_CHECKPOINT_PAGES)?;
        conn.pragma_update(None, "journal_size_limit", WAL_LIMIT_BYTES)?;
        conn.set_prepared_statement_cache_capacity(32);
        number_an_unversioned_outbox(&conn)?;
        migrations().to_latest(&mut conn)?;
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

    /// Stores an inbound message and, with a bot (`None` while paused),
    /// the bot's decision: its replies and its new state.
    pub fn record_inbound(
        &self,
        message: &InboundMessage,
        business_number: &str,
        bot: Option<&BotConfig>,
        now: DateTime<Utc>,
    ) -> Result<Recorded> {
        let mut recorded = self.record_inbound_batch(
            std::slice::from_ref(message),
            &[],
            business_number,
            bot,
            now,
        )?;
        Ok(recorded.remove(0))
    }

    /// [`Outbox::record_inbound`] for messages that arrived together, in one
    /// transaction: one disk flush for the lot, which is what lets a worker
    /// keep up with a burst. The receipts that came with them are kept in
    /// the same commit ([`Outbox::record_receipts`]).
    pub fn record_inbound_batch(
        &self,
        messages: &[InboundMessage],
        receipts: &[Receipt],
        business_number: &str,
        bot: Option<&BotConfig>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Recorded>> {
        // The network forgets what the worker acknowledges, so this commit
        // waits for the disk (`synchronous = FULL` for it alone). The other
        // writes need not: losing the last of them to a power cut only
        // means resending under the same client ids, or shipping logs
        // again, and both are idempotent at the other end.
        durably(&mut self.conn(), |tx| {
            let recorded = messages
                .iter()
                .map(|message| record_one(tx, message, business_number, bot, now))
                .collect::<Result<Vec<_>>>()?;
            keep_receipts(tx, receipts)?;
            Ok(recorded)
        })
    }

    /// Records a text (or a file, `text` its caption) the control plane
    /// asked to send (command `id`) as an outbound message waiting to go
    /// out under the client id `id`.
    /// Returns `false` for a command seen before: nothing is recorded, so
    /// the text goes out once however often the command comes.
    /// `quiet_for` is the bot of a send a person wrote (the inbox): it
    /// stays out of that contact's chat as after a message from the phone.
    #[allow(clippy::too_many_arguments)]
    pub fn record_send(
        &self,
        id: &str,
        business_number: &str,
        to: &str,
        text: &str,
        media: Option<&Attachment>,
        quiet_for: Option<&BotConfig>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        // The control plane forgets the send once this is acknowledged:
        // the commit waits for the disk, like an inbound message's.
        durably(&mut self.conn(), |tx| {
            let fresh = tx
                .prepare_cached(
                    "INSERT INTO handled_command (id, at) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                )?
                .execute(params![id, now.timestamp_millis()])?;
            if fresh == 1 {
                insert_log(
                    tx,
                    &LogRow {
                        direction: Direction::Outbound,
                        from: business_number,
                        to,
                        text,
                        wa_message_id: None,
                        client_id: Some(id),
                        hidden_id: None,
                        bot_decision: None,
                        reply_to: None,
                        menu_item: None,
                        media,
                        push_name: None,
                        at: now,
                    },
                )?;
                if let Some(config) = quiet_for {
                    update_contact(tx, to, |state| state.person_answered(config, now))?;
                }
            }
            Ok(fresh == 1)
        })
    }

    /// The chat with `contact` was marked resolved at `at`: the bot may
    /// answer them again (see `ConversationState::resolve`).
    pub fn resolve(&self, contact: &str, config: &BotConfig, at: DateTime<Utc>) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        update_contact(&tx, contact, |state| state.resolve(config, at))?;
        tx.commit()?;
        Ok(())
    }

    /// Replies recorded but not yet sent, oldest first.
    pub fn unsent_replies(&self) -> Result<Vec<PendingReply>> {
        let conn = self.conn();
        let mut statement = conn.prepare_cached(
            "SELECT seq, client_id, to_number, message_text, media_json FROM outbox \
             WHERE wa_message_id IS NULL ORDER BY seq",
        )?;
        let rows = statement.query_map([], |row| {
            Ok(PendingReply {
                seq: row.get("seq")?,
                message: Outgoing {
                    client_id: row.get("client_id")?,
                    to: row.get("to_number")?,
                    text: row.get("message_text")?,
                    media: None,
                },
                attachment: media(row)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The network accepted these replies (sequence number and what the
    /// network said): their logs are ready to ship. One commit that need
    /// not reach the disk: losing it only means resending those replies
    /// under the same client ids, which the network ignores.
    pub fn mark_sent(&self, sent: &[(i64, Sent)]) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        {
            let mut statement = tx.prepare_cached(
                "UPDATE outbox SET wa_message_id = ?1, created_at = ?2 WHERE seq = ?3",
            )?;
            for (seq, sent) in sent {
                statement.execute(params![
                    sent.wa_message_id,
                    sent.sent_at.timestamp_millis(),
                    seq
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Up to `limit` logs ready to ship, oldest first, with their sequence
    /// numbers for [`Outbox::forget_shipped`].
    pub fn ready_batch(&self, limit: u32) -> Result<Vec<(i64, LoggedMessage)>> {
        let conn = self.conn();
        // The limit is written into the statement: SQLite (3.51) recompiles
        // a statement with a bound LIMIT every time it is bound again.
        let mut statement = conn.prepare_cached(&format!(
            "SELECT seq, direction, from_number, to_number, message_text, wa_message_id, \
             client_id, bot_decision, reply_to, media_json, menu_item, push_name, hidden_id, \
             created_at FROM outbox \
             WHERE wa_message_id IS NOT NULL \
             ORDER BY seq LIMIT {limit}"
        ))?;
        let rows = statement.query_map([], |row| {
            let created_at: i64 = row.get("created_at")?;
            Ok((
                row.get("seq")?,
                LoggedMessage {
                    direction: parsed(row, "direction")?.ok_or_else(|| null(row, "direction"))?,
                    from_number: row.get("from_number")?,
                    to_number: row.get("to_number")?,
                    message_text: row.get("message_text")?,
                    wa_message_id: row.get("wa_message_id")?,
                    bot_decision: parsed(row, "bot_decision")?,
                    reply_to: row.get("reply_to")?,
                    menu_item: row.get("menu_item")?,
                    media: media(row)?,
                    push_name: row.get("push_name")?,
                    client_id: row.get("client_id")?,
                    hidden_id: row.get("hidden_id")?,
                    created_at: DateTime::from_timestamp_millis(created_at).unwrap_or_default(),
                },
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Keeps receipts until they ship: per message the furthest one (a
    /// receipt that comes late or twice changes nothing).
    pub fn record_receipts(&self, receipts: &[Receipt]) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        keep_receipts(&tx, receipts)?;
        tx.commit()?;
        Ok(())
    }

    /// Up to `limit` receipts ready to ship, oldest first.
    pub fn ready_receipts(&self, limit: u32) -> Result<Vec<Receipt>> {
        let conn = self.conn();
        let mut statement = conn.prepare_cached(&format!(
            "SELECT wa_message_id, delivery, at FROM receipt ORDER BY at, wa_message_id LIMIT {limit}"
        ))?;
        let rows = statement.query_map([], |row| {
            let at: i64 = row.get("at")?;
            Ok(Receipt {
                wa_message_id: row.get("wa_message_id")?,
                delivery: parsed(row, "delivery")?.ok_or_else(|| null(row, "delivery"))?,
                at: DateTime::from_timestamp_millis(at).unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Forgets what the control plane acknowledged, logs and receipts, in
    /// one commit that need not reach the disk: a log or receipt forgotten
    /// late is only shipped again. A receipt overtaken by a further one
    /// meanwhile stays (that one ships next).
    pub fn forget_shipped(&self, seqs: &[i64], receipts: &[Receipt]) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        {
            let mut statement = tx.prepare_cached("DELETE FROM outbox WHERE seq = ?1")?;
            for seq in seqs {
                statement.execute([seq])?;
            }
            let mut statement = tx
                .prepare_cached("DELETE FROM receipt WHERE wa_message_id = ?1 AND delivery = ?2")?;
            for r in receipts {
                statement.execute(params![r.wa_message_id, r.delivery.as_str()])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Everything not yet shipped: logs and unsent replies.
    pub fn backlog(&self) -> Result<u64> {
        let n: i64 = self
            .conn()
            .prepare_cached("SELECT COUNT(*) FROM outbox")?
            .query_row([], |row| row.get(0))?;
        Ok(n.max(0) as u64)
    }

    /// Drops remembered inbound ids and commands older than
    /// [`SEEN_RETENTION`].
    pub fn prune(&self, now: DateTime<Utc>) -> Result<()> {
        let before = (now - SEEN_RETENTION).timestamp_millis();
        let conn = self.conn();
        conn.execute("DELETE FROM seen_inbound WHERE at < ?1", [before])?;
        conn.execute("DELETE FROM handled_command WHERE at < ?1", [before])?;
        Ok(())
    }
}

/// Per message the furthest receipt (one that comes late or twice
/// changes nothing).
fn keep_receipts(tx: &Transaction, receipts: &[Receipt]) -> Result<()> {
    let mut statement = tx.prepare_cached(
        "INSERT INTO receipt (wa_message_id, delivery, rank, at) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (wa_message_id) DO UPDATE SET delivery = excluded.delivery, \
         rank = excluded.rank, at = excluded.at WHERE excluded.rank > receipt.rank",
    )?;
    for r in receipts {
        statement.execute(params![
            r.wa_message_id,
            r.delivery.as_str(),
            r.delivery.rank(),
            r.at.timestamp_millis()
        ])?;
    }
    Ok(())
}

/// Commits wait for the disk.
const SYNC_FULL: &str = "PRAGMA synchronous = FULL";
/// Commits reach the OS only.
const SYNC_NORMAL: &str = "PRAGMA synchronous = NORMAL";

/// Runs `work` in one transaction whose commit waits for the disk
/// (`synchronous = FULL` for it alone), then sets the cheaper mode back.
fn durably<T>(
    conn: &mut Connection,
    work: impl FnOnce(&Transaction<'_>) -> Result<T>,
) -> Result<T> {
    run_pragma(conn, SYNC_FULL)?;
    let result = (|| {
        let tx = conn.transaction()?;
        let out = work(&tx)?;
        tx.commit()?;
        Ok(out)
    })();
    run_pragma(conn, SYNC_NORMAL)?;
    result
}

/// Runs a pragma that returns nothing through the statement cache: the
/// durability switches run twice per inbound batch, and compiling them
/// each time showed in profiles of busy workers.
fn run_pragma(conn: &Connection, sql: &'static str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([])?;
    Ok(())
}

/// Records one inbound message inside the caller's transaction.
fn record_one(
    tx: &Transaction<'_>,
    message: &InboundMessage,
    business_number: &str,
    bot: Option<&BotConfig>,
    now: DateTime<Utc>,
) -> Result<Recorded> {
    let fresh = tx
        .prepare_cached(
            "INSERT INTO seen_inbound (wa_message_id, at) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        )?
        .execute(params![message.wa_message_id, now.timestamp_millis()])?;
    if fresh == 0 {
        return Ok(Recorded::Duplicate);
    }
    let mut replies = Vec::new();
    let mut menu_item = None;
    let decision = match bot {
        None => LoggedDecision::Paused,
        Some(config) => {
            let outcome = decide(tx, config, message, now)?;
            replies = outcome.replies;
            if let bot::Decision::Answer { items, .. } = &outcome.decision {
                menu_item = items.first().copied();
            }
            outcome.decision.logged()
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
            hidden_id: message.hidden_id.as_deref(),
            bot_decision: Some(decision),
            reply_to: None,
            menu_item,
            media: message.media.as_ref(),
            push_name: message.push_name.as_deref().filter(|_| !message.from_me),
            at: message.at,
        },
    )?;
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
                hidden_id: None,
                bot_decision: None,
                reply_to: Some(&message.wa_message_id),
                menu_item: None,
                media: reply.media.as_ref(),
                push_name: None,
                at: now,
            },
        )?;
    }
    Ok(Recorded::New {
        replies: replies.len(),
    })
}

/// Runs the bot on `message` with the conversation state stored for its
/// sender and the tenant, and stores the states it leaves behind.
fn decide(
    tx: &Transaction<'_>,
    config: &BotConfig,
    message: &InboundMessage,
    now: DateTime<Utc>,
) -> Result<bot::Outcome> {
    let contact = load_state::<ConversationState>(
        tx,
        "SELECT state FROM contact_state WHERE contact = ?1",
        [&message.from],
    )?;
    let tenant = load_state::<TenantState>(tx, "SELECT state FROM tenant_state WHERE id = 1", [])?;
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
    save_contact(tx, &message.from, &outcome.contact)?;
    tx.prepare_cached(
        "INSERT INTO tenant_state (id, state) VALUES (1, ?1) \
         ON CONFLICT (id) DO UPDATE SET state = excluded.state",
    )?
    .execute([to_json(&outcome.tenant)])?;
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
    /// Inbound: the contact's private id when `from` is their number.
    hidden_id: Option<&'a str>,
    bot_decision: Option<LoggedDecision>,
    reply_to: Option<&'a str>,
    menu_item: Option<u8>,
    media: Option<&'a Attachment>,
    push_name: Option<&'a str>,
    at: DateTime<Utc>,
}

fn insert_log(tx: &Transaction<'_>, row: &LogRow<'_>) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO outbox (direction, from_number, to_number, message_text, wa_message_id, \
         client_id, bot_decision, reply_to, created_at, media_json, menu_item, push_name, \
         hidden_id) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        row.direction.as_str(),
        row.from,
        row.to,
        row.text,
        row.wa_message_id,
        row.client_id,
        row.bot_decision.map(LoggedDecision::as_str),
        row.reply_to,
        row.at.timestamp_millis(),
        row.media.map(to_json),
        row.menu_item,
        row.push_name,
        row.hidden_id,
    ])?;
    Ok(())
}

/// Columns added since the first outbox schema: an outbox left by an older
/// worker gains them when it is opened (`CREATE TABLE IF NOT EXISTS` keeps
/// the old table as it was).
/// Outboxes written before the schema had versions have `user_version` 0
/// whatever they hold. Without the decision columns they go through every
/// step (the first only creates what is missing); with them, they are at
/// version 2 once the first step's tables are sure to exist.
fn number_an_unversioned_outbox(conn: &Connection) -> Result<()> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let columns: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('outbox')")?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if version == 0 && columns.iter().any(|c| c == "reply_to") {
        conn.execute_batch(SCHEMA[0])?;
        conn.pragma_update(None, "user_version", 2)?;
    }
    Ok(())
}

/// Changes the bot's memory of `contact` in `tx`.
fn update_contact(
    tx: &Transaction<'_>,
    contact: &str,
    change: impl FnOnce(&mut ConversationState),
) -> Result<()> {
    let mut state = load_state::<ConversationState>(
        tx,
        "SELECT state FROM contact_state WHERE contact = ?1",
        [contact],
    )?;
    change(&mut state);
    save_contact(tx, contact, &state)
}

fn save_contact(tx: &Transaction<'_>, contact: &str, state: &ConversationState) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO contact_state (contact, state) VALUES (?1, ?2) \
         ON CONFLICT (contact) DO UPDATE SET state = excluded.state",
    )?
    .execute(params![contact, to_json(state)])?;
    Ok(())
}

fn load_state<T: serde::de::DeserializeOwned + Default>(
    tx: &Transaction<'_>,
    sql: &'static str,
    key: impl rusqlite::Params,
) -> Result<T> {
    let json: Option<String> = tx
        .prepare_cached(sql)?
        .query_row(key, |row| row.get(0))
        .optional()?;
    // A state that no longer parses is forgotten, not fatal: the bot
    // answers as to a new contact.
    Ok(json
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default())
}

/// The `media_json` of a row.
fn media(row: &rusqlite::Row<'_>) -> rusqlite::Result<Option<Attachment>> {
    let json: Option<String> = row.get("media_json")?;
    json.map(|json| {
        serde_json::from_str(&json).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
        })
    })
    .transpose()
}

/// The error for a NULL where the schema allows none.
fn null(row: &rusqlite::Row<'_>, column: &str) -> rusqlite::Error {
    let index = row.as_ref().column_index(column).unwrap_or(0);
    rusqlite::Error::InvalidColumnType(index, column.into(), rusqlite::types::Type::Null)
}

/// A text column holding one of the domain's closed sets (or NULL).
fn parsed<T>(row: &rusqlite::Row<'_>, column: &str) -> rusqlite::Result<Option<T>>
where
    T: std::str::FromStr<Err = flowhq_domain::UnknownVariant>,
{
    let text: Option<String> = row.get(column)?;
    let parse = |text: String| {
        text.parse().map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(
                row.as_ref().column_index(column).unwrap_or(0),
                rusqlite::types::Type::Text,
                Box::new(e),
            )
        })
    };
    text.map(parse).transpose()
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

    #[test]
    fn receipts_keep_the_furthest_until_shipped() {
        use flowhq_domain::DeliveryStatus::{Delivered, Read};
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::open(&dir.path().join("outbox.db")).unwrap();
        let at = DateTime::from_timestamp_millis(1_700_000_000_000).unwrap();
        let receipt = |id: &str, delivery| Receipt {
            wa_message_id: id.into(),
            delivery,
            at,
        };
        outbox
            .record_receipts(&[
                receipt("a", Read),
                receipt("a", Delivered),
                receipt("b", Delivered),
            ])
            .unwrap();
        let ready = outbox.ready_receipts(10).unwrap();
        assert_eq!(ready, [receipt("a", Read), receipt("b", Delivered)]);
        // "b" is read while its delivery is on its way: only the delivery
        // is forgotten, the read ships next.
        outbox.record_receipts(&[receipt("b", Read)]).unwrap();
        outbox.forget_shipped(&[], &ready).unwrap();
        assert_eq!(outbox.ready_receipts(10).unwrap(), [receipt("b", Read)]);
    }

    #[test]
    fn a_persons_send_keeps_the_bot_quiet_until_resolved() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::open(&dir.path().join("outbox.db")).unwrap();
        let bot = bot();
        let now = Utc::now();
        // An integration's send: the bot still answers the contact.
        outbox
            .record_send(
                "api-1",
                "+3491",
                "+34600000001",
                "Order ready",
                None,
                None,
                now,
            )
            .unwrap();
        let answered = outbox
            .record_inbound(&message("m1", "hello"), "+3491", Some(&bot), now)
            .unwrap();
        assert!(matches!(answered, Recorded::New { replies } if replies > 0));
        // A person's send from the inbox: the bot keeps out.
        outbox
            .record_send(
                "inbox-1",
                "+3491",
                "+34600000001",
                "Ana here",
                None,
                Some(&bot),
                now,
            )
            .unwrap();
        let quiet = outbox
            .record_inbound(&message("m2", "menu"), "+3491", Some(&bot), now)
            .unwrap();
        assert_eq!(quiet, Recorded::New { replies: 0 });
        // Resolved: answered again.
        outbox
            .resolve("+34600000001", &bot, now + chrono::TimeDelta::seconds(1))
            .unwrap();
        let back = outbox
            .record_inbound(&message("m3", "menu"), "+3491", Some(&bot), now)
            .unwrap();
        assert!(matches!(back, Recorded::New { replies } if replies > 0));
    }

    #[test]
    fn groups_and_own_messages_are_logged_but_not_answered() {
        use crate::channel::ChatKind;
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::open(&dir.path().join("outbox.db")).unwrap();
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
                    .unwrap(),
                Recorded::New { replies: 0 },
                "{m:?}"
            );
        }
        let logs = outbox.ready_batch(10).unwrap();
        assert_eq!(logs.len(), 3);
        let own_log = &logs[2].1;
        assert_eq!(own_log.direction, Direction::Outbound);
        assert_eq!(own_log.from_number, "+3491");
        assert_eq!(own_log.to_number, "+34600000001");
        assert_eq!(logs[0].1.direction, Direction::Inbound);
        // The contact the business wrote to is a person's now: no answer.
        assert_eq!(
            outbox
                .record_inbound(&message("d1", "hello"), "+3491", Some(&bot()), now)
                .unwrap(),
            Recorded::New { replies: 0 }
        );
        // Anyone else's direct message still gets its answer.
        let other = InboundMessage::direct("d2", "+34600000002", "hello", now);
        assert!(matches!(
            outbox.record_inbound(&other, "+3491", Some(&bot()), now).unwrap(),
            Recorded::New { replies } if replies > 0
        ));
    }

    #[test]
    fn a_send_command_goes_out_once_however_often_it_comes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outbox.db");
        let now = Utc::now();
        let outbox = Outbox::open(&path).unwrap();
        assert!(
            outbox
                .record_send(
                    "c1",
                    "+3491",
                    "+34600000001",
                    "Your order is ready",
                    None,
                    None,
                    now
                )
                .unwrap()
        );
        // Its acknowledgement was lost: the command comes again.
        assert!(
            !outbox
                .record_send(
                    "c1",
                    "+3491",
                    "+34600000001",
                    "Your order is ready",
                    None,
                    None,
                    now
                )
                .unwrap()
        );
        let unsent = outbox.unsent_replies().unwrap();
        assert_eq!(unsent.len(), 1);
        assert_eq!(unsent[0].message.client_id, "c1");
        assert_eq!(unsent[0].message.to, "+34600000001");
        let sent = Sent {
            wa_message_id: "out-c1".into(),
            sent_at: now,
        };
        outbox.mark_sent(&[(unsent[0].seq, sent)]).unwrap();
        let batch = outbox.ready_batch(10).unwrap();
        assert_eq!(batch.len(), 1);
        assert_eq!(batch[0].1.direction, Direction::Outbound);
        assert_eq!(batch[0].1.from_number, "+3491");
        assert_eq!(
            batch[0].1.client_id.as_deref(),
            Some("c1"),
            "the command's id ships with the log: it says who asked"
        );
        let seqs: Vec<i64> = batch.iter().map(|(seq, _)| *seq).collect();
        outbox.forget_shipped(&seqs, &[]).unwrap();
        // Shipped and forgotten, and across a restart: still recognised.
        drop(outbox);
        let outbox = Outbox::open(&path).unwrap();
        assert!(
            !outbox
                .record_send(
                    "c1",
                    "+3491",
                    "+34600000001",
                    "Your order is ready",
                    None,
                    None,
                    now
                )
                .unwrap()
        );
        assert!(outbox.unsent_replies().unwrap().is_empty());
        assert_eq!(outbox.backlog().unwrap(), 0);
    }

    #[test]
    fn the_log_file_stays_small_however_much_passes_through() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outbox.db");
        let outbox = Outbox::open(&path).unwrap();
        let now = Utc::now();
        // Each message: recorded with its reply, the reply sent, both
        // shipped and forgotten; thousands of commits in all.
        for i in 0..1_000 {
            outbox
                .record_inbound(
                    &message(&format!("m{i}"), "hello"),
                    "+3491",
                    Some(&bot()),
                    now,
                )
                .unwrap();
            let sent: Vec<(i64, Sent)> = outbox
                .unsent_replies()
                .unwrap()
                .into_iter()
                .map(|reply| {
                    let sent = Sent {
                        wa_message_id: format!("out-{}", reply.message.client_id),
                        sent_at: now,
                    };
                    (reply.seq, sent)
                })
                .collect();
            outbox.mark_sent(&sent).unwrap();
            let seqs: Vec<i64> = outbox
                .ready_batch(10)
                .unwrap()
                .iter()
                .map(|(seq, _)| *seq)
                .collect();
            outbox.forget_shipped(&seqs, &[]).unwrap();
        }
        let wal = std::fs::metadata(dir.path().join("outbox.db-wal")).unwrap();
        assert!(
            wal.len() <= WAL_LIMIT_BYTES as u64,
            "the log file holds {} bytes",
            wal.len()
        );
    }

    #[test]
    fn a_redelivered_message_is_recorded_and_answered_once() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::open(&dir.path().join("outbox.db")).unwrap();
        let now = Utc::now();
        let first = outbox
            .record_inbound(&message("m1", "hello"), "+3491", Some(&bot()), now)
            .unwrap();
        assert_eq!(first, Recorded::New { replies: 1 });
        let again = outbox
            .record_inbound(&message("m1", "hello"), "+3491", Some(&bot()), now)
            .unwrap();
        assert_eq!(again, Recorded::Duplicate);
        let unsent = outbox.unsent_replies().unwrap();
        assert_eq!(unsent.len(), 1);
        assert_eq!(unsent[0].message.client_id, "m1:0");
        assert!(unsent[0].message.text.contains("Casa Pepe"));
        // Only the inbound log is ready to ship until the reply is sent.
        assert_eq!(outbox.ready_batch(10).unwrap().len(), 1);
        assert_eq!(outbox.backlog().unwrap(), 2);
    }

    #[test]
    fn only_the_inbound_commit_waits_for_the_disk() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::open(&dir.path().join("outbox.db")).unwrap();
        let synchronous = |outbox: &Outbox| -> i64 {
            outbox
                .conn()
                .pragma_query_value(None, "synchronous", |row| row.get(0))
                .unwrap()
        };
        // 1: NORMAL, 2: FULL.
        assert_eq!(synchronous(&outbox), 1);
        {
            let conn = outbox.conn();
            run_pragma(&conn, SYNC_FULL).unwrap();
        }
        assert_eq!(synchronous(&outbox), 2, "the switch takes effect");
        outbox
            .record_inbound(&message("m1", "hello"), "+3491", Some(&bot()), Utc::now())
            .unwrap();
        assert_eq!(synchronous(&outbox), 1, "and is set back after the batch");
    }

    #[test]
    fn the_outbox_replays_after_a_crash_and_forgets_only_what_was_acknowledged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outbox.db");
        let now = Utc::now();
        {
            let outbox = Outbox::open(&path).unwrap();
            outbox
                .record_inbound(&message("m1", "hi"), "+3491", Some(&bot()), now)
                .unwrap();
            outbox
                .record_inbound(&message("m2", "1"), "+3491", None, now)
                .unwrap();
            // "Crash": dropped without shipping or sending.
            drop(outbox);
        }
        let outbox = Outbox::open(&path).unwrap();
        let unsent = outbox.unsent_replies().unwrap();
        assert_eq!(unsent.len(), 1, "the decided reply survives the restart");
        let sent = Sent {
            wa_message_id: "out-1".into(),
            sent_at: now,
        };
        outbox.mark_sent(&[(unsent[0].seq, sent)]).unwrap();
        assert!(outbox.unsent_replies().unwrap().is_empty());
        let batch = outbox.ready_batch(2).unwrap();
        let ids: Vec<_> = batch
            .iter()
            .map(|(_, m)| m.wa_message_id.as_str())
            .collect();
        assert_eq!(ids, vec!["m1", "out-1"], "in the order they happened");
        // Only the first was acknowledged.
        outbox.forget_shipped(&[batch[0].0], &[]).unwrap();
        let rest = outbox.ready_batch(10).unwrap();
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
        assert_eq!(batch[0].1.bot_decision, Some(LoggedDecision::Welcome));
        assert_eq!(
            rest[1].1.bot_decision,
            Some(LoggedDecision::Paused),
            "m2 came while paused"
        );
        // A redelivery of a shipped message is still recognised.
        assert_eq!(
            outbox
                .record_inbound(&message("m1", "hi"), "+3491", Some(&bot()), now)
                .unwrap(),
            Recorded::Duplicate
        );
    }

    #[test]
    fn a_menu_answer_ships_with_the_item_it_chose() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::open(&dir.path().join("outbox.db")).unwrap();
        let now = Utc::now();
        outbox
            .record_inbound(&message("m1", "hello"), "+3491", Some(&bot()), now)
            .unwrap();
        outbox
            .record_inbound(&message("m2", "2"), "+3491", Some(&bot()), now)
            .unwrap();
        let shipped: Vec<_> = outbox
            .ready_batch(10)
            .unwrap()
            .into_iter()
            .map(|(_, m)| (m.wa_message_id, m.bot_decision, m.menu_item))
            .collect();
        assert_eq!(
            shipped,
            [
                ("m1".into(), Some(LoggedDecision::Welcome), None),
                ("m2".into(), Some(LoggedDecision::Answer), Some(2)),
            ]
        );
    }

    #[test]
    fn bot_state_is_kept_between_messages() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::open(&dir.path().join("outbox.db")).unwrap();
        let now = Utc::now();
        outbox
            .record_inbound(&message("m1", "hello"), "+3491", Some(&bot()), now)
            .unwrap();
        outbox
            .record_inbound(&message("m2", "hello"), "+3491", Some(&bot()), now)
            .unwrap();
        assert_eq!(outbox.unsent_replies().unwrap().len(), 2);
        // The contact's conversation state was stored with the decision.
        let state: String = outbox
            .conn()
            .query_row("SELECT state FROM contact_state", [], |row| row.get(0))
            .unwrap();
        assert!(state.contains("last_inbound_at"));
    }

    #[test]
    fn the_schema_steps_are_valid_sql() {
        migrations().validate().unwrap();
    }

    #[test]
    fn an_unversioned_outbox_with_the_decision_columns_is_taken_as_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outbox.db");
        {
            // What workers wrote before the schema had versions, after the
            // decision columns came: user_version 0, no handled_command.
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(SCHEMA[0]).unwrap();
            conn.execute_batch(SCHEMA[1]).unwrap();
            conn.execute(
                "INSERT INTO outbox (direction, from_number, to_number, message_text, \
                 wa_message_id, created_at, bot_decision) \
                 VALUES ('INBOUND', '+34600', '+3491', 'hi', 'old-2', 0, 'WELCOME')",
                [],
            )
            .unwrap();
        }
        let outbox = Outbox::open(&path).unwrap();
        let batch = outbox.ready_batch(10).unwrap();
        assert_eq!(batch[0].1.wa_message_id, "old-2");
        assert!(
            outbox
                .record_send("cmd-1", "+3491", "+34600", "hello", None, None, Utc::now())
                .unwrap()
        );
        drop(outbox);
        let version: i64 = Connection::open(&path)
            .unwrap()
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA.len() as i64);
    }

    #[test]
    fn an_outbox_from_an_older_worker_gains_the_new_columns_and_keeps_its_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outbox.db");
        {
            // The first schema, with one unshipped inbound log in it.
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(
                "CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, \
                 direction TEXT NOT NULL, from_number TEXT NOT NULL, to_number TEXT NOT NULL, \
                 message_text TEXT NOT NULL, wa_message_id TEXT, client_id TEXT UNIQUE, \
                 created_at INTEGER NOT NULL); \
                 INSERT INTO outbox (direction, from_number, to_number, message_text, \
                 wa_message_id, created_at) VALUES ('INBOUND', '+34600', '+3491', 'hi', 'old-1', 0);",
            )
            .unwrap();
        }
        let outbox = Outbox::open(&path).unwrap();
        let batch = outbox.ready_batch(10).unwrap();
        assert_eq!(batch.len(), 1);
        assert_eq!(batch[0].1.wa_message_id, "old-1");
        assert_eq!(batch[0].1.bot_decision, None);
        outbox
            .record_inbound(&message("m1", "hello"), "+3491", Some(&bot()), Utc::now())
            .unwrap();
        assert_eq!(outbox.unsent_replies().unwrap().len(), 1);
        // Opening it again changes nothing.
        drop(outbox);
        Outbox::open(&path).unwrap();
    }
}
