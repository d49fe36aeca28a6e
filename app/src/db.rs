//! The SQLite pool: WAL mode, foreign keys on, a busy timeout so that writers
//! queue instead of failing, and the embedded migrations run at start-up.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection as _, SqliteConnection, SqlitePool};

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

pub async fn connect(database_url: &str) -> Result<SqlitePool, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(database_url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        .pragma("temp_store", "memory")
        // 8 MiB of page cache per connection (SQLite's default is 2 MiB).
        // A bulk change of 50,000 rows on a long-lived connection thrashed
        // the default and ran 2.2x slower than on a fresh one (see
        // BENCHMARKS.md, issue 13). Pages are cached as they are read, so
        // an idle connection costs nothing; at most 16 x 8 MiB.
        .pragma("cache_size", "-8192");
    // The migrations run on a connection of their own, closed before the
    // pool opens any, so every pooled connection starts on the final
    // schema: after a change to the schema, a connection that had seen the
    // schema before can fail statements whose triggers write the FTS5 name
    // index with "no such table: assets" (SQLite 3.46; see
    // `refresh_statistics` and `server::open_state`).
    let mut migrating = SqliteConnection::connect_with(&options).await?;
    MIGRATOR.run(&mut migrating).await?;
    migrating.close().await?;
    let pool = SqlitePoolOptions::new()
        .max_connections(16)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(15))
        .connect_with(options)
        .await?;
    Ok(pool)
}

/// Refreshes the planner's statistics where SQLite thinks they are stale;
/// `trove serve` calls it once at start-up, before it takes requests.
///
/// Not on every connection's close (sqlx's `optimize_on_close`), nor from
/// the CLI while a server may be running: ANALYZE changes the schema, and a
/// schema change while another connection compiles a statement whose
/// trigger writes the FTS5 name index makes that statement fail with "no
/// such table: assets" (SQLite 3.46; `two_purges_at_once_…` and
/// `restore_racing_purge_…` in `trash::purge` failed that way).
pub async fn refresh_statistics(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    sqlx::query("PRAGMA optimize = 0x10002")
        .execute(pool)
        .await?;
    Ok(())
}

/// A connection whose commits are on disk when they return
/// (`synchronous = FULL`: the WAL is synced at every commit), for the
/// transactions whose commit is followed by removing files (delete
/// permanently, purge). Under the pool's `NORMAL`, a commit can roll back
/// on power loss, and rows would come back whose files are gone. The
/// connection is closed rather than returned to the pool, so no other
/// transaction pays for the extra sync.
pub async fn durable_connection(
    pool: &SqlitePool,
) -> Result<sqlx::pool::PoolConnection<sqlx::Sqlite>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    sqlx::query("PRAGMA synchronous = FULL")
        .execute(&mut *conn)
        .await?;
    conn.close_on_drop();
    Ok(conn)
}

/// A fresh database in a temporary directory, for data tests. The directory
/// lives as long as the returned guard.
#[cfg(test)]
pub async fn test_pool() -> (SqlitePool, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
    let pool = connect(&url).await.expect("test database");
    (pool, dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn synchronous(conn: &mut sqlx::SqliteConnection) -> i64 {
        sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(conn)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn durable_connections_sync_every_commit_and_are_not_reused() {
        let (pool, _dir) = test_pool().await;
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
