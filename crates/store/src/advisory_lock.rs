//! A PostgreSQL session-level advisory lock on a connection of its own,
//! outside the pool: the lock lasts exactly as long as that session, which
//! is what makes it usable as a leader's lease (`flowhq_server::leader`).

use std::time::Duration;

use sqlx::{AnyConnection, AssertSqlSafe, ConnectOptions, Connection};

use crate::{Backend, Result, Store, StoreError};

/// A dedicated session that takes and holds advisory locks.
#[derive(Debug)]
pub struct LockSession {
    conn: AnyConnection,
}

impl Store {
    /// Opens a [`LockSession`] with the pool's connection settings. The
    /// server ends it (and releases its locks) once it has been idle for
    /// `idle_timeout`: a holder that vanishes without closing its socket
    /// loses its locks then, not hours later when TCP gives up.
    pub async fn lock_session(&self, idle_timeout: Duration) -> Result<LockSession> {
        if self.backend != Backend::Postgres {
            return Err(StoreError::Config("advisory locks need PostgreSQL".into()));
        }
        let mut conn = self.pool.connect_options().connect().await?;
        let ms = idle_timeout.as_millis().max(1);
        sqlx::raw_sql(AssertSqlSafe(format!("SET idle_session_timeout = {ms}")))
            .execute(&mut conn)
            .await?;
        Ok(LockSession { conn })
    }
}

impl LockSession {
    /// Takes `key` if no other session holds it; never waits.
    pub async fn try_lock(&mut self, key: i64) -> Result<bool> {
        Ok(
            sqlx::query_scalar::<_, bool>("SELECT pg_try_advisory_lock($1)")
                .bind(key)
                .fetch_one(&mut self.conn)
                .await?,
        )
    }

    /// Proves the session is alive, hence still holds what it took.
    pub async fn ping(&mut self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&mut self.conn).await?;
        Ok(())
    }

    /// Ends the session, releasing its locks at once.
    pub async fn close(self) {
        let _ = self.conn.close().await;
    }
}
