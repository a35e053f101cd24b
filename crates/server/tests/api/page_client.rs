//! A browser for the page tests: a cookie jar, redirects left to the test,
//! and the few steps every page test takes (a GET, a form POST, the
//! form's CSRF token).

use reqwest::{Client, Response, StatusCode};

use crate::helpers::{SendOk, TestApp};

/// A browser that does not follow redirects, so that tests see them.
pub fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub fn location(response: &Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The value of the first `csrf_token` hidden field in a page.
pub fn csrf_token(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("a csrf_token field") + marker.len();
    let end = html[start..].find('"').unwrap() + start;
    html[start..end].to_owned()
}

pub async fn get(app: &TestApp, client: &Client, path: &str) -> (StatusCode, String) {
    let response = client.get(app.url(path)).sent().await;
    let status = response.status();
    (status, response.text().await.unwrap())
}

pub async fn post(
    app: &TestApp,
    client: &Client,
    path: &str,
    form: &[(&str, &str)],
) -> (StatusCode, String, String) {
    let response = client.post(app.url(path)).form(form).sent().await;
    let status = response.status();
    let location = location(&response);
    (status, location, response.text().await.unwrap())
}
