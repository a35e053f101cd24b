//! Messages per business and day for the charts: a daily roll-up
//! (`message_daily`) recounted from `message_log` by a leader job, and
//! read together with a live count of the days it has not finished, so a
//! chart is as current as the page and reads a few dozen rows.
//!
//! Days are UTC days. A day is final once `rolled_through` passed it; a
//! message logged more than a day late (a worker that could not reach the
//! control plane for that long) is in `message_log` but not in its day's
//! bar.

use chrono::{DateTime, Utc};
use flowhq_domain::TenantId;
use sqlx::any::AnyRow;

use crate::rows::{RowExt, millis};
use crate::{Result, Store};

pub const DAY_MS: i64 = 86_400_000;

/// How many of a business's latest replies its median wait is taken over.
pub const REPLY_SAMPLE: u32 = 500;

/// One day of one business (or of all): the day's first millisecond (UTC)
/// and what happened on it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DayTotals {
    pub day_start_ms: i64,
    pub inbound: i64,
    pub outbound: i64,
    /// Inbound messages the bot answered.
    pub answered: i64,
    /// Inbound messages that came while the business was closed.
    pub after_hours: i64,
    /// Customers who asked for a person.
    pub handoffs: i64,
}

impl DayTotals {
    fn add(&mut self, other: &DayTotals) {
        self.inbound += other.inbound;
        self.outbound += other.outbound;
        self.answered += other.answered;
        self.after_hours += other.after_hours;
        self.handoffs += other.handoffs;
    }
}

/// The sums of one day, as the roll-up and the live count compute them.
/// (PostgreSQL sums BIGINTs to NUMERIC: cast back for both databases.)
const SUMS: &str = "CAST(SUM(CASE WHEN direction = 'INBOUND' THEN 1 ELSE 0 END) AS BIGINT) \
         AS inbound, \
     CAST(SUM(CASE WHEN direction = 'OUTBOUND' THEN 1 ELSE 0 END) AS BIGINT) AS outbound, \
     CAST(SUM(CASE WHEN direction = 'INBOUND' AND bot_decision IN \
         ('WELCOME', 'ANSWER', 'FALLBACK', 'AWAY', 'HANDOFF') THEN 1 ELSE 0 END) AS BIGINT) \
         AS answered, \
     CAST(SUM(CASE WHEN direction = 'INBOUND' AND bot_decision IN ('AWAY', 'AWAY_ALREADY_SENT') \
         THEN 1 ELSE 0 END) AS BIGINT) AS after_hours, \
     CAST(SUM(CASE WHEN direction = 'INBOUND' AND bot_decision = 'HANDOFF' THEN 1 ELSE 0 END) \
         AS BIGINT) AS handoffs";

/// The sums of rolled-up rows, named as [`SUMS`] names them.
const ROLLED_SUMS: &str = "CAST(SUM(inbound) AS BIGINT) AS inbound, \
     CAST(SUM(outbound) AS BIGINT) AS outbound, \
     CAST(SUM(answered) AS BIGINT) AS answered, \
     CAST(SUM(after_hours) AS BIGINT) AS after_hours, \
     CAST(SUM(handoffs) AS BIGINT) AS handoffs";

fn totals_from(row: &AnyRow, day: i64) -> Result<DayTotals> {
    Ok(DayTotals {
        day_start_ms: day * DAY_MS,
        inbound: row.int("inbound")?,
        outbound: row.int("outbound")?,
        answered: row.int("answered")?,
        after_hours: row.int("after_hours")?,
        handoffs: row.int("handoffs")?,
    })
}

/// Days `first` through `last`, every figure at zero.
fn quiet_days(first: i64, last: i64) -> Vec<DayTotals> {
    (first..=last)
        .map(|day| DayTotals {
            day_start_ms: day * DAY_MS,
            ..DayTotals::default()
        })
        .collect()
}

/// The UTC day number of `at`.
pub fn day_of(at: DateTime<Utc>) -> i64 {
    millis(at).div_euclid(DAY_MS)
}

impl Store {
    /// Recounts days `from` through `to` (day numbers) for every business,
    /// in one transaction, and marks the days before `final_before` final.
    pub async fn roll_up_days(&self, from: i64, to: i64, final_before: i64) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM message_daily WHERE day >= $1 AND day <= $2")
            .bind(from)
            .bind(to)
            .execute(&mut *tx)
            .await?;
        let sql = format!(
            "INSERT INTO message_daily \
             (tenant_id, day, inbound, outbound, answered, after_hours, handoffs) \
             SELECT tenant_id, created_at / {DAY_MS}, {SUMS} FROM message_log \
             WHERE created_at >= $1 AND created_at < $2 \
             GROUP BY tenant_id, created_at / {DAY_MS}"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(from * DAY_MS)
            .bind((to + 1) * DAY_MS)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM menu_daily WHERE day >= $1 AND day <= $2")
            .bind(from)
            .bind(to)
            .execute(&mut *tx)
            .await?;
        let sql = format!(
            "INSERT INTO menu_daily (tenant_id, day, item, chosen) \
             SELECT tenant_id, created_at / {DAY_MS}, menu_item, COUNT(*) FROM message_log \
             WHERE created_at >= $1 AND created_at < $2 AND menu_item IS NOT NULL \
             GROUP BY tenant_id, created_at / {DAY_MS}, menu_item"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(from * DAY_MS)
            .bind((to + 1) * DAY_MS)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO message_daily_mark (id, rolled_through) VALUES (1, $1) \
             ON CONFLICT (id) DO UPDATE SET rolled_through = excluded.rolled_through",
        )
        .bind(final_before - 1)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The last day the roll-up holds for good (`None` before its first run).
    pub async fn rolled_through(&self) -> Result<Option<i64>> {
        let row: Option<(i64,)> =
            sqlx::query_as("SELECT rolled_through FROM message_daily_mark WHERE id = 1")
                .fetch_optional(self.pool())
                .await?;
        Ok(row.map(|(day,)| day))
    }

    /// Every day from `since`'s through `now`'s, for one business or all,
    /// quiet days at zero: final days from the roll-up, the rest counted
    /// live from `message_log` (by its `(tenant_id, created_at)` or
    /// `(created_at)` index).
    pub async fn daily_totals(
        &self,
        tenant: Option<TenantId>,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<DayTotals>> {
        let (first, last) = (day_of(since), day_of(now));
        let mut days = quiet_days(first, last);
        let live_from = match self.rolled_through().await? {
            Some(through) => (through + 1).max(first),
            None => first,
        };
        let tenant_filter = if tenant.is_some() {
            " AND tenant_id = $3"
        } else {
            ""
        };
        if live_from > first {
            let sql = format!(
                "SELECT day, {ROLLED_SUMS} FROM message_daily \
                 WHERE day >= $1 AND day < $2{tenant_filter} GROUP BY day"
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(first)
                .bind(live_from);
            if let Some(tenant) = tenant {
                query = query.bind(tenant.to_string());
            }
            self.add_rows(&mut days, first, query.fetch_all(self.pool()).await?)?;
        }
        let sql = format!(
            "SELECT created_at / {DAY_MS} AS day, {SUMS} FROM message_log \
             WHERE created_at >= $1 AND created_at < $2{tenant_filter} \
             GROUP BY created_at / {DAY_MS}"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(live_from * DAY_MS)
            .bind((last + 1) * DAY_MS);
        if let Some(tenant) = tenant {
            query = query.bind(tenant.to_string());
        }
        self.add_rows(&mut days, first, query.fetch_all(self.pool()).await?)?;
        Ok(days)
    }

    /// How often each menu item (1-based) was chosen by `tenant`'s
    /// customers from `since`'s day through `now`'s, most chosen first:
    /// final days from the roll-up, the rest counted live.
    pub async fn menu_choices(
        &self,
        tenant: TenantId,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<(u8, i64)>> {
        let (first, last) = (day_of(since), day_of(now));
        let live_from = match self.rolled_through().await? {
            Some(through) => (through + 1).max(first),
            None => first,
        };
        let rolled: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT item, CAST(SUM(chosen) AS BIGINT) FROM menu_daily \
             WHERE tenant_id = $1 AND day >= $2 AND day < $3 GROUP BY item",
        )
        .bind(tenant.to_string())
        .bind(first)
        .bind(live_from)
        .fetch_all(self.pool())
        .await?;
        let live: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT menu_item, COUNT(*) FROM message_log \
             WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3 \
             AND menu_item IS NOT NULL GROUP BY menu_item",
        )
        .bind(tenant.to_string())
        .bind(live_from * DAY_MS)
        .bind((last + 1) * DAY_MS)
        .fetch_all(self.pool())
        .await?;
        let mut counts = std::collections::BTreeMap::<u8, i64>::new();
        for (item, n) in rolled.into_iter().chain(live) {
            if let Ok(item) = u8::try_from(item) {
                *counts.entry(item).or_default() += n;
            }
        }
        let mut choices: Vec<(u8, i64)> = counts.into_iter().collect();
        choices.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Ok(choices)
    }

    /// The median time from a customer's message to the first reply to it,
    /// over the last [`REPLY_SAMPLE`] replies of `tenant` since `since`;
    /// `None` without replies. Walks the business's latest replies by the
    /// partial index `message_log_reply_idx` and finds each one's message
    /// by the idempotency key, so a busy business costs no more than a
    /// quiet one.
    pub async fn median_first_reply(
        &self,
        tenant: TenantId,
        since: DateTime<Utc>,
    ) -> Result<Option<std::time::Duration>> {
        let sql = format!(
            "SELECT CAST(MIN(o.created_at) - i.created_at AS BIGINT) FROM \
             (SELECT created_at, reply_to FROM message_log \
              WHERE tenant_id = $1 AND direction = 'OUTBOUND' AND reply_to IS NOT NULL \
              AND created_at >= $2 ORDER BY created_at DESC {}) o \
             JOIN message_log i ON i.tenant_id = $1 AND i.direction = 'INBOUND' \
             AND i.wa_message_id = o.reply_to \
             GROUP BY i.wa_message_id, i.created_at",
            crate::placeholders::limit(REPLY_SAMPLE)
        );
        let rows: Vec<(i64,)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(tenant.to_string())
            .bind(millis(since))
            .fetch_all(self.pool())
            .await?;
        let mut waits: Vec<i64> = rows.into_iter().map(|(ms,)| ms.max(0)).collect();
        if waits.is_empty() {
            return Ok(None);
        }
        waits.sort_unstable();
        let middle = waits[waits.len() / 2];
        Ok(Some(std::time::Duration::from_millis(
            u64::try_from(middle).unwrap_or(0),
        )))
    }

    /// Every day from `since`'s through `now`'s for all businesses together,
    /// from the roll-up alone: what the operator's dashboard shows. Today's
    /// figures are as fresh as the roll-up's last run (a minute at most);
    /// counting a whole day of every business live would cost the page a
    /// scan of every message of the day.
    pub async fn daily_totals_all(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<DayTotals>> {
        let (first, last) = (day_of(since), day_of(now));
        let mut days = quiet_days(first, last);
        let sql = format!(
            "SELECT day, {ROLLED_SUMS} FROM message_daily \
             WHERE day >= $1 AND day <= $2 GROUP BY day"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(first)
            .bind(last)
            .fetch_all(self.pool())
            .await?;
        self.add_rows(&mut days, first, rows)?;
        Ok(days)
    }

    fn add_rows(&self, days: &mut [DayTotals], first: i64, rows: Vec<AnyRow>) -> Result<()> {
        for row in &rows {
            let day = row.int("day")?;
            let Some(slot) = usize::try_from(day - first)
                .ok()
                .and_then(|i| days.get_mut(i))
            else {
                continue;
            };
            slot.add(&totals_from(row, day)?);
        }
        Ok(())
    }
}
