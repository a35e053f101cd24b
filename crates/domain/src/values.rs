//! Validated value types: parse, don't validate. Code past the edge of the
//! system only ever sees values that passed these constructors.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a value was refused; the caller names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidValue(pub String);

fn invalid(message: impl Into<String>) -> InvalidValue {
    InvalidValue(message.into())
}

/// A phone number in E.164 form: `+`, a country code and subscriber number,
/// 8 to 15 digits in all. Spaces, dashes, dots and parentheses are accepted
/// on input and dropped.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(input: &str) -> Result<Self, InvalidValue> {
        let compact: String = input
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
            .collect();
        let Some(digits) = compact.strip_prefix('+') else {
            return Err(invalid(
                "must be in international format, starting with + and the country code",
            ));
        };
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(invalid("may contain only digits after the +"));
        }
        if !(8..=15).contains(&digits.len()) {
            return Err(invalid("must have 8 to 15 digits"));
        }
        if digits.starts_with('0') {
            return Err(invalid("country codes do not start with 0"));
        }
        Ok(Self(compact))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The digits without the `+`, as WhatsApp addresses numbers.
    pub fn digits(&self) -> &str {
        &self.0[1..]
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<PhoneNumber> for String {
    fn from(value: PhoneNumber) -> Self {
        value.0
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An email address. Stored and compared in lower case, so `Ann@x.com` and
/// `ann@X.COM` are the same account.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(input: &str) -> Result<Self, InvalidValue> {
        let email = input.trim().to_lowercase();
        if email.is_empty() {
            return Err(invalid("is required"));
        }
        if email.len() > Self::MAX_LEN {
            return Err(invalid(format!(
                "must be at most {} characters",
                Self::MAX_LEN
            )));
        }
        if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid("must not contain spaces"));
        }
        let Some((local, domain)) = email.split_once('@') else {
            return Err(invalid("must look like name@example.com"));
        };
        // `localhost` is allowed for the bootstrap admin (docs/api.md).
        let domain_ok = domain == "localhost"
            || !domain.contains('@')
                && domain.contains('.')
                && domain
                    .split('.')
                    .all(|label| !label.is_empty() && !label.starts_with('-'));
        if local.is_empty() || !domain_ok {
            return Err(invalid("must look like name@example.com"));
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> Self {
        value.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether `c` shows nothing by itself: zero-width and other
/// default-ignorable format characters, the bidi controls (embeddings,
/// overrides, isolates, marks), variation selectors, tags and the blank
/// fillers that render as empty space. Text made only of these (and
/// spaces) looks empty while it is not.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{2800}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFF8}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// Whether `text` has something to see: a character that is neither
/// whitespace nor [invisible](is_invisible).
pub fn has_visible(text: &str) -> bool {
    text.chars().any(|c| !c.is_whitespace() && !is_invisible(c))
}

/// A display name: trimmed, with something visible in it (zero-width
/// characters and bidi controls alone do not count), at most
/// [`Name::MAX_CHARS`] characters, no control characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Name(String);

impl Name {
    pub const MAX_CHARS: usize = 120;

    pub fn parse(input: &str) -> Result<Self, InvalidValue> {
        let name = input.trim();
        if name.is_empty() {
            return Err(invalid("must not be empty"));
        }
        if !has_visible(name) {
            return Err(invalid(
                "must not be empty (invisible characters alone do not count)",
            ));
        }
        if name.chars().count() > Self::MAX_CHARS {
            return Err(invalid(format!(
                "must be at most {} characters",
                Self::MAX_CHARS
            )));
        }
        if name.chars().any(char::is_control) {
            return Err(invalid("must not contain control characters"));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Name {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Name> for String {
    fn from(value: Name) -> Self {
        value.0
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Stored values are read back through the same checks they were written
/// with (`str::parse`, as the store's rows do), and compare with plain text.
macro_rules! from_str_by_parse {
    ($($value:ty),+) => {$(
        impl std::str::FromStr for $value {
            type Err = InvalidValue;

            fn from_str(s: &str) -> Result<Self, InvalidValue> {
                Self::parse(s)
            }
        }

        impl PartialEq<&str> for $value {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }
    )+};
}

from_str_by_parse!(PhoneNumber, Email, Name);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_are_normalised_e164() {
        let phone = PhoneNumber::parse(" +55 (11) 91234-5678 ").unwrap();
        assert_eq!(phone.as_str(), "+5511912345678");
        assert_eq!(phone.digits(), "5511912345678");
    }

    #[test]
    fn phone_numbers_without_country_code_or_wrong_length_are_refused() {
        for bad in [
            "11912345678",
            "+12",
            "+1234567890123456",
            "+55abc12345",
            "+0123456789",
            "",
        ] {
            assert!(
                PhoneNumber::parse(bad).is_err(),
                "{bad:?} should be refused"
            );
        }
    }

    #[test]
    fn emails_compare_case_insensitively() {
        assert_eq!(
            Email::parse("Ann.Lee@Example.COM").unwrap(),
            Email::parse("ann.lee@example.com ").unwrap()
        );
    }

    #[test]
    fn malformed_emails_are_refused() {
        for bad in [
            "",
            "ann",
            "ann@",
            "@x.com",
            "ann@x",
            "a b@x.com",
            "a@b@c.com",
            "a@.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn names_are_trimmed_and_capped() {
        assert_eq!(Name::parse("  Cafe Lua ").unwrap().as_str(), "Cafe Lua");
        assert!(Name::parse("   ").is_err());
        assert!(Name::parse(&"x".repeat(121)).is_err());
        assert!(Name::parse(&"é".repeat(120)).is_ok());
    }

    #[test]
    fn names_of_invisible_characters_only_are_refused() {
        for blank in [
            "\u{200B}",
            "\u{200B}\u{200C}\u{200D}",
            " \u{FEFF} ",
            "\u{2060}\u{200E}\u{200F}",
            "\u{202E}",
            "\u{202A}\u{202B}\u{202C}\u{202D}\u{202E}",
            "\u{2066}\u{2067}\u{2068}\u{2069}",
            "\u{3164}\u{115F}",
            "\u{00A0}\u{200B}\u{3000}",
            "\u{E0041}\u{E0042}",
        ] {
            let err = Name::parse(blank).unwrap_err();
            assert!(err.0.contains("invisible"), "{blank:?}: {err}");
        }
        // Visible text around such characters is a name (and is shown
        // isolated, inside <bdi>, by the pages).
        assert!(Name::parse("Cafe\u{200B}Lua").is_ok());
        assert!(Name::parse("\u{202E}Cafe Lua").is_ok());
        assert!(Name::parse("مطعم الشمس").is_ok());
        assert!(Name::parse("👩\u{200D}🍳 Cozinha").is_ok());
    }

    #[test]
    fn visible_text_is_told_from_blanks() {
        assert!(has_visible("a"));
        assert!(has_visible("\u{200B}a\u{200B}"));
        assert!(!has_visible(""));
        assert!(!has_visible(" \t\u{200B}\u{FE0F}"));
    }
}
