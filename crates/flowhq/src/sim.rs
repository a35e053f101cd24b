//! `flowhq sim`: the simulated WhatsApp network on its own, so that a load
//! test measures the control plane apart from the network it talks to.
//! Workers find it by `FLOWHQ_SIM_URL`; the control plane, given the same
//! variable, hosts no network of its own.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;

#[derive(Args, Clone, Debug)]
pub struct SimArgs {
    /// The address to serve on (port 0: any free port; the address is
    /// printed on stdout once it listens).
    #[arg(long, env = "FLOWHQ_SIM_LISTEN", default_value = "127.0.0.1:8090")]
    listen: SocketAddr,
    /// The network's state lives in <data dir>/sim.db.
    #[arg(long, env = "FLOWHQ_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// A bearer token the phone-and-customer side (`/api/sim/…`) asks for.
    #[arg(long, env = "FLOWHQ_SIM_TOKEN", hide_env_values = true)]
    token: Option<String>,
}

pub async fn run(args: SimArgs) -> anyhow::Result<()> {
    flowhq_server::security::files::create_private_dir(&args.data_dir)
        .with_context(|| format!("creating {}", args.data_dir.display()))?;
    let path = args.data_dir.join("sim.db");
    let network = Arc::new(
        flowhq_sim::Network::open(&path)
            .with_context(|| format!("opening the simulated network {}", path.display()))?,
    );
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("binding {}", args.listen))?;
    let address = listener.local_addr()?;
    // The one line on stdout: what a script (or `flowhq stress`) waits for.
    println!("http://{address}");
    tracing::info!(%address, file = %path.display(), "simulated network listening");
    let router = flowhq_sim::http::router(network.clone(), args.token);
    let closing = network.clone();
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            flowhq_server::shutdown_signal().await;
            // Long polls end now rather than hold the stop.
            closing.close();
        })
        .await?;
    Ok(())
}
