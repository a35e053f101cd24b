//! `flowhq worker --tenant <id>`: one tenant's worker process.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use flowhq_domain::TenantId;
use flowhq_worker::{ChannelChoice, WorkerSettings};

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
    /// The simulated network run apart (`flowhq sim`); without it, the
    /// control plane's own.
    #[arg(long, env = "FLOWHQ_SIM_URL")]
    sim_url: Option<String>,
    /// This worker's bearer token (issued by the supervisor).
    #[arg(long, env = "FLOWHQ_WORKER_TOKEN", hide_env_values = true)]
    token: String,
    /// Worker state lives in <data dir>/workers/<tenant id>.
    #[arg(long, env = "FLOWHQ_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// Heartbeat period, e.g. 500ms, 10s.
    #[arg(long, env = "FLOWHQ_HEARTBEAT_INTERVAL", default_value = "10s")]
    heartbeat_interval: String,
    /// whatsapp-web or simulator.
    #[arg(long, env = "FLOWHQ_CHANNEL", default_value = "whatsapp-web")]
    channel: String,
    /// The WhatsApp Web websocket to dial (a relay, or a local port in tests).
    #[arg(
        long,
        env = "FLOWHQ_WHATSAPP_URL",
        default_value = flowhq_worker::channel::whatsapp_web::DEFAULT_URL
    )]
    whatsapp_url: String,
    /// Pin the WhatsApp Web version (e.g. 2.3000.1023456789) instead of
    /// fetching the current one from web.whatsapp.com.
    #[arg(long, env = "FLOWHQ_WHATSAPP_VERSION")]
    whatsapp_version: Option<String>,
}

/// `2.3000.1023456789` as the three numbers WhatsApp Web versions are.
fn parse_version(text: &str) -> anyhow::Result<(u32, u32, u32)> {
    let parts: Vec<u32> = text
        .split('.')
        .map(str::parse)
        .collect::<Result<_, _>>()
        .with_context(|| {
            format!("FLOWHQ_WHATSAPP_VERSION {text:?}: use three numbers like 2.3000.1023456789")
        })?;
    match parts[..] {
        [a, b, c] => Ok((a, b, c)),
        _ => anyhow::bail!(
            "FLOWHQ_WHATSAPP_VERSION {text:?}: use three numbers like 2.3000.1023456789"
        ),
    }
}

fn channel(args: &WorkerArgs) -> anyhow::Result<ChannelChoice> {
    match args.channel.as_str() {
        "simulator" => Ok(ChannelChoice::Simulator),
        "whatsapp-web" => Ok(ChannelChoice::WhatsappWeb {
            url: args.whatsapp_url.clone(),
            version: args
                .whatsapp_version
                .as_deref()
                .map(parse_version)
                .transpose()?,
        }),
        other => anyhow::bail!("FLOWHQ_CHANNEL {other:?}: use whatsapp-web or simulator"),
    }
}

pub fn run(args: WorkerArgs) -> anyhow::Result<()> {
    crate::malloc::single_arena();
    let heartbeat_interval = humantime::parse_duration(&args.heartbeat_interval)
        .with_context(|| format!("FLOWHQ_HEARTBEAT_INTERVAL {:?}", args.heartbeat_interval))?;
    anyhow::ensure!(
        !heartbeat_interval.is_zero(),
        "FLOWHQ_HEARTBEAT_INTERVAL must be longer than zero"
    );
    let channel = channel(&args)?;
    let settings = WorkerSettings {
        control_plane_url: args.control_plane_url,
        sim_url: args.sim_url.filter(|url| !url.is_empty()),
        tenant_id: args.tenant,
        token: args.token,
        data_dir: args.data_dir,
        heartbeat_interval,
        channel,
    };
    crate::settings::init_tracing(crate::settings::LogFormat::from_env());
    // The outbox and the WhatsApp credentials: private, even in a state
    // dir an older version made.
    let state_dir = settings.state_dir();
    flowhq_server::security::files::create_private_dir(&state_dir)
        .and_then(|()| flowhq_server::security::files::tighten(&state_dir))
        .with_context(|| format!("restricting {}", state_dir.display()))?;
    // One thread is plenty for one tenant, and keeps the process small.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        tokio::spawn(crate::working_set::trim_periodically());
        flowhq_worker::run(settings, flowhq_server::shutdown_signal())
            .await
            .context("worker failed")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_three_numbers() {
        assert_eq!(
            parse_version("2.3000.1023456789").unwrap(),
            (2, 3000, 1_023_456_789)
        );
        assert!(parse_version("2.3000").is_err());
        assert!(parse_version("2.x.1").is_err());
    }
}
