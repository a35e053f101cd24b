//! Two `flowhq serve` replicas on one PostgreSQL database and one data
//! dir, their workers dialling a small TCP proxy that reaches whichever
//! replica answers (as a load balancer would, `FLOWHQ_ADVERTISE_URL`). The
//! leader is SIGKILLed: the other leads within 10 s, customers are
//! answered through it, a worker SIGKILLed afterwards is restarted by it,
//! and the tenant never shows ERROR.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use flowhq_store::testing::TestDb;
use tokio::net::{TcpListener, TcpStream};
use tokio::process::Child;

use super::sim_apart::start_sim;
use super::*;

/// Forwards each connection to the first of `backends` that accepts it.
async fn proxy(backends: Vec<u16>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((mut inbound, _)) = listener.accept().await else {
                return;
            };
            let backends = backends.clone();
            tokio::spawn(async move {
                for backend in backends {
                    if let Ok(mut outbound) = TcpStream::connect(("127.0.0.1", backend)).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                        return;
                    }
                }
            });
        }
    });
    port
}

pub(super) fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

pub(super) struct Replica {
    pub(super) child: Child,
}

pub(super) fn spawn_replica(
    env: &Env,
    name: &str,
    sim_url: &str,
    advertise: u16,
    port: u16,
) -> Replica {
    let log = std::fs::File::create(env.data_dir.with_file_name(format!("{name}.log"))).unwrap();
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_flowhq"));
    command.arg("serve");
    for (var, _) in std::env::vars_os() {
        if var.to_string_lossy().starts_with("FLOWHQ_") {
            command.env_remove(var);
        }
    }
    command
        .env("FLOWHQ_DATA_DIR", &env.data_dir)
        .env("FLOWHQ_DATABASE_URL", &env.db_url)
        .env("FLOWHQ_LISTEN", format!("127.0.0.1:{port}"))
        .env("FLOWHQ_ADMIN_TOKEN", ADMIN_TOKEN)
        .env("FLOWHQ_CHANNEL", "simulator")
        .env("FLOWHQ_SIM_URL", sim_url)
        .env(
            "FLOWHQ_ADVERTISE_URL",
            format!("http://127.0.0.1:{advertise}"),
        )
        .env("FLOWHQ_HEARTBEAT_INTERVAL", "500ms")
        // Webhook receivers in these tests listen on 127.0.0.1.
        .env("FLOWHQ_WEBHOOK_ALLOW_PRIVATE", "true")
        .env("FLOWHQ_STALE_AFTER", "3s")
        .stdin(std::process::Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .kill_on_drop(true);
    Replica {
        child: command.spawn().unwrap(),
    }
}

fn at(port: u16, path: &str) -> String {
    format!("http://127.0.0.1:{port}{path}")
}

async fn leads(env: &Env, port: u16) -> bool {
    let Ok(r) = env.client.get(at(port, "/metrics")).send().await else {
        return false;
    };
    r.text()
        .await
        .is_ok_and(|m| m.lines().any(|l| l == "flowhq_leader 1"))
}

async fn sent(env: &Env, sim: &str, id: TenantId) -> usize {
    let page: Value = env
        .client
        .get(format!("{sim}/api/sim/tenants/{id}/outbox"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    page["items"].as_array().unwrap().len()
}

async fn customer_writes(env: &Env, sim: &str, id: TenantId, text: &str) {
    let r = env
        .client
        .post(format!("{sim}/api/sim/tenants/{id}/inbound"))
        .json(&json!({ "from": "+34600000001", "text": text }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_leaders_death_passes_its_workers_to_the_other_replica() {
    // Replicas share a database only on PostgreSQL; CI always has one.
    let db = TestDb::new(flowhq_store::Backend::Postgres)
        .await
        .expect("FLOWHQ_TEST_POSTGRES_URL: replicas need PostgreSQL");
    let dir = tempfile::tempdir().unwrap();
    let mut env = Env {
        db_url: db.url.clone(),
        data_dir: dir.path().join("data"),
        port: 0,
        client: Client::builder()
            .pool_idle_timeout(Duration::from_secs(1))
            .build()
            .unwrap(),
        store: Store::connect(&db.url).await.unwrap(),
        _dir: dir,
    };
    let sim = start_sim(&env.data_dir.with_file_name("sim"));
    let (port_a, port_b) = (free_port(), free_port());
    let balancer = proxy(vec![port_a, port_b]).await;
    let ready = |port| {
        let client = env.client.clone();
        async move {
            eventually("a replica ready", Duration::from_secs(30), || async {
                let r = client.get(at(port, "/readyz")).send().await.ok()?;
                r.status().is_success().then_some(())
            })
            .await
        }
    };
    let mut a = spawn_replica(&env, "a", &sim.url, balancer, port_a);
    ready(port_a).await;
    eventually("A leads", Duration::from_secs(15), || async {
        leads(&env, port_a).await.then_some(())
    })
    .await;
    let b = spawn_replica(&env, "b", &sim.url, balancer, port_b);
    ready(port_b).await;
    assert!(!leads(&env, port_b).await, "one leader at a time");

    // A tenant whose worker A starts, linked and answering.
    env.port = port_a;
    let id = super::pairing::approved_with_worker(&env, "Casa Pepe", "+34910000001").await;
    let active = super::pairing::scan_until_active(&env, id, &sim.url).await;
    let worker_pid = active["worker"]["pid"].as_u64().unwrap();
    customer_writes(&env, &sim.url, id, "hello").await;
    eventually("the first answer", Duration::from_secs(10), || async {
        (sent(&env, &sim.url, id).await == 1).then_some(())
    })
    .await;

    // From here on, B watches the tenant's status.
    env.port = port_b;
    let seen = Arc::new(Mutex::new(BTreeSet::new()));
    let watcher = {
        let (client, seen) = (env.client.clone(), seen.clone());
        let url = at(port_b, &format!("/api/admin/tenants/{id}"));
        tokio::spawn(async move {
            loop {
                if let Ok(r) = client.get(&url).bearer_auth(ADMIN_TOKEN).send().await
                    && let Ok(t) = r.json::<Value>().await
                {
                    let status = t["status"].as_str().unwrap_or("?").to_owned();
                    seen.lock().unwrap().insert(status);
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };

    // SIGKILL the leader: B leads within 10 s and answers through the worker.
    signal(u64::from(a.child.id().unwrap()), libc::SIGKILL);
    let _ = a.child.wait().await;
    let killed = Instant::now();
    eventually("B leads", Duration::from_secs(10), || async {
        leads(&env, port_b).await.then_some(())
    })
    .await;
    assert!(killed.elapsed() <= Duration::from_secs(10));
    assert!(alive(worker_pid), "workers outlive their replica");
    customer_writes(&env, &sim.url, id, "1").await;
    eventually(
        "an answer after the failover",
        Duration::from_secs(10),
        || async { (sent(&env, &sim.url, id).await == 2).then_some(()) },
    )
    .await;
    eventually(
        "the messages logged through B",
        Duration::from_secs(10),
        || async { (env.messages(id).await.len() == 4).then_some(()) },
    )
    .await;

    // A worker SIGKILLed now is restarted by B.
    signal(worker_pid, libc::SIGKILL);
    let restarted = eventually("B restarts the worker", Duration::from_secs(20), || async {
        let w = env.tenant(id).await["worker"].clone();
        (w["pid"].as_u64().is_some_and(|p| p != worker_pid) && w["status"] == "RUNNING")
            .then_some(w)
    })
    .await;
    customer_writes(&env, &sim.url, id, "2").await;
    eventually(
        "an answer from the restarted worker",
        Duration::from_secs(15),
        || async { (sent(&env, &sim.url, id).await == 3).then_some(()) },
    )
    .await;
    watcher.abort();
    let seen = seen.lock().unwrap().clone();
    assert!(!seen.contains("ERROR"), "the tenant showed ERROR: {seen:?}");
    assert!(seen.contains("ACTIVE"), "{seen:?}");

    let (status, _) = env.post("/api/admin/workers/stop-all", json!({})).await;
    assert_eq!(status, 200);
    assert!(!alive(restarted["pid"].as_u64().unwrap()));
    drop(b);
    drop(sim);
    db.cleanup().await;
}
