//! The message files, parsed once into one Fluent bundle per language.

use std::sync::LazyLock;

use flowhq_domain::Language;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};

/// Each language's message files, by area, compiled into the binary. A
/// new area is a file in every language's folder and a line here.
macro_rules! files_of {
    ($dir:literal) => {
        [
            (
                "common",
                include_str!(concat!("../../locales/", $dir, "/common.ftl")),
            ),
            (
                "auth",
                include_str!(concat!("../../locales/", $dir, "/auth.ftl")),
            ),
            (
                "portal",
                include_str!(concat!("../../locales/", $dir, "/portal.ftl")),
            ),
            (
                "admin",
                include_str!(concat!("../../locales/", $dir, "/admin.ftl")),
            ),
        ]
    };
}

/// One language's files: (area, text) each.
pub type Files = [(&'static str, &'static str); 4];

/// The message files: language, folder name, and its files.
pub const FILES: [(Language, &str, Files); 3] = [
    (Language::En, "en", files_of!("en")),
    (Language::Es, "es", files_of!("es")),
    (Language::Pt, "pt-BR", files_of!("pt-BR")),
];

type Bundle = FluentBundle<FluentResource>;

static BUNDLES: LazyLock<Vec<(Language, Bundle)>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|(language, dir, files)| {
            let id: unic_langid::LanguageIdentifier = super::html_lang(*language)
                .parse()
                .expect("a valid language tag");
            let mut bundle = Bundle::new_concurrent(vec![id]);
            // Unicode isolation marks around arguments help right-to-left
            // scripts, which none of our languages is; they would only
            // clutter the HTML and the copied text.
            bundle.set_use_isolating(false);
            for (area, text) in files {
                // A file that does not parse fails the tests (tests.rs);
                // here the parsable part is kept.
                let resource = FluentResource::try_new((*text).to_owned()).unwrap_or_else(
                    |(partial, errors)| {
                        tracing::error!(?errors, dir, area, "message file has errors");
                        partial
                    },
                );
                if let Err(errors) = bundle.add_resource(resource) {
                    tracing::error!(?errors, dir, area, "message file clashes");
                }
            }
            (*language, bundle)
        })
        .collect()
});

fn bundle(language: Language) -> &'static Bundle {
    let bundles = &*BUNDLES;
    bundles
        .iter()
        .find(|(l, _)| *l == language)
        .or_else(|| bundles.first())
        .map(|(_, b)| b)
        .expect("at least one language")
}

/// `key` in `language`, else in English, else the key itself (which the
/// tests make sure never reaches a page).
pub fn format(language: Language, key: &str, args: Option<&FluentArgs>) -> String {
    for language in [language, Language::En] {
        let bundle = bundle(language);
        if let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) {
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, args, &mut errors);
            if !errors.is_empty() {
                tracing::warn!(key, ?errors, "formatting a message");
            }
            return text.into_owned();
        }
    }
    tracing::warn!(key, "no such message");
    key.to_owned()
}

/// The message ids of one language's files, each with its area.
pub fn all_keys(language: Language) -> Vec<(String, &'static str)> {
    let (_, _, files) = FILES
        .iter()
        .find(|(l, _, _)| *l == language)
        .expect("a language with files");
    let mut keys = Vec::new();
    for (area, text) in files {
        let resource = match FluentResource::try_new((*text).to_owned()) {
            Ok(r) | Err((r, _)) => r,
        };
        for entry in resource.entries() {
            if let fluent_syntax::ast::Entry::Message(message) = entry {
                keys.push((message.id.name.to_owned(), *area));
            }
        }
    }
    keys
}
