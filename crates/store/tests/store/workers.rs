//! Worker bookkeeping, on both backends.

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
    sends_wait_until_handed_over_and_are_forgotten_later,
);

async fn sends_wait_until_handed_over_and_are_forgotten_later(store: Store, _url: String) {
    use flowhq_store::sends::QueuedSend;
    let a = store
        .create_tenant(&new_tenant("A", "+5511900000201"))
        .await
        .unwrap()
        .tenant
        .id;
    let b = store
        .create_tenant(&new_tenant("B", "+5511900000202"))
        .await
        .unwrap()
        .tenant
        .id;
    let send = |id: &str| QueuedSend {
        id: id.to_owned(),
        to: "+5511988887777".into(),
        text: "Your order is ready".into(),
        media: None,
        sent_by: None,
        created_at: Utc::now(),
    };
    store.queue_send(a, &send("s1")).await.unwrap();
    store.queue_send(a, &send("s2")).await.unwrap();
    assert_eq!(store.waiting_sends(a, 10).await.unwrap().len(), 2);
    assert!(store.waiting_sends(b, 10).await.unwrap().is_empty());
    assert!(store.worker_view(a).await.unwrap().sends_waiting);
    assert!(!store.worker_view(b).await.unwrap().sends_waiting);
    // Only the tenant's own worker hands its sends over, once.
    assert!(!store.send_handed_over(b, "s1").await.unwrap());
    assert!(store.send_handed_over(a, "s1").await.unwrap());
    assert!(!store.send_handed_over(a, "s1").await.unwrap());
    let waiting = store.waiting_sends(a, 10).await.unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].id, "s2");
    // Pruning forgets handed-over sends older than the cut, never waiting ones.
    assert_eq!(
        store
            .prune_handed_sends(Utc::now() - Duration::days(1))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store
            .prune_handed_sends(Utc::now() + Duration::seconds(1))
            .await
            .unwrap(),
        1
    );
    assert_eq!(store.waiting_sends(a, 10).await.unwrap().len(), 1);
    assert!(store.send_handed_over(a, "s2").await.unwrap());
    assert!(!store.worker_view(a).await.unwrap().sends_waiting);
}

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
