//! The business's facts: where it is, where to read more, what number to
//! call. Owners fill them once; the bot's texts use them as placeholders
//! (`{address}`, `{map_link}`, …) and the template answers that would
//! otherwise send customers to the WhatsApp profile quote them instead.

use serde::{Deserialize, Serialize};

use crate::values::PhoneNumber;

/// One fact, by the name it has in the API and as a placeholder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fact {
    Address,
    MapLink,
    Website,
    CatalogLink,
    Phone,
}

impl Fact {
    pub const ALL: [Fact; 5] = [
        Fact::Address,
        Fact::MapLink,
        Fact::Website,
        Fact::CatalogLink,
        Fact::Phone,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Fact::Address => "address",
            Fact::MapLink => "map_link",
            Fact::Website => "website",
            Fact::CatalogLink => "catalog_link",
            Fact::Phone => "phone",
        }
    }

    fn is_link(self) -> bool {
        matches!(self, Fact::MapLink | Fact::Website | Fact::CatalogLink)
    }
}

/// The longest address: two lines of a postal address, generously.
pub const MAX_ADDRESS_CHARS: usize = 300;
/// The longest link: map links with coordinates run to a few hundred.
pub const MAX_LINK_CHARS: usize = 1000;

/// A fact was refused; `field` is its name (`address`, `map_link`, …).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct InvalidFact {
    pub field: &'static str,
    pub message: String,
}

/// The facts a business has filled; an absent one is not mentioned.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Facts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// A link to the business on a map (Google Maps, OpenStreetMap, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub map_link: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// Where to see the catalogue, the price list or the food menu.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog_link: Option<String>,
    /// A number to call, in international format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

impl Facts {
    pub fn get(&self, fact: Fact) -> Option<&str> {
        match fact {
            Fact::Address => self.address.as_deref(),
            Fact::MapLink => self.map_link.as_deref(),
            Fact::Website => self.website.as_deref(),
            Fact::CatalogLink => self.catalog_link.as_deref(),
            Fact::Phone => self.phone.as_deref(),
        }
    }

    fn slot(&mut self, fact: Fact) -> &mut Option<String> {
        match fact {
            Fact::Address => &mut self.address,
            Fact::MapLink => &mut self.map_link,
            Fact::Website => &mut self.website,
            Fact::CatalogLink => &mut self.catalog_link,
            Fact::Phone => &mut self.phone,
        }
    }

    /// The facts as they are stored: trimmed, blanks dropped, the phone
    /// number in E.164 form; or every fact that is wrong, each naming its
    /// field.
    pub fn parse(mut self) -> Result<Facts, Vec<InvalidFact>> {
        let mut errors = Vec::new();
        for fact in Fact::ALL {
            let slot = self.slot(fact);
            let Some(value) = slot.take() else { continue };
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            match check(fact, value) {
                Ok(value) => *slot = Some(value),
                Err(message) => errors.push(InvalidFact {
                    field: fact.name(),
                    message,
                }),
            }
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }
}

fn check(fact: Fact, value: &str) -> Result<String, String> {
    let chars = value.chars().count();
    if fact == Fact::Phone {
        return PhoneNumber::parse(value)
            .map(|number| number.as_str().to_owned())
            .map_err(|e| e.to_string());
    }
    if fact.is_link() {
        if chars > MAX_LINK_CHARS {
            return Err(format!(
                "is {chars} characters long; at most {MAX_LINK_CHARS}"
            ));
        }
        // Customers tap these in WhatsApp: only web links, whole.
        let url = url::Url::parse(value)
            .map_err(|_| "must be a whole web address, like https://example.com".to_owned())?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err("must be a web address starting with https:// or http://".to_owned());
        }
        return Ok(value.to_owned());
    }
    if chars > MAX_ADDRESS_CHARS {
        return Err(format!(
            "is {chars} characters long; at most {MAX_ADDRESS_CHARS}"
        ));
    }
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_are_trimmed_blanks_dropped_and_checked() {
        let facts = Facts {
            address: Some("  Rua Augusta 12, Lisboa ".into()),
            map_link: Some("https://maps.example/?q=1".into()),
            website: Some("   ".into()),
            catalog_link: None,
            phone: Some("+351 912 345 678".into()),
        }
        .parse()
        .unwrap();
        assert_eq!(facts.address.as_deref(), Some("Rua Augusta 12, Lisboa"));
        assert_eq!(facts.website, None);
        assert_eq!(facts.phone.as_deref(), Some("+351912345678"));
    }

    #[test]
    fn every_wrong_fact_is_named() {
        let errors = Facts {
            address: Some("x".repeat(MAX_ADDRESS_CHARS + 1)),
            map_link: Some("javascript:alert(1)".into()),
            website: Some("example.com".into()),
            catalog_link: Some("https://shop.example/catalogue".into()),
            phone: Some("912 345 678".into()),
        }
        .parse()
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["address", "map_link", "website", "phone"]);
    }
}
