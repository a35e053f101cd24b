//! Leader election for the background jobs that must run on one replica
//! at a time (the stale monitor's checks, the local supervisor's restarts).
//!
//! On PostgreSQL, several control-plane replicas share the database; the
//! leader is the one whose dedicated connection holds a session-level
//! advisory lock. Everyone else retries `pg_try_advisory_lock` every
//! period. The session is the lease: PostgreSQL releases the lock the
//! moment the leader's connection ends, and the leader steps down as soon
//! as a ping on that connection fails or times out. A leader whose host
//! vanishes without closing its socket is cut off by the server's
//! `idle_session_timeout`, which the leader's pings keep at bay while it
//! lives.
//!
//! On SQLite there is one machine and one control plane: always leader.

use std::time::Duration;

use flowhq_store::advisory_lock::LockSession;
use flowhq_store::{Backend, Store};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The advisory lock's key: "flowhqjb" in ASCII. Advisory locks are per
/// database, so replicas of different databases never compete.
pub const LOCK_KEY: i64 = 0x666c_6f77_6871_6a62;

/// Sessions idle for this many periods are ended by the server: a leader
/// pings once a period, so only a dead or cut-off leader is ended. Longer
/// than the leader's own give-up time (a period for the ping plus a period
/// of timeout), so it steps down before anyone else can take over.
const IDLE_PERIODS: u32 = 3;

/// Whether this replica currently leads. Cheap to clone and to ask.
#[derive(Clone, Debug)]
pub struct Leadership {
    rx: watch::Receiver<bool>,
}

impl Leadership {
    /// A replica that leads for its whole life: SQLite, one machine.
    pub fn always() -> Self {
        // The receiver keeps its last value after the sender is gone.
        Self {
            rx: watch::channel(true).1,
        }
    }

    pub fn is_leader(&self) -> bool {
        *self.rx.borrow()
    }
}

/// Campaigns for leadership until stopped.
pub struct Elector {
    leadership: Leadership,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl Elector {
    /// Starts campaigning: on PostgreSQL the first attempt is made before
    /// this returns, so a lone replica leads from its first request on.
    pub async fn start(store: &Store, period: Duration) -> Self {
        let (stop, stopped) = watch::channel(false);
        if store.backend() == Backend::Sqlite {
            return Self {
                leadership: Leadership::always(),
                stop,
                task: None,
            };
        }
        let (tx, rx) = watch::channel(false);
        let mut campaign = Campaign {
            store: store.clone(),
            session: None,
            period,
            tx,
        };
        campaign.step().await;
        let task = tokio::spawn(campaign.run(stopped));
        Self {
            leadership: Leadership { rx },
            stop,
            task: Some(task),
        }
    }

    pub fn leadership(&self) -> Leadership {
        self.leadership.clone()
    }

    /// Stops campaigning and gives up the lock (closing its connection).
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

struct Campaign {
    store: Store,
    /// The session holding (or trying for) the lock.
    session: Option<LockSession>,
    period: Duration,
    tx: watch::Sender<bool>,
}

impl Campaign {
    async fn run(mut self, mut stop: watch::Receiver<bool>) {
        loop {
            tokio::select! {
                () = tokio::time::sleep(self.period) => {}
                _ = stop.wait_for(|s| *s) => break,
            }
            self.step().await;
        }
        self.tx.send_replace(false);
        if let Some(session) = self.session.take() {
            // Ending the session releases the lock at once.
            session.close().await;
        }
    }

    /// One attempt: take the lock if not leading, else prove the session
    /// holding it is still alive. Anything going wrong means not leading,
    /// and a fresh connection next time.
    async fn step(&mut self) {
        let was_leading = *self.tx.borrow();
        let leading = match tokio::time::timeout(self.period, self.attempt(was_leading)).await {
            Ok(Ok(leading)) => leading,
            Ok(Err(e)) => {
                if was_leading {
                    tracing::error!(error = %e, "lost the leader's database session");
                } else {
                    tracing::debug!(error = %e, "leader election");
                }
                self.session = None;
                false
            }
            Err(_) => {
                if was_leading {
                    tracing::error!("the leader's database session stopped answering");
                }
                self.session = None;
                false
            }
        };
        if leading != was_leading {
            if leading {
                tracing::info!("leading: background jobs run on this replica");
            } else {
                tracing::warn!("no longer leading: background jobs paused on this replica");
            }
            self.tx.send_replace(leading);
        }
    }

    async fn attempt(&mut self, leading: bool) -> flowhq_store::Result<bool> {
        let session = match &mut self.session {
            Some(session) => session,
            None => {
                let session = self.store.lock_session(self.period * IDLE_PERIODS).await?;
                self.session.insert(session)
            }
        };
        if leading {
            session.ping().await?;
            Ok(true)
        } else {
            session.try_lock(LOCK_KEY).await
        }
    }
}
