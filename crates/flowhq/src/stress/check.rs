//! Checks a tenant's message log against what the stress test sent and
//! what the simulated network says the bot sent.
//!
//! Lost: an inbound message the test sent that has no log row; a reply the
//! bot decided on (its logged decision is one that replies) with no
//! outbound row answering it; a message the network delivered to a
//! customer that was never logged. Doubled: a WhatsApp id logged twice in
//! one direction, or more than one reply logged for one inbound message.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use flowhq_domain::LoggedDecision;
use serde::Deserialize;

/// A message-log row as `GET /api/admin/tenants/{id}/messages` lists it.
#[derive(Clone, Debug, Deserialize)]
pub struct LogRow {
    pub direction: String,
    pub wa_message_id: String,
    #[serde(default)]
    pub bot_decision: Option<LoggedDecision>,
    #[serde(default)]
    pub reply_to: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A message the simulated network delivered to a customer
/// (`GET /api/sim/tenants/{id}/outbox`).
#[derive(Clone, Debug, Deserialize)]
pub struct SentRow {
    pub wa_message_id: String,
    pub sent_at: DateTime<Utc>,
}

/// Everything known about one tenant at the end of a run.
#[derive(Debug, Default)]
pub struct TenantRecord {
    /// The ids the network gave the inbound messages the test sent.
    pub injected: Vec<String>,
    pub logs: Vec<LogRow>,
    pub sent: Vec<SentRow>,
}

/// What the check found, summed over tenants.
#[derive(Debug, Default, PartialEq)]
pub struct Findings {
    pub lost_inbound: u64,
    pub lost_replies: u64,
    /// Delivered to a customer, missing from the log.
    pub unlogged_sends: u64,
    pub duplicates: u64,
    /// Inbound rows with no recorded decision: whether a reply was due
    /// cannot be told.
    pub undecided: u64,
    pub replies_due: u64,
    pub replies: u64,
    /// Inbound → reply, in milliseconds of the network's clock.
    pub latencies_ms: Vec<i64>,
    /// When the last reply reached its customer.
    pub last_reply_at: Option<DateTime<Utc>>,
}

impl Findings {
    pub fn lost(&self) -> u64 {
        self.lost_inbound + self.lost_replies + self.unlogged_sends
    }

    pub fn absorb(&mut self, other: Findings) {
        self.lost_inbound += other.lost_inbound;
        self.lost_replies += other.lost_replies;
        self.unlogged_sends += other.unlogged_sends;
        self.duplicates += other.duplicates;
        self.undecided += other.undecided;
        self.replies_due += other.replies_due;
        self.replies += other.replies;
        self.latencies_ms.extend(other.latencies_ms);
        self.last_reply_at = self.last_reply_at.max(other.last_reply_at);
    }
}

pub fn check(record: &TenantRecord) -> Findings {
    let mut findings = Findings::default();
    let mut inbound: HashMap<&str, &LogRow> = HashMap::new();
    let mut outbound: HashSet<&str> = HashSet::new();
    let mut replies_to: HashMap<&str, Vec<&LogRow>> = HashMap::new();
    for row in &record.logs {
        let first = match row.direction.as_str() {
            "INBOUND" => inbound.insert(&row.wa_message_id, row).is_none(),
            _ => {
                if let Some(to) = &row.reply_to {
                    replies_to.entry(to).or_default().push(row);
                }
                outbound.insert(&row.wa_message_id)
            }
        };
        if !first {
            findings.duplicates += 1;
        }
    }
    for id in &record.injected {
        if !inbound.contains_key(id.as_str()) {
            findings.lost_inbound += 1;
        }
    }
    for (id, row) in &inbound {
        let replies = replies_to.get(id).map_or(&[][..], Vec::as_slice);
        match row.bot_decision {
            None => findings.undecided += 1,
            Some(decision) if decision.replied() => {
                findings.replies_due += 1;
                if replies.is_empty() {
                    findings.lost_replies += 1;
                }
            }
            Some(_) => {}
        }
        // One decision sends at most one message.
        findings.duplicates += replies.len().saturating_sub(1) as u64;
        for reply in replies {
            findings.replies += 1;
            findings
                .latencies_ms
                .push((reply.created_at - row.created_at).num_milliseconds());
            findings.last_reply_at = findings.last_reply_at.max(Some(reply.created_at));
        }
    }
    let mut delivered = HashSet::new();
    for sent in &record.sent {
        if !delivered.insert(sent.wa_message_id.as_str()) {
            findings.duplicates += 1;
        }
        if !outbound.contains(sent.wa_message_id.as_str()) {
            findings.unlogged_sends += 1;
        }
        findings.last_reply_at = findings.last_reply_at.max(Some(sent.sent_at));
    }
    findings
}

/// The `q`-quantile (0..=1) of `values`, nearest rank; `None` when empty.
pub fn quantile(values: &mut [i64], q: f64) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let rank = ((q * values.len() as f64).ceil() as usize).clamp(1, values.len());
    Some(values[rank - 1])
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;

    fn at(ms: i64) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(1_800_000_000_000 + ms).unwrap()
    }

    fn inbound(id: &str, decision: &str, ms: i64) -> LogRow {
        LogRow {
            direction: "INBOUND".into(),
            wa_message_id: id.into(),
            bot_decision: Some(decision.parse().unwrap()),
            reply_to: None,
            created_at: at(ms),
        }
    }

    fn reply(id: &str, to: &str, ms: i64) -> LogRow {
        LogRow {
            direction: "OUTBOUND".into(),
            wa_message_id: id.into(),
            bot_decision: None,
            reply_to: Some(to.into()),
            created_at: at(ms),
        }
    }

    fn sent(id: &str, ms: i64) -> SentRow {
        SentRow {
            wa_message_id: id.into(),
            sent_at: at(ms),
        }
    }

    #[test]
    fn a_complete_log_finds_nothing_and_measures_latency() {
        let record = TenantRecord {
            injected: vec!["a".into(), "b".into()],
            logs: vec![
                inbound("a", "WELCOME", 0),
                reply("r1", "a", 12),
                inbound("b", "TENANT_LIMIT", 5),
            ],
            sent: vec![sent("r1", 12)],
        };
        let findings = check(&record);
        assert_eq!(findings.lost(), 0);
        assert_eq!(findings.duplicates, 0);
        assert_eq!(findings.replies_due, 1);
        assert_eq!(findings.replies, 1);
        assert_eq!(findings.latencies_ms, vec![12]);
        assert_eq!(
            findings.last_reply_at,
            Some(at(0) + TimeDelta::milliseconds(12))
        );
    }

    #[test]
    fn missing_rows_and_replies_are_lost() {
        let record = TenantRecord {
            injected: vec!["a".into(), "b".into(), "c".into()],
            logs: vec![inbound("a", "ANSWER", 0), inbound("b", "CONTACT_LIMIT", 0)],
            // Sent, never logged.
            sent: vec![sent("r9", 3)],
        };
        let findings = check(&record);
        assert_eq!(findings.lost_inbound, 1, "c has no row");
        assert_eq!(findings.lost_replies, 1, "a was due a reply");
        assert_eq!(findings.unlogged_sends, 1);
        assert_eq!(findings.lost(), 3);
    }

    #[test]
    fn rows_and_replies_logged_twice_are_duplicates() {
        let record = TenantRecord {
            injected: vec!["a".into()],
            logs: vec![
                inbound("a", "FALLBACK", 0),
                inbound("a", "FALLBACK", 0),
                reply("r1", "a", 5),
                reply("r2", "a", 9),
            ],
            sent: vec![sent("r1", 5), sent("r2", 9), sent("r2", 9)],
        };
        let findings = check(&record);
        assert_eq!(findings.lost(), 0);
        // The inbound row twice, a second reply, a second delivery.
        assert_eq!(findings.duplicates, 3);
    }

    #[test]
    fn a_row_without_a_decision_is_reported() {
        let mut row = inbound("a", "WELCOME", 0);
        row.bot_decision = None;
        let findings = check(&TenantRecord {
            injected: vec!["a".into()],
            logs: vec![row],
            sent: vec![],
        });
        assert_eq!(findings.undecided, 1);
    }

    #[test]
    fn quantiles_use_the_nearest_rank() {
        let mut values: Vec<i64> = (1..=100).rev().collect();
        assert_eq!(quantile(&mut values, 0.5), Some(50));
        assert_eq!(quantile(&mut values, 0.99), Some(99));
        assert_eq!(quantile(&mut values, 1.0), Some(100));
        assert_eq!(quantile(&mut [], 0.5), None);
    }
}
