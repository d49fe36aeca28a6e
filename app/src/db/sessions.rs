//! The session table, on whichever database Trove uses: tower-sessions'
//! own stores for SQLite and PostgreSQL (`tower-sessions-sqlx-store`),
//! each on a small pool of its own (they take the backend's concrete pool,
//! not sqlx's `Any`).

use std::str::FromStr as _;
use std::time::Duration;

use async_trait::async_trait;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{ExpiredDeletion, Result, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

use super::Dialect;

/// Connections for sessions: a load and, now and then, a save per request.
const SESSION_CONNECTIONS: u32 = 4;

#[derive(Debug, Clone)]
pub enum SessionRows {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl SessionRows {
    /// Opens the session store of the database at `url` and creates its
    /// table if missing.
    pub async fn open(url: &str) -> std::result::Result<Self, sqlx::Error> {
        let rows = match Dialect::of_url(url)? {
            Dialect::Sqlite => {
                let options = sqlx::sqlite::SqliteConnectOptions::from_str(url)?
                    .create_if_missing(true)
                    .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(10));
                let pool = sqlx::sqlite::SqlitePoolOptions::new()
                    .max_connections(SESSION_CONNECTIONS)
                    .connect_with(options)
                    .await?;
                Self::Sqlite(SqliteStore::new(pool))
            }
            Dialect::Postgres => {
                // The store compares expiry times with `now()` in UTC.
                let options =
                    sqlx::postgres::PgConnectOptions::from_str(url)?.options([("TimeZone", "UTC")]);
                let pool = sqlx::postgres::PgPoolOptions::new()
                    .max_connections(SESSION_CONNECTIONS)
                    .connect_with(options)
                    .await?;
                Self::Postgres(PostgresStore::new(pool))
            }
        };
        match &rows {
            Self::Sqlite(store) => store.migrate().await?,
            Self::Postgres(store) => store.migrate().await?,
        }
        Ok(rows)
    }
}

#[async_trait]
impl SessionStore for SessionRows {
    async fn create(&self, record: &mut Record) -> Result<()> {
        match self {
            Self::Sqlite(store) => store.create(record).await,
            Self::Postgres(store) => store.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> Result<()> {
        match self {
            Self::Sqlite(store) => store.save(record).await,
            Self::Postgres(store) => store.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        match self {
            Self::Sqlite(store) => store.load(id).await,
            Self::Postgres(store) => store.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        match self {
            Self::Sqlite(store) => store.delete(id).await,
            Self::Postgres(store) => store.delete(id).await,
        }
    }
}

#[async_trait]
impl ExpiredDeletion for SessionRows {
    async fn delete_expired(&self) -> Result<()> {
        match self {
            Self::Sqlite(store) => store.delete_expired().await,
            Self::Postgres(store) => store.delete_expired().await,
        }
    }
}
