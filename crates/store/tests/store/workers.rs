//! Worker bookkeeping and the simulated network, on both backends.

use chrono::{Duration, Utc};
use flowhq_domain::lifecycle::Event;
use flowhq_domain::protocol::SessionUpdate;
use flowhq_domain::{SessionState, TenantStatus, WorkerStatus};
use flowhq_store::workers::Desired;
use flowhq_store::{Store, StoreError};

use crate::{new_tenant, run};

flowhq_store::backend_tests!(run:
    heartbeats_are_recorded_in_batches_and_never_go_back,
    session_reports_move_the_tenant,
    pairing_code_requests_reach_the_worker_until_connected,
    failed_workers_take_their_tenant_to_error_once,
    the_simulated_network_links_delivers_and_sends_once,
);

async fn heartbeats_are_recorded_in_batches_and_never_go_back(store: Store, _url: String) {
    let mut ids = Vec::new();
    for i in 0..3 {
        let t = store
            .create_tenant(&new_tenant(
                &format!("W{i}"),
                &format!("+55119000001{i:02}"),
            ))
            .await
            .unwrap();
        ids.push(t.tenant.id);
    }
    let now = Utc::now();
    let beats: Vec<_> = ids.iter().map(|id| (*id, now)).collect();
    store.record_heartbeats(&beats).await.unwrap();
    store
        .record_heartbeats(&[(ids[0], now - Duration::seconds(5))])
        .await
        .unwrap();
    for id in &ids {
        let w = store.worker(*id).await.unwrap();
        assert_eq!(
            w.last_heartbeat_at.unwrap().timestamp_millis(),
            now.timestamp_millis()
        );
    }
    let w = store
        .worker_started(ids[1], Some(42), "abc", false)
        .await
        .unwrap();
    assert_eq!(
        (w.status, w.pid, w.restarts),
        (WorkerStatus::Starting, Some(42), 0)
    );
    let w = store
        .worker_started(ids[1], Some(43), "def", true)
        .await
        .unwrap();
    assert_eq!((w.pid, w.restarts), (Some(43), 1));
    store.worker_running(ids[1]).await.unwrap();
    let rt = store.worker_runtime(ids[1]).await.unwrap();
    assert_eq!(rt.worker.status, WorkerStatus::Running);
    assert_eq!(rt.desired, Desired::Running);
    assert_eq!(
        store.worker_token_hash(ids[1]).await.unwrap().as_deref(),
        Some("def")
    );
    assert_eq!(store.live_workers().await.unwrap().len(), 1);
    assert_eq!(store.workers_to_supervise().await.unwrap().len(), 1);
    let view = store.worker_view(ids[1]).await.unwrap();
    assert_eq!(view.tenant_status, TenantStatus::New);
    assert_eq!(view.desired, Desired::Running);
}

async fn to_approved(store: &Store, name: &str, phone: &str) -> flowhq_domain::TenantId {
    let id = store
        .create_tenant(&new_tenant(name, phone))
        .await
        .unwrap()
        .tenant
        .id;
    store
        .apply_event(id, Event::SetupRequestSubmitted, "t")
        .await
        .unwrap();
    store
        .apply_event(id, Event::SetupRequestApproved, "t")
        .await
        .unwrap();
    id
}

async fn session_reports_move_the_tenant(store: Store, _url: String) {
    let id = to_approved(&store, "S", "+5511900000201").await;
    let qr = SessionUpdate {
        qr: Some("QR1".into()),
        qr_expires_at: Some(Utc::now() + Duration::seconds(60)),
        ..SessionUpdate::state(SessionState::QrReady)
    };
    let moved = store.report_session(id, &qr, "worker").await.unwrap();
    assert_eq!(moved.len(), 1);
    assert_eq!(
        store.tenant(id).await.unwrap().status,
        TenantStatus::QrPending
    );
    assert_eq!(
        store.session(id).await.unwrap().last_qr.as_deref(),
        Some("QR1")
    );
    let connected = SessionUpdate::state(SessionState::Connected);
    store
        .report_session(id, &connected, "worker")
        .await
        .unwrap();
    assert_eq!(store.tenant(id).await.unwrap().status, TenantStatus::Active);
    assert_eq!(store.session(id).await.unwrap().last_qr, None);
    // Reported again: a no-op.
    assert!(
        store
            .report_session(id, &connected, "worker")
            .await
            .unwrap()
            .is_empty()
    );
    store.report_session(id, &qr, "worker").await.unwrap();
    assert_eq!(
        store.tenant(id).await.unwrap().status,
        TenantStatus::QrPending
    );
}

async fn pairing_code_requests_reach_the_worker_until_connected(store: Store, _url: String) {
    let id = to_approved(&store, "P", "+5511900000251").await;
    let now = Utc::now();
    let session = store
        .request_pairing_code(id, "+5511900000251", now)
        .await
        .unwrap();
    assert_eq!(
        session.pairing_phone_number.as_deref(),
        Some("+5511900000251")
    );
    let view = store.worker_view(id).await.unwrap();
    let (number, at) = view.pairing.expect("the heartbeat carries the request");
    assert_eq!(number, "+5511900000251");
    assert_eq!(at.timestamp_millis(), now.timestamp_millis());

    // The worker shows the code with the QR, and says why it is unwell.
    let showing = SessionUpdate {
        state: SessionState::QrReady,
        qr: Some("QR1".into()),
        qr_expires_at: Some(now + Duration::seconds(60)),
        pairing_code: Some("ABCD2345".into()),
        pairing_code_expires_at: Some(now + Duration::seconds(180)),
        error: Some("cannot reach WhatsApp".into()),
    };
    store.report_session(id, &showing, "worker").await.unwrap();
    let session = store.session(id).await.unwrap();
    assert_eq!(session.pairing_code.as_deref(), Some("ABCD2345"));
    assert_eq!(
        store.worker(id).await.unwrap().last_error.as_deref(),
        Some("cannot reach WhatsApp")
    );

    // New QR codes are asked for the same way.
    store.request_new_qr(id, now).await.unwrap();
    assert!(
        store
            .worker_view(id)
            .await
            .unwrap()
            .new_qr_requested_at
            .is_some()
    );

    let connected = SessionUpdate::state(SessionState::Connected);
    store
        .report_session(id, &connected, "worker")
        .await
        .unwrap();
    let session = store.session(id).await.unwrap();
    assert_eq!(session.pairing_code, None);
    assert_eq!(session.pairing_phone_number, None);
    assert_eq!(store.worker_view(id).await.unwrap().pairing, None);
    assert_eq!(store.worker(id).await.unwrap().last_error, None);

    // Linked: nothing left to ask for.
    for refused in [
        store.request_pairing_code(id, "+5511900000251", now).await,
        store.request_new_qr(id, now).await,
    ] {
        assert!(
            matches!(refused, Err(StoreError::Conflict(_))),
            "{refused:?}"
        );
    }
    // Neither before approval.
    let new = store
        .create_tenant(&new_tenant("Q", "+5511900000252"))
        .await
        .unwrap()
        .tenant
        .id;
    assert!(matches!(
        store.request_pairing_code(new, "+5511900000252", now).await,
        Err(StoreError::Conflict(_))
    ));
}

async fn failed_workers_take_their_tenant_to_error_once(store: Store, _url: String) {
    let id = to_approved(&store, "F", "+5511900000301").await;
    store
        .sync_tenant_with_session(id, SessionState::Connected, "worker")
        .await
        .unwrap();
    assert_eq!(store.tenant(id).await.unwrap().status, TenantStatus::Active);
    let w = store.worker_started(id, Some(7), "h", false).await.unwrap();
    let started = store.worker_runtime(id).await.unwrap().started_at;
    assert!(started.is_some());
    // A different process: left alone.
    let other = started.map(|at| at - Duration::seconds(1));
    assert!(
        store
            .worker_failed(id, other, "hung", "monitor")
            .await
            .unwrap()
            .is_none()
    );
    let t = store
        .worker_failed(id, started, "hung", "monitor")
        .await
        .unwrap();
    assert!(matches!(t, Some(Some(_))));
    let rt = store.worker_runtime(id).await.unwrap();
    assert_eq!(rt.worker.status, WorkerStatus::Error);
    assert_eq!(rt.worker.last_error.as_deref(), Some("hung"));
    assert_eq!(rt.desired, Desired::Stopped);
    assert_eq!(rt.worker.pid, None);
    assert_eq!(w.pid, Some(7));
    assert_eq!(store.tenant(id).await.unwrap().status, TenantStatus::Error);
    let events = store.tenant_events(id).await.unwrap();
    assert_eq!(events.last().unwrap().event, Event::WorkerStale);
}

async fn the_simulated_network_links_delivers_and_sends_once(store: Store, _url: String) {
    let id = store
        .create_tenant(&new_tenant("N", "+5511900000401"))
        .await
        .unwrap()
        .tenant
        .id;
    let now = Utc::now();
    let d = store.sim_device(id, now, || "Q1".into()).await.unwrap();
    assert_eq!(d.qr.as_deref(), Some("Q1"));
    assert_eq!(d.qr_expires_at, Some(now + Duration::seconds(60)));
    // Still valid: the same code.
    let d = store
        .sim_device(id, now + Duration::seconds(59), || "Q2".into())
        .await
        .unwrap();
    assert_eq!(d.qr.as_deref(), Some("Q1"));
    // Expired: the next lives 20 s.
    let later = now + Duration::seconds(61);
    let d = store.sim_device(id, later, || "Q2".into()).await.unwrap();
    assert_eq!(d.qr.as_deref(), Some("Q2"));
    assert_eq!(
        d.qr_expires_at.unwrap().timestamp_millis(),
        (later + Duration::seconds(20)).timestamp_millis()
    );
    assert!(matches!(
        store.sim_send(id, "c1", "+1", "x", "w1", later).await,
        Err(StoreError::Conflict(_))
    ));
    store.sim_link(id, "creds", later).await.unwrap();
    assert!(matches!(
        store.sim_link(id, "creds", later).await,
        Err(StoreError::Conflict(_))
    ));
    let d = store.sim_device(id, later, || "Q3".into()).await.unwrap();
    assert!(d.linked && d.qr.is_none());
    store
        .sim_push_inbound(id, "in-1", "+34600", "hola", later)
        .await
        .unwrap();
    store
        .sim_push_inbound(id, "in-2", "+34600", "1", later)
        .await
        .unwrap();
    assert_eq!(store.sim_pending_inbound(id, 10).await.unwrap().len(), 2);
    // A poll's view: the linked device and what is pending, oldest first.
    let (d, pending) = store.sim_view(id, 10, later, || "Q4".into()).await.unwrap();
    assert!(d.linked);
    let ids: Vec<_> = pending.iter().map(|m| m.wa_message_id.as_str()).collect();
    assert_eq!(ids, ["in-1", "in-2"]);
    assert_eq!(pending[0].text, "hola");
    let (_, first) = store.sim_view(id, 1, later, || "Q4".into()).await.unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(
        store.sim_ack(id, &[]).await.unwrap(),
        0,
        "nothing to acknowledge"
    );
    assert_eq!(
        store
            .sim_ack(id, &["in-1".into(), "in-1".into()])
            .await
            .unwrap(),
        1
    );
    let pending = store.sim_pending_inbound(id, 10).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].wa_message_id, "in-2");
    let a = store
        .sim_send(id, "c1", "+34600", "menu", "out-1", later)
        .await
        .unwrap();
    let b = store
        .sim_send(id, "c1", "+34600", "menu", "out-2", later)
        .await
        .unwrap();
    assert_eq!(a.wa_message_id, b.wa_message_id);
    assert_eq!(store.sim_outbox(id, 100).await.unwrap().len(), 1);
    store.sim_unlink(id).await.unwrap();
    // Unlinked: nothing is delivered, though in-2 is still pending; a QR
    // code is made for the next scan.
    let (d, pending) = store.sim_view(id, 10, later, || "Q5".into()).await.unwrap();
    assert!(!d.linked && pending.is_empty());
    assert_eq!(d.qr.as_deref(), Some("Q5"));
    assert!(matches!(
        store.sim_unlink(id).await,
        Err(StoreError::Conflict(_))
    ));
}
