//! `/app/menu`: the menu builder. The page is the editor's frame; the
//! script (`static/app.js`, "menu builder") reads the menu from
//! `GET /api/portal/tenant/current/config` and saves it whole with
//! `PATCH …/config {menu}`, so the page checks and stores exactly what the
//! API does (files included). Without scripts the page says so.

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;

use crate::pages::guard::OwnerPage;
use crate::pages::{Chrome, PageResult, render};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/menu", get(page))
}

#[derive(Template)]
#[template(path = "portal/menu.html")]
struct MenuPage {
    chrome: Chrome,
    /// The editor's words in the page's language, as JSON for the script.
    texts: String,
}

/// What the menu editor (static/app.js) says, by the names the script
/// reads; the script keeps English ones for any that is missing.
const EDITOR_TEXTS: [(&str, &str); 22] = [
    ("item", "app-menu-js-item"),
    ("subItem", "app-menu-js-sub-item"),
    ("moveUp", "app-menu-js-move-up"),
    ("moveDown", "app-menu-js-move-down"),
    ("remove", "app-menu-js-remove"),
    ("removeItem", "app-menu-js-remove-item"),
    ("label", "app-menu-js-label"),
    ("answer", "app-menu-js-answer"),
    ("answerAbove", "app-menu-js-answer-above"),
    ("keywords", "app-menu-js-keywords"),
    ("keywordsExample", "app-menu-js-keywords-example"),
    ("keywordsHint", "app-menu-js-keywords-hint"),
    ("file", "app-menu-js-file"),
    ("removeFile", "app-menu-js-remove-file"),
    ("tooLarge", "app-menu-js-too-large"),
    ("subItemsOf", "app-menu-js-sub-items-of"),
    ("addSub", "app-menu-js-add-sub"),
    ("notSaved", "app-menu-js-not-saved"),
    ("tryAgain", "app-menu-js-try-again"),
    ("savedNow", "app-menu-js-saved-now"),
    ("savedLater", "app-menu-js-saved-later"),
    ("connectionFailed", "app-menu-js-connection-failed"),
];

const EDITOR_TEXTS_MORE: [(&str, &str); 2] = [
    ("resetConfirm", "app-menu-js-reset-confirm"),
    ("loadFailed", "app-menu-js-load-failed"),
];

/// The editor's words as a JSON object.
fn editor_texts() -> String {
    let tr = crate::i18n::current();
    let texts: serde_json::Map<String, serde_json::Value> = EDITOR_TEXTS
        .iter()
        .chain(EDITOR_TEXTS_MORE.iter())
        .map(|(name, key)| ((*name).to_owned(), tr.t(key).into()))
        .collect();
    serde_json::Value::Object(texts).to_string()
}

#[tracing::instrument(skip_all, fields(tenant_id = %page.owner.tenant_id))]
async fn page(page: OwnerPage) -> PageResult {
    let view = MenuPage {
        chrome: page.chrome("menu"),
        texts: editor_texts(),
    };
    Ok(render(StatusCode::OK, &view))
}
