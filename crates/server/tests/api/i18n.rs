//! The public pages in the visitor's language: log-in, sign-up (every
//! refused field at once, in that language), error pages, the language
//! switcher for visitors and for people logged in.

use flowhq_domain::Language;
use flowhq_domain::values::Email;
use reqwest::{Client, StatusCode};

use crate::helpers::{SendOk, TestApp, run};
use crate::page_client::{browser, csrf_token};

flowhq_store::backend_tests!(run:
    the_public_pages_follow_the_browsers_language,
    an_empty_sign_up_is_refused_in_portuguese_all_at_once,
    error_pages_speak_the_visitors_language_and_the_api_stays_json,
    the_switcher_remembers_a_visitors_and_a_users_choice,
);

/// What a person reads on a page: the text between tags and the labels
/// assistive technology reads out (`aria-label`, `title`, `placeholder`),
/// without scripts and styles.
pub fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        out.push(' ');
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let tag = &rest[open..open + close];
        for attribute in ["aria-label=\"", "title=\"", "placeholder=\""] {
            if let Some(at) = tag.find(attribute) {
                let value = &tag[at + attribute.len()..];
                out.push_str(&value[..value.find('"').unwrap_or(value.len())]);
                out.push(' ');
            }
        }
        rest = &rest[open + close + 1..];
        for skipped in ["script", "style"] {
            if tag.starts_with(&format!("<{skipped}")) {
                let end = format!("</{skipped}>");
                rest = rest.find(&end).map_or("", |at| &rest[at + end.len()..]);
            }
        }
    }
    out.push_str(rest);
    out.replace("&#x27;", "'").replace("&quot;", "\"")
}

/// English words that betray an untranslated text on a Portuguese or
/// Spanish page.
pub const ENGLISH_GIVEAWAYS: [&str; 14] = [
    "the", "your", "you", "and", "with", "password", "email", "log", "account", "create",
    "business", "phone", "not", "found",
];

/// Fails when `html`'s visible text has an English giveaway word. The
/// bot texts' placeholders (`{business_name}`) are names, not English.
pub fn assert_not_english(html: &str, context: &str) {
    let mut text = visible_text(html).to_lowercase();
    while let Some(open) = text.find('{') {
        let Some(close) = text[open..].find('}') else {
            break;
        };
        text.replace_range(open..=open + close, " ");
    }
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    for giveaway in ENGLISH_GIVEAWAYS {
        assert!(
            !words.contains(&giveaway),
            "{context}: English word {giveaway:?} in {text}"
        );
    }
}

async fn page(app: &TestApp, client: &Client, path: &str, language: &str) -> (StatusCode, String) {
    let response = client
        .get(app.url(path))
        .header("accept-language", language)
        .sent()
        .await;
    (response.status(), response.text().await.unwrap())
}

async fn the_public_pages_follow_the_browsers_language(app: TestApp) {
    let client = browser();
    for (language, lang, login, signup) in [
        (
            "pt-BR,pt;q=0.9,en;q=0.8",
            "pt-BR",
            "Entrar",
            "Crie sua conta",
        ),
        ("es-MX,es;q=0.9", "es", "Iniciar sesión", "Crea tu cuenta"),
    ] {
        let (status, html) = page(&app, &client, "/login", language).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(&format!("<html lang=\"{lang}\">")), "{html}");
        assert!(html.contains(login), "{html}");
        assert_not_english(&html, &format!("/login in {lang}"));
        let (status, html) = page(&app, &client, "/signup", language).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(&format!("<html lang=\"{lang}\">")));
        assert!(html.contains(signup), "{html}");
        assert_not_english(&html, &format!("/signup in {lang}"));
    }
    // No language of ours asked for: English.
    let (_, html) = page(&app, &client, "/login", "de-DE").await;
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("Forgot password?"));
    app.stop().await;
}

async fn an_empty_sign_up_is_refused_in_portuguese_all_at_once(app: TestApp) {
    let client = browser();
    let brazilian = "pt-BR,pt;q=0.9";
    let (_, html) = page(&app, &client, "/signup", brazilian).await;
    let token = csrf_token(&html);
    let response = client
        .post(app.url("/signup"))
        .header("accept-language", brazilian)
        .form(&[("csrf_token", token.as_str())])
        .sent()
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("Corrija os campos marcados."), "{html}");
    for (field, label) in [
        ("name", "Seu nome"),
        ("email", "E-mail"),
        ("phone", "Celular"),
        ("password", "Senha"),
    ] {
        assert!(
            html.contains(&format!("<a href=\"#{field}\">{label}: ")),
            "{field} in the summary: {html}"
        );
        assert!(html.contains(&format!("id=\"{field}-error\"")), "{field}");
    }
    assert_not_english(&html, "refused sign-up");
    assert!(app.store.count_tenants(&Default::default()).await.unwrap() == 0);

    // Typed the Brazilian way: stored in E.164, and the business starts in
    // the language it signed up in.
    let response = client
        .post(app.url("/signup"))
        .header("accept-language", brazilian)
        .form(&[
            ("csrf_token", token.as_str()),
            ("name", "Ana Souza"),
            ("business_name", "Padaria Sol"),
            ("email", "ana@padaria.example"),
            ("phone", "11 98765-4321"),
            ("password", "tulip-harbour-42-x"),
        ])
        .sent()
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let user = app
        .store
        .user_by_email(&Email::parse("ana@padaria.example").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.phone.as_deref(), Some("+5511987654321"));
    assert_eq!(user.language, None, "no choice made yet");
    let tenant = user.tenant_id.unwrap();
    assert_eq!(
        app.store.tenant_language(tenant).await.unwrap(),
        Language::Pt
    );
    // Her pages follow her business's language whatever the browser says.
    let (_, html) = page(&app, &client, "/app/setup", "en-US").await;
    assert!(html.contains("<html lang=\"pt-BR\">"), "{html}");
    app.stop().await;
}

async fn error_pages_speak_the_visitors_language_and_the_api_stays_json(app: TestApp) {
    let client = browser();
    for path in ["/nope", "/app/nope"] {
        let response = client
            .get(app.url(path))
            .header("accept-language", "pt-BR")
            .sent()
            .await;
        // /app/nope asks an anonymous visitor to log in first.
        if response.status() == StatusCode::SEE_OTHER {
            continue;
        }
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let html = response.text().await.unwrap();
        assert!(html.contains("<html lang=\"pt-BR\">"));
        assert!(html.contains("Não encontrado"), "{html}");
        assert_not_english(&html, path);
    }
    let response = client
        .get(app.url("/api/nope"))
        .header("accept-language", "pt-BR")
        .sent()
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
    assert_eq!(body["error"]["message"], "route not found");

    // A logged-in owner's unknown page is an HTML 404 too.
    let owner = browser();
    app.sign_up(&owner, "nope@example.com").await;
    let response = owner
        .get(app.url("/app/nope"))
        .header("accept-language", "es")
        .sent()
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let html = response.text().await.unwrap();
    assert!(html.contains("No encontrado"), "{html}");
    app.stop().await;
}

async fn the_switcher_remembers_a_visitors_and_a_users_choice(app: TestApp) {
    // A visitor: a cookie, back to the same page, over the browser's own.
    let client = browser();
    let response = client
        .get(app.url("/language/es?next=%2Fsignup"))
        .sent()
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/signup");
    let (_, html) = page(&app, &client, "/signup", "pt-BR").await;
    assert!(html.contains("<html lang=\"es\">"));
    // Only a path of this site to come back to; an unknown language is a 404.
    let response = client
        .get(app.url("/language/pt?next=https%3A%2F%2Fevil.example"))
        .sent()
        .await;
    assert_eq!(response.headers()["location"], "/");
    let response = client.get(app.url("/language/fr")).sent().await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    // Someone logged in: saved on the account (a form with the session's
    // token), so it holds on any browser.
    let owner = browser();
    let body = app.sign_up(&owner, "switch@example.com").await;
    let (_, html) = page(&app, &owner, "/app", "en").await;
    let token = csrf_token(&html);
    let refused = owner
        .post(app.url("/language"))
        .form(&[("language", "pt"), ("next", "/app")])
        .sent()
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let response = owner
        .post(app.url("/language"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("language", "pt"),
            ("next", "/app"),
        ])
        .sent()
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/app");
    let id = body["user"]["id"].as_str().expect("the new user's id");
    let user = app.store.user(id.parse().unwrap()).await.unwrap();
    assert_eq!(user.language, Some(Language::Pt));
    app.stop().await;
}
