//! Keys to the public API (`/api/v1`): what a key may do ([`Scope`]), what
//! its holder calls it ([`KeyName`]), and the shape of its secret
//! (`fhq_` and [`SECRET_CHARS`] letters and digits), of which the first
//! [`PREFIX_CHARS`] characters are shown and find the key.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::enums::UnknownVariant;
use crate::values::{InvalidValue, Name};

/// What every key's secret starts with: makes a leaked one recognisable
/// (secret scanners, logs) and tells it apart from other tokens.
pub const SECRET_PREFIX: &str = "fhq_";

/// The random part of a secret: letters and digits, about 238 bits.
pub const SECRET_CHARS: usize = 40;

/// How much of a secret is kept in clear and shown: `fhq_` and 8
/// characters, enough to tell a tenant's keys apart and to find the row
/// without scanning.
pub const PREFIX_CHARS: usize = SECRET_PREFIX.len() + 8;

string_enum!(
    /// What a key may do.
    Scope {
        MessagesSend => "messages:send",
        MessagesRead => "messages:read",
        ContactsRead => "contacts:read",
        WebhooksManage => "webhooks:manage",
    }
);

/// A key's scopes: at least one, each once, in a stable order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<String>", into = "Vec<String>")]
pub struct Scopes(BTreeSet<ScopeOrd>);

/// [`Scope`] ordered as declared, for [`Scopes`]' set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct ScopeOrd(u8);

impl ScopeOrd {
    fn of(scope: Scope) -> Self {
        let index = Scope::ALL.iter().position(|s| *s == scope).unwrap_or(0);
        Self(index as u8)
    }

    fn scope(self) -> Scope {
        Scope::ALL[self.0 as usize]
    }
}

impl Scopes {
    /// Parses a list of scope names; every unknown name is reported at once.
    pub fn parse<S: AsRef<str>>(names: &[S]) -> Result<Self, InvalidValue> {
        let mut scopes = BTreeSet::new();
        let mut unknown = Vec::new();
        for name in names {
            match name.as_ref().trim().parse::<Scope>() {
                Ok(scope) => {
                    scopes.insert(ScopeOrd::of(scope));
                }
                Err(_) => unknown.push(format!("{:?}", name.as_ref())),
            }
        }
        if !unknown.is_empty() {
            return Err(InvalidValue(format!(
                "{} {} not a scope; the scopes are {}",
                unknown.join(", "),
                if unknown.len() == 1 { "is" } else { "are" },
                Scope::ALL
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        if scopes.is_empty() {
            return Err(InvalidValue("must name at least one scope".into()));
        }
        Ok(Self(scopes))
    }

    /// Reads the stored form, space-separated names.
    pub fn from_stored(stored: &str) -> Result<Self, InvalidValue> {
        Self::parse(&stored.split_whitespace().collect::<Vec<_>>())
    }

    /// The stored form: names separated by a space.
    pub fn to_stored(&self) -> String {
        self.iter().map(Scope::as_str).collect::<Vec<_>>().join(" ")
    }

    pub fn contains(&self, scope: Scope) -> bool {
        self.0.contains(&ScopeOrd::of(scope))
    }

    pub fn iter(&self) -> impl Iterator<Item = Scope> + '_ {
        self.0.iter().map(|s| s.scope())
    }
}

impl TryFrom<Vec<String>> for Scopes {
    type Error = InvalidValue;
    fn try_from(value: Vec<String>) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Scopes> for Vec<String> {
    fn from(value: Scopes) -> Self {
        value.iter().map(|s| s.as_str().to_owned()).collect()
    }
}

impl utoipa::PartialSchema for Scopes {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ArrayBuilder::new()
            .items(<Scope as utoipa::PartialSchema>::schema())
            .min_items(Some(1))
            .unique_items(true)
            .into()
    }
}

impl utoipa::ToSchema for Scopes {}

/// What the key's holder calls it ("Shop", "n8n"): a [`Name`], at most
/// [`KeyName::MAX_CHARS`] characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct KeyName(Name);

impl KeyName {
    pub const MAX_CHARS: usize = 60;

    pub fn parse(input: &str) -> Result<Self, InvalidValue> {
        let name = Name::parse(input)?;
        if name.as_str().chars().count() > Self::MAX_CHARS {
            return Err(InvalidValue(format!(
                "must be at most {} characters",
                Self::MAX_CHARS
            )));
        }
        Ok(Self(name))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl TryFrom<String> for KeyName {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<KeyName> for String {
    fn from(value: KeyName) -> Self {
        value.0.into()
    }
}

impl fmt::Display for KeyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A key as its tenant's owner and the operators see it: never its secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ApiKey {
    pub id: crate::ApiKeyId,
    pub tenant_id: crate::TenantId,
    #[schema(value_type = String)]
    pub name: KeyName,
    pub scopes: Scopes,
    /// The secret's first characters (`fhq_` and 8 more), to tell keys apart.
    pub prefix: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Who made it: `owner:<email>` or `admin:<email>`.
    pub created_by: String,
    /// When it last opened the API, to the minute; null if never.
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
    /// When it was revoked; a revoked key opens nothing.
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The prefix of a presented secret, when it has the shape of one: `None`
/// for anything else, which then cannot name a key.
pub fn prefix_of(secret: &str) -> Option<&str> {
    let random = secret.strip_prefix(SECRET_PREFIX)?;
    let well_formed =
        random.len() == SECRET_CHARS && random.bytes().all(|b| b.is_ascii_alphanumeric());
    well_formed.then(|| &secret[..PREFIX_CHARS])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_dedupe_and_keep_their_order() {
        let scopes = Scopes::parse(&["contacts:read", "messages:send", "contacts:read"]).unwrap();
        assert_eq!(scopes.to_stored(), "messages:send contacts:read");
        assert!(scopes.contains(Scope::MessagesSend));
        assert!(!scopes.contains(Scope::WebhooksManage));
        assert_eq!(Scopes::from_stored(&scopes.to_stored()).unwrap(), scopes);
        let all: Vec<String> = Scope::ALL.iter().map(|s| s.to_string()).collect();
        assert_eq!(
            all,
            [
                "messages:send",
                "messages:read",
                "contacts:read",
                "webhooks:manage"
            ]
        );
    }

    #[test]
    fn unknown_and_empty_scopes_are_refused_all_named() {
        let error = Scopes::parse(&["messages:send", "admin", "root"]).unwrap_err();
        assert!(
            error.0.contains("\"admin\", \"root\" are not a scope"),
            "{error}"
        );
        assert!(Scopes::parse::<&str>(&[]).is_err());
    }

    #[test]
    fn key_names_are_names_of_at_most_60_characters() {
        assert_eq!(KeyName::parse("  Shop  ").unwrap().as_str(), "Shop");
        assert!(KeyName::parse("").is_err());
        assert!(KeyName::parse(&"x".repeat(61)).is_err());
        assert!(KeyName::parse(&"x".repeat(60)).is_ok());
    }

    #[test]
    fn only_well_formed_secrets_have_a_prefix() {
        let secret = format!("fhq_{}", "aB3".repeat(13) + "x");
        assert_eq!(prefix_of(&secret), Some(&secret[..12]));
        assert_eq!(prefix_of(&secret).unwrap().len(), PREFIX_CHARS);
        assert_eq!(prefix_of("fhq_short"), None);
        assert_eq!(prefix_of(&secret.replace("fhq_", "abc_")), None);
        assert_eq!(prefix_of(&format!("{secret}!")), None);
        let odd = format!("fhq_{}é", "a".repeat(38));
        assert_eq!(prefix_of(&odd), None);
    }
}
