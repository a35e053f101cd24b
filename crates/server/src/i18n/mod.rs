//! The pages' texts in each language (EN, ES, PT as pt-BR).
//!
//! Every text a person reads on a page comes from a Fluent message file
//! under `crates/server/locales/<language>/`, compiled into the binary. The
//! JSON API keeps its English `message`s and stable codes; only pages are
//! translated.
//!
//! Which language a page is in: the person's saved choice, else the
//! language cookie of the switcher, else (for an owner) the business's
//! language, else the browser's `Accept-Language`, else English. The choice
//! is made once per request: [`scope`] (a middleware on the page routes)
//! starts from the cookie and the header, the page guards refine it when
//! they know who is logged in, and whatever renders the page (including an
//! error page, which is built far from the request) reads it with
//! [`current`].

mod catalog;
mod format;
pub mod negotiate;
mod refusals;

use std::cell::Cell;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use flowhq_domain::Language;
use fluent_bundle::{FluentArgs, FluentValue};

pub use catalog::{FILES, all_keys};
pub use refusals::refusal;

/// What the page being handled needs to know about its request when it
/// is rendered: its language, and its own address (where the language
/// switcher comes back to).
struct PageContext {
    language: Cell<Language>,
    path: String,
}

tokio::task_local! {
    static PAGE: PageContext;
}

/// The translator of one page: a language, and the texts in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tr(Language);

impl Default for Tr {
    fn default() -> Self {
        Tr(Language::En)
    }
}

/// The language of the page being rendered, English outside a request.
pub fn current() -> Tr {
    Tr(PAGE
        .try_with(|page| page.language.get())
        .unwrap_or(Language::En))
}

/// The path and query of the page being handled (`/` outside a request).
pub fn current_path() -> String {
    PAGE.try_with(|page| page.path.clone())
        .unwrap_or_else(|_| "/".to_owned())
}

/// Sets the page language of the request being handled (a guard that
/// learnt who is logged in). Outside a request it does nothing.
pub fn set_current(language: Language) {
    let _ = PAGE.try_with(|page| page.language.set(language));
}

/// Middleware of the page routes: the request's first guess at its
/// language (cookie, then `Accept-Language`), kept for the whole handler.
pub async fn scope(request: Request, next: Next) -> Response {
    let context = context_of(&request);
    PAGE.scope(context, next.run(request)).await
}

/// Runs `future` (which renders a page) in the language of the request
/// whose head is `parts`, for what answers outside the pages' router.
pub async fn within<F: std::future::Future>(
    parts: &axum::http::request::Parts,
    future: F,
) -> F::Output {
    let context = PageContext {
        language: Cell::new(negotiate::from_headers(&parts.headers).unwrap_or(Language::En)),
        path: parts.uri.path().to_owned(),
    };
    PAGE.scope(context, future).await
}

fn context_of(request: &Request) -> PageContext {
    let language = negotiate::from_headers(request.headers()).unwrap_or(Language::En);
    let path = request.uri().path_and_query().map_or_else(
        || request.uri().path().to_owned(),
        |pq| pq.as_str().to_owned(),
    );
    PageContext {
        language: Cell::new(language),
        path,
    }
}

impl Tr {
    pub fn new(language: Language) -> Self {
        Tr(language)
    }

    pub fn language(self) -> Language {
        self.0
    }

    /// The value of `<html lang>` and `hreflang`.
    pub fn html_lang(self) -> &'static str {
        html_lang(self.0)
    }

    /// The text of `key`.
    pub fn t(&self, key: &str) -> String {
        catalog::format(self.0, key, None)
    }

    /// The text of `key` with one argument, `{ $name }` in the message.
    pub fn t1(&self, key: &str, name: &str, value: impl std::fmt::Display) -> String {
        let mut args = FluentArgs::new();
        args.set(name, FluentValue::from(value.to_string()));
        catalog::format(self.0, key, Some(&args))
    }

    /// The text of `key` with two arguments.
    pub fn t2(
        &self,
        key: &str,
        name1: &str,
        value1: impl std::fmt::Display,
        name2: &str,
        value2: impl std::fmt::Display,
    ) -> String {
        let mut args = FluentArgs::new();
        args.set(name1, FluentValue::from(value1.to_string()));
        args.set(name2, FluentValue::from(value2.to_string()));
        catalog::format(self.0, key, Some(&args))
    }

    /// The text of `key` for a count: `{ $count }` picks the plural form
    /// (`[one]`, `*[other]`) and is shown formatted for the language.
    pub fn tn(&self, key: &str, count: impl Count) -> String {
        let count = count.as_i64();
        let mut args = FluentArgs::new();
        args.set("count", FluentValue::from(count));
        args.set("n", FluentValue::from(self.number(count)));
        catalog::format(self.0, key, Some(&args))
    }

    /// A stored state or kind as people read it: `state("tenant-status",
    /// "QR_PENDING")` is the message `tenant-status-qr-pending`.
    pub fn state(&self, kind: &str, raw: &str) -> String {
        self.t(&state_key(kind, raw))
    }

    /// A whole number with the language's digit grouping: 12,345 / 12.345.
    pub fn number(&self, n: impl Count) -> String {
        format::number(self.0, n.as_i64())
    }
}

/// The message id of a stored state: `tenant-status` and `QR_PENDING` make
/// `tenant-status-qr-pending`.
pub fn state_key(kind: &str, raw: &str) -> String {
    format!("{kind}-{}", raw.to_lowercase().replace('_', "-"))
}

/// `<html lang>` of a language.
pub fn html_lang(language: Language) -> &'static str {
    match language {
        Language::En => "en",
        Language::Es => "es",
        Language::Pt => "pt-BR",
    }
}

/// A whole number, by value or by reference (templates pass either).
pub trait Count {
    fn as_i64(&self) -> i64;
}

macro_rules! count_for {
    ($($t:ty),*) => {$(
        impl Count for $t {
            #[allow(clippy::cast_possible_wrap, clippy::cast_possible_truncation)]
            fn as_i64(&self) -> i64 {
                *self as i64
            }
        }
    )*};
}
count_for!(i64, i32, u32, u64, usize);

impl<T: Count> Count for &T {
    fn as_i64(&self) -> i64 {
        (**self).as_i64()
    }
}

#[cfg(test)]
mod tests;
