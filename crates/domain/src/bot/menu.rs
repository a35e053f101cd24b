//! The owner's menu: numbered items, each with a label, an answer, the
//! keywords that pick it, an optional file and optionally one level of
//! sub-items. Until the owner changes it, the menu is the template's, in
//! the business's language ([`template_menu`]).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::enums::{Language, TemplateType};
use crate::facts::Facts;
use crate::media::Attachment;

use super::matching::normalize;
use super::templates::{Catalog, slots_for};
use super::text::{Slot, Text};

/// The most items a menu has: beyond twenty a customer no longer reads the
/// list, and WhatsApp folds long messages.
pub const MAX_ITEMS: usize = 20;
pub const MAX_SUB_ITEMS: usize = 10;
pub const MAX_ANSWER_CHARS: usize = 1000;
pub const MAX_LABEL_CHARS: usize = 80;
pub const MAX_KEYWORDS: usize = 50;
pub const MAX_KEYWORD_CHARS: usize = 60;
pub const MAX_ID_CHARS: usize = 40;

/// One menu entry; `items` are its sub-items (only one level deep).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MenuItem {
    /// Stable within the menu: letters, digits, `-` and `_`.
    pub id: String,
    pub label: String,
    /// May hold `{business_name}`, `{hours}` and the facts' placeholders.
    /// Empty only when the item has sub-items or an attachment.
    pub answer: String,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<Attachment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(no_recursion)]
    pub items: Vec<MenuItem>,
}

/// A menu entry that was refused: `field` is its path in the request
/// (`menu[2].items[0].keywords`), the message says what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct InvalidMenu {
    pub field: String,
    pub message: String,
}

/// Checks a whole menu; every problem is reported, each naming its field.
/// A keyword in two items is refused naming both, as is a keyword of
/// digits only (digits pick items by number).
pub fn check_menu(items: &[MenuItem]) -> Result<(), Vec<InvalidMenu>> {
    let mut errors = Vec::new();
    let mut error = |field: String, message: String| errors.push(InvalidMenu { field, message });
    if items.is_empty() {
        error("menu".into(), "needs at least one item".into());
    }
    if items.len() > MAX_ITEMS {
        error(
            "menu".into(),
            format!("has {} items; at most {MAX_ITEMS}", items.len()),
        );
    }
    // Normalized keyword → the first item (path, label) that has it.
    let mut owners: HashMap<String, (String, String)> = HashMap::new();
    let mut ids: HashMap<&str, String> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        let path = format!("menu[{i}]");
        check_item(item, &path, &mut owners, &mut ids, &mut error);
        if item.items.len() > MAX_SUB_ITEMS {
            error(
                format!("{path}.items"),
                format!(
                    "has {} sub-items; at most {MAX_SUB_ITEMS}",
                    item.items.len()
                ),
            );
        }
        for (j, sub) in item.items.iter().enumerate() {
            let sub_path = format!("{path}.items[{j}]");
            check_item(sub, &sub_path, &mut owners, &mut ids, &mut error);
            if !sub.items.is_empty() {
                error(
                    format!("{sub_path}.items"),
                    "sub-items cannot have sub-items of their own".into(),
                );
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

fn check_item<'a>(
    item: &'a MenuItem,
    path: &str,
    owners: &mut HashMap<String, (String, String)>,
    ids: &mut HashMap<&'a str, String>,
    error: &mut impl FnMut(String, String),
) {
    let id_ok = !item.id.is_empty()
        && item.id.chars().count() <= MAX_ID_CHARS
        && item
            .id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !id_ok {
        error(
            format!("{path}.id"),
            format!("must be 1 to {MAX_ID_CHARS} letters, digits, - or _"),
        );
    } else if let Some(other) = ids.insert(&item.id, path.to_owned()) {
        error(
            format!("{path}.id"),
            format!("{:?} is also the id of {other}", item.id),
        );
    }

    let label = item.label.trim();
    if label.is_empty() {
        error(format!("{path}.label"), "is empty".into());
    } else if label.chars().count() > MAX_LABEL_CHARS {
        error(
            format!("{path}.label"),
            format!("is longer than {MAX_LABEL_CHARS} characters"),
        );
    } else if label.contains('\n') {
        error(format!("{path}.label"), "must fit on one line".into());
    }

    let answer = item.answer.trim();
    let answer_chars = answer.chars().count();
    if answer.is_empty() && item.items.is_empty() && item.attachment.is_none() {
        error(
            format!("{path}.answer"),
            "is empty; an item answers with a text, a file or sub-items".into(),
        );
    } else if answer_chars > MAX_ANSWER_CHARS {
        error(
            format!("{path}.answer"),
            format!("is {answer_chars} characters long; at most {MAX_ANSWER_CHARS}"),
        );
    } else if let Err(e) = Text::parse(answer, slots_for("answer")) {
        error(format!("{path}.answer"), e.to_string());
    }

    if item.keywords.len() > MAX_KEYWORDS {
        error(
            format!("{path}.keywords"),
            format!(
                "has {} keywords; at most {MAX_KEYWORDS}",
                item.keywords.len()
            ),
        );
    }
    for keyword in &item.keywords {
        let normalized = normalize(keyword)
            .split_ascii_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if normalized.is_empty() {
            error(
                format!("{path}.keywords"),
                format!("{keyword:?} has no letters or digits"),
            );
            continue;
        }
        if keyword.chars().count() > MAX_KEYWORD_CHARS {
            error(
                format!("{path}.keywords"),
                format!("{keyword:?} is longer than {MAX_KEYWORD_CHARS} characters"),
            );
            continue;
        }
        if normalized.bytes().all(|b| b.is_ascii_digit() || b == b' ') {
            error(
                format!("{path}.keywords"),
                format!("{keyword:?} is only digits; numbers already pick items"),
            );
            continue;
        }
        match owners.get(&normalized) {
            Some((other_path, other_label)) if other_path != path => error(
                format!("{path}.keywords"),
                format!(
                    "{keyword:?} is also a keyword of {other_path} ({other_label:?}); \
                     a keyword picks one item"
                ),
            ),
            Some(_) => {}
            None => {
                owners.insert(normalized, (path.to_owned(), label.to_owned()));
            }
        }
    }
}

/// An id for an item from its label: "Pizzas & Drinks" → "pizzas-drinks".
pub fn slug(label: &str) -> String {
    let normalized = normalize(label);
    let mut slug = String::new();
    for word in normalized.split_whitespace() {
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.extend(word.chars().filter(char::is_ascii_alphanumeric));
    }
    slug.chars()
        .take(MAX_ID_CHARS)
        .collect::<String>()
        .trim_end_matches('-')
        .to_owned()
}

/// The template's menu in `language`, with the owner's text overrides
/// (`<item>.label`, `<item>.answer`) and, where the template has them, the
/// answers that quote the business's facts instead of pointing at the
/// WhatsApp profile. Keywords are the item's in every language, the
/// business's own first: customers do not all write in one language.
pub fn template_menu(
    template: TemplateType,
    language: Language,
    overrides: &serde_json::Map<String, serde_json::Value>,
    facts: &Facts,
) -> Vec<MenuItem> {
    let catalog = Catalog::get();
    let own = catalog.language(language).template(template);
    own.items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let text = |key: String, default: &str| -> String {
                overrides
                    .get(&key)
                    .and_then(|v| v.as_str())
                    .map(|s| s.trim().to_owned())
                    .unwrap_or_else(|| default.to_owned())
            };
            let default_answer = item
                .with_facts
                .iter()
                .find(|variant| uses_only_filled_facts(variant, facts))
                .unwrap_or(&item.answer);
            let mut keywords: Vec<String> = Vec::new();
            let mut seen = std::collections::HashSet::new();
            let others = catalog
                .languages()
                .map(|pack| &pack.template(template).items[index]);
            for keyword in item.keywords.iter().chain(others.flat_map(|i| &i.keywords)) {
                if seen.insert(normalize(keyword)) {
                    keywords.push(keyword.clone());
                }
            }
            MenuItem {
                id: item.id.clone(),
                label: text(format!("{}.label", item.id), &item.label),
                answer: text(format!("{}.answer", item.id), default_answer),
                keywords,
                attachment: None,
                items: Vec::new(),
            }
        })
        .collect()
}

/// Whether every fact `text` quotes is filled (and it quotes one).
pub(crate) fn uses_only_filled_facts(text: &str, facts: &Facts) -> bool {
    let Ok(parsed) = Text::parse(text, slots_for("answer")) else {
        return false;
    };
    let mut quotes_a_fact = false;
    let mut all_filled = true;
    parsed.render(|slot| {
        if let Slot::Fact(fact) = slot {
            quotes_a_fact = true;
            all_filled &= facts.get(fact).is_some();
        }
        String::new()
    });
    quotes_a_fact && all_filled
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, keywords: &[&str]) -> MenuItem {
        MenuItem {
            id: id.into(),
            label: format!("{id} label"),
            answer: format!("{id} answer"),
            keywords: keywords.iter().map(|k| (*k).to_owned()).collect(),
            attachment: None,
            items: Vec::new(),
        }
    }

    #[test]
    fn a_keyword_in_two_items_names_both() {
        let menu = vec![item("pay", &["pix", "card"]), item("pix", &["PIX!"])];
        let errors = check_menu(&menu).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "menu[1].keywords");
        assert!(
            errors[0].message.contains("menu[0]"),
            "{}",
            errors[0].message
        );
        assert!(
            errors[0].message.contains("pay label"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn limits_and_shape_are_checked_everywhere() {
        let mut deep = item("food", &[]);
        let mut pizzas = item("pizzas", &["pizza"]);
        pizzas.items = vec![item("too-deep", &[])];
        deep.items = vec![pizzas];
        let mut long = item("long", &[]);
        long.answer = "x".repeat(MAX_ANSWER_CHARS + 1);
        let mut bad = item("bad id!", &["12", ""]);
        bad.label = " ".into();
        bad.answer = "at {adress}".into();
        let errors = check_menu(&[deep, long, bad]).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "menu[0].items[0].items",
                "menu[1].answer",
                "menu[2].id",
                "menu[2].label",
                "menu[2].answer",
                "menu[2].keywords",
                "menu[2].keywords",
            ]
        );
        let many: Vec<MenuItem> = (0..=MAX_ITEMS)
            .map(|i| item(&format!("i{i}"), &[]))
            .collect();
        assert_eq!(check_menu(&many).unwrap_err()[0].field, "menu");
        assert_eq!(check_menu(&[]).unwrap_err()[0].field, "menu");
    }

    #[test]
    fn every_template_menu_passes_its_own_checks() {
        for template in TemplateType::ALL {
            for language in Language::ALL {
                let menu =
                    template_menu(*template, *language, &Default::default(), &Facts::default());
                check_menu(&menu).unwrap_or_else(|e| panic!("{template} {language}: {e:?}"));
            }
        }
    }

    #[test]
    fn template_answers_quote_the_facts_once_filled() {
        let location = |facts: &Facts| {
            template_menu(
                TemplateType::Restaurant,
                Language::En,
                &Default::default(),
                facts,
            )
            .into_iter()
            .find(|item| item.id == "location")
            .unwrap()
            .answer
        };
        assert!(location(&Facts::default()).contains("WhatsApp profile"));
        let facts = Facts {
            address: Some("Rua Augusta 12".into()),
            ..Facts::default()
        };
        let answer = location(&facts);
        assert!(answer.contains("{address}"), "{answer}");
        assert!(!answer.contains("{map_link}"), "{answer}");
    }
}
