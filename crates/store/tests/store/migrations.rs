//! Databases made before sqlx's migrator upgrade in place, on both backends.

use flowhq_domain::{TenantConfigId, TenantId};
use flowhq_store::testing::TestDb;
use flowhq_store::{Backend, Store};
use sqlx::{AnyConnection, AssertSqlSafe, Connection};

/// The migrations as the old runner applied them, up to 0008: the upgrade
/// must adopt these and still apply 0009 and every later one.
const OLD: [(i64, &str, &str); 8] = [
    (
        1,
        "0001_initial",
        include_str!("../../migrations/0001_initial.sql"),
    ),
    (
        2,
        "0002_web_sessions",
        include_str!("../../migrations/0002_web_sessions.sql"),
    ),
    (
        3,
        "0003_workers",
        include_str!("../../migrations/0003_workers.sql"),
    ),
    (
        4,
        "0004_message_log_created_at",
        include_str!("../../migrations/0004_message_log_created_at.sql"),
    ),
    (
        5,
        "0005_message_decision",
        include_str!("../../migrations/0005_message_decision.sql"),
    ),
    (
        6,
        "0006_pairing_code",
        include_str!("../../migrations/0006_pairing_code.sql"),
    ),
    (
        7,
        "0007_mail",
        include_str!("../../migrations/0007_mail.sql"),
    ),
    (
        8,
        "0008_worker_send",
        include_str!("../../migrations/0008_worker_send.sql"),
    ),
];

/// What the hand-written runner before sqlx's migrator did: its table, each
/// migration in a transaction with its row. Returns a tenant stored then.
async fn as_the_old_runner_left_it(url: &str) -> TenantId {
    sqlx::any::install_default_drivers();
    let url = if url.starts_with("sqlite:") {
        format!("{url}?mode=rwc")
    } else {
        url.to_owned()
    };
    let mut conn = AnyConnection::connect(&url).await.unwrap();
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version BIGINT PRIMARY KEY,
             name TEXT NOT NULL,
             applied_at BIGINT NOT NULL
         )",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    for (version, name, sql) in OLD {
        let mut tx = conn.begin().await.unwrap();
        sqlx::raw_sql(AssertSqlSafe(sql))
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(version)
        .bind(name)
        .bind(1_700_000_000_000_i64)
        .execute(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    let id = TenantId::new();
    sqlx::query(
        "INSERT INTO tenant (id, name, phone_number, status, created_at, updated_at) \
         VALUES ($1, 'Old Cafe', '+5511900000042', 'NEW', 1, 1)",
    )
    .bind(id.to_string())
    .execute(&mut conn)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO tenant_config (id, tenant_id, template_type, business_name, language, \
         hours_json, created_at, updated_at) \
         VALUES ($1, $2, 'GENERIC', 'Old Cafe', 'EN', '{\"timezone\": \"UTC\"}', 1, 1)",
    )
    .bind(TenantConfigId::new().to_string())
    .bind(id.to_string())
    .execute(&mut conn)
    .await
    .unwrap();
    // Its owner, logged in: 0024 rebuilds `app_user` on SQLite, and the
    // session (a row that cascades from it) must survive that.
    sqlx::query(
        "INSERT INTO app_user (id, tenant_id, name, email, role, password_hash, created_at, updated_at) \
         VALUES ('0190a5f0-0000-7000-8000-0000000000aa', $1, 'Olga', 'olga@example.com', 'OWNER', 'x', 1, 1)",
    )
    .bind(id.to_string())
    .execute(&mut conn)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO web_session (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at) \
         VALUES ('hash-of-olga', '0190a5f0-0000-7000-8000-0000000000aa', 'c', 1, 1, 9999999999999)",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    id
}

/// How many migrations the repository holds (a migration with a file per
/// backend counts once): all of them must be applied.
fn migration_files() -> i64 {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations");
    let versions: std::collections::BTreeSet<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".sql"))
        .map(|name| name[..4].to_owned())
        .collect();
    i64::try_from(versions.len()).unwrap()
}

async fn upgrades_in_place(backend: Backend) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let id = as_the_old_runner_left_it(&db.url).await;
    for start in ["upgrade", "restart"] {
        let store = Store::connect(&db.url)
            .await
            .unwrap_or_else(|e| panic!("{start}: {e}"));
        assert_eq!(store.tenant(id).await.unwrap().name, "Old Cafe", "{start}");
        let (applied,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
                .fetch_one(store.pool())
                .await
                .unwrap();
        assert_eq!(
            applied,
            migration_files(),
            "{start}: the old eight adopted, the later ones applied"
        );
        let old_table = sqlx::query("SELECT 1 FROM schema_migrations")
            .fetch_optional(store.pool())
            .await;
        assert!(old_table.is_err(), "{start}: the old table is dropped");
        // 0009 ran: the simulator's tables left the production schema.
        let sim = sqlx::query("SELECT 1 FROM sim_device")
            .fetch_optional(store.pool())
            .await;
        assert!(sim.is_err(), "{start}: 0009 applied");
        // 0010 ran: the old tenant's config reads with an empty calendar.
        let config = store.tenant_config(id).await.unwrap();
        assert!(config.closures.is_empty(), "{start}: 0010 applied");
        // 0024 ran: staff may share the tenant, and nothing cascaded.
        let (sessions,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM web_session w JOIN app_user u ON u.id = w.user_id \
             WHERE u.email = 'olga@example.com'",
        )
        .fetch_one(store.pool())
        .await
        .unwrap();
        assert_eq!(sessions, 1, "{start}: the owner's session survived");
        sqlx::query(
            "INSERT INTO app_user (id, tenant_id, name, email, role, password_hash, created_at, updated_at) \
             VALUES ($1, $2, 'Staff', $3, 'STAFF', 'x', 1, 1)",
        )
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(id.to_string())
        .bind(format!("staff-{start}@example.com"))
        .execute(store.pool())
        .await
        .unwrap_or_else(|e| panic!("{start}: staff of the tenant: {e}"));
        let second_owner = sqlx::query(
            "INSERT INTO app_user (id, tenant_id, name, email, role, password_hash, created_at, updated_at) \
             VALUES ($1, $2, 'Owner 2', $3, 'OWNER', 'x', 1, 1)",
        )
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(id.to_string())
        .bind(format!("owner-{start}@example.com"))
        .execute(store.pool())
        .await;
        assert!(second_owner.is_err(), "{start}: one owner per tenant");
        if backend == Backend::Sqlite {
            let (on,): (i64,) = sqlx::query_as("PRAGMA foreign_keys")
                .fetch_one(store.pool())
                .await
                .unwrap();
            assert_eq!(on, 1, "{start}: foreign keys back on");
            let broken = sqlx::query("PRAGMA foreign_key_check")
                .fetch_optional(store.pool())
                .await
                .unwrap();
            assert!(broken.is_none(), "{start}: no dangling reference");
        }
        store.close().await;
    }
    db.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_from_the_old_runner_upgrades_in_place_on_sqlite() {
    upgrades_in_place(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_from_the_old_runner_upgrades_in_place_on_postgres() {
    upgrades_in_place(Backend::Postgres).await;
}

/// Replicas starting at once on an empty PostgreSQL database: the advisory
/// lock lets one apply each migration while the other waits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_starting_at_once_migrate_once() {
    let Some(db) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    let (a, b) = tokio::join!(Store::connect(&db.url), Store::connect(&db.url));
    let (a, b) = (a.unwrap(), b.unwrap());
    let (applied,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(a.pool())
        .await
        .unwrap();
    assert_eq!(applied, migration_files());
    a.close().await;
    b.close().await;
    db.cleanup().await;
}
