//! The operator console in the operator's language: an admin who never
//! chose one gets the console in the browser's language.

use reqwest::header::{ACCEPT_LANGUAGE, HeaderMap, HeaderValue};
use reqwest::{Client, StatusCode};

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, OWNER_PASSWORD, TestApp, run};
use crate::page_client::{csrf_token, get, post};

flowhq_store::backend_tests!(run:
    the_console_speaks_the_browsers_language,
);

/// Words that only an English page would have.
const ENGLISH: [&str; 4] = [" the ", "Tenants", "Setup requests", "Approve"];

/// A browser asking for Spanish, not following redirects.
fn spanish_browser() -> Client {
    let mut headers = HeaderMap::new();
    headers.insert(ACCEPT_LANGUAGE, HeaderValue::from_static("es-419,es;q=0.9"));
    Client::builder()
        .cookie_store(true)
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Logs `email` in through the login page.
async fn log_in(app: &TestApp, email: &str, password: &str) -> Client {
    let client = spanish_browser();
    let (_, html) = get(app, &client, "/login").await;
    let token = csrf_token(&html);
    let form = [
        ("email", email),
        ("password", password),
        ("csrf_token", &token),
    ];
    let (status, _, _) = post(app, &client, "/login", &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "login of {email}");
    client
}

/// An owner signs up and sends a setup request, so that the queue has one
/// to approve.
async fn an_owner_asks_for_setup(app: &TestApp) {
    let owner = spanish_browser();
    let (_, html) = get(app, &owner, "/signup").await;
    let token = csrf_token(&html);
    let form = [
        ("csrf_token", token.as_str()),
        ("name", "Lucía Pérez"),
        ("business_name", "Panadería Luna"),
        ("email", "lucia@panaderia.example"),
        ("phone", "+5215512345678"),
        ("password", OWNER_PASSWORD),
    ];
    let (status, location, _) = post(app, &owner, "/signup", &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, "/app/setup");
    let (_, html) = get(app, &owner, "/app/setup").await;
    let token = csrf_token(&html);
    let form = [
        ("csrf_token", token.as_str()),
        ("business_name", "Panadería Luna"),
        ("template_type", "RETAIL"),
        ("language", "ES"),
        ("whatsapp_number", "+52 55 1234 5678"),
        ("timezone", "America/Mexico_City"),
        ("mon_open1", "08:00"),
        ("mon_close1", "18:00"),
        ("notes", "Antes del viernes"),
    ];
    let (status, location, _) = post(app, &owner, "/app/setup", &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, "/app");
}

fn assert_spanish(path: &str, html: &str, expected: &[&str]) {
    assert!(html.contains("<html lang=\"es\">"), "{path}: {html}");
    for text in expected {
        assert!(html.contains(text), "{path} should say {text:?}: {html}");
    }
    for word in ENGLISH {
        assert!(!html.contains(word), "{path} says {word:?}: {html}");
    }
}

async fn the_console_speaks_the_browsers_language(app: TestApp) {
    app.create_tenant("Bar Central", "+34910000001").await;
    an_owner_asks_for_setup(&app).await;
    let admin = log_in(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;

    let (status, html) = get(&app, &admin, "/admin").await;
    assert_eq!(status, StatusCode::OK);
    assert_spanish(
        "/admin",
        &html,
        &[
            "<h1>Panel</h1>",
            "Negocios por estado",
            "Mensajes de hoy (UTC)",
            "Solicitudes de alta pendientes",
            "Esperando aprobación",
        ],
    );

    let (status, html) = get(&app, &admin, "/admin/tenants").await;
    assert_eq!(status, StatusCode::OK);
    assert_spanish(
        "/admin/tenants",
        &html,
        &[
            "<h1>Negocios</h1>",
            "data-testid=\"tenant-total\">2 negocios.",
            "Cualquier estado",
            "Última señal de vida",
            "Bar Central",
        ],
    );
    let (_, html) = get(&app, &admin, "/admin/tenants?q=central").await;
    assert_spanish(
        "/admin/tenants?q=central",
        &html,
        &["data-testid=\"tenant-total\">1 negocio coincide."],
    );

    let (status, html) = get(&app, &admin, "/admin/setup-requests").await;
    assert_eq!(status, StatusCode::OK);
    assert_spanish(
        "/admin/setup-requests",
        &html,
        &[
            "<h1>Solicitudes</h1>",
            "Panadería Luna",
            "Aprobar",
            "Rechazar…",
            "<dt>Zona horaria</dt>",
            "Tienda",
            "En espera",
            "Español",
        ],
    );
}
