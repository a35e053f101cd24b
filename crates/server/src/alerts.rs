//! Tells people about alerts, on the leader replica only.
//!
//! The incidents themselves are opened and cleared by the store where the
//! facts are recorded (`flowhq_store::alerts`). This task queues one mail
//! per recipient when an incident has been open for its kind's delay, and
//! one "back to normal" when a told incident clears. Marking the incident
//! and queueing its mails happen in one transaction, so each is told once.

use std::time::Duration;

use chrono::{DateTime, Utc};
use flowhq_domain::alerts::Audience;
use flowhq_domain::{Language, Role};
use flowhq_store::alerts::Alert;
use tokio::sync::watch;

use crate::mail::{compose, new_mail};
use crate::state::AppState;

const TICK: Duration = Duration::from_secs(1);

pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            () = tokio::time::sleep(TICK) => {}
            _ = shutdown.wait_for(|s| *s) => break,
        }
        if !state.leadership.is_leader() {
            continue;
        }
        if let Err(e) = notify_due(&state, Utc::now()).await {
            tracing::error!(error = %e, "alert notifications");
        }
    }
}

/// Queues the mails of every incident due to be told about at `now`.
pub async fn notify_due(state: &AppState, now: DateTime<Utc>) -> anyhow::Result<()> {
    let mut queued = false;
    for alert in state.store.alerts_to_notify().await? {
        let delay = chrono::Duration::from_std(alert.kind.notify_after())?;
        if now - alert.open_since >= delay {
            queued |= tell(state, &alert, false, now).await?;
        }
    }
    for alert in state.store.alerts_to_notify_cleared().await? {
        queued |= tell(state, &alert, true, now).await?;
    }
    if queued {
        state.mail.wake();
    }
    Ok(())
}

async fn tell(
    state: &AppState,
    alert: &Alert,
    cleared: bool,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let store = &state.store;
    let (role, link) = match alert.kind.audience() {
        Audience::Owner => (Role::Owner, state.mail.link("/app")),
        Audience::Operators => (
            Role::Admin,
            state
                .mail
                .link(&format!("/admin/tenants/{}", alert.tenant_id)),
        ),
    };
    let recipients = store
        .alert_recipients(role, alert.tenant_id, alert.kind)
        .await?;
    let language = match role {
        Role::Owner | Role::Staff => store
            .tenant_config(alert.tenant_id)
            .await
            .map(|c| c.language)
            .unwrap_or(Language::En),
        Role::Admin => Language::En,
    };
    let phase = if cleared { "cleared" } else { "opened" };
    let mut tx = store.begin().await?;
    if !store
        .mark_alert_notified_in(&mut tx, alert.id, cleared, now)
        .await?
    {
        // Changed since it was read (reopened, cleared): next tick decides.
        tx.rollback().await?;
        return Ok(false);
    }
    for user in &recipients {
        let composed = if cleared {
            compose::alert_cleared(
                language,
                alert.kind,
                user.name.as_str(),
                &alert.tenant_name,
                &link,
            )
        } else {
            compose::alert_opened(
                language,
                alert.kind,
                user.name.as_str(),
                &alert.tenant_name,
                alert.detail.as_deref(),
                &link,
            )
        };
        let mail = new_mail(
            user.email.as_str(),
            &format!("alert_{phase}"),
            composed,
            Some(format!("alert:{}:{phase}:{}", alert.id, user.id)),
        );
        store.enqueue_mail_in(&mut tx, &mail).await?;
    }
    // Integrators hear of it at the same moment, through the same
    // transaction (the operators' endpoint gets every tenant's alerts).
    let event = flowhq_domain::webhooks::alert_event(
        alert.tenant_id,
        &alert.id.to_string(),
        alert.kind,
        alert.detail.as_deref(),
        cleared,
        now,
    );
    store
        .queue_webhooks_in(&mut tx, alert.tenant_id, &[event])
        .await?;
    tx.commit().await?;
    state.webhooks.wake();
    tracing::info!(
        alert_id = %alert.id,
        tenant_id = %alert.tenant_id,
        kind = %alert.kind,
        phase,
        recipients = recipients.len(),
        "alert told"
    );
    Ok(true)
}
