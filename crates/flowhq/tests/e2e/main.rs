//! End to end with real worker processes (`flowhq worker`) on the
//! simulated WhatsApp network, on SQLite and PostgreSQL: approve → QR →
//! scan → ACTIVE → messages logged once; SIGKILL, SIGSTOP and a
//! control-plane restart lose nothing and log nothing twice. Commands over
//! the worker link (`commands.rs`). Linking by
//! pairing code (`pairing.rs`), and a whatsapp-web worker with no route to
//! WhatsApp (`offline.rs`).

mod alerts;
mod commands;
mod crash;
mod inbox;
mod offline;
mod pairing;
mod public_api;
mod replicas;
mod serve_binary;
mod settings;
mod sim_apart;

mod stress;
mod webhooks;

use std::future::Future;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use flowhq_domain::TenantId;
use flowhq_domain::lifecycle::Event;
use flowhq_server::Application;
use flowhq_server::auth::Secret;
use flowhq_server::config::{ChannelKind, Settings};
use flowhq_store::testing::TestDb;
use flowhq_store::{Backend, Store};
use reqwest::{Client, Method, RequestBuilder};
use serde_json::{Value, json};
use tokio::sync::oneshot;

const ADMIN_TOKEN: &str = "e2e-admin-token-0123456789";
const HEARTBEAT: Duration = Duration::from_millis(300);
const STALE_AFTER: Duration = Duration::from_millis(1500);

struct Server {
    shutdown: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
    /// The workers linked to this server, and their commands.
    link: flowhq_server::link::Hub,
}

struct Env {
    db_url: String,
    data_dir: PathBuf,
    port: u16,
    client: Client,
    store: Store,
    _dir: tempfile::TempDir,
}

fn settings(db_url: &str, data_dir: PathBuf, port: u16) -> Settings {
    let mut settings = Settings::with_data_dir(data_dir);
    settings.listen = format!("127.0.0.1:{port}").parse().unwrap();
    settings.database_url = db_url.to_owned();
    settings.admin_token = Some(Secret::new(ADMIN_TOKEN));
    settings.admin_email = Some("root@example.com".into());
    settings.admin_password = Some(Secret::new("root-password-123"));
    settings.channel = ChannelKind::Simulator;
    settings.heartbeat_interval = HEARTBEAT;
    settings.stale_after = STALE_AFTER;
    settings.worker_exe = Some(PathBuf::from(env!("CARGO_BIN_EXE_flowhq")));
    settings.worker_stop_grace = Duration::from_secs(3);
    settings
}

async fn start_server(db_url: &str, data_dir: PathBuf, port: u16) -> (Server, u16) {
    start_with(settings(db_url, data_dir, port)).await
}

async fn start_with(settings: Settings) -> (Server, u16) {
    let app = Application::build(settings)
        .await
        .expect("building the app");
    let port = app.port();
    let link = app.state().supervisor.link().clone();
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        app.run_until(async {
            let _ = rx.await;
        })
        .await
        .expect("serving");
    });
    (
        Server {
            shutdown: tx,
            task,
            link,
        },
        port,
    )
}

impl Server {
    async fn stop(self) {
        let _ = self.shutdown.send(());
        let _ = self.task.await;
    }
}

impl Env {
    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn admin(&self, method: Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, self.url(path))
            .bearer_auth(ADMIN_TOKEN)
    }

    async fn get(&self, path: &str) -> Value {
        let response = self.admin(Method::GET, path).send().await.unwrap();
        assert!(
            response.status().is_success(),
            "GET {path}: {}",
            response.status()
        );
        response.json().await.unwrap()
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        call(self.admin(Method::POST, path), body).await
    }

    async fn tenant(&self, id: TenantId) -> Value {
        self.get(&format!("/api/admin/tenants/{id}")).await
    }

    async fn messages(&self, id: TenantId) -> Vec<Value> {
        let page = self
            .get(&format!("/api/admin/tenants/{id}/messages?limit=500"))
            .await;
        page["items"].as_array().unwrap().clone()
    }

    async fn outbox(&self, id: TenantId) -> Vec<Value> {
        let page = self.get(&format!("/api/sim/tenants/{id}/outbox")).await;
        page["items"].as_array().unwrap().clone()
    }

    async fn inbound(&self, id: TenantId, from: &str, text: &str) -> String {
        let (status, body) = self
            .post(
                &format!("/api/sim/tenants/{id}/inbound"),
                json!({ "from": from, "text": text }),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body["wa_message_id"].as_str().unwrap().to_owned()
    }
}

/// Sends `request` with a JSON `body`: the status and the JSON answer
/// (null when there is none).
async fn call(request: RequestBuilder, body: Value) -> (u16, Value) {
    let response = request.json(&body).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Polls `check` until it returns `Some`, failing after `timeout`.
async fn eventually<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn wait_status(env: &Env, id: TenantId, status: &str) -> Value {
    eventually(
        &format!("tenant {status}"),
        Duration::from_secs(20),
        || async {
            let t = env.tenant(id).await;
            (t["status"] == status).then_some(t)
        },
    )
    .await
}

/// Waits until exactly `n` messages are logged and the bot sent `sent`
/// replies, and checks that stays so.
async fn wait_counts(env: &Env, id: TenantId, n: usize, sent: usize) {
    eventually(
        &format!("{n} logs and {sent} sends"),
        Duration::from_secs(20),
        || async {
            let logged = env.messages(id).await.len();
            let out = env.outbox(id).await.len();
            assert!(
                logged <= n && out <= sent,
                "too many: {logged} logged, {out} sent"
            );
            (logged == n && out == sent).then_some(())
        },
    )
    .await;
}

fn assert_no_duplicates(messages: &[Value]) {
    let mut keys: Vec<String> = messages
        .iter()
        .map(|m| format!("{}/{}", m["direction"], m["wa_message_id"]))
        .collect();
    let total = keys.len();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), total, "a message was logged twice");
}

fn signal(pid: u64, signal: libc::c_int) {
    // SAFETY: kill(2) with a pid this test's supervisor started.
    unsafe {
        libc::kill(pid as libc::pid_t, signal);
    }
}

fn alive(pid: u64) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .unwrap_or_default()
            .contains(") Z ")
}

async fn run<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(Env) -> Fut,
    Fut: Future<Output = ()>,
{
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&db.url).await.unwrap();
    let env = Env {
        db_url: db.url.clone(),
        data_dir: dir.path().join("data"),
        port: 0,
        // Idle connections are dropped well before the server closes them
        // (its keep-alive timeout is 20 s), so no request races a close.
        client: Client::builder()
            .pool_idle_timeout(Duration::from_secs(5))
            .build()
            .unwrap(),
        store,
        _dir: dir,
    };
    test(env).await;
    db.cleanup().await;
}

flowhq_store::backend_tests!(run: workers_survive_crashes_hangs_and_restarts_losing_nothing);

async fn workers_survive_crashes_hangs_and_restarts_losing_nothing(mut env: Env) {
    let (server, port) = start_server(&env.db_url, env.data_dir.clone(), 0).await;
    env.port = port;

    // A tenant is approved: its worker starts and asks for a QR scan.
    let (status, tenant) = env
        .post(
            "/api/admin/tenants",
            json!({ "name": "Casa Pepe", "phone_number": "+34910000001",
                    "config": { "template_type": "RESTAURANT", "language": "EN" } }),
        )
        .await;
    assert_eq!(status, 201);
    let id: TenantId = tenant["id"].as_str().unwrap().parse().unwrap();
    env.store
        .apply_event(id, Event::SetupRequestSubmitted, "test")
        .await
        .unwrap();
    env.store
        .apply_event(id, Event::SetupRequestApproved, "test")
        .await
        .unwrap();
    let (status, worker) = env
        .post(&format!("/api/admin/tenants/{id}/worker/start"), json!({}))
        .await;
    assert_eq!(status, 200, "{worker}");
    let pid = worker["pid"].as_u64().expect("a pid");
    assert!(alive(pid));
    let (status, _) = env
        .post(&format!("/api/admin/tenants/{id}/worker/start"), json!({}))
        .await;
    assert_eq!(status, 409, "a running worker is not started twice");

    wait_status(&env, id, "QR_PENDING").await;
    let qr = eventually("a QR code", Duration::from_secs(10), || async {
        let r = env
            .admin(Method::GET, &format!("/api/admin/tenants/{id}/qr"))
            .send()
            .await
            .unwrap();
        if r.status() == 200 {
            Some(r.json::<Value>().await.unwrap())
        } else {
            None
        }
    })
    .await;
    assert!(qr["qr"].as_str().unwrap().starts_with("2@"));
    assert!(qr["expires_at"].is_string());
    let svg = env
        .admin(
            Method::GET,
            &format!("/api/admin/tenants/{id}/qr?format=svg"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    assert!(svg.text().await.unwrap().contains("<svg"));

    // Scan: ACTIVE. A customer writes: the message and the reply are logged once.
    let (status, _) = env
        .post(&format!("/api/sim/tenants/{id}/scan"), json!({}))
        .await;
    assert_eq!(status, 200);
    let active = wait_status(&env, id, "ACTIVE").await;
    assert_eq!(active["session"]["state"], "CONNECTED");
    env.inbound(id, "+34600000001", "hello").await;
    wait_counts(&env, id, 2, 1).await;
    let outbox = env.outbox(id).await;
    assert!(outbox[0]["text"].as_str().unwrap().contains("Casa Pepe"));
    assert_eq!(outbox[0]["to"], "+34600000001");

    // SIGKILL: restarted with a new pid, restarts + 1, ACTIVE without a scan.
    signal(pid, libc::SIGKILL);
    let restarted = eventually("a restarted worker", Duration::from_secs(20), || async {
        let w = env.tenant(id).await["worker"].clone();
        (w["pid"].as_u64().is_some_and(|p| p != pid) && w["status"] == "RUNNING").then_some(w)
    })
    .await;
    assert_eq!(restarted["restarts"], 1);
    let pid = restarted["pid"].as_u64().unwrap();
    assert_eq!(env.tenant(id).await["status"], "ACTIVE");
    env.inbound(id, "+34600000002", "1").await;
    wait_counts(&env, id, 4, 2).await;

    // SIGSTOP (hung): ERROR within stale_after plus a tick; a message sent
    // meanwhile waits on the network; retry brings it back without a scan.
    signal(pid, libc::SIGSTOP);
    let hung_at = Instant::now();
    env.inbound(id, "+34600000003", "hello").await;
    let errored = wait_status(&env, id, "ERROR").await;
    let took = hung_at.elapsed();
    assert!(
        took <= STALE_AFTER + HEARTBEAT + Duration::from_millis(1500),
        "ERROR after {took:?}"
    );
    assert_eq!(errored["worker"]["status"], "ERROR");
    assert!(
        errored["worker"]["last_error"]
            .as_str()
            .unwrap()
            .contains("heartbeat")
    );
    eventually("the hung worker killed", Duration::from_secs(5), || async {
        (!alive(pid)).then_some(())
    })
    .await;
    let (status, body) = env
        .post(&format!("/api/admin/tenants/{id}/retry"), json!({}))
        .await;
    assert_eq!(status, 200, "{body}");
    let back = wait_status(&env, id, "ACTIVE").await;
    let pid = back["worker"]["pid"].as_u64().unwrap();
    wait_counts(&env, id, 6, 3).await;

    // The control plane restarts under load; the worker keeps running (same
    // pid), is re-adopted, and nothing is lost or logged twice.
    for i in 0..5 {
        env.inbound(id, "+34600000004", &format!("{}", i % 3 + 1))
            .await;
    }
    server.stop().await;
    assert!(alive(pid), "workers outlive the control plane");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(alive(pid));
    let (server, _) = start_server(&env.db_url, env.data_dir.clone(), env.port).await;
    for i in 0..5 {
        env.inbound(id, "+34600000005", &format!("{}", i % 3 + 1))
            .await;
    }
    wait_counts(&env, id, 26, 13).await;
    let t = env.tenant(id).await;
    assert_eq!(
        t["worker"]["pid"].as_u64(),
        Some(pid),
        "re-adopted, not restarted"
    );
    assert_eq!(t["status"], "ACTIVE");
    assert_no_duplicates(&env.messages(id).await);

    // Logout: back to QR_PENDING. Then every worker is stopped on purpose.
    let (status, _) = env
        .post(&format!("/api/sim/tenants/{id}/logout"), json!({}))
        .await;
    assert_eq!(status, 200);
    wait_status(&env, id, "QR_PENDING").await;
    let (status, body) = env.post("/api/admin/workers/stop-all", json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert!(!alive(pid));
    let t = env.tenant(id).await;
    assert_eq!(t["worker"]["status"], "STOPPED");
    server.stop().await;
}
