//! The control plane a stress run starts for itself: this same binary's
//! `serve`, on a temporary data dir, with the simulator channel and the
//! local supervisor, so the run exercises real worker processes. The
//! simulated network runs apart (`flowhq sim`) unless asked otherwise, so
//! that the control plane's CPU and memory are its own.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::Context;
use tokio::process::{Child, Command};

use super::procfs;

pub struct OwnControlPlane {
    child: Child,
    pub url: String,
    pub token: String,
    /// The simulated network run apart, and its address.
    sim: Option<(Child, String)>,
    dir: tempfile::TempDir,
}

/// How the run's control plane is set up.
pub struct Launch<'a> {
    pub heartbeat_interval: &'a str,
    pub stale_after: Option<&'a str>,
    pub database_url: Option<&'a str>,
    /// Host the simulated network in the control plane, as before it had
    /// a process of its own (for comparisons).
    pub sim_in_process: bool,
}

impl OwnControlPlane {
    pub async fn start(launch: Launch<'_>) -> anyhow::Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("flowhq-stress-")
            .tempdir()
            .context("creating the run's data dir")?;
        let port = free_port()?;
        let token = hex::encode(rand::random::<[u8; 24]>());
        let exe = std::env::current_exe().context("locating the flowhq binary")?;
        let sim = match launch.sim_in_process {
            true => None,
            false => Some(start_sim(&exe, dir.path(), &token).await?),
        };
        let log = std::fs::File::create(dir.path().join("serve.log"))?;
        let mut command = Command::new(exe);
        command.arg("serve");
        clean_env(&mut command);
        command
            .current_dir(dir.path())
            .env("FLOWHQ_DATA_DIR", dir.path())
            .env("FLOWHQ_LISTEN", format!("127.0.0.1:{port}"))
            .env("FLOWHQ_CHANNEL", "simulator")
            .env("FLOWHQ_SUPERVISOR", "local")
            .env("FLOWHQ_ADMIN_TOKEN", &token)
            .env("FLOWHQ_HEARTBEAT_INTERVAL", launch.heartbeat_interval)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .kill_on_drop(true);
        if let Some(stale_after) = launch.stale_after {
            command.env("FLOWHQ_STALE_AFTER", stale_after);
        }
        if let Some(url) = launch.database_url {
            command.env("FLOWHQ_DATABASE_URL", url);
        }
        if let Some((_, url)) = &sim {
            command.env("FLOWHQ_SIM_URL", url);
        }
        let child = command.spawn().context("starting flowhq serve")?;
        let plane = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
            token,
            sim,
            dir,
        };
        plane.wait_ready().await?;
        Ok(plane)
    }

    async fn wait_ready(&self) -> anyhow::Result<()> {
        let readyz = format!("{}/readyz", self.url);
        answers(
            &readyz,
            "the control plane to become ready",
            Duration::from_secs(60),
        )
        .await
        .with_context(|| format!("see {}", self.log_path().display()))
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// The simulated network's address and pid, when it runs apart.
    pub fn sim(&self) -> Option<(&str, Option<u32>)> {
        self.sim
            .as_ref()
            .map(|(child, url)| (url.as_str(), child.id()))
    }

    pub fn rss_mib(&self) -> Option<f64> {
        self.pid().and_then(procfs::rss_mib)
    }

    pub fn cpu_seconds(&self) -> Option<f64> {
        self.pid().and_then(procfs::cpu_seconds)
    }

    pub fn log_path(&self) -> PathBuf {
        self.dir.path().join("serve.log")
    }

    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    /// Stops the control plane (SIGTERM, then SIGKILL). With `keep` the
    /// data dir stays for a look at the logs; its path is returned.
    pub async fn stop(mut self, keep: bool) -> Option<PathBuf> {
        if let Some(pid) = self.child.id() {
            let _ = procfs::signal(pid, libc::SIGTERM);
        }
        if tokio::time::timeout(Duration::from_secs(15), self.child.wait())
            .await
            .is_err()
        {
            let _ = self.child.kill().await;
        }
        if let Some((mut sim, _)) = self.sim.take() {
            let _ = sim.kill().await;
        }
        keep.then(|| self.dir.keep())
    }
}

/// Nothing of the caller's own configuration leaks into the run.
fn clean_env(command: &mut Command) {
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("FLOWHQ_") {
            command.env_remove(name);
        }
    }
}

/// `flowhq sim` on a free port, its data in `<run dir>/sim`, the run's
/// admin token for its phone-and-customer side.
async fn start_sim(exe: &Path, dir: &Path, token: &str) -> anyhow::Result<(Child, String)> {
    let port = free_port()?;
    let log = std::fs::File::create(dir.join("sim.log"))?;
    let mut command = Command::new(exe);
    command.arg("sim");
    clean_env(&mut command);
    command
        .env("FLOWHQ_SIM_LISTEN", format!("127.0.0.1:{port}"))
        .env("FLOWHQ_DATA_DIR", dir.join("sim"))
        .env("FLOWHQ_SIM_TOKEN", token)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .kill_on_drop(true);
    let child = command.spawn().context("starting flowhq sim")?;
    let url = format!("http://127.0.0.1:{port}");
    let healthz = format!("{url}/healthz");
    answers(
        &healthz,
        "the simulated network to listen",
        Duration::from_secs(30),
    )
    .await?;
    Ok((child, url))
}

/// Waits until a GET of `url` succeeds, for `within` at most.
async fn answers(url: &str, what: &str, within: Duration) -> anyhow::Result<()> {
    let http = reqwest::Client::new();
    super::wait_until(Instant::now() + within, what, || async {
        Ok(http
            .get(url)
            .send()
            .await
            .is_ok_and(|r| r.status().is_success()))
    })
    .await
}

/// A port nobody listens on now. Another process could take it before the
/// control plane binds it; on a test machine that is rare and fails loudly.
fn free_port() -> anyhow::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}
