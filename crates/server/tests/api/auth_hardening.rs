//! Regressions of the security review (issue 15): login throttling under
//! concurrency and lockout by others, the return URL after logging in,
//! strict JSON bodies and media types, cross-origin requests with a session
//! cookie, password strength, invisible names, and isolated (`<bdi>`) text
//! on the pages.

use std::net::IpAddr;

use flowhq_domain::Direction;
use flowhq_domain::protocol::LoggedMessage;
use flowhq_domain::values::Email;
use flowhq_server::auth::Secret;
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{
    ADMIN_EMAIL, ADMIN_PASSWORD, OWNER_PASSWORD, SendOk, TestApp, expect_error, expect_invalid, run,
};

flowhq_store::backend_tests!(run:
    concurrent_wrong_passwords_are_throttled_before_they_are_tried,
    an_attackers_failures_do_not_lock_the_owner_out_from_elsewhere,
    next_is_only_ever_a_path_on_this_site,
    anonymous_visitors_come_back_to_the_page_they_asked_for,
    json_with_anything_after_the_value_is_refused_and_writes_nothing,
    only_json_media_types_reach_a_handler,
    cookie_requests_from_another_origin_are_refused,
    weak_and_blank_passwords_are_refused_with_the_reason,
    names_of_invisible_characters_are_refused,
    customer_text_is_isolated_on_the_pages,
);

/// A browser that keeps cookies and does not follow redirects, optionally
/// connecting from another loopback address (another client, as far as
/// the server can tell).
fn browser_from(address: Option<IpAddr>) -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .local_address(address)
        .build()
        .unwrap()
}

fn browser() -> Client {
    browser_from(None)
}

fn location(response: &Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The value of the hidden field `name` in a page.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect("the hidden field") + marker.len();
    let end = html[start..].find('"').unwrap() + start;
    html[start..end].to_owned()
}

async fn api_login(app: &TestApp, client: &Client, email: &str, password: &str) -> StatusCode {
    client
        .post(app.url("/api/portal/login"))
        .json(&json!({"email": email, "password": password}))
        .sent()
        .await
        .status()
}

/// Logs the admin in through the login page, opened with
/// `?next=<query_next>` and posting `next`: the response to the post and
/// the `next` the page carried.
async fn page_login(app: &TestApp, query_next: &str, next: &str) -> (Response, String) {
    page_login_in(app, &browser(), query_next, next).await
}

async fn page_login_in(
    app: &TestApp,
    client: &Client,
    query_next: &str,
    next: &str,
) -> (Response, String) {
    let html = client
        .get(app.url(&format!(
            "/login?next={}",
            form_urlencoded::byte_serialize(query_next.as_bytes()).collect::<String>()
        )))
        .sent()
        .await
        .text()
        .await
        .unwrap();
    let shown_next = hidden(&html, "next");
    let response = client
        .post(app.url("/login"))
        .form(&[
            ("email", ADMIN_EMAIL),
            ("password", ADMIN_PASSWORD),
            ("next", next),
            ("csrf_token", &hidden(&html, "csrf_token")),
        ])
        .sent()
        .await;
    (response, shown_next)
}

async fn tenant_count(app: &TestApp) -> usize {
    let list: Value = app.get_admin("/api/admin/tenants").await;
    list["items"].as_array().unwrap().len()
}

const TENANT_BODY: &str = r#"{"name":"a","phone_number":"+5511912340999"}"#;

async fn concurrent_wrong_passwords_are_throttled_before_they_are_tried(app: TestApp) {
    app.sign_up(&browser(), "target@example.com").await;
    // 59 wrong passwords at once, then the right one, from one address.
    let client = Client::new();
    let mut attempts = tokio::task::JoinSet::new();
    for i in 0..60 {
        let (client, url) = (client.clone(), app.url("/api/portal/login"));
        let password = if i == 59 {
            OWNER_PASSWORD.to_owned()
        } else {
            format!("wrong-guess-{i}-xyz")
        };
        attempts.spawn(async move {
            client
                .post(url)
                .json(&json!({"email": "target@example.com", "password": password}))
                .sent()
                .await
                .status()
                .as_u16()
        });
    }
    let statuses = attempts.join_all().await;
    let count = |status| statuses.iter().filter(|s| **s == status).count();
    assert!(
        statuses.iter().all(|s| [200, 401, 429].contains(s)),
        "{statuses:?}"
    );
    // At most 5 passwords were evaluated; the others never reached argon2.
    assert!(count(401) + count(200) <= 5, "{statuses:?}");
    assert!(count(429) >= 55, "{statuses:?}");
    app.stop().await;
}

async fn an_attackers_failures_do_not_lock_the_owner_out_from_elsewhere(app: TestApp) {
    app.sign_up(&browser(), "owner@example.com").await;
    let attacker = browser_from(Some([127, 0, 0, 1].into()));
    for _ in 0..5 {
        assert_eq!(
            api_login(&app, &attacker, "owner@example.com", "guess-number-one-x").await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        api_login(&app, &attacker, "owner@example.com", "guess-number-six-x").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Even the right password is not tried from the attacker's address...
    assert_eq!(
        api_login(&app, &attacker, "owner@example.com", OWNER_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // ...but the owner, elsewhere, logs in.
    let owner = browser_from(Some([127, 0, 0, 2].into()));
    assert_eq!(
        api_login(&app, &owner, "owner@example.com", OWNER_PASSWORD).await,
        StatusCode::OK
    );
    app.stop().await;
}

async fn next_is_only_ever_a_path_on_this_site(app: TestApp) {
    for (next, expected) in [
        ("/\t/evil.com", "/admin"),
        ("/\r\nSet-Cookie: x=1", "/admin"),
        ("//evil.com", "/admin"),
        ("/\\evil.com", "/admin"),
        ("/%2F/evil.com", "/admin"),
        ("/ /evil.com", "/admin"),
        ("/caf\u{e9}", "/admin"),
        ("https://evil.com/", "/admin"),
        (
            "/admin/tenants?status=ACTIVE",
            "/admin/tenants?status=ACTIVE",
        ),
    ] {
        let (response, shown) = page_login(&app, next, next).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "next {next:?}");
        assert_eq!(location(&response), expected, "next {next:?}");
        let shown_expected = if expected == next { next } else { "" };
        assert_eq!(shown, shown_expected, "the login page's next for {next:?}");
    }
    // The refused ones made no session that a 500 would have orphaned:
    // every login above was answered and set its cookie.
    app.stop().await;
}

async fn anonymous_visitors_come_back_to_the_page_they_asked_for(app: TestApp) {
    let client = browser();
    for (path, next) in [
        (
            "/admin/tenants?status=ACTIVE",
            "%2Fadmin%2Ftenants%3Fstatus%3DACTIVE",
        ),
        ("/app/messages", "%2Fapp%2Fmessages"),
        ("/admin", "%2Fadmin"),
    ] {
        let response = client.get(app.url(path)).sent().await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(location(&response), format!("/login?next={next}"), "{path}");
    }
    let (response, shown) = page_login(
        &app,
        "/admin/tenants?status=ACTIVE",
        "/admin/tenants?status=ACTIVE",
    )
    .await;
    assert_eq!(shown, "/admin/tenants?status=ACTIVE");
    assert_eq!(location(&response), "/admin/tenants?status=ACTIVE");
    app.stop().await;
}

async fn json_with_anything_after_the_value_is_refused_and_writes_nothing(app: TestApp) {
    for body in [
        format!("{TENANT_BODY}x"),
        format!("{TENANT_BODY} {TENANT_BODY}"),
        format!("{TENANT_BODY}]]]"),
        format!("{TENANT_BODY}\u{0}junk"),
    ] {
        let response = app
            .admin(Method::POST, "/api/admin/tenants")
            .header("content-type", "application/json")
            .body(body.clone())
            .sent()
            .await;
        expect_error(response, 400, "malformed_request").await;
    }
    assert_eq!(tenant_count(&app).await, 0);
    // Whitespace after the value is still fine.
    let response = app
        .admin(Method::POST, "/api/admin/tenants")
        .header("content-type", "application/json")
        .body(format!("{TENANT_BODY} \r\n"))
        .sent()
        .await;
    assert_eq!(response.status(), 201);
    app.stop().await;
}

async fn only_json_media_types_reach_a_handler(app: TestApp) {
    for content_type in [
        "text/plain;charset=+json",
        "application/x-www-form-urlencoded;+json",
        "multipart/form-data; boundary=+json",
        "application/jsonx",
        "text/plain",
    ] {
        let response = app
            .admin(Method::POST, "/api/admin/tenants")
            .header("content-type", content_type)
            .body(TENANT_BODY)
            .sent()
            .await;
        expect_error(response, 415, "unsupported_media_type").await;
    }
    let response = app
        .admin(Method::POST, "/api/admin/tenants")
        .body(TENANT_BODY)
        .sent()
        .await;
    expect_error(response, 415, "unsupported_media_type").await;
    assert_eq!(tenant_count(&app).await, 0);
    for (i, content_type) in [
        "application/json; charset=utf-8",
        "application/merge-patch+json",
    ]
    .into_iter()
    .enumerate()
    {
        let response = app
            .admin(Method::POST, "/api/admin/tenants")
            .header("content-type", content_type)
            .body(format!(
                r#"{{"name":"a{i}","phone_number":"+551191234099{i}"}}"#
            ))
            .sent()
            .await;
        assert_eq!(response.status(), 201, "{content_type}");
    }
    app.stop().await;
}

async fn cookie_requests_from_another_origin_are_refused(app: TestApp) {
    let tenant = app.create_tenant("Bar Central", "+34910000001").await;
    let pause = format!(
        "/api/admin/tenants/{}/pause",
        tenant["id"].as_str().unwrap()
    );
    let admin = browser();
    assert_eq!(
        api_login(&app, &admin, ADMIN_EMAIL, ADMIN_PASSWORD).await,
        200
    );
    let from_elsewhere = [
        ("origin", "http://evil.example"),
        ("origin", "null"),
        ("origin", "http://127.0.0.1:1"),
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
    ];
    for (header, value) in from_elsewhere {
        // A body-less command...
        let response = admin
            .post(app.url(&pause))
            .header(header, value)
            .sent()
            .await;
        expect_error(response, 403, "forbidden").await;
        // ...and a JSON one.
        let response = admin
            .post(app.url("/api/admin/tenants"))
            .header(header, value)
            .header("content-type", "application/json")
            .body(r#"{"name":"x","phone_number":"+5511912340888"}"#)
            .sent()
            .await;
        expect_error(response, 403, "forbidden").await;
    }
    assert_eq!(tenant_count(&app).await, 1);
    // From our own origin, the same session acts (pausing a NEW tenant is
    // refused by the lifecycle: the handler was reached).
    let response = admin
        .post(app.url(&pause))
        .header("origin", app.address.clone())
        .header("sec-fetch-site", "same-origin")
        .sent()
        .await;
    expect_error(response, 409, "invalid_transition").await;
    // Reading is not refused, and a bearer token is not the browser's.
    let response = admin
        .get(app.url("/api/admin/tenants"))
        .header("origin", "http://evil.example")
        .sent()
        .await;
    assert_eq!(response.status(), 200);
    let response = app
        .admin(Method::POST, &pause)
        .header("origin", "http://evil.example")
        .sent()
        .await;
    expect_error(response, 409, "invalid_transition").await;

    // Page forms too, even with the right CSRF token.
    let html = admin
        .get(app.url("/admin"))
        .sent()
        .await
        .text()
        .await
        .unwrap();
    let token = hidden(&html, "csrf_token");
    let response = admin
        .post(app.url("/logout"))
        .header("origin", "http://evil.example")
        .form(&[("csrf_token", token.as_str())])
        .sent()
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let still = admin.get(app.url("/admin")).sent().await;
    assert_eq!(still.status(), StatusCode::OK, "still logged in");
    app.stop().await;
}

async fn weak_and_blank_passwords_are_refused_with_the_reason(app: TestApp) {
    for (password, reason) in [
        ("          ", "visible"),
        ("aaaaaaaaaa", "too easy to guess"),
        (
            "\u{200B}\u{200B}\u{200B}\u{200B}\u{200B}\u{200B}\u{200B}\u{200B}\u{200B}\u{200B}",
            "visible",
        ),
        ("purple-otter\u{0}lamp-93", "control"),
        ("password1234", "common password"),
    ] {
        let response = Client::new()
            .post(app.url("/api/portal/signup"))
            .json(&json!({
                "name": "Ana", "email": "weak@example.com", "password": password,
                "phone": "+5511987650002",
            }))
            .sent()
            .await;
        let error = expect_invalid(response, "password").await;
        let message = error["message"].as_str().unwrap();
        assert!(message.contains(reason), "{password:?}: {message}");
    }
    let email = Email::parse("weak@example.com").unwrap();
    assert!(app.store.user_by_email(&email).await.unwrap().is_none());
    // `flowhq admin create` goes through the same policy.
    let ops = Email::parse("ops@example.com").unwrap();
    let refused =
        flowhq_server::bootstrap::create_admin(&app.store, ops.clone(), Secret::new("aaaaaaaaaa"))
            .await
            .unwrap_err();
    assert!(refused.to_string().contains("too easy"), "{refused}");
    assert!(app.store.user_by_email(&ops).await.unwrap().is_none());
    app.stop().await;
}

async fn names_of_invisible_characters_are_refused(app: TestApp) {
    let response = Client::new()
        .post(app.url("/api/portal/signup"))
        .json(&json!({
            "name": "\u{200B}\u{200C}\u{FEFF}", "email": "blank@example.com",
            "password": OWNER_PASSWORD, "phone": "+5511987650003",
        }))
        .sent()
        .await;
    expect_invalid(response, "name").await;
    let response = Client::new()
        .post(app.url("/api/portal/signup"))
        .json(&json!({
            "name": "Ana", "business_name": "\u{2066}\u{202E}\u{2069}",
            "email": "blank@example.com", "password": OWNER_PASSWORD,
            "phone": "+5511987650003",
        }))
        .sent()
        .await;
    expect_invalid(response, "business_name").await;
    let response = app
        .send_admin_json(
            Method::POST,
            "/api/admin/tenants",
            &json!({"name": "\u{202E}\u{200F}", "phone_number": "+5511912340777"}),
        )
        .await;
    expect_invalid(response, "name").await;
    assert_eq!(tenant_count(&app).await, 0);
    app.stop().await;
}

async fn customer_text_is_isolated_on_the_pages(app: TestApp) {
    let tenant = app
        .create_tenant("Padaria \u{202E}Sol", "+5511912340666")
        .await;
    let id: flowhq_domain::TenantId = tenant["id"].as_str().unwrap().parse().unwrap();
    let text = "\u{202E}ved.elpmaxe//:sptth 3# ti tuoba tahW";
    app.store
        .log_messages(
            id,
            &[LoggedMessage {
                direction: Direction::Inbound,
                from_number: "+5511900000001".into(),
                to_number: "+5511912340666".into(),
                message_text: text.into(),
                wa_message_id: "wamid-1".into(),
                bot_decision: None,
                reply_to: None,
                menu_item: None,
                media: None,
                push_name: None,
                client_id: None,
                hidden_id: None,
                created_at: chrono::Utc::now(),
            }],
        )
        .await
        .unwrap();
    let admin = browser();
    let (response, _) = page_login_in(&app, &admin, "/", &format!("/admin/tenants/{id}")).await;
    assert_eq!(location(&response), format!("/admin/tenants/{id}"));
    let html = admin
        .get(app.url(&format!("/admin/tenants/{id}")))
        .sent()
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(&format!("<bdi>{text}</bdi>")), "the message");
    assert!(html.contains("<bdi>+5511900000001</bdi>"), "the customer");
    assert!(
        html.contains("<bdi>Padaria \u{202E}Sol</bdi>"),
        "the tenant"
    );
    app.stop().await;
}
