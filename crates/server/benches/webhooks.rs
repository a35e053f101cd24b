//! Webhook deliveries per second to a local receiver, on SQLite and (with
//! `FLOWHQ_TEST_POSTGRES_URL`) on PostgreSQL.
//!
//! `cargo bench -p flowhq-server --bench webhooks`
//!
//! The real server with its leader-only sender; 50 tenants, each with an
//! endpoint on a receiver in this process (axum, answering 200). Inbound
//! messages are logged as workers log them (batches of 100, which queues
//! each message's `message.received` in the same write), and the clock
//! runs from the first batch until the receiver has acknowledged every
//! event and the store shows every delivery DELIVERED. The receiver and
//! the logging share the two cores with the server: a lower bound.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::routing::post;
use flowhq_domain::protocol::LoggedMessage;
use flowhq_domain::values::{Name, PhoneNumber};
use flowhq_domain::{Direction, TenantId};
use flowhq_server::Application;
use flowhq_server::auth::Secret;
use flowhq_server::config::Settings;
use flowhq_store::Backend;
use flowhq_store::tenants::{ConfigInput, NewTenant};
use flowhq_store::testing::TestDb;
use flowhq_store::webhooks::DeliveryStatus;

const TOKEN: &str = "bench-admin-token-0123456789";
const TENANTS: usize = 50;
const EVENTS: usize = 40_000;
const BATCH: usize = 100;

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

async fn receiver(count: Arc<AtomicUsize>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().route(
        "/hook",
        post(move || {
            let count = count.clone();
            async move {
                count.fetch_add(1, Ordering::Relaxed);
                "ok"
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/hook")
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
    settings.webhook_allow_private = true;
    let app = Application::build(settings).await.unwrap();
    let store = app.state().store.clone();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = stop_rx.await;
    }));

    let acked = Arc::new(AtomicUsize::new(0));
    let url = receiver(acked.clone()).await;
    let mut tenants = Vec::new();
    for i in 0..TENANTS {
        let name = Name::parse(&format!("Bench {i}")).unwrap();
        let tenant = store
            .create_tenant(&NewTenant {
                config: ConfigInput::default_for(&name),
                name,
                phone_number: PhoneNumber::parse(&format!("+5511{i:09}")).unwrap(),
            })
            .await
            .unwrap()
            .tenant
            .id;
        store
            .create_webhook_endpoint(
                flowhq_store::webhooks::Owner::Tenant(tenant),
                &flowhq_store::webhooks::NewEndpoint {
                    url: flowhq_domain::webhooks::EndpointUrl::parse(&url).unwrap(),
                    events: vec![flowhq_domain::webhooks::EventType::MessageReceived],
                    secret: flowhq_domain::webhooks::WebhookSecret::from_key(&[7; 32]),
                },
            )
            .await
            .unwrap();
        tenants.push(tenant);
    }

    let started = Instant::now();
    let mut logging = Vec::new();
    for (t, tenant) in tenants.iter().enumerate() {
        let store = store.clone();
        let tenant: TenantId = *tenant;
        logging.push(tokio::spawn(async move {
            let per_tenant = EVENTS / TENANTS;
            for chunk in (0..per_tenant).collect::<Vec<_>>().chunks(BATCH) {
                let batch: Vec<LoggedMessage> = chunk
                    .iter()
                    .map(|i| LoggedMessage {
                        direction: Direction::Inbound,
                        from_number: format!("+5521{t:04}{i:05}"),
                        to_number: "+5511900000000".into(),
                        message_text: format!("message {i}"),
                        wa_message_id: format!("wa-{t}-{i}"),
                        bot_decision: None,
                        reply_to: None,
                        menu_item: None,
                        media: None,
                        push_name: None,
                        client_id: None,
                        hidden_id: None,
                        created_at: chrono::Utc::now(),
                    })
                    .collect();
                store.log_messages(tenant, &batch).await.unwrap();
            }
        }));
    }
    for task in logging {
        task.await.unwrap();
    }
    let logged_s = started.elapsed().as_secs_f64();
    let deadline = Instant::now() + Duration::from_secs(300);
    while acked.load(Ordering::Relaxed) < EVENTS && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let acked_s = started.elapsed().as_secs_f64();
    // The outcomes of the last batch are written after its answers.
    while store
        .count_webhook_deliveries(DeliveryStatus::Delivered)
        .await
        .unwrap()
        < EVENTS as i64
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let done_s = started.elapsed().as_secs_f64();
    let delivered = store
        .count_webhook_deliveries(DeliveryStatus::Delivered)
        .await
        .unwrap();
    let received = acked.load(Ordering::Relaxed);
    println!(
        "{backend:?}: {EVENTS} events over {TENANTS} tenants: logged in {logged_s:.2} s; \
         receiver acknowledged {received} by {acked_s:.2} s; {delivered} DELIVERED by {done_s:.2} s \
         → {:.0} deliveries/s",
        delivered as f64 / done_s
    );
    assert_eq!(delivered, EVENTS as i64, "every event delivered");
    assert_eq!(received, EVENTS, "none twice");
    let _ = stop_tx.send(());
    let _ = server.await;
    db.cleanup().await;
}
