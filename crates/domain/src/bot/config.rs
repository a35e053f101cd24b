//! A tenant's bot, ready to answer: its template texts in its language with
//! the tenant's overrides applied, its name and hours filled in, and its
//! limits. Built once per configuration change, not per message.

use std::num::NonZeroU32;
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};

use crate::calendar::Calendar;
use crate::entities::TenantConfig;
use crate::enums::{Language, TemplateType};
use crate::facts::Facts;
use crate::hours::OpeningHours;
use crate::media::Attachment;

use super::matching::Matcher;
use super::menu::{InvalidMenu, MenuItem, check_menu, template_menu};
use super::phrases;
use super::templates::{Catalog, Template, Words, slots_for};
use super::text::{Slot, Text};

/// How much the bot may say; anti-spam for customers, anti-ban for the
/// business's number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Automatic replies to one contact in any 60 seconds.
    pub per_contact_per_minute: NonZeroU32,
    /// Automatic replies to all contacts together in any 60 seconds.
    /// WhatsApp bans numbers that send in bursts; one message a second on
    /// average is what a busy person at a phone could do.
    pub per_tenant_per_minute: NonZeroU32,
    /// How long the bot stays quiet for a contact who asked for a person,
    /// unless the business answers them sooner.
    pub handoff: TimeDelta,
}

impl Limits {
    pub const DEFAULT_PER_CONTACT_PER_MINUTE: NonZeroU32 = NonZeroU32::new(5).unwrap();
    pub const DEFAULT_PER_TENANT_PER_MINUTE: NonZeroU32 = NonZeroU32::new(60).unwrap();
    pub const DEFAULT_HANDOFF: TimeDelta = TimeDelta::hours(12);
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            per_contact_per_minute: Self::DEFAULT_PER_CONTACT_PER_MINUTE,
            per_tenant_per_minute: Self::DEFAULT_PER_TENANT_PER_MINUTE,
            handoff: Self::DEFAULT_HANDOFF,
        }
    }
}

/// Why a tenant's text overrides were refused; the message names the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidOverride {
    #[error("unknown text key {key:?}; the keys for this business type are: {known}")]
    UnknownKey { key: String, known: String },
    #[error("text {key:?} must be a string")]
    NotText { key: String },
    #[error("text {key:?} is empty")]
    Empty { key: String },
    #[error("text {key:?} is {len} characters long; at most {max}")]
    TooLong { key: String, len: usize, max: usize },
    #[error("text {key:?}: {problem}")]
    Placeholder { key: String, problem: String },
    /// The owner's menu is wrong; `field` is its path (`menu[2].answer`).
    #[error("{field}: {message}")]
    Menu { field: String, message: String },
}

impl From<InvalidMenu> for InvalidOverride {
    fn from(e: InvalidMenu) -> Self {
        InvalidOverride::Menu {
            field: e.field,
            message: e.message,
        }
    }
}

impl InvalidOverride {
    /// The override key at fault, for a 422's field name.
    pub fn key(&self) -> &str {
        match self {
            InvalidOverride::UnknownKey { key, .. }
            | InvalidOverride::NotText { key }
            | InvalidOverride::Empty { key }
            | InvalidOverride::TooLong { key, .. }
            | InvalidOverride::Placeholder { key, .. } => key,
            InvalidOverride::Menu { field, .. } => field,
        }
    }
}

/// The longest override: a WhatsApp message may be much longer, but a text
/// this long is a document, not a chat reply.
pub const MAX_OVERRIDE_CHARS: usize = 2000;

/// The keys a tenant of this business type may override, in menu order:
/// `greeting`, `menu_intro`, …, then `<item>.label` and `<item>.answer`.
pub fn override_keys(template: TemplateType) -> Vec<String> {
    default_texts(template, Language::En)
        .into_iter()
        .map(|(key, _)| key)
        .collect()
}

/// The template's own texts, by override key, placeholders unfilled: what an
/// editor shows before the tenant changes anything.
pub fn default_texts(template: TemplateType, language: Language) -> Vec<(String, String)> {
    Catalog::get()
        .language(language)
        .template(template)
        .texts()
        .into_iter()
        .map(|(key, text)| (key, text.to_owned()))
        .collect()
}

/// Checks overrides without building a whole configuration, for an API
/// that stores them.
pub fn validate_overrides(
    template: TemplateType,
    overrides: &serde_json::Map<String, serde_json::Value>,
) -> Result<(), InvalidOverride> {
    let texts = Catalog::get().language(Language::En).template(template);
    for (key, value) in overrides {
        parse_override(texts, key, value)?;
    }
    Ok(())
}

fn parse_override(
    texts: &Template,
    key: &str,
    value: &serde_json::Value,
) -> Result<Text, InvalidOverride> {
    if texts.text(key).is_none() {
        let known = texts
            .texts()
            .into_iter()
            .map(|(k, _)| k)
            .collect::<Vec<_>>()
            .join(", ");
        return Err(InvalidOverride::UnknownKey {
            key: key.to_owned(),
            known,
        });
    }
    let text = value.as_str().ok_or_else(|| InvalidOverride::NotText {
        key: key.to_owned(),
    })?;
    let text = text.trim();
    if text.is_empty() {
        return Err(InvalidOverride::Empty {
            key: key.to_owned(),
        });
    }
    let len = text.chars().count();
    if len > MAX_OVERRIDE_CHARS {
        return Err(InvalidOverride::TooLong {
            key: key.to_owned(),
            len,
            max: MAX_OVERRIDE_CHARS,
        });
    }
    Text::parse(text, slots_for(key)).map_err(|e| InvalidOverride::Placeholder {
        key: key.to_owned(),
        problem: e.to_string(),
    })
}

/// One answer of the menu: an item, or a sub-item of one.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    /// The item's number in the menu (1-based).
    pub(crate) item: u8,
    /// The sub-item's number within its item, for a sub-item.
    pub(crate) sub_item: Option<u8>,
    /// `{hours}` is left in: it lists the closures of the coming days, so
    /// it is filled when a message arrives.
    answer: Text,
    pub(crate) attachment: Option<Attachment>,
    /// For an item with sub-items: where they are in `entries`, and the
    /// numbered list that follows the item's answer.
    pub(crate) sub_menu: Option<SubMenu>,
}

#[derive(Clone, Debug)]
pub(crate) struct SubMenu {
    pub(crate) first: usize,
    pub(crate) len: usize,
    text: String,
}

/// What a bot is built from: the business's settings.
#[derive(Clone, Copy, Debug)]
pub struct BotSettings<'a> {
    pub template: TemplateType,
    pub business_name: &'a str,
    pub language: Language,
    pub overrides: &'a serde_json::Map<String, serde_json::Value>,
    pub facts: &'a Facts,
    /// The owner's menu; `None` is the template's.
    pub menu: Option<&'a [MenuItem]>,
}

/// Everything the engine needs to answer for one tenant.
#[derive(Clone, Debug)]
pub struct BotConfig {
    template: TemplateType,
    language: Language,
    business_name: String,
    hours: OpeningHours,
    calendar: Calendar,
    /// The week in words, for `{hours}`.
    week: String,
    pub(crate) limits: Limits,
    pub(crate) words: &'static Words,
    /// Built per configuration: the owner's keywords are part of it.
    pub(crate) matcher: Arc<Matcher>,
    /// Greeting and numbered menu, one message.
    pub(crate) welcome: String,
    /// The numbered menu alone, for a contact greeted in this conversation.
    pub(crate) menu: String,
    /// The menu's items (`..items`), then the sub-items of each item in
    /// turn; the matcher picks by these indexes.
    pub(crate) entries: Vec<Entry>,
    pub(crate) items: usize,
    /// The menu items' labels, in order.
    labels: Vec<String>,
    pub(crate) fallback: String,
    pub(crate) handoff: String,
    /// These two still hold `{next_opening}`.
    pub(crate) handoff_closed: Text,
    pub(crate) away: Text,
    pub(crate) away_no_hours: String,
    /// Contacts the owner turned the assistant off for (by their chat id):
    /// their messages are logged, never answered.
    assistant_off: std::collections::HashSet<String>,
}

impl BotConfig {
    /// The bot of a business with the template's menu and no facts: its
    /// template in its language, with `overrides` (override key → text)
    /// replacing the template's texts. Limits are the defaults; see
    /// [`BotConfig::with_limits`].
    pub fn new(
        template: TemplateType,
        business_name: &str,
        language: Language,
        hours: OpeningHours,
        overrides: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<Self, InvalidOverride> {
        Self::build(
            BotSettings {
                template,
                business_name,
                language,
                overrides,
                facts: &Facts::default(),
                menu: None,
            },
            hours,
        )
    }

    /// The bot of a business's settings.
    pub fn build(settings: BotSettings<'_>, hours: OpeningHours) -> Result<Self, InvalidOverride> {
        let BotSettings {
            template,
            business_name,
            language,
            overrides,
            facts,
            menu,
        } = settings;
        let texts = Catalog::get().language(language).template(template);
        let words = &Catalog::get().language(language).words;
        let business_name = business_name.trim().to_owned();
        let week = phrases::week(words, &hours);

        // Placeholders fixed per tenant are filled now; `{next_opening}`
        // (and `{hours}` in answers) depend on the moment a message arrives.
        let fixed = |slot: Slot, week: Option<&String>| match slot {
            Slot::BusinessName => Some(business_name.clone()),
            Slot::Hours => week.cloned(),
            Slot::NextOpening => None,
            Slot::Fact(fact) => Some(facts.get(fact).unwrap_or_default().to_owned()),
        };
        let source = |key: &str| -> Result<Text, InvalidOverride> {
            match overrides.get(key) {
                Some(value) => parse_override(texts, key, value),
                None => {
                    let source = texts.text(key).unwrap_or_default();
                    // The catalog's own texts were checked when it loaded.
                    Ok(Text::parse(source, slots_for(key))
                        .unwrap_or_else(|_| Text::literal(source)))
                }
            }
        };
        let text = |key: &str| -> Result<Text, InvalidOverride> {
            Ok(source(key)?.fill(|slot| fixed(slot, Some(&week))))
        };
        let literal = |key: &str| -> Result<String, InvalidOverride> {
            let text = text(key)?;
            Ok(text.as_literal().unwrap_or_default().to_owned())
        };
        // Refuse unknown keys even when no text below asks for them.
        for (key, value) in overrides {
            parse_override(texts, key, value)?;
        }

        let items: Vec<MenuItem> = match menu {
            Some(menu) => {
                check_menu(menu).map_err(|mut errors| errors.swap_remove(0))?;
                menu.to_vec()
            }
            None => template_menu(template, language, overrides, facts),
        };
        let answer_of = |item: &MenuItem| {
            Text::parse(item.answer.trim(), slots_for("answer"))
                .unwrap_or_else(|_| Text::literal(item.answer.trim()))
                .fill(|slot| fixed(slot, None))
        };

        let mut menu_text = format!("{}\n", literal("menu_intro")?);
        let mut entries = Vec::new();
        let mut keywords: Vec<&[String]> = Vec::new();
        let mut next_sub = items.len();
        for (number, item) in (1u8..).zip(&items) {
            let label = item.label.trim();
            menu_text.push_str(&format!("\n{number}. {label}"));
            let sub_menu = (!item.items.is_empty()).then(|| {
                let mut text = String::new();
                if item.answer.trim().is_empty() {
                    text.push_str(&format!("{label}\n\n"));
                }
                for (sub_number, sub) in (1u8..).zip(&item.items) {
                    text.push_str(&format!("{sub_number}. {}\n", sub.label.trim()));
                }
                text.push_str(&format!("\n{}", words.back));
                let sub_menu = SubMenu {
                    first: next_sub,
                    len: item.items.len(),
                    text,
                };
                next_sub += item.items.len();
                sub_menu
            });
            entries.push(Entry {
                item: number,
                sub_item: None,
                answer: answer_of(item),
                attachment: item.attachment.clone(),
                sub_menu,
            });
            keywords.push(&item.keywords);
        }
        for (number, item) in (1u8..).zip(&items) {
            for (sub_number, sub) in (1u8..).zip(&item.items) {
                entries.push(Entry {
                    item: number,
                    sub_item: Some(sub_number),
                    answer: answer_of(sub),
                    attachment: sub.attachment.clone(),
                    sub_menu: None,
                });
                keywords.push(&sub.keywords);
            }
        }
        menu_text.push_str(&format!("\n\n{}", literal("menu_hint")?));
        let welcome = format!("{}\n\n{menu_text}", literal("greeting")?);

        Ok(Self {
            template,
            language,
            limits: Limits::default(),
            words,
            matcher: Arc::new(Matcher::new(keywords)),
            welcome,
            menu: menu_text,
            items: items.len(),
            labels: items.iter().map(|i| i.label.trim().to_owned()).collect(),
            entries,
            fallback: literal("fallback")?,
            handoff: literal("handoff")?,
            handoff_closed: text("handoff_closed")?,
            away: text("away")?,
            away_no_hours: literal("away_no_hours")?,
            assistant_off: Default::default(),
            business_name,
            hours,
            calendar: Calendar::default(),
            week,
        })
    }

    /// This bot with the business's closures and special hours: it is
    /// closed on those dates (or open as they say), says when it reopens,
    /// and `{hours}` in answers lists those of the coming two weeks.
    pub fn with_calendar(mut self, calendar: Calendar) -> Self {
        self.hours = self.hours.with_calendar(&calendar);
        self.calendar = calendar;
        self
    }

    /// This bot, quiet for `contacts` (the inbox's "assistant off").
    pub fn with_assistant_off(mut self, contacts: impl IntoIterator<Item = String>) -> Self {
        self.assistant_off = contacts.into_iter().collect();
        self
    }

    /// Whether the owner turned the assistant off for `contact`.
    pub fn assistant_is_off_for(&self, contact: &str) -> bool {
        self.assistant_off.contains(contact)
    }

    /// The bot of a stored tenant configuration.
    pub fn from_tenant_config(config: &TenantConfig) -> Result<Self, InvalidOverride> {
        let settings = BotSettings {
            template: config.template_type,
            business_name: &config.business_name,
            language: config.language,
            overrides: &config.overrides,
            facts: &config.facts,
            menu: config.menu.as_deref(),
        };
        Ok(Self::build(settings, config.hours.clone())?.with_calendar(config.calendar()))
    }

    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    pub fn template(&self) -> TemplateType {
        self.template
    }

    pub fn language(&self) -> Language {
        self.language
    }

    pub fn business_name(&self) -> &str {
        &self.business_name
    }

    pub fn hours(&self) -> &OpeningHours {
        &self.hours
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The greeting and numbered menu, as a new contact sees it.
    pub fn welcome(&self) -> &str {
        &self.welcome
    }

    /// The numbered menu without the greeting, as a contact who asks for
    /// it again within a conversation sees it.
    pub fn menu(&self) -> &str {
        &self.menu
    }

    /// The answer to menu item `number` (1-based), as sent at `now`: its
    /// text, and its sub-menu when it has one.
    pub fn answer(&self, number: usize, now: DateTime<Utc>) -> Option<String> {
        let index = number.checked_sub(1).filter(|i| *i < self.items)?;
        Some(self.answer_at(index, now))
    }

    /// The answer of menu entry `index` (see `entries`), as sent at `now`.
    pub(crate) fn answer_at(&self, index: usize, now: DateTime<Utc>) -> String {
        let Some(entry) = self.entries.get(index) else {
            return String::new();
        };
        let hours =
            || phrases::week_and_upcoming(self.words, &self.week, &self.hours, &self.calendar, now);
        // Most answers have no `{hours}`: build the week text only for one.
        let mut filled = None;
        let mut text = entry.answer.render(|slot| match slot {
            Slot::Hours => filled.get_or_insert_with(hours).clone(),
            Slot::BusinessName | Slot::NextOpening | Slot::Fact(_) => String::new(),
        });
        if let Some(sub_menu) = &entry.sub_menu {
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(&sub_menu.text);
        }
        text
    }

    /// The number of items in the menu (not counting sub-items).
    pub fn menu_len(&self) -> usize {
        self.items
    }

    /// The label of menu item `number` (1-based).
    pub fn item_label(&self, number: usize) -> Option<&str> {
        let index = number.checked_sub(1)?;
        self.labels.get(index).map(String::as_str)
    }
}
