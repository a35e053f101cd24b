//! The schema's migrations, applied by sqlx's [`Migrator`]: checksums of
//! what ran, and on PostgreSQL an advisory lock so that replicas starting
//! at once apply each migration once.
//!
//! The SQL files are embedded with `include_str!` rather than sqlx's
//! `migrate!` macro, which would build sqlx's proc-macro stack (and every
//! driver a second time) for what is a list of files. Both backends run the
//! same file while their SQL is the same; a migration SQLite can only do by
//! rebuilding a table has a file per backend (`<name>.sqlite.sql`,
//! `<name>.postgres.sql`).

use std::borrow::Cow;

use sqlx::SqlSafeStr;
use sqlx::migrate::{Migrate, Migration, MigrationType, Migrator};
use sqlx::pool::PoolConnection;

use crate::{Any, Backend, Result, Store, StoreError};

macro_rules! migrations {
    ($($version:literal $file:literal $($split:ident)?),+ $(,)?) => {
        [$(($version, $file, source!($file $($split)?))),+]
    };
}

macro_rules! source {
    ($file:literal) => {
        Source::Shared(include_str!(concat!("../migrations/", $file, ".sql")))
    };
    ($file:literal per_backend) => {
        Source::PerBackend {
            sqlite: include_str!(concat!("../migrations/", $file, ".sqlite.sql")),
            postgres: include_str!(concat!("../migrations/", $file, ".postgres.sql")),
        }
    };
}

/// A migration's SQL.
enum Source {
    /// One file both backends run, each in a transaction.
    Shared(&'static str),
    /// A file per backend. SQLite's changes a column's constraints by
    /// rebuilding the table, which needs foreign keys off, which SQLite
    /// ignores inside a transaction: that file runs outside the migrator's
    /// and opens its own.
    PerBackend {
        sqlite: &'static str,
        postgres: &'static str,
    },
}

/// Version, file name (without `.sql`) and SQL of every migration.
const MIGRATIONS: [(i64, &str, Source); 25] = migrations!(
    1 "0001_initial",
    2 "0002_web_sessions",
    3 "0003_workers",
    4 "0004_message_log_created_at",
    5 "0005_message_decision",
    6 "0006_pairing_code",
    7 "0007_mail",
    8 "0008_worker_send",
    9 "0009_sim_leaves",
    10 "0010_calendar",
    11 "0011_config_history",
    12 "0012_facts_menu_media",
    13 "0013_email_verification",
    14 "0014_api_keys",
    15 "0015_webhooks",
    16 "0016_digest",
    17 "0017_silent_alert",
    18 "0018_user_language",
    19 "0019_message_daily",
    20 "0020_menu_choices",
    21 "0021_inbox",
    22 "0022_quick_replies",
    23 "0023_media_retention",
    24 "0024_staff" per_backend,
    25 "0025_message_peer",
);

fn migrator(backend: Backend) -> Migrator {
    Migrator::with_migrations(
        MIGRATIONS
            .iter()
            .map(|(version, file, source)| {
                let (sql, no_tx) = match (source, backend) {
                    (Source::Shared(sql), _) => (*sql, false),
                    (Source::PerBackend { sqlite, .. }, Backend::Sqlite) => (*sqlite, true),
                    (Source::PerBackend { postgres, .. }, Backend::Postgres) => (*postgres, false),
                };
                // What sqlx's own file source would call it: "0003_workers" → "workers".
                let file: &str = file;
                let description = file.split_once('_').map_or(file, |(_, d)| d);
                Migration::new(
                    *version,
                    Cow::Owned(description.replace('_', " ")),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    no_tx,
                )
            })
            .collect(),
    )
}

pub(crate) async fn run(store: &Store) -> Result<()> {
    let migrator = migrator(store.backend);
    let mut conn = store.pool().acquire().await?;
    // The advisory lock (PostgreSQL; nothing on SQLite, whose write lock
    // serialises) covers the move from the old table too.
    conn.lock().await.map_err(sqlx::Error::from)?;
    let moved = adopt_legacy_table(store.backend, &mut conn, &migrator).await;
    conn.unlock().await.map_err(sqlx::Error::from)?;
    moved?;
    migrator
        .run_direct(None, &mut *conn, false)
        .await
        .map_err(sqlx::Error::from)?;
    Ok(())
}

/// Databases created before sqlx's migrator recorded their migrations in
/// `schema_migrations (version, name, applied_at)`. Those migrations are
/// entered in sqlx's table as applied, without running them again, and the
/// old table is dropped. A crash half way repeats the move at the next
/// start: entering an applied migration twice is a no-op.
async fn adopt_legacy_table(
    backend: Backend,
    conn: &mut PoolConnection<Any>,
    migrator: &Migrator,
) -> Result<()> {
    let exists = match backend {
        Backend::Sqlite => {
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        }
        Backend::Postgres => {
            "SELECT COUNT(*) FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_name = 'schema_migrations'"
        }
    };
    let (tables,): (i64,) = sqlx::query_as(exists).fetch_one(&mut **conn).await?;
    if tables == 0 {
        return Ok(());
    }
    let applied: Vec<(i64, String)> =
        sqlx::query_as("SELECT version, name FROM schema_migrations ORDER BY version")
            .fetch_all(&mut **conn)
            .await?;
    for (version, name) in &applied {
        if !MIGRATIONS
            .iter()
            .any(|(v, file, _)| v == version && file == name)
        {
            return Err(StoreError::Config(format!(
                "migration {version} is {name:?} in the database but not in this binary"
            )));
        }
    }
    if let Some((last, _)) = applied.last() {
        migrator
            .run_direct(Some(*last), &mut **conn, true)
            .await
            .map_err(sqlx::Error::from)?;
    }
    sqlx::query("DROP TABLE schema_migrations")
        .execute(&mut **conn)
        .await?;
    tracing::info!(
        migrations = applied.len(),
        "moved the migration history to sqlx's table"
    );
    Ok(())
}
