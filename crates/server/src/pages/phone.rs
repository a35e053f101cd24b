//! Phone numbers as people type them on a form: "11 98765-4321" is a São
//! Paulo mobile to someone in Brazil. The number is read with the
//! visitor's country (the region of their browser's first language, e.g.
//! `pt-BR` → BR) and handed on in E.164; a number with its `+` is taken as
//! it is. What cannot be read is handed on unchanged, so that the usual
//! check refuses it with its usual message.

use axum::http::HeaderMap;
use axum::http::header::ACCEPT_LANGUAGE;

/// `typed` in E.164 when it reads as a valid number of the visitor's
/// country; otherwise `typed` as it was.
pub fn normalize(typed: &str, headers: &HeaderMap) -> String {
    let typed = typed.trim();
    if typed.starts_with('+') || typed.is_empty() {
        return typed.to_owned();
    }
    let Some(country) = country_of(headers) else {
        return typed.to_owned();
    };
    match phonenumber::parse(Some(country), typed) {
        Ok(number) if phonenumber::is_valid(&number) => {
            number.format().mode(phonenumber::Mode::E164).to_string()
        }
        _ => typed.to_owned(),
    }
}

/// The region of the first language in `Accept-Language` that has one.
fn country_of(headers: &HeaderMap) -> Option<phonenumber::country::Id> {
    browser_region(headers)?.parse().ok()
}

/// The region (`BR`) of the first language in `Accept-Language` that names
/// a country.
pub fn browser_region(headers: &HeaderMap) -> Option<String> {
    let header = headers.get(ACCEPT_LANGUAGE)?.to_str().ok()?;
    header
        .split(',')
        .filter_map(|part| part.split(';').next())
        .filter_map(|tag| tag.trim().split(['-', '_']).nth(1))
        .map(str::to_ascii_uppercase)
        .find(|region| region.parse::<phonenumber::country::Id>().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(language: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT_LANGUAGE, language.parse().unwrap());
        headers
    }

    #[test]
    fn local_numbers_read_with_the_browsers_country() {
        let brazil = from("pt-BR,pt;q=0.9,en;q=0.8");
        assert_eq!(normalize("11 98765-4321", &brazil), "+5511987654321");
        assert_eq!(normalize("(11) 98765-4321", &brazil), "+5511987654321");
        let spain = from("es-ES");
        assert_eq!(normalize("612 34 56 78", &spain), "+34612345678");
        // Already international, unreadable, or no country known: unchanged.
        assert_eq!(normalize("+34 612 345 678", &brazil), "+34 612 345 678");
        assert_eq!(normalize("12", &brazil), "12");
        assert_eq!(normalize("11 98765-4321", &from("pt")), "11 98765-4321");
        assert_eq!(
            normalize("11 98765-4321", &HeaderMap::new()),
            "11 98765-4321"
        );
    }
}
