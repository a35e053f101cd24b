//! Which of our languages a visitor reads: the switcher's cookie, else the
//! best match of the browser's `Accept-Language` (Project Fluent's
//! negotiation, so `pt-PT` finds our `pt-BR` and `es-419` our `es`).

use axum::http::HeaderMap;
use axum::http::header::ACCEPT_LANGUAGE;
use flowhq_domain::Language;
use fluent_langneg::{NegotiationStrategy, accepted_languages, negotiate_languages};
use unic_langid::LanguageIdentifier;

/// The cookie the language switcher sets for visitors who are not logged
/// in (a logged-in person's choice is saved on their account).
pub const COOKIE: &str = "flowhq_lang";

/// The language the switcher's cookie names.
pub fn from_cookie(headers: &HeaderMap) -> Option<Language> {
    crate::auth::session::cookie(headers, COOKIE).and_then(|v| parse_code(&v))
}

/// The switcher's code of a language (`en`, `es`, `pt`), as in its links.
pub fn code(language: Language) -> &'static str {
    match language {
        Language::En => "en",
        Language::Es => "es",
        Language::Pt => "pt",
    }
}

/// A language from the switcher's code (`en`, `es`, `pt`).
pub fn parse_code(code: &str) -> Option<Language> {
    match code {
        "en" => Some(Language::En),
        "es" => Some(Language::Es),
        "pt" => Some(Language::Pt),
        _ => None,
    }
}

/// The cookie, else `Accept-Language`; `None` when neither says anything
/// we have.
pub fn from_headers(headers: &HeaderMap) -> Option<Language> {
    from_cookie(headers).or_else(|| from_accept_language(headers))
}

/// The best of our languages for the browser's `Accept-Language`.
pub fn from_accept_language(headers: &HeaderMap) -> Option<Language> {
    let header = headers.get(ACCEPT_LANGUAGE)?.to_str().ok()?;
    let requested = accepted_languages::parse(header);
    let available: Vec<LanguageIdentifier> = super::FILES
        .iter()
        .filter_map(|(language, _, _)| super::html_lang(*language).parse().ok())
        .collect();
    let chosen = negotiate_languages(&requested, &available, None, NegotiationStrategy::Lookup);
    let best = chosen.first()?;
    super::FILES
        .iter()
        .map(|(language, _, _)| *language)
        .find(|language| super::html_lang(*language) == best.to_string())
}
