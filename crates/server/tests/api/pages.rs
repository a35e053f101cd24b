//! The server-rendered pages: status codes for every page, anonymous
//! visitors sent to the login page, CSRF refusals that change nothing, the
//! roles kept apart, and another tenant's ids not found.

use flowhq_domain::values::Email;
use flowhq_domain::{SetupRequestStatus, TenantId, TenantStatus};
use reqwest::{Client, StatusCode};
use serde_json::Value;

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, OWNER_PASSWORD, SendOk, TestApp, run};
use crate::page_client::{browser, csrf_token, get, location, post};

flowhq_store::backend_tests!(run:
    anonymous_visitors_are_sent_to_the_login_page,
    the_public_pages_and_assets_render,
    anonymous_forms_without_a_valid_token_are_refused,
    a_wrong_password_keeps_the_email_and_never_echoes_the_password,
    an_admin_sees_every_console_page,
    an_owner_onboards_through_the_pages_and_never_sees_the_console,
    logged_in_forms_without_the_sessions_token_change_nothing,
    an_admin_rejects_with_notes_and_approves_from_the_queue,
    lifecycle_buttons_show_only_when_allowed,
    unknown_pages_are_html_and_an_ended_session_says_so,
    owners_manage_webhooks_from_their_page,
    an_owner_makes_and_revokes_api_keys_and_an_operator_lifts_the_guard,
    the_tenant_page_shows_the_last_days_activity,
    an_owner_invites_staff_who_see_the_inbox_only,
);

/// The owner's text `key` in Portuguese, the language of the businesses
/// these tests set up.
fn in_portuguese(key: &str) -> String {
    flowhq_server::i18n::Tr::new(flowhq_domain::Language::Pt).t(key)
}

/// Logs `email` in through the login page; returns the browser.
async fn log_in(app: &TestApp, email: &str, password: &str) -> Client {
    let client = browser();
    let (status, html) = get(app, &client, "/login").await;
    assert_eq!(status, 200);
    let token = csrf_token(&html);
    let (status, location, _) = post(
        app,
        &client,
        "/login",
        &[
            ("email", email),
            ("password", password),
            ("csrf_token", &token),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "login of {email}");
    assert!(
        matches!(location.as_str(), "/admin" | "/app" | "/app/inbox"),
        "{location}"
    );
    client
}

/// Signs an owner up through the sign-up page; returns the browser.
async fn sign_up(app: &TestApp, email: &str) -> Client {
    let client = browser();
    let (_, html) = get(app, &client, "/signup").await;
    let token = csrf_token(&html);
    let (status, location, body) = post(
        app,
        &client,
        "/signup",
        &[
            ("csrf_token", &token),
            ("name", "Ana Souza"),
            ("business_name", "Padaria Sol"),
            ("email", email),
            ("phone", "+5511987654321"),
            ("password", OWNER_PASSWORD),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(location, "/app/setup");
    client
}

fn setup_form(token: &str, number: &str) -> Vec<(String, String)> {
    let mut form: Vec<(String, String)> = [
        ("csrf_token", token),
        ("business_name", "Padaria Sol"),
        ("template_type", "RETAIL"),
        ("language", "PT"),
        ("whatsapp_number", number),
        ("timezone", "America/Sao_Paulo"),
        ("mon_open1", "08:00"),
        ("mon_close1", "12:00"),
        ("mon_open2", "14:00"),
        ("mon_close2", "18:00"),
        ("sat_open1", "08:00"),
        ("sat_close1", "12:00"),
        ("notes", "Before Friday, please"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    form.push(("sun_open1".into(), String::new()));
    form
}

async fn submit_setup(app: &TestApp, owner: &Client) -> TenantId {
    let (_, html) = get(app, owner, "/app/setup").await;
    let token = csrf_token(&html);
    let response = owner
        .post(app.url("/app/setup"))
        .form(&setup_form(&token, "+55 11 98765-4321"))
        .sent()
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/app");
    owner_tenant(app, "ana@padaria.example").await
}

async fn owner_tenant(app: &TestApp, email: &str) -> TenantId {
    app.store
        .user_by_email(&Email::parse(email).unwrap())
        .await
        .unwrap()
        .expect("the owner")
        .tenant_id
        .expect("a tenant")
}

async fn anonymous_visitors_are_sent_to_the_login_page(app: TestApp) {
    let tenant = app.create_tenant("Bar Central", "+34910000001").await;
    let id = tenant["id"].as_str().unwrap();
    let client = browser();
    for path in [
        "/admin".to_owned(),
        "/admin/tenants".to_owned(),
        format!("/admin/tenants/{id}"),
        format!("/admin/tenants/{id}/live"),
        "/admin/setup-requests".to_owned(),
        "/app".to_owned(),
        "/app/live".to_owned(),
        "/app/setup".to_owned(),
        "/app/messages".to_owned(),
        "/app/preview".to_owned(),
    ] {
        let response = client.get(app.url(&path)).sent().await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "GET {path}");
        let to = location(&response);
        assert!(to.starts_with("/login?next=%2F"), "GET {path} → {to}");
    }
    let response = client.get(app.url("/")).sent().await;
    assert_eq!(location(&response), "/login");
    // Posting without a session changes nothing and asks for a login.
    let response = client
        .post(app.url(&format!("/admin/tenants/{id}/pause")))
        .form(&[("csrf_token", "x")])
        .sent()
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).starts_with("/login"));
}

async fn the_public_pages_and_assets_render(app: TestApp) {
    let client = browser();
    for path in ["/login", "/signup"] {
        let response = client.get(app.url(path)).sent().await;
        assert_eq!(response.status(), 200, "{path}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let cookies: Vec<String> = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        let html = response.text().await.unwrap();
        assert!(html.contains("<label for=\"email\">"), "{path}");
        let token = csrf_token(&html);
        assert_eq!(token.len(), 64);
        if path == "/login" {
            // The first visit sets the double-submit cookie with the same value.
            assert!(
                cookies
                    .iter()
                    .any(|c| c.starts_with(&format!("flowhq_csrf={token}"))
                        && c.contains("HttpOnly")
                        && c.contains("SameSite=Strict")),
                "{cookies:?}"
            );
        } else {
            // …which later pages reuse.
            assert!(cookies.is_empty(), "{cookies:?}");
        }
    }
    let css = client.get(app.url("/static/app.css")).sent().await;
    assert_eq!(css.status(), 200);
    assert!(
        css.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    let js = client.get(app.url("/static/app.js")).sent().await;
    assert_eq!(js.status(), 200);
}

async fn anonymous_forms_without_a_valid_token_are_refused(app: TestApp) {
    let client = browser();
    let (_, html) = get(&app, &client, "/login").await;
    let token = csrf_token(&html);

    // No token, a wrong token, and the right token without its cookie.
    for form_token in [None, Some("0".repeat(64)), Some(token.clone())] {
        let client = if form_token.as_deref() == Some(token.as_str()) {
            browser()
        } else {
            client.clone()
        };
        let mut form = vec![("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)];
        if let Some(t) = &form_token {
            form.push(("csrf_token", t));
        }
        let response = client.post(app.url("/login")).form(&form).sent().await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert!(
            response.headers().get("set-cookie").is_none(),
            "no session for a refused login"
        );
        let html = response.text().await.unwrap();
        assert!(html.contains("This form has expired"));

        let mut signup = vec![
            ("name", "Eve"),
            ("email", "eve@example.com"),
            ("phone", "+34910000009"),
            ("password", OWNER_PASSWORD),
        ];
        if let Some(t) = &form_token {
            signup.push(("csrf_token", t));
        }
        let response = client.post(app.url("/signup")).form(&signup).sent().await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
    assert!(
        app.store
            .user_by_email(&Email::parse("eve@example.com").unwrap())
            .await
            .unwrap()
            .is_none(),
        "a refused sign-up creates nothing"
    );
}

async fn a_wrong_password_keeps_the_email_and_never_echoes_the_password(app: TestApp) {
    let client = browser();
    let (_, html) = get(&app, &client, "/login").await;
    let token = csrf_token(&html);
    let (status, _, html) = post(
        &app,
        &client,
        "/login",
        &[
            ("email", ADMIN_EMAIL),
            ("password", "not-the-password-42"),
            ("csrf_token", &token),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(html.contains(&format!("value=\"{ADMIN_EMAIL}\"")));
    assert!(!html.contains("not-the-password-42"));
    assert!(html.contains("do not match"));

    // Sign-up errors name the field and keep the other inputs.
    let (_, html) = get(&app, &client, "/signup").await;
    let token = csrf_token(&html);
    let (status, _, html) = post(
        &app,
        &client,
        "/signup",
        &[
            ("csrf_token", &token),
            ("name", "Ana Souza"),
            ("business_name", "Padaria <Sol>"),
            ("email", "ana@padaria.example"),
            ("phone", "+5511987654321"),
            ("password", "short-pw"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("value=\"Padaria &#60;Sol&#62;\"") || html.contains("Padaria &lt;Sol&gt;")
    );
    assert!(html.contains("id=\"password-error\""));
    assert!(!html.contains("short-pw"));

    // An empty form: every field's error at once, linked from the summary.
    let token = csrf_token(&html);
    let (status, _, html) = post(
        &app,
        &client,
        "/signup",
        &[
            ("csrf_token", &token),
            ("name", ""),
            ("email", ""),
            ("phone", ""),
            ("password", ""),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["name", "email", "phone", "password"] {
        assert!(
            html.contains(&format!("id=\"{field}-error\"")),
            "{field}: {html}"
        );
        assert!(html.contains(&format!("href=\"#{field}\"")), "{field}");
    }

    // A number typed the Brazilian way, from a Brazilian browser: E.164.
    let token = csrf_token(&html);
    let response = client
        .post(app.url("/signup"))
        .header("accept-language", "pt-BR,pt;q=0.9")
        .form(&[
            ("csrf_token", token.as_str()),
            ("name", "Ana Souza"),
            ("business_name", "Padaria Sol"),
            ("email", "ana.local@padaria.example"),
            ("phone", "11 98765-4321"),
            ("password", "tulip-harbour-42-x"),
        ])
        .sent()
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let user = app
        .store
        .user_by_email(&flowhq_domain::values::Email::parse("ana.local@padaria.example").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.phone.as_deref(), Some("+5511987654321"));
}

async fn an_admin_sees_every_console_page(app: TestApp) {
    let tenant = app.create_tenant("Bar Central", "+34910000001").await;
    let id = tenant["id"].as_str().unwrap();
    let admin = log_in(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    for (path, expect) in [
        ("/".to_owned(), StatusCode::SEE_OTHER),
        ("/login".to_owned(), StatusCode::SEE_OTHER),
        ("/admin".to_owned(), StatusCode::OK),
        ("/admin/tenants".to_owned(), StatusCode::OK),
        (
            "/admin/tenants?q=central&status=NEW".to_owned(),
            StatusCode::OK,
        ),
        ("/admin/tenants?status=ACTIVE".to_owned(), StatusCode::OK),
        (format!("/admin/tenants/{id}"), StatusCode::OK),
        (format!("/admin/tenants/{id}/live"), StatusCode::OK),
        ("/admin/setup-requests".to_owned(), StatusCode::OK),
        (
            "/admin/setup-requests?status=all".to_owned(),
            StatusCode::OK,
        ),
        (
            format!("/admin/tenants/{}", TenantId::new()),
            StatusCode::NOT_FOUND,
        ),
        ("/admin/tenants/not-an-id".to_owned(), StatusCode::NOT_FOUND),
        (
            format!("/admin/tenants/{id}?before={}", TenantId::new()),
            StatusCode::OK,
        ),
        // The portal is the owners'.
        ("/app".to_owned(), StatusCode::FORBIDDEN),
        ("/app/setup".to_owned(), StatusCode::FORBIDDEN),
    ] {
        let (status, _) = get(&app, &admin, &path).await;
        assert_eq!(status, expect, "GET {path}");
    }
    let (_, html) = get(&app, &admin, "/admin").await;
    assert!(html.contains("Tenants by status"));
    assert!(html.contains("Messages today (UTC)"));
    let (_, html) = get(&app, &admin, "/admin/tenants?q=central").await;
    assert!(html.contains("Bar Central"));
    let (_, html) = get(&app, &admin, "/admin/tenants?q=nobody").await;
    assert!(!html.contains("Bar Central"));
    let (_, html) = get(&app, &admin, &format!("/admin/tenants/{id}")).await;
    assert!(html.contains("Status history"));
    assert!(html.contains("No log file yet"));
    assert!(html.contains("Delete tenant"));

    // The tenant's settings, edited by the operator: every field of the
    // form sent back with one change.
    let settings = format!("/admin/tenants/{id}/settings");
    let (status, html) = get(&app, &admin, &settings).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Settings of <bdi>Bar Central</bdi>"),
        "{html}"
    );
    let token = csrf_token(&html);
    let mut form: Vec<(String, String)> = vec![
        ("csrf_token".into(), token),
        ("business_name".into(), "Bar Central Norte".into()),
        ("language".into(), "ES".into()),
        ("timezone".into(), "Europe/Madrid".into()),
        ("mon_open1".into(), "09:00".into()),
        ("mon_close1".into(), "18:00".into()),
        ("fact_address".into(), "Calle Mayor 1".into()),
        ("closure_from_0".into(), "2026-12-24".into()),
        ("closure_to_0".into(), "2026-12-26".into()),
    ];
    for key in [
        "greeting",
        "menu_intro",
        "menu_hint",
        "away",
        "away_no_hours",
        "handoff",
        "handoff_closed",
        "fallback",
    ] {
        form.push((
            format!("text_{key}"),
            format!("{key} de {{business_name}}."),
        ));
    }
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (status, location, body) = post(&app, &admin, &settings, &pairs).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert!(
        location.starts_with(&format!("{settings}?saved=")),
        "{location}"
    );
    let detail = app.get_admin(&format!("/api/admin/tenants/{id}")).await;
    assert_eq!(detail["name"], "Bar Central Norte");
    assert_eq!(detail["config"]["facts"]["address"], "Calle Mayor 1");
    assert_eq!(detail["config"]["closures"][0]["to"], "2026-12-26");
    let history = app
        .get_admin(&format!("/api/admin/tenants/{id}/config/history"))
        .await;
    assert!(
        history["items"][0]["actor"]
            .as_str()
            .unwrap()
            .starts_with("admin:"),
        "{history}"
    );

    // Delete, with the page's token: gone, and the list names it.
    let doomed = app.create_tenant("Doomed Deli", "+34910000099").await;
    let doomed = doomed["id"].as_str().unwrap();
    let (_, html) = get(&app, &admin, &format!("/admin/tenants/{doomed}")).await;
    let token = csrf_token(&html);
    let path = format!("/admin/tenants/{doomed}/delete");
    let (status, _, _) = post(&app, &admin, &path, &[("csrf_token", "wrong")]).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a forged delete changes nothing"
    );
    let (status, location, _) = post(&app, &admin, &path, &[("csrf_token", &token)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, "/admin/tenants?deleted=Doomed+Deli");
    let (_, html) = get(&app, &admin, &location).await;
    assert!(html.contains("Doomed Deli</bdi> was deleted"), "{html}");
    let (status, _) = get(&app, &admin, &format!("/admin/tenants/{doomed}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Pages of tenants: 25 a page, with a link to the next.
    for i in 0..26 {
        app.create_tenant(&format!("Shop {i:02}"), &format!("+3491100{i:04}"))
            .await;
    }
    let (_, html) = get(&app, &admin, "/admin/tenants").await;
    assert!(html.contains("Next page"));
    assert!(html.contains("Page 1 of 2"), "{html}");
    assert!(
        html.contains("data-testid=\"tenant-total\">27 tenants."),
        "{html}"
    );
    assert!(html.contains("Messages, 24 h"));
    let (_, one) = get(&app, &admin, "/admin/tenants?q=shop%2001").await;
    assert!(
        one.contains("data-testid=\"tenant-total\">1 tenant matches."),
        "{one}"
    );
    let next = html
        .split("href=\"")
        .find(|s| s.contains("cursor="))
        .map(|s| {
            s[..s.find('"').unwrap()]
                .replace("&#38;", "&")
                .replace("&amp;", "&")
        })
        .expect("a next link");
    let (status, html) = get(&app, &admin, &next).await;
    assert_eq!(status, 200);
    assert!(html.contains("First page"), "{next}");
    assert!(html.contains("Page 2 of 2"), "{next}");

    // The worker's log shows when there is one.
    let logs = app.data_dir.join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    std::fs::write(
        logs.join(format!("flowhq-worker-{id}.log")),
        "booting\nlinked <ok>\n",
    )
    .unwrap();
    let (_, html) = get(&app, &admin, &format!("/admin/tenants/{id}")).await;
    assert!(html.contains("linked &#60;ok&#62;") || html.contains("linked &lt;ok&gt;"));
}

async fn an_owner_onboards_through_the_pages_and_never_sees_the_console(app: TestApp) {
    let other = app.create_tenant("Someone Else", "+34910000002").await;
    let other_id = other["id"].as_str().unwrap();
    let owner = sign_up(&app, "ana@padaria.example").await;
    let tenant = owner_tenant(&app, "ana@padaria.example").await;

    for (path, expect) in [
        ("/app", StatusCode::OK),
        ("/app/setup", StatusCode::OK),
        ("/app/messages", StatusCode::OK),
        ("/app/preview", StatusCode::OK),
        ("/app/live", StatusCode::OK),
        ("/signup", StatusCode::SEE_OTHER),
    ] {
        let (status, _) = get(&app, &owner, path).await;
        assert_eq!(status, expect, "GET {path}");
    }
    // The console refuses an owner, their own tenant's page included.
    for path in [
        "/admin".to_owned(),
        "/admin/tenants".to_owned(),
        format!("/admin/tenants/{tenant}"),
        format!("/admin/tenants/{other_id}"),
        "/admin/setup-requests".to_owned(),
    ] {
        let (status, html) = get(&app, &owner, &path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "GET {path}");
        assert!(!html.contains("Someone Else"));
    }
    // Another tenant's message ids are not found in the portal.
    let (status, _) = get(
        &app,
        &owner,
        &format!("/app/messages?before={}", TenantId::new()),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // An invalid setup keeps what was typed and names the field.
    let (_, html) = get(&app, &owner, "/app/setup").await;
    assert!(html.contains("America/Sao_Paulo"));
    let token = csrf_token(&html);
    let mut bad = setup_form(&token, "not a number");
    bad.push(("tue_open1".into(), "09:00".into()));
    let response = owner.post(app.url("/app/setup")).form(&bad).sent().await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("value=\"Padaria Sol\""));
    assert!(html.contains("Tuesday: Give both an opening and a closing time."));
    assert_eq!(
        app.store.tenant(tenant).await.unwrap().status,
        TenantStatus::New
    );
    let response = owner
        .post(app.url("/app/setup"))
        .form(&setup_form(&token, "not a number"))
        .sent()
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"whatsapp_number-error\""), "{html}");

    let tenant = submit_setup(&app, &owner).await;
    let detail = app.store.tenant_detail(tenant).await.unwrap();
    assert_eq!(detail.tenant.status, TenantStatus::Pending);
    assert_eq!(detail.config.business_name, "Padaria Sol");
    assert_eq!(detail.config.hours.timezone.name(), "America/Sao_Paulo");
    assert_eq!(detail.config.hours.days[0].len(), 2);
    // The business is Portuguese now: so are its owner's pages.
    let (_, html) = get(&app, &owner, "/app").await;
    assert!(
        html.contains(&in_portuguese("app-status-pending-title")),
        "{html}"
    );
    let (_, html) = get(&app, &owner, "/app/setup").await;
    assert!(html.contains(" disabled"), "read-only once sent");

    // The bot preview answers with the owner's own configuration.
    let (_, html) = get(&app, &owner, "/app/preview").await;
    let token = csrf_token(&html);
    let (status, _, html) = post(
        &app,
        &owner,
        "/app/preview",
        &[("csrf_token", &token), ("text", "Oi")],
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&in_portuguese("app-preview-answer")),
        "{html}"
    );
    let (status, _, _) = post(
        &app,
        &owner,
        "/app/preview",
        &[("csrf_token", &token), ("text", " ")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Logging out needs the token too; then the pages ask for a login.
    let (status, _, _) = post(&app, &owner, "/logout", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = get(&app, &owner, "/app").await;
    assert_eq!(status, 200, "a refused logout ends nothing");
    let (status, location, _) = post(&app, &owner, "/logout", &[("csrf_token", &token)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, "/login?signed_out=1");
    let (status, _) = get(&app, &owner, "/app").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

async fn logged_in_forms_without_the_sessions_token_change_nothing(app: TestApp) {
    let owner = sign_up(&app, "ana@padaria.example").await;
    let (_, html) = get(&app, &owner, "/app/setup").await;
    let owner_token = csrf_token(&html);
    // The owner's form without a token, or with a made-up one.
    for token in ["", &"f".repeat(64)] {
        let response = owner
            .post(app.url("/app/setup"))
            .form(&setup_form(token, "+5511987654321"))
            .sent()
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
    let tenant = owner_tenant(&app, "ana@padaria.example").await;
    assert_eq!(
        app.store.tenant(tenant).await.unwrap().status,
        TenantStatus::New
    );

    let tenant = submit_setup(&app, &owner).await;
    let request = app
        .store
        .latest_setup_request(tenant)
        .await
        .unwrap()
        .unwrap();
    let admin = log_in(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let approve = format!("/admin/setup-requests/{}/approve", request.id);
    // No token; another session's token (the owner's); and the owner with
    // their own valid token but the wrong role.
    let (status, _, _) = post(&app, &admin, &approve, &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = post(&app, &admin, &approve, &[("csrf_token", &owner_token)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = post(&app, &owner, &approve, &[("csrf_token", &owner_token)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = post(
        &app,
        &admin,
        &format!("/admin/tenants/{tenant}/pause"),
        &[("csrf_token", "nope")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let request = app.store.setup_request(request.id).await.unwrap();
    assert_eq!(request.request.status, SetupRequestStatus::Pending);
    assert_eq!(
        app.store.tenant(tenant).await.unwrap().status,
        TenantStatus::Pending
    );
}

async fn an_admin_rejects_with_notes_and_approves_from_the_queue(app: TestApp) {
    let owner = sign_up(&app, "ana@padaria.example").await;
    let tenant = submit_setup(&app, &owner).await;
    let request = app
        .store
        .latest_setup_request(tenant)
        .await
        .unwrap()
        .unwrap();
    let admin = log_in(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let (status, html) = get(&app, &admin, "/admin/setup-requests").await;
    assert_eq!(status, 200);
    assert!(html.contains("Padaria Sol"));
    assert!(html.contains("ana@padaria.example"));
    let token = csrf_token(&html);

    // Rejecting needs notes; the error shows on that request.
    let reject = format!("/admin/setup-requests/{}/reject", request.id);
    let (status, _, html) = post(
        &app,
        &admin,
        &reject,
        &[("csrf_token", &token), ("notes", "  ")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains(&format!("id=\"notes-{}-error\"", request.id)));
    let (status, location, _) = post(
        &app,
        &admin,
        &reject,
        &[
            ("csrf_token", &token),
            ("notes", "Your number is not a WhatsApp Business one"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        location.starts_with("/admin/setup-requests?notice=rejected&tenant="),
        "{location}"
    );
    let (_, html) = get(&app, &admin, &location).await;
    assert!(
        html.contains("Rejected <a href=\"/admin/tenants/"),
        "{html}"
    );
    let (_, all) = get(&app, &admin, "/admin/setup-requests?status=all").await;
    assert!(
        all.contains("<dt>Time zone</dt>"),
        "the request's facts: {all}"
    );
    let (_, html) = get(&app, &owner, "/app").await;
    assert!(
        html.contains(&in_portuguese("app-status-rejected")),
        "{html}"
    );
    assert!(html.contains("not a WhatsApp Business one"));
    // Deciding twice is a conflict shown on the page.
    let (status, _, _) = post(
        &app,
        &admin,
        &reject,
        &[("csrf_token", &token), ("notes", "again")],
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // The owner sends it again; the admin approves.
    let tenant = submit_setup(&app, &owner).await;
    let request = app
        .store
        .latest_setup_request(tenant)
        .await
        .unwrap()
        .unwrap();
    let (status, location, _) = post(
        &app,
        &admin,
        &format!("/admin/setup-requests/{}/approve", request.id),
        &[("csrf_token", &token)],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location,
        format!("/admin/setup-requests?notice=approved&tenant={tenant}")
    );
    let status = app.store.tenant(tenant).await.unwrap().status;
    assert!(
        matches!(status, TenantStatus::Approved | TenantStatus::QrPending),
        "{status}"
    );
    let (_, html) = get(&app, &owner, "/app").await;
    assert!(
        html.contains(&format!(
            "aria-current=\"step\">{}",
            in_portuguese("app-step-scan")
        )),
        "the owner is at the QR step"
    );
    let live: Value = owner
        .get(app.url("/app/live"))
        .sent()
        .await
        .json()
        .await
        .unwrap();
    assert!(live["key"].as_str().unwrap().starts_with(status.as_str()));

    // "Link with phone number instead": a CSRF-protected form on the QR step.
    assert!(html.contains("action=\"/app/pairing-code\""));
    let owner_token = csrf_token(&html);
    let (status, _, _) = post(
        &app,
        &owner,
        "/app/pairing-code",
        &[("phone_number", "+5511987654321")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no CSRF token, no request");
    let (status, _, html) = post(
        &app,
        &owner,
        "/app/pairing-code",
        &[("csrf_token", &owner_token), ("phone_number", "12")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("role=\"alert\""), "the refusal is shown");
    let (status, location, _) = post(
        &app,
        &owner,
        "/app/pairing-code",
        &[
            ("csrf_token", &owner_token),
            ("phone_number", "+55 11 98765-4321"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, "/app");
    assert_eq!(
        app.store
            .session(tenant)
            .await
            .unwrap()
            .pairing_phone_number
            .as_deref(),
        Some("+5511987654321")
    );
}

async fn lifecycle_buttons_show_only_when_allowed(app: TestApp) {
    let tenant = app.create_tenant("Bar Central", "+34910000001").await;
    let id: TenantId = tenant["id"].as_str().unwrap().parse().unwrap();
    let admin = log_in(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let page = format!("/admin/tenants/{id}");
    let (_, html) = get(&app, &admin, &page).await;
    for action in ["pause", "resume", "retry", "start", "stop", "restart"] {
        assert!(
            !html.contains(&format!("/admin/tenants/{id}/{action}\"")),
            "a NEW tenant has no {action} button"
        );
    }
    let token = csrf_token(&html);
    // Asking anyway is a 409 shown on the page, and nothing moves.
    let (status, _, html) = post(
        &app,
        &admin,
        &format!("{page}/pause"),
        &[("csrf_token", &token)],
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(html.contains("role=\"alert\""));
    assert_eq!(
        app.store.tenant(id).await.unwrap().status,
        TenantStatus::New
    );
    let (status, _, _) = post(
        &app,
        &admin,
        &format!("{page}/explode"),
        &[("csrf_token", &token)],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // An ERROR tenant may pause or retry; after a pause it may resume.
    for event in [
        flowhq_domain::lifecycle::Event::SetupRequestSubmitted,
        flowhq_domain::lifecycle::Event::SetupRequestApproved,
        flowhq_domain::lifecycle::Event::WorkerStarted,
        flowhq_domain::lifecycle::Event::WorkerStale,
    ] {
        app.store.apply_event(id, event, "test").await.unwrap();
    }
    let (_, html) = get(&app, &admin, &page).await;
    assert!(html.contains(&format!("{page}/pause\"")));
    assert!(html.contains(&format!("{page}/retry\"")));
    assert!(!html.contains(&format!("{page}/resume\"")));
    let (status, location, _) = post(
        &app,
        &admin,
        &format!("{page}/pause"),
        &[("csrf_token", &token)],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, format!("{page}?notice=pause"));
    let (_, html) = get(&app, &admin, &location).await;
    assert!(html.contains("Automatic replies are paused."));
    assert!(html.contains(&format!("{page}/resume\"")));
    assert!(!html.contains(&format!("{page}/pause\"")));
    assert_eq!(
        app.store.tenant(id).await.unwrap().status,
        TenantStatus::Paused
    );
    let events = app.store.tenant_events(id).await.unwrap();
    assert!(events.last().unwrap().actor.starts_with("admin:"));
}

async fn unknown_pages_are_html_and_an_ended_session_says_so(app: TestApp) {
    let client = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = client.get(app.url("/no/such/page")).sent().await;
    assert_eq!(page.status(), 404);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(page.text().await.unwrap().contains("Not found"));
    let api = client.get(app.url("/api/no/such/route")).sent().await;
    assert_eq!(api.status(), 404);
    let body: serde_json::Value = api.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");

    // A cookie whose session has ended: back to the same page after login,
    // and the login page says why.
    let stale = format!("flowhq_session={}", "ab".repeat(32));
    let response = client
        .get(app.url("/app/settings?x=1"))
        .header("cookie", stale)
        .sent()
        .await;
    let to = location(&response);
    assert!(
        to.starts_with("/login?next=%2Fapp%2Fsettings%3Fx%3D1"),
        "{to}"
    );
    assert!(to.ends_with("&expired=1"), "{to}");
    let (_, html) = get(&app, &client, &to).await;
    assert!(html.contains("Your session has ended"), "{html}");
    app.stop().await;
}

async fn owners_manage_webhooks_from_their_page(app: TestApp) {
    let owner = sign_up(&app, "hooks@example.com").await;
    let (status, html) = get(&app, &owner, "/app/webhooks").await;
    assert_eq!(status, StatusCode::OK);
    let token = csrf_token(&html);
    // Both refusals at once, next to their fields; nothing is made.
    let (status, _, html) = post(
        &app,
        &owner,
        "/app/webhooks",
        &[("csrf_token", &token), ("url", "ftp://nope")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("id=\"url-error\""), "{html}");
    assert!(html.contains("id=\"events-error\""), "{html}");
    assert!(html.contains("value=\"ftp://nope\""), "the address is kept");
    // Without the session's token nothing changes either.
    let (status, _, _) = post(
        &app,
        &owner,
        "/app/webhooks",
        &[
            ("csrf_token", "wrong"),
            ("url", "https://shop.example.org/h"),
            ("event:message.received", "on"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, html) = post(
        &app,
        &owner,
        "/app/webhooks",
        &[
            ("csrf_token", &token),
            ("url", "https://shop.example.org/h"),
            ("event:message.received", "on"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("whsec_"), "the secret, once");
    assert!(html.contains("https://shop.example.org/h"));
    let (_, html) = get(&app, &owner, "/app/webhooks").await;
    assert!(!html.contains("whsec_"), "never again");
    // The operators' page is the console's; the owner is kept out.
    let (status, _) = get(&app, &owner, "/admin/webhooks").await;
    assert!(
        status == StatusCode::FORBIDDEN || status == StatusCode::SEE_OTHER,
        "{status}"
    );
    let admin = log_in(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let (status, html) = get(&app, &admin, "/admin/webhooks").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !html.contains("shop.example.org"),
        "a tenant's endpoint is not the operators'"
    );
    // The console's tenant page lists the tenant's own endpoints.
    let email = Email::parse("hooks@example.com").unwrap();
    let user = app.store.user_by_email(&email).await.unwrap().unwrap();
    let tenant = user.tenant_id.unwrap();
    let (status, html) = get(&app, &admin, &format!("/admin/tenants/{tenant}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("https://shop.example.org/h"), "{html}");
    app.stop().await;
}

async fn an_owner_makes_and_revokes_api_keys_and_an_operator_lifts_the_guard(app: TestApp) {
    let owner = sign_up(&app, "ana@example.com").await;
    let (status, html) = get(&app, &owner, "/app/api-keys").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("href=\"/app/api-keys\" aria-current=\"page\""),
        "linked in the nav"
    );
    let token = csrf_token(&html);
    // No scope ticked: refused, the name kept.
    let (status, _, html) = post(
        &app,
        &owner,
        "/app/api-keys",
        &[("csrf_token", &token), ("name", "Shop")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("value=\"Shop\""));
    let response = owner
        .post(app.url("/app/api-keys"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("name", "Shop"),
            ("scope", "messages:send"),
            ("scope", "contacts:read"),
        ])
        .sent()
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let html = response.text().await.unwrap();
    let start = html.find("<code>fhq_").expect("the secret, shown") + "<code>".len();
    let secret = &html[start..start + 44];
    // Shown once: the list has its prefix only.
    let (_, list) = get(&app, &owner, "/app/api-keys").await;
    assert!(!list.contains(secret));
    assert!(list.contains(&secret[..12]));
    assert!(list.contains("messages:send, contacts:read"), "{list}");
    let status = app
        .client
        .get(app.url("/api/v1/status"))
        .bearer_auth(secret)
        .sent()
        .await;
    assert_eq!(status.status(), 200);

    // The operator sees the key and lifts the guard.
    let (key, _) = app
        .store
        .api_key_by_prefix(&secret[..12])
        .await
        .unwrap()
        .unwrap();
    let tenant = key.tenant_id;
    let admin = log_in(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let (_, page) = get(&app, &admin, &format!("/admin/tenants/{tenant}")).await;
    assert!(page.contains("Public API") && page.contains(&secret[..12]));
    let admin_token = csrf_token(&page);
    let (status, location, _) = post(
        &app,
        &admin,
        &format!("/admin/tenants/{tenant}/api-guard"),
        &[("csrf_token", &admin_token), ("send_any_contact", "on")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.contains("notice=api-guard-on"), "{location}");
    assert!(app.store.api_send_any_contact(tenant).await.unwrap());

    // The owner revokes it: the key opens nothing any more.
    let (status, location, _) = post(
        &app,
        &owner,
        &format!("/app/api-keys/{}/revoke", key.id),
        &[("csrf_token", &token)],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, "/app/api-keys?notice=revoked");
    let status = app
        .client
        .get(app.url("/api/v1/status"))
        .bearer_auth(secret)
        .sent()
        .await;
    assert_eq!(status.status(), 401);
    app.stop().await;
}

async fn the_tenant_page_shows_the_last_days_activity(app: TestApp) {
    use flowhq_domain::protocol::LoggedMessage;
    use flowhq_domain::{Direction, LoggedDecision};
    let tenant = app.create_tenant("Café Norte", "+34910000077").await;
    let id: TenantId = tenant["id"].as_str().unwrap().parse().unwrap();
    let now = chrono::Utc::now();
    let inbound = |wa: &str, decision, menu_item| LoggedMessage {
        direction: Direction::Inbound,
        from_number: "+34600000001".into(),
        to_number: "+34910000077".into(),
        message_text: "1".into(),
        wa_message_id: wa.into(),
        bot_decision: Some(decision),
        reply_to: None,
        menu_item,
        media: None,
        push_name: None,
        client_id: None,
        hidden_id: None,
        created_at: now,
    };
    app.store
        .log_messages(
            id,
            &[
                inbound("a", LoggedDecision::Answer, Some(1)),
                inbound("b", LoggedDecision::Answer, Some(1)),
                inbound("c", LoggedDecision::Handoff, None),
            ],
        )
        .await
        .unwrap();
    let config = app.store.tenant_config(id).await.unwrap();
    let bot = flowhq_domain::bot::BotConfig::from_tenant_config(&config).unwrap();
    // As the page escapes it.
    let first = bot
        .item_label(1)
        .unwrap()
        .replace('&', "&amp;")
        .replace('\'', "&#x27;");
    let admin = log_in(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let (status, html) = get(&app, &admin, &format!("/admin/tenants/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Last 30 days"), "{html}");
    assert!(
        html.contains("aria-label=\"Received: 3, Sent: 0, over 30 days\""),
        "{html}"
    );
    assert!(html.contains("Most chosen in the menu"));
    assert!(
        html.contains(&format!(
            "<bdi>1. {first}</bdi> <span class=\"muted\">· 2 times</span>"
        )),
        "{html}"
    );
    app.stop().await;
}

async fn an_owner_invites_staff_who_see_the_inbox_only(app: TestApp) {
    let owner = sign_up(&app, "ana@example.com").await;
    let (status, html) = get(&app, &owner, "/app/staff").await;
    assert_eq!(status, 200);
    assert!(html.contains("href=\"/app/staff\" aria-current=\"page\""));
    let token = csrf_token(&html);
    // Both fields wrong: both refusals at once, what was typed kept.
    let (status, _, html) = post(
        &app,
        &owner,
        "/app/staff",
        &[("csrf_token", &token), ("name", ""), ("email", "bruno@")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("id=\"name-error\""), "{html}");
    assert!(html.contains("id=\"email-error\""), "{html}");
    assert!(html.contains("value=\"bruno@\""));
    let (status, location, _) = post(
        &app,
        &owner,
        "/app/staff",
        &[
            ("csrf_token", &token),
            ("name", "Bruno Lima"),
            ("email", "bruno@example.com"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.starts_with("/app/staff?invited="), "{location}");
    let (_, html) = get(&app, &owner, &location).await;
    assert!(html.contains("bruno@example.com"));
    assert!(html.contains("/remove\""), "staff can be removed");

    let mails = app.get_admin("/api/admin/mail").await;
    let text = mails["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["to"] == "bruno@example.com")
        .and_then(|m| m["text"].as_str())
        .unwrap()
        .to_owned();
    let start = text.find("token=").unwrap() + "token=".len();
    let accepted = reqwest::Client::new()
        .post(app.url("/api/portal/invitation/accept"))
        .json(&serde_json::json!({"token": &text[start..start + 64], "password": "lantern-orchard-63"}))
        .sent()
        .await;
    assert_eq!(accepted.status(), 204);

    // Bruno lands on the inbox, sees nothing else in the navigation, and
    // the owner's pages answer 403.
    let staff = log_in(&app, "bruno@example.com", "lantern-orchard-63").await;
    let (status, html) = get(&app, &staff, "/app/inbox").await;
    assert_eq!(status, 200);
    assert!(html.contains("href=\"/app/inbox\" aria-current=\"page\""));
    for owners in ["/app/settings", "/app/api-keys", "/app/staff"] {
        assert!(
            !html.contains(&format!("href=\"{owners}\"")),
            "{owners} linked"
        );
    }
    assert!(
        !html.contains("/app/inbox/retention"),
        "retention is a setting"
    );
    for owners in [
        "/app",
        "/app/settings",
        "/app/api-keys",
        "/app/staff",
        "/app/webhooks",
    ] {
        let (status, _) = get(&app, &staff, owners).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{owners}");
    }

    // Removed: the next page sends Bruno to the login.
    let (_, html) = get(&app, &owner, "/app/staff").await;
    let at = html.find("/remove\"").unwrap();
    let id_start = html[..at].rfind("/app/staff/").unwrap() + "/app/staff/".len();
    let remove = format!("/app/staff/{}/remove", &html[id_start..at]);
    let (status, location, _) = post(&app, &owner, &remove, &[("csrf_token", &token)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, "/app/staff?removed=1");
    let (status, _) = get(&app, &staff, "/app/inbox").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    app.stop().await;
}
