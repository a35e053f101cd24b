//! Mail: the queue, its delivery to files and by SMTP, and the password
//! reset it carries.

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use flowhq_store::Backend;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{
    ADMIN_EMAIL, OWNER_PASSWORD, SendOk, TestApp, browser, expect_error, expect_invalid, run,
    run_configured,
};
use crate::smtp_sink::SmtpSink;

flowhq_store::backend_tests!(run:
    a_reset_link_is_mailed_works_once_and_ends_every_session,
    unknown_addresses_get_the_same_answer_and_no_mail,
    reset_requests_are_limited_per_email,
    reset_pages_change_the_password_with_csrf,
    alerts_reach_the_owner_once_per_incident_in_their_language,
    sign_up_mails_a_link_that_verifies_the_email,
    an_invited_operator_chooses_a_password_and_logs_in,
);

flowhq_store::backend_tests!(run_smtp_down: mails_wait_for_smtp_and_go_out_once);

/// The mails in the queue (newest first), through the admin API, but for
/// the verification link every sign-up mails.
async fn mails(app: &TestApp) -> Vec<Value> {
    all_mails(app)
        .await
        .into_iter()
        .filter(|m| m["kind"] != "verify_email")
        .collect()
}

async fn all_mails(app: &TestApp) -> Vec<Value> {
    let response = app.send_admin(Method::GET, "/api/admin/mail").await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["items"].as_array().unwrap().clone()
}

/// Waits until `count` mails are SENT.
async fn wait_for_sent(app: &TestApp, count: usize) -> Vec<Value> {
    for _ in 0..100 {
        let items = mails(app).await;
        if items.iter().filter(|m| m["status"] == "SENT").count() >= count {
            return items;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{count} mail(s) not sent in 10 s: {:?}", mails(app).await);
}

/// The token of the reset link in a mail's text.
fn token_in(text: &str) -> String {
    let start = text.find("token=").expect("a reset link") + "token=".len();
    text[start..start + 64].to_owned()
}

async fn ask_reset(app: &TestApp, email: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url("/api/portal/password-reset"))
        .json(&json!({ "email": email }))
        .sent()
        .await
}

async fn a_reset_link_is_mailed_works_once_and_ends_every_session(app: TestApp) {
    let owner = browser();
    app.sign_up(&owner, "ana@example.com").await;
    let response = ask_reset(&app, "Ana@Example.com").await;
    assert_eq!(response.status(), 202);

    let items = wait_for_sent(&app, 1).await;
    assert_eq!(items.len(), 1);
    let mail = &items[0];
    assert_eq!(mail["to"], "ana@example.com");
    assert_eq!(mail["kind"], "password_reset");
    assert_eq!(mail["subject"], "Reset your Flow HQ password");
    // Without SMTP, the mail is a private file in <data dir>/mail/.
    let dir = app.data_dir.join("mail");
    let file = dir.join(mail["delivered_to"].as_str().unwrap());
    let eml = std::fs::read_to_string(&file).unwrap();
    assert!(eml.contains("To: ana@example.com"), "{eml}");
    assert!(eml.contains("multipart/alternative"), "{eml}");
    assert!(eml.contains("text/html"), "{eml}");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&file), 0o600);

    let token = token_in(mail["text"].as_str().unwrap());
    let confirm = |password: &str| {
        reqwest::Client::new()
            .post(app.url("/api/portal/password-reset/confirm"))
            .json(&json!({ "token": token, "password": password }))
            .send()
    };
    // A weak password is refused and the token stays usable.
    let error = expect_error(confirm("short").await.unwrap(), 422, "invalid_field").await;
    assert_eq!(error["field"], "password");
    let response = confirm("violet-canyon-river-88").await.unwrap();
    assert_eq!(response.status(), 204);

    // The old session is over; the new password logs in, the old does not.
    let status = owner
        .get(app.url("/api/portal/tenant/current/status"))
        .sent()
        .await;
    assert_eq!(status.status(), 401);
    let login = |password: &str| {
        browser()
            .post(app.url("/api/portal/login"))
            .json(&json!({ "email": "ana@example.com", "password": password }))
            .send()
    };
    assert_eq!(login(OWNER_PASSWORD).await.unwrap().status(), 401);
    assert_eq!(login("violet-canyon-river-88").await.unwrap().status(), 200);

    // Single use.
    let again = confirm("another-good-password-1").await.unwrap();
    expect_invalid(again, "token").await;
    app.stop().await;
}

async fn unknown_addresses_get_the_same_answer_and_no_mail(app: TestApp) {
    app.sign_up(&browser(), "ana@example.com").await;
    let known = ask_reset(&app, "ana@example.com").await;
    let unknown = ask_reset(&app, "nobody@example.com").await;
    let malformed = ask_reset(&app, "not an address").await;
    assert_eq!(known.status(), 202);
    assert_eq!(unknown.status(), 202);
    assert_eq!(malformed.status(), 202);
    let known: Value = known.json().await.unwrap();
    assert_eq!(known, unknown.json::<Value>().await.unwrap());
    assert_eq!(known, malformed.json::<Value>().await.unwrap());
    wait_for_sent(&app, 1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let items = mails(&app).await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["to"], "ana@example.com");
    app.stop().await;
}

async fn reset_requests_are_limited_per_email(app: TestApp) {
    for _ in 0..3 {
        assert_eq!(ask_reset(&app, "ana@example.com").await.status(), 202);
    }
    let response = ask_reset(&app, "ANA@example.com").await;
    expect_error(response, 429, "rate_limited").await;
    // Another address is still served.
    assert_eq!(ask_reset(&app, "bob@example.com").await.status(), 202);
    app.stop().await;
}

/// The csrf_token value of the form in `html`.
fn csrf_in(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("a csrf token") + marker.len();
    html[start..start + 64].to_owned()
}

async fn reset_pages_change_the_password_with_csrf(app: TestApp) {
    app.sign_up(&browser(), "ana@example.com").await;
    let page = browser();
    let login = page.get(app.url("/login")).sent().await;
    assert!(
        login
            .text()
            .await
            .unwrap()
            .contains("href=\"/forgot-password\"")
    );

    let form = page.get(app.url("/forgot-password")).sent().await;
    assert_eq!(form.status(), 200);
    let csrf = csrf_in(&form.text().await.unwrap());
    // Without the token, nothing is sent.
    let refused = page
        .post(app.url("/forgot-password"))
        .form(&[("email", "ana@example.com")])
        .sent()
        .await;
    assert_eq!(refused.status(), 403);
    let sent = page
        .post(app.url("/forgot-password"))
        .form(&[("email", "ana@example.com"), ("csrf_token", &csrf)])
        .sent()
        .await;
    assert_eq!(sent.status(), 200);
    assert!(sent.text().await.unwrap().contains("reset-sent"));
    let items = wait_for_sent(&app, 1).await;
    assert_eq!(items.len(), 1, "only the request with a token mailed");
    let token = token_in(items[0]["text"].as_str().unwrap());

    let bad = page.get(app.url("/reset-password?token=0000")).sent().await;
    assert_eq!(bad.status(), 404);
    let form = page
        .get(app.url(&format!("/reset-password?token={token}")))
        .sent()
        .await;
    assert_eq!(form.status(), 200);
    let csrf = csrf_in(&form.text().await.unwrap());
    let mismatch = page
        .post(app.url("/reset-password"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("token", &token),
            ("password", "violet-canyon-river-88"),
            ("password_again", "violet-canyon-river-89"),
        ])
        .sent()
        .await;
    assert_eq!(mismatch.status(), 422);
    let done = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    // The same browser's cookie, in a client that shows the redirect.
    let done = done
        .post(app.url("/reset-password"))
        .header("cookie", format!("flowhq_csrf={csrf}"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("token", &token),
            ("password", "violet-canyon-river-88"),
            ("password_again", "violet-canyon-river-88"),
        ])
        .sent()
        .await;
    assert_eq!(done.status(), 303);
    assert_eq!(
        done.headers()["location"].to_str().unwrap(),
        "/login?password_reset=1"
    );
    let ok = browser()
        .post(app.url("/api/portal/login"))
        .json(&json!({ "email": "ana@example.com", "password": "violet-canyon-river-88" }))
        .sent()
        .await;
    assert_eq!(ok.status(), 200);
    app.stop().await;
}

async fn run_smtp_down<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(TestApp, SmtpSink) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let sink = SmtpSink::start(0).await;
    let url = sink.url();
    run_configured(
        backend,
        |s| s.smtp_url = Some(flowhq_server::auth::Secret::new(url)),
        |app| test(app, sink),
    )
    .await;
}

/// With the SMTP server down, a mail waits in the queue (QUEUED, with the
/// error); once the server is back it goes out, exactly once.
async fn mails_wait_for_smtp_and_go_out_once(app: TestApp, sink: SmtpSink) {
    let port = sink.port;
    let received = sink.stop().await;
    assert_eq!(ask_reset(&app, ADMIN_EMAIL).await.status(), 202);
    let mut waited = None;
    for _ in 0..100 {
        let items = mails(&app).await;
        if items
            .first()
            .is_some_and(|m| m["attempts"].as_i64() >= Some(2))
        {
            waited = Some(items[0].clone());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let waited = waited.expect("two failed attempts within 10 s");
    assert_eq!(waited["status"], "QUEUED");
    assert!(waited["last_error"].as_str().is_some_and(|e| !e.is_empty()));
    assert!(received.lock().unwrap().is_empty());

    let sink = crate::smtp_sink::SmtpSink::start_with(port, received).await;
    let items = wait_for_sent(&app, 1).await;
    assert_eq!(items[0]["delivered_to"], "smtp");
    // Give a double delivery every chance to show.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let messages = sink.messages();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!(messages[0].to, vec![ADMIN_EMAIL.to_owned()]);
    assert!(
        messages[0]
            .data
            .contains("Subject: Reset your Flow HQ password")
    );
    assert!(!app.data_dir.join("mail").exists(), "no files with SMTP");
    app.stop().await;
}

async fn alerts_reach_the_owner_once_per_incident_in_their_language(app: TestApp) {
    use flowhq_domain::lifecycle::Event;
    let owner = browser();
    let signed_up = app.sign_up(&owner, "lucia@example.com").await;
    let id: flowhq_domain::TenantId = signed_up["tenant"]["id"].as_str().unwrap().parse().unwrap();
    let response = owner
        .post(app.url("/api/portal/setup-request"))
        .json(
            &json!({"business_name": "Panadería Lucía", "template_type": "RESTAURANT",
                      "language": "ES", "whatsapp_number": "+34910000009"}),
        )
        .sent()
        .await;
    assert_eq!(response.status(), 201);
    for event in [
        Event::SetupRequestApproved,
        Event::WorkerStarted,
        Event::SessionConnected,
    ] {
        app.store.apply_event(id, event, "test").await.unwrap();
    }
    app.store
        .apply_event(id, Event::SessionLoggedOut, "test")
        .await
        .unwrap();
    let items = wait_for_sent(&app, 1).await;
    assert_eq!(items[0]["to"], "lucia@example.com");
    assert_eq!(items[0]["kind"], "alert_opened");
    assert_eq!(
        items[0]["subject"],
        "WhatsApp desconectado: Panadería Lucía"
    );
    assert!(
        items[0]["text"]
            .as_str()
            .unwrap()
            .contains(&app.url("/app"))
    );

    app.store
        .apply_event(id, Event::SessionConnected, "test")
        .await
        .unwrap();
    let items = wait_for_sent(&app, 2).await;
    assert_eq!(
        items[0]["subject"],
        "Todo en orden otra vez: Panadería Lucía"
    );
    // Flapping within the grace period: the same incident, no more mails.
    for event in [Event::SessionLoggedOut, Event::SessionConnected] {
        app.store.apply_event(id, event, "test").await.unwrap();
        tokio::time::sleep(Duration::from_millis(1500)).await;
    }
    assert_eq!(mails(&app).await.len(), 2);

    // The console lists the incident.
    let alerts: Value = app.get_admin("/api/admin/alerts").await;
    let alert = &alerts["items"][0];
    assert_eq!(alert["kind"], "UNLINKED");
    assert_eq!(alert["raised_count"], 2);
    assert!(alert["cleared_at"].is_string());
    assert!(alert["cleared_notified_at"].is_string());
    app.stop().await;
}

async fn sign_up_mails_a_link_that_verifies_the_email(app: TestApp) {
    let owner = browser();
    app.sign_up(&owner, "vera@example.com").await;
    let items = all_mails(&app).await;
    let mail = items
        .iter()
        .find(|m| m["kind"] == "verify_email")
        .expect("the verification mail, queued with the account");
    assert_eq!(mail["to"], "vera@example.com");
    assert_eq!(mail["subject"], "Confirm your email for Flow HQ");
    let token = token_in(mail["text"].as_str().unwrap());

    // Not verified yet: the operator sees it beside the setup request.
    owner
        .post(app.url("/api/portal/setup-request"))
        .json(
            &json!({"business_name": "Vera Flores", "template_type": "RETAIL", "language": "EN",
                      "whatsapp_number": "+5511987654111"}),
        )
        .sent()
        .await;
    let queue = || async {
        let body: Value = app.get_admin("/api/admin/setup-requests").await;
        body["items"][0]["owner_email_verified"].clone()
    };
    assert_eq!(queue().await, json!(false));

    // The page only offers the button; the POST verifies.
    let page = browser();
    let form = page
        .get(app.url(&format!("/verify-email?token={token}")))
        .sent()
        .await;
    assert_eq!(form.status(), 200);
    assert_eq!(
        queue().await,
        json!(false),
        "opening the link changes nothing"
    );
    let verify = |token: String| {
        reqwest::Client::new()
            .post(app.url("/api/portal/verify-email"))
            .json(&json!({ "token": token }))
            .send()
    };
    assert_eq!(verify(token.clone()).await.unwrap().status(), 204);
    assert_eq!(queue().await, json!(true));
    // Single use; a new link is refused once verified.
    expect_invalid(verify(token).await.unwrap(), "token").await;
    let again = owner
        .post(app.url("/api/portal/verify-email/resend"))
        .sent()
        .await;
    expect_error(again, 409, "conflict").await;
    app.stop().await;
}

async fn an_invited_operator_chooses_a_password_and_logs_in(app: TestApp) {
    let invite = |email: &str| {
        app.admin(Method::POST, "/api/admin/invitations")
            .json(&json!({"email": email, "name": "Olga Ops"}))
            .send()
    };
    let response = invite("olga@example.com").await.unwrap();
    assert_eq!(response.status(), 201);
    let invited: Value = response.json().await.unwrap();
    assert_eq!(invited["user"]["role"], "ADMIN");
    expect_error(invite("olga@example.com").await.unwrap(), 409, "conflict").await;
    expect_invalid(invite("not-an-email").await.unwrap(), "email").await;

    let listed = app.get_admin("/api/admin/admins").await;
    let olga = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["user"]["email"] == "olga@example.com")
        .unwrap()
        .clone();
    assert!(olga["invited_until"].is_string(), "{olga}");

    let items = all_mails(&app).await;
    let mail = items.iter().find(|m| m["kind"] == "invitation").unwrap();
    assert_eq!(mail["to"], "olga@example.com");
    let token = token_in(mail["text"].as_str().unwrap());

    // Closed until the link is used: no password opens it.
    let login = |password: &str| {
        browser()
            .post(app.url("/api/portal/login"))
            .json(&json!({"email": "olga@example.com", "password": password}))
            .send()
    };
    assert_eq!(login("").await.unwrap().status(), 401);
    let accept = |password: &str| {
        reqwest::Client::new()
            .post(app.url("/api/portal/invitation/accept"))
            .json(&json!({"token": token, "password": password}))
            .send()
    };
    expect_invalid(accept("short").await.unwrap(), "password").await;
    assert_eq!(accept("granite-harbour-77").await.unwrap().status(), 204);
    assert_eq!(login("granite-harbour-77").await.unwrap().status(), 200);
    expect_invalid(accept("another-good-one-88").await.unwrap(), "token").await;
    let listed = app.get_admin("/api/admin/admins").await;
    let olga = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["user"]["email"] == "olga@example.com")
        .unwrap()
        .clone();
    assert_eq!(olga["invited_until"], Value::Null);
    assert!(olga["user"]["email_verified_at"].is_string());
    app.stop().await;
}
