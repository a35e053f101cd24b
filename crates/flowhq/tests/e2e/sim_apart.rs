//! The simulated network run alone (`flowhq sim`): the control plane,
//! given `FLOWHQ_SIM_URL`, hosts none of its own and keeps no simulator
//! state; its workers link, receive and answer through the other process.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use super::pairing::approved_with_worker;
use super::*;

pub struct SimProcess {
    child: Child,
    pub url: String,
}

impl SimProcess {
    /// The process id, to stop and continue it.
    pub fn pid(&self) -> u64 {
        u64::from(self.child.id())
    }
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start_sim(data_dir: &std::path::Path) -> SimProcess {
    let mut child = Command::new(env!("CARGO_BIN_EXE_flowhq"))
        .args(["sim", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting flowhq sim");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .expect("flowhq sim prints its address");
    SimProcess {
        child,
        url: line.trim().to_owned(),
    }
}

flowhq_store::backend_tests!(run: a_network_run_apart_serves_the_workers);

async fn a_network_run_apart_serves_the_workers(mut env: Env) {
    let sim_dir = env.data_dir.with_file_name("sim");
    let sim = start_sim(&sim_dir);
    let mut settings = settings(&env.db_url, env.data_dir.clone(), 0);
    settings.sim_url = Some(sim.url.clone());
    let (server, port) = start_with(settings).await;
    env.port = port;
    let network = |path: &str| format!("{}{path}", sim.url);

    // The control plane mounts no network of its own.
    let id = approved_with_worker(&env, "Casa Pepe", "+34910000001").await;
    let r = env
        .admin(Method::GET, &format!("/api/sim/tenants/{id}/outbox"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    // The worker shows the other process's QR code; the phone scans it there.
    super::pairing::scan_until_active(&env, id, &sim.url).await;

    // A customer writes on that network: answered there, logged here.
    let r = env
        .client
        .post(network(&format!("/api/sim/tenants/{id}/inbound")))
        .json(&json!({ "from": "+34600000001", "text": "hello" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let outbox = eventually("the reply", Duration::from_secs(10), || async {
        let page: Value = env
            .client
            .get(network(&format!("/api/sim/tenants/{id}/outbox")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let items = page["items"].as_array().unwrap().clone();
        (!items.is_empty()).then_some(items)
    })
    .await;
    assert!(outbox[0]["text"].as_str().unwrap().contains("Casa Pepe"));
    eventually("both logged", Duration::from_secs(10), || async {
        (env.messages(id).await.len() == 2).then_some(())
    })
    .await;
    assert!(sim_dir.join("sim.db").exists());
    assert!(
        !env.data_dir.join("sim.db").exists(),
        "the control plane keeps no network of its own"
    );
    // Workers outlive their control plane by design: stop them on purpose.
    let (status, _) = env.post("/api/admin/workers/stop-all", json!({})).await;
    assert_eq!(status, 200);
    server.stop().await;
}
