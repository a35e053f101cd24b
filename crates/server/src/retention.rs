//! Media retention, on the leader replica only: every hour, the files of
//! conversations older than their business's retention
//! (`tenant_config.media_retention_days`) are deleted, a batch at a time.
//! The messages stay, naming a file the inbox then shows as gone.

use std::time::Duration;

use chrono::Utc;
use tokio::sync::watch;

use crate::state::AppState;

const TICK: Duration = Duration::from_secs(3600);
const BATCH: u32 = 500;

pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    loop {
        if state.leadership.is_leader() {
            match sweep(&state).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(files = n, "media past their retention deleted"),
                Err(e) => tracing::error!(error = %e, "media retention"),
            }
        }
        tokio::select! {
            () = tokio::time::sleep(TICK) => {}
            _ = shutdown.wait_for(|s| *s) => break,
        }
    }
}

/// Deletes every file past its business's retention now; how many.
pub async fn sweep(state: &AppState) -> anyhow::Result<usize> {
    let mut deleted = 0;
    loop {
        let expired = state.store.expired_media(Utc::now(), BATCH).await?;
        if expired.is_empty() {
            return Ok(deleted);
        }
        for (tenant, sha256) in &expired {
            state.media.remove(&state.store, *tenant, sha256).await?;
        }
        deleted += expired.len();
    }
}
