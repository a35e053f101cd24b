//! Delivers the queued mails, on the leader replica only.
//!
//! Each due mail is claimed for a lease (`Store::claim_due_mails`), sent,
//! then marked sent; a failure makes it due again after a backoff that
//! doubles from 1 s up to 15 minutes, and after [`MAX_ATTEMPTS`] (about
//! eight hours) it is marked FAILED. A mail is never sent twice by two
//! senders; the one way to send it twice is a crash between the server's
//! acceptance and the mark, which SMTP cannot rule out.

use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::Path;
use std::time::Duration;

use chrono::Utc;
use flowhq_store::mail::Mail;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncTransport, Message};
use tokio::sync::watch;

use crate::mail::{MailService, Transport};
use crate::state::AppState;

/// How often the sender looks for due mails when nothing woke it.
const TICK: Duration = Duration::from_secs(1);
/// How long a claimed mail is the sender's before it is due again.
const LEASE: chrono::Duration = chrono::Duration::minutes(2);
const BATCH: u32 = 20;
pub const MAX_ATTEMPTS: i64 = 40;

pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    let mail = state.mail.clone();
    loop {
        tokio::select! {
            () = tokio::time::sleep(TICK) => {}
            () = mail.wake.notified() => {}
            _ = shutdown.wait_for(|s| *s) => break,
        }
        if !state.leadership.is_leader() {
            continue;
        }
        if let Err(e) = send_due(&state.store, &mail).await {
            tracing::error!(error = %e, "sending mail");
        }
    }
}

/// Sends every mail that is due now; returns how many went out.
pub async fn send_due(store: &flowhq_store::Store, mail: &MailService) -> anyhow::Result<usize> {
    let mut sent = 0;
    loop {
        let batch = store.claim_due_mails(BATCH, LEASE).await?;
        if batch.is_empty() {
            return Ok(sent);
        }
        for item in batch {
            match deliver(mail, &item).await {
                Ok(delivered_to) => {
                    store.mark_mail_sent(item.id, &delivered_to).await?;
                    tracing::info!(mail_id = %item.id, kind = %item.kind, %delivered_to, "mail sent");
                    sent += 1;
                }
                Err(e) => {
                    let retry_at =
                        (item.attempts < MAX_ATTEMPTS).then(|| Utc::now() + backoff(item.attempts));
                    tracing::warn!(
                        mail_id = %item.id,
                        attempts = item.attempts,
                        error = %e,
                        gave_up = retry_at.is_none(),
                        "mail not sent"
                    );
                    store
                        .mark_mail_failed(item.id, &e.to_string(), retry_at)
                        .await?;
                }
            }
        }
    }
}

/// The wait after attempt `attempts` (1-based) failed.
pub fn backoff(attempts: i64) -> chrono::Duration {
    let exponent = attempts.clamp(1, 11) - 1;
    chrono::Duration::seconds((1_i64 << exponent).min(15 * 60))
}

async fn deliver(mail: &MailService, item: &Mail) -> anyhow::Result<String> {
    let message = build(&mail.from, item)?;
    match &mail.transport {
        Transport::Smtp(smtp) => {
            smtp.send(message).await?;
            Ok("smtp".to_owned())
        }
        Transport::Files(dir) => {
            let dir = dir.clone();
            let name = format!("{}.eml", item.id);
            let bytes = message.formatted();
            let written = name.clone();
            tokio::task::spawn_blocking(move || write_file(&dir, &name, &bytes)).await??;
            Ok(written)
        }
    }
}

fn build(from: &Mailbox, item: &Mail) -> anyhow::Result<Message> {
    let to: Mailbox = item.to.parse()?;
    let domain = from.email.domain().to_owned();
    Ok(Message::builder()
        .from(from.clone())
        .to(to)
        .subject(&item.subject)
        .message_id(Some(format!("<{}@{domain}>", item.id)))
        .date(item.created_at.into())
        .multipart(MultiPart::alternative_plain_html(
            item.text.clone(),
            item.html.clone(),
        ))?)
}

/// Writes one mail, readable only by the control plane's user (mails hold
/// reset links). Named by the mail's id: a second attempt overwrites.
fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(dir.join(name))?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_a_quarter_hour() {
        assert_eq!(backoff(1).num_seconds(), 1);
        assert_eq!(backoff(2).num_seconds(), 2);
        assert_eq!(backoff(5).num_seconds(), 16);
        assert_eq!(backoff(30).num_seconds(), 900);
        let total: i64 = (1..MAX_ATTEMPTS).map(|a| backoff(a).num_seconds()).sum();
        assert!((6 * 3600..12 * 3600).contains(&total), "{total}");
    }
}
