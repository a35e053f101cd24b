//! The inbox end to end with a real worker on the simulated network (run
//! apart, so that it can be stopped): a customer asks for a person and the
//! owner's inbox shows it; the owner answers from the portal and the
//! customer's phone gets it at once, logged once with who wrote it; the bot
//! stays out of the chat until the owner resolves it; a PDF goes with its
//! type and checksum; a worker SIGKILLed after it accepted an answer and
//! before it could send it sends it once when it is back.

use std::time::Instant;

use super::pairing::scan_until_active;
use super::sim_apart::{SimProcess, start_sim};
use super::*;

flowhq_store::backend_tests!(run: the_owner_answers_from_the_inbox_and_the_bot_steps_aside);

const CUSTOMER: &str = "+34600000009";
const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";

/// The simulated network's messages to the customer.
async fn to_customer(env: &Env, sim: &SimProcess, id: TenantId) -> Vec<Value> {
    let page: Value = env
        .client
        .get(format!("{}/api/sim/tenants/{id}/outbox", sim.url))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["to"] == CUSTOMER)
        .cloned()
        .collect()
}

/// The customer writes `text` on the simulated network.
async fn writes(env: &Env, sim: &SimProcess, id: TenantId, text: &str) -> String {
    let r = env
        .client
        .post(format!("{}/api/sim/tenants/{id}/inbound", sim.url))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({"from": CUSTOMER, "text": text}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    body["wa_message_id"].as_str().unwrap().to_owned()
}

/// An owner who signed up, in a client with their session (no idle
/// connections kept: each stream or request has its own).
async fn owner_signed_up(env: &Env) -> (reqwest::Client, Value) {
    let owner = reqwest::Client::builder()
        .cookie_store(true)
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let signed: Value = owner
        .post(env.url("/api/portal/signup"))
        .json(&json!({
            "name": "Ana Souza", "email": "ana@example.com", "password": "tulip-harbour-42",
            "phone": "+34910000001", "business_name": "Casa Pepe",
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (owner, signed)
}

async fn the_owner_answers_from_the_inbox_and_the_bot_steps_aside(mut env: Env) {
    let sim = start_sim(&env.data_dir.with_file_name("sim"));
    let mut settings = settings(&env.db_url, env.data_dir.clone(), 0);
    settings.sim_url = Some(sim.url.clone());
    let (server, port) = start_with(settings).await;
    env.port = port;
    // An owner signs up; the business is approved and linked.
    let (owner, signed) = owner_signed_up(&env).await;
    let id: TenantId = signed["tenant"]["id"].as_str().unwrap().parse().unwrap();
    let user_id = signed["user"]["id"].as_str().unwrap().to_owned();
    for event in [Event::SetupRequestSubmitted, Event::SetupRequestApproved] {
        env.store.apply_event(id, event, "test").await.unwrap();
    }
    let (status, worker) = env
        .post(&format!("/api/admin/tenants/{id}/worker/start"), json!({}))
        .await;
    assert_eq!(status, 200, "{worker}");
    scan_until_active(&env, id, &sim.url).await;
    let portal = |path: &str| env.url(&format!("/api/portal/tenant/current{path}"));

    // The customer asks for a person: within 2 s the inbox says so.
    let asked = Instant::now();
    writes(&env, &sim, id, "I want to talk to a human").await;
    let conversation = eventually("wants a person", Duration::from_secs(2), || async {
        let page: Value = owner
            .get(portal("/conversations?filter=handoff"))
            .send()
            .await
            .ok()?
            .json()
            .await
            .ok()?;
        page["items"].as_array()?.first().cloned()
    })
    .await;
    eprintln!("handoff in the inbox after {:?}", asked.elapsed());
    let contact = conversation["contact"]["id"].as_str().unwrap().to_owned();
    let messages = format!("/conversations/{contact}/messages");
    // The bot confirmed the handoff.
    eventually("the handoff confirmed", Duration::from_secs(5), || async {
        (to_customer(&env, &sim, id).await.len() == 1).then_some(())
    })
    .await;

    // The customer sends a photo: the inbox shows it (the worker hands the
    // file over with the message's log).
    use base64::Engine as _;
    let png =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89".to_vec();
    let r = env
        .client
        .post(format!("{}/api/sim/tenants/{id}/inbound", sim.url))
        .json(&json!({"from": CUSTOMER, "text": "this one", "media": {
            "mime": "image/png", "file_name": "cake.png",
            "data_base64": base64::engine::general_purpose::STANDARD.encode(&png)}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let photo = eventually("the photo logged", Duration::from_secs(5), || async {
        let page: Value = owner
            .get(portal(&messages))
            .send()
            .await
            .ok()?
            .json()
            .await
            .ok()?;
        page["items"]
            .as_array()?
            .iter()
            .find(|m| m["media"]["file_name"] == "cake.png")
            .cloned()
    })
    .await;
    let sha = photo["media"]["sha256"].as_str().unwrap();
    let file = owner
        .get(portal(&format!("/media/{sha}")))
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), 200, "the photo is the inbox's to show");
    assert_eq!(file.headers()["content-type"], "image/png");
    assert_eq!(file.bytes().await.unwrap().to_vec(), png);

    // The owner answers: the phone has it within a second of the 202.
    let response = owner
        .post(portal(&messages))
        .json(&json!({"text": "Hi, Ana here. How can I help?"}))
        .send()
        .await
        .unwrap();
    let accepted = Instant::now();
    assert_eq!(response.status(), 202);
    eventually(
        "the answer on the phone",
        Duration::from_secs(1),
        || async {
            to_customer(&env, &sim, id)
                .await
                .iter()
                .any(|m| m["text"] == "Hi, Ana here. How can I help?")
                .then_some(())
        },
    )
    .await;
    eprintln!("answer on the phone {:?} after the 202", accepted.elapsed());
    let logged = eventually("the answer logged", Duration::from_secs(5), || async {
        let page: Value = owner
            .get(portal(&messages))
            .send()
            .await
            .ok()?
            .json()
            .await
            .ok()?;
        let mine: Vec<Value> = page["items"]
            .as_array()?
            .iter()
            .filter(|m| m["message_text"] == "Hi, Ana here. How can I help?")
            .cloned()
            .collect();
        (!mine.is_empty()).then_some(mine)
    })
    .await;
    assert_eq!(logged.len(), 1, "logged once: {logged:?}");
    assert_eq!(logged[0]["direction"], "OUTBOUND");
    assert_eq!(logged[0]["sent_by"], user_id.as_str());

    // The network reports the phone got it, then the customer reads the
    // chat: the answer's delivery follows (the worker's receipts).
    let delivery = |wanted: &'static str| {
        let owner = &owner;
        let messages = &messages;
        let portal = &portal;
        async move {
            let page: Value = owner
                .get(portal(messages))
                .send()
                .await
                .ok()?
                .json()
                .await
                .ok()?;
            page["items"]
                .as_array()?
                .iter()
                .any(|m| {
                    m["message_text"] == "Hi, Ana here. How can I help?" && m["delivery"] == wanted
                })
                .then_some(())
        }
    };
    eventually("DELIVERED", Duration::from_secs(5), || {
        delivery("DELIVERED")
    })
    .await;
    let read = env
        .client
        .post(format!("{}/api/sim/tenants/{id}/read", sim.url))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({"from": CUSTOMER}))
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 200);
    eventually("READ", Duration::from_secs(5), || delivery("READ")).await;

    // The customer writes again: a person has the chat, the bot is quiet.
    let quiet = writes(&env, &sim, id, "menu").await;
    let log = super::commands::logged(&env, id, &quiet).await;
    assert_eq!(log["bot_decision"], "HANDED_OFF", "{log}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        to_customer(&env, &sim, id).await.len(),
        2,
        "no automatic reply"
    );

    // Resolved: the bot answers again.
    let resolved: Value = owner
        .post(portal(&format!("/conversations/{contact}/resolve")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(resolved["applied"], true, "{resolved}");
    let again = writes(&env, &sim, id, "menu").await;
    let log = super::commands::logged(&env, id, &again).await;
    assert_ne!(log["bot_decision"], "HANDED_OFF", "{log}");
    eventually("the bot's answer", Duration::from_secs(5), || async {
        (to_customer(&env, &sim, id).await.len() == 3).then_some(())
    })
    .await;

    // A PDF, as a form sends it: the network gets its type and checksum.
    let boundary = "----flowhq-e2e";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nYour invoice\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"invoice.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(PDF);
    body.extend(format!("\r\n--{boundary}--\r\n").bytes());
    let response = owner
        .post(portal(&messages))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let invoice = eventually("the PDF on the phone", Duration::from_secs(5), || async {
        to_customer(&env, &sim, id)
            .await
            .into_iter()
            .find(|m| m["media"]["file_name"] == "invoice.pdf")
    })
    .await;
    assert_eq!(invoice["media"]["mime"], "application/pdf", "{invoice}");
    let sha = {
        use sha2::Digest as _;
        hex::encode(sha2::Sha256::digest(PDF))
    };
    assert_eq!(invoice["media"]["sha256"], sha.as_str(), "{invoice}");

    // The network stops answering; the worker accepts an answer (the 202
    // says it has it in its outbox), cannot send it, and is SIGKILLed.
    let before = to_customer(&env, &sim, id).await.len();
    signal(sim.pid(), libc::SIGSTOP);
    let response = owner
        .post(portal(&messages))
        .json(&json!({"text": "Kept through a crash"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let pid = env.tenant(id).await["worker"]["pid"].as_u64().unwrap();
    signal(pid, libc::SIGKILL);
    signal(sim.pid(), libc::SIGCONT);
    // The supervisor starts it again; it sends what its outbox holds, once.
    eventually(
        "the kept answer on the phone",
        Duration::from_secs(30),
        || async {
            to_customer(&env, &sim, id)
                .await
                .iter()
                .any(|m| m["text"] == "Kept through a crash")
                .then_some(())
        },
    )
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = to_customer(&env, &sim, id).await;
    let kept = after
        .iter()
        .filter(|m| m["text"] == "Kept through a crash")
        .count();
    assert_eq!(kept, 1, "received exactly once: {after:?}");
    assert_eq!(after.len(), before + 1);
    let logged = eventually(
        "the kept answer logged",
        Duration::from_secs(10),
        || async {
            let page: Value = owner
                .get(portal(&messages))
                .send()
                .await
                .ok()?
                .json()
                .await
                .ok()?;
            let n = page["items"]
                .as_array()?
                .iter()
                .filter(|m| m["message_text"] == "Kept through a crash")
                .count();
            (n > 0).then_some(n)
        },
    )
    .await;
    assert_eq!(logged, 1, "logged once");
    // Workers outlive their control plane by design: stop them on purpose.
    let (status, _) = env.post("/api/admin/workers/stop-all", json!({})).await;
    assert_eq!(status, 200);
    server.stop().await;
}

flowhq_store::backend_tests!(run: a_thousand_open_inbox_streams_cost_little);

/// Event streams held open at once, and what they may cost the control
/// plane's memory together.
const STREAMS: usize = 1_000;
const STREAMS_BUDGET_MIB: f64 = 50.0;

fn rss_mib(pid: u64) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap();
    kib / 1024.0
}

/// `flowhq serve` as its own process (so that its memory is its own), an
/// owner's 1,000 event streams open on it, and one message reaching them.
async fn a_thousand_open_inbox_streams_cost_little(mut env: Env) {
    use super::replicas::{free_port, spawn_replica};
    let sim = start_sim(&env.data_dir.with_file_name("sim"));
    let port = free_port();
    let mut serve = spawn_replica(&env, "serve", &sim.url, port, port);
    env.port = port;
    eventually("serve ready", Duration::from_secs(30), || async {
        let r = env.client.get(env.url("/readyz")).send().await.ok()?;
        r.status().is_success().then_some(())
    })
    .await;
    let pid = u64::from(serve.child.id().unwrap());
    let (owner, signed) = owner_signed_up(&env).await;
    let id: TenantId = signed["tenant"]["id"].as_str().unwrap().parse().unwrap();
    // Warm: the first stream and a few requests.
    for _ in 0..20 {
        owner
            .get(env.url("/api/portal/tenant/current/conversations"))
            .send()
            .await
            .unwrap();
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = rss_mib(pid);
    let mut streams = Vec::with_capacity(STREAMS);
    for _ in 0..STREAMS {
        let r = owner
            .get(env.url("/api/portal/tenant/current/events"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        streams.push(r);
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = rss_mib(pid);
    let cost = after - before;
    eprintln!(
        "{STREAMS} open inbox streams: control plane RSS {before:.1} MiB -> {after:.1} MiB (+{cost:.1} MiB)"
    );
    assert!(
        cost <= STREAMS_BUDGET_MIB,
        "{STREAMS} streams cost {cost:.1} MiB (budget {STREAMS_BUDGET_MIB} MiB)"
    );
    // They are live: a change to a contact reaches every one of them.
    env.store
        .log_messages(
            id,
            &[flowhq_domain::protocol::LoggedMessage {
                direction: flowhq_domain::Direction::Inbound,
                from_number: CUSTOMER.into(),
                to_number: "+34910000001".into(),
                message_text: "hola".into(),
                wa_message_id: "wa-streams".into(),
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
    let page: Value = owner
        .get(env.url("/api/portal/tenant/current/conversations"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let contact = page["items"][0]["contact"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = owner
        .patch(env.url(&format!("/api/portal/tenant/current/contacts/{contact}")))
        .json(&json!({"labels": ["vip"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let mut heard = 0;
    for stream in &mut streams {
        let chunk = tokio::time::timeout(Duration::from_secs(5), stream.chunk())
            .await
            .expect("an event within 5 s")
            .unwrap()
            .unwrap();
        if String::from_utf8_lossy(&chunk).contains("event: conversation") {
            heard += 1;
        }
    }
    assert_eq!(heard, STREAMS, "every stream heard the change");
    drop(streams);
    let _ = serve.child.kill().await;
}
