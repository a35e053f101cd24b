//! The control plane SIGKILLed while customers write: nothing the network
//! accepted is lost, nothing is logged twice. Workers keep answering while
//! it is down (their outboxes hold the logs) and ship everything once it
//! is back.

use std::collections::HashMap;

use super::replicas::{free_port, spawn_replica};
use super::sim_apart::start_sim;
use super::*;

flowhq_store::backend_tests!(run: a_sigkilled_control_plane_loses_and_doubles_nothing);

/// Messages the customers send, and when the control plane is killed.
const MESSAGES: usize = 120;
const KILL_AFTER: usize = 40;
/// What they write: a greeting (answered) and menu choices.
const TEXTS: [&str; 3] = ["hello", "1", "2"];

async fn a_sigkilled_control_plane_loses_and_doubles_nothing(mut env: Env) {
    let sim = start_sim(&env.data_dir.with_file_name("sim"));
    let port = free_port();
    // No load balancer here: the workers dial the control plane itself.
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
    let id = super::pairing::approved_with_worker(&env, "Casa Pepe", "+34910000001").await;
    super::pairing::scan_until_active(&env, id, &sim.url).await;

    // Customers write; the control plane is SIGKILLed a third of the way in.
    let mut accepted = Vec::new();
    for i in 0..MESSAGES {
        if i == KILL_AFTER {
            signal(u64::from(serve.child.id().unwrap()), libc::SIGKILL);
            let _ = serve.child.wait().await;
        }
        let r = env
            .client
            .post(format!("{}/api/sim/tenants/{id}/inbound", sim.url))
            .json(&json!({
                "from": format!("+346000000{:02}", i % 7),
                "text": TEXTS[i % TEXTS.len()],
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            200,
            "the network accepts while the control plane is down"
        );
        let body: Value = r.json().await.unwrap();
        accepted.push(body["wa_message_id"].as_str().unwrap().to_owned());
    }
    let mut serve = spawn_replica(&env, "serve-again", &sim.url, port, port);
    ready().await;

    // Every accepted message logged once, every delivered reply logged once.
    let delivered = |outbox: &Value| -> Vec<String> {
        outbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["wa_message_id"].as_str().unwrap().to_owned())
            .collect()
    };
    let (logs, replies) = eventually("everything logged", Duration::from_secs(30), || async {
        let outbox: Value = env
            .client
            .get(format!("{}/api/sim/tenants/{id}/outbox", sim.url))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let replies = delivered(&outbox);
        let logs = env.messages(id).await;
        // Every reply the network delivered is answered by a logged
        // greeting at least; wait until the log holds as many rows as the
        // network saw messages, both ways.
        (!replies.is_empty() && logs.len() >= accepted.len() + replies.len())
            .then_some((logs, replies))
    })
    .await;
    let mut counts: HashMap<(String, String), usize> = HashMap::new();
    for log in &logs {
        let key = (
            log["direction"].as_str().unwrap().to_owned(),
            log["wa_message_id"].as_str().unwrap().to_owned(),
        );
        *counts.entry(key).or_default() += 1;
    }
    for wa_message_id in &accepted {
        let n = counts.get(&("INBOUND".to_owned(), wa_message_id.clone()));
        assert_eq!(n, Some(&1), "inbound {wa_message_id} logged once");
    }
    for wa_message_id in &replies {
        let n = counts.get(&("OUTBOUND".to_owned(), wa_message_id.clone()));
        assert_eq!(n, Some(&1), "reply {wa_message_id} logged once");
    }
    assert_eq!(
        logs.len(),
        accepted.len() + replies.len(),
        "nothing else logged"
    );

    let (status, _) = env.post("/api/admin/workers/stop-all", json!({})).await;
    assert_eq!(status, 200);
    let _ = serve.child.start_kill();
    let _ = serve.child.wait().await;
}
