//! The bot's texts and keywords, one TOML file per language under
//! `crates/domain/templates/`, embedded in the binary and checked when first
//! used (and by the tests, so a broken file never ships).
//!
//! Every file has the same shape: `[words]` (how dates and hours read),
//! `[keywords]` (greetings, handoff words, …) and one table per business type
//! with the same text keys and the same menu items (same ids, same order).
//! The shape is enforced by serde (`deny_unknown_fields`, no defaults: a
//! missing key is an error naming it) and by [`Catalog::load`].

use std::collections::HashSet;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::enums::{Language, TemplateType};

use super::matching::normalize;
use super::text::{Slot, Text};

/// The embedded language files, in `Language::ALL` order.
const FILES: [(Language, &str); 3] = [
    (Language::En, include_str!("../../templates/en.toml")),
    (Language::Es, include_str!("../../templates/es.toml")),
    (Language::Pt, include_str!("../../templates/pt.toml")),
];

/// The most menu items a template may have: a single digit picks one.
pub const MAX_TEMPLATE_ITEMS: usize = 9;

/// Why the embedded template files are unusable. Only a developer editing
/// them can cause this; the tests load every file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("templates/{file}.toml: {problem}")]
pub struct TemplateError {
    pub file: String,
    pub problem: String,
}

/// How the away message says when the business opens next, and how
/// `{hours}` lists the week.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Words {
    /// "today at {time}"
    pub today: String,
    /// "tomorrow at {time}"
    pub tomorrow: String,
    /// "{weekday} at {time}", where the weekday carries its own preposition
    /// ("on Monday", "el lunes", "na segunda-feira").
    pub later: String,
    pub weekdays: [String; 7],
    pub days_short: [String; 7],
    pub closed: String,
    pub all_day: String,
    /// "{weekday}, {date} at {time}": a reopening after a closure or more
    /// than a week ahead.
    pub dated: String,
    /// "{day} {month}"
    pub date: String,
    pub months: [String; 12],
    /// The heading of the closures and special days `{hours}` lists.
    pub upcoming: String,
    /// The last line of a sub-menu: how to get back to the menu.
    pub back: String,
    /// "{from} to {to}: closed"
    pub closed_from_to: String,
}

/// Words that mean the same for every business type.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Keywords {
    pub greeting: Vec<String>,
    pub menu: Vec<String>,
    pub handoff: Vec<String>,
    pub handoff_weak: Vec<String>,
    pub talk: Vec<String>,
    pub option: Vec<String>,
    pub ack: Vec<String>,
}

/// One numbered menu entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: String,
    pub label: String,
    pub answer: String,
    pub keywords: Vec<String>,
    /// Answers that quote the business's facts, most complete first: the
    /// first whose facts are all filled replaces `answer` (which points
    /// customers elsewhere, e.g. to the WhatsApp profile).
    #[serde(default)]
    pub with_facts: Vec<String>,
}

/// The texts of one business type in one language.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub greeting: String,
    pub menu_intro: String,
    pub menu_hint: String,
    pub away: String,
    pub away_no_hours: String,
    pub handoff: String,
    pub handoff_closed: String,
    pub fallback: String,
    pub items: Vec<Item>,
}

/// The texts a tenant may replace, besides each item's `<id>.label` and
/// `<id>.answer`.
pub const TEXT_KEYS: [&str; 8] = [
    "greeting",
    "menu_intro",
    "menu_hint",
    "away",
    "away_no_hours",
    "handoff",
    "handoff_closed",
    "fallback",
];

impl Template {
    /// Every key of this template with its text, in menu order.
    pub fn texts(&self) -> Vec<(String, &str)> {
        let mut texts: Vec<(String, &str)> = TEXT_KEYS
            .iter()
            .filter_map(|key| Some(((*key).to_owned(), self.text(key)?)))
            .collect();
        for item in &self.items {
            texts.push((format!("{}.label", item.id), &item.label));
            texts.push((format!("{}.answer", item.id), &item.answer));
        }
        texts
    }

    /// The text under `key`, or `None` when this template has no such key.
    pub fn text(&self, key: &str) -> Option<&str> {
        Some(match key {
            "greeting" => &self.greeting,
            "menu_intro" => &self.menu_intro,
            "menu_hint" => &self.menu_hint,
            "away" => &self.away,
            "away_no_hours" => &self.away_no_hours,
            "handoff" => &self.handoff,
            "handoff_closed" => &self.handoff_closed,
            "fallback" => &self.fallback,
            _ => {
                let (id, field) = key.split_once('.')?;
                let item = self.items.iter().find(|item| item.id == id)?;
                match field {
                    "label" => &item.label,
                    "answer" => &item.answer,
                    _ => return None,
                }
            }
        })
    }
}

/// Which placeholders a text may use: `{next_opening}` only makes sense
/// where the business is known to be closed; the facts fit anywhere.
pub fn slots_for(key: &str) -> &'static [Slot] {
    match key {
        "away" | "handoff_closed" => &Slot::ALL,
        _ => &Slot::ALL_BUT_NEXT_OPENING,
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguagePack {
    pub words: Words,
    pub keywords: Keywords,
    restaurant: Template,
    clinic: Template,
    salon: Template,
    retail: Template,
    generic: Template,
}

impl LanguagePack {
    pub fn template(&self, template: TemplateType) -> &Template {
        match template {
            TemplateType::Restaurant => &self.restaurant,
            TemplateType::Clinic => &self.clinic,
            TemplateType::Salon => &self.salon,
            TemplateType::Retail => &self.retail,
            TemplateType::Generic => &self.generic,
        }
    }

    /// Parses and checks one language file on its own.
    pub fn parse(file: &str, source: &str) -> Result<Self, TemplateError> {
        let fail = |problem: String| TemplateError {
            file: file.to_owned(),
            problem,
        };
        let pack: LanguagePack =
            toml::from_str(source).map_err(|e| fail(e.message().to_owned()))?;
        pack.check().map_err(fail)?;
        Ok(pack)
    }

    fn check(&self) -> Result<(), String> {
        let words = &self.words;
        for (name, text, needs) in [
            ("today", &words.today, &["{time}"][..]),
            ("tomorrow", &words.tomorrow, &["{time}"][..]),
            ("later", &words.later, &["{weekday}", "{time}"][..]),
        ] {
            for placeholder in needs {
                if !text.contains(placeholder) {
                    return Err(format!("words.{name} must contain {placeholder}"));
                }
            }
        }
        let word_lists = [
            ("weekdays", &words.weekdays),
            ("days_short", &words.days_short),
        ];
        for (name, list) in word_lists {
            if list.iter().any(|w| w.trim().is_empty()) {
                return Err(format!("words.{name} has an empty entry"));
            }
        }
        let k = &self.keywords;
        for (name, list) in [
            ("greeting", &k.greeting),
            ("menu", &k.menu),
            ("handoff", &k.handoff),
            ("handoff_weak", &k.handoff_weak),
            ("talk", &k.talk),
            ("option", &k.option),
            ("ack", &k.ack),
        ] {
            check_keywords(&format!("keywords.{name}"), list)?;
        }
        for template in TemplateType::ALL {
            let name = template.as_str().to_lowercase();
            let texts = self.template(*template);
            if texts.items.is_empty() || texts.items.len() > MAX_TEMPLATE_ITEMS {
                return Err(format!(
                    "{name} must have 1 to {MAX_TEMPLATE_ITEMS} menu items"
                ));
            }
            let mut ids = HashSet::new();
            for item in &texts.items {
                let id_ok = !item.id.is_empty()
                    && item.id.chars().all(|c| c.is_ascii_lowercase() || c == '_');
                if !id_ok || !ids.insert(item.id.as_str()) {
                    return Err(format!(
                        "{name}: item id {:?} must be unique, a-z and _",
                        item.id
                    ));
                }
                check_keywords(&format!("{name}.{}.keywords", item.id), &item.keywords)?;
                for variant in &item.with_facts {
                    let what = format!("{name}.{}.with_facts", item.id);
                    let text = Text::parse(variant, slots_for("answer"))
                        .map_err(|e| format!("{what}: {e}"))?;
                    if !text.uses_a_fact() {
                        return Err(format!("{what}: {variant:?} quotes no fact"));
                    }
                }
            }
            for (key, text) in texts.texts() {
                Text::parse(text, slots_for(&key)).map_err(|e| format!("{name}.{key}: {e}"))?;
            }
        }
        Ok(())
    }
}

fn check_keywords(what: &str, list: &[String]) -> Result<(), String> {
    if list.is_empty() {
        return Err(format!("{what} is empty"));
    }
    match list.iter().find(|k| normalize(k).trim().is_empty()) {
        Some(bad) => Err(format!("{what}: {bad:?} has no letters or digits")),
        None => Ok(()),
    }
}

/// Every language file, parsed and checked.
#[derive(Debug)]
pub struct Catalog {
    packs: Vec<(Language, LanguagePack)>,
}

impl Catalog {
    /// Parses every embedded file and checks that all languages agree on
    /// each business type's menu.
    pub fn load() -> Result<Self, TemplateError> {
        let mut packs = Vec::with_capacity(FILES.len());
        for (language, source) in FILES {
            let file = language.as_str().to_lowercase();
            packs.push((language, LanguagePack::parse(&file, source)?));
        }
        for language in Language::ALL {
            if !packs.iter().any(|(l, _)| l == language) {
                return Err(TemplateError {
                    file: language.as_str().to_lowercase(),
                    problem: "is missing".into(),
                });
            }
        }
        let (_, first) = &packs[0];
        for (language, pack) in &packs[1..] {
            for template in TemplateType::ALL {
                let ids = |p: &LanguagePack| -> Vec<String> {
                    p.template(*template)
                        .items
                        .iter()
                        .map(|i| i.id.clone())
                        .collect()
                };
                if ids(pack) != ids(first) {
                    return Err(TemplateError {
                        file: language.as_str().to_lowercase(),
                        problem: format!(
                            "{} menu items {:?} differ from {}'s {:?}",
                            template.as_str().to_lowercase(),
                            ids(pack),
                            packs[0].0.as_str().to_lowercase(),
                            ids(first),
                        ),
                    });
                }
            }
        }
        Ok(Self { packs })
    }

    /// The checked catalog. The files are compiled in and every test loads
    /// them, so a failure here is a bug in a file that a test already caught.
    pub fn get() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| match Catalog::load() {
            Ok(catalog) => catalog,
            Err(e) => panic!("embedded bot templates are broken: {e}"),
        })
    }

    pub fn language(&self, language: Language) -> &LanguagePack {
        self.packs
            .iter()
            .find(|(l, _)| *l == language)
            .map(|(_, pack)| pack)
            // `load` refuses a catalog without every language.
            .unwrap_or(&self.packs[0].1)
    }

    pub fn languages(&self) -> impl Iterator<Item = &LanguagePack> {
        self.packs.iter().map(|(_, pack)| pack)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_file_loads() {
        let catalog = Catalog::load().unwrap();
        for language in Language::ALL {
            for template in TemplateType::ALL {
                let texts = catalog.language(*language).template(*template);
                assert!(texts.items.len() >= 3, "{language} {template}");
                assert_eq!(texts.items[0].id, "hours", "hours come first everywhere");
            }
        }
    }

    #[test]
    fn a_missing_key_is_an_error_naming_it() {
        let broken = FILES[1].1.replacen("fallback = ", "fallbak = ", 1);
        let err = LanguagePack::parse("es", &broken).unwrap_err();
        assert!(err.to_string().contains("fallbak"), "{err}");
        let without = FILES[0]
            .1
            .replacen("\nhandoff_closed = ", "\n# handoff_closed = ", 1);
        let err = LanguagePack::parse("en", &without).unwrap_err();
        assert!(err.to_string().contains("handoff_closed"), "{err}");
        let no_words = FILES[2].1.replacen("all_day = ", "# all_day = ", 1);
        assert!(
            LanguagePack::parse("pt", &no_words)
                .unwrap_err()
                .to_string()
                .contains("all_day")
        );
    }

    #[test]
    fn a_bad_placeholder_is_an_error() {
        let broken =
            FILES[0]
                .1
                .replacen("Welcome to {business_name}.", "Welcome to {business}.", 1);
        let err = LanguagePack::parse("en", &broken).unwrap_err();
        assert!(err.to_string().contains("{business}"), "{err}");
        let misplaced =
            FILES[0]
                .1
                .replacen("fallback = \"Sorry", "fallback = \"{next_opening} Sorry", 1);
        assert!(LanguagePack::parse("en", &misplaced).is_err());
    }

    #[test]
    fn menus_agree_across_languages() {
        let catalog = Catalog::load().unwrap();
        for template in TemplateType::ALL {
            let ids: Vec<Vec<&str>> = catalog
                .languages()
                .map(|p| {
                    p.template(*template)
                        .items
                        .iter()
                        .map(|i| i.id.as_str())
                        .collect()
                })
                .collect();
            assert!(ids.windows(2).all(|w| w[0] == w[1]), "{template}: {ids:?}");
        }
    }
}
