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
        // `localhost` is allowed for the bootstrap admin (API.md).
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

/// A display name: trimmed, not empty, at most [`Name::MAX_CHARS`] characters.
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
}
