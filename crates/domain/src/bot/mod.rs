//! The bot engine: answers a business's customers from its template, in its
//! language, knowing its opening hours. Pure: no I/O, no clock (the caller
//! passes `now`), no hidden state (the caller stores [`ConversationState`]
//! per contact and [`TenantState`] per tenant, or a [`BotMemory`] holding
//! both).
//!
//! ```
//! use flowhq_domain::bot::{self, BotConfig, ConversationState, Inbound, TenantState};
//! use flowhq_domain::hours::OpeningHours;
//! use flowhq_domain::{Language, TemplateType};
//!
//! let config = BotConfig::new(
//!     TemplateType::Restaurant,
//!     "Casa Pepe",
//!     Language::Es,
//!     OpeningHours::always_open(),
//!     &serde_json::Map::new(),
//! )
//! .unwrap();
//! let now = "2024-06-07T12:00:00Z".parse().unwrap();
//! let out = bot::reply(
//!     &config,
//!     &TenantState::default(),
//!     &ConversationState::default(),
//!     &Inbound::direct("+34600000000", "hola"),
//!     now,
//! );
//! assert!(out.replies[0].text.contains("Casa Pepe"));
//! // Store `out.contact` under "+34600000000" and `out.tenant` for the tenant.
//! ```

mod config;
mod engine;
mod matching;
mod menu;
mod phrases;
mod state;
mod templates;
mod text;

use chrono::{DateTime, Utc};
use serde::Serialize;

pub use config::{
    BotConfig, BotSettings, InvalidOverride, Limits, MAX_OVERRIDE_CHARS, default_texts,
    override_keys, validate_overrides,
};
pub use engine::{ChatKind, Decision, Inbound, Reply};
pub use menu::{
    InvalidMenu, MAX_ANSWER_CHARS, MAX_ITEMS, MAX_KEYWORDS, MAX_SUB_ITEMS, MenuItem, check_menu,
    slug, template_menu,
};
pub use state::{
    BotMemory, CONVERSATION_GAP, ConversationState, Handled, RATE_WINDOW, TenantState,
};
pub use templates::TemplateError;

/// The weekly hours in words, one line per run of days with the same hours
/// ("Mon–Fri: 09:00–18:00"), as `{hours}` says them in `language`.
pub fn week_in_words(language: crate::Language, hours: &crate::hours::OpeningHours) -> String {
    phrases::week(&templates::Catalog::get().language(language).words, hours)
}

/// Loads and checks the embedded template files. They are checked by the
/// tests and on first use anyway; a binary may call this at start to fail
/// loudly and early.
pub fn check_templates() -> Result<(), TemplateError> {
    templates::Catalog::load().map(|_| ())
}

/// What the bot does with one message, and what it remembers after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// What to send: nothing, or one message to the contact.
    pub replies: Vec<Reply>,
    pub decision: Decision,
    /// Store under `inbound.from`, replacing the state passed in.
    pub contact: ConversationState,
    /// Store for the tenant, replacing the state passed in.
    pub tenant: TenantState,
}

/// Answers one message. `tenant` is the tenant-wide state, `contact` the
/// state of `inbound.from` (default for a contact never seen); the outcome
/// carries both as they are after this message.
pub fn reply(
    config: &BotConfig,
    tenant: &TenantState,
    contact: &ConversationState,
    inbound: &Inbound,
    now: DateTime<Utc>,
) -> Outcome {
    let mut tenant = tenant.clone();
    let mut contact = contact.clone();
    let (replies, decision) = engine::step(config, &mut tenant, &mut contact, inbound, now);
    Outcome {
        replies,
        decision,
        contact,
        tenant,
    }
}

/// What the bot would answer a new contact who writes `text` at `at`: for
/// `POST /api/admin/tenants/{id}/bot/preview`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Preview {
    /// The texts it would send (none or one).
    pub replies: Vec<String>,
    /// The files it would send after them.
    pub files: Vec<crate::media::Attachment>,
    pub decision: Decision,
    /// Whether the business is open at `at`.
    pub open: bool,
    /// When it next opens after `at`, if it does within a week.
    pub next_opening: Option<DateTime<Utc>>,
}

pub fn preview(config: &BotConfig, text: &str, at: DateTime<Utc>) -> Preview {
    let inbound = Inbound::direct("preview", text);
    let out = reply(
        config,
        &TenantState::default(),
        &ConversationState::default(),
        &inbound,
        at,
    );
    let (files, texts): (Vec<Reply>, Vec<Reply>) =
        out.replies.into_iter().partition(|r| r.media.is_some());
    Preview {
        replies: texts.into_iter().map(|r| r.text).collect(),
        files: files.into_iter().filter_map(|r| r.media).collect(),
        decision: out.decision,
        open: config.hours().is_open(at),
        next_opening: config.hours().next_opening(at),
    }
}

#[cfg(test)]
mod tests;
