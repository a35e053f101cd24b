//! The owner portal in the business's language: an owner whose business
//! speaks Portuguese reads the portal's pages in Brazilian Portuguese, with
//! no English left in them.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{SendOk, TestApp, browser, run};

flowhq_store::backend_tests!(run:
    an_owner_of_a_portuguese_business_reads_the_portal_in_portuguese,
    an_owner_of_a_spanish_business_reads_the_portal_in_spanish_whatever_the_browser,
);

/// Words that would betray a text left in English.
const ENGLISH: [&str; 10] = [
    " the ",
    " your ",
    "Your ",
    "Save",
    "Settings",
    "Opening hours",
    "Time zone",
    "Monday",
    "Business name",
    "Please ",
];

async fn an_owner_of_a_portuguese_business_reads_the_portal_in_portuguese(app: TestApp) {
    let owner = browser();
    app.sign_up(&owner, "ana@padaria.example").await;
    let response = owner
        .patch(app.url("/api/portal/tenant/current/config"))
        .json(&json!({"language": "PT"}))
        .sent()
        .await;
    assert_eq!(response.status(), StatusCode::OK, "the business speaks PT");

    for (path, expected) in [
        (
            "/app",
            &["Seu assistente de WhatsApp", "Envie seus dados", "Ajustes"][..],
        ),
        (
            "/app/settings",
            &[
                "Horário de funcionamento",
                "Segunda-feira",
                "Salvar os ajustes",
                "Fuso horário",
            ][..],
        ),
        (
            "/app/setup",
            &[
                "Sua empresa",
                "Nome da empresa",
                "Enviar para aprovação",
                "Abre – fecha",
            ][..],
        ),
    ] {
        let response = owner.get(app.url(path)).sent().await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        let html = response.text().await.unwrap();
        assert!(html.contains("<html lang=\"pt-BR\">"), "{path}: {html}");
        for text in expected {
            assert!(html.contains(text), "{path} says {text:?}: {html}");
        }
        for word in ENGLISH {
            assert!(!html.contains(word), "{path} has English {word:?}: {html}");
        }
    }
}

async fn an_owner_of_a_spanish_business_reads_the_portal_in_spanish_whatever_the_browser(
    app: TestApp,
) {
    use flowhq_domain::Language;
    use flowhq_server::i18n::Tr;
    let owner = browser();
    let response = owner
        .post(app.url("/api/portal/signup"))
        .json(&json!({
            "name": "Lucía Pérez",
            "email": "lucia@tapas.example",
            "password": "olive-harbour-42",
            "phone": "+34612345678",
            "business_name": "Tapas Lucía",
            "language": "ES",
        }))
        .sent()
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let es = Tr::new(Language::Es);
    for (path, keys) in [
        ("/app", &["app-status-title", "nav-settings"][..]),
        (
            "/app/settings",
            &["app-hours-title", "app-settings-save", "app-timezone"][..],
        ),
    ] {
        let response = owner
            .get(app.url(path))
            .header("accept-language", "en-US,en;q=0.9")
            .sent()
            .await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        let html = response.text().await.unwrap();
        assert!(html.contains("<html lang=\"es\">"), "{path}: {html}");
        for key in keys {
            let text = es.t(key);
            assert_ne!(text, Tr::new(Language::En).t(key), "{key} translated");
            assert!(html.contains(&text), "{path} says {text:?}: {html}");
        }
        crate::i18n::assert_not_english(&html, path);
    }
}
