//! Render time of the console and portal pages with 1,000 tenants and
//! 2,000,000 messages over the last 30 days (the charts' longest window),
//! through the real HTTP stack, on SQLite and (with
//! `FLOWHQ_TEST_POSTGRES_URL`) on PostgreSQL. The measured owner's business
//! has half of those messages, 1,000,000, with 10,000 customers: its inbox
//! lists 10,000 conversations over a million messages.
//!
//! `cargo bench -p flowhq-server --bench pages`
//! (`FLOWHQ_BENCH_MESSAGES=200000` for a quicker run)
//!
//! Requests are sent one at a time from the same process over loopback, so
//! each figure is the server's time plus a little client and socket time:
//! an upper bound of the server time.

use std::time::{Duration, Instant};

use chrono::Utc;
use flowhq_domain::lifecycle::Event;
use flowhq_domain::protocol::LoggedMessage;
use flowhq_domain::values::{Name, PhoneNumber};
use flowhq_domain::{Direction, LoggedDecision, TemplateType, TenantId};
use flowhq_server::Application;
use flowhq_server::auth::Secret;
use flowhq_server::config::Settings;
use flowhq_store::Backend;
use flowhq_store::setup_requests::NewSetupRequest;
use flowhq_store::tenants::{ConfigInput, ConfigPatch, NewTenant};
use flowhq_store::testing::TestDb;
use serde_json::{Value, json};

const TENANTS: usize = 1_000;
/// Messages in all, unless `FLOWHQ_BENCH_MESSAGES` says otherwise; the
/// measured tenant has half.
const MESSAGES: usize = 2_000_000;
/// Messages are spread evenly over this many seconds back from now.
const SPREAD_S: usize = 30 * 86_400;
/// The customers (the conversations) of the one tenant whose pages are
/// measured.
const BIG_TENANT_CONTACTS: usize = 10_000;
/// The other tenants' customers each.
const CONTACTS: usize = 5_000;
const PENDING_REQUESTS: usize = 100;
const WARMUP: usize = 10;
const RUNS: usize = 200;
/// A search for words of messages reads the business's whole log: fewer
/// runs of it.
const SEARCH_RUNS: usize = 20;

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

/// Pairs of a customer's message and the bot's reply two seconds later,
/// the messages' decisions and menu choices varied as in real traffic.
fn messages_for(tenant: TenantId, n: usize, offset: usize, contacts: usize) -> Vec<LoggedMessage> {
    let now = Utc::now();
    (0..n)
        .map(|i| {
            let k = offset + i;
            let asked = k - k % 2;
            // Spread over the last 30 days, a day's worth in the last 24 h.
            let asked_at = now - chrono::Duration::seconds((asked * 7919 % SPREAD_S) as i64);
            let (decision, menu_item) = match asked / 2 % 5 {
                0 => (LoggedDecision::Welcome, None),
                1 | 2 => (LoggedDecision::Answer, Some((asked / 10 % 4 + 1) as u8)),
                3 => (LoggedDecision::Away, None),
                _ => (LoggedDecision::Handoff, None),
            };
            let inbound = k.is_multiple_of(2);
            let customer = format!("+5511{:09}", asked / 2 % contacts);
            let business = "+5511900000000".to_owned();
            let (from_number, to_number) = if inbound {
                (customer, business)
            } else {
                (business, customer)
            };
            LoggedMessage {
                direction: if inbound {
                    Direction::Inbound
                } else {
                    Direction::Outbound
                },
                from_number,
                to_number,
                message_text: format!("Message number {k}: hello, are you open today?"),
                wa_message_id: format!("{tenant}-{k}"),
                bot_decision: inbound.then_some(decision),
                reply_to: (!inbound).then(|| format!("{tenant}-{asked}")),
                menu_item: menu_item.filter(|_| inbound),
                media: None,
                push_name: None,
                client_id: None,
                hidden_id: None,
                created_at: if inbound {
                    asked_at
                } else {
                    asked_at + chrono::Duration::seconds(2)
                },
            }
        })
        .collect()
}

fn messages_in_all() -> usize {
    std::env::var("FLOWHQ_BENCH_MESSAGES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(MESSAGES)
}

async fn bench(backend: Backend) {
    let messages = messages_in_all();
    let db = TestDb::new(backend).await.expect("a database");
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::with_data_dir(dir.path().join("data"));
    settings.listen = "127.0.0.1:0".parse().unwrap();
    settings.database_url = db.url.clone();
    settings.admin_email = Some("bench@example.com".into());
    settings.admin_password = Some(Secret::new("bench-password-123"));
    let app = Application::build(settings).await.unwrap();
    let state = app.state().clone();
    let store = state.store.clone();
    let base = format!("http://127.0.0.1:{}", app.port());
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = stop_rx.await;
    }));

    // The owner whose portal is measured, signed up like anyone.
    let owner = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let signed_up: Value = owner
        .post(format!("{base}/api/portal/signup"))
        .json(&json!({
            "name": "Ana Souza", "email": "ana@bench.example", "password": "tulip-harbour-42",
            "phone": "+5511987654321", "business_name": "Padaria Sol"
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let big: TenantId = signed_up["tenant"]["id"].as_str().unwrap().parse().unwrap();

    let started = Instant::now();
    let mut ids = vec![big];
    for i in 1..TENANTS {
        let name = Name::parse(&format!("Bench Business {i:04}")).unwrap();
        let detail = store
            .create_tenant(&NewTenant {
                config: ConfigInput::default_for(&name),
                name,
                phone_number: PhoneNumber::parse(&format!("+5511{i:09}")).unwrap(),
            })
            .await
            .unwrap();
        ids.push(detail.tenant.id);
    }
    for id in ids.iter().skip(1).take(PENDING_REQUESTS) {
        store
            .submit_setup_request(
                &NewSetupRequest {
                    tenant_id: *id,
                    user_id: None,
                    config: ConfigPatch {
                        template_type: Some(TemplateType::Restaurant),
                        ..ConfigPatch::default()
                    },
                    whatsapp_number: PhoneNumber::parse("+5511987650000").unwrap(),
                    notes: Some("bench".into()),
                },
                "bench",
            )
            .await
            .unwrap();
    }
    let big_messages = messages / 2;
    for chunk in (0..big_messages).step_by(1000) {
        let count = 1000.min(big_messages - chunk);
        store
            .log_messages(big, &messages_for(big, count, chunk, BIG_TENANT_CONTACTS))
            .await
            .unwrap();
    }
    let per_other = (messages - big_messages) / (TENANTS - 1);
    for (n, id) in ids.iter().skip(1).enumerate() {
        for chunk in (0..per_other).step_by(1000) {
            let count = 1000.min(per_other - chunk);
            store
                .log_messages(
                    *id,
                    &messages_for(*id, count, n * per_other + chunk, CONTACTS),
                )
                .await
                .unwrap();
        }
    }
    println!(
        "{backend:?}: seeded {TENANTS} tenants, {messages} messages in {:.1?}",
        started.elapsed()
    );
    // The measured owner's business is live, so that /app shows its last
    // 14 days (figures, chart, menu choices, first-reply wait).
    for event in [
        Event::SetupRequestSubmitted,
        Event::SetupRequestApproved,
        Event::WorkerStarted,
        Event::SessionConnected,
    ] {
        store.apply_event(big, event, "bench").await.unwrap();
    }
    // What the leader's roll-up job does at start and every minute.
    let started = Instant::now();
    flowhq_server::rollup::roll_up(&state).await.unwrap();
    println!(
        "{backend:?}: daily roll-up of 30 days in {:.1?}",
        started.elapsed()
    );

    let admin = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let login = admin
        .post(format!("{base}/api/portal/login"))
        .json(&json!({"email": "bench@example.com", "password": "bench-password-123"}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);

    let cursor: Value = admin
        .get(format!("{base}/api/admin/tenants/{big}/messages?limit=25"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let cursor = cursor["next_cursor"].as_str().unwrap().to_owned();
    let conversations: Value = owner
        .get(format!(
            "{base}/api/portal/tenant/current/conversations?limit=1"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let contact = conversations["items"][0]["contact"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let anonymous = reqwest::Client::new();
    let pages: Vec<(&str, &reqwest::Client, String)> = vec![
        ("/admin", &admin, "/admin".into()),
        ("/admin/tenants", &admin, "/admin/tenants".into()),
        (
            "/admin/tenants?q=business+09",
            &admin,
            "/admin/tenants?q=business+09".into(),
        ),
        (
            "/admin/tenants?status=PENDING",
            &admin,
            "/admin/tenants?status=PENDING".into(),
        ),
        (
            "/admin/tenants/{id} (1M messages)",
            &admin,
            format!("/admin/tenants/{big}"),
        ),
        (
            "/admin/tenants/{id}?before=…",
            &admin,
            format!("/admin/tenants/{big}?before={cursor}"),
        ),
        (
            "/admin/setup-requests (100 pending)",
            &admin,
            "/admin/setup-requests".into(),
        ),
        ("/app (live, 1M messages)", &owner, "/app".into()),
        (
            "/api/portal/…/conversations (10k)",
            &owner,
            "/api/portal/tenant/current/conversations".into(),
        ),
        (
            "/api/portal/…/conversations?filter=handoff",
            &owner,
            "/api/portal/tenant/current/conversations?filter=handoff".into(),
        ),
        (
            "/api/portal/…/conversations?filter=unread",
            &owner,
            "/api/portal/tenant/current/conversations?filter=unread".into(),
        ),
        (
            "/api/portal/…/conversations?q=words (reads the 1M log)",
            &owner,
            "/api/portal/tenant/current/conversations?q=ana".into(),
        ),
        (
            "/app/inbox (10k conversations)",
            &owner,
            "/app/inbox".into(),
        ),
        ("/app/inbox/{id}", &owner, format!("/app/inbox/{contact}")),
        ("/app/setup", &owner, "/app/setup".into()),
        ("/app/messages", &owner, "/app/messages".into()),
        ("/app/preview", &owner, "/app/preview".into()),
        ("/login", &anonymous, "/login".into()),
    ];
    println!("\n| {backend:?} page | p50 ms | p95 ms | max ms |\n|---|---:|---:|---:|");
    for (label, client, path) in pages {
        let url = format!("{base}{path}");
        let runs = if path.contains("q=") && path.contains("conversations") {
            SEARCH_RUNS
        } else {
            RUNS
        };
        let mut times = Vec::with_capacity(runs);
        for run in 0..WARMUP.min(runs) + runs {
            let t = Instant::now();
            let response = client.get(&url).send().await.unwrap();
            let status = response.status();
            let body = response.bytes().await.unwrap();
            let elapsed = t.elapsed();
            assert!(
                status.is_success() || status.is_redirection(),
                "{path}: {status}"
            );
            assert!(!body.is_empty());
            if run >= WARMUP.min(runs) {
                times.push(elapsed);
            }
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "| `{label}` | {:.1} | {:.1} | {:.1} |",
            ms(times[runs / 2]),
            ms(times[runs * 95 / 100]),
            ms(times[runs - 1])
        );
    }
    let _ = stop_tx.send(());
    let _ = server.await;
    db.cleanup().await;
}
