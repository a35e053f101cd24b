//! A tenant's bot, ready to answer: its template texts in its language with
//! the tenant's overrides applied, its name and hours filled in, and its
//! limits. Built once per configuration change, not per message.

use std::num::NonZeroU32;

use chrono::{DateTime, TimeDelta, Utc};

use crate::calendar::Calendar;
use crate::entities::TenantConfig;
use crate::enums::{Language, TemplateType};
use crate::hours::OpeningHours;

use super::matching::Matcher;
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
    pub(crate) matcher: &'static Matcher,
    /// Greeting and numbered menu, one message.
    pub(crate) welcome: String,
    /// The numbered menu alone, for a contact greeted in this conversation.
    pub(crate) menu: String,
    /// One answer per menu item. `{hours}` is left in: it lists the
    /// closures of the coming days, so it is filled when a message arrives.
    pub(crate) answers: Vec<Text>,
    pub(crate) fallback: String,
    pub(crate) handoff: String,
    /// These two still hold `{next_opening}`.
    pub(crate) handoff_closed: Text,
    pub(crate) away: Text,
    pub(crate) away_no_hours: String,
}

impl BotConfig {
    /// The bot of a business: its template in its language, with `overrides`
    /// (override key → text) replacing the template's texts. Limits are the
    /// defaults; see [`BotConfig::with_limits`].
    pub fn new(
        template: TemplateType,
        business_name: &str,
        language: Language,
        hours: OpeningHours,
        overrides: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<Self, InvalidOverride> {
        let texts = Catalog::get().language(language).template(template);
        let words = &Catalog::get().language(language).words;
        let business_name = business_name.trim().to_owned();
        let week = phrases::week(words, &hours);

        // Placeholders fixed per tenant are filled now; `{next_opening}`
        // (and `{hours}` in answers) depend on the moment a message arrives.
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
            Ok(source(key)?.fill(|slot| match slot {
                Slot::BusinessName => Some(business_name.clone()),
                Slot::Hours => Some(week.clone()),
                Slot::NextOpening => None,
            }))
        };
        let literal = |key: &str| -> Result<String, InvalidOverride> {
            let text = text(key)?;
            Ok(text.as_literal().unwrap_or_default().to_owned())
        };
        // Refuse unknown keys even when no text below asks for them.
        for (key, value) in overrides {
            parse_override(texts, key, value)?;
        }

        let mut menu = format!("{}\n", literal("menu_intro")?);
        let mut answers = Vec::with_capacity(texts.items.len());
        for (number, item) in texts.items.iter().enumerate() {
            let label = literal(&format!("{}.label", item.id))?;
            menu.push_str(&format!("\n{}. {label}", number + 1));
            let answer = source(&format!("{}.answer", item.id))?;
            answers.push(answer.fill(|slot| match slot {
                Slot::BusinessName => Some(business_name.clone()),
                Slot::Hours | Slot::NextOpening => None,
            }));
        }
        menu.push_str(&format!("\n\n{}", literal("menu_hint")?));
        let welcome = format!("{}\n\n{menu}", literal("greeting")?);

        Ok(Self {
            template,
            language,
            limits: Limits::default(),
            words,
            matcher: Matcher::for_template(template),
            welcome,
            menu,
            answers,
            fallback: literal("fallback")?,
            handoff: literal("handoff")?,
            handoff_closed: text("handoff_closed")?,
            away: text("away")?,
            away_no_hours: literal("away_no_hours")?,
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

    /// The bot of a stored tenant configuration.
    pub fn from_tenant_config(config: &TenantConfig) -> Result<Self, InvalidOverride> {
        Ok(Self::new(
            config.template_type,
            &config.business_name,
            config.language,
            config.hours.clone(),
            &config.overrides,
        )?
        .with_calendar(config.calendar()))
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

    /// The answer to menu item `number` (1-based), as sent at `now`.
    pub fn answer(&self, number: usize, now: DateTime<Utc>) -> Option<String> {
        self.answer_at(number.checked_sub(1)?, now)
    }

    /// The answer to the menu item at `index` (0-based), as sent at `now`.
    pub(crate) fn answer_at(&self, index: usize, now: DateTime<Utc>) -> Option<String> {
        let answer = self.answers.get(index)?;
        let hours =
            || phrases::week_and_upcoming(self.words, &self.week, &self.hours, &self.calendar, now);
        // Most answers have no `{hours}`: build the week text only for one.
        let mut filled = None;
        Some(answer.render(|slot| match slot {
            Slot::Hours => filled.get_or_insert_with(hours).clone(),
            Slot::BusinessName | Slot::NextOpening => String::new(),
        }))
    }

    pub fn menu_len(&self) -> usize {
        self.answers.len()
    }
}
