//! The decision: given a message, the time and what the bot remembers,
//! what (if anything) it answers.
//!
//! In order:
//! 1. Only direct chats with customers: never groups, broadcasts or status
//!    updates. A message the business itself sent is never answered, and
//!    keeps the bot quiet for that contact: a person has the chat.
//! 2. A contact handed to a person hears nothing until the handoff ends
//!    (it runs out, or the chat is marked resolved), nor does a contact the
//!    owner turned the assistant off for.
//! 3. Asking for a person starts a handoff, confirmed once.
//! 4. Closed: the away message, saying when the business opens next, once
//!    per contact per closed spell; then nothing.
//! 5. Open: the greeting and menu, the answers asked for, or the fallback.
//! 6. Every reply must fit under both "per minute" limits, or is not sent.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::config::BotConfig;
use super::matching::Intent;
use super::phrases;
use super::state::{CONVERSATION_GAP, ConversationState, TenantState, has_room, record};
use super::text::Slot;
use crate::LoggedDecision;
use crate::media::Attachment;

/// Where a message was posted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ChatKind {
    /// A one-to-one chat with a contact: the only kind the bot answers.
    Direct,
    Group,
    Broadcast,
    /// A WhatsApp status (story) update.
    Status,
}

/// One message, as the channel saw it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inbound {
    /// The contact's chat: their number or WhatsApp id. For a message the
    /// business sent (`from_me`), the contact it was sent to.
    pub from: String,
    /// The text, or the caption of a photo; empty when there is none.
    pub text: String,
    pub kind: ChatKind,
    /// Sent by the business from its own phone or WhatsApp Web.
    pub from_me: bool,
}

impl Inbound {
    /// A customer's message in a direct chat.
    pub fn direct(from: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            from: from.into(),
            text: text.into(),
            kind: ChatKind::Direct,
            from_me: false,
        }
    }
}

/// A message for the channel to send: a text, or a file (with `text` as
/// its caption, usually empty).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    pub to: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media: Option<Attachment>,
}

/// Why the bot answered as it did, or stayed quiet. For logs, metrics and
/// the preview endpoint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(tag = "decision", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Decision {
    /// Sent the greeting and numbered menu; or, to a contact greeted
    /// earlier in the conversation, the menu alone.
    Welcome,
    /// Sent the answers to these menu items (1-based), in one message, and
    /// their files. For a sub-item, `items` holds its item and `sub_items`
    /// the pair (item, sub-item).
    Answer {
        items: Vec<u8>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        sub_items: Vec<(u8, u8)>,
    },
    /// Sent "sorry, I did not understand".
    Fallback,
    /// Sent the away message.
    Away,
    /// Started a handoff to a person and confirmed it.
    Handoff,
    /// Quiet: a group, a broadcast or a status update.
    NotDirectChat,
    /// Quiet: the business's own message (it ends a handoff).
    FromBusiness,
    /// Quiet: the contact is waiting for a person.
    HandedOff,
    /// Quiet: closed, and this contact already knows.
    AwayAlreadySent,
    /// Quiet: "thanks", "ok", a sticker: nothing to answer.
    NothingToAnswer,
    /// Quiet: this contact had their replies for the minute.
    ContactLimit,
    /// Quiet: the tenant had its replies for the minute.
    TenantLimit,
}

impl Decision {
    /// Whether a reply was sent.
    pub fn replied(&self) -> bool {
        self.logged().replied()
    }

    /// The decision as logged with the inbound message
    /// (`message_log.bot_decision`): the same names as its JSON tag.
    pub fn logged(&self) -> LoggedDecision {
        match self {
            Decision::Welcome => LoggedDecision::Welcome,
            Decision::Answer { .. } => LoggedDecision::Answer,
            Decision::Fallback => LoggedDecision::Fallback,
            Decision::Away => LoggedDecision::Away,
            Decision::Handoff => LoggedDecision::Handoff,
            Decision::NotDirectChat => LoggedDecision::NotDirectChat,
            Decision::FromBusiness => LoggedDecision::FromBusiness,
            Decision::HandedOff => LoggedDecision::HandedOff,
            Decision::AwayAlreadySent => LoggedDecision::AwayAlreadySent,
            Decision::NothingToAnswer => LoggedDecision::NothingToAnswer,
            Decision::ContactLimit => LoggedDecision::ContactLimit,
            Decision::TenantLimit => LoggedDecision::TenantLimit,
        }
    }
}

/// The rules, applied in place; `super::reply` and `BotMemory::handle` wrap
/// it.
pub(crate) fn step(
    config: &BotConfig,
    tenant: &mut TenantState,
    contact: &mut ConversationState,
    inbound: &Inbound,
    now: DateTime<Utc>,
) -> (Vec<Reply>, Decision) {
    if inbound.kind != ChatKind::Direct {
        return (Vec::new(), Decision::NotDirectChat);
    }
    if inbound.from_me {
        // A person is answering: the bot keeps out of their conversation
        // until it is resolved or the handoff's time runs out.
        contact.person_answered(config, now);
        return (Vec::new(), Decision::FromBusiness);
    }

    let new_conversation = contact
        .last_inbound_at
        .is_none_or(|at| now - at >= CONVERSATION_GAP);
    contact.last_inbound_at = Some(now);
    if new_conversation {
        contact.sub_menu = None;
    }
    if contact.handoff_until.is_some_and(|until| now < until)
        || config.assistant_is_off_for(&inbound.from)
    {
        return (Vec::new(), Decision::HandedOff);
    }

    let intent = config.matcher.classify(&inbound.text);
    let hours = config.hours();
    let open = hours.is_open(now);

    let mut files = Vec::new();
    let (text, decision) = if intent == Intent::Handoff {
        // The handoff holds even if the limits stop the confirmation: the
        // contact asked for a person, not for more bot.
        contact.handoff_until = Some(
            now.checked_add_signed(config.limits.handoff)
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
        );
        let reopens = if open { None } else { hours.next_opening(now) };
        let text = match reopens {
            Some(opening) => render_next_opening(config, &config.handoff_closed, now, opening),
            None => config.handoff.clone(),
        };
        (text, Decision::Handoff)
    } else if !open {
        if contact
            .away_sent_at
            .is_some_and(|at| !opened_since(config, at, now))
        {
            return (Vec::new(), Decision::AwayAlreadySent);
        }
        let text = match hours.next_opening(now) {
            Some(opening) => render_next_opening(config, &config.away, now, opening),
            None => config.away_no_hours.clone(),
        };
        (text, Decision::Away)
    } else {
        match intent {
            Intent::Items(items) => answer(config, contact, items.as_slice(), &mut files, now),
            Intent::Number(0) if contact.sub_menu.is_some() => {
                contact.sub_menu = None;
                (config.menu.clone(), Decision::Welcome)
            }
            Intent::Number(number) => match picked(config, contact, number) {
                Some(index) => answer(config, contact, &[index], &mut files, now),
                None => (config.fallback.clone(), Decision::Fallback),
            },
            // Greeted once a conversation: "menu" (or "hi" again) later in it
            // shows the menu alone.
            Intent::Menu if new_conversation => (config.welcome.clone(), Decision::Welcome),
            Intent::Menu => {
                contact.sub_menu = None;
                (config.menu.clone(), Decision::Welcome)
            }
            // A new conversation is greeted whatever it opens with.
            _ if new_conversation => (config.welcome.clone(), Decision::Welcome),
            Intent::Empty | Intent::Ack => return (Vec::new(), Decision::NothingToAnswer),
            Intent::Unknown | Intent::Handoff => (config.fallback.clone(), Decision::Fallback),
        }
    };

    let limits = &config.limits;
    if !has_room(
        &mut contact.recent_replies,
        limits.per_contact_per_minute.get(),
        now,
    ) {
        return (Vec::new(), Decision::ContactLimit);
    }
    if !has_room(
        &mut tenant.recent_replies,
        limits.per_tenant_per_minute.get(),
        now,
    ) {
        return (Vec::new(), Decision::TenantLimit);
    }
    record(&mut contact.recent_replies, now);
    record(&mut tenant.recent_replies, now);
    if decision == Decision::Away {
        contact.away_sent_at = Some(now);
    }
    let mut replies = Vec::with_capacity(1 + files.len());
    if !text.is_empty() {
        replies.push(Reply {
            to: inbound.from.clone(),
            text,
            media: None,
        });
    }
    replies.extend(files.into_iter().map(|file| Reply {
        to: inbound.from.clone(),
        text: String::new(),
        media: Some(file),
    }));
    (replies, decision)
}

/// The menu entry a number picks: an item of the menu, or of the sub-menu
/// the contact is in.
fn picked(config: &BotConfig, contact: &ConversationState, number: usize) -> Option<u16> {
    let index = number.checked_sub(1)?;
    let index = match contact.sub_menu.and_then(|item| {
        config
            .entries
            .get(usize::from(item).checked_sub(1)?)?
            .sub_menu
            .as_ref()
    }) {
        Some(sub_menu) if index < sub_menu.len => sub_menu.first + index,
        Some(_) => return None,
        None if index < config.items => index,
        None => return None,
    };
    u16::try_from(index).ok()
}

/// The answers of menu entries, one text, and their files in `files`. A
/// single item with sub-items opens its sub-menu: the next number picks
/// from there.
fn answer(
    config: &BotConfig,
    contact: &mut ConversationState,
    indexes: &[u16],
    files: &mut Vec<Attachment>,
    now: DateTime<Utc>,
) -> (String, Decision) {
    let mut items = Vec::new();
    let mut sub_items = Vec::new();
    let mut texts = Vec::new();
    for index in indexes {
        let index = usize::from(*index);
        let Some(entry) = config.entries.get(index) else {
            continue;
        };
        match entry.sub_item {
            Some(sub_item) => sub_items.push((entry.item, sub_item)),
            None => items.push(entry.item),
        }
        if entry.sub_menu.is_some() {
            contact.sub_menu = Some(entry.item);
        }
        let text = config.answer_at(index, now);
        if !text.is_empty() {
            texts.push(text);
        }
        files.extend(entry.attachment.clone());
    }
    if sub_items.iter().any(|(item, _)| !items.contains(item)) {
        items.extend(sub_items.iter().map(|(item, _)| *item));
        items.dedup();
    }
    (texts.join("\n\n"), Decision::Answer { items, sub_items })
}

/// Whether the business has opened between `since` and `now`: a new closed
/// spell has begun since then.
pub(crate) fn opened_since(config: &BotConfig, since: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    config
        .hours()
        .next_opening(since)
        .is_some_and(|opening| opening <= now)
}

fn render_next_opening(
    config: &BotConfig,
    text: &super::text::Text,
    now: DateTime<Utc>,
    opening: DateTime<Utc>,
) -> String {
    let when = phrases::next_opening(config.words, config.hours(), now, opening);
    text.render(|slot| match slot {
        Slot::NextOpening => when.clone(),
        // Filled when the configuration was built.
        Slot::BusinessName | Slot::Hours | Slot::Fact(_) => String::new(),
    })
}
