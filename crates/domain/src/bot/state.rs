//! What the bot remembers between messages. The engine keeps no state of its
//! own: the caller stores these values (in memory, on disk, in a database)
//! and passes them back with the next message.
//!
//! - [`ConversationState`]: one per contact (keyed by `Inbound::from`).
//! - [`TenantState`]: one per tenant, shared by all its contacts, for the
//!   tenant-wide cap. Messages of one tenant must be handled one at a time
//!   (one worker per tenant does that naturally).
//! - [`BotMemory`]: both together, for a caller that simply keeps
//!   everything in memory and saves it whole.

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::config::BotConfig;
use super::engine::{self, ChatKind, Decision, Inbound, Reply};

/// The window of the "per minute" limits: a reply counts against them for
/// the 60 seconds after it was sent.
pub const RATE_WINDOW: TimeDelta = TimeDelta::seconds(60);

/// After this long without a message from a contact, their next message
/// starts a new conversation and anything unclear is answered with the
/// greeting and menu rather than "sorry, I did not understand".
pub const CONVERSATION_GAP: TimeDelta = TimeDelta::hours(4);

/// The bot's memory of one contact.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConversationState {
    /// When the bot replied to this contact within the last minute, oldest
    /// first.
    pub recent_replies: VecDeque<DateTime<Utc>>,
    /// The bot stays quiet for this contact until then: they asked for a
    /// person, or a person from the business wrote to them. Marking the
    /// chat resolved ends it early.
    pub handoff_until: Option<DateTime<Utc>>,
    /// When the bot last told this contact the business is closed. It says
    /// so again only once the business has opened since.
    pub away_sent_at: Option<DateTime<Utc>>,
    /// When this contact last wrote.
    pub last_inbound_at: Option<DateTime<Utc>>,
    /// The item (1-based) whose sub-menu the contact is looking at: a
    /// number picks from it, "0" or "menu" goes back.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_menu: Option<u8>,
}

impl ConversationState {
    /// A person from the business wrote to this contact (from the phone or
    /// the inbox): the bot stays quiet for the handoff's length.
    pub fn person_answered(&mut self, config: &BotConfig, now: DateTime<Utc>) {
        self.handoff_until = now.checked_add_signed(config.limits.handoff);
    }

    /// The chat was marked resolved at `at`: the bot answers again, unless
    /// the quiet spell began after that (a person wrote again since, or the
    /// contact asked again), which a late "resolved" must not end.
    pub fn resolve(&mut self, config: &BotConfig, at: DateTime<Utc>) {
        let began = self
            .handoff_until
            .and_then(|until| until.checked_sub_signed(config.limits.handoff));
        if began.is_some_and(|began| began <= at) {
            self.handoff_until = None;
        }
    }

    /// Whether forgetting this state would change nothing: no limit, handoff
    /// or away notice is in force and the conversation has gone quiet. A
    /// caller may drop such states to keep its store small.
    pub fn is_settled(&self, config: &BotConfig, now: DateTime<Utc>) -> bool {
        let replies_expired = self
            .recent_replies
            .iter()
            .all(|at| !within_window(*at, now));
        let handoff_over = self.handoff_until.is_none_or(|until| until <= now);
        let away_over = self
            .away_sent_at
            .is_none_or(|at| engine::opened_since(config, at, now));
        let quiet = self
            .last_inbound_at
            .is_none_or(|at| now - at >= CONVERSATION_GAP);
        replies_expired && handoff_over && away_over && quiet
    }
}

/// The bot's memory of a whole tenant.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TenantState {
    /// When the bot replied to anyone within the last minute, oldest first.
    pub recent_replies: VecDeque<DateTime<Utc>>,
}

/// Whether a reply sent `at` still counts against a limit `now`. A reply
/// stamped after `now` (the clock went back) counts: when in doubt, quiet.
pub(crate) fn within_window(at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - at < RATE_WINDOW
}

/// Forgets replies that no longer count and says whether one more fits
/// under `limit`. The log is kept oldest first (see [`record`]), so the
/// expired replies are at its front and this costs nothing per reply kept,
/// however high the limit.
pub(crate) fn has_room(log: &mut VecDeque<DateTime<Utc>>, limit: u32, now: DateTime<Utc>) -> bool {
    while log.front().is_some_and(|at| !within_window(*at, now)) {
        log.pop_front();
    }
    log.len() < limit as usize
}

/// Adds a reply sent `now` to a log, keeping it oldest first even when the
/// clock went back.
pub(crate) fn record(log: &mut VecDeque<DateTime<Utc>>, now: DateTime<Utc>) {
    match log.back() {
        Some(last) if *last > now => {
            let at = log.partition_point(|t| *t <= now);
            log.insert(at, now);
        }
        _ => log.push_back(now),
    }
}

/// A tenant's whole bot memory: the tenant-wide state and one state per
/// contact. Serializable as one document.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BotMemory {
    pub tenant: TenantState,
    pub contacts: HashMap<String, ConversationState>,
}

/// What the bot did with one message, for a caller using [`BotMemory`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Handled {
    pub replies: Vec<Reply>,
    pub decision: Decision,
}

impl BotMemory {
    /// Answers `inbound` and remembers what it takes to answer the next
    /// message well. Same rules as [`super::reply`], without copying state.
    pub fn handle(&mut self, config: &BotConfig, inbound: &Inbound, now: DateTime<Utc>) -> Handled {
        if inbound.kind != ChatKind::Direct {
            // Not worth a contact entry.
            return Handled {
                replies: Vec::new(),
                decision: Decision::NotDirectChat,
            };
        }
        let contact = match self.contacts.get_mut(&inbound.from) {
            Some(contact) => contact,
            None => self.contacts.entry(inbound.from.clone()).or_default(),
        };
        let (replies, decision) = engine::step(config, &mut self.tenant, contact, inbound, now);
        Handled { replies, decision }
    }

    /// Drops the contacts whose state is settled (see
    /// [`ConversationState::is_settled`]); the bot behaves the same after.
    pub fn forget_settled(&mut self, config: &BotConfig, now: DateTime<Utc>) {
        self.contacts
            .retain(|_, contact| !contact.is_settled(config, now));
        has_room(&mut self.tenant.recent_replies, u32::MAX, now);
    }
}
