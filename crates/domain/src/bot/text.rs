//! Texts with placeholders: `{business_name}`, `{hours}`, `{next_opening}`
//! and the business's facts (`{address}`, `{map_link}`, `{website}`,
//! `{catalog_link}`, `{phone}`).
//!
//! A text is parsed once, when the bot's configuration is built, into
//! literal pieces and slots. Filling the slots never re-reads what was put
//! in, so a business called "{hours}" stays a business called "{hours}".

use std::fmt;

use crate::facts::Fact;

/// A placeholder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Slot {
    BusinessName,
    /// The weekly opening hours, one line per run of days.
    Hours,
    /// When the business opens next, e.g. "tomorrow at 09:00".
    NextOpening,
    /// One of the business's facts; empty when the business has not
    /// filled it.
    Fact(Fact),
}

impl Slot {
    pub(crate) const ALL: [Slot; 8] = [
        Slot::BusinessName,
        Slot::Hours,
        Slot::NextOpening,
        Slot::Fact(Fact::Address),
        Slot::Fact(Fact::MapLink),
        Slot::Fact(Fact::Website),
        Slot::Fact(Fact::CatalogLink),
        Slot::Fact(Fact::Phone),
    ];

    pub(crate) const ALL_BUT_NEXT_OPENING: [Slot; 7] = [
        Slot::BusinessName,
        Slot::Hours,
        Slot::Fact(Fact::Address),
        Slot::Fact(Fact::MapLink),
        Slot::Fact(Fact::Website),
        Slot::Fact(Fact::CatalogLink),
        Slot::Fact(Fact::Phone),
    ];

    pub fn name(self) -> &'static str {
        match self {
            Slot::BusinessName => "business_name",
            Slot::Hours => "hours",
            Slot::NextOpening => "next_opening",
            Slot::Fact(fact) => fact.name(),
        }
    }
}

impl fmt::Display for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{{}}}", self.name())
    }
}

/// Why a text's placeholders are wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlaceholderError {
    #[error("{found} is not a placeholder here; use {allowed}")]
    Unknown { found: String, allowed: String },
    #[error("a {{ is not closed; placeholders look like {{business_name}}")]
    Unclosed,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Literal(String),
    Slot(Slot),
}

/// A parsed text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    pieces: Vec<Piece>,
}

impl Text {
    /// Parses `source`, accepting only the placeholders in `allowed`. A `{`
    /// must open a placeholder; a lone `}` is literal.
    pub fn parse(source: &str, allowed: &[Slot]) -> Result<Self, PlaceholderError> {
        let mut pieces = Vec::new();
        let mut rest = source;
        while let Some(open) = rest.find('{') {
            let close = rest[open..].find('}').ok_or(PlaceholderError::Unclosed)? + open;
            let name = &rest[open + 1..close];
            let slot = Slot::ALL
                .into_iter()
                .find(|slot| slot.name() == name && allowed.contains(slot))
                .ok_or_else(|| PlaceholderError::Unknown {
                    found: rest[open..=close].to_owned(),
                    allowed: allowed
                        .iter()
                        .map(Slot::to_string)
                        .collect::<Vec<_>>()
                        .join(", "),
                })?;
            if open > 0 {
                pieces.push(Piece::Literal(rest[..open].to_owned()));
            }
            pieces.push(Piece::Slot(slot));
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Literal(rest.to_owned()));
        }
        Ok(Self { pieces })
    }

    /// Whether any placeholder is one of the business's facts.
    pub fn uses_a_fact(&self) -> bool {
        self.pieces
            .iter()
            .any(|piece| matches!(piece, Piece::Slot(Slot::Fact(_))))
    }

    /// A text without placeholders, taken as it is.
    pub fn literal(text: &str) -> Self {
        Self {
            pieces: vec![Piece::Literal(text.to_owned())],
        }
    }

    /// Fills the slots that `fill` knows and keeps the others, so a text can
    /// be rendered in two steps: what is fixed per tenant when the
    /// configuration is built, `{next_opening}` when a message arrives.
    pub fn fill(&self, mut fill: impl FnMut(Slot) -> Option<String>) -> Text {
        let mut pieces: Vec<Piece> = Vec::with_capacity(self.pieces.len());
        for piece in &self.pieces {
            let piece = match piece {
                Piece::Slot(slot) => match fill(*slot) {
                    Some(value) => Piece::Literal(value),
                    None => Piece::Slot(*slot),
                },
                literal => literal.clone(),
            };
            // Keep neighbouring literals as one so `as_literal` works.
            match (pieces.last_mut(), piece) {
                (Some(Piece::Literal(last)), Piece::Literal(next)) => last.push_str(&next),
                (_, piece) => pieces.push(piece),
            }
        }
        Text { pieces }
    }

    /// The whole text, when no slot is left.
    pub fn as_literal(&self) -> Option<&str> {
        match self.pieces.as_slice() {
            [] => Some(""),
            [Piece::Literal(text)] => Some(text),
            _ => None,
        }
    }

    /// The text with every remaining slot replaced by `value(slot)`.
    pub fn render(&self, mut value: impl FnMut(Slot) -> String) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Literal(text) => out.push_str(text),
                Piece::Slot(slot) => out.push_str(&value(*slot)),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: &[Slot] = &Slot::ALL;

    #[test]
    fn parses_and_fills_in_two_steps() {
        let text = Text::parse("Hi from {business_name}! Back {next_opening}.", ALL).unwrap();
        let fixed = text.fill(|slot| (slot == Slot::BusinessName).then(|| "{hours} Bar".into()));
        assert_eq!(fixed.as_literal(), None);
        let out = fixed.render(|_| "tomorrow at 09:00".into());
        assert_eq!(out, "Hi from {hours} Bar! Back tomorrow at 09:00.");
        let done = fixed.fill(|_| Some("soon".into()));
        assert_eq!(done.as_literal(), Some("Hi from {hours} Bar! Back soon."));
    }

    #[test]
    fn refuses_unknown_and_unclosed_placeholders() {
        let err = Text::parse("at {business}", ALL).unwrap_err();
        assert!(
            err.to_string().contains("{business} is not a placeholder"),
            "{err}"
        );
        let err = Text::parse("{next_opening}", &[Slot::BusinessName]).unwrap_err();
        assert!(err.to_string().contains("use {business_name}"), "{err}");
        assert_eq!(Text::parse("oops {", ALL), Err(PlaceholderError::Unclosed));
        assert!(Text::parse("a } is fine", ALL).is_ok());
    }
}
