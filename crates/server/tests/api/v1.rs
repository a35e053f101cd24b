//! The public API (`/api/v1`) with a tenant's key: sends within the guard
//! and the rate, once per `Idempotency-Key`; reads of the tenant's own
//! messages and contacts; scopes enforced.

use chrono::{Duration, Utc};
use flowhq_domain::protocol::LoggedMessage;
use flowhq_domain::{Direction, TenantId};
use reqwest::Method;
use serde_json::{Value, json};

use crate::api_keys::tenant_with_key;
use crate::helpers::{SendOk, TestApp, expect_error, expect_invalid, run};

flowhq_store::backend_tests!(run:
    scopes_are_enforced_with_a_json_403,
    sends_go_only_to_people_who_wrote_in_the_last_day_unless_lifted,
    an_idempotency_key_sends_once_even_at_once,
    sends_are_limited_to_20_a_minute_per_tenant,
    a_send_may_carry_a_file,
    one_tenants_key_reads_nothing_of_another,
    messages_are_read_by_contact_a_page_at_a_time,
);

const ALL: &[&str] = &[
    "messages:send",
    "messages:read",
    "contacts:read",
    "webhooks:manage",
];

/// `number` wrote to `tenant` at `at`.
async fn wrote(
    app: &TestApp,
    tenant: TenantId,
    number: &str,
    text: &str,
    at: chrono::DateTime<Utc>,
) {
    let message = LoggedMessage {
        direction: Direction::Inbound,
        from_number: number.into(),
        to_number: "+5511987654321".into(),
        message_text: text.into(),
        wa_message_id: format!("wa-{}", uuid::Uuid::now_v7()),
        bot_decision: None,
        reply_to: None,
        menu_item: None,
        media: None,
        push_name: None,
        client_id: None,
        hidden_id: None,
        created_at: at,
    };
    app.store.log_messages(tenant, &[message]).await.unwrap();
}

fn call(app: &TestApp, secret: &str, method: Method, path: &str) -> reqwest::RequestBuilder {
    app.client
        .request(method, app.url(path))
        .bearer_auth(secret)
}

async fn send(app: &TestApp, secret: &str, body: Value) -> reqwest::Response {
    call(app, secret, Method::POST, "/api/v1/messages")
        .json(&body)
        .sent()
        .await
}

async fn scopes_are_enforced_with_a_json_403(app: TestApp) {
    let (tenant, secret) = tenant_with_key(&app, "ana@example.com", &["contacts:read"]).await;
    wrote(&app, tenant, "+5511900000001", "hi", Utc::now()).await;
    let refused = send(&app, &secret, json!({"to": "+5511900000001", "text": "x"})).await;
    let error = expect_error(refused, 403, "forbidden").await;
    assert!(error["message"].as_str().unwrap().contains("messages:send"));
    let read = call(&app, &secret, Method::GET, "/api/v1/messages")
        .sent()
        .await;
    expect_error(read, 403, "forbidden").await;
    let contacts = call(&app, &secret, Method::GET, "/api/v1/contacts")
        .sent()
        .await;
    assert_eq!(contacts.status(), 200);
    assert!(
        app.store
            .waiting_sends(tenant, 10)
            .await
            .unwrap()
            .is_empty()
    );
    app.stop().await;
}

async fn sends_go_only_to_people_who_wrote_in_the_last_day_unless_lifted(app: TestApp) {
    let (tenant, secret) = tenant_with_key(&app, "ana@example.com", ALL).await;
    wrote(&app, tenant, "+5511900000001", "hi", Utc::now()).await;
    wrote(
        &app,
        tenant,
        "+5511900000002",
        "old",
        Utc::now() - Duration::hours(25),
    )
    .await;

    let sent = send(
        &app,
        &secret,
        json!({"to": "+55 11 90000-0001", "text": "Your order is ready"}),
    )
    .await;
    assert_eq!(sent.status(), 202);
    let sent: Value = sent.json().await.unwrap();
    assert_eq!(sent["status"], "QUEUED");
    let waiting = app.store.waiting_sends(tenant, 10).await.unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].id, sent["id"].as_str().unwrap());
    assert_eq!(waiting[0].to, "+5511900000001");
    assert_eq!(waiting[0].text, "Your order is ready");

    for never in ["+5511900000099", "+5511900000002"] {
        let refused = send(&app, &secret, json!({"to": never, "text": "Hello"})).await;
        let error = expect_invalid(refused, "to").await;
        assert!(
            error["message"].as_str().unwrap().contains(never),
            "{error}"
        );
    }
    // Every refused field at once.
    let bad = send(&app, &secret, json!({"to": "123", "text": ""})).await;
    let error = expect_invalid(bad, "to").await;
    assert!(
        error["message"].as_str().unwrap().contains("text"),
        "{error}"
    );
    assert_eq!(app.store.waiting_sends(tenant, 10).await.unwrap().len(), 1);

    // The operator lifts the guard for this tenant.
    let lifted = app
        .send_admin_json(
            Method::PATCH,
            &format!("/api/admin/tenants/{tenant}/api-settings"),
            &json!({"send_any_contact": true}),
        )
        .await;
    assert_eq!(lifted.status(), 200);
    let sent = send(
        &app,
        &secret,
        json!({"to": "+5511900000099", "text": "Hello"}),
    )
    .await;
    assert_eq!(sent.status(), 202);
    let status: Value = call(&app, &secret, Method::GET, "/api/v1/status")
        .sent()
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["send_any_contact"], true);
    assert_eq!(status["tenant"]["id"], tenant.to_string());
    assert!(status["session"]["state"].is_string(), "{status}");
    app.stop().await;
}

async fn an_idempotency_key_sends_once_even_at_once(app: TestApp) {
    let (tenant, secret) = tenant_with_key(&app, "ana@example.com", ALL).await;
    wrote(&app, tenant, "+5511900000001", "hi", Utc::now()).await;
    let body = json!({"to": "+5511900000001", "text": "Once"});
    let with_key = |key: &'static str, body: Value| {
        call(&app, &secret, Method::POST, "/api/v1/messages")
            .header("Idempotency-Key", key)
            .json(&body)
            .sent()
    };
    let first = with_key("order-42", body.clone()).await;
    assert_eq!(first.status(), 202);
    let first: Value = first.json().await.unwrap();
    let again = with_key("order-42", body.clone()).await;
    assert_eq!(again.status(), 202);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.json::<Value>().await.unwrap(), first);
    assert_eq!(app.store.waiting_sends(tenant, 10).await.unwrap().len(), 1);
    // The same key for another request is refused.
    let other = with_key("order-42", json!({"to": "+5511900000001", "text": "Twice"})).await;
    expect_error(other, 409, "conflict").await;

    // Ten at once with a new key: one send, one answer.
    let answers =
        futures_util::future::join_all((0..10).map(|_| with_key("order-43", body.clone()))).await;
    let mut ids = std::collections::BTreeSet::new();
    for answer in answers {
        assert_eq!(answer.status(), 202);
        let answer: Value = answer.json().await.unwrap();
        ids.insert(answer["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(app.store.waiting_sends(tenant, 10).await.unwrap().len(), 2);
    let empty = call(&app, &secret, Method::POST, "/api/v1/messages")
        .header("Idempotency-Key", "")
        .json(&body)
        .sent()
        .await;
    expect_invalid(empty, "Idempotency-Key").await;
    app.stop().await;
}

async fn sends_are_limited_to_20_a_minute_per_tenant(app: TestApp) {
    let (tenant, secret) = tenant_with_key(&app, "ana@example.com", ALL).await;
    let (other, other_secret) = tenant_with_key(&app, "bob@example.com", ALL).await;
    wrote(&app, tenant, "+5511900000001", "hi", Utc::now()).await;
    wrote(&app, other, "+5511900000001", "hi", Utc::now()).await;
    let body = json!({"to": "+5511900000001", "text": "Hi"});
    for i in 0..20 {
        let sent = send(&app, &secret, body.clone()).await;
        assert_eq!(sent.status(), 202, "send {i}");
    }
    let throttled = send(&app, &secret, body.clone()).await;
    let retry_after: u64 = throttled.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    expect_error(throttled, 429, "rate_limited").await;
    assert_eq!(
        app.store.waiting_sends(tenant, 100).await.unwrap().len(),
        20
    );
    // Another tenant's sends are counted apart.
    assert_eq!(send(&app, &other_secret, body).await.status(), 202);
    app.stop().await;
}

/// The smallest PNG: one transparent pixel.
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

async fn a_send_may_carry_a_file(app: TestApp) {
    let (tenant, secret) = tenant_with_key(&app, "ana@example.com", ALL).await;
    wrote(&app, tenant, "+5511900000001", "hi", Utc::now()).await;
    let sent = send(
        &app,
        &secret,
        json!({"to": "+5511900000001", "media": {"file_name": "dot.png", "mime": "image/png", "data_base64": PNG}}),
    )
    .await;
    assert_eq!(sent.status(), 202);
    let waiting = app.store.waiting_sends(tenant, 10).await.unwrap();
    let media = waiting[0]
        .media
        .as_ref()
        .expect("the file goes with the send");
    assert_eq!(media.mime, "image/png");
    assert_eq!(media.file_name, "dot.png");
    assert_eq!(waiting[0].text, "");
    // A file that is not what it claims to be names the field.
    let lying = send(
        &app,
        &secret,
        json!({"to": "+5511900000001", "text": "x", "media": {"file_name": "a.pdf", "mime": "application/pdf", "data_base64": PNG}}),
    )
    .await;
    expect_invalid(lying, "media").await;
    assert_eq!(app.store.waiting_sends(tenant, 10).await.unwrap().len(), 1);
    app.stop().await;
}

async fn one_tenants_key_reads_nothing_of_another(app: TestApp) {
    let (a, a_secret) = tenant_with_key(&app, "alice@example.com", ALL).await;
    let (b, b_secret) = tenant_with_key(&app, "bob@example.com", ALL).await;
    wrote(&app, a, "+5511900000001", "secret of alice", Utc::now()).await;
    wrote(&app, b, "+5511900000002", "bob's", Utc::now()).await;
    let get = |secret: &str, path: &str| {
        let request = call(&app, secret, Method::GET, path);
        async move { request.sent().await.json::<Value>().await.unwrap() }
    };
    let b_messages = get(&b_secret, "/api/v1/messages").await;
    assert_eq!(b_messages["items"].as_array().unwrap().len(), 1);
    assert_eq!(b_messages["items"][0]["message_text"], "bob's");
    let by_contact = get(&b_secret, "/api/v1/messages?contact=%2B5511900000001").await;
    assert_eq!(by_contact["items"], json!([]));
    let contacts = get(&b_secret, "/api/v1/contacts").await;
    assert_eq!(contacts["items"].as_array().unwrap().len(), 1);
    assert_eq!(contacts["items"][0]["phone"], "+5511900000002");
    assert_eq!(contacts["items"][0]["can_send"], true);
    // Alice's contact is no contact of Bob's: nothing to send to.
    let refused = send(
        &app,
        &b_secret,
        json!({"to": "+5511900000001", "text": "x"}),
    )
    .await;
    expect_invalid(refused, "to").await;
    let status = get(&b_secret, "/api/v1/status").await;
    assert_eq!(status["tenant"]["id"], b.to_string());
    let a_contacts = get(&a_secret, "/api/v1/contacts").await;
    assert_eq!(a_contacts["items"][0]["phone"], "+5511900000001");
    app.stop().await;
}

async fn messages_are_read_by_contact_a_page_at_a_time(app: TestApp) {
    let (tenant, secret) =
        tenant_with_key(&app, "ana@example.com", &["messages:read", "contacts:read"]).await;
    let base = Utc::now() - Duration::minutes(10);
    for i in 0..3 {
        wrote(
            &app,
            tenant,
            "+5511900000001",
            &format!("one {i}"),
            base + Duration::seconds(i),
        )
        .await;
        wrote(
            &app,
            tenant,
            "+5511900000002",
            &format!("two {i}"),
            base + Duration::seconds(i),
        )
        .await;
    }
    let page: Value = call(
        &app,
        &secret,
        Method::GET,
        "/api/v1/messages?contact=%2B5511900000001&limit=2",
    )
    .sent()
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(page["items"][0]["message_text"], "one 2");
    assert_eq!(page["items"][1]["message_text"], "one 1");
    let before = page["next_cursor"].as_str().unwrap();
    let next: Value = call(
        &app,
        &secret,
        Method::GET,
        &format!("/api/v1/messages?contact=%2B5511900000001&limit=2&before={before}"),
    )
    .sent()
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(next["items"].as_array().unwrap().len(), 1);
    assert_eq!(next["items"][0]["message_text"], "one 0");
    assert_eq!(next["next_cursor"], Value::Null);
    let bad = call(&app, &secret, Method::GET, "/api/v1/messages?contact=abc")
        .sent()
        .await;
    expect_invalid(bad, "contact").await;
    let contacts: Value = call(&app, &secret, Method::GET, "/api/v1/contacts?limit=1")
        .sent()
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(contacts["items"][0]["phone"], "+5511900000001");
    let cursor = contacts["next_cursor"].as_str().unwrap();
    let rest: Value = call(
        &app,
        &secret,
        Method::GET,
        &format!("/api/v1/contacts?limit=1&cursor=%2B{}", &cursor[1..]),
    )
    .sent()
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(rest["items"][0]["phone"], "+5511900000002");
    assert_eq!(rest["next_cursor"], Value::Null);
    app.stop().await;
}
