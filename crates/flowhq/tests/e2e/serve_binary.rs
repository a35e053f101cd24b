//! The real `flowhq serve` process, with a whatsapp-web worker that has no
//! route to WhatsApp: the fresh data dir it makes is private (0700 folders;
//! 0600 database, worker outbox, WhatsApp credentials and logs), and
//! SIGTERM under load answers every request it took, with no internal
//! error in its log, and exits cleanly.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use super::*;

use super::pairing::approved_with_worker;

flowhq_store::backend_tests!(run: a_served_data_dir_is_private_and_sigterm_is_clean);

/// Every folder under `dir` is 0700 and every file 0600; returns the files,
/// relative to `dir`.
fn assert_private(dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(path) = pending.pop() {
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue; // gone meanwhile (SQLite's -shm, say)
        };
        let mode = meta.permissions().mode() & 0o777;
        if meta.is_dir() {
            assert_eq!(mode, 0o700, "{}: {mode:o}", path.display());
            pending.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else {
            assert_eq!(mode, 0o600, "{}: {mode:o}", path.display());
            files.push(path.strip_prefix(dir).unwrap().display().to_string());
        }
    }
    files.sort();
    files
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

async fn a_served_data_dir_is_private_and_sigterm_is_clean(mut env: Env) {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let whatsapp = format!("ws://{}/ws/chat", closed.local_addr().unwrap());
    drop(closed);
    let port = free_port();
    let log_path = env.data_dir.with_file_name("serve.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let sqlite = env.db_url.starts_with("sqlite:");
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_flowhq"));
    command.arg("serve");
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("FLOWHQ_") {
            command.env_remove(name);
        }
    }
    command
        .env("FLOWHQ_DATA_DIR", &env.data_dir)
        .env("FLOWHQ_LISTEN", format!("127.0.0.1:{port}"))
        .env("FLOWHQ_ADMIN_TOKEN", ADMIN_TOKEN)
        .env("FLOWHQ_HEARTBEAT_INTERVAL", "300ms")
        .env("FLOWHQ_WHATSAPP_URL", &whatsapp)
        .env("FLOWHQ_WHATSAPP_VERSION", "2.3000.1000000000")
        .stdin(std::process::Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .kill_on_drop(true);
    if !sqlite {
        command.env("FLOWHQ_DATABASE_URL", &env.db_url);
    }
    let mut serve = command.spawn().unwrap();
    env.port = port;
    eventually("serve ready", Duration::from_secs(20), || async {
        let r = env.client.get(env.url("/readyz")).send().await.ok()?;
        r.status().is_success().then_some(())
    })
    .await;
    if sqlite {
        // The binary's own database, in its data dir.
        env.store = Store::connect(&flowhq_server::config::default_database_url(&env.data_dir))
            .await
            .unwrap();
    }

    let id = approved_with_worker(&env, "Private Cafe", "+5511912340003").await;
    let worker_dir = env.data_dir.join("workers").join(id.to_string());
    eventually("the worker's stores", Duration::from_secs(20), || async {
        (worker_dir.join("outbox.db").exists() && worker_dir.join("whatsapp.db").exists())
            .then_some(())
    })
    .await;
    let files = assert_private(&env.data_dir);
    let expect = |name: String| assert!(files.contains(&name), "{name} in {files:?}");
    expect(format!("workers/{id}/outbox.db"));
    expect(format!("workers/{id}/whatsapp.db"));
    expect(format!("logs/flowhq-worker-{id}.log"));
    if sqlite {
        expect("flowhq.db".into());
        expect("flowhq.db-wal".into());
    }
    let (status, body) = env.post("/api/admin/workers/stop-all", json!({})).await;
    assert_eq!(status, 200, "{body}");

    // Requests keep coming while SIGTERM arrives.
    let load: Vec<_> = (0..6)
        .map(|i| {
            let client = Client::new();
            let url = env.url(&format!("/api/admin/tenants/{id}"));
            let preview = env.url(&format!("/api/admin/tenants/{id}/bot/preview"));
            tokio::spawn(async move {
                let mut statuses = Vec::new();
                loop {
                    let request = if i % 2 == 0 {
                        client.get(&url)
                    } else {
                        client.post(&preview).json(&json!({"text": "menu"}))
                    };
                    match request.bearer_auth(ADMIN_TOKEN).send().await {
                        Ok(response) => statuses.push(response.status().as_u16()),
                        // Refused or reset: the server is gone.
                        Err(_) => return statuses,
                    }
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    signal(u64::from(serve.id().unwrap()), libc::SIGTERM);
    let exit = tokio::time::timeout(Duration::from_secs(40), serve.wait())
        .await
        .expect("serve stopped")
        .unwrap();
    let mut answered = 0;
    for task in load {
        let statuses = task.await.unwrap();
        assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
        answered += statuses.len();
    }
    assert!(answered > 6, "the load ran: {answered}");
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(exit.success(), "{exit}: {log}");
    for bad in ["closed pool", "internal error", "panicked"] {
        assert!(!log.contains(bad), "{bad} in the log:\n{log}");
    }
    assert_private(&env.data_dir);
}
