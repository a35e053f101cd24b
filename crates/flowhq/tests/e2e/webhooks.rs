//! Webhooks through a SIGKILL: the control plane is killed while 500
//! customer messages flow with an endpoint subscribed to them; after the
//! restart every logged message has its event delivered, each under one
//! `webhook-id`, none lost.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use axum::http::HeaderMap;
use axum::routing::post;

use super::replicas::{free_port, spawn_replica};
use super::sim_apart::start_sim;
use super::*;

flowhq_store::backend_tests!(run: every_event_survives_a_sigkilled_control_plane);

const MESSAGES: usize = 500;
const KILL_AFTER: usize = 200;

/// A receiver that counts each `webhook-id` it acknowledged.
async fn receiver() -> (String, Arc<Mutex<HashMap<String, usize>>>) {
    let seen: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let counts = seen.clone();
    let app = axum::Router::new().route(
        "/hook",
        post(move |headers: HeaderMap| {
            let counts = counts.clone();
            async move {
                let id = headers
                    .get("webhook-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                *counts.lock().unwrap().entry(id).or_default() += 1;
                "ok"
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

/// Every page of a listing under `path` (`items`, `next_cursor`, `key`).
async fn all_pages(env: &Env, path: &str, key: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let sep = if path.contains('?') { '&' } else { '?' };
        let url = match &cursor {
            Some(c) => format!("{path}{sep}{key}={c}"),
            None => path.to_owned(),
        };
        let page = env.get(&url).await;
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return items,
        }
    }
}

async fn every_event_survives_a_sigkilled_control_plane(mut env: Env) {
    let sim = start_sim(&env.data_dir.with_file_name("sim"));
    let port = free_port();
    let mut serve = spawn_replica(&env, "serve", &sim.url, port, port);
    env.port = port;
    let ready = || async {
        eventually("serve ready", Duration::from_secs(30), || async {
            let r = env.client.get(env.url("/readyz")).send().await.ok()?;
            r.status().is_success().then_some(())
        })
        .await
    };
    ready().await;
    let (url, seen) = receiver().await;
    let (status, hook) = env
        .post(
            "/api/admin/webhooks",
            json!({"url": url, "events": ["message.received", "message.sent", "session.status"]}),
        )
        .await;
    assert_eq!(status, 201, "{hook}");
    let hook = hook["id"].as_str().unwrap().to_owned();
    let id = super::pairing::approved_with_worker(&env, "Casa Pepe", "+34910000002").await;
    super::pairing::scan_until_active(&env, id, &sim.url).await;

    for i in 0..MESSAGES {
        if i == KILL_AFTER {
            signal(u64::from(serve.child.id().unwrap()), libc::SIGKILL);
            let _ = serve.child.wait().await;
            serve = spawn_replica(&env, "serve-again", &sim.url, port, port);
        }
        let r = env
            .client
            .post(format!("{}/api/sim/tenants/{id}/inbound", sim.url))
            .json(&json!({"from": format!("+346000001{:02}", i % 50), "text": "hello"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    ready().await;

    // Every logged message's event delivered; the receiver saw each id.
    let (logs, deliveries) =
        eventually("every event delivered", Duration::from_secs(90), || async {
            let logs = all_pages(
                &env,
                &format!("/api/admin/tenants/{id}/messages?limit=500"),
                "before",
            )
            .await;
            let inbound = logs.iter().filter(|m| m["direction"] == "INBOUND").count();
            if inbound < MESSAGES {
                return None;
            }
            let deliveries = all_pages(
                &env,
                &format!("/api/admin/webhooks/{hook}/deliveries?limit=200"),
                "before",
            )
            .await;
            let deliveries: Vec<Value> = deliveries
                .into_iter()
                .filter(|d| d["event_type"].as_str().unwrap().starts_with("message."))
                .collect();
            let delivered = deliveries
                .iter()
                .filter(|d| d["status"] == "DELIVERED")
                .count();
            (delivered == logs.len() && deliveries.len() == logs.len())
                .then_some((logs, deliveries))
        })
        .await;
    let seen = seen.lock().unwrap().clone();
    let ids: HashSet<&str> = deliveries
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), logs.len(), "one event per logged message");
    for id in &ids {
        assert!(seen.contains_key(*id), "{id} reached the receiver");
    }
    // A request the receiver answered just before the kill, whose outcome
    // was never written, is sent again under the same id: receivers drop
    // repeats by webhook-id. Nothing else is ever sent twice.
    let repeated = seen.values().filter(|&&n| n > 1).count();
    assert!(
        repeated <= 500,
        "at most the batch in flight at the kill: {repeated}"
    );
    let sessions = seen.len() - ids.len();
    assert!(sessions >= 1, "session.status connected was sent too");
    println!(
        "{} events, {} ids received, {repeated} received again after the kill",
        ids.len(),
        seen.len()
    );

    // The phone unlinks the device: session.status logged_out.
    let r = env
        .client
        .post(format!("{}/api/sim/tenants/{id}/logout", sim.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    eventually(
        "session.status logged_out",
        Duration::from_secs(15),
        || async {
            let page = env
                .get(&format!("/api/admin/webhooks/{hook}/deliveries?limit=5"))
                .await;
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| {
                    d["event_type"] == "session.status"
                        && d["payload"]["data"]["status"] == "logged_out"
                        && d["status"] == "DELIVERED"
                })
                .then_some(())
        },
    )
    .await;

    let (status, _) = env.post("/api/admin/workers/stop-all", json!({})).await;
    assert_eq!(status, 200);
    let _ = serve.child.start_kill();
    let _ = serve.child.wait().await;
}
