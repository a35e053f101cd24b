//! The silent-session check, on the leader replica only: once a minute,
//! each ACTIVE business that is open now and has heard nothing from its
//! customers for longer than its usual gap allows (`flowhq_domain::silence`,
//! `FLOWHQ_SILENT_MIN`, `FLOWHQ_SILENT_FACTOR`) gets a SILENT alert; the
//! next customer message clears it. The alerts task tells the owner, once
//! per incident, and "back to normal" when it clears.

use std::time::Duration;

use chrono::{DateTime, Utc};
use flowhq_domain::alerts::{AlertChange, AlertKind};
use flowhq_domain::silence::{HISTORY_DAYS, open_time, threshold, usual_gap};
use tokio::sync::watch;

use crate::state::AppState;

const TICK: Duration = Duration::from_secs(60);

pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            () = tokio::time::sleep(TICK) => {}
            _ = shutdown.wait_for(|s| *s) => break,
        }
        if !state.leadership.is_leader() {
            continue;
        }
        if let Err(e) = check(&state, Utc::now()).await {
            tracing::error!(error = %e, "silent-session check");
        }
    }
}

/// Raises and clears SILENT alerts as of `now`; returns (raised, cleared).
pub async fn check(state: &AppState, now: DateTime<Utc>) -> anyhow::Result<(usize, usize)> {
    let store = &state.store;
    let minimum = state.settings.silent_min;
    let (mut raised, mut cleared) = (0, 0);
    for (tenant, last) in store.last_inbound_per_tenant().await? {
        // A business that never heard from a customer has no rhythm yet.
        let Some(last) = last else { continue };
        if let Some(since) = store.open_alert_since(tenant, AlertKind::Silent).await? {
            if last > since {
                let clear = [AlertChange::Clear(AlertKind::Silent)];
                store.apply_alert_changes(tenant, &clear, now).await?;
                cleared += 1;
            }
            continue;
        }
        // Opening time is never longer than wall time: most businesses
        // stop here without reading their configuration.
        if (now - last).to_std().unwrap_or_default() < minimum {
            continue;
        }
        let config = store.tenant_config(tenant).await?;
        let hours = config.hours.clone().with_calendar(&config.calendar());
        let open_now = !open_time(&hours, now - chrono::Duration::minutes(1), now).is_zero();
        let silence = open_time(&hours, last, now);
        if !open_now || silence < minimum {
            continue;
        }
        let history = store
            .inbound_times(tenant, now - chrono::Duration::days(HISTORY_DAYS))
            .await?;
        let Some(usual) = usual_gap(&hours, &history) else {
            continue;
        };
        if silence > threshold(usual, minimum, state.settings.silent_factor) {
            let detail = format!(
                "no customer message for {} of opening time; usually {}",
                humantime::format_duration(round(silence)),
                humantime::format_duration(round(usual))
            );
            let raise = [AlertChange::Raise {
                kind: AlertKind::Silent,
                detail: Some(detail),
            }];
            store.apply_alert_changes(tenant, &raise, now).await?;
            raised += 1;
        }
    }
    Ok((raised, cleared))
}

/// To the minute, for people.
fn round(d: Duration) -> Duration {
    Duration::from_secs(d.as_secs() / 60 * 60)
}
