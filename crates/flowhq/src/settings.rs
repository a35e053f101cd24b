//! Resolving settings: a flag beats its environment variable, which beats
//! `flowhq.toml`, which beats the default (API.md).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Args;
use flowhq_server::auth::Secret;
use flowhq_server::config::{ChannelKind, Settings, SupervisorMode, default_database_url};

#[derive(Args, Clone, Debug, Default)]
pub struct ServeArgs {
    /// A TOML file with the same keys as the flags (listen, data_dir, …).
    #[arg(long, env = "FLOWHQ_CONFIG")]
    config: Option<PathBuf>,
    /// HTTP address [default: 127.0.0.1:8080]
    #[arg(long, env = "FLOWHQ_LISTEN")]
    listen: Option<String>,
    /// Database file, worker logs, worker state [default: ./data]
    #[arg(long, env = "FLOWHQ_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// sqlite://… or postgres://… [default: sqlite://<data dir>/flowhq.db]
    #[arg(long, env = "FLOWHQ_DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    /// whatsapp-web or simulator [default: whatsapp-web]
    #[arg(long, env = "FLOWHQ_CHANNEL")]
    channel: Option<String>,
    /// local or external [default: local]
    #[arg(long, env = "FLOWHQ_SUPERVISOR")]
    supervisor: Option<String>,
    /// Worker heartbeat period, e.g. 500ms, 10s [default: 10s]
    #[arg(long, env = "FLOWHQ_HEARTBEAT_INTERVAL")]
    heartbeat_interval: Option<String>,
    /// Heartbeat age that marks a worker stale [default: 3 × interval]
    #[arg(long, env = "FLOWHQ_STALE_AFTER")]
    stale_after: Option<String>,
    /// A bearer token accepted on the admin API.
    #[arg(long, env = "FLOWHQ_ADMIN_TOKEN", hide_env_values = true)]
    admin_token: Option<String>,
    /// Bootstrap admin email (with --admin-password).
    #[arg(long, env = "FLOWHQ_ADMIN_EMAIL")]
    admin_email: Option<String>,
    /// Bootstrap admin password (with --admin-email).
    #[arg(long, env = "FLOWHQ_ADMIN_PASSWORD", hide_env_values = true)]
    admin_password: Option<String>,
    /// Enables the trusted-header portal mode for an external frontend.
    #[arg(long, env = "FLOWHQ_PORTAL_INTERNAL_KEY", hide_env_values = true)]
    portal_internal_key: Option<String>,
    /// smtp://user:pass@host:port (STARTTLS with ?tls=required) or
    /// smtps://…; without it, mails are written to <data dir>/mail/.
    #[arg(long, env = "FLOWHQ_SMTP_URL", hide_env_values = true)]
    smtp_url: Option<String>,
    /// The mails' sender [default: Flow HQ <flowhq@localhost>]
    #[arg(long, env = "FLOWHQ_MAIL_FROM")]
    mail_from: Option<String>,
    /// The address people open Flow HQ at, for links in mails
    /// [default: http://<listen address>]
    #[arg(long, env = "FLOWHQ_PUBLIC_URL")]
    public_url: Option<String>,
    /// The control-plane address workers dial, e.g. a load balancer in
    /// front of replicas [default: http://<listen address>]
    #[arg(long, env = "FLOWHQ_ADVERTISE_URL")]
    advertise_url: Option<String>,
    /// A simulated network run apart (`flowhq sim`) for the workers,
    /// instead of this control plane's own (with FLOWHQ_CHANNEL=simulator)
    #[arg(long, env = "FLOWHQ_SIM_URL")]
    sim_url: Option<String>,
    /// text or json [default: text]
    #[arg(long, env = "FLOWHQ_LOG_FORMAT")]
    log_format: Option<String>,
    /// The most HTTP connections open at once [default: 4096]
    #[arg(long, env = "FLOWHQ_MAX_CONNECTIONS")]
    max_connections: Option<String>,
}

const KEYS: &[&str] = &[
    "listen",
    "data_dir",
    "database_url",
    "channel",
    "supervisor",
    "heartbeat_interval",
    "stale_after",
    "admin_token",
    "admin_email",
    "admin_password",
    "portal_internal_key",
    "smtp_url",
    "mail_from",
    "public_url",
    "advertise_url",
    "sim_url",
    "log_format",
    "max_connections",
];

impl ServeArgs {
    /// Fills what flags and environment left unset from `flowhq.toml` (the
    /// `--config` file, or `./flowhq.toml` when it exists).
    fn with_file(&self) -> anyhow::Result<ServeArgs> {
        let path = match &self.config {
            Some(path) => Some(path.clone()),
            None => Some(PathBuf::from("flowhq.toml")).filter(|p| p.exists()),
        };
        let Some(path) = path else {
            return Ok(self.clone());
        };
        let file = read_toml(&path)?;
        let pick = |current: &Option<String>, key: &str| {
            current.clone().or_else(|| file.get(key).cloned())
        };
        Ok(ServeArgs {
            config: self.config.clone(),
            listen: pick(&self.listen, "listen"),
            data_dir: self
                .data_dir
                .clone()
                .or_else(|| file.get("data_dir").map(PathBuf::from)),
            database_url: pick(&self.database_url, "database_url"),
            channel: pick(&self.channel, "channel"),
            supervisor: pick(&self.supervisor, "supervisor"),
            heartbeat_interval: pick(&self.heartbeat_interval, "heartbeat_interval"),
            stale_after: pick(&self.stale_after, "stale_after"),
            admin_token: pick(&self.admin_token, "admin_token"),
            admin_email: pick(&self.admin_email, "admin_email"),
            admin_password: pick(&self.admin_password, "admin_password"),
            portal_internal_key: pick(&self.portal_internal_key, "portal_internal_key"),
            smtp_url: pick(&self.smtp_url, "smtp_url"),
            mail_from: pick(&self.mail_from, "mail_from"),
            public_url: pick(&self.public_url, "public_url"),
            advertise_url: pick(&self.advertise_url, "advertise_url"),
            sim_url: pick(&self.sim_url, "sim_url"),
            log_format: pick(&self.log_format, "log_format"),
            max_connections: pick(&self.max_connections, "max_connections"),
        })
    }

    pub fn resolve(&self) -> anyhow::Result<Settings> {
        let args = self.with_file()?;
        let data_dir = args
            .data_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from("data"));
        let mut settings = Settings::with_data_dir(data_dir.clone());
        if let Some(listen) = &args.listen {
            settings.listen = listen.parse::<SocketAddr>().with_context(|| {
                format!("FLOWHQ_LISTEN {listen:?} is not an address like 127.0.0.1:8080")
            })?;
        }
        settings.database_url = args
            .database_url
            .clone()
            .unwrap_or_else(|| default_database_url(&data_dir));
        if let Some(channel) = &args.channel {
            settings.channel = ChannelKind::parse(channel).with_context(|| {
                format!("FLOWHQ_CHANNEL {channel:?}: use whatsapp-web or simulator")
            })?;
        }
        if let Some(mode) = &args.supervisor {
            settings.supervisor = SupervisorMode::parse(mode)
                .with_context(|| format!("FLOWHQ_SUPERVISOR {mode:?}: use local or external"))?;
        }
        if let Some(interval) = &args.heartbeat_interval {
            settings.heartbeat_interval = duration("FLOWHQ_HEARTBEAT_INTERVAL", interval)?;
        }
        settings.stale_after = match &args.stale_after {
            Some(after) => duration("FLOWHQ_STALE_AFTER", after)?,
            None => settings.heartbeat_interval * 3,
        };
        if settings.stale_after <= settings.heartbeat_interval {
            bail!("FLOWHQ_STALE_AFTER must be longer than FLOWHQ_HEARTBEAT_INTERVAL");
        }
        settings.admin_token = args
            .admin_token
            .clone()
            .filter(|t| !t.is_empty())
            .map(Secret::new);
        if settings
            .admin_token
            .as_ref()
            .is_some_and(|t| t.expose().len() < 16)
        {
            bail!("FLOWHQ_ADMIN_TOKEN must have at least 16 characters");
        }
        settings.admin_email = args.admin_email.clone().filter(|e| !e.is_empty());
        settings.admin_password = args
            .admin_password
            .clone()
            .filter(|p| !p.is_empty())
            .map(Secret::new);
        settings.portal_internal_key = args
            .portal_internal_key
            .clone()
            .filter(|k| !k.is_empty())
            .map(Secret::new);
        settings.smtp_url = args
            .smtp_url
            .clone()
            .filter(|u| !u.is_empty())
            .map(Secret::new);
        if let Some(url) = &settings.smtp_url
            && !(url.expose().starts_with("smtp://") || url.expose().starts_with("smtps://"))
        {
            bail!("FLOWHQ_SMTP_URL must start with smtp:// or smtps://");
        }
        if let Some(from) = args.mail_from.clone().filter(|f| !f.is_empty()) {
            settings.mail_from = from;
        }
        settings.public_url = args
            .public_url
            .clone()
            .filter(|u| !u.is_empty())
            .map(|u| u.trim_end_matches('/').to_owned());
        if let Some(url) = &settings.public_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            bail!("FLOWHQ_PUBLIC_URL {url:?} must start with http:// or https://");
        }
        settings.advertise_url = args
            .advertise_url
            .clone()
            .filter(|u| !u.is_empty())
            .map(|u| u.trim_end_matches('/').to_owned());
        if let Some(url) = &settings.advertise_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            bail!("FLOWHQ_ADVERTISE_URL {url:?} must start with http:// or https://");
        }
        settings.sim_url = args
            .sim_url
            .clone()
            .filter(|u| !u.is_empty())
            .map(|u| u.trim_end_matches('/').to_owned());
        if let Some(max) = &args.max_connections {
            settings.connections.max_connections =
                max.parse().ok().filter(|&n| n > 0).with_context(|| {
                    format!("FLOWHQ_MAX_CONNECTIONS {max:?} is not a count above zero")
                })?;
        }
        if let Some(format) = args
            .log_format
            .as_deref()
            .filter(|f| !matches!(*f, "json" | "text"))
        {
            bail!("FLOWHQ_LOG_FORMAT {format:?}: use text or json");
        }
        Ok(settings)
    }
}

fn duration(name: &str, value: &str) -> anyhow::Result<Duration> {
    let parsed = humantime::parse_duration(value)
        .with_context(|| format!("{name} {value:?} is not a duration like 500ms or 10s"))?;
    if parsed.is_zero() {
        bail!("{name} must be longer than zero");
    }
    Ok(parsed)
}

fn read_toml(path: &Path) -> anyhow::Result<BTreeMap<String, String>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let table: toml::Table = text
        .parse()
        .with_context(|| format!("parsing {}", path.display()))?;
    let mut values = BTreeMap::new();
    for (key, value) in table {
        if !KEYS.contains(&key.as_str()) {
            bail!(
                "{}: unknown key {key:?}; known keys: {}",
                path.display(),
                KEYS.join(", ")
            );
        }
        let value = match value {
            toml::Value::String(s) => s,
            other => other.to_string(),
        };
        values.insert(key, value);
    }
    Ok(values)
}

/// Logs to stderr, as text or JSON (`FLOWHQ_LOG_FORMAT=json`); `RUST_LOG`
/// filters, `info` by default.
pub fn init_tracing(args: &ServeArgs) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        // `Client/PairCode` is whatsapp-rust's pairing log, which prints
        // the pairing code (a secret that links the number) at info.
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn,Client/PairCode=warn"));
    let json = args.log_format.as_deref() == Some("json")
        || std::env::var("FLOWHQ_LOG_FORMAT").is_ok_and(|f| f == "json");
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}
