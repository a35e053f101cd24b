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
}

#[tracing::instrument(skip_all, fields(tenant_id = %page.owner.tenant_id))]
async fn page(page: OwnerPage) -> PageResult {
    let view = MenuPage {
        chrome: page.chrome("menu"),
    };
    Ok(render(StatusCode::OK, &view))
}
