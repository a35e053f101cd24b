//! Leader election over a PostgreSQL advisory lock: one leader among the
//! replicas of a database, a takeover within a bound when the leader's
//! session ends, elected jobs paused on the others. SQLite always leads.

use std::time::{Duration, Instant};

use flowhq_server::config::SupervisorMode;
use flowhq_server::leader::{Elector, LOCK_KEY};
use flowhq_store::testing::TestDb;
use flowhq_store::{Backend, Store};
use serde_json::Value;

use crate::helpers::{SendOk, TestApp, spawn_app_with, token_for};

const PERIOD: Duration = Duration::from_millis(100);
/// A follower takes over within a period of its own plus connecting; a
/// leader notices its lost session within a period plus a period of
/// timeout. Generous for a loaded machine, far below "never".
const TAKEOVER_BOUND: Duration = Duration::from_secs(3);

/// Polls `check` until it holds or `bound` passes; returns how long it took.
async fn within(bound: Duration, mut check: impl FnMut() -> bool) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < bound {
        if check() {
            return Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    check().then(|| started.elapsed())
}

/// The backend pid of the session holding the lock, seen from `store`.
async fn lock_holder(store: &Store) -> Option<i32> {
    // A bigint key shows in pg_locks as its high and low 32 bits.
    sqlx::query_scalar::<_, i32>(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted \
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
         AND classid::bigint = $1 AND objid::bigint = $2 AND objsubid = 1",
    )
    .bind(LOCK_KEY >> 32)
    .bind(LOCK_KEY & 0xffff_ffff)
    .fetch_optional(store.pool())
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_a_control_plane_always_leads() {
    let db = TestDb::sqlite();
    let store = Store::connect(&db.url).await.unwrap();
    let elector = Elector::start(&store, PERIOD).await;
    let leadership = elector.leadership();
    assert!(leadership.is_leader());
    elector.stop().await;
    // Stopping changes nothing on one machine: there is no one to hand to.
    assert!(leadership.is_leader());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_replica_leads_and_another_takes_over_when_its_session_ends() {
    let Some(db) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    // Two replicas: two pools, two electors, one database.
    let store_a = Store::connect(&db.url).await.unwrap();
    let store_b = Store::connect(&db.url).await.unwrap();
    let a = Elector::start(&store_a, PERIOD).await;
    let b = Elector::start(&store_b, PERIOD).await;
    let (lead_a, lead_b) = (a.leadership(), b.leadership());
    assert!(lead_a.is_leader(), "the first replica leads from the start");
    assert!(!lead_b.is_leader());

    // However long they campaign, never two leaders, never none.
    let until = Instant::now() + PERIOD * 10;
    while Instant::now() < until {
        assert!(lead_a.is_leader() ^ lead_b.is_leader());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let holder = lock_holder(&store_b).await.expect("someone holds the lock");

    // The leader's connection is cut, as when its network or its server
    // process goes away: the lock goes with the session.
    let killed: bool = sqlx::query_scalar("SELECT pg_terminate_backend($1)")
        .bind(holder)
        .fetch_one(store_b.pool())
        .await
        .unwrap();
    assert!(killed);
    let took_over = within(TAKEOVER_BOUND, || lead_b.is_leader()).await;
    assert!(took_over.is_some(), "no takeover within {TAKEOVER_BOUND:?}");
    let stepped_down = within(TAKEOVER_BOUND, || !lead_a.is_leader()).await;
    assert!(stepped_down.is_some(), "the old leader did not notice");
    assert_ne!(lock_holder(&store_a).await, Some(holder));

    // The old leader campaigns on but does not get it back...
    tokio::time::sleep(PERIOD * 5).await;
    assert!(lead_b.is_leader() && !lead_a.is_leader());
    // ...until the new one stops and hands over.
    b.stop().await;
    assert!(!lead_b.is_leader());
    let handed_over = within(TAKEOVER_BOUND, || lead_a.is_leader()).await;
    assert!(
        handed_over.is_some(),
        "no handover within {TAKEOVER_BOUND:?}"
    );

    a.stop().await;
    store_a.close().await;
    store_b.close().await;
    db.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_follower_serves_but_leaves_the_stale_monitor_to_the_leader() {
    let Some(db) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    // Another replica leads (an elector alone: it runs no jobs).
    let other = Store::connect(&db.url).await.unwrap();
    let leader = Elector::start(&other, PERIOD).await;
    assert!(leader.leadership().is_leader());
    let app = spawn_app_with(&db, |s| {
        s.supervisor = SupervisorMode::External;
        s.heartbeat_interval = Duration::from_millis(100);
        s.stale_after = Duration::from_millis(300);
        s.leader_check_every = PERIOD;
    })
    .await;
    let ready: Value = get_json(&app, "/readyz").await;
    assert_eq!(ready["status"], "ready", "a follower is ready all the same");
    assert_eq!(ready["leader"], false);
    assert!(metrics(&app).await.contains("\nflowhq_leader 0\n"));

    // A worker that never heartbeats: stale after 300 ms.
    let tenant = app.create_tenant("Quiet", "+34600000300").await;
    let id = tenant["id"].as_str().unwrap().to_owned();
    token_for(&app, &id).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        worker_status(&app, &id).await,
        "STARTING",
        "only a leader judges"
    );

    // The leader goes: this replica takes over and the monitor runs.
    leader.stop().await;
    let marked = Instant::now();
    loop {
        if worker_status(&app, &id).await == "ERROR" {
            break;
        }
        assert!(
            marked.elapsed() < TAKEOVER_BOUND,
            "the new leader's monitor did not mark the stale worker"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let ready: Value = get_json(&app, "/readyz").await;
    assert_eq!(ready["leader"], true);
    assert!(metrics(&app).await.contains("\nflowhq_leader 1\n"));

    app.stop().await;
    other.close().await;
    db.cleanup().await;
}

async fn get_json(app: &TestApp, path: &str) -> Value {
    let response = app.client.get(app.url(path)).sent().await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn metrics(app: &TestApp) -> String {
    app.client
        .get(app.url("/metrics"))
        .sent()
        .await
        .text()
        .await
        .unwrap()
}

async fn worker_status(app: &TestApp, id: &str) -> String {
    let tenant: Value = app.get_admin(&format!("/api/admin/tenants/{id}")).await;
    tenant["worker"]["status"].as_str().unwrap().to_owned()
}
