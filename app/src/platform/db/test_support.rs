//! Databases for the test suites and the benchmarks, never for the app:
//! compiled only into the app's own tests (`cfg(test)`) and with the
//! `test-support` feature, which the server's tests and benchmarks turn on
//! through its dev-dependency on `app` (a release build never does). They
//! panic on a setup failure, as test setup should.

use std::str::FromStr;

use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection as _, Executor as _};

use super::{MAX_CONNECTIONS, SQLITE_SETTINGS};

/// A fresh database for data tests: a SQLite file in a temporary directory
/// (the directory lives as long as the returned guard), or with
/// `TROVE_TEST_DATABASE_URL=postgres://…/db` a new database on that server.
#[cfg(test)]
pub async fn test_pool() -> (sqlx::AnyPool, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = test_database_url(&dir).await;
    let pool = super::connect(&url).await.expect("test database");
    (pool, dir)
}

/// The URL of a fresh database for a test: a SQLite file in `dir`, or a new
/// PostgreSQL database when `TROVE_TEST_DATABASE_URL` names a server.
pub async fn test_database_url(dir: &tempfile::TempDir) -> String {
    match std::env::var("TROVE_TEST_DATABASE_URL") {
        Ok(server) if server.starts_with("postgres") => fresh_postgres_database(&server).await,
        _ => format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display()),
    }
}

/// Creates a database with a random name on the server of `url`; returns
/// its URL.
async fn fresh_postgres_database(url: &str) -> String {
    let options = PgConnectOptions::from_str(url).expect("TROVE_TEST_DATABASE_URL");
    let mut admin = sqlx::PgConnection::connect_with(&options)
        .await
        .expect("the test PostgreSQL server");
    let name = format!("trove_test_{}", uuid::Uuid::new_v4().simple());
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("CREATE DATABASE");
    let _ = admin.close().await;
    let (base, _) = url.rsplit_once('/').expect("a database URL ends in /name");
    format!("{base}/{name}")
}

/// A plain SQLite pool with the app's connection settings, on a database
/// [`connect`](super::connect) made: the raw-SQL baseline that benchmarks
/// time the app against.
pub async fn raw_sqlite(database_url: &str) -> Result<sqlx::SqlitePool, sqlx::Error> {
    sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(MAX_CONNECTIONS)
        .after_connect(|conn, _| {
            Box::pin(async move { conn.execute(SQLITE_SETTINGS).await.map(drop) })
        })
        .connect(database_url)
        .await
}
