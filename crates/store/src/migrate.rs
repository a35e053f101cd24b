//! A small migration runner over embedded SQL files.
//!
//! sqlx's `migrate!` macro would pull in its whole proc-macro stack (and a
//! second build of every driver) for what is a loop over files; this keeps
//! the build lean. Each migration runs in its own transaction and is
//! recorded in `schema_migrations`.

use sqlx::AssertSqlSafe;

use crate::{Backend, Result, Store, StoreError};

struct Migration {
    version: i64,
    name: &'static str,
    sql: &'static str,
}

macro_rules! migrations {
    ($dir:literal: $($version:literal $name:literal),+ $(,)?) => {
        &[$(Migration {
            version: $version,
            name: $name,
            sql: include_str!(concat!("../migrations/", $dir, "/", $name, ".sql")),
        }),+]
    };
}

const SQLITE: &[Migration] = migrations!("sqlite": 1 "0001_initial", 2 "0002_web_sessions", 3 "0003_workers", 4 "0004_message_log_created_at", 5 "0005_message_decision", 6 "0006_pairing_code", 7 "0007_mail", 8 "0008_worker_send", 9 "0009_sim_leaves");
const POSTGRES: &[Migration] = migrations!("postgres": 1 "0001_initial", 2 "0002_web_sessions", 3 "0003_workers", 4 "0004_message_log_created_at", 5 "0005_message_decision", 6 "0006_pairing_code", 7 "0007_mail", 8 "0008_worker_send", 9 "0009_sim_leaves");

pub(crate) async fn run(store: &Store) -> Result<()> {
    let migrations = match store.backend {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    };
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version BIGINT PRIMARY KEY,
             name TEXT NOT NULL,
             applied_at BIGINT NOT NULL
         )",
    )
    .execute(store.pool())
    .await?;

    for migration in migrations {
        let mut tx = store.begin().await?;
        // Several control planes may start at once (PostgreSQL replicas):
        // the first applies, the others see the row and skip.
        if store.backend == Backend::Postgres {
            sqlx::query("LOCK TABLE schema_migrations IN EXCLUSIVE MODE")
                .execute(&mut *tx)
                .await?;
        }
        let applied: Option<(String,)> =
            sqlx::query_as("SELECT name FROM schema_migrations WHERE version = $1")
                .bind(migration.version)
                .fetch_optional(&mut *tx)
                .await?;
        match applied {
            Some((name,)) if name == migration.name => continue,
            Some((name,)) => {
                return Err(StoreError::Config(format!(
                    "migration {} is {name:?} in the database but {:?} in this binary",
                    migration.version, migration.name
                )));
            }
            None => {}
        }
        sqlx::raw_sql(AssertSqlSafe(migration.sql))
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(migration.version)
        .bind(migration.name)
        .bind(chrono::Utc::now().timestamp_millis())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        tracing::info!(
            version = migration.version,
            name = migration.name,
            "applied migration"
        );
    }
    Ok(())
}
