//! The weekly digest, on the leader replica only: every few minutes, each
//! running business whose last week is due (Monday 08:00 in its zone, or
//! the first check after it) gets one mail per owner who wants it. The
//! mail's dedupe key (`digest:<user>:<ISO week>`) makes it once per week
//! whatever restarts or replicas do.

use std::time::Duration;

use chrono::{DateTime, Utc};
use flowhq_domain::digest::due_week;
use tokio::sync::watch;

use crate::auth::session;
use crate::mail::{compose, new_mail};
use crate::state::AppState;

const TICK: Duration = Duration::from_secs(5 * 60);

pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            () = tokio::time::sleep(TICK) => {}
            _ = shutdown.wait_for(|s| *s) => break,
        }
        if !state.leadership.is_leader() {
            continue;
        }
        match send_due(&state, Utc::now()).await {
            Ok(0) => {}
            Ok(queued) => tracing::info!(queued, "weekly digests queued"),
            Err(e) => tracing::error!(error = %e, "weekly digests"),
        }
    }
}

/// Queues the digests due at `now`; returns how many.
pub async fn send_due(state: &AppState, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let store = &state.store;
    let mut queued = 0;
    for (tenant, created_at) in store.digest_tenants().await? {
        let config = store.tenant_config(tenant).await?;
        let Some(week) = due_week(now, config.hours.timezone) else {
            continue;
        };
        // A business that did not exist yet has nothing to tell.
        if created_at >= week.to {
            continue;
        }
        let mut figures = None;
        for user in store.digest_recipients(tenant).await? {
            let key = format!("digest:{}:{}", user.id, week.label());
            if store.mail_queued(&key).await? {
                continue;
            }
            if figures.is_none() {
                figures = Some(store.digest_figures(tenant, week.from, week.to).await?);
            }
            let token = session::random_token();
            let off = state.mail.link(&format!("/digest/off?token={token}"));
            let composed = compose::weekly_digest(
                config.language,
                user.name.as_str(),
                &config.business_name,
                figures.as_ref().expect("counted above"),
                &state.mail.link("/app"),
                &off,
            );
            let mut tx = store.begin().await?;
            store
                .create_digest_link_in(&mut tx, &session::hash_token(&token), user.id)
                .await?;
            if store
                .enqueue_mail_in(
                    &mut tx,
                    &new_mail(user.email.as_str(), "weekly_digest", composed, Some(key)),
                )
                .await?
            {
                tx.commit().await?;
                queued += 1;
            } else {
                tx.rollback().await?;
            }
        }
    }
    if queued > 0 {
        state.mail.wake();
    }
    Ok(queued)
}
