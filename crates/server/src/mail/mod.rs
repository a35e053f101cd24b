//! Mail: what the control plane tells people by email (password resets,
//! alerts), in each recipient's language.
//!
//! A mail is rendered and queued in the database (`flowhq_store::mail`);
//! [`sender::run`], on the leader replica only, delivers the due ones: by
//! SMTP when `FLOWHQ_SMTP_URL` is set, otherwise as `.eml` files in
//! `<data dir>/mail/` (listed in the console at `/admin/mail`), so that a
//! new installation needs no mail server to see what it would send.

pub mod compose;
pub mod sender;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use flowhq_domain::Language;
use flowhq_domain::entities::User;
use flowhq_store::Store;
use flowhq_store::mail::NewMail;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, Tokio1Executor};
use tokio::sync::Notify;

use crate::auth::rate_limit::{Limits, LoginLimiter};
use crate::config::Settings;

pub use compose::Composed;

/// How the sender delivers.
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// `.eml` files in this directory.
    Files(PathBuf),
}

/// The mail side of the application state.
pub struct MailService {
    pub transport: Transport,
    pub from: Mailbox,
    /// Where links in mails point: `FLOWHQ_PUBLIC_URL`, or the address the
    /// control plane listens on. No trailing slash.
    pub base_url: String,
    /// Wakes the sender when a mail is queued, rather than at its next tick.
    wake: Notify,
    /// Password-reset requests, counted per email and per client address.
    pub reset_limiter: Arc<LoginLimiter>,
}

impl MailService {
    pub fn new(settings: &Settings, listen_url: &str) -> anyhow::Result<Self> {
        let from: Mailbox = settings.mail_from.parse().with_context(|| {
            format!(
                "FLOWHQ_MAIL_FROM {:?} is not an address like Flow HQ <flowhq@example.com>",
                settings.mail_from
            )
        })?;
        let transport = match &settings.smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
                    .map_err(|e| anyhow::anyhow!("FLOWHQ_SMTP_URL: {e}"))?
                    .timeout(Some(Duration::from_secs(20)))
                    .build(),
            ),
            None => Transport::Files(settings.data_dir.join("mail")),
        };
        Ok(Self {
            transport,
            from,
            base_url: settings
                .public_url
                .clone()
                .unwrap_or_else(|| listen_url.to_owned()),
            wake: Notify::new(),
            // 3 per email and 10 per address in 15 minutes: enough for a
            // person who mistyped, too few to flood someone's inbox.
            reset_limiter: Arc::new(LoginLimiter::new(Limits {
                window: Duration::from_secs(15 * 60),
                per_pair: 3,
                per_account: 3,
                per_address: 10,
            })),
        })
    }

    /// An absolute link to `path` (which starts with `/`).
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Tells the sender that a mail is due now.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Whether mails go to files rather than a server.
    pub fn to_files(&self) -> bool {
        matches!(self.transport, Transport::Files(_))
    }
}

/// A composed mail to `to`, ready for the queue.
pub fn new_mail(to: &str, kind: &str, composed: Composed, dedupe_key: Option<String>) -> NewMail {
    NewMail {
        to: to.to_owned(),
        kind: kind.to_owned(),
        subject: composed.subject,
        text: composed.text,
        html: composed.html,
        dedupe_key,
    }
}

/// The language to write to `user` in: their tenant's (an owner's), else
/// English.
pub async fn language_for(store: &Store, user: &User) -> Language {
    match user.tenant_id {
        Some(tenant) => store
            .tenant_config(tenant)
            .await
            .map(|c| c.language)
            .unwrap_or(Language::En),
        None => Language::En,
    }
}
