//! Flow HQ's persistence layer.
//!
//! One [`Store`] serves SQLite (the default, one machine) and PostgreSQL
//! (production, several replicas) through sqlx's `Any` driver, with the same
//! SQL for both: ids are UUID text, timestamps UTC milliseconds, enums their
//! upper-case names. Both run the same migrations (`migrations/`) while
//! their SQL agrees.
//!
//! Every tenant-scoped query takes a `TenantId` and filters by it.

#[macro_use]
mod columns;
mod error;
mod migrate;
mod placeholders;
mod rows;

pub mod advisory_lock;
pub mod alerts;
pub mod api_keys;
pub mod config_history;
pub mod contacts;
pub mod daily;
pub mod dashboard;
pub mod digest;
pub mod events;
pub mod mail;
pub mod media;
pub mod messages;
pub mod quick_replies;
pub mod receipts;
pub mod sends;
pub mod sessions;
pub mod setup_requests;
pub mod silence;
pub mod tenants;
pub mod tokens;
pub mod users;
pub mod web_sessions;
pub mod webhooks;
pub mod workers;
mod writer;

#[cfg(feature = "testing")]
pub mod testing;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};

pub use error::StoreError;
pub use rows::Page;
pub use sqlx::Any;

/// A transaction on whichever backend the store runs on.
pub type Tx = sqlx::Transaction<'static, Any>;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// SQLite's group-commit writer for the busiest writes; `None` on
    /// PostgreSQL.
    writer: Option<writer::Writer>,
    /// How to open more connections to the same SQLite file
    /// ([`Store::with_own_connections`]); `None` on PostgreSQL.
    sqlite_options: Option<AnyConnectOptions>,
}

impl Store {
    /// Connects to `url` (`sqlite://…` or `postgres://…`), creating a SQLite
    /// file if it does not exist yet, and applies pending migrations.
    pub async fn connect(url: &str) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::Config(format!(
                "unsupported database URL scheme in {:?}; use sqlite:// or postgres://",
                redact(url)
            )));
        };
        if backend == Backend::Sqlite && (url.contains(":memory:") || url.contains("mode=memory")) {
            // The group-commit writer opens the database a second time, outside
            // the pool, and would get a database of its own.
            return Err(StoreError::Config(
                "in-memory SQLite is not supported; give a file, as in sqlite://data/flowhq.db"
                    .into(),
            ));
        }
        let url = match backend {
            // mode=rwc: create the file on first start.
            Backend::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url)?
            .log_statements(tracing::log::LevelFilter::Trace)
            .log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_millis(500));
        let pool_options = match backend {
            // Four: sqlx runs each SQLite connection on its own thread, and with
            // one writer at a time more threads only add switching (BENCHMARKS.md).
            Backend::Sqlite => sqlite_pool_options(4),
            Backend::Postgres => AnyPoolOptions::new().max_connections(16),
        };
        let pool = pool_options
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options.clone())
            .await?;
        let mut store = Self {
            pool,
            backend,
            writer: None,
            sqlite_options: (backend == Backend::Sqlite).then_some(options),
        };
        migrate::run(&store).await?;
        if backend == Backend::Sqlite {
            // The file the pool opened, as SQLite resolved it from the URL;
            // empty for a temporary database, which no second connection sees.
            let (file,): (String,) =
                sqlx::query_as("SELECT file FROM pragma_database_list WHERE name = 'main'")
                    .fetch_one(&store.pool)
                    .await?;
            if file.is_empty() {
                return Err(StoreError::Config(
                    "the SQLite URL names no file; give one, as in sqlite://data/flowhq.db".into(),
                ));
            }
            store.writer = Some(writer::Writer::start(std::path::Path::new(&file))?);
        }
        Ok(store)
    }

    /// The same store with connections of its own for everything that does
    /// not go through the group-commit writer (SQLite; on PostgreSQL, the
    /// same store). The supervisor and the stale monitor use one, so that
    /// recovering a worker never queues behind traffic for a connection:
    /// at 3,000 messages/s each of their statements waited 0.5–1.4 s for
    /// the shared pool, and a restart took 21 s.
    pub async fn with_own_connections(&self, connections: u32) -> Result<Store> {
        let Some(options) = &self.sqlite_options else {
            return Ok(self.clone());
        };
        let pool = sqlite_pool_options(connections)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options.clone())
            .await?;
        Ok(Store {
            pool,
            ..self.clone()
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The most connections the pool opens.
    pub fn max_connections(&self) -> u32 {
        self.pool.options().get_max_connections()
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Begins a transaction that will write. SQLite takes the write lock up
    /// front (`BEGIN IMMEDIATE`): a deferred transaction that reads and then
    /// writes can fail outright when another writer got there first, which
    /// the busy timeout does not cover.
    pub async fn begin(&self) -> Result<Tx> {
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(tx)
    }

    /// Whether the database answers: what `/readyz` reports.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        if let Some(writer) = &self.writer {
            writer.close().await;
        }
        self.pool.close().await;
    }
}

/// Every SQLite connection of the store, pooled or the writer's: WAL lets
/// readers run beside the one writer; the busy timeout makes writers queue
/// instead of failing.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                              PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;";

/// SQLite connections as the store uses them.
fn sqlite_pool_options(connections: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(connections)
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                // The group-commit writer checkpoints every second
                // (writer.rs), so no request pays for one; this
                // connection's own, at ~40 MiB of WAL, is a safety net
                // should the writer stop.
                conn.execute(sqlx::AssertSqlSafe(format!(
                    "{SQLITE_PRAGMAS} PRAGMA wal_autocheckpoint = 10000;"
                )))
                .await?;
                Ok(())
            })
        })
}

/// A database URL with its password replaced, safe to print.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn redact_hides_passwords_only() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("sqlite://data/flowhq.db"), "sqlite://data/flowhq.db");
    }
}
