//! Fresh databases for tests: a SQLite file in a temporary directory, or a
//! new PostgreSQL database on the server named by `FLOWHQ_TEST_POSTGRES_URL`.
//!
//! Without that variable the PostgreSQL half of a test is skipped with a
//! note on stderr, except under CI (`CI` set), where it fails: CI must prove
//! both backends.

use sqlx::{AnyConnection, AssertSqlSafe, Connection};

use crate::Backend;

pub const POSTGRES_URL_VAR: &str = "FLOWHQ_TEST_POSTGRES_URL";

pub struct TestDb {
    pub url: String,
    pub backend: Backend,
    /// Keeps a SQLite file alive; removed on drop.
    pub dir: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

impl TestDb {
    pub async fn new(backend: Backend) -> Option<TestDb> {
        match backend {
            Backend::Sqlite => Some(Self::sqlite()),
            Backend::Postgres => Self::postgres().await,
        }
    }

    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("creating a temporary directory");
        let url = format!("sqlite://{}", dir.path().join("flowhq.db").display());
        TestDb {
            url,
            backend: Backend::Sqlite,
            dir: Some(dir),
            postgres: None,
        }
    }

    /// A new, empty database; `None` when no server is configured outside CI.
    pub async fn postgres() -> Option<TestDb> {
        let Ok(server_url) = std::env::var(POSTGRES_URL_VAR) else {
            if std::env::var_os("CI").is_some() {
                panic!("{POSTGRES_URL_VAR} is not set: CI must run every store test on PostgreSQL");
            }
            eprintln!("note: {POSTGRES_URL_VAR} not set; skipping the PostgreSQL run of this test");
            return None;
        };
        sqlx::any::install_default_drivers();
        let name = format!("flowhq_test_{}", uuid::Uuid::now_v7().simple());
        let mut conn = AnyConnection::connect(&server_url)
            .await
            .unwrap_or_else(|e| panic!("connecting to {POSTGRES_URL_VAR}: {e}"));
        sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .expect("creating a test database");
        let _ = conn.close().await;
        let url = replace_database(&server_url, &name);
        Some(TestDb {
            url,
            backend: Backend::Postgres,
            dir: None,
            postgres: Some((server_url, name)),
        })
    }

    /// Drops a PostgreSQL test database (SQLite's goes with its directory).
    pub async fn cleanup(self) {
        if let Some((server_url, name)) = &self.postgres
            && let Ok(mut conn) = AnyConnection::connect(server_url).await
        {
            let _ = sqlx::raw_sql(AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(&mut conn)
            .await;
            let _ = conn.close().await;
        }
    }
}

fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

/// Expands each listed `async fn(TestDb)`-style test into a module with a
/// `sqlite` and a `postgres` test.
#[macro_export]
macro_rules! backend_tests {
    ($runner:ident: $($test:ident),+ $(,)?) => {
        $(
            mod $test {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$runner($crate::Backend::Sqlite, super::$test).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$runner($crate::Backend::Postgres, super::$test).await;
                }
            }
        )+
    };
}

#[cfg(test)]
mod tests {
    use super::replace_database;

    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            replace_database("postgres://u@h:5432/test", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(
            replace_database("postgres://u@h/test?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
        assert_eq!(replace_database("postgres://u@h", "x"), "postgres://u@h/x");
    }
}
