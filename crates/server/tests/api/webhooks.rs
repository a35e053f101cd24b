//! Webhooks end to end: endpoints made in the portal and the console,
//! events posted to a local receiver, signed, retried, dead-lettered and
//! replayed, and the SSRF guard.

use std::time::Duration;

use flowhq_domain::protocol::{LoggedMessage, SessionUpdate};
use flowhq_domain::{Direction, SessionState, TenantId};
use flowhq_store::Backend;
use reqwest::{Client, Method};
use serde_json::{Value, json};

use crate::helpers::{SendOk, TestApp, browser, expect_error, expect_invalid, run, run_configured};
use crate::webhook_sink::{WebhookSink, signed_with};

flowhq_store::backend_tests!(run_receiving:
    owners_get_signed_events_for_what_they_subscribed,
    failures_are_retried_then_dead_lettered_and_replayed,
    the_operators_endpoint_gets_every_tenants_events,
    bad_endpoints_are_refused_naming_the_field,
    integrations_manage_webhooks_with_a_key,
);

flowhq_store::backend_tests!(run: private_addresses_are_refused_unless_allowed);

/// An app that may post to 127.0.0.1 and retries after 300 ms, three times.
async fn run_receiving<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    run_configured(
        backend,
        |s| {
            s.webhook_allow_private = true;
            s.webhook_retry_schedule = vec![Duration::from_millis(300); 3];
        },
        test,
    )
    .await;
}

const HOOKS: &str = "/api/portal/tenant/current/webhooks";

fn inbound(wa_id: &str, text: &str) -> LoggedMessage {
    LoggedMessage {
        direction: Direction::Inbound,
        from_number: "+5511900000000".into(),
        to_number: "+5511987654321".into(),
        message_text: text.into(),
        wa_message_id: wa_id.into(),
        bot_decision: None,
        reply_to: None,
        menu_item: None,
        media: None,
        push_name: None,
        client_id: None,
        hidden_id: None,
        created_at: chrono::Utc::now(),
    }
}

async fn owner_with_tenant(app: &TestApp, email: &str) -> (Client, TenantId) {
    let owner = browser();
    let body = app.sign_up(&owner, email).await;
    let tenant = body["tenant"]["id"].as_str().unwrap().parse().unwrap();
    (owner, tenant)
}

async fn create(app: &TestApp, owner: &Client, body: Value) -> Value {
    let response = owner.post(app.url(HOOKS)).json(&body).sent().await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

/// The deliveries of an endpoint, as the owner sees them.
async fn deliveries(app: &TestApp, owner: &Client, endpoint: &str, query: &str) -> Vec<Value> {
    let page: Value = owner
        .get(app.url(&format!("{HOOKS}/{endpoint}/deliveries{query}")))
        .sent()
        .await
        .json()
        .await
        .unwrap();
    page["items"].as_array().unwrap().clone()
}

async fn wait_until(what: &str, mut done: impl AsyncFnMut() -> bool) {
    for _ in 0..200 {
        if done().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("not within 10 s: {what}");
}

async fn owners_get_signed_events_for_what_they_subscribed(app: TestApp) {
    let sink = WebhookSink::start().await;
    let (owner, tenant) = owner_with_tenant(&app, "ana@example.com").await;
    let created = create(
        &app,
        &owner,
        json!({"url": sink.url(), "events": ["message.received", "session.status"]}),
    )
    .await;
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    let id = created["id"].as_str().unwrap().to_owned();
    // The secret is shown once.
    let listed: Value = owner.get(app.url(HOOKS)).sent().await.json().await.unwrap();
    assert_eq!(listed[0]["id"], id.as_str());
    assert!(listed[0].get("secret").is_none(), "{listed}");

    app.store
        .log_messages(tenant, &[inbound("wa-1", "hola")])
        .await
        .unwrap();
    let got = sink.wait_for(1).await;
    let request = &got[0];
    assert!(signed_with(request, &secret), "{request:?}");
    let body = request.json();
    assert_eq!(body["type"], "message.received");
    assert_eq!(body["version"], 1);
    assert_eq!(body["data"]["message"]["text"], "hola");
    assert_eq!(body["data"]["tenant_id"], tenant.to_string());
    assert!(request.id.starts_with("evt_"));

    // A simulated logout: session.status, once however often it is reported.
    let logout = SessionUpdate {
        error: Some("logged out from the phone".into()),
        ..SessionUpdate::state(SessionState::LoggedOut)
    };
    for _ in 0..2 {
        app.store
            .report_session(tenant, &logout, "test")
            .await
            .unwrap();
    }
    let got = sink.wait_for(2).await;
    assert_eq!(got[1].json()["type"], "session.status");
    assert_eq!(got[1].json()["data"]["status"], "logged_out");
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(sink.received().len(), 2, "one event per change");

    // Another owner cannot see or touch it.
    let (bob, _) = owner_with_tenant(&app, "bob@example.com").await;
    for (method, path) in [
        (Method::PATCH, format!("{HOOKS}/{id}")),
        (Method::DELETE, format!("{HOOKS}/{id}")),
        (Method::GET, format!("{HOOKS}/{id}/deliveries")),
        (Method::POST, format!("{HOOKS}/{id}/deliveries/replay")),
    ] {
        let response = bob
            .request(method.clone(), app.url(&path))
            .json(&json!({}))
            .sent()
            .await;
        expect_error(response, 404, "not_found").await;
    }
    let bobs: Value = bob.get(app.url(HOOKS)).sent().await.json().await.unwrap();
    assert_eq!(bobs, json!([]));

    // A rotation returns the new secret once; both sign for a while.
    let rotated: Value = owner
        .patch(app.url(&format!("{HOOKS}/{id}")))
        .json(&json!({"rotate_secret": true}))
        .sent()
        .await
        .json()
        .await
        .unwrap();
    let new_secret = rotated["secret"].as_str().unwrap().to_owned();
    assert_ne!(new_secret, secret);
    app.store
        .log_messages(tenant, &[inbound("wa-2", "again")])
        .await
        .unwrap();
    let got = sink.wait_for(3).await;
    assert!(signed_with(&got[2], &secret) && signed_with(&got[2], &new_secret));
    app.stop().await;
}

async fn failures_are_retried_then_dead_lettered_and_replayed(app: TestApp) {
    let sink = WebhookSink::start().await;
    let (owner, tenant) = owner_with_tenant(&app, "ana@example.com").await;
    let created = create(
        &app,
        &owner,
        json!({"url": sink.url(), "events": ["message.received"]}),
    )
    .await;
    let id = created["id"].as_str().unwrap().to_owned();

    // 500 three times: the fourth attempt delivers.
    sink.answer(&[500, 500, 500]);
    app.store
        .log_messages(tenant, &[inbound("wa-1", "one")])
        .await
        .unwrap();
    let got = sink.wait_for(4).await;
    assert_eq!(
        got.iter().map(|r| r.answered).collect::<Vec<_>>(),
        [500, 500, 500, 200]
    );
    assert!(got.iter().all(|r| r.id == got[0].id), "one webhook-id");
    wait_until("delivered", async || {
        deliveries(&app, &owner, &id, "").await[0]["status"] == "DELIVERED"
    })
    .await;
    let log = &deliveries(&app, &owner, &id, "").await[0]["log"];
    assert_eq!(log.as_array().unwrap().len(), 4, "{log}");
    assert_eq!(log[0]["status_code"], 500);
    assert_eq!(log[3]["status_code"], 200);

    // Down past the retries: a dead letter, then replayed.
    sink.always(Some(503));
    app.store
        .log_messages(tenant, &[inbound("wa-2", "two")])
        .await
        .unwrap();
    wait_until("dead", async || {
        !deliveries(&app, &owner, &id, "?status=dead")
            .await
            .is_empty()
    })
    .await;
    let dead = deliveries(&app, &owner, &id, "?status=dead").await;
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0]["attempts"], 4);
    assert_eq!(dead[0]["last_status_code"], 503);
    let delivery = dead[0]["id"].as_str().unwrap().to_owned();

    sink.always(None);
    let before = sink.received().len();
    let replayed = owner
        .post(app.url(&format!("{HOOKS}/{id}/deliveries/{delivery}/replay")))
        .sent()
        .await;
    assert_eq!(replayed.status(), 202);
    let got = sink.wait_for(before + 1).await;
    assert_eq!(got[before].id, delivery);
    assert_eq!(got[before].answered, 200);
    wait_until("replay delivered", async || {
        deliveries(&app, &owner, &id, "?status=dead")
            .await
            .is_empty()
    })
    .await;
    // Nothing dead is left to replay.
    let again = owner
        .post(app.url(&format!("{HOOKS}/{id}/deliveries/{delivery}/replay")))
        .sent()
        .await;
    expect_error(again, 404, "not_found").await;
    app.stop().await;
}

async fn the_operators_endpoint_gets_every_tenants_events(app: TestApp) {
    let sink = WebhookSink::start().await;
    let response = app
        .send_admin_json(
            Method::POST,
            "/api/admin/webhooks",
            &json!({"url": sink.url(), "events": ["tenant.status", "message.received"]}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.unwrap();
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert_eq!(created["tenant_id"], Value::Null);

    let (_, a) = owner_with_tenant(&app, "a@example.com").await;
    let (_, b) = owner_with_tenant(&app, "b@example.com").await;
    app.store
        .log_messages(b, &[inbound("wa-1", "from b")])
        .await
        .unwrap();
    let tenant_a = app.create_tenant("Direct", "+5511900000077").await;
    let got = sink.wait_for(1).await;
    assert!(got.iter().all(|r| signed_with(r, &secret)));
    let received = got
        .iter()
        .map(|r| r.json())
        .find(|b| b["type"] == "message.received")
        .expect("b's message");
    assert_eq!(received["data"]["tenant_id"], b.to_string());
    let _ = (a, tenant_a);
    // The console's view of a tenant's own endpoints.
    let own: Value = app
        .get_admin(&format!("/api/admin/tenants/{a}/webhooks"))
        .await;
    assert_eq!(own, json!([]));
    app.stop().await;
}

async fn bad_endpoints_are_refused_naming_the_field(app: TestApp) {
    let (owner, _) = owner_with_tenant(&app, "ana@example.com").await;
    for (body, field) in [
        (
            json!({"url": "ftp://x", "events": ["message.received"]}),
            "url",
        ),
        (json!({"url": "https://x.example", "events": []}), "events"),
        (
            json!({"url": "https://x.example", "events": ["message.deleted"]}),
            "events",
        ),
        (
            json!({"url": "https://x.example", "events": ["message.sent"], "secret": "hunter2"}),
            "secret",
        ),
    ] {
        let response = owner.post(app.url(HOOKS)).json(&body).sent().await;
        expect_invalid(response, field).await;
    }
    let none: Value = owner.get(app.url(HOOKS)).sent().await.json().await.unwrap();
    assert_eq!(none, json!([]), "nothing was made");
    // A secret of one's own is taken as is and not shown back.
    let mine = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let created = create(
        &app,
        &owner,
        json!({"url": "https://x.example/h", "events": ["message.sent"], "secret": mine}),
    )
    .await;
    assert!(created.get("secret").is_none());
    app.stop().await;
}

async fn private_addresses_are_refused_unless_allowed(app: TestApp) {
    let sink = WebhookSink::start().await;
    let (owner, tenant) = owner_with_tenant(&app, "ana@example.com").await;
    let created = create(
        &app,
        &owner,
        json!({"url": sink.url(), "events": ["message.received"]}),
    )
    .await;
    let id = created["id"].as_str().unwrap().to_owned();
    app.store
        .log_messages(tenant, &[inbound("wa-1", "hi")])
        .await
        .unwrap();
    // Attempts are counted when claimed; the error comes with the outcome.
    wait_until("a failed attempt", async || {
        deliveries(&app, &owner, &id, "").await[0]["last_error"].is_string()
    })
    .await;
    let delivery = &deliveries(&app, &owner, &id, "").await[0];
    let error = delivery["last_error"].as_str().unwrap();
    assert!(error.contains("FLOWHQ_WEBHOOK_ALLOW_PRIVATE"), "{error}");
    assert!(sink.received().is_empty());
    app.stop().await;
}

async fn integrations_manage_webhooks_with_a_key(app: TestApp) {
    use crate::api_keys::tenant_with_key;
    let sink = WebhookSink::start().await;
    let (tenant, key) = tenant_with_key(&app, "shop@example.com", &["webhooks:manage"]).await;
    let (_, reader) = tenant_with_key(&app, "reader@example.com", &["messages:read"]).await;
    let (_, other) = tenant_with_key(&app, "other@example.com", &["webhooks:manage"]).await;
    let call = |secret: &str, method: Method, path: &str| {
        app.client
            .request(method, app.url(path))
            .bearer_auth(secret.to_owned())
    };
    let created = call(&key, Method::POST, "/api/v1/webhooks")
        .json(&json!({"url": sink.url(), "events": ["message.received"]}))
        .sent()
        .await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    let secret = created["secret"].as_str().unwrap().to_owned();
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["tenant_id"], tenant.to_string());

    // Without the scope: 403; another tenant's key: nothing to name.
    let refused = call(&reader, Method::GET, "/api/v1/webhooks").sent().await;
    expect_error(refused, 403, "forbidden").await;
    let listed: Value = call(&other, Method::GET, "/api/v1/webhooks")
        .sent()
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed, json!([]));
    for (method, path) in [
        (Method::PATCH, format!("/api/v1/webhooks/{id}")),
        (Method::DELETE, format!("/api/v1/webhooks/{id}")),
        (Method::GET, format!("/api/v1/webhooks/{id}/deliveries")),
    ] {
        let response = call(&other, method, &path).json(&json!({})).sent().await;
        expect_error(response, 404, "not_found").await;
    }

    app.store
        .log_messages(tenant, &[inbound("wa-1", "via the API")])
        .await
        .unwrap();
    let got = sink.wait_for(1).await;
    assert!(signed_with(&got[0], &secret));
    wait_until("logged as delivered", async || {
        let page: Value = call(
            &key,
            Method::GET,
            &format!("/api/v1/webhooks/{id}/deliveries"),
        )
        .sent()
        .await
        .json()
        .await
        .unwrap();
        page["items"][0]["status"] == "DELIVERED"
    })
    .await;
    let deleted = call(&key, Method::DELETE, &format!("/api/v1/webhooks/{id}"))
        .sent()
        .await;
    assert_eq!(deleted.status(), 204);
    app.stop().await;
}
