//! The owner portal in the business's language: an owner whose business
//! speaks Portuguese reads the portal's pages in Brazilian Portuguese, with
//! no English left in them.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{SendOk, TestApp, browser, run};

flowhq_store::backend_tests!(run:
    an_owner_of_a_portuguese_business_reads_the_portal_in_portuguese,
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
