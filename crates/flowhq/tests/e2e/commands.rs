//! Commands over the worker link, end to end with a real worker: a pause
//! that returned is never followed by an automatic answer, a config change
//! answers the next message, and a send goes out once whether the worker
//! was there or not.

use super::pairing::{approved_with_worker, scan_until_active};
use super::*;
use flowhq_store::sends::QueuedSend;

/// An ACTIVE tenant with a linked worker; its id and the worker's pid.
async fn active(env: &Env) -> (TenantId, u64) {
    let id = approved_with_worker(env, "Casa Pepe", "+34910000001").await;
    let tenant = scan_until_active(env, id, &env.url("")).await;
    (id, tenant["worker"]["pid"].as_u64().unwrap())
}

/// The message log entry of inbound message `wa_message_id`, once shipped.
pub async fn logged(env: &Env, id: TenantId, wa_message_id: &str) -> Value {
    eventually(
        &format!("{wa_message_id} logged"),
        Duration::from_secs(10),
        || async {
            env.messages(id)
                .await
                .into_iter()
                .find(|m| m["wa_message_id"] == wa_message_id)
        },
    )
    .await
}

flowhq_store::backend_tests!(run: commands_reach_the_worker_before_the_call_returns);

async fn commands_reach_the_worker_before_the_call_returns(mut env: Env) {
    let (server, port) = start_server(&env.db_url, env.data_dir.clone(), 0).await;
    env.port = port;
    let (id, pid) = active(&env).await;

    // Pause, then at once a customer writes: logged PAUSED, never answered.
    // Several rounds, each message sent the instant the pause returned.
    for round in 0..5 {
        let (status, body) = env
            .post(&format!("/api/admin/tenants/{id}/pause"), json!({}))
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["applied"], true, "the worker acknowledged: {body}");
        let paused = env
            .inbound(id, "+34600000001", &format!("hello {round}"))
            .await;
        let log = logged(&env, id, &paused).await;
        assert_eq!(log["bot_decision"], "PAUSED", "round {round}: {log}");
        let (status, body) = env
            .post(&format!("/api/admin/tenants/{id}/resume"), json!({}))
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["applied"], true, "{body}");
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        env.outbox(id).await.is_empty(),
        "no paused message answered"
    );

    // A config change answers the very next message.
    let response = env
        .admin(Method::PATCH, &format!("/api/admin/tenants/{id}"))
        .json(&json!({ "config": { "business_name": "Casa Nueva" } }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await.unwrap()["applied"], true);
    env.inbound(id, "+34600000002", "hello").await;
    let reply = eventually("a reply", Duration::from_secs(10), || async {
        env.outbox(id).await.into_iter().next()
    })
    .await;
    assert!(
        reply["text"].as_str().unwrap().contains("Casa Nueva"),
        "{reply}"
    );

    // A send while the worker is linked goes out once, now.
    let send = QueuedSend::new("+34600000003", "Your table is ready", None, None);
    let applied = server.link.send(&env.store, id, &send).await.unwrap();
    assert!(applied);
    let sent = eventually("the send delivered", Duration::from_secs(10), || async {
        let outbox = env.outbox(id).await;
        outbox
            .iter()
            .any(|m| m["text"] == "Your table is ready")
            .then_some(outbox)
    })
    .await;
    assert_eq!(
        sent.iter()
            .filter(|m| m["text"] == "Your table is ready")
            .count(),
        1
    );

    // With the worker stopped, a send waits, and goes out once when it is back.
    let (status, _) = env
        .post(&format!("/api/admin/tenants/{id}/worker/stop"), json!({}))
        .await;
    assert_eq!(status, 200);
    assert!(!alive(pid));
    let kept = QueuedSend::new("+34600000003", "We kept it for you", None, None);
    let applied = server.link.send(&env.store, id, &kept).await.unwrap();
    assert!(!applied, "no worker to apply it");
    let (status, body) = env
        .post(&format!("/api/admin/tenants/{id}/worker/start"), json!({}))
        .await;
    assert_eq!(status, 200, "{body}");
    eventually(
        "the waiting send delivered",
        Duration::from_secs(20),
        || async {
            let outbox = env.outbox(id).await;
            (outbox
                .iter()
                .filter(|m| m["text"] == "We kept it for you")
                .count()
                == 1)
                .then_some(())
        },
    )
    .await;
    // The worker acknowledged the send its welcome carried: no longer offered.
    eventually("the send handed over", Duration::from_secs(10), || async {
        env.store
            .waiting_sends(id, 10)
            .await
            .unwrap()
            .is_empty()
            .then_some(())
    })
    .await;
    // Both sends are logged as outbound messages, once each.
    let messages = eventually("the sends logged", Duration::from_secs(10), || async {
        let messages = env.messages(id).await;
        (messages
            .iter()
            .filter(|m| m["direction"] == "OUTBOUND" && m["to_number"] == "+34600000003")
            .count()
            == 2)
            .then_some(messages)
    })
    .await;
    assert_no_duplicates(&messages);
    assert!(
        messages
            .iter()
            .any(|m| m["wa_message_id"].is_string() && m["message_text"] == send.text),
        "logged with the network's id"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        env.outbox(id)
            .await
            .iter()
            .filter(|m| m["to"] == "+34600000003")
            .count(),
        2,
        "each send went out once"
    );
    // Workers outlive their control plane by design: stop them on purpose.
    let (status, _) = env.post("/api/admin/workers/stop-all", json!({})).await;
    assert_eq!(status, 200);
    server.stop().await;
}
