//! The worker protocol's authentication and idempotent logging, and the
//! simulator's public endpoints being mounted only in simulator mode.

use flowhq_domain::TenantId;
use flowhq_domain::lifecycle::Event;
use flowhq_server::config::ChannelKind;
use flowhq_store::Backend;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, expect_error, run, run_configured, token_for};

flowhq_store::backend_tests!(run:
    a_worker_token_acts_only_for_its_own_tenant,
    message_batches_are_logged_idempotently,
    heartbeats_move_an_approved_tenant_and_answer_the_desired_state,
    simulator_endpoints_exist_only_in_simulator_mode,
);

mod simulator_mode {
    flowhq_store::backend_tests!(run_sim: the_simulator_links_delivers_and_records_sends);

    async fn run_sim<F, Fut>(backend: super::Backend, test: F)
    where
        F: FnOnce(super::TestApp) -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        super::run_configured(backend, |s| s.channel = super::ChannelKind::Simulator, test).await;
    }

    use super::the_simulator_links_delivers_and_records_sends;
}

fn worker(
    app: &TestApp,
    method: Method,
    tenant: &str,
    path: &str,
    token: &str,
) -> reqwest::RequestBuilder {
    app.client
        .request(method, app.url(&format!("/api/worker/{tenant}{path}")))
        .bearer_auth(token)
}

fn beat() -> Value {
    json!({ "pid": 1, "session_state": "CONNECTING", "outbox_backlog": 0 })
}

async fn a_worker_token_acts_only_for_its_own_tenant(app: TestApp) {
    let a = app.create_tenant("A", "+34910000001").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let b = app.create_tenant("B", "+34910000002").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let token_a = token_for(&app, &a).await;
    let token_b = token_for(&app, &b).await;
    assert_ne!(token_a, token_b);

    let own = worker(&app, Method::POST, &a, "/heartbeat", &token_a)
        .json(&beat())
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 200);
    for (path, method) in [
        ("/heartbeat", Method::POST),
        ("/config", Method::GET),
        ("/messages", Method::POST),
        ("/session", Method::POST),
    ] {
        let other = worker(&app, method.clone(), &b, path, &token_a)
            .json(&beat())
            .send()
            .await
            .unwrap();
        expect_error(other, 403, "forbidden").await;
        let none = app
            .client
            .request(method, app.url(&format!("/api/worker/{b}{path}")))
            .send()
            .await
            .unwrap();
        expect_error(none, 401, "unauthorized").await;
    }
    let forged = worker(&app, Method::GET, &a, "/config", "not-the-token")
        .send()
        .await
        .unwrap();
    expect_error(forged, 403, "forbidden").await;
    let unknown = worker(
        &app,
        Method::GET,
        &TenantId::new().to_string(),
        "/config",
        &token_a,
    )
    .send()
    .await
    .unwrap();
    expect_error(unknown, 404, "not_found").await;
    // A new token replaces the old one.
    let _ = token_for(&app, &a).await;
    let stale = worker(&app, Method::GET, &a, "/config", &token_a)
        .send()
        .await
        .unwrap();
    expect_error(stale, 403, "forbidden").await;
    app.stop().await;
}

async fn message_batches_are_logged_idempotently(app: TestApp) {
    let a = app.create_tenant("A", "+34910000001").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let token = token_for(&app, &a).await;
    let batch = json!({ "messages": [
        { "direction": "INBOUND", "from_number": "+34600000001", "to_number": "+34910000001",
          "message_text": "hola", "wa_message_id": "W1", "created_at": "2024-06-07T12:00:00Z" },
        { "direction": "OUTBOUND", "from_number": "+34910000001", "to_number": "+34600000001",
          "message_text": "menu", "wa_message_id": "W2", "created_at": "2024-06-07T12:00:01Z" }
    ]});
    for inserted in [2, 0] {
        let r = worker(&app, Method::POST, &a, "/messages", &token)
            .json(&batch)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let ack: Value = r.json().await.unwrap();
        assert_eq!(ack, json!({ "accepted": 2, "inserted": inserted }));
    }
    let page: Value = app
        .admin(Method::GET, &format!("/api/admin/tenants/{a}/messages"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    app.stop().await;
}

async fn heartbeats_move_an_approved_tenant_and_answer_the_desired_state(app: TestApp) {
    let a = app.create_tenant("A", "+34910000001").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let id: TenantId = a.parse().unwrap();
    app.store
        .apply_event(id, Event::SetupRequestSubmitted, "t")
        .await
        .unwrap();
    app.store
        .apply_event(id, Event::SetupRequestApproved, "t")
        .await
        .unwrap();
    let token = token_for(&app, &a).await;
    let desired: Value = worker(&app, Method::POST, &a, "/heartbeat", &token)
        .json(&json!({ "pid": 1, "session_state": "CONNECTED", "outbox_backlog": 7 }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(desired["paused"], false);
    assert_eq!(desired["stop"], false);
    // The backlog the worker reported is what /metrics shows.
    let metrics = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("flowhq_worker_outbox_backlog 7\n"),
        "{metrics}"
    );
    assert!(metrics.contains("flowhq_worker_outbox_backlog_max 7\n"));
    let tenant: Value = app
        .admin(Method::GET, &format!("/api/admin/tenants/{a}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(tenant["status"], "ACTIVE");
    assert_eq!(tenant["worker"]["status"], "RUNNING");
    let r = app
        .admin(Method::POST, &format!("/api/admin/tenants/{a}/pause"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let desired: Value = worker(&app, Method::POST, &a, "/heartbeat", &token)
        .json(&beat())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(desired["paused"], true);
    let config: Value = worker(&app, Method::GET, &a, "/config", &token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(config["phone_number"], "+34910000001");
    assert_eq!(config["paused"], true);
    app.stop().await;
}

async fn simulator_endpoints_exist_only_in_simulator_mode(app: TestApp) {
    let a = app.create_tenant("A", "+34910000001").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app
        .admin(Method::POST, &format!("/api/sim/tenants/{a}/scan"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    app.stop().await;
}

async fn the_simulator_links_delivers_and_records_sends(app: TestApp) {
    let a = app.create_tenant("A", "+34910000001").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let token = token_for(&app, &a).await;
    // No QR shown yet: nothing to scan.
    let r = app
        .admin(Method::POST, &format!("/api/sim/tenants/{a}/scan"))
        .send()
        .await
        .unwrap();
    expect_error(r, 409, "conflict").await;
    let view: Value = worker(&app, Method::POST, &a, "/sim/poll", &token)
        .json(&json!({ "credentials": null, "linked": false, "known_qr": null, "wait_ms": 0 }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(view["linked"], false);
    let qr = view["qr"].as_str().unwrap().to_owned();
    let r = app
        .admin(Method::POST, &format!("/api/sim/tenants/{a}/scan"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = app
        .admin(Method::POST, &format!("/api/sim/tenants/{a}/inbound"))
        .json(&json!({"from": "+34600", "text": "hi"}))
        .send()
        .await
        .unwrap();
    let id = r.json::<Value>().await.unwrap()["wa_message_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let view: Value = worker(&app, Method::POST, &a, "/sim/poll", &token)
        .json(&json!({ "credentials": null, "linked": false, "known_qr": qr, "wait_ms": 1000 }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(view["linked"], true);
    assert!(view["credentials"].is_string());
    assert_eq!(view["messages"][0]["wa_message_id"], id.as_str());
    let send = json!({ "client_id": format!("{id}:0"), "to": "+34600", "text": "menu" });
    let first: Value = worker(&app, Method::POST, &a, "/sim/send", &token)
        .json(&send)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let again: Value = worker(&app, Method::POST, &a, "/sim/send", &token)
        .json(&send)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(first["wa_message_id"], again["wa_message_id"]);
    let outbox: Value = app
        .admin(Method::GET, &format!("/api/sim/tenants/{a}/outbox"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(outbox["items"].as_array().unwrap().len(), 1);
    let r = app
        .admin(Method::POST, &format!("/api/sim/tenants/{a}/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    app.stop().await;
}
