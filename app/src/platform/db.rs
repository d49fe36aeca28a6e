//! The database: SQLite (the embedded default, `sqlite://…`) or PostgreSQL
//! (`postgres://…`, for several servers at once), behind sqlx's `Any`
//! driver, so every feature has one set of SQL statements for both.
//!
//! Why `Any` rather than code generic over `sqlx::Database`, or a data trait
//! with an implementation per backend: the statements are the same text on
//! both (placeholders are `$N`, which SQLite reads too; the PostgreSQL
//! schema defines the few SQLite functions the statements use, such as
//! `json_each`), so a second implementation would fork every feature, and
//! generic code would carry a dozen trait bounds on every function for no
//! gain. What differs is small and kept in one place per feature, chosen by
//! [`dialect()`]: how a write transaction starts ([`begin_write`]), how a
//! name search finds its candidates, and the connection settings here.
//!
//! SQLite: WAL mode, foreign keys on, a busy timeout so that writers queue
//! instead of failing. Either way the embedded migrations run at start-up,
//! on a connection of their own, before the pool opens.

mod flag;
mod sessions;
mod sql;
#[cfg(any(test, feature = "test-support"))]
mod test_support;
mod text_enum;

use std::str::FromStr;
use std::sync::OnceLock;
use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::postgres::PgConnectOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{Any, AnyConnection, AnyPool, Connection as _, Executor as _, Transaction};

pub use flag::Flag;
pub use sessions::SessionRows;
pub use sql::{Sql, SqlRow};
#[cfg(test)]
pub use test_support::test_pool;
#[cfg(any(test, feature = "test-support"))]
pub use test_support::{raw_sqlite, test_database_url};
pub(crate) use text_enum::text_enum;

pub static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");
pub static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// Which database this process uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// The backend a database URL names.
    pub fn of_url(url: &str) -> Result<Self, sqlx::Error> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            Err(sqlx::Error::Configuration(
                "DATABASE_URL must start with sqlite: or postgres://".into(),
            ))
        }
    }
}

static DIALECT: OnceLock<Dialect> = OnceLock::new();

/// The dialect of the database this process opened ([`connect`]); SQLite
/// until one is opened. One process serves one kind of database.
pub fn dialect() -> Dialect {
    DIALECT.get().copied().unwrap_or(Dialect::Sqlite)
}

fn settle_dialect(dialect: Dialect) -> Result<(), sqlx::Error> {
    if *DIALECT.get_or_init(|| dialect) != dialect {
        return Err(sqlx::Error::Configuration(
            "this process already uses another kind of database".into(),
        ));
    }
    Ok(())
}

/// The most connections one server keeps open.
const MAX_CONNECTIONS: u32 = 16;

/// Opens the database at `url` (SQLite or PostgreSQL), applies the
/// migrations and returns the pool.
pub async fn connect(database_url: &str) -> Result<AnyPool, sqlx::Error> {
    let dialect = Dialect::of_url(database_url)?;
    settle_dialect(dialect)?;
    sqlx::any::install_default_drivers();
    match dialect {
        Dialect::Sqlite => {
            // The migrations run on a connection of their own, closed
            // before the pool opens any, so every pooled connection starts
            // on the final schema: after a change to the schema, a
            // connection that had seen the schema before can fail
            // statements whose triggers write the FTS5 name index with "no
            // such table: assets" (SQLite 3.46; see `refresh_statistics`
            // and `server::open_state`).
            let options = SqliteConnectOptions::from_str(database_url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true);
            let mut migrating = sqlx::SqliteConnection::connect_with(&options).await?;
            SQLITE_MIGRATIONS.run(&mut migrating).await?;
            migrating.close().await?;
        }
        Dialect::Postgres => {
            let options = PgConnectOptions::from_str(database_url)?;
            let mut migrating = sqlx::PgConnection::connect_with(&options).await?;
            POSTGRES_MIGRATIONS.run(&mut migrating).await?;
            migrating.close().await?;
        }
    }
    AnyPoolOptions::new()
        .max_connections(MAX_CONNECTIONS)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(15))
        .after_connect(move |conn, _| {
            Box::pin(async move {
                conn.execute(match dialect {
                    Dialect::Sqlite => SQLITE_SETTINGS,
                    Dialect::Postgres => POSTGRES_SETTINGS,
                })
                .await?;
                Ok(())
            })
        })
        .connect(database_url)
        .await
}

/// Every pooled SQLite connection's settings: commits are durable at the
/// next checkpoint (WAL, `synchronous = NORMAL`), writers wait up to 10 s
/// for the lock, and 8 MiB of page cache (SQLite's default is 2 MiB: a bulk
/// change of 50,000 rows on a long-lived connection thrashed it and ran
/// 2.2x slower than on a fresh one; see BENCHMARKS.md, issue 13). Pages are
/// cached as they are read, so an idle connection costs nothing.
const SQLITE_SETTINGS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA temp_store = memory; \
     PRAGMA cache_size = -8192;";

/// Every pooled PostgreSQL connection's settings:
/// - a plan for each statement with its values. After five runs of a
///   prepared statement PostgreSQL may switch to one generic plan, blind
///   to the values: for a name search that is a scan of every asset (58 ms
///   at 100,000) instead of the trigram index (5 ms). Trove's statements
///   are cheap to plan.
/// - a wait for a lock (the write lock, a row) gives up after 10 s, as
///   SQLite's busy timeout does, and the request is answered 503; a
///   transaction left idle for a minute (a server that hung mid-change) is
///   ended, so it cannot hold the write lock for every other server.
/// - times in UTC, whatever the server's default.
const POSTGRES_SETTINGS: &str = "SET plan_cache_mode = force_custom_plan; \
     SET lock_timeout = '10s'; SET idle_in_transaction_session_timeout = '60s'; \
     SET TIME ZONE 'UTC'";

/// Where PostgreSQL's write transactions queue, in place of SQLite's one
/// write lock: every change that reads rows and then writes what it read
/// (a bulk move, a restore, the purge) takes this lock first, so the rules
/// hold as they do on SQLite, across every server on the database.
const WRITE_LOCK: i64 = 0x7472_6f76_6521; // "trove!"

/// Starts a transaction that holds the write lock from its first statement:
/// `BEGIN IMMEDIATE` on SQLite, an advisory transaction lock on PostgreSQL.
pub async fn begin_write(conn: &mut AnyConnection) -> Result<Transaction<'_, Any>, sqlx::Error> {
    match dialect() {
        Dialect::Sqlite => conn.begin_with("BEGIN IMMEDIATE").await,
        Dialect::Postgres => {
            let mut tx = conn.begin().await?;
            take_write_lock(&mut tx).await?;
            Ok(tx)
        }
    }
}

/// [`begin_write`] on a connection of the pool.
pub async fn begin_write_on(pool: &AnyPool) -> Result<Transaction<'static, Any>, sqlx::Error> {
    match dialect() {
        Dialect::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await,
        Dialect::Postgres => {
            let mut tx = pool.begin().await?;
            take_write_lock(&mut tx).await?;
            Ok(tx)
        }
    }
}

async fn take_write_lock(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT 1 FROM pg_advisory_xact_lock($1)")
        .bind(WRITE_LOCK)
        .execute(conn)
        .await?;
    Ok(())
}

/// A list of ids as the JSON array a statement reads with
/// `json_each(…)`: one bound value, however many ids.
pub fn json_ids<T: serde::Serialize>(ids: &[T]) -> String {
    serde_json::to_string(ids).unwrap_or_else(|_| "[]".to_owned())
}

/// Refreshes the planner's statistics where they are stale; `trove serve`
/// calls it once at start-up, before it takes requests.
///
/// On SQLite, not on every connection's close, nor from the CLI while a
/// server may be running: ANALYZE changes the schema, and a schema change
/// while another connection compiles a statement whose trigger writes the
/// FTS5 name index makes that statement fail with "no such table: assets"
/// (SQLite 3.46; `two_purges_at_once_…` and `restore_racing_purge_…` in
/// `trash::purge` failed that way).
pub async fn refresh_statistics(pool: &AnyPool) -> Result<(), sqlx::Error> {
    let statement = match dialect() {
        Dialect::Sqlite => "PRAGMA optimize = 0x10002",
        // Trove's own tables: the catalogs are not the role's to analyze.
        Dialect::Postgres => {
            "ANALYZE assets, folders, spaces, users, memberships, audit_log, sign_in_failures"
        }
    };
    sqlx::query(statement).execute(pool).await?;
    Ok(())
}

/// A connection whose commits are on disk when they return, for the
/// transactions whose commit is followed by removing files (delete
/// permanently, purge). On SQLite that is `synchronous = FULL` (the WAL is
/// synced at every commit): under the pool's `NORMAL`, a commit can roll
/// back on power loss, and rows would come back whose files are gone. The
/// connection is closed rather than returned to the pool, so no other
/// transaction pays for the extra sync. PostgreSQL's commits are durable
/// already (`synchronous_commit` on).
pub async fn durable_connection(
    pool: &AnyPool,
) -> Result<sqlx::pool::PoolConnection<Any>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    if dialect() == Dialect::Sqlite {
        sqlx::query("PRAGMA synchronous = FULL")
            .execute(&mut *conn)
            .await?;
        conn.close_on_drop();
    }
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn synchronous(conn: &mut AnyConnection) -> i64 {
        sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(conn)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn durable_connections_sync_every_commit_and_are_not_reused() {
        let (pool, _dir) = test_pool().await;
        if dialect() != Dialect::Sqlite {
            return; // PostgreSQL's commits are durable on every connection.
        }
        const NORMAL: i64 = 1;
        const FULL: i64 = 2;
        let mut durable = durable_connection(&pool).await.unwrap();
        assert_eq!(synchronous(&mut durable).await, FULL);
        drop(durable);
        // Every connection the pool hands out afterwards is NORMAL again.
        let mut held = Vec::new();
        for _ in 0..4 {
            let mut conn = pool.acquire().await.unwrap();
            assert_eq!(synchronous(&mut conn).await, NORMAL);
            held.push(conn);
        }
    }
}
