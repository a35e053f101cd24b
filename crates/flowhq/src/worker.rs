//! `flowhq worker --tenant <id>`: one tenant's worker process.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use flowhq_domain::TenantId;
use flowhq_worker::WorkerSettings;

#[derive(Args, Clone, Debug)]
pub struct WorkerArgs {
    /// The tenant this worker serves.
    #[arg(long, env = "FLOWHQ_TENANT_ID")]
    tenant: TenantId,
    /// The control plane's base URL.
    #[arg(
        long,
        env = "FLOWHQ_CONTROL_PLANE_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    control_plane_url: String,
    /// This worker's bearer token (issued by the supervisor).
    #[arg(long, env = "FLOWHQ_WORKER_TOKEN", hide_env_values = true)]
    token: String,
    /// Worker state lives in <data dir>/workers/<tenant id>.
    #[arg(long, env = "FLOWHQ_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// Heartbeat period, e.g. 500ms, 10s.
    #[arg(long, env = "FLOWHQ_HEARTBEAT_INTERVAL", default_value = "10s")]
    heartbeat_interval: String,
}

pub fn run(args: WorkerArgs) -> anyhow::Result<()> {
    crate::malloc::single_arena();
    let heartbeat_interval = humantime::parse_duration(&args.heartbeat_interval)
        .with_context(|| format!("FLOWHQ_HEARTBEAT_INTERVAL {:?}", args.heartbeat_interval))?;
    anyhow::ensure!(
        !heartbeat_interval.is_zero(),
        "FLOWHQ_HEARTBEAT_INTERVAL must be longer than zero"
    );
    let settings = WorkerSettings {
        control_plane_url: args.control_plane_url,
        tenant_id: args.tenant,
        token: args.token,
        data_dir: args.data_dir,
        heartbeat_interval,
    };
    crate::settings::init_tracing(&Default::default());
    // One thread is plenty for one tenant, and keeps the process small.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        flowhq_worker::run(settings, flowhq_server::shutdown_signal())
            .await
            .context("worker failed")
    })
}
