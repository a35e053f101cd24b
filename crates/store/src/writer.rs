//! Group commit for SQLite's busiest writes.
//!
//! The message log is written thousands of times a second under load
//! (the simulated network, which used to share this path, keeps its own
//! file now: `crates/sim`). Through the pool each was a
//! transaction of its own, on whichever connection was free: its own WAL
//! commit and lock round, a checkpoint every thousand pages run inline in
//! whichever request crossed the line, and every other connection's page
//! cache dropped after it (`BENCHMARKS.md` has the profile).
//!
//! Here one thread owns one connection and commits everything that queued
//! up while it was busy as one transaction. Each caller's work (a list of
//! statements, or a closure that also reads, as a worker's log batch does)
//! runs in a savepoint of its own, so a failing caller rolls back only
//! itself, and callers hear back only once the transaction is committed.
//! The same thread checkpoints the WAL about once a second, off every
//! request's path.
//!
//! PostgreSQL needs none of this (the server does its own group commit):
//! there the same statements go through the pool ([`Store::write`] picks),
//! and a batch's closure has a transaction as its counterpart.

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
/// The pause after each transaction (see `serve`).
const LOCK_BREAK: Duration = Duration::from_millis(1);
/// How often the writer moves the WAL back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);
/// A log this long (about 16 MiB) is made to start over, not only copied
/// back. A passive checkpoint copies what it can, but the file is written
/// from its beginning again only if no reader is still in it when the next
/// transaction starts, a millisecond later; with the pool busy there
/// nearly always is one, and a 500-tenant run grew the file to 250 MiB in
/// a minute, three times the database, every frame of it an append that
/// costs the kernel more than an overwrite.
const RESTART_AT_FRAMES: i64 = 4_096;
/// How long a restart waits for the readers still in the log: reads take
/// milliseconds, and one that takes longer only puts the restart off to
/// the next second.
const RESTART_WAIT: Duration = Duration::from_millis(100);
/// What the log file is cut back to when it starts over, should a burst
/// have grown it past that.
const WAL_LIMIT_BYTES: i64 = 64 << 20;

/// A value bound to a statement, on either path.
#[derive(Debug)]
pub(crate) enum Param {
    Text(String),
    Int(i64),
    Null,
    /// A NULL for an integer column: PostgreSQL refuses a text NULL there.
    NullInt,
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

impl From<Option<i64>> for Param {
    fn from(n: Option<i64>) -> Self {
        n.map_or(Param::NullInt, Param::Int)
    }
}

impl rusqlite::ToSql for Param {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Param::Text(s) => ValueRef::Text(s.as_bytes()),
            Param::Int(n) => ValueRef::Integer(*n),
            Param::Null | Param::NullInt => ValueRef::Null,
        }))
    }
}

/// One statement and its values: `$n` in the SQL is `params[n - 1]`, on
/// both paths (the writer binds by name, as sqlx does).
#[derive(Debug)]
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

    pub(crate) fn sqlx(&self) -> Query<'_, sqlx::Any, AnyArguments> {
        let mut query = sqlx::query(sqlx::AssertSqlSafe(self.sql.as_str()));
        for param in &self.params {
            query = match param {
                Param::Text(s) => query.bind(s.as_str()),
                Param::Int(n) => query.bind(*n),
                Param::Null => query.bind(None::<String>),
                Param::NullInt => query.bind(None::<i64>),
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
            return writer.run(move |conn| execute_all(conn, &statements)).await;
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

/// A caller's work, run on the writer's connection inside a savepoint of
/// its own, and answered once the transaction is committed.
trait Unit: Send {
    /// Runs the work; an error is this caller's alone (its savepoint is
    /// undone, the others' stand).
    fn run(&mut self, conn: &Connection) -> rusqlite::Result<()>;
    /// Answers the caller: with what `run` produced, or with `error`.
    fn answer(self: Box<Self>, error: Option<rusqlite::Error>);
}

/// A [`Unit`] that hands its caller a `T`.
struct Job<T, F> {
    work: Option<F>,
    output: Option<T>,
    reply: oneshot::Sender<rusqlite::Result<T>>,
}

impl<T, F> Unit for Job<T, F>
where
    T: Send,
    F: FnOnce(&Connection) -> rusqlite::Result<T> + Send,
{
    fn run(&mut self, conn: &Connection) -> rusqlite::Result<()> {
        let work = self.work.take().ok_or_else(|| failure("a job ran twice"))?;
        self.output = Some(work(conn)?);
        Ok(())
    }

    fn answer(self: Box<Self>, error: Option<rusqlite::Error>) {
        let result = match (error, self.output) {
            (Some(e), _) => Err(e),
            (None, Some(output)) => Ok(output),
            (None, None) => Err(failure("a job was answered before it ran")),
        };
        // A caller that gave up waiting no longer needs its answer.
        let _ = self.reply.send(result);
    }
}

enum Message {
    Job(Box<dyn Unit>),
    /// Checkpoint and stop; answered once done.
    Close(oneshot::Sender<()>),
}

/// The handle callers hold.
#[derive(Clone, Debug)]
pub(crate) struct Writer {
    queue: mpsc::Sender<Message>,
}

impl Writer {
    /// Opens a second connection to the database file at `path` (which the
    /// pool has already migrated) and starts the writer's thread.
    pub fn start(path: &Path) -> Result<Self> {
        let conn = open(path).map_err(StoreError::Writer)?;
        let (queue, messages) = mpsc::channel();
        thread::Builder::new()
            .name("flowhq-sqlite-writer".into())
            .spawn(move || serve(&conn, &messages))
            .map_err(|e| StoreError::Config(format!("starting the SQLite writer: {e}")))?;
        Ok(Self { queue })
    }

    /// Runs `work` on the writer's connection, as one atomic unit inside
    /// the next group transaction; returns its output once committed.
    pub async fn run<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            work: Some(work),
            output: None,
            reply,
        };
        self.queue
            .send(Message::Job(Box::new(job)))
            .map_err(|_| stopped())?;
        answer
            .await
            .map_err(|_| stopped())?
            .map_err(StoreError::Writer)
    }

    /// Lets queued writes finish, checkpoints the WAL and stops the thread.
    pub async fn close(&self) {
        let (done, closed) = oneshot::channel();
        if self.queue.send(Message::Close(done)).is_ok() {
            let _ = closed.await;
        }
    }
}

fn stopped() -> StoreError {
    StoreError::Writer(failure("the SQLite writer has stopped"))
}

fn failure(message: &str) -> rusqlite::Error {
    rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR),
        Some(message.to_owned()),
    )
}

fn open(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.execute_batch(crate::SQLITE_PRAGMAS)?;
    let mode: String = conn.pragma_query_value(None, "journal_mode", |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(failure(&format!(
            "the database stays in journal mode {mode}; the writer needs WAL"
        )));
    }
    // This thread checkpoints on its own clock (see `serve`).
    conn.pragma_update(None, "wal_autocheckpoint", 0)?;
    conn.pragma_update(None, "journal_size_limit", WAL_LIMIT_BYTES)?;
    // Each caller's savepoint keeps the first version of every page it
    // changes in a sub-journal, which SQLite spills to a temporary file past
    // 64 KiB: with 2,000 tenants' rows on pages of their own, a tenth of
    // the control plane's CPU went into those writes. Kept in memory, a
    // batch's sub-journal is a few MiB at most (`MAX_BATCH` callers).
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // Multi-row statements come in a few shapes each (`placeholders::runs`).
    conn.set_prepared_statement_cache_capacity(128);
    Ok(conn)
}

/// The writer's loop: wait for a caller, take whoever else is queued, run
/// them all in one transaction, answer them after the commit. Checkpoints
/// run whether or not this thread wrote: the pool's connections checkpoint
/// only as a safety net (`Store::connect`).
fn serve(conn: &Connection, queue: &mpsc::Receiver<Message>) {
    let mut last_checkpoint = Instant::now();
    let mut closing = None;
    while closing.is_none() {
        let wait = CHECKPOINT_EVERY.saturating_sub(last_checkpoint.elapsed());
        match queue.recv_timeout(wait) {
            Ok(Message::Job(first)) => {
                let mut batch = vec![first];
                while batch.len() < MAX_BATCH {
                    match queue.try_recv() {
                        Ok(Message::Job(job)) => batch.push(job),
                        Ok(Message::Close(done)) => {
                            closing = Some(done);
                            break;
                        }
                        Err(_) => break,
                    }
                }
                commit_batch(conn, batch);
                // Leave the write lock free for a moment before the next
                // transaction: the pool's writers (supervisor, sessions)
                // wait for it in SQLite's busy handler, which only looks
                // between sleeps, and back to back transactions starved
                // them (a restart took 21 s at 3,000 messages/s). Callers
                // arriving meanwhile join the next batch.
                thread::sleep(LOCK_BREAK);
            }
            Ok(Message::Close(done)) => closing = Some(done),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            // Every handle is gone without a close.
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        if last_checkpoint.elapsed() >= CHECKPOINT_EVERY {
            checkpoint(conn);
            last_checkpoint = Instant::now();
        }
    }
    checkpoint(conn);
    if let Some(done) = closing {
        let _ = done.send(());
    }
}

fn commit_batch(conn: &Connection, mut batch: Vec<Box<dyn Unit>>) {
    if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
        answer_all(batch, &e);
        return;
    }
    let mut errors = Vec::with_capacity(batch.len());
    for job in &mut batch {
        let result = in_savepoint(conn, |conn| job.run(conn));
        if conn.is_autocommit() {
            // Some errors (a full disk, an I/O error) make SQLite roll back
            // the whole transaction, not just the statement: nothing of
            // this batch is written, so no caller may hear otherwise.
            let e = result
                .err()
                .unwrap_or_else(|| failure("the transaction was rolled back"));
            answer_all(batch, &e);
            return;
        }
        errors.push(result.err());
    }
    if let Err(e) = conn.execute_batch("COMMIT") {
        let _ = conn.execute_batch("ROLLBACK");
        answer_all(batch, &e);
        return;
    }
    for (job, error) in batch.into_iter().zip(errors) {
        job.answer(error);
    }
}

fn answer_all(batch: Vec<Box<dyn Unit>>, e: &rusqlite::Error) {
    for job in batch {
        job.answer(Some(copy_error(e)));
    }
}

/// One caller's work, all or nothing, inside the batch's transaction. Its
/// own error is what it returns, even when undoing it fails too (the
/// caller of this checks the transaction is still open).
fn in_savepoint<T>(
    conn: &Connection,
    work: impl FnOnce(&Connection) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    // Prepared once: compiling these two for every caller showed in profiles.
    conn.prepare_cached("SAVEPOINT job")?.execute([])?;
    match work(conn) {
        Ok(output) => {
            conn.prepare_cached("RELEASE job")?.execute([])?;
            Ok(output)
        }
        Err(e) => {
            if !conn.is_autocommit() {
                let _ = conn.execute_batch("ROLLBACK TO job; RELEASE job");
            }
            Err(e)
        }
    }
}

/// Runs `statements` in order; the rows each affected.
pub(crate) fn execute_all(
    conn: &Connection,
    statements: &[Statement],
) -> rusqlite::Result<Vec<u64>> {
    statements.iter().map(|s| execute(conn, s)).collect()
}

/// Runs one statement; the rows it affected.
fn execute(conn: &Connection, statement: &Statement) -> rusqlite::Result<u64> {
    let mut prepared = conn.prepare_cached(&statement.sql)?;
    bind(&mut prepared, statement)?;
    Ok(prepared.raw_execute()? as u64)
}

/// Runs one query; each row as `row` reads it.
pub(crate) fn query<T>(
    conn: &Connection,
    statement: &Statement,
    mut row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Vec<T>> {
    let mut prepared = conn.prepare_cached(&statement.sql)?;
    bind(&mut prepared, statement)?;
    let mut rows = prepared.raw_query();
    let mut read = Vec::new();
    while let Some(r) = rows.next()? {
        read.push(row(r)?);
    }
    Ok(read)
}

/// Binds `$n` to `params[n - 1]` by name, like sqlx: binding by position
/// would swap values silently in a statement that names `$2` before `$1`.
fn bind(
    prepared: &mut rusqlite::CachedStatement<'_>,
    statement: &Statement,
) -> rusqlite::Result<()> {
    let mut highest = 0;
    for index in 1..=prepared.parameter_count() {
        let n = prepared
            .parameter_name(index)
            .and_then(|name| name.strip_prefix('$'))
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|&n| n >= 1)
            .ok_or_else(|| failure("the writer takes $1, $2, … parameters only"))?;
        let value = statement
            .params
            .get(n - 1)
            .ok_or(rusqlite::Error::InvalidParameterCount(
                n,
                statement.params.len(),
            ))?;
        prepared.raw_bind_parameter(index, value)?;
        highest = highest.max(n);
    }
    if highest != statement.params.len() {
        return Err(rusqlite::Error::InvalidParameterCount(
            highest,
            statement.params.len(),
        ));
    }
    Ok(())
}

/// A passive checkpoint never waits for readers: what it cannot copy yet,
/// the next one will. A long log is then restarted ([`RESTART_AT_FRAMES`]).
fn checkpoint(conn: &Connection) {
    match passive_checkpoint(conn) {
        Ok(frames) if frames >= RESTART_AT_FRAMES => {
            if let Err(e) = restart(conn) {
                tracing::warn!(error = %e, "WAL restart failed; retrying in a second");
            }
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "WAL checkpoint failed; retrying in a second"),
    }
}

/// Copies back what no reader still needs; returns the frames in the log
/// (the pragma's second column).
fn passive_checkpoint(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| row.get(1))
}

/// Waits up to [`RESTART_WAIT`] for the readers in the log to finish, so
/// that the next transaction writes it from the start. Readers that begin
/// meanwhile read the database file alone and are not waited for. Still
/// busy after the wait, it leaves the log as it is (the pragma says so in
/// its first column, not as an error).
fn restart(conn: &Connection) -> rusqlite::Result<()> {
    // The connection's own timeout (`SQLITE_PRAGMAS`) is put back after.
    let busy: i64 = conn.pragma_query_value(None, "busy_timeout", |row| row.get(0))?;
    conn.busy_timeout(RESTART_WAIT)?;
    let restarted = conn.query_row("PRAGMA wal_checkpoint(RESTART)", [], |_| Ok(()));
    conn.pragma_update(None, "busy_timeout", busy)?;
    restarted
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
        let (jobs, answers) = batch(vec![
            vec![insert(1)],
            // Its first row is undone with it: the second breaks the key.
            vec![insert(2), insert(1)],
            vec![insert(3), insert(4)],
        ]);
        commit_batch(&conn, jobs);
        let answers = answered(answers);
        assert_eq!(answers[0].as_ref().unwrap(), &vec![1]);
        assert!(answers[1].is_err(), "{:?}", answers[1]);
        assert_eq!(answers[2].as_ref().unwrap(), &vec![1, 1]);
        assert_eq!(rows(&path), vec![1, 3, 4]);
    }

    #[test]
    fn a_long_log_starts_over_once_its_readers_are_done() {
        let dir = tempfile::tempdir().unwrap();
        let path = table(&dir);
        let conn = open(&path).unwrap();
        for x in 0..RESTART_AT_FRAMES {
            conn.execute("INSERT INTO t (x) VALUES (?1)", [x]).unwrap();
        }
        // A reader in the log when the checkpoint runs, as a busy pool
        // nearly always has; it finishes a moment later.
        let reader = Connection::open(&path).unwrap();
        reader.execute_batch("BEGIN").unwrap();
        let seen: i64 = reader
            .query_row("SELECT COUNT(*) FROM t", [], |row| row.get(0))
            .unwrap();
        assert_eq!(seen, RESTART_AT_FRAMES);
        let done = thread::spawn(move || {
            thread::sleep(RESTART_WAIT / 3);
            reader.execute_batch("COMMIT").unwrap();
        });
        let busy = |conn: &Connection| -> i64 {
            conn.pragma_query_value(None, "busy_timeout", |row| row.get(0))
                .unwrap()
        };
        let timeout = busy(&conn);
        checkpoint(&conn);
        assert_eq!(busy(&conn), timeout, "the restart puts the timeout back");
        conn.execute("INSERT INTO t (x) VALUES (-1)", []).unwrap();
        done.join().unwrap();
        let frames = passive_checkpoint(&conn).unwrap();
        assert!(frames < 10, "the log went on to {frames} frames");
    }

    fn batch(jobs: Vec<Vec<Statement>>) -> (Vec<Box<dyn Unit>>, Vec<Answer>) {
        jobs.into_iter()
            .map(|statements| {
                let (reply, answer) = oneshot::channel();
                let job = Job {
                    work: Some(move |conn: &Connection| execute_all(conn, &statements)),
                    output: None,
                    reply,
                };
                (Box::new(job) as Box<dyn Unit>, answer)
            })
            .unzip()
    }

    type Answer = oneshot::Receiver<rusqlite::Result<Vec<u64>>>;

    fn answered(answers: Vec<Answer>) -> Vec<rusqlite::Result<Vec<u64>>> {
        answers
            .into_iter()
            .map(|mut a| a.try_recv().expect("answered"))
            .collect()
    }

    #[test]
    fn a_transaction_sqlite_rolls_back_whole_fails_every_caller() {
        let dir = tempfile::tempdir().unwrap();
        let path = table(&dir);
        let conn = open(&path).unwrap();
        // What a full disk does to the transaction, on demand.
        conn.execute_batch(
            "CREATE TRIGGER full BEFORE INSERT ON t WHEN NEW.x = 99 \
             BEGIN SELECT RAISE(ROLLBACK, 'disk full'); END",
        )
        .unwrap();
        let (jobs, answers) = batch(vec![vec![insert(1)], vec![insert(99)], vec![insert(3)]]);
        commit_batch(&conn, jobs);
        let answers = answered(answers);
        assert!(answers.iter().all(Result::is_err), "{answers:?}");
        assert!(
            answers[1]
                .as_ref()
                .unwrap_err()
                .to_string()
                .contains("disk full"),
            "the failing caller hears its own error: {answers:?}"
        );
        assert_eq!(
            rows(&path),
            Vec::<i64>::new(),
            "nothing of the batch is written"
        );
        // The connection is not left inside a transaction.
        let (jobs, answers) = batch(vec![vec![insert(5)]]);
        commit_batch(&conn, jobs);
        assert_eq!(answered(answers)[0].as_ref().unwrap(), &vec![1]);
        assert_eq!(rows(&path), vec![5]);
    }

    #[test]
    fn parameters_bind_by_their_number_not_their_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = table(&dir);
        let conn = open(&path).unwrap();
        conn.execute_batch("CREATE TABLE pair (a INTEGER, b TEXT)")
            .unwrap();
        let swapped = Statement::new(
            "INSERT INTO pair (b, a) VALUES ($2, $1)",
            vec![7.into(), "seven".into()],
        );
        assert_eq!(execute(&conn, &swapped).unwrap(), 1);
        let pair: (i64, String) = conn
            .query_row("SELECT a, b FROM pair", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap();
        assert_eq!(pair, (7, "seven".to_owned()));
        let short = Statement::new("INSERT INTO pair (a, b) VALUES ($1, $2)", vec![1.into()]);
        assert!(execute(&conn, &short).is_err());
        let long = Statement::new("INSERT INTO pair (a) VALUES ($1)", vec![1.into(), 2.into()]);
        assert!(execute(&conn, &long).is_err());
    }

    #[tokio::test]
    async fn close_finishes_queued_writes_then_refuses() {
        let dir = tempfile::tempdir().unwrap();
        let path = table(&dir);
        let writer = Writer::start(&path).unwrap();
        let queued = tokio::spawn({
            let writer = writer.clone();
            async move { writer.run(|c| execute_all(c, &[insert(1)])).await }
        });
        tokio::task::yield_now().await;
        writer.close().await;
        assert_eq!(queued.await.unwrap().unwrap(), vec![1]);
        assert_eq!(rows(&path), vec![1]);
        let err = writer
            .run(|c| execute_all(c, &[insert(2)]))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("stopped"), "{err}");
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
                    let affected = writer.run(move |c| execute_all(c, &[insert(x)]));
                    assert_eq!(affected.await.unwrap(), vec![1]);
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
        assert!(
            err.to_string()
                .contains("in-memory SQLite is not supported"),
            "{err}"
        );
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("f.db").display());
        assert!(Store::connect(&url).await.unwrap().writer.is_some());
    }
}
