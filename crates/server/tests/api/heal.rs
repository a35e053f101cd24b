//! The leader retries a tenant in ERROR on its own, waiting longer each
//! time, and leaves it ERROR for an operator once the schedule is spent;
//! a worker that failed before its tenant ever left APPROVED is restarted
//! the same way.

use std::time::Duration;

use flowhq_domain::lifecycle::Event;
use flowhq_domain::{TenantId, TenantStatus, WorkerStatus};
use flowhq_server::config::SupervisorMode;
use flowhq_store::Backend;
use flowhq_store::workers::Desired;

use crate::helpers::{TestApp, run_configured};

flowhq_store::backend_tests!(run_healing:
    a_tenant_in_error_is_retried_then_left_to_an_operator,
    a_worker_that_failed_before_reporting_is_restarted);

async fn run_healing<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    run_configured(
        backend,
        |s| {
            // Workers run elsewhere: a retry only records the desired state.
            s.supervisor = SupervisorMode::External;
            s.heartbeat_interval = Duration::from_millis(200);
            s.stale_after = Duration::from_secs(60);
            s.error_retry_schedule = vec![Duration::from_millis(100), Duration::from_millis(300)];
        },
        test,
    )
    .await;
}

/// The worker of `tenant` fails as the stale monitor sees it: tenant ERROR.
async fn fail(app: &TestApp, tenant: TenantId) {
    app.store
        .apply_event(tenant, Event::WorkerStarted, "test")
        .await
        .unwrap();
    app.store
        .worker_failed(tenant, None, "no heartbeat for 30 s", "monitor")
        .await
        .unwrap();
    assert_eq!(status(app, tenant).await, TenantStatus::Error);
}

async fn status(app: &TestApp, tenant: TenantId) -> TenantStatus {
    app.store.tenant(tenant).await.unwrap().status
}

async fn wait_for(app: &TestApp, tenant: TenantId, wanted: TenantStatus, within: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + within;
    while tokio::time::Instant::now() < deadline {
        if status(app, tenant).await == wanted {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    false
}

async fn a_tenant_in_error_is_retried_then_left_to_an_operator(app: TestApp) {
    let tenant = tenant(&app, "Cafe", "+5511912340001").await;
    for event in [Event::SetupRequestSubmitted, Event::SetupRequestApproved] {
        app.store.apply_event(tenant, event, "test").await.unwrap();
    }
    // Two failures, two automatic retries (ERROR → APPROVED, worker restarted).
    for attempt in 1..=2 {
        fail(&app, tenant).await;
        assert!(
            wait_for(&app, tenant, TenantStatus::Approved, Duration::from_secs(5)).await,
            "retry {attempt} made"
        );
    }
    let retries = app
        .store
        .tenant_events(tenant)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.event == Event::Retry && e.actor == flowhq_server::heal::ACTOR)
        .count();
    assert_eq!(retries, 2);
    // The schedule is spent: the third failure stays for an operator.
    fail(&app, tenant).await;
    assert!(!wait_for(&app, tenant, TenantStatus::Approved, Duration::from_secs(1)).await);
    let worker = app.store.worker(tenant).await.unwrap();
    assert_eq!(worker.last_error.as_deref(), Some("no heartbeat for 30 s"));
    app.stop().await;
}

async fn a_worker_that_failed_before_reporting_is_restarted(app: TestApp) {
    let approved = tenant(&app, "Cafe", "+5511912340002").await;
    for event in [Event::SetupRequestSubmitted, Event::SetupRequestApproved] {
        app.store
            .apply_event(approved, event, "test")
            .await
            .unwrap();
    }
    let paused = tenant(&app, "Bar", "+5511912340003").await;
    for event in [
        Event::SetupRequestSubmitted,
        Event::SetupRequestApproved,
        Event::WorkerStarted,
        Event::SessionConnected,
        Event::Pause,
    ] {
        app.store.apply_event(paused, event, "test").await.unwrap();
    }
    for (tenant, kept) in [
        (approved, TenantStatus::Approved),
        (paused, TenantStatus::Paused),
    ] {
        // Stale while the tenant cannot go ERROR: only the worker is marked.
        app.store
            .worker_failed(tenant, None, "no heartbeat for 6 s", "monitor")
            .await
            .unwrap();
        assert_eq!(status(&app, tenant).await, kept);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        let runtime = loop {
            let runtime = app.store.worker_runtime(tenant).await.unwrap();
            // The restart passes through other states (its stop, then its
            // start): wait for where it ends, not its first step.
            let restarted =
                runtime.worker.status != WorkerStatus::Error && runtime.desired == Desired::Running;
            if restarted || tokio::time::Instant::now() > deadline {
                break runtime;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        };
        assert_ne!(
            runtime.worker.status,
            WorkerStatus::Error,
            "{kept}: restarted"
        );
        assert_eq!(runtime.desired, Desired::Running);
        assert_eq!(status(&app, tenant).await, kept, "the status is kept");
    }
    app.stop().await;
}

async fn tenant(app: &TestApp, name: &str, number: &str) -> TenantId {
    app.create_tenant(name, number).await["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}
