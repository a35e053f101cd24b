//! A business's contacts and the inbox's conversations (see the `inbox`
//! migration). A contact's row is kept in the same write as the message
//! log, by statements that read back the log rows just inserted: a message
//! logged twice (a worker resending a batch) is in the log once, and so
//! counts once here.

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};
use flowhq_domain::bot::Limits;
use flowhq_domain::inbox::{Contact, ContactPatch, Conversation, ConversationFilter, LastMessage};
use flowhq_domain::protocol::LoggedMessage;
use flowhq_domain::{ContactId, Direction, LoggedDecision, MessageLogId, TenantId};
use sqlx::any::AnyRow;

use crate::rows::{RowExt, like_pattern, millis};
use crate::writer::{Param, Statement};
use crate::{Page, Result, Store, StoreError};

/// How long a person's answer keeps the bot quiet (the bot's own rule),
/// for showing it.
const PERSON_QUIET: TimeDelta = Limits::DEFAULT_HANDOFF;

const CONTACT_COLUMNS: &str = "c.id, c.wa_id, c.phone, c.name, c.push_name, c.labels_json, \
     c.notes, c.first_seen_at, c.last_inbound_at, c.assistant_off, c.last_message_at, \
     c.last_direction, c.last_text, c.unread, c.handoff_at, c.answered_at, c.resolved_at";

/// Where a list of conversations goes on: after this one (by last
/// activity, then id). Written `<millis>.<id>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConversationCursor {
    at: i64,
    id: ContactId,
}

impl ConversationCursor {
    pub fn parse(s: &str) -> Option<Self> {
        let (at, id) = s.split_once('.')?;
        Some(Self {
            at: at.parse().ok()?,
            id: id.parse().ok()?,
        })
    }

    fn of(conversation: &Conversation) -> String {
        format!(
            "{}.{}",
            millis(conversation.last_message.at),
            conversation.contact.id
        )
    }
}

/// What a list of conversations asks for.
#[derive(Clone, Debug, Default)]
pub struct ConversationQuery<'a> {
    pub filter: ConversationFilter,
    /// A name, a number or words of a message.
    pub search: Option<&'a str>,
    pub limit: u32,
    pub cursor: Option<ConversationCursor>,
}

/// The statements that keep the contacts of `messages` (logged as `ids`)
/// up to date, and mark who wrote the inbox's sends among them. For
/// `Store::log_messages`' write unit.
pub(crate) fn log_statements(
    tenant: TenantId,
    messages: &[LoggedMessage],
    ids: &[MessageLogId],
) -> Vec<Statement> {
    // Each contact's messages in this batch, in the order they came.
    let mut peers: Vec<(&str, Vec<usize>)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, message) in messages.iter().enumerate() {
        let peer = message.contact();
        let slot = *index.entry(peer).or_insert_with(|| {
            peers.push((peer, Vec::new()));
            peers.len() - 1
        });
        peers[slot].1.push(i);
    }
    // A contact WhatsApp addressed by a hidden id and now by number: their
    // history joins the number's before this batch's rows are counted.
    let mut revealed: Vec<(&str, &str)> = messages
        .iter()
        .filter_map(|m| {
            let hidden = m.hidden_id.as_deref()?;
            (hidden != m.contact()).then_some((hidden, m.contact()))
        })
        .collect();
    revealed.sort_unstable();
    revealed.dedup();
    let mut statements: Vec<Statement> = revealed
        .into_iter()
        .flat_map(|(hidden, number)| merge_statements(tenant, hidden, number))
        .collect();
    statements.extend(
        peers
            .iter()
            .map(|(peer, at)| upsert_contact(tenant, peer, messages, ids, at)),
    );
    statements.extend(
        messages
            .iter()
            .filter(|m| m.direction == Direction::Outbound && m.reply_to.is_none())
            .filter_map(|m| m.client_id.as_deref().map(|id| (m, id)))
            .map(|(message, client_id)| {
                Statement::new(
                    "UPDATE message_log SET sent_by = \
                     (SELECT s.sent_by FROM worker_send s WHERE s.id = $1 AND s.tenant_id = $2) \
                     WHERE tenant_id = $2 AND direction = 'OUTBOUND' AND wa_message_id = $3 \
                     AND sent_by IS NULL",
                    vec![
                        client_id.into(),
                        tenant.to_string().into(),
                        message.wa_message_id.as_str().into(),
                    ],
                )
            }),
    );
    statements
}

/// Merges what was logged under a contact's hidden id (`hidden`, a LID)
/// into their number's conversation: the number's row takes the hidden
/// one's unread count, earliest first sight, and its name, notes and labels
/// where it has none (when both rows exist the hidden one is then
/// dropped; when only it exists it is renamed, keeping its id), and the
/// log's rows move to the number. Repeated, it finds nothing to do.
fn merge_statements(tenant: TenantId, hidden: &str, number: &str) -> Vec<Statement> {
    let params = || -> Vec<Param> { vec![tenant.to_string().into(), hidden.into(), number.into()] };
    let of_hidden = |column: &str| {
        format!("(SELECT h.{column} FROM contact h WHERE h.tenant_id = $1 AND h.wa_id = $2)")
    };
    let fold = format!(
        "UPDATE contact SET unread = unread + COALESCE({unread}, 0), \
         first_seen_at = CASE WHEN {first} < first_seen_at THEN {first} ELSE first_seen_at END, \
         name = COALESCE(name, {name}), \
         notes = CASE WHEN notes = '' THEN COALESCE({notes}, '') ELSE notes END, \
         labels_json = CASE WHEN labels_json = '[]' THEN COALESCE({labels}, '[]') \
                       ELSE labels_json END, \
         handoff_at = COALESCE(handoff_at, {handoff}) \
         WHERE tenant_id = $1 AND wa_id = $3",
        unread = of_hidden("unread"),
        first = of_hidden("first_seen_at"),
        name = of_hidden("name"),
        notes = of_hidden("notes"),
        labels = of_hidden("labels_json"),
        handoff = of_hidden("handoff_at"),
    );
    vec![
        Statement::new(fold, params()),
        Statement::new(
            "DELETE FROM contact WHERE tenant_id = $1 AND wa_id = $2 AND EXISTS \
             (SELECT 1 FROM contact n WHERE n.tenant_id = $1 AND n.wa_id = $3)",
            params(),
        ),
        Statement::new(
            "UPDATE contact SET wa_id = $3, phone = $3 WHERE tenant_id = $1 AND wa_id = $2",
            params(),
        ),
        // The log's rows are found through the peer index: this runs on
        // the writer, inside a worker's batch.
        Statement::new(
            concat!(
                "UPDATE message_log SET from_number = $3 WHERE tenant_id = $1 AND ",
                message_peer!(),
                " = $2 AND direction = 'INBOUND'"
            ),
            params(),
        ),
        Statement::new(
            concat!(
                "UPDATE message_log SET to_number = $3 WHERE tenant_id = $1 AND ",
                message_peer!(),
                " = $2 AND direction = 'OUTBOUND'"
            ),
            params(),
        ),
    ]
}

/// One contact's row from this batch's messages `at` (indexes into
/// `messages`). The counts come from the log rows the batch inserted; the
/// last message's text comes from the batch itself (a message already
/// logged before is still that conversation's message).
fn upsert_contact(
    tenant: TenantId,
    peer: &str,
    messages: &[LoggedMessage],
    ids: &[MessageLogId],
    at: &[usize],
) -> Statement {
    let last = at
        .iter()
        .map(|&i| &messages[i])
        .max_by_key(|m| m.created_at)
        .expect("a contact has at least one message");
    let push_name = at
        .iter()
        .rev()
        .find_map(|&i| messages[i].push_name.as_deref());
    let sql = format!(
        "INSERT INTO contact (id, tenant_id, wa_id, phone, push_name, first_seen_at, \
         last_inbound_at, last_message_at, last_direction, last_text, unread, handoff_at, \
         answered_at) \
         SELECT $1, $2, $3, $4, $5, s.first_at, s.inbound_at, s.last_at, $6, $7, \
         CASE WHEN s.answered_at IS NOT NULL \
              AND (s.inbound_at IS NULL OR s.answered_at >= s.inbound_at) THEN 0 \
              ELSE s.inbound END, \
         CASE WHEN s.handoff_at IS NOT NULL \
              AND (s.answered_at IS NULL OR s.handoff_at > s.answered_at) THEN s.handoff_at END, \
         s.answered_at \
         FROM (SELECT COUNT(*) AS n, MIN(created_at) AS first_at, MAX(created_at) AS last_at, \
               MAX(CASE WHEN direction = 'INBOUND' THEN created_at END) AS inbound_at, \
               COUNT(CASE WHEN direction = 'INBOUND' THEN 1 END) AS inbound, \
               MAX(CASE WHEN bot_decision = '{handoff}' THEN created_at END) AS handoff_at, \
               MAX(CASE WHEN direction = 'OUTBOUND' AND reply_to IS NULL \
                   THEN created_at END) AS answered_at \
               FROM message_log WHERE tenant_id = $2 AND id IN ({ids})) s \
         WHERE s.n > 0 \
         ON CONFLICT (tenant_id, wa_id) DO UPDATE SET \
         push_name = COALESCE(excluded.push_name, contact.push_name), \
         first_seen_at = CASE WHEN excluded.first_seen_at < contact.first_seen_at \
              THEN excluded.first_seen_at ELSE contact.first_seen_at END, \
         last_inbound_at = CASE WHEN contact.last_inbound_at IS NULL \
              OR excluded.last_inbound_at > contact.last_inbound_at \
              THEN COALESCE(excluded.last_inbound_at, contact.last_inbound_at) \
              ELSE contact.last_inbound_at END, \
         last_direction = CASE WHEN excluded.last_message_at >= contact.last_message_at \
              THEN excluded.last_direction ELSE contact.last_direction END, \
         last_text = CASE WHEN excluded.last_message_at >= contact.last_message_at \
              THEN excluded.last_text ELSE contact.last_text END, \
         last_message_at = CASE WHEN excluded.last_message_at > contact.last_message_at \
              THEN excluded.last_message_at ELSE contact.last_message_at END, \
         unread = CASE WHEN excluded.answered_at IS NOT NULL AND excluded.unread = 0 THEN 0 \
              ELSE contact.unread + excluded.unread END, \
         handoff_at = CASE WHEN excluded.handoff_at IS NOT NULL \
              THEN COALESCE(contact.handoff_at, excluded.handoff_at) \
              WHEN excluded.answered_at IS NOT NULL THEN NULL \
              ELSE contact.handoff_at END, \
         answered_at = CASE WHEN contact.answered_at IS NULL \
              OR excluded.answered_at > contact.answered_at \
              THEN COALESCE(excluded.answered_at, contact.answered_at) \
              ELSE contact.answered_at END",
        handoff = LoggedDecision::Handoff.as_str(),
        ids = crate::placeholders::list(8, at.len()),
    );
    let mut params: Vec<Param> = vec![
        ContactId::new().to_string().into(),
        tenant.to_string().into(),
        peer.into(),
        peer.starts_with('+').then_some(peer).into(),
        push_name.into(),
        last.direction.as_str().into(),
        last.message_text.as_str().into(),
    ];
    params.extend(at.iter().map(|&i| Param::from(ids[i].to_string())));
    Statement::new(sql, params)
}

fn contact_from_row(row: &AnyRow) -> Result<Contact> {
    let labels_json = row.text("labels_json")?;
    let push_name = row.text_opt("push_name")?;
    Ok(Contact {
        id: row.parsed("id")?,
        wa_id: row.text("wa_id")?,
        phone: row.text_opt("phone")?,
        name: row.text_opt("name")?.or_else(|| push_name.clone()),
        push_name,
        labels: serde_json::from_str(&labels_json).map_err(|e| {
            StoreError::Corrupt(format!("contact.labels_json {labels_json:?}: {e}"))
        })?,
        notes: row.text("notes")?,
        first_seen_at: row.time("first_seen_at")?,
        last_seen_at: row.time_opt("last_inbound_at")?,
        assistant_off: row.int("assistant_off")? != 0,
    })
}

fn conversation_from_row(row: &AnyRow, now: DateTime<Utc>) -> Result<Conversation> {
    let handoff_at = row.time_opt("handoff_at")?;
    let answered_at = row.time_opt("answered_at")?;
    let resolved_at = row.time_opt("resolved_at")?;
    let person_answered_at = answered_at.filter(|answered| {
        now - *answered < PERSON_QUIET && resolved_at.is_none_or(|resolved| resolved < *answered)
    });
    Ok(Conversation {
        contact: contact_from_row(row)?,
        last_message: LastMessage {
            direction: row.parsed("last_direction")?,
            text: row.text("last_text")?,
            at: row.time("last_message_at")?,
        },
        unread: u32::try_from(row.int("unread")?).unwrap_or(u32::MAX),
        handoff: handoff_at.is_some(),
        handoff_at,
        person_answered_at,
    })
}

impl Store {
    /// `tenant`'s conversations, newest activity first.
    pub async fn conversations(
        &self,
        tenant: TenantId,
        query: &ConversationQuery<'_>,
    ) -> Result<Page<Conversation>> {
        let limit = query.limit.clamp(1, 200);
        let mut sql = format!("SELECT {CONTACT_COLUMNS} FROM contact c WHERE c.tenant_id = $1");
        let mut binds: Vec<Param> = vec![tenant.to_string().into()];
        // The same predicates as the partial indexes, so that they serve.
        match query.filter {
            ConversationFilter::All => {}
            ConversationFilter::Handoff => sql.push_str(" AND c.handoff_at IS NOT NULL"),
            ConversationFilter::Unread => sql.push_str(" AND c.unread > 0"),
        }
        if let Some(cursor) = query.cursor {
            let (a, b) = (binds.len() + 1, binds.len() + 2);
            sql.push_str(&format!(
                " AND (c.last_message_at < ${a} OR (c.last_message_at = ${a} AND c.id < ${b}))"
            ));
            binds.push(cursor.at.into());
            binds.push(cursor.id.to_string().into());
        }
        // Control characters match nothing (and PostgreSQL refuses a NUL).
        let search: Option<String> = query
            .search
            .map(|s| s.chars().filter(|c| !c.is_control()).collect::<String>())
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty());
        if let Some(search) = search.as_deref() {
            let n = binds.len() + 1;
            binds.push(like_pattern(search).into());
            // Words of a message: the business's log is read once (its
            // chats that match, then the contacts), not once per contact,
            // which a correlated EXISTS with an OR on both ends did. That
            // read is the search's cost: about 1.5 s per million messages
            // on SQLite (BENCHMARKS.md); names and numbers alone are the
            // contact table's.
            let mut any = format!(
                "LOWER(COALESCE(c.name, '')) LIKE ${n} ESCAPE '\\' \
                 OR LOWER(COALESCE(c.push_name, '')) LIKE ${n} ESCAPE '\\' \
                 OR LOWER(c.wa_id) LIKE ${n} ESCAPE '\\' \
                 OR c.wa_id IN (SELECT {peer} FROM message_log m WHERE m.tenant_id = $1 \
                    AND LOWER(m.message_text) LIKE ${n} ESCAPE '\\')",
                peer = message_peer!("m"),
            );
            // "98765 4321" finds +55 11 98765-4321.
            let digits: String = search.chars().filter(char::is_ascii_digit).collect();
            if digits.len() >= 3 {
                let d = binds.len() + 1;
                binds.push(format!("%{digits}%").into());
                any.push_str(&format!(" OR c.wa_id LIKE ${d}"));
            }
            sql.push_str(&format!(" AND ({any})"));
        }
        sql.push_str(&format!(
            " ORDER BY c.last_message_at DESC, c.id DESC {}",
            crate::placeholders::limit(limit + 1)
        ));
        let statement = Statement::new(sql, binds);
        let rows = statement.sqlx().fetch_all(self.pool()).await?;
        let now = Utc::now();
        let items = rows
            .iter()
            .map(|row| conversation_from_row(row, now))
            .collect::<Result<Vec<_>>>()?;
        Ok(Page::from_overfetch(items, limit, ConversationCursor::of))
    }

    /// One of `tenant`'s conversations; `None` for another tenant's contact.
    pub async fn conversation(
        &self,
        tenant: TenantId,
        contact: ContactId,
    ) -> Result<Option<Conversation>> {
        let sql =
            format!("SELECT {CONTACT_COLUMNS} FROM contact c WHERE c.tenant_id = $1 AND c.id = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(tenant.to_string())
            .bind(contact.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.map(|row| conversation_from_row(&row, Utc::now()))
            .transpose()
    }

    /// `tenant`'s conversations with these chats (for live updates).
    pub async fn conversations_of(
        &self,
        tenant: TenantId,
        wa_ids: &[&str],
    ) -> Result<Vec<Conversation>> {
        if wa_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {CONTACT_COLUMNS} FROM contact c WHERE c.tenant_id = $1 AND c.wa_id IN ({})",
            crate::placeholders::list(2, wa_ids.len())
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(tenant.to_string());
        for wa_id in wa_ids {
            query = query.bind(*wa_id);
        }
        let now = Utc::now();
        query
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|row| conversation_from_row(row, now))
            .collect()
    }

    /// Changes what the owner keeps on a contact (a checked patch); `None`
    /// when `tenant` has no such contact.
    pub async fn patch_contact(
        &self,
        tenant: TenantId,
        contact: ContactId,
        patch: &ContactPatch,
    ) -> Result<Option<Conversation>> {
        let mut sets: Vec<String> = Vec::new();
        let mut binds: Vec<Param> = vec![tenant.to_string().into(), contact.to_string().into()];
        if let Some(name) = &patch.name {
            binds.push(name.as_deref().into());
            sets.push(format!("name = ${}", binds.len()));
        }
        if let Some(labels) = &patch.labels {
            let json = serde_json::to_string(labels).expect("strings serialize");
            binds.push(json.into());
            sets.push(format!("labels_json = ${}", binds.len()));
        }
        if let Some(notes) = &patch.notes {
            binds.push(notes.as_str().into());
            sets.push(format!("notes = ${}", binds.len()));
        }
        if !sets.is_empty() {
            let sql = format!(
                "UPDATE contact SET {} WHERE tenant_id = $1 AND id = $2",
                sets.join(", ")
            );
            let statement = Statement::new(sql, binds);
            statement.sqlx().execute(self.pool()).await?;
        }
        self.conversation(tenant, contact).await
    }

    /// Someone from the business read the conversation: nothing unread.
    pub async fn mark_conversation_read(
        &self,
        tenant: TenantId,
        contact: ContactId,
    ) -> Result<bool> {
        let result = sqlx::query(
            "UPDATE contact SET unread = 0 WHERE tenant_id = $1 AND id = $2 AND unread > 0",
        )
        .bind(tenant.to_string())
        .bind(contact.to_string())
        .execute(self.pool())
        .await?;
        Ok(result.rows_affected() == 1)
    }

    /// The conversation goes back to the bot: nobody waits for a person
    /// and the person's quiet spell ends (the worker hears it as a
    /// `Resolve` command). `None` when `tenant` has no such contact.
    pub async fn resolve_conversation(
        &self,
        tenant: TenantId,
        contact: ContactId,
        at: DateTime<Utc>,
    ) -> Result<Option<Conversation>> {
        sqlx::query(
            "UPDATE contact SET handoff_at = NULL, unread = 0, resolved_at = $3 \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.to_string())
        .bind(contact.to_string())
        .bind(millis(at))
        .execute(self.pool())
        .await?;
        self.conversation(tenant, contact).await
    }

    /// Turns the assistant off (or on again) for one contact. Part of the
    /// bot's config, so the config's version moves on with it and the
    /// worker gets it like any settings change, now or when it connects.
    pub async fn set_assistant(
        &self,
        tenant: TenantId,
        contact: ContactId,
        off: bool,
    ) -> Result<Option<Conversation>> {
        let mut tx = self.begin().await?;
        let changed = sqlx::query(
            "UPDATE contact SET assistant_off = $3 \
             WHERE tenant_id = $1 AND id = $2 AND assistant_off <> $3",
        )
        .bind(tenant.to_string())
        .bind(contact.to_string())
        .bind(i64::from(off))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 1 {
            // Versions are the config's update time: always forward.
            sqlx::query(
                "UPDATE tenant_config SET updated_at = \
                 CASE WHEN $2 > updated_at THEN $2 ELSE updated_at + 1 END WHERE tenant_id = $1",
            )
            .bind(tenant.to_string())
            .bind(millis(Utc::now()))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        self.conversation(tenant, contact).await
    }

    /// `tenant`'s contacts in the order they came (by id), `limit` after
    /// `after`: for exports.
    pub async fn contacts_after(
        &self,
        tenant: TenantId,
        after: Option<ContactId>,
        limit: u32,
    ) -> Result<Vec<Contact>> {
        let sql = format!(
            "SELECT {CONTACT_COLUMNS} FROM contact c WHERE c.tenant_id = $1 AND c.id > $2 \
             ORDER BY c.id {}",
            crate::placeholders::limit(limit)
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(tenant.to_string())
            .bind(after.map(|id| id.to_string()).unwrap_or_default())
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(contact_from_row)
            .collect()
    }

    /// The chats `tenant`'s owner turned the assistant off for.
    pub async fn assistant_off_contacts(&self, tenant: TenantId) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT wa_id FROM contact WHERE tenant_id = $1 AND assistant_off = 1 ORDER BY wa_id",
        )
        .bind(tenant.to_string())
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(|(wa_id,)| wa_id).collect())
    }

    /// Chats of `tenant` resolved since `since`, with when: what a worker
    /// that was away may have missed.
    pub async fn resolved_since(
        &self,
        tenant: TenantId,
        since: DateTime<Utc>,
    ) -> Result<Vec<(String, DateTime<Utc>)>> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT wa_id, resolved_at FROM contact \
             WHERE tenant_id = $1 AND resolved_at > $2 ORDER BY resolved_at",
        )
        .bind(tenant.to_string())
        .bind(millis(since))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|(wa_id, at)| Ok((wa_id, crate::rows::time(at)?)))
            .collect()
    }
}
