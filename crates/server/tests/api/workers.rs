//! The worker link: authentication, idempotent logging, acknowledged
//! commands and sends handed over once; and the simulator's public
//! endpoints being mounted only in simulator mode.

use flowhq_store::sends::QueuedSend;
use std::time::Duration;

use flowhq_domain::lifecycle::Event;
use flowhq_domain::protocol::{
    Command, Down, Heartbeat, LoggedMessage, SessionUpdate, TENANT_HEADER, Up,
};
use flowhq_domain::{SessionState, TenantId};
use flowhq_server::config::ChannelKind;
use flowhq_store::Backend;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{SendOk, TestApp, expect_error, run, run_configured, token_for};
use crate::link_client;

flowhq_store::backend_tests!(run:
    a_worker_token_acts_only_for_its_own_tenant,
    message_batches_are_logged_idempotently,
    the_hello_moves_an_approved_tenant_and_commands_are_acknowledged,
    concurrent_pauses_and_resumes_leave_the_worker_as_the_tenant,
    a_send_is_handed_over_until_the_worker_has_it,
    a_newer_connection_replaces_the_older,
    a_heartbeat_brings_the_owners_requests_the_worker_missed,
    worker_traffic_is_shed_first_when_the_database_is_busy,
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

/// A plain GET of the link (no upgrade): refused before the upgrade when
/// the credentials are wrong.
fn link_get(app: &TestApp, tenant: &str, token: Option<&str>) -> reqwest::RequestBuilder {
    let request = app
        .client
        .get(app.url("/api/worker/link"))
        .header(TENANT_HEADER, tenant);
    match token {
        Some(token) => request.bearer_auth(token),
        None => request,
    }
}

async fn approved_tenant(app: &TestApp, phone: &str) -> (String, String) {
    let a = app.create_tenant("A", phone).await["id"]
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
    let token = token_for(app, &a).await;
    (a, token)
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

    let (own, _) = link_client::hello(&app, &a, &token_a, SessionState::Connecting, 0).await;
    own.hang_up().await;
    assert_eq!(
        link_client::connect(&app, &b, &token_a).await.err(),
        Some(403)
    );
    let other = link_get(&app, &b, Some(&token_a)).sent().await;
    expect_error(other, 403, "forbidden").await;
    let none = link_get(&app, &b, None).sent().await;
    expect_error(none, 401, "unauthorized").await;
    let forged = link_get(&app, &a, Some("not-the-token")).sent().await;
    expect_error(forged, 403, "forbidden").await;
    let unknown = link_get(&app, &TenantId::new().to_string(), Some(&token_a))
        .sent()
        .await;
    expect_error(unknown, 404, "not_found").await;
    // The simulated network's endpoints check the same way.
    let sim = worker(&app, Method::POST, &b, "/sim/poll", &token_a)
        .json(&json!({}))
        .sent()
        .await;
    assert_ne!(sim.status(), 200);
    // A new token replaces the old one.
    let _ = token_for(&app, &a).await;
    assert_eq!(
        link_client::connect(&app, &a, &token_a).await.err(),
        Some(403)
    );
    app.stop().await;
}

async fn message_batches_are_logged_idempotently(app: TestApp) {
    let a = app.create_tenant("A", "+34910000001").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let token = token_for(&app, &a).await;
    let (mut link, _) = link_client::hello(&app, &a, &token, SessionState::Connecting, 0).await;
    let messages: Vec<LoggedMessage> = serde_json::from_value(json!([
        { "direction": "INBOUND", "from_number": "+34600000001", "to_number": "+34910000001",
          "message_text": "hola", "wa_message_id": "W1", "created_at": "2024-06-07T12:00:00Z" },
        { "direction": "OUTBOUND", "from_number": "+34910000001", "to_number": "+34600000001",
          "message_text": "menu", "wa_message_id": "W2", "created_at": "2024-06-07T12:00:01Z" }
    ]))
    .unwrap();
    for (id, inserted) in [(1, 2), (2, 0)] {
        link.send(&Up::Messages {
            id,
            messages: messages.clone(),
            receipts: vec![],
        })
        .await;
        assert_eq!(
            link.receive().await,
            Down::Logged {
                id,
                accepted: 2,
                inserted
            }
        );
    }
    let page: Value = app
        .get_admin(&format!("/api/admin/tenants/{a}/messages"))
        .await;
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    app.stop().await;
}

/// Acknowledges a pause or resume, noting which.
async fn obey(link: &mut link_client::FakeWorker, frame: Down, paused: &mut Option<bool>) {
    let Down::Command(commanded) = frame else {
        return;
    };
    match commanded.command {
        Command::Pause => *paused = Some(true),
        Command::Resume => *paused = Some(false),
        _ => {}
    }
    let done = Up::Done {
        id: commanded.id,
        error: None,
    };
    link.send(&done).await;
}

async fn concurrent_pauses_and_resumes_leave_the_worker_as_the_tenant(app: TestApp) {
    let (a, token) = approved_tenant(&app, "+34910000009").await;
    let (mut link, _) = link_client::hello(&app, &a, &token, SessionState::Connected, 0).await;
    let (pause, resume) = (
        format!("/api/admin/tenants/{a}/pause"),
        format!("/api/admin/tenants/{a}/resume"),
    );
    let calls = async {
        // Most of these are conflicts; the rest race each other.
        for _ in 0..30 {
            tokio::join!(
                app.send_admin(Method::POST, &pause),
                app.send_admin(Method::POST, &resume),
                app.send_admin(Method::POST, &pause),
                app.send_admin(Method::POST, &resume),
            );
        }
    };
    let mut paused = None;
    {
        tokio::pin!(calls);
        loop {
            tokio::select! {
                () = &mut calls => break,
                frame = link.receive() => obey(&mut link, frame, &mut paused).await,
            }
        }
    }
    // Whatever is still on its way.
    while let Ok(frame) = tokio::time::timeout(Duration::from_millis(300), link.receive()).await {
        obey(&mut link, frame, &mut paused).await;
    }
    let tenant = app.get_admin(&format!("/api/admin/tenants/{a}")).await;
    assert_eq!(paused, Some(tenant["status"] == "PAUSED"), "{tenant}");
    app.stop().await;
}

async fn the_hello_moves_an_approved_tenant_and_commands_are_acknowledged(app: TestApp) {
    let (a, token) = approved_tenant(&app, "+34910000001").await;
    let (mut link, welcome) =
        link_client::hello(&app, &a, &token, SessionState::Connected, 7).await;
    let Down::Welcome {
        desired, config, ..
    } = welcome
    else {
        unreachable!()
    };
    assert!(!desired.paused);
    assert!(!desired.stop);
    assert_eq!(config.phone_number, "+34910000001");
    // The backlog the worker reported is what /metrics shows.
    let metrics = app
        .client
        .get(app.url("/metrics"))
        .sent()
        .await
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("flowhq_worker_outbox_backlog 7\n"),
        "{metrics}"
    );
    let tenant: Value = app.get_admin(&format!("/api/admin/tenants/{a}")).await;
    assert_eq!(tenant["status"], "ACTIVE");
    assert_eq!(tenant["worker"]["status"], "RUNNING");

    // Pause: the answer waits for the worker's acknowledgement.
    let pause = app
        .admin(Method::POST, &format!("/api/admin/tenants/{a}/pause"))
        .send();
    let worker = async {
        let Down::Command(commanded) = link.receive().await else {
            panic!("expected a command")
        };
        assert_eq!(commanded.command, Command::Pause);
        link.send(&Up::Done {
            id: commanded.id,
            error: None,
        })
        .await;
    };
    let (response, ()) = tokio::join!(pause, worker);
    let body: Value = response.unwrap().json().await.unwrap();
    assert_eq!(body["status"], "PAUSED");
    assert_eq!(body["applied"], true);

    // A config change reaches the worker as a command too.
    let patch = app
        .admin(Method::PATCH, &format!("/api/admin/tenants/{a}"))
        .json(&json!({"config": {"business_name": "Casa Nueva"}}))
        .send();
    let worker = async {
        let Down::Command(commanded) = link.receive().await else {
            panic!("expected a command")
        };
        let Command::Config { config } = &commanded.command else {
            panic!("expected the config, got {commanded:?}")
        };
        assert_eq!(config.business_name, "Casa Nueva");
        link.send(&Up::Done {
            id: commanded.id,
            error: None,
        })
        .await;
    };
    let (response, ()) = tokio::join!(patch, worker);
    assert_eq!(
        response.unwrap().json::<Value>().await.unwrap()["applied"],
        true
    );

    // A heartbeat that shows the worker missed a change is answered with it.
    link.send(&Up::Heartbeat(Heartbeat {
        pid: 1,
        session_state: SessionState::Connected,
        outbox_backlog: 0,
        paused: false,
        config_version: 0,
        pairing_requested_at: None,
        new_qr_requested_at: None,
    }))
    .await;
    let mut corrections = Vec::new();
    for _ in 0..2 {
        let Down::Command(commanded) = link.receive().await else {
            panic!("expected a correction")
        };
        corrections.push(commanded.command);
    }
    assert_eq!(corrections[0], Command::Pause);
    assert!(matches!(corrections[1], Command::Config { .. }));

    // Offline: recorded, not applied; the next welcome carries it.
    link.hang_up().await;
    wait_until_offline(&app, &a).await;
    let response = app
        .send_admin(Method::POST, &format!("/api/admin/tenants/{a}/resume"))
        .await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ACTIVE");
    assert_eq!(body["applied"], false);
    let (_link, welcome) = link_client::hello(&app, &a, &token, SessionState::Connected, 0).await;
    let Down::Welcome { desired, .. } = welcome else {
        unreachable!()
    };
    assert!(!desired.paused);
    app.stop().await;
}

async fn wait_until_offline(app: &TestApp, tenant: &str) {
    let id: TenantId = tenant.parse().unwrap();
    for _ in 0..100 {
        if !app.link.is_connected(id) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the link of {tenant} stayed registered after it closed");
}

async fn a_send_is_handed_over_until_the_worker_has_it(app: TestApp) {
    let (a, token) = approved_tenant(&app, "+34910000001").await;
    let id: TenantId = a.parse().unwrap();
    let (mut link, _) = link_client::hello(&app, &a, &token, SessionState::Connected, 0).await;
    let store = app.store.clone();
    let hub = app.link.clone();
    let send = tokio::spawn(async move {
        let send = QueuedSend::new("+34600000001", "Your order is ready", None, None);
        let applied = hub.send(&store, id, &send).await.unwrap();
        (send, applied)
    });
    let Down::Command(commanded) = link.receive().await else {
        panic!("expected the send")
    };
    assert_eq!(
        commanded.command,
        Command::Send {
            to: "+34600000001".into(),
            text: "Your order is ready".into(),
            media: None,
            by_person: false,
        }
    );
    // The worker goes away before it acknowledges.
    link.hang_up().await;
    let (queued, applied) = send.await.unwrap();
    assert!(!applied);
    assert_eq!(queued.id, commanded.id);
    // It comes again, under the same id, when the worker is back.
    let (mut link, welcome) =
        link_client::hello(&app, &a, &token, SessionState::Connected, 0).await;
    let Down::Welcome { sends, .. } = welcome else {
        unreachable!()
    };
    assert_eq!(sends.len(), 1);
    assert_eq!(sends[0].id, commanded.id);
    link.send(&Up::Done {
        id: sends[0].id.clone(),
        error: None,
    })
    .await;
    // A heartbeat round trip: the acknowledgement is processed in order.
    link.send(&Up::Session {
        id: 9,
        update: SessionUpdate::state(SessionState::Connected),
    })
    .await;
    assert_eq!(link.receive().await, Down::Ack { id: 9 });
    link.hang_up().await;
    wait_until_offline(&app, &a).await;
    let (_link, welcome) = link_client::hello(&app, &a, &token, SessionState::Connected, 0).await;
    let Down::Welcome { sends, .. } = welcome else {
        unreachable!()
    };
    assert!(sends.is_empty(), "handed over once: {sends:?}");
    app.stop().await;
}

async fn a_newer_connection_replaces_the_older(app: TestApp) {
    let (a, token) = approved_tenant(&app, "+34910000001").await;
    let (old, _) = link_client::hello(&app, &a, &token, SessionState::Connected, 0).await;
    let (mut new, _) = link_client::hello(&app, &a, &token, SessionState::Connected, 0).await;
    assert!(old.closed().await, "the older connection is closed");
    // The newer one is the one commands reach.
    let pause = app
        .admin(Method::POST, &format!("/api/admin/tenants/{a}/pause"))
        .send();
    let worker = async {
        let Down::Command(commanded) = new.receive().await else {
            panic!("expected a command")
        };
        new.send(&Up::Done {
            id: commanded.id,
            error: None,
        })
        .await;
    };
    let (response, ()) = tokio::join!(pause, worker);
    assert_eq!(
        response.unwrap().json::<Value>().await.unwrap()["applied"],
        true
    );
    // A new token for the tenant: the old one's link acts no more.
    let _ = token_for(&app, &a).await;
    assert!(new.closed().await, "the link of a replaced token is closed");
    app.stop().await;
}

async fn a_heartbeat_brings_the_owners_requests_the_worker_missed(app: TestApp) {
    let (a, token) = approved_tenant(&app, "+34910000001").await;
    let id: TenantId = a.parse().unwrap();
    let (mut link, _) = link_client::hello(&app, &a, &token, SessionState::QrReady, 0).await;
    // Asked, and a text queued, while the worker was not listening here
    // (another replica).
    app.store
        .request_new_qr(id, chrono::Utc::now())
        .await
        .unwrap();
    let missed = flowhq_store::sends::QueuedSend {
        id: "missed-send".into(),
        to: "+34600000001".into(),
        text: "Your order is ready".into(),
        media: None,
        sent_by: None,
        created_at: chrono::Utc::now(),
    };
    app.store.queue_send(id, &missed).await.unwrap();
    let beat = |new_qr_requested_at| {
        Up::Heartbeat(Heartbeat {
            pid: 1,
            session_state: SessionState::QrReady,
            outbox_backlog: 0,
            paused: false,
            config_version: 0,
            pairing_requested_at: None,
            new_qr_requested_at,
        })
    };
    link.send(&beat(None)).await;
    // The config version is behind too: a config, the QR request and the
    // send come, the send under its own id.
    let mut commands = Vec::new();
    while commands.len() < 3 {
        let Down::Command(commanded) = link.receive().await else {
            panic!("expected a command")
        };
        if matches!(commanded.command, Command::Send { .. }) {
            assert_eq!(commanded.id, missed.id);
        }
        commands.push(commanded.command);
    }
    assert!(
        commands.iter().any(|c| matches!(c, Command::Send { .. })),
        "{commands:?}"
    );
    let Some(Command::RefreshQr { requested_at }) = commands
        .iter()
        .find(|c| matches!(c, Command::RefreshQr { .. }))
        .cloned()
    else {
        panic!("the missed QR request: {commands:?}")
    };
    // Once the worker has it, it is not sent again (the fourth heartbeat
    // is the next one looked at).
    for _ in 0..3 {
        link.send(&beat(Some(requested_at))).await;
    }
    link.send(&Up::Session {
        id: 1,
        update: SessionUpdate::state(SessionState::QrReady),
    })
    .await;
    loop {
        match link.receive().await {
            Down::Ack { id: 1 } => break,
            Down::Command(c) => assert!(
                !matches!(c.command, Command::RefreshQr { .. }),
                "sent again: {c:?}"
            ),
            _ => {}
        }
    }
    app.stop().await;
}

async fn worker_traffic_is_shed_first_when_the_database_is_busy(app: TestApp) {
    let (a, token) = approved_tenant(&app, "+34910000001").await;
    let (mut link, _) = link_client::hello(&app, &a, &token, SessionState::Connected, 0).await;
    // Busy: every turn the workers may take at the database is taken.
    let mut turns = Vec::new();
    while let Some(turn) = app.link.admit().await {
        turns.push(turn);
    }
    assert!(!turns.is_empty());
    // A new link is refused before the upgrade, with a time to come back.
    let refused = link_get(&app, &a, Some(&token)).sent().await;
    assert_eq!(refused.headers()["retry-after"], "1");
    expect_error(refused, 503, "unavailable").await;
    // A batch on a live link is refused, to be sent again.
    let messages: Vec<LoggedMessage> = serde_json::from_value(json!([
        { "direction": "INBOUND", "from_number": "+34600000001", "to_number": "+34910000001",
          "message_text": "hola", "wa_message_id": "W1", "created_at": "2024-06-07T12:00:00Z" }
    ]))
    .unwrap();
    link.send(&Up::Messages {
        id: 1,
        messages: messages.clone(),
        receipts: vec![],
    })
    .await;
    assert!(matches!(link.receive().await, Down::Refused { id: 1, .. }));
    // People are answered meanwhile.
    let started = std::time::Instant::now();
    let tenant = app
        .send_admin(Method::GET, &format!("/api/admin/tenants/{a}"))
        .await;
    assert_eq!(tenant.status(), 200);
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    // Room again: the batch goes through.
    drop(turns);
    link.send(&Up::Messages {
        id: 2,
        messages,
        receipts: vec![],
    })
    .await;
    assert_eq!(
        link.receive().await,
        Down::Logged {
            id: 2,
            accepted: 1,
            inserted: 1
        }
    );
    app.stop().await;
}

async fn simulator_endpoints_exist_only_in_simulator_mode(app: TestApp) {
    let a = app.create_tenant("A", "+34910000001").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app
        .send_admin(Method::POST, &format!("/api/sim/tenants/{a}/scan"))
        .await;
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
        .send_admin(Method::POST, &format!("/api/sim/tenants/{a}/scan"))
        .await;
    expect_error(r, 409, "conflict").await;
    let view: Value = worker(&app, Method::POST, &a, "/sim/poll", &token)
        .json(&json!({ "credentials": null, "linked": false, "known_qr": null, "wait_ms": 0 }))
        .sent()
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["linked"], false);
    let qr = view["qr"].as_str().unwrap().to_owned();
    let r = app
        .send_admin(Method::POST, &format!("/api/sim/tenants/{a}/scan"))
        .await;
    assert_eq!(r.status(), 200);
    let r = app
        .send_admin_json(
            Method::POST,
            &format!("/api/sim/tenants/{a}/inbound"),
            &json!({"from": "+34600", "text": "hi"}),
        )
        .await;
    let id = r.json::<Value>().await.unwrap()["wa_message_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let view: Value = worker(&app, Method::POST, &a, "/sim/poll", &token)
        .json(&json!({ "credentials": null, "linked": false, "known_qr": qr, "wait_ms": 1000 }))
        .sent()
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["linked"], true);
    assert!(view["credentials"].is_string());
    assert_eq!(view["messages"][0]["wa_message_id"], id.as_str());
    let send = json!({ "client_id": format!("{id}:0"), "to": "+34600", "text": "menu" });
    let first: Value = worker(&app, Method::POST, &a, "/sim/send", &token)
        .json(&send)
        .sent()
        .await
        .json()
        .await
        .unwrap();
    let again: Value = worker(&app, Method::POST, &a, "/sim/send", &token)
        .json(&send)
        .sent()
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first["wa_message_id"], again["wa_message_id"]);
    let outbox: Value = app.get_admin(&format!("/api/sim/tenants/{a}/outbox")).await;
    assert_eq!(outbox["items"].as_array().unwrap().len(), 1);
    let r = app
        .send_admin(Method::POST, &format!("/api/sim/tenants/{a}/logout"))
        .await;
    assert_eq!(r.status(), 200);
    app.stop().await;
}
