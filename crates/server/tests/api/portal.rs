use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{
    ADMIN_EMAIL, ADMIN_PASSWORD, OWNER_PASSWORD, SendOk, TestApp, browser, expect_error,
    expect_invalid, run, run_configured,
};

flowhq_store::backend_tests!(run:
    onboarding_runs_from_signup_to_approval,
    a_rejected_owner_sees_the_notes_and_may_resubmit,
    setup_request_validation_names_the_field_and_writes_nothing,
    a_second_pending_request_is_409,
    deciding_a_decided_request_is_409,
    signup_refuses_taken_emails_in_any_case_and_weak_passwords,
    login_does_not_tell_unknown_emails_from_wrong_passwords,
    login_is_throttled_with_retry_after,
    sessions_are_httponly_lax_rotated_and_ended_by_logout,
    an_admin_session_opens_the_admin_api,
    trusted_headers_are_ignored_unless_configured,
    an_owner_reads_their_own_qr_code_only,
    owners_ask_for_a_pairing_code_or_new_qr_codes_once_approved,
);

flowhq_store::backend_tests!(run_with_internal_key: trusted_headers_act_as_the_owner_with_the_right_key);

const INTERNAL_KEY: &str = "frontend-shared-secret-123";

async fn run_with_internal_key<F, Fut>(backend: flowhq_store::Backend, test: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    run_configured(
        backend,
        |s| s.portal_internal_key = Some(flowhq_server::auth::Secret::new(INTERNAL_KEY)),
        test,
    )
    .await;
}

fn setup_body() -> Value {
    json!({
        "business_name": "Padaria Sol",
        "template_type": "RETAIL",
        "language": "PT",
        "whatsapp_number": "+55 11 98765-4321",
        "hours": {"timezone": "America/Sao_Paulo", "mon": [["08:00", "18:00"]], "sat": [["08:00", "12:00"]]},
        "notes": "Please switch us on before Friday"
    })
}

async fn status(app: &TestApp, client: &reqwest::Client) -> Value {
    let response = client
        .get(app.url("/api/portal/tenant/current/status"))
        .sent()
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn submit(app: &TestApp, client: &reqwest::Client, body: &Value) -> reqwest::Response {
    client
        .post(app.url("/api/portal/setup-request"))
        .json(body)
        .sent()
        .await
}

/// Submits the usual setup request as `client`; its id.
async fn submitted(app: &TestApp, client: &reqwest::Client) -> String {
    let request: Value = submit(app, client, &setup_body())
        .await
        .json()
        .await
        .unwrap();
    request["id"].as_str().unwrap().to_owned()
}

/// The admin's `verb` (`approve`, `reject`) on setup request `id`.
fn decide(app: &TestApp, id: &str, verb: &str) -> reqwest::RequestBuilder {
    app.admin(
        Method::POST,
        &format!("/api/admin/setup-requests/{id}/{verb}"),
    )
}

async fn onboarding_runs_from_signup_to_approval(app: TestApp) {
    let owner = browser();
    let signed_up = app.sign_up(&owner, "ana@padaria.example").await;
    assert_eq!(signed_up["tenant"]["status"], "NEW");
    assert_eq!(signed_up["user"]["role"], "OWNER");
    assert!(
        signed_up["user"].get("password_hash").is_none(),
        "never expose hashes"
    );

    let before = status(&app, &owner).await;
    assert_eq!(before["tenant"]["status"], "NEW");
    assert_eq!(before["setup_request"], Value::Null);

    let response = submit(&app, &owner, &setup_body()).await;
    assert_eq!(response.status(), 201);
    let request: Value = response.json().await.unwrap();
    assert_eq!(request["status"], "PENDING");
    assert_eq!(request["whatsapp_number"], "+5511987654321");

    let pending = status(&app, &owner).await;
    assert_eq!(pending["tenant"]["status"], "PENDING");
    assert_eq!(pending["tenant"]["config"]["business_name"], "Padaria Sol");
    assert_eq!(pending["tenant"]["config"]["template_type"], "RETAIL");
    assert_eq!(
        pending["tenant"]["config"]["hours"]["sat"],
        json!([["08:00", "12:00"]])
    );
    assert_eq!(pending["setup_request"]["id"], request["id"]);

    let queue: Value = app
        .get_admin("/api/admin/setup-requests?status=PENDING")
        .await;
    assert_eq!(queue["items"].as_array().unwrap().len(), 1);
    assert_eq!(queue["items"][0]["owner_email"], "ana@padaria.example");
    let id = request["id"].as_str().unwrap();
    let approved = decide(&app, id, "approve").sent().await;
    assert_eq!(approved.status(), 200);

    let after = status(&app, &owner).await;
    assert_ne!(after["tenant"]["status"], "PENDING");
    assert!(
        ["APPROVED", "QR_PENDING"].contains(&after["tenant"]["status"].as_str().unwrap()),
        "{after}"
    );
    assert_eq!(after["setup_request"]["status"], "APPROVED");
    let tenant_id = after["tenant"]["id"].as_str().unwrap();
    let events: Value = app
        .admin(
            Method::GET,
            &format!("/api/admin/tenants/{tenant_id}/events"),
        )
        .sent()
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(events["items"][0]["event"], "SETUP_REQUEST_SUBMITTED");
    assert_eq!(events["items"][0]["actor"], "owner:ana@padaria.example");
    assert_eq!(events["items"][1]["event"], "SETUP_REQUEST_APPROVED");
    app.stop().await;
}

async fn a_rejected_owner_sees_the_notes_and_may_resubmit(app: TestApp) {
    let owner = browser();
    app.sign_up(&owner, "rui@example.com").await;
    let id = &submitted(&app, &owner).await;
    let empty = decide(&app, id, "reject")
        .json(&json!({"notes": "  "}))
        .sent()
        .await;
    expect_invalid(empty, "notes").await;
    let rejected = decide(&app, id, "reject")
        .json(&json!({"notes": "The WhatsApp number is a landline"}))
        .sent()
        .await;
    assert_eq!(rejected.status(), 200);
    let seen = status(&app, &owner).await;
    assert_eq!(seen["tenant"]["status"], "NEW");
    assert_eq!(seen["setup_request"]["status"], "REJECTED");
    assert_eq!(
        seen["setup_request"]["notes"],
        "The WhatsApp number is a landline"
    );

    let again = submit(&app, &owner, &setup_body()).await;
    assert_eq!(again.status(), 201);
    assert_eq!(status(&app, &owner).await["tenant"]["status"], "PENDING");
    app.stop().await;
}

async fn setup_request_validation_names_the_field_and_writes_nothing(app: TestApp) {
    let owner = browser();
    app.sign_up(&owner, "val@example.com").await;
    let mut cases = Vec::new();
    for (field, value) in [
        ("business_name", json!("   ")),
        ("template_type", json!("BAKERY")),
        ("language", json!("FR")),
        ("whatsapp_number", json!("98765-4321")),
        ("hours", json!({"timezone": "Mars/Base", "mon": []})),
        ("hours", json!({"timezone": "UTC", "mon": [["8am", "6pm"]]})),
        ("notes", json!("x".repeat(1001))),
    ] {
        let mut body = setup_body();
        body[field] = value;
        cases.push((field, body));
    }
    let mut missing = setup_body();
    missing.as_object_mut().unwrap().remove("whatsapp_number");
    cases.push(("body", missing));
    for (field, body) in cases {
        let response = submit(&app, &owner, &body).await;
        expect_invalid(response, field).await;
    }
    let after = status(&app, &owner).await;
    assert_eq!(after["tenant"]["status"], "NEW");
    assert_eq!(after["setup_request"], Value::Null);
    assert_eq!(
        after["tenant"]["config"]["business_name"],
        "Business of val@example.com"
    );
    app.stop().await;
}

async fn a_second_pending_request_is_409(app: TestApp) {
    let owner = browser();
    app.sign_up(&owner, "twice@example.com").await;
    assert_eq!(submit(&app, &owner, &setup_body()).await.status(), 201);
    let mut changed = setup_body();
    changed["business_name"] = json!("Another Name");
    let second = submit(&app, &owner, &changed).await;
    expect_error(second, 409, "invalid_transition").await;
    let after = status(&app, &owner).await;
    assert_eq!(
        after["tenant"]["config"]["business_name"], "Padaria Sol",
        "the refused request changed nothing"
    );
    let queue: Value = app.get_admin("/api/admin/setup-requests").await;
    assert_eq!(queue["items"].as_array().unwrap().len(), 1);
    app.stop().await;
}

async fn deciding_a_decided_request_is_409(app: TestApp) {
    let owner = browser();
    app.sign_up(&owner, "decided@example.com").await;
    let id = &submitted(&app, &owner).await;
    let reject = |notes: &str| decide(&app, id, "reject").json(&json!({ "notes": notes }));
    assert_eq!(reject("no").sent().await.status(), 200);
    expect_error(reject("again").sent().await, 409, "conflict").await;
    let approve = decide(&app, id, "approve").sent().await;
    expect_error(approve, 409, "conflict").await;
    let unknown = app
        .admin(
            Method::POST,
            &format!("/api/admin/setup-requests/{}/approve", uuid_v7()),
        )
        .sent()
        .await;
    expect_error(unknown, 404, "not_found").await;
    assert_eq!(status(&app, &owner).await["tenant"]["status"], "NEW");
    app.stop().await;
}

fn uuid_v7() -> String {
    flowhq_domain::SetupRequestId::new().to_string()
}

async fn signup_refuses_taken_emails_in_any_case_and_weak_passwords(app: TestApp) {
    app.sign_up(&browser(), "Case@Example.com").await;
    let body = |email: &str, password: &str| json!({"name": "X", "email": email, "password": password, "phone": "+5511987650000"});
    let taken = browser()
        .post(app.url("/api/portal/signup"))
        .json(&body("case@EXAMPLE.COM", OWNER_PASSWORD))
        .sent()
        .await;
    expect_error(taken, 409, "conflict").await;
    for (email, password, field) in [
        ("new@example.com", "short", "password"),
        ("new@example.com", "password123", "password"),
        ("not-an-email", OWNER_PASSWORD, "email"),
    ] {
        let response = browser()
            .post(app.url("/api/portal/signup"))
            .json(&body(email, password))
            .sent()
            .await;
        expect_invalid(response, field).await;
    }
    let tenants: Value = app.get_admin("/api/admin/tenants").await;
    assert_eq!(
        tenants["items"].as_array().unwrap().len(),
        1,
        "refused signups created no tenant"
    );
    app.stop().await;
}

async fn login(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
    password: &str,
) -> reqwest::Response {
    client
        .post(app.url("/api/portal/login"))
        .json(&json!({"email": email, "password": password}))
        .sent()
        .await
}

async fn login_does_not_tell_unknown_emails_from_wrong_passwords(app: TestApp) {
    app.sign_up(&browser(), "real@example.com").await;
    let wrong = expect_error(
        login(&app, &browser(), "real@example.com", "not-the-password").await,
        401,
        "invalid_credentials",
    )
    .await;
    let unknown = expect_error(
        login(&app, &browser(), "ghost@example.com", "not-the-password").await,
        401,
        "invalid_credentials",
    )
    .await;
    assert_eq!(wrong, unknown);
    let client = browser();
    assert_eq!(
        login(&app, &client, "REAL@example.com", OWNER_PASSWORD)
            .await
            .status(),
        200
    );
    assert_eq!(
        client
            .get(app.url("/api/portal/tenant/current/status"))
            .sent()
            .await
            .status(),
        200
    );
    app.stop().await;
}

async fn login_is_throttled_with_retry_after(app: TestApp) {
    app.sign_up(&browser(), "target@example.com").await;
    for _ in 0..5 {
        let response = login(&app, &browser(), "target@example.com", "wrong-password-x").await;
        assert_eq!(response.status(), 401);
    }
    let throttled = login(&app, &browser(), "target@example.com", OWNER_PASSWORD).await;
    assert_eq!(throttled.status(), 429);
    let retry_after: u64 = throttled.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after > 0);
    expect_error(throttled, 429, "rate_limited").await;
    app.stop().await;
}

async fn sessions_are_httponly_lax_rotated_and_ended_by_logout(app: TestApp) {
    let signup = reqwest::Client::new()
        .post(app.url("/api/portal/signup"))
        .json(&json!({"name": "C", "email": "cookie@example.com", "password": OWNER_PASSWORD, "phone": "+5511987650001"}))
        .sent()
        .await;
    let cookie = signup.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain http gets no Secure flag");
    let first = cookie.split(';').next().unwrap().to_owned();

    let plain = reqwest::Client::new();
    let with = |c: &str| {
        plain
            .get(app.url("/api/portal/tenant/current/status"))
            .header("cookie", c.to_owned())
    };
    assert_eq!(with(&first).sent().await.status(), 200);

    // Logging in again with the old cookie issues a new one and ends the old.
    let relogin = plain
        .post(app.url("/api/portal/login"))
        .header("cookie", first.clone())
        .header("x-forwarded-proto", "https")
        .json(&json!({"email": "cookie@example.com", "password": OWNER_PASSWORD}))
        .sent()
        .await;
    let second_cookie = relogin.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        second_cookie.contains("Secure"),
        "https gets Secure: {second_cookie}"
    );
    let second = second_cookie.split(';').next().unwrap().to_owned();
    assert_ne!(first, second);
    assert_eq!(with(&first).sent().await.status(), 401);
    assert_eq!(with(&second).sent().await.status(), 200);

    let logout = plain
        .post(app.url("/api/portal/logout"))
        .header("cookie", second.clone())
        .sent()
        .await;
    assert_eq!(logout.status(), 204);
    assert_eq!(with(&second).sent().await.status(), 401);
    app.stop().await;
}

async fn an_admin_session_opens_the_admin_api(app: TestApp) {
    let admin = browser();
    assert_eq!(
        login(&app, &admin, ADMIN_EMAIL, ADMIN_PASSWORD)
            .await
            .status(),
        200
    );
    let created = admin
        .post(app.url("/api/admin/tenants"))
        .json(&json!({"name": "Via session", "phone_number": "+34600000100"}))
        .sent()
        .await;
    assert_eq!(created.status(), 201);
    let tenant: Value = created.json().await.unwrap();
    let id = tenant["id"].as_str().unwrap();
    let events: Value = admin
        .get(app.url(&format!("/api/admin/tenants/{id}/events")))
        .sent()
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(events["items"], json!([]));
    // An admin has no tenant: the portal is not theirs.
    let portal = admin
        .get(app.url("/api/portal/tenant/current/status"))
        .sent()
        .await;
    expect_error(portal, 403, "forbidden").await;
    app.stop().await;
}

async fn an_owner_reads_their_own_qr_code_only(app: TestApp) {
    let owner = browser();
    let signed_up = app.sign_up(&owner, "qr@example.com").await;
    let tenant: flowhq_domain::TenantId =
        signed_up["tenant"]["id"].as_str().unwrap().parse().unwrap();
    let qr_url = app.url("/api/portal/tenant/current/qr");

    // No worker has shown a QR code yet.
    expect_error(owner.get(&qr_url).sent().await, 404, "not_found").await;

    let expires_at = chrono::Utc::now() + chrono::TimeDelta::seconds(60);
    let report = flowhq_domain::protocol::SessionUpdate {
        qr: Some("2@owner-qr".into()),
        qr_expires_at: Some(expires_at),
        ..flowhq_domain::protocol::SessionUpdate::state(flowhq_domain::SessionState::QrReady)
    };
    app.store
        .report_session(tenant, &report, "test")
        .await
        .unwrap();
    let response = owner.get(&qr_url).sent().await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["qr"], "2@owner-qr");
    assert!(body["expires_at"].is_string());
    let svg = owner.get(format!("{qr_url}?format=svg")).sent().await;
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");

    // Another owner sees their own (none), never this one.
    let other = browser();
    app.sign_up(&other, "other-qr@example.com").await;
    expect_error(other.get(&qr_url).sent().await, 404, "not_found").await;
    // Without a session: 401.
    expect_error(reqwest::get(&qr_url).await.unwrap(), 401, "unauthorized").await;
    app.stop().await;
}

async fn trusted_headers_are_ignored_unless_configured(app: TestApp) {
    app.sign_up(&browser(), "trusted@example.com").await;
    let response = reqwest::Client::new()
        .get(app.url("/api/portal/tenant/current/status"))
        .header("x-portal-internal-key", INTERNAL_KEY)
        .header("x-user-email", "trusted@example.com")
        .sent()
        .await;
    expect_error(response, 401, "unauthorized").await;
    app.stop().await;
}

async fn trusted_headers_act_as_the_owner_with_the_right_key(app: TestApp) {
    app.sign_up(&browser(), "front@example.com").await;
    let client = reqwest::Client::new();
    let get = |key: &str, email: &str| {
        client
            .get(app.url("/api/portal/tenant/current/status"))
            .header("x-portal-internal-key", key.to_owned())
            .header("x-user-email", email.to_owned())
    };
    let ok = get(INTERNAL_KEY, "FRONT@example.com").sent().await;
    assert_eq!(ok.status(), 200);
    let body: Value = ok.json().await.unwrap();
    assert_eq!(body["tenant"]["name"], "Business of front@example.com");
    expect_error(
        get("wrong-key-wrong-key", "front@example.com").sent().await,
        401,
        "unauthorized",
    )
    .await;
    expect_error(
        get(INTERNAL_KEY, "nobody@example.com").sent().await,
        401,
        "unauthorized",
    )
    .await;
    // The admin's email through trusted headers is still not an owner.
    expect_error(
        get(INTERNAL_KEY, crate::helpers::ADMIN_EMAIL).sent().await,
        403,
        "forbidden",
    )
    .await;
    // And the submission works the same way.
    let submitted = client
        .post(app.url("/api/portal/setup-request"))
        .header("x-portal-internal-key", INTERNAL_KEY)
        .header("x-user-email", "front@example.com")
        .json(&setup_body())
        .sent()
        .await;
    assert_eq!(submitted.status(), 201);
    app.stop().await;
}

async fn owners_ask_for_a_pairing_code_or_new_qr_codes_once_approved(app: TestApp) {
    let owner = browser();
    app.sign_up(&owner, "rui@cafe.example").await;
    let ask = |number: &str| {
        owner
            .post(app.url("/api/portal/tenant/current/pairing-code"))
            .json(&json!({ "phone_number": number }))
            .send()
    };
    // Not approved yet: nothing to link.
    expect_error(ask("+5511987654321").await.unwrap(), 409, "conflict").await;
    let refresh = owner
        .post(app.url("/api/portal/tenant/current/qr/refresh"))
        .sent()
        .await;
    expect_error(refresh, 409, "conflict").await;

    let id = &submitted(&app, &owner).await;
    let approved = decide(&app, id, "approve").sent().await;
    assert_eq!(approved.status(), 200);

    let error = expect_error(ask("11 98765").await.unwrap(), 422, "invalid_field").await;
    assert_eq!(error["field"], "phone_number");
    let asked = ask("+55 11 98765-4321").await.unwrap();
    assert_eq!(asked.status(), 202);
    let asked: Value = asked.json().await.unwrap();
    assert_eq!(asked["phone_number"], "+5511987654321");
    assert!(asked["requested_at"].is_string());
    let tenant_id = status(&app, &owner).await["tenant"]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let session = app.store.session(tenant_id).await.unwrap();
    assert_eq!(
        session.pairing_phone_number.as_deref(),
        Some("+5511987654321")
    );
    // No worker has answered with a code (or a QR code) yet.
    let qr = owner
        .get(app.url("/api/portal/tenant/current/qr"))
        .sent()
        .await;
    expect_error(qr, 404, "not_found").await;
    let refresh = owner
        .post(app.url("/api/portal/tenant/current/qr/refresh"))
        .sent()
        .await;
    assert_eq!(refresh.status(), 202);
    assert!(
        app.store
            .session(tenant_id)
            .await
            .unwrap()
            .new_qr_requested_at
            .is_some()
    );
    app.stop().await;
}
