//! A whatsapp-web worker with no route to WhatsApp: it dials a closed local
//! port (never the internet), says why it is offline in the worker's
//! `last_error`, retries with the library's backoff, costs little CPU,
//! and the control plane stays healthy.

use super::*;

use super::pairing::approved_with_worker;

/// CPU seconds (user + system) the process has used so far.
fn cpu_seconds(pid: u64) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the `(comm)`: state is field 3, utime 14, stime 15.
    let rest = stat.rsplit_once(") ").unwrap().1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    // SAFETY: sysconf has no preconditions.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    ticks as f64 / per_second
}

flowhq_store::backend_tests!(run: without_a_route_to_whatsapp_a_worker_says_so_and_stays_cheap);

async fn without_a_route_to_whatsapp_a_worker_says_so_and_stays_cheap(mut env: Env) {
    // A port nobody listens on: every connection attempt is refused.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("ws://{}/ws/chat", closed.local_addr().unwrap());
    drop(closed);

    let mut settings = settings(&env.db_url, env.data_dir.clone(), 0);
    settings.channel = ChannelKind::WhatsappWeb;
    // The production heartbeat period: the CPU figure is the real one.
    settings.heartbeat_interval = Duration::from_secs(10);
    settings.stale_after = Duration::from_secs(30);
    settings.worker_env = vec![
        ("FLOWHQ_WHATSAPP_URL".into(), url.clone()),
        // Pinned, so the worker does not ask web.whatsapp.com for it.
        ("FLOWHQ_WHATSAPP_VERSION".into(), "2.3000.1000000000".into()),
    ];
    let (server, port) = start_with(settings).await;
    env.port = port;
    let sim = env
        .admin(Method::GET, "/api/sim/tenants/x/outbox")
        .send()
        .await
        .unwrap();
    assert_eq!(sim.status(), 404, "no simulator under whatsapp-web");

    let id = approved_with_worker(&env, "Offline Cafe", "+5511912340002").await;
    let tenant = eventually("the worker's error", Duration::from_secs(30), || async {
        let t = env.tenant(id).await;
        t["worker"]["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("cannot reach WhatsApp"))
            .then_some(t)
    })
    .await;
    let error = tenant["worker"]["last_error"].as_str().unwrap();
    assert!(error.contains(&url), "names where it dialled: {error}");
    assert!(error.contains("retrying"), "{error}");
    assert_eq!(tenant["session"]["state"], "DISCONNECTED");
    let pid = tenant["worker"]["pid"].as_u64().expect("a pid");

    // 20 s of being offline. The target is under 2 CPU-seconds a minute;
    // over 20 s that is 0.67 s. The window starts after the first attempts
    // and includes several more (the backoff runs 1, 1, 2, 3, 5, 8 s…)
    // and two heartbeats; a worker that spun would burn ~20 s.
    let before = cpu_seconds(pid);
    tokio::time::sleep(Duration::from_secs(20)).await;
    let used = cpu_seconds(pid) - before;
    assert!(used < 2.0 / 3.0, "{used:.2} CPU-s in 20 s");
    eprintln!("offline whatsapp-web worker: {used:.3} CPU-s in 20 s");

    // Still the same process, still heartbeating, and the control plane is fine.
    let t = env.tenant(id).await;
    let log = env
        .data_dir
        .join("logs")
        .join(format!("flowhq-worker-{id}.log"));
    eprintln!("{}", std::fs::read_to_string(log).unwrap_or_default());
    assert_eq!(t["worker"]["pid"].as_u64(), Some(pid), "not restarted");
    assert_eq!(t["worker"]["status"], "RUNNING");
    assert_eq!(t["worker"]["restarts"], 0);
    assert_eq!(t["status"], "QR_PENDING");
    let health = env.client.get(env.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);

    let (status, body) = env.post("/api/admin/workers/stop-all", json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert!(!alive(pid));
    server.stop().await;
}
