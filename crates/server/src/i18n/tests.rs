//! The message files agree: every file parses, every language has every
//! message, and every message a page asks for exists.

use std::collections::BTreeSet;
use std::path::Path;

use flowhq_domain::Language;
use fluent_bundle::FluentResource;

use super::*;

const LANGUAGES: [Language; 3] = [Language::En, Language::Es, Language::Pt];

fn keys(language: Language) -> BTreeSet<String> {
    all_keys(language).into_iter().map(|(k, _)| k).collect()
}

#[test]
fn every_file_parses() {
    for (_, dir, files) in FILES {
        for (area, text) in files {
            if let Err((_, errors)) = FluentResource::try_new(text.to_owned()) {
                panic!("locales/{dir}/{area}.ftl: {errors:?}");
            }
        }
    }
}

#[test]
fn every_language_has_every_message() {
    let english = keys(Language::En);
    assert!(!english.is_empty());
    for language in LANGUAGES {
        let theirs = keys(language);
        let missing: Vec<_> = english.difference(&theirs).collect();
        let extra: Vec<_> = theirs.difference(&english).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{}: missing {missing:?}, not in English {extra:?}",
            html_lang(language)
        );
        // One id, one message: a second one would silently lose.
        assert_eq!(all_keys(language).len(), theirs.len(), "a repeated id");
    }
}

/// The keys the code and the templates ask for by name: the literal first
/// argument of `.t(`, `.t1(`, `.t2(` and `.tn(`.
fn keys_used_in(dir: &Path, found: &mut BTreeSet<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            keys_used_in(&path, found);
            continue;
        }
        let Some(ext) = path.extension().and_then(|e| e.to_str()) else {
            continue;
        };
        if !matches!(ext, "rs" | "html") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for call in [".t(\"", ".t1(\"", ".t2(\"", ".tn(\""] {
            for (at, _) in text.match_indices(call) {
                let rest = &text[at + call.len()..];
                let key = &rest[..rest.find('"').unwrap()];
                found.insert((key.to_owned(), path.display().to_string()));
            }
        }
    }
}

#[test]
fn every_message_asked_for_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut used = BTreeSet::new();
    keys_used_in(&root.join("src"), &mut used);
    keys_used_in(&root.join("templates"), &mut used);
    assert!(used.len() > 10, "the scan finds the calls");
    let english = keys(Language::En);
    let missing: Vec<_> = used
        .iter()
        .filter(|(key, _)| !english.contains(key) && key != "key")
        .collect();
    assert!(missing.is_empty(), "no such message: {missing:#?}");
}

#[test]
fn a_message_reads_in_each_language() {
    assert_eq!(Tr::new(Language::En).t("log-in"), "Log in");
    assert_eq!(Tr::new(Language::Es).t("log-in"), "Iniciar sesión");
    assert_eq!(Tr::new(Language::Pt).t("log-in"), "Entrar");
    assert_eq!(Tr::new(Language::En).tn("ago-minutes", 1), "1 min ago");
    assert_eq!(Tr::new(Language::Pt).tn("ago-days", 2), "há 2 dias");
}

#[test]
fn accept_language_finds_our_nearest_language() {
    use axum::http::{HeaderMap, header::ACCEPT_LANGUAGE};
    let of = |value: &str| {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT_LANGUAGE, value.parse().unwrap());
        negotiate::from_headers(&headers)
    };
    assert_eq!(of("pt-BR,pt;q=0.9,en;q=0.8"), Some(Language::Pt));
    assert_eq!(of("pt-PT"), Some(Language::Pt));
    assert_eq!(of("es-419,es;q=0.9"), Some(Language::Es));
    assert_eq!(of("fr-FR,en;q=0.5"), Some(Language::En));
    assert_eq!(of("de"), None);
    let mut chosen = HeaderMap::new();
    chosen.insert(ACCEPT_LANGUAGE, "pt-BR".parse().unwrap());
    chosen.insert(
        axum::http::header::COOKIE,
        "flowhq_lang=es".parse().unwrap(),
    );
    assert_eq!(negotiate::from_headers(&chosen), Some(Language::Es));
}

#[test]
fn every_state_has_a_name() {
    use flowhq_domain::*;
    let english = keys(Language::En);
    let mut wanted: Vec<String> = Vec::new();
    wanted.extend(
        TenantStatus::ALL
            .iter()
            .map(|s| state_key("tenant-status", s.as_str())),
    );
    wanted.extend(
        WorkerStatus::ALL
            .iter()
            .map(|s| state_key("worker-status", s.as_str())),
    );
    wanted.extend(
        SessionState::ALL
            .iter()
            .map(|s| state_key("session-state", s.as_str())),
    );
    wanted.extend(
        TemplateType::ALL
            .iter()
            .map(|s| state_key("template-type", s.as_str())),
    );
    wanted.extend(
        LoggedDecision::ALL
            .iter()
            .map(|s| state_key("decision", s.as_str())),
    );
    wanted.extend(
        SetupRequestStatus::ALL
            .iter()
            .map(|s| state_key("setup-request-status", s.as_str())),
    );
    let missing: Vec<_> = wanted.iter().filter(|k| !english.contains(*k)).collect();
    assert!(missing.is_empty(), "no name for {missing:?}");
}
