//! Resolving settings: a flag beats its environment variable, which beats
//! `flowhq.toml`, which beats the default (README, "Settings"). figment
//! merges the four layers into one [`Config`]; the checks serde cannot
//! express follow in [`Config::into_settings`].

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::bail;
use clap::Args;
use figment::providers::{Format, Serialized, Toml};
use figment::value::{Dict, Map};
use figment::{Figment, Metadata, Profile, Provider};
use flowhq_server::auth::Secret;
use flowhq_server::config::{ChannelKind, Settings, SupervisorMode, default_database_url};
use serde::{Deserialize, Serialize};

/// The flags of `flowhq serve` (and `flowhq admin create`). Each has an
/// environment variable, `FLOWHQ_` and its name in capitals, and a key of
/// `flowhq.toml`, its name with underscores.
#[derive(Args, Clone, Debug, Default, Serialize)]
pub struct ServeArgs {
    /// A TOML file with the same keys as the flags (listen, data_dir, …)
    /// [env: FLOWHQ_CONFIG] [default: ./flowhq.toml when it exists]
    #[arg(long, env = "FLOWHQ_CONFIG")]
    #[serde(skip)]
    config: Option<PathBuf>,
    /// HTTP address [env: FLOWHQ_LISTEN] [default: 127.0.0.1:8080]
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    listen: Option<String>,
    /// Database file, worker logs, worker state [env: FLOWHQ_DATA_DIR]
    /// [default: ./data]
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    data_dir: Option<PathBuf>,
    /// sqlite://… or postgres://… [env: FLOWHQ_DATABASE_URL]
    /// [default: sqlite://<data dir>/flowhq.db]
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    database_url: Option<String>,
    /// whatsapp-web or simulator [env: FLOWHQ_CHANNEL] [default: whatsapp-web]
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    channel: Option<String>,
    /// local or external [env: FLOWHQ_SUPERVISOR] [default: local]
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    supervisor: Option<String>,
    /// Worker heartbeat period, e.g. 500ms, 10s [env: FLOWHQ_HEARTBEAT_INTERVAL]
    /// [default: 10s]
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    heartbeat_interval: Option<String>,
    /// Heartbeat age that marks a worker stale [env: FLOWHQ_STALE_AFTER]
    /// [default: 3 × interval]
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    stale_after: Option<String>,
    /// A bearer token accepted on the admin API [env: FLOWHQ_ADMIN_TOKEN]
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    admin_token: Option<String>,
    /// Bootstrap admin email, with --admin-password [env: FLOWHQ_ADMIN_EMAIL]
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    admin_email: Option<String>,
    /// Bootstrap admin password, with --admin-email [env: FLOWHQ_ADMIN_PASSWORD]
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    admin_password: Option<String>,
    /// Enables the trusted-header portal mode for an external frontend
    /// [env: FLOWHQ_PORTAL_INTERNAL_KEY]
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    portal_internal_key: Option<String>,
    /// smtp://user:pass@host:port (STARTTLS with ?tls=required) or
    /// smtps://…; without it, mails are written to <data dir>/mail/
    /// [env: FLOWHQ_SMTP_URL]
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    smtp_url: Option<String>,
    /// The mails' sender [env: FLOWHQ_MAIL_FROM]
    /// [default: Flow HQ <flowhq@localhost>]
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    mail_from: Option<String>,
    /// The address people open Flow HQ at, for links in mails
    /// [env: FLOWHQ_PUBLIC_URL] [default: http://<listen address>]
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    public_url: Option<String>,
    /// The control-plane address workers dial, e.g. a load balancer in
    /// front of replicas [env: FLOWHQ_ADVERTISE_URL]
    /// [default: http://<listen address>]
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    advertise_url: Option<String>,
    /// A simulated network run apart (`flowhq sim`) for the workers,
    /// instead of this control plane's own (with FLOWHQ_CHANNEL=simulator)
    /// [env: FLOWHQ_SIM_URL]
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    sim_url: Option<String>,
    /// text or json [env: FLOWHQ_LOG_FORMAT] [default: text]
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    log_format: Option<String>,
    /// The most HTTP connections open at once [env: FLOWHQ_MAX_CONNECTIONS]
    /// [default: 4096]
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    max_connections: Option<String>,
    /// The room each business's files (menu attachments, media) may take,
    /// in MiB [env: FLOWHQ_MEDIA_QUOTA_MIB] [default: 1024]
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    media_quota_mib: Option<String>,
    /// Let webhooks go to private, loopback and link-local addresses
    /// [env: FLOWHQ_WEBHOOK_ALLOW_PRIVATE] [default: false]
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    webhook_allow_private: Option<String>,
    /// The waits between a webhook's attempts, e.g. "1s,1s,1s"; its length
    /// is the number of retries [env: FLOWHQ_WEBHOOK_RETRY_SCHEDULE]
    /// [default: about three days]
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    webhook_retry_schedule: Option<String>,
    /// The shortest silence (in opening time) that raises a silent-session
    /// alert [env: FLOWHQ_SILENT_MIN] [default: 2h]
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    silent_min: Option<String>,
    /// How many times its usual gap a business may stay silent
    /// [env: FLOWHQ_SILENT_FACTOR] [default: 2]
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    silent_factor: Option<String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// Every setting, merged from the layers. Unknown keys are refused, so a
/// misspelt key in `flowhq.toml` is an error rather than a silent default.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    pub channel: ChannelKind,
    pub supervisor: SupervisorMode,
    #[serde(with = "humantime_serde")]
    pub heartbeat_interval: Duration,
    /// `None`: three heartbeat intervals.
    #[serde(default, with = "humantime_serde")]
    pub stale_after: Option<Duration>,
    pub admin_token: Option<String>,
    pub admin_email: Option<String>,
    pub admin_password: Option<String>,
    pub portal_internal_key: Option<String>,
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub public_url: Option<String>,
    pub advertise_url: Option<String>,
    pub sim_url: Option<String>,
    pub log_format: LogFormat,
    pub max_connections: usize,
    pub media_quota_mib: u64,
    pub webhook_allow_private: bool,
    /// A humantime list; `None`: the default schedule.
    pub webhook_retry_schedule: Option<String>,
    #[serde(with = "humantime_serde")]
    pub silent_min: Duration,
    pub silent_factor: f64,
}

impl Default for Config {
    fn default() -> Self {
        let defaults = Settings::with_data_dir(PathBuf::from("data"));
        Self {
            listen: defaults.listen,
            data_dir: defaults.data_dir,
            database_url: None,
            channel: defaults.channel,
            supervisor: defaults.supervisor,
            heartbeat_interval: defaults.heartbeat_interval,
            stale_after: None,
            admin_token: None,
            admin_email: None,
            admin_password: None,
            portal_internal_key: None,
            smtp_url: None,
            mail_from: defaults.mail_from,
            public_url: None,
            advertise_url: None,
            sim_url: None,
            log_format: LogFormat::Text,
            max_connections: defaults.connections.max_connections,
            media_quota_mib: defaults.media_quota / (1024 * 1024),
            webhook_allow_private: defaults.webhook_allow_private,
            webhook_retry_schedule: None,
            silent_min: defaults.silent_min,
            silent_factor: defaults.silent_factor,
        }
    }
}

/// The keys of [`Config`]: what `flowhq.toml` and the `FLOWHQ_*` variables
/// may set.
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
    "media_quota_mib",
    "webhook_allow_private",
    "webhook_retry_schedule",
    "silent_min",
    "silent_factor",
];

/// A layer of plain strings, named for error messages: the environment
/// (`FLOWHQ_LISTEN`) or the flags (`--listen`). figment's own `Env`
/// provider parses values as TOML-ish data, which would read a password
/// such as `[x]` as an array; these stay strings, and numbers are read
/// from them when extracting (`extract_lossy`).
struct Strings {
    name: &'static str,
    values: Dict,
    key_name: fn(&str) -> String,
}

impl Provider for Strings {
    fn metadata(&self) -> Metadata {
        let key_name = self.key_name;
        Metadata::named(self.name).interpolater(move |_, keys| key_name(&keys.join("_")))
    }

    fn data(&self) -> figment::Result<Map<Profile, Dict>> {
        Ok(Profile::Default.collect(self.values.clone()))
    }
}

/// `FLOWHQ_<KEY>` variables of `vars` for the known keys; empty ones count
/// as unset.
fn environment(vars: impl IntoIterator<Item = (String, String)>) -> Strings {
    let values = vars
        .into_iter()
        .filter_map(|(name, value)| {
            let key = name.strip_prefix("FLOWHQ_")?.to_ascii_lowercase();
            (KEYS.contains(&key.as_str()) && !value.is_empty()).then(|| (key, value.into()))
        })
        .collect::<BTreeMap<_, _>>();
    Strings {
        name: "environment variable",
        values: values.into_iter().collect(),
        key_name: |key| format!("FLOWHQ_{}", key.to_ascii_uppercase()),
    }
}

impl ServeArgs {
    /// Merges the defaults, `flowhq.toml` (the `--config` file, or
    /// `./flowhq.toml` when it exists), the environment `vars` and the flags.
    fn load(&self, vars: impl IntoIterator<Item = (String, String)>) -> anyhow::Result<Config> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        let file = match &self.config {
            Some(path) if !path.exists() => bail!("{}: no such file", path.display()),
            Some(path) => Some(path.clone()),
            None => Some(PathBuf::from("flowhq.toml")).filter(|p| p.exists()),
        };
        if let Some(path) = file {
            figment = figment.merge(Toml::file_exact(path));
        }
        let flags = Strings {
            name: "command-line flag",
            values: Serialized::defaults(self)
                .data()?
                .remove(&Profile::Default)
                .unwrap_or_default()
                .into_iter()
                .filter(|(_, value)| value.as_str() != Some(""))
                .collect(),
            key_name: |key| format!("--{}", key.replace('_', "-")),
        };
        let config: Config = figment
            .merge(environment(vars))
            .merge(flags)
            .extract_lossy()
            .map_err(|e| {
                anyhow::anyhow!(
                    "{}",
                    e.into_iter()
                        .map(|e| e.to_string())
                        .collect::<Vec<_>>()
                        .join("; ")
                )
            })?;
        Ok(config)
    }

    /// The settings from flags, this process's environment and the file.
    pub fn resolve(&self) -> anyhow::Result<(Settings, LogFormat)> {
        // `vars()` would panic on any variable that is not UTF-8, ours or not.
        let vars = std::env::vars_os().filter_map(|(name, value)| {
            Some((name.into_string().ok()?, value.into_string().ok()?))
        });
        let config = self.load(vars)?;
        let format = config.log_format;
        Ok((config.into_settings()?, format))
    }
}

/// A setting given as an empty string is unset; URLs lose a trailing slash.
fn given(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}

fn url(name: &str, value: Option<String>) -> anyhow::Result<Option<String>> {
    let Some(url) = given(value).map(|u| u.trim_end_matches('/').to_owned()) else {
        return Ok(None);
    };
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        bail!("{name} {url:?} must start with http:// or https://");
    }
    Ok(Some(url))
}

impl Config {
    /// The control plane's settings, with the rules between values checked.
    pub fn into_settings(self) -> anyhow::Result<Settings> {
        let mut settings = Settings::with_data_dir(self.data_dir.clone());
        settings.listen = self.listen;
        settings.database_url =
            given(self.database_url).unwrap_or_else(|| default_database_url(&self.data_dir));
        settings.channel = self.channel;
        settings.supervisor = self.supervisor;
        if self.heartbeat_interval.is_zero() {
            bail!("FLOWHQ_HEARTBEAT_INTERVAL must be longer than zero");
        }
        settings.heartbeat_interval = self.heartbeat_interval;
        settings.stale_after = self.stale_after.unwrap_or(self.heartbeat_interval * 3);
        if settings.stale_after <= settings.heartbeat_interval {
            bail!("FLOWHQ_STALE_AFTER must be longer than FLOWHQ_HEARTBEAT_INTERVAL");
        }
        settings.admin_token = given(self.admin_token).map(Secret::new);
        if settings
            .admin_token
            .as_ref()
            .is_some_and(|t| t.expose().len() < 16)
        {
            bail!("FLOWHQ_ADMIN_TOKEN must have at least 16 characters");
        }
        settings.admin_email = given(self.admin_email);
        settings.admin_password = given(self.admin_password).map(Secret::new);
        settings.portal_internal_key = given(self.portal_internal_key).map(Secret::new);
        settings.smtp_url = given(self.smtp_url).map(Secret::new);
        if let Some(url) = &settings.smtp_url
            && !(url.expose().starts_with("smtp://") || url.expose().starts_with("smtps://"))
        {
            bail!("FLOWHQ_SMTP_URL must start with smtp:// or smtps://");
        }
        if !self.mail_from.is_empty() {
            settings.mail_from = self.mail_from;
        }
        settings.public_url = url("FLOWHQ_PUBLIC_URL", self.public_url)?;
        settings.advertise_url = url("FLOWHQ_ADVERTISE_URL", self.advertise_url)?;
        settings.sim_url = given(self.sim_url).map(|u| u.trim_end_matches('/').to_owned());
        if self.max_connections == 0 {
            bail!("FLOWHQ_MAX_CONNECTIONS must be above zero");
        }
        settings.connections.max_connections = self.max_connections;
        if self.media_quota_mib == 0 {
            bail!("FLOWHQ_MEDIA_QUOTA_MIB must be above zero");
        }
        settings.media_quota = self.media_quota_mib.saturating_mul(1024 * 1024);
        settings.webhook_allow_private = self.webhook_allow_private;
        if let Some(list) = given(self.webhook_retry_schedule) {
            settings.webhook_retry_schedule = retry_schedule(&list)?;
        }
        if self.silent_min.is_zero() {
            bail!("FLOWHQ_SILENT_MIN must be longer than zero");
        }
        settings.silent_min = self.silent_min;
        if !(self.silent_factor >= 1.0 && self.silent_factor.is_finite()) {
            bail!("FLOWHQ_SILENT_FACTOR must be a number of at least 1");
        }
        settings.silent_factor = self.silent_factor;
        Ok(settings)
    }
}

/// `1s,30s,5m`: the waits between attempts, each at least a second.
fn retry_schedule(list: &str) -> anyhow::Result<Vec<Duration>> {
    list.split(',')
        .map(|wait| {
            let wait = wait.trim();
            match humantime::parse_duration(wait) {
                Ok(d) if d >= Duration::from_secs(1) => Ok(d),
                _ => bail!(
                    "FLOWHQ_WEBHOOK_RETRY_SCHEDULE: {wait:?} is not a wait of at least 1s \
                     (write e.g. 1s,30s,5m)"
                ),
            }
        })
        .collect()
}

impl LogFormat {
    /// For commands without settings of their own (`flowhq sim`, `flowhq
    /// admin`): `FLOWHQ_LOG_FORMAT` alone.
    pub fn from_env() -> Self {
        match std::env::var("FLOWHQ_LOG_FORMAT").as_deref() {
            Ok("json") => Self::Json,
            _ => Self::Text,
        }
    }
}

/// Logs to stderr, as text or JSON (`FLOWHQ_LOG_FORMAT=json`); `RUST_LOG`
/// filters, `info` by default.
pub fn init_tracing(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        // `Client/PairCode` is whatsapp-rust's pairing log, which prints
        // the pairing code (a secret that links the number) at info.
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn,Client/PairCode=warn"));
    use std::io::IsTerminal;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal: a worker's log is a
        // file the console shows, where they would read as `␛[2m`.
        .with_ansi(std::io::stderr().is_terminal());
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    /// A `flowhq.toml` named by `--config`.
    fn with_file(text: &str) -> (tempfile::TempDir, ServeArgs) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("flowhq.toml");
        std::fs::write(&path, text).unwrap();
        let args = ServeArgs {
            config: Some(path),
            ..ServeArgs::default()
        };
        (dir, args)
    }

    fn error(result: anyhow::Result<impl std::fmt::Debug>) -> String {
        format!("{:#}", result.unwrap_err())
    }

    #[test]
    fn the_webhook_retry_schedule_is_a_list_of_waits() {
        let config = ServeArgs::default()
            .load(vars(&[
                ("FLOWHQ_WEBHOOK_RETRY_SCHEDULE", "1s, 1s,1m"),
                ("FLOWHQ_WEBHOOK_ALLOW_PRIVATE", "true"),
            ]))
            .unwrap();
        let settings = config.into_settings().unwrap();
        assert_eq!(
            settings.webhook_retry_schedule,
            [
                Duration::from_secs(1),
                Duration::from_secs(1),
                Duration::from_secs(60)
            ]
        );
        assert!(settings.webhook_allow_private);
        let defaults = ServeArgs::default().load(vars(&[])).unwrap();
        let defaults = defaults.into_settings().unwrap();
        assert!(!defaults.webhook_allow_private);
        assert_eq!(defaults.webhook_retry_schedule.len(), 13);
        for bad in ["soon", "1s,,2s", "100ms"] {
            let config = ServeArgs::default()
                .load(vars(&[("FLOWHQ_WEBHOOK_RETRY_SCHEDULE", bad)]))
                .unwrap();
            assert!(
                error(config.into_settings()).contains("FLOWHQ_WEBHOOK_RETRY_SCHEDULE"),
                "{bad}"
            );
        }
    }

    #[test]
    fn defaults_hold_without_flags_variables_or_file() {
        let config = ServeArgs::default().load(vars(&[])).unwrap();
        let settings = config.into_settings().unwrap();
        assert_eq!(settings.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(settings.data_dir, PathBuf::from("data"));
        assert_eq!(settings.database_url, "sqlite://data/flowhq.db");
        assert_eq!(settings.channel, ChannelKind::WhatsappWeb);
        assert_eq!(settings.supervisor, SupervisorMode::Local);
        assert_eq!(settings.heartbeat_interval, Duration::from_secs(10));
        assert_eq!(settings.stale_after, Duration::from_secs(30));
        assert_eq!(settings.mail_from, "Flow HQ <flowhq@localhost>");
        assert_eq!(settings.connections.max_connections, 4096);
        assert!(settings.admin_token.is_none() && settings.smtp_url.is_none());
    }

    #[test]
    fn a_flag_beats_its_variable_which_beats_the_file() {
        let (_dir, mut args) = with_file(
            "listen = \"127.0.0.1:7001\"\nchannel = \"simulator\"\nheartbeat_interval = \"2s\"\n\
             mail_from = \"file@example.com\"\nmax_connections = 10\n",
        );
        let env = vars(&[
            ("FLOWHQ_LISTEN", "127.0.0.1:7002"),
            ("FLOWHQ_HEARTBEAT_INTERVAL", "500ms"),
            ("FLOWHQ_MAX_CONNECTIONS", "20"),
            // Not a setting of serve: ignored, not refused.
            ("FLOWHQ_WHATSAPP_URL", "ws://127.0.0.1:1"),
        ]);
        args.listen = Some("127.0.0.1:7003".into());
        let settings = args.load(env.clone()).unwrap().into_settings().unwrap();
        assert_eq!(settings.listen.to_string(), "127.0.0.1:7003", "flag");
        assert_eq!(
            settings.heartbeat_interval,
            Duration::from_millis(500),
            "variable"
        );
        assert_eq!(
            settings.stale_after,
            Duration::from_millis(1500),
            "3 × interval"
        );
        assert_eq!(settings.connections.max_connections, 20, "variable");
        assert_eq!(settings.channel, ChannelKind::Simulator, "file");
        assert_eq!(settings.mail_from, "file@example.com", "file");
        args.listen = None;
        let settings = args.load(env).unwrap().into_settings().unwrap();
        assert_eq!(settings.listen.to_string(), "127.0.0.1:7002", "variable");
    }

    #[test]
    fn secrets_stay_strings_and_empty_values_are_unset() {
        let env = vars(&[
            ("FLOWHQ_ADMIN_TOKEN", "1234567890123456"),
            ("FLOWHQ_ADMIN_PASSWORD", "[not-an-array]"),
            ("FLOWHQ_PUBLIC_URL", "https://hq.example.com/"),
            ("FLOWHQ_SMTP_URL", ""),
        ]);
        let settings = ServeArgs::default()
            .load(env)
            .unwrap()
            .into_settings()
            .unwrap();
        assert_eq!(settings.admin_token.unwrap().expose(), "1234567890123456");
        assert_eq!(settings.admin_password.unwrap().expose(), "[not-an-array]");
        assert_eq!(
            settings.public_url.as_deref(),
            Some("https://hq.example.com")
        );
        assert!(settings.smtp_url.is_none());
    }

    #[test]
    fn unknown_keys_and_bad_values_are_refused_naming_where_they_came_from() {
        let (_dir, args) = with_file("listn = \"127.0.0.1:1\"\n");
        let message = error(args.load(vars(&[])));
        assert!(message.contains("listn"), "{message}");

        let message =
            error(ServeArgs::default().load(vars(&[("FLOWHQ_HEARTBEAT_INTERVAL", "soon")])));
        assert!(message.contains("FLOWHQ_HEARTBEAT_INTERVAL"), "{message}");

        let args = ServeArgs {
            channel: Some("telegram".into()),
            ..ServeArgs::default()
        };
        let message = error(args.load(vars(&[])));
        assert!(
            message.contains("--channel") && message.contains("simulator"),
            "{message}"
        );

        let message = error(ServeArgs::default().load(vars(&[("FLOWHQ_LISTEN", "localhost")])));
        assert!(message.contains("FLOWHQ_LISTEN"), "{message}");

        let missing = ServeArgs {
            config: Some(PathBuf::from("/nonexistent/flowhq.toml")),
            ..ServeArgs::default()
        };
        assert!(error(missing.load(vars(&[]))).contains("no such file"));
    }

    #[test]
    fn rules_between_values_are_checked() {
        let check = |pairs: &[(&str, &str)]| {
            ServeArgs::default()
                .load(vars(pairs))
                .and_then(Config::into_settings)
        };
        assert!(error(check(&[("FLOWHQ_STALE_AFTER", "5s")])).contains("FLOWHQ_STALE_AFTER"));
        assert!(error(check(&[("FLOWHQ_HEARTBEAT_INTERVAL", "0s")])).contains("zero"));
        assert!(error(check(&[("FLOWHQ_ADMIN_TOKEN", "short")])).contains("16 characters"));
        assert!(error(check(&[("FLOWHQ_SMTP_URL", "http://x")])).contains("smtp://"));
        assert!(error(check(&[("FLOWHQ_PUBLIC_URL", "hq.example.com")])).contains("http://"));
        assert!(error(check(&[("FLOWHQ_MAX_CONNECTIONS", "0")])).contains("above zero"));
        assert!(error(check(&[("FLOWHQ_LOG_FORMAT", "xml")])).contains("FLOWHQ_LOG_FORMAT"));
    }
}
