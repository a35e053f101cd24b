//! Throughput of tenant creation and `GET /api/admin/tenants/{id}` through
//! the real HTTP stack, on SQLite and (with `FLOWHQ_TEST_POSTGRES_URL`) on
//! PostgreSQL.
//!
//! `cargo bench -p flowhq-server --bench api`
//!
//! The load generator runs in the same process and shares the machine's
//! cores with the server, so the figures are a lower bound of what the
//! server alone can do (BENCHMARKS.md also has a `wrk` run).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use flowhq_server::Application;
use flowhq_server::auth::Secret;
use flowhq_server::config::Settings;
use flowhq_store::Backend;
use flowhq_store::testing::TestDb;
use serde_json::{Value, json};

const TOKEN: &str = "bench-admin-token-0123456789";
const TENANTS: usize = 1_000;
const CREATE_CONCURRENCY: usize = 8;
const GET_CONCURRENCY: usize = 32;
const GET_SECONDS: u64 = 10;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        bench(Backend::Sqlite).await;
        if std::env::var_os(flowhq_store::testing::POSTGRES_URL_VAR).is_some() {
            bench(Backend::Postgres).await;
        } else {
            println!(
                "(set {} to bench PostgreSQL too)",
                flowhq_store::testing::POSTGRES_URL_VAR
            );
        }
    });
}

async fn bench(backend: Backend) {
    let db = TestDb::new(backend).await.expect("a database");
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::with_data_dir(dir.path().join("data"));
    settings.listen = "127.0.0.1:0".parse().unwrap();
    settings.database_url = db.url.clone();
    settings.admin_token = Some(Secret::new(TOKEN));
    settings.admin_email = Some("bench@example.com".into());
    settings.admin_password = Some(Secret::new("bench-password-123"));
    let app = Application::build(settings).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = stop_rx.await;
    }));
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .unwrap();

    // Creation: CREATE_CONCURRENCY clients, TENANTS tenants in all.
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..CREATE_CONCURRENCY {
        let client = client.clone();
        let base = base.clone();
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for i in (worker..TENANTS).step_by(CREATE_CONCURRENCY) {
                let response = client
                    .post(format!("{base}/api/admin/tenants"))
                    .bearer_auth(TOKEN)
                    .json(&json!({"name": format!("Bench {i}"), "phone_number": format!("+5511{:09}", i)}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), 201);
                let body: Value = response.json().await.unwrap();
                ids.push(body["id"].as_str().unwrap().to_owned());
            }
            ids
        }));
    }
    let mut ids = Vec::new();
    for task in tasks {
        ids.extend(task.await.unwrap());
    }
    let create_s = started.elapsed().as_secs_f64();
    let ids = Arc::new(ids);

    // Reads: GET_CONCURRENCY clients for GET_SECONDS over random tenants.
    let running = Arc::new(AtomicBool::new(true));
    let mut tasks = Vec::new();
    for worker in 0..GET_CONCURRENCY {
        let client = client.clone();
        let base = base.clone();
        let ids = ids.clone();
        let running = running.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut n = worker * 7919;
            while running.load(Ordering::Relaxed) {
                n = n.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                let id = &ids[n % ids.len()];
                let sent = Instant::now();
                let response = client
                    .get(format!("{base}/api/admin/tenants/{id}"))
                    .bearer_auth(TOKEN)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), 200);
                let _ = response.bytes().await.unwrap();
                latencies.push(sent.elapsed());
            }
            latencies
        }));
    }
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(GET_SECONDS)).await;
    running.store(false, Ordering::Relaxed);
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.unwrap());
    }
    let get_s = started.elapsed().as_secs_f64();
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];

    println!(
        "{backend:?}: create {TENANTS} tenants: {:.0}/s ({CREATE_CONCURRENCY} clients) | \
         GET tenant: {:.0}/s ({GET_CONCURRENCY} clients, {} requests), p50 {:?}, p99 {:?}",
        TENANTS as f64 / create_s,
        latencies.len() as f64 / get_s,
        latencies.len(),
        pct(0.50),
        pct(0.99),
    );
    let _ = stop_tx.send(());
    let _ = server.await;
    db.cleanup().await;
}
