//! Delivery receipts: how far the business's messages got (DELIVERED to
//! the phone, READ, FAILED), as the network reports it through the worker.

use chrono::{DateTime, Utc};
use flowhq_domain::protocol::Receipt;
use flowhq_domain::{ContactId, DeliveryStatus, MessageLogId, TenantId, webhooks};

use crate::rows::RowExt;
use crate::webhooks::Queued;
use crate::writer::Statement;
use crate::{Result, Store};

/// A message that moved forward.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryChange {
    pub message_id: MessageLogId,
    pub wa_message_id: String,
    /// The customer it went to, and their contact (`None` when gone).
    pub to: String,
    pub contact_id: Option<ContactId>,
    pub delivery: DeliveryStatus,
    pub at: DateTime<Utc>,
}

/// How far a delivery got, in SQL, as [`DeliveryStatus::rank`] ranks it
/// (a message with no status yet is SENT).
pub(crate) fn delivery_rank(column: &str) -> String {
    format!(
        "(CASE COALESCE({column}, 'SENT') WHEN 'FAILED' THEN 1 WHEN 'DELIVERED' THEN 2 \
         WHEN 'READ' THEN 3 ELSE 0 END)"
    )
}

/// What applying a batch of receipts did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Receipted {
    /// The messages that moved forward, in the order their receipts came.
    pub changes: Vec<DeliveryChange>,
    /// `message.status` deliveries queued for them: none when no endpoint
    /// subscribes, so the sender need not look.
    pub webhooks_queued: u64,
}

/// An outbound message a receipt names, as the log holds it.
struct Named {
    id: MessageLogId,
    wa_message_id: String,
    to: String,
    contact_id: Option<ContactId>,
    delivery: DeliveryStatus,
}

/// The query for the outbound messages a run of receipts names (`$1` the
/// tenant, then one WhatsApp id each).
fn named_query(tenant: TenantId, receipts: &[Receipt]) -> Statement {
    let sql = format!(
        "SELECT m.id AS id, m.wa_message_id AS wa_message_id, m.to_number AS to_number, \
         m.status AS status, (SELECT c.id FROM contact c \
           WHERE c.tenant_id = m.tenant_id AND c.wa_id = m.to_number) AS contact_id \
         FROM message_log m WHERE m.tenant_id = $1 AND m.direction = 'OUTBOUND' \
         AND m.wa_message_id IN ({})",
        crate::placeholders::list(2, receipts.len())
    );
    let mut params = vec![tenant.to_string().into()];
    params.extend(receipts.iter().map(|r| r.wa_message_id.as_str().into()));
    Statement::new(sql, params)
}

/// The messages `receipts` name, read on the writer's connection inside
/// its unit (SQLite).
fn named_on(
    conn: &rusqlite::Connection,
    tenant: TenantId,
    receipts: &[Receipt],
) -> rusqlite::Result<Vec<Named>> {
    let mut named = Vec::new();
    for run in crate::placeholders::runs(receipts.len()) {
        let rows = crate::writer::query(conn, &named_query(tenant, &receipts[run]), |row| {
            Ok(Named {
                id: parsed(row, "id")?,
                wa_message_id: row.get("wa_message_id")?,
                to: row.get("to_number")?,
                contact_id: parsed_opt(row, "contact_id")?,
                delivery: parsed_opt(row, "status")?.unwrap_or(DeliveryStatus::Sent),
            })
        })?;
        add_new(&mut named, rows);
    }
    Ok(named)
}

/// A text column parsed into its type, as a conversion error when it does
/// not parse.
fn parsed<T: std::str::FromStr>(row: &rusqlite::Row<'_>, column: &str) -> rusqlite::Result<T>
where
    T::Err: std::fmt::Display,
{
    match parsed_opt(row, column)? {
        Some(value) => Ok(value),
        None => Err(rusqlite::Error::InvalidColumnType(
            row.as_ref().column_index(column)?,
            column.to_owned(),
            rusqlite::types::Type::Null,
        )),
    }
}

fn parsed_opt<T: std::str::FromStr>(
    row: &rusqlite::Row<'_>,
    column: &str,
) -> rusqlite::Result<Option<T>>
where
    T::Err: std::fmt::Display,
{
    let Some(text) = row.get::<_, Option<String>>(column)? else {
        return Ok(None);
    };
    text.parse().map(Some).map_err(|e: T::Err| {
        rusqlite::Error::FromSqlConversionFailure(
            row.as_ref().column_index(column).unwrap_or_default(),
            rusqlite::types::Type::Text,
            format!("{column} = {text:?}: {e}").into(),
        )
    })
}

/// The same on PostgreSQL, inside the unit's transaction.
async fn named_in(
    tx: &mut crate::Tx,
    tenant: TenantId,
    receipts: &[Receipt],
) -> Result<Vec<Named>> {
    let mut named = Vec::new();
    for run in crate::placeholders::runs(receipts.len()) {
        let statement = named_query(tenant, &receipts[run]);
        let mut rows = Vec::new();
        for row in statement.sqlx().fetch_all(&mut **tx).await? {
            rows.push(Named {
                id: row.parsed("id")?,
                wa_message_id: row.text("wa_message_id")?,
                to: row.text("to_number")?,
                contact_id: row.parsed_opt("contact_id")?,
                delivery: row.parsed_opt("status")?.unwrap_or(DeliveryStatus::Sent),
            });
        }
        add_new(&mut named, rows);
    }
    Ok(named)
}

/// Adds the messages not named already (two receipts of one batch may name
/// the same message, in different runs).
fn add_new(named: &mut Vec<Named>, rows: Vec<Named>) {
    for row in rows {
        if !named.iter().any(|n| n.id == row.id) {
            named.push(row);
        }
    }
}

/// What a batch of receipts will change: the moves, and the statements that
/// make them.
struct Plan {
    moves: Vec<DeliveryChange>,
    statements: Vec<Statement>,
    /// How many of `statements`, first, queue webhooks.
    queues: usize,
}

impl Plan {
    /// Each receipt, in the order they came, is a move if it takes its
    /// message further; each move and its webhook are guarded by the rank
    /// they move from, so a receipt that another overtook since the read
    /// moves nothing.
    /// `hooked`: whether an endpoint may want the moves' `message.status`
    /// events; without one they are not built.
    fn new(tenant: TenantId, receipts: &[Receipt], mut named: Vec<Named>, hooked: bool) -> Self {
        let mut moves = Vec::new();
        for receipt in receipts {
            for message in named
                .iter_mut()
                .filter(|n| n.wa_message_id == receipt.wa_message_id)
            {
                if !message.delivery.advances_to(receipt.delivery) {
                    continue;
                }
                message.delivery = receipt.delivery;
                moves.push(DeliveryChange {
                    message_id: message.id,
                    wa_message_id: receipt.wa_message_id.clone(),
                    to: message.to.clone(),
                    contact_id: message.contact_id,
                    delivery: receipt.delivery,
                    at: receipt.at,
                });
            }
        }
        // The moves' events, each guarded by the rank its move starts from
        // (checked before any move of the unit, so two moves of one message
        // in one batch both announce themselves), then the moves.
        let queued: Vec<Queued> = moves
            .iter()
            .filter(|_| hooked)
            .map(|m| Queued {
                event: webhooks::status_event(
                    tenant,
                    m.message_id,
                    &m.wa_message_id,
                    &m.to,
                    m.delivery,
                    m.at,
                ),
                message: Some(m.message_id.to_string()),
                behind: Some(i64::from(m.delivery.rank())),
            })
            .collect();
        let mut statements = crate::webhooks::queue_statements(tenant, &queued, Utc::now());
        let queues = statements.len();
        let update = format!(
            "UPDATE message_log SET status = $1 WHERE id = $2 AND {} < $3",
            delivery_rank("status")
        );
        statements.extend(moves.iter().map(|m| {
            Statement::new(
                update.clone(),
                vec![
                    m.delivery.as_str().into(),
                    m.message_id.to_string().into(),
                    i64::from(m.delivery.rank()).into(),
                ],
            )
        }));
        Self {
            moves,
            statements,
            queues,
        }
    }

    /// What the plan did, from the rows each of its statements affected.
    fn outcome(self, affected: &[u64]) -> Receipted {
        // The queues first, then the moves, one each.
        let (queued, moved) = affected.split_at(self.queues);
        Receipted {
            changes: self
                .moves
                .into_iter()
                .zip(moved)
                .filter(|(_, n)| **n > 0)
                .map(|(m, _)| m)
                .collect(),
            webhooks_queued: queued.iter().sum(),
        }
    }
}

/// Applies `receipts` inside a PostgreSQL unit of work.
pub(crate) async fn apply_in(
    tx: &mut crate::Tx,
    tenant: TenantId,
    receipts: &[Receipt],
    hooked: bool,
) -> Result<Receipted> {
    if receipts.is_empty() {
        return Ok(Receipted::default());
    }
    let plan = Plan::new(
        tenant,
        receipts,
        named_in(tx, tenant, receipts).await?,
        hooked,
    );
    let mut affected = Vec::with_capacity(plan.statements.len());
    for statement in &plan.statements {
        affected.push(statement.sqlx().execute(&mut **tx).await?.rows_affected());
    }
    Ok(plan.outcome(&affected))
}

/// Applies `receipts` inside the SQLite writer's unit.
pub(crate) fn apply_on(
    conn: &rusqlite::Connection,
    tenant: TenantId,
    receipts: &[Receipt],
    hooked: bool,
) -> rusqlite::Result<Receipted> {
    if receipts.is_empty() {
        return Ok(Receipted::default());
    }
    let plan = Plan::new(tenant, receipts, named_on(conn, tenant, receipts)?, hooked);
    let affected = crate::writer::execute_all(conn, &plan.statements)?;
    Ok(plan.outcome(&affected))
}

impl Store {
    /// Moves the outbound messages `receipts` name forward, never back (a
    /// receipt may come late, twice, or after a later one), and queues a
    /// `message.status` webhook for each move, in one unit of work. A
    /// receipt for a message not logged (another device's, or older than
    /// the log) changes nothing. Returns the moves that happened.
    ///
    /// The same unit as a log batch's ([`Store::log_batch`]): on SQLite the
    /// messages are read and moved on the group-commit writer's connection,
    /// so nothing can move them between the read and the write; on
    /// PostgreSQL in one transaction, where two units naming one message at
    /// the same instant (a worker's old and new connection) could both
    /// queue its event, which is delivered at least once anyway.
    pub async fn apply_receipts(
        &self,
        tenant: TenantId,
        receipts: &[Receipt],
    ) -> Result<Receipted> {
        Ok(self.log_batch(tenant, &[], receipts).await?.receipted)
    }
}
