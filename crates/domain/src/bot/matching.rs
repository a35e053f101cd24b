//! What a customer's message asks for.
//!
//! Messages and keywords are compared after [`normalize`]: lower case, no
//! accents (so "Olá", "ola" and "OLÁ" are one word, as are "menú" and
//! "menu"), and only letters and digits, so "1.", "1)" and "1️⃣" are all "1".
//! Keywords match whole words; a keyword of several words matches them in a
//! row, and the longest keyword at a position wins ("real person" over
//! "person"). A word ending in "s" also matches its keyword without the "s".

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::templates::Catalog;

/// Lower-cases `text`, strips accents and turns everything that is not a
/// letter or a digit into a space.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    if text.is_ascii() {
        // Most messages: skip the Unicode tables.
        out.extend(text.bytes().map(|b| {
            if b.is_ascii_alphanumeric() {
                b.to_ascii_lowercase() as char
            } else {
                ' '
            }
        }));
        return out;
    }
    // Compatibility decomposition also folds look-alikes: "ﬁ" → "fi",
    // "²" → "2", full-width letters to plain ones.
    for c in text.nfkd() {
        for c in c.to_lowercase() {
            if is_combining_mark(c) {
                continue;
            }
            out.push(if c.is_alphanumeric() { c } else { ' ' });
        }
    }
    out
}

/// FNV-1a: several times faster than the default hasher on short words.
/// The table is fixed when it is built and customers' words only look
/// things up, so there is no flooding to defend against.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for byte in bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// What a message asks for, most specific first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Intent {
    /// No letters or digits: a sticker, a photo without caption, "👍".
    Empty,
    /// A person, please.
    Handoff,
    /// A number on its own ("2", "option 2", "0"): an item of the menu or
    /// sub-menu the contact is looking at; possibly out of range.
    Number(usize),
    /// These menu entries, in the order the message mentions them.
    Items(ItemList),
    /// "menu", or a greeting: show the numbered menu.
    Menu,
    /// Only "thanks", "ok", "bye": nothing to answer.
    Ack,
    Unknown,
}

/// The most entries one message picks by keyword; a message naming more is
/// a list of everything, better answered by a person than by eight texts.
pub const MAX_PICKS: usize = 8;

/// Menu entry indexes (see [`Matcher::new`]), in the order asked, without
/// repeats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ItemList {
    len: u8,
    items: [u16; MAX_PICKS],
}

impl ItemList {
    const EMPTY: ItemList = ItemList {
        len: 0,
        items: [0; MAX_PICKS],
    };

    fn push(&mut self, item: u16) {
        let len = self.len as usize;
        if len < MAX_PICKS && !self.items[..len].contains(&item) {
            self.items[len] = item;
            self.len += 1;
        }
    }

    pub fn as_slice(&self) -> &[u16] {
        &self.items[..self.len as usize]
    }

    #[cfg(test)]
    pub fn of(items: &[u16]) -> Self {
        let mut list = Self::EMPTY;
        items.iter().for_each(|i| list.push(*i));
        list
    }
}

/// What one keyword says; a keyword can say several things (in a
/// restaurant "menu" is the bot's menu and also the food menu item).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Meaning {
    flags: u8,
    /// The menu entries it picks.
    items: Vec<u16>,
}

const GREETING: u8 = 1;
const MENU: u8 = 1 << 1;
const HANDOFF: u8 = 1 << 2;
const HANDOFF_WEAK: u8 = 1 << 3;
const TALK: u8 = 1 << 4;
const OPTION: u8 = 1 << 5;
const ACK: u8 = 1 << 6;

#[derive(Debug)]
struct Phrase {
    /// The words after the first.
    rest: Vec<String>,
    meaning: Meaning,
}

/// The words of every language that greet, ask for the menu or a person,
/// and one business's menu keywords.
#[derive(Debug)]
pub struct Matcher {
    /// First word → the keywords starting with it, longest first.
    phrases: HashMap<String, Vec<Phrase>, BuildHasherDefault<Fnv>>,
}

impl Matcher {
    /// The matcher of a menu: `entries[i]` are the keywords that pick menu
    /// entry `i`. Built with the bot's configuration, once per change.
    pub fn new<'a>(entries: impl IntoIterator<Item = &'a [String]>) -> Self {
        let catalog = Catalog::get();
        let mut matcher = Matcher {
            phrases: HashMap::default(),
        };
        for pack in catalog.languages() {
            let k = &pack.keywords;
            for (flag, words) in [
                (GREETING, &k.greeting),
                (MENU, &k.menu),
                (HANDOFF, &k.handoff),
                (HANDOFF_WEAK, &k.handoff_weak),
                (TALK, &k.talk),
                (OPTION, &k.option),
                (ACK, &k.ack),
            ] {
                for word in words {
                    matcher.add(
                        word,
                        Meaning {
                            flags: flag,
                            items: Vec::new(),
                        },
                    );
                }
            }
        }
        for (index, keywords) in entries.into_iter().enumerate() {
            let Ok(index) = u16::try_from(index) else {
                break;
            };
            for word in keywords {
                matcher.add(
                    word,
                    Meaning {
                        flags: 0,
                        items: vec![index],
                    },
                );
            }
        }
        for phrases in matcher.phrases.values_mut() {
            phrases.sort_by_key(|p| std::cmp::Reverse(p.rest.len()));
        }
        matcher
    }

    fn add(&mut self, keyword: &str, meaning: Meaning) {
        let normalized = normalize(keyword);
        let mut words = normalized.split_ascii_whitespace().map(str::to_owned);
        let Some(first) = words.next() else { return };
        let rest: Vec<String> = words.collect();
        let phrases = self.phrases.entry(first).or_default();
        match phrases.iter_mut().find(|p| p.rest == rest) {
            Some(phrase) => {
                phrase.meaning.flags |= meaning.flags;
                for item in meaning.items {
                    if !phrase.meaning.items.contains(&item) {
                        phrase.meaning.items.push(item);
                    }
                }
            }
            None => phrases.push(Phrase { rest, meaning }),
        }
    }

    /// The longest keyword starting at `words[0]`: its meaning and length.
    fn longest(&self, words: &[&str]) -> Option<(&Meaning, usize)> {
        let first = words.first()?;
        let lookup = |word: &str| {
            self.phrases.get(word).and_then(|phrases| {
                phrases.iter().find(|p| {
                    p.rest.len() < words.len()
                        && p.rest.iter().zip(&words[1..]).all(|(a, b)| a == b)
                })
            })
        };
        let phrase = lookup(first).or_else(|| {
            // Plurals: "horarios", "appointments", "pessoas".
            let singular = first.strip_suffix('s').filter(|s| s.len() >= 3)?;
            lookup(singular).filter(|p| p.rest.is_empty())
        })?;
        Some((&phrase.meaning, 1 + phrase.rest.len()))
    }

    /// What `text` asks for.
    pub fn classify(&self, text: &str) -> Intent {
        let normalized = normalize(text);
        let words: Vec<&str> = normalized.split_ascii_whitespace().collect();
        if words.is_empty() {
            return Intent::Empty;
        }
        if let Some(number) = self.menu_number(&words) {
            return Intent::Number(number);
        }

        let mut flags = 0u8;
        let mut items = ItemList::EMPTY;
        let mut unmatched = 0usize;
        let mut whole_message_is_menu = false;
        let mut at = 0;
        while at < words.len() {
            match self.longest(&words[at..]) {
                Some((meaning, len)) => {
                    flags |= meaning.flags;
                    for index in &meaning.items {
                        items.push(*index);
                    }
                    whole_message_is_menu =
                        at == 0 && len == words.len() && meaning.flags & MENU != 0;
                    at += len;
                }
                None => {
                    unmatched += 1;
                    at += 1;
                }
            }
        }

        // "talk to a person about a reservation" is for a person too.
        if flags & HANDOFF != 0 || flags & (HANDOFF_WEAK | TALK) == HANDOFF_WEAK | TALK {
            return Intent::Handoff;
        }
        // "menu" alone is the bot's menu, even where "menu" is also an item.
        if whole_message_is_menu {
            return Intent::Menu;
        }
        if items.len > 0 {
            return Intent::Items(items);
        }
        // "person" only hands off when the message is about talking to one,
        // or says nothing else we know: "a table for one person" matched
        // the reservations item above.
        if flags & HANDOFF_WEAK != 0 {
            return Intent::Handoff;
        }
        if flags & (MENU | GREETING) != 0 {
            return Intent::Menu;
        }
        if flags & ACK != 0 && unmatched == 0 {
            return Intent::Ack;
        }
        Intent::Unknown
    }

    /// "2", "2.", "option 2", "opção 2": a menu choice, 1-based ("0" goes
    /// back from a sub-menu).
    fn menu_number(&self, words: &[&str]) -> Option<usize> {
        let number = match words {
            [number] => number,
            [option, number] => {
                let (meaning, _) = self.longest(&[option])?;
                if meaning.flags & OPTION == 0 {
                    return None;
                }
                number
            }
            _ => return None,
        };
        // Small numbers only: "2024" or a phone number is not a choice.
        if number.len() > 2 || !number.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        number.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bot::menu::template_menu;
    use crate::enums::{Language, TemplateType};
    use crate::facts::Facts;

    fn classify(template: TemplateType, text: &str) -> Intent {
        let menu = template_menu(
            template,
            Language::En,
            &Default::default(),
            &Facts::default(),
        );
        Matcher::new(menu.iter().map(|item| item.keywords.as_slice())).classify(text)
    }

    fn items(list: &[u16]) -> Intent {
        Intent::Items(ItemList::of(list))
    }

    #[test]
    fn normalizes_case_accents_and_punctuation() {
        assert_eq!(normalize("Olá, BOM DIA!"), "ola  bom dia ");
        assert_eq!(normalize("¿Menú?"), " menu ");
        assert_eq!(normalize("1️⃣"), "1");
        assert_eq!(normalize("Horário"), "horario");
        assert_eq!(normalize("AÑO"), "ano");
        assert_eq!(normalize("ＭＥＮＵ"), "menu");
    }

    #[test]
    fn greetings_in_every_language_show_the_menu() {
        for text in [
            "hi",
            "Hello!",
            "hola",
            "Buenos días",
            "oi",
            "Olá",
            "OLA",
            "bom dia",
            "Boa noite!!",
        ] {
            assert_eq!(
                classify(TemplateType::Generic, text),
                Intent::Menu,
                "{text}"
            );
        }
    }

    #[test]
    fn the_word_menu_and_menu_numbers() {
        for text in ["menu", "MENÚ", "Menu."] {
            assert_eq!(
                classify(TemplateType::Restaurant, text),
                Intent::Menu,
                "{text}"
            );
        }
        for (text, number) in [
            ("1", 1),
            ("2.", 2),
            ("3)", 3),
            ("option 2", 2),
            ("opção 4", 4),
            ("4️⃣", 4),
        ] {
            assert_eq!(
                classify(TemplateType::Restaurant, text),
                Intent::Number(number),
                "{text}"
            );
        }
        assert_eq!(
            classify(TemplateType::Restaurant, "table for 4"),
            items(&[2])
        );
        assert_ne!(
            classify(TemplateType::Restaurant, "2024"),
            Intent::Number(2024)
        );
    }

    #[test]
    fn keywords_in_every_language_and_without_accents() {
        let r = TemplateType::Restaurant;
        for text in [
            "What are your hours?",
            "horario?",
            "Qual o horário?",
            "qual o horario",
            "HORÁRIOS",
        ] {
            assert_eq!(classify(r, text), items(&[0]), "{text}");
        }
        assert_eq!(classify(r, "can I see the menu?"), items(&[1]));
        assert_eq!(classify(r, "o cardápio por favor"), items(&[1]));
        assert_eq!(classify(r, "quero reservar uma mesa"), items(&[2]));
        assert_eq!(classify(r, "hours and address?"), items(&[0, 4]));
        assert_eq!(
            classify(r, "Hola, ¿dónde están?"),
            items(&[4]),
            "an item beats a greeting"
        );
        let c = TemplateType::Clinic;
        assert_eq!(
            classify(c, "I need to schedule an appointment"),
            items(&[1])
        );
        assert_eq!(classify(c, "quero marcar uma consulta"), items(&[1]));
        assert_eq!(classify(c, "é urgente"), items(&[4]));
        assert_eq!(classify(c, "aceitam unimed?"), items(&[2]));
    }

    #[test]
    fn handoff_words() {
        let r = TemplateType::Restaurant;
        for text in [
            "human",
            "HUMANO",
            "Agente",
            "atendente por favor",
            "I want to talk to a person",
            "quero falar com alguém",
            "persona",
            "pessoa real",
        ] {
            assert_eq!(classify(r, text), Intent::Handoff, "{text}");
        }
        assert_eq!(classify(r, "mesa para una persona"), items(&[2]));
        assert_eq!(
            classify(r, "a table for one person, and a human please"),
            Intent::Handoff
        );
        assert_eq!(
            classify(r, "can I speak to someone about a reservation?"),
            Intent::Handoff
        );
    }

    #[test]
    fn acknowledgements_and_nothing() {
        let g = TemplateType::Generic;
        for text in ["thanks", "Obrigado!", "ok", "muchas gracias", "valeu"] {
            assert_eq!(classify(g, text), Intent::Ack, "{text}");
        }
        assert_eq!(classify(g, "ok but what is this"), Intent::Unknown);
        assert_eq!(classify(g, "👍"), Intent::Empty);
        assert_eq!(classify(g, "   "), Intent::Empty);
        assert_eq!(classify(g, "asdfgh"), Intent::Unknown);
    }
}
