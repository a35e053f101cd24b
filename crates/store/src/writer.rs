//! Group commit for SQLite's busiest writes.
//!
//! Customer messages entering the simulated network, their
//! acknowledgements, the bot's sends and the message log are written
//! thousands of times a second under load. Through the pool each was a
//! transaction of its own, on whichever connection was free: its own WAL
//! commit and lock round, a checkpoint every thousand pages run inline in
//! whichever request crossed the line, and every other connection's page
//! cache dropped after it (`BENCHMARKS.md` has the profile).
//!
//! Here one thread owns one connection and commits everything that queued
//! up while it was busy as one transaction. Each caller's statements run in
//! a savepoint of their own, so a failing caller rolls back only itself,
//! and callers hear back only once the transaction is committed. The same
//! thread checkpoints the WAL about once a second, off every request's path.
//!
//! PostgreSQL needs none of this (the server does its own group commit):
//! there the same statements go through the pool ([`Store::write`] picks).

use std::path::Path;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use rusqlite::Connection;
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use tokio::sync::oneshot;

use crate::{Result, Store, StoreError};

/// The most callers one transaction serves: a bound on how long the first
/// of them waits for the commit.
const MAX_BATCH: usize = 256;
/// How often the writer moves the WAL back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// A value bound to a statement, on either path.
#[derive(Clone, Debug)]
pub(crate) enum Param {
    Text(String),
    Int(i64),
    Null,
}

impl From<&str> for Param {
    fn from(s: &str) -> Self {
        Param::Text(s.to_owned())
    }
}

impl From<String> for Param {
    fn from(s: String) -> Self {
        Param::Text(s)
    }
}

impl From<Option<&str>> for Param {
    fn from(s: Option<&str>) -> Self {
        s.map_or(Param::Null, Param::from)
    }
}

impl From<i64> for Param {
    fn from(n: i64) -> Self {
        Param::Int(n)
    }
}

impl rusqlite::ToSql for Param {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Param::Text(s) => ValueRef::Text(s.as_bytes()),
            Param::Int(n) => ValueRef::Integer(*n),
            Param::Null => ValueRef::Null,
        }))
    }
}

/// One statement and its values, numbered `$1…$n` in the order they first
/// appear in the SQL: SQLite numbers named parameters by first appearance,
/// so the writer binds them by position like sqlx does.
#[derive(Clone, Debug)]
pub(crate) struct Statement {
    pub sql: String,
    pub params: Vec<Param>,
}

impl Statement {
    pub fn new(sql: impl Into<String>, params: Vec<Param>) -> Self {
        Self {
            sql: sql.into(),
            params,
        }
    }

    fn sqlx(&self) -> Query<'_, sqlx::Any, AnyArguments> {
        let mut query = sqlx::query(sqlx::AssertSqlSafe(self.sql.as_str()));
        for param in &self.params {
            query = match param {
                Param::Text(s) => query.bind(s.as_str()),
                Param::Int(n) => query.bind(*n),
                Param::Null => query.bind(None::<String>),
            };
        }
        query
    }
}

impl Store {
    /// Runs `statements` as one atomic unit and returns the rows each
    /// affected: through the group-commit writer on SQLite, through the
    /// pool on PostgreSQL. Returns once the unit is committed.
    pub(crate) async fn write(&self, statements: Vec<Statement>) -> Result<Vec<u64>> {
        if let Some(writer) = &self.writer {
            return writer.run(statements).await;
        }
        if let [statement] = statements.as_slice() {
            return Ok(vec![
                statement.sqlx().execute(self.pool()).await?.rows_affected(),
            ]);
        }
        let mut tx = self.begin().await?;
        let mut affected = Vec::with_capacity(statements.len());
        for statement in &statements {
            affected.push(statement.sqlx().execute(&mut *tx).await?.rows_affected());
        }
        tx.commit().await?;
        Ok(affected)
    }
}

/// A caller's statements and where its answer goes.
struct Job {
    statements: Vec<Statement>,
    reply: oneshot::Sender<rusqlite::Result<Vec<u64>>>,
}

/// The handle callers hold; the thread stops when the last one is dropped.
#[derive(Clone, Debug)]
pub(crate) struct Writer {
    jobs: mpsc::Sender<Job>,
}

impl Writer {
    /// Opens a second connection to the database file at `path` (which the
    /// pool has already migrated) and starts the writer's thread.
    pub fn start(path: &Path) -> Result<Self> {
        let conn = open(path).map_err(StoreError::Writer)?;
        let (jobs, queue) = mpsc::channel();
        thread::Builder::new()
            .name("flowhq-sqlite-writer".into())
            .spawn(move || serve(&conn, &queue))
            .map_err(|e| StoreError::Config(format!("starting the SQLite writer: {e}")))?;
        Ok(Self { jobs })
    }

    async fn run(&self, statements: Vec<Statement>) -> Result<Vec<u64>> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job { statements, reply })
            .map_err(|_| stopped())?;
        answer
            .await
            .map_err(|_| stopped())?
            .map_err(StoreError::Writer)
    }
}

fn stopped() -> StoreError {
    StoreError::Writer(failure("the SQLite writer thread has stopped"))
}

fn failure(message: &str) -> rusqlite::Error {
    rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR),
        Some(message.to_owned()),
    )
}

fn open(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0))?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // This thread checkpoints on its own clock (see `serve`).
    conn.pragma_update(None, "wal_autocheckpoint", 0)?;
    // Multi-row inserts come in as many shapes as batch sizes.
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

/// The writer's loop: wait for a caller, take whoever else is queued, run
/// them all in one transaction, answer them after the commit.
/// Checkpoints run whether or not this thread wrote: the pool's
/// connections do not checkpoint either (`Store::connect`).
fn serve(conn: &Connection, queue: &mpsc::Receiver<Job>) {
    let mut last_checkpoint = Instant::now();
    loop {
        let wait = CHECKPOINT_EVERY.saturating_sub(last_checkpoint.elapsed());
        match queue.recv_timeout(wait) {
            Ok(first) => {
                let mut batch = vec![first];
                while batch.len() < MAX_BATCH {
                    match queue.try_recv() {
                        Ok(job) => batch.push(job),
                        Err(_) => break,
                    }
                }
                commit_batch(conn, batch);
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        if last_checkpoint.elapsed() >= CHECKPOINT_EVERY {
            checkpoint(conn);
            last_checkpoint = Instant::now();
        }
    }
    // The last handle is gone: move what the WAL holds into the file.
    checkpoint(conn);
}

fn commit_batch(conn: &Connection, batch: Vec<Job>) {
    if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
        for job in batch {
            let _ = job.reply.send(Err(copy_error(&e)));
        }
        return;
    }
    let results: Vec<_> = batch
        .iter()
        .map(|job| in_savepoint(conn, &job.statements))
        .collect();
    let committed = conn.execute_batch("COMMIT");
    if committed.is_err() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    for (job, result) in batch.into_iter().zip(results) {
        let answer = match &committed {
            Ok(()) => result,
            Err(e) => Err(copy_error(e)),
        };
        // A caller that gave up waiting no longer needs its answer.
        let _ = job.reply.send(answer);
    }
}

/// One caller's statements, all or nothing, inside the batch's transaction.
fn in_savepoint(conn: &Connection, statements: &[Statement]) -> rusqlite::Result<Vec<u64>> {
    conn.execute_batch("SAVEPOINT job")?;
    let run = || -> rusqlite::Result<Vec<u64>> {
        statements
            .iter()
            .map(|s| {
                let mut prepared = conn.prepare_cached(&s.sql)?;
                Ok(prepared.execute(rusqlite::params_from_iter(&s.params))? as u64)
            })
            .collect()
    };
    match run() {
        Ok(affected) => {
            conn.execute_batch("RELEASE job")?;
            Ok(affected)
        }
        Err(e) => {
            conn.execute_batch("ROLLBACK TO job; RELEASE job")?;
            Err(e)
        }
    }
}

/// A passive checkpoint never waits for readers: what it cannot copy yet,
/// the next one will.
fn checkpoint(conn: &Connection) {
    if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
        tracing::warn!(error = %e, "WAL checkpoint failed; retrying in a second");
    }
}

/// The same error for every caller of a batch that failed as a whole.
fn copy_error(e: &rusqlite::Error) -> rusqlite::Error {
    match e {
        rusqlite::Error::SqliteFailure(code, message) => {
            rusqlite::Error::SqliteFailure(*code, message.clone())
        }
        other => failure(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(dir: &tempfile::TempDir) -> std::path::PathBuf {
        let path = dir.path().join("w.db");
        let conn = open(&path).unwrap();
        conn.execute_batch("CREATE TABLE t (x INTEGER PRIMARY KEY)")
            .unwrap();
        path
    }

    fn insert(x: i64) -> Statement {
        Statement::new("INSERT INTO t (x) VALUES ($1)", vec![x.into()])
    }

    fn rows(path: &Path) -> Vec<i64> {
        let conn = Connection::open(path).unwrap();
        let mut stmt = conn.prepare("SELECT x FROM t ORDER BY x").unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    #[test]
    fn a_failing_caller_rolls_back_only_itself() {
        let dir = tempfile::tempdir().unwrap();
        let path = table(&dir);
        let conn = open(&path).unwrap();
        let (jobs, answers): (Vec<_>, Vec<_>) = [
            vec![insert(1)],
            // Its first row is undone with it: the second breaks the key.
            vec![insert(2), insert(1)],
            vec![insert(3), insert(4)],
        ]
        .into_iter()
        .map(|statements| {
            let (reply, answer) = oneshot::channel();
            (Job { statements, reply }, answer)
        })
        .unzip();
        commit_batch(&conn, jobs);
        let answers: Vec<_> = answers
            .into_iter()
            .map(|mut a| a.try_recv().expect("answered after the commit"))
            .collect();
        assert_eq!(answers[0].as_ref().unwrap(), &vec![1]);
        assert!(answers[1].is_err(), "{:?}", answers[1]);
        assert_eq!(answers[2].as_ref().unwrap(), &vec![1, 1]);
        assert_eq!(rows(&path), vec![1, 3, 4]);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_callers_all_land_and_see_their_commit() {
        let dir = tempfile::tempdir().unwrap();
        let path = table(&dir);
        let writer = Writer::start(&path).unwrap();
        let tasks: Vec<_> = (0..200)
            .map(|x| {
                let writer = writer.clone();
                let path = path.clone();
                tokio::spawn(async move {
                    assert_eq!(writer.run(vec![insert(x)]).await.unwrap(), vec![1]);
                    // Answered only once committed: another connection sees it.
                    let conn = Connection::open(&path).unwrap();
                    let seen: i64 = conn
                        .query_row("SELECT COUNT(*) FROM t WHERE x = ?1", [x], |r| r.get(0))
                        .unwrap();
                    assert_eq!(seen, 1);
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(rows(&path), (0..200).collect::<Vec<_>>());
    }

    #[tokio::test]
    async fn in_memory_sqlite_is_refused_clearly() {
        let err = Store::connect("sqlite::memory:").await.unwrap_err();
        assert!(err.to_string().contains("file"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("f.db").display());
        assert!(Store::connect(&url).await.unwrap().writer.is_some());
    }
}
