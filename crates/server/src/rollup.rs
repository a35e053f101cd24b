//! The charts' daily roll-up, on the leader replica only: at start and
//! every minute, the days since the last final one, today included, are
//! recounted from the message log, and the days before today become final.
//! A business's own pages count its days after the last final one live;
//! the operator's dashboard (every business) reads today from here, a
//! minute old at most. Recounting the last final day again takes in
//! messages logged late, up to a day.

use std::time::Duration;

use chrono::Utc;
use flowhq_store::daily::day_of;
use tokio::sync::watch;

use crate::state::AppState;

const TICK: Duration = Duration::from_secs(60);
/// How far back a first run counts: the longest chart shows 30 days.
const FIRST_RUN_DAYS: i64 = 35;

pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    loop {
        if state.leadership.is_leader()
            && let Err(e) = roll_up(&state).await
        {
            tracing::error!(error = %e, "daily message roll-up");
        }
        tokio::select! {
            () = tokio::time::sleep(TICK) => {}
            _ = shutdown.wait_for(|s| *s) => break,
        }
    }
}

/// Recounts the days not yet final, today included.
pub async fn roll_up(state: &AppState) -> anyhow::Result<()> {
    let today = day_of(Utc::now());
    let from = match state.store.rolled_through().await? {
        Some(through) => through.min(today - 1),
        None => today - FIRST_RUN_DAYS,
    };
    state.store.roll_up_days(from, today, today).await?;
    Ok(())
}
