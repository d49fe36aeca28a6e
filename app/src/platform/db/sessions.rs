//! The session table, on whichever database Trove uses: tower-sessions'
//! own stores for SQLite and PostgreSQL (`tower-sessions-sqlx-store`),
//! each on a small pool of its own (they take the backend's concrete pool,
//! not sqlx's `Any`), except for saving: see [`SessionRows::update`].

use std::str::FromStr as _;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::PgPool;
use sqlx::sqlite::SqlitePool;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, ExpiredDeletion, Result, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

use super::Dialect;

/// Connections for sessions: a load and, now and then, a save per request.
const SESSION_CONNECTIONS: u32 = 4;

/// The stores, and their pools for the one statement they lack.
#[derive(Debug, Clone)]
pub enum SessionRows {
    Sqlite {
        store: SqliteStore,
        pool: SqlitePool,
    },
    Postgres {
        store: PostgresStore,
        pool: PgPool,
    },
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
                Self::Sqlite {
                    store: SqliteStore::new(pool.clone()),
                    pool,
                }
            }
            Dialect::Postgres => {
                // The store compares expiry times with `now()` in UTC.
                let options =
                    sqlx::postgres::PgConnectOptions::from_str(url)?.options([("TimeZone", "UTC")]);
                let pool = sqlx::postgres::PgPoolOptions::new()
                    .max_connections(SESSION_CONNECTIONS)
                    .connect_with(options)
                    .await?;
                Self::Postgres {
                    store: PostgresStore::new(pool.clone()),
                    pool,
                }
            }
        };
        match &rows {
            Self::Sqlite { store, .. } => store.migrate().await?,
            Self::Postgres { store, .. } => store.migrate().await?,
        }
        Ok(rows)
    }

    /// Writes `record` over its session's row if the row is still there,
    /// and says whether it was. The stores' own `save` is an upsert: a
    /// request that began before sign-out and saved the session after it
    /// (the periodic renewal) would re-create the deleted row.
    ///
    /// Encoded as the stores encode (`rmp_serde` of the whole record, the
    /// expiry as `time` binds it), so that their `load` reads it.
    pub async fn update(&self, record: &Record) -> Result<bool> {
        let data = rmp_serde::to_vec(record).map_err(|e| Error::Encode(e.to_string()))?;
        let updated = match self {
            // The tables the stores create (`SqliteStore::new`, `PostgresStore::new`).
            Self::Sqlite { pool, .. } => {
                sqlx::query("UPDATE tower_sessions SET data = ?, expiry_date = ? WHERE id = ?")
                    .bind(data)
                    .bind(record.expiry_date)
                    .bind(record.id.to_string())
                    .execute(pool)
                    .await
                    .map(|done| done.rows_affected())
            }
            Self::Postgres { pool, .. } => sqlx::query(
                r#"UPDATE "tower_sessions"."session" SET data = $1, expiry_date = $2 WHERE id = $3"#,
            )
            .bind(data)
            .bind(record.expiry_date)
            .bind(record.id.to_string())
            .execute(pool)
            .await
            .map(|done| done.rows_affected()),
        }
        .map_err(|e| Error::Backend(e.to_string()))?;
        Ok(updated > 0)
    }
}

#[async_trait]
impl SessionStore for SessionRows {
    async fn create(&self, record: &mut Record) -> Result<()> {
        // Always a new id: `Session::flush` keeps the record's id, so data
        // written after it would otherwise re-create the ended session
        // under its old id (and cookie).
        record.id = Id::default();
        match self {
            Self::Sqlite { store, .. } => store.create(record).await,
            Self::Postgres { store, .. } => store.create(record).await,
        }
    }

    /// Never re-creates a deleted session (see [`SessionRows::update`]).
    async fn save(&self, record: &Record) -> Result<()> {
        self.update(record).await.map(|_| ())
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        match self {
            Self::Sqlite { store, .. } => store.load(id).await,
            Self::Postgres { store, .. } => store.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        match self {
            Self::Sqlite { store, .. } => store.delete(id).await,
            Self::Postgres { store, .. } => store.delete(id).await,
        }
    }
}

#[async_trait]
impl ExpiredDeletion for SessionRows {
    async fn delete_expired(&self) -> Result<()> {
        match self {
            Self::Sqlite { store, .. } => store.delete_expired().await,
            Self::Postgres { store, .. } => store.delete_expired().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::OffsetDateTime;

    async fn rows() -> (SessionRows, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let rows = SessionRows::open(&crate::platform::db::test_database_url(&dir).await)
            .await
            .unwrap();
        (rows, dir)
    }

    fn record() -> Record {
        Record {
            id: Id::default(),
            data: Default::default(),
            expiry_date: OffsetDateTime::now_utc() + time::Duration::hours(1),
        }
    }

    #[tokio::test]
    async fn a_save_renews_a_live_session() {
        let (rows, _dir) = rows().await;
        let mut record = record();
        rows.create(&mut record).await.unwrap();
        record
            .data
            .insert("touched".into(), serde_json::json!(true));
        record.expiry_date += time::Duration::hours(1);
        assert!(rows.update(&record).await.unwrap());
        // Read back by the store's own `load`: the encoding is the store's.
        assert_eq!(rows.load(&record.id).await.unwrap(), Some(record.clone()));
        // The sweep still reads the expiry as the store wrote it.
        rows.delete_expired().await.unwrap();
        assert!(rows.load(&record.id).await.unwrap().is_some());
    }

    #[tokio::test]
    async fn a_save_after_delete_brings_nothing_back() {
        let (rows, _dir) = rows().await;
        let mut record = record();
        rows.create(&mut record).await.unwrap();
        assert_eq!(rows.load(&record.id).await.unwrap(), Some(record.clone()));

        // Sign-out deletes the row; a request that began before it saves
        // the session as it ends.
        rows.delete(&record.id).await.unwrap();
        record
            .data
            .insert("touched".into(), serde_json::json!(true));
        rows.save(&record).await.unwrap();
        assert_eq!(rows.load(&record.id).await.unwrap(), None);
        assert!(!rows.update(&record).await.unwrap());
        assert_eq!(rows.load(&record.id).await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_created_session_never_reuses_an_id() {
        let (rows, _dir) = rows().await;
        let mut record = record();
        rows.create(&mut record).await.unwrap();
        let ended = record.id;
        rows.delete(&ended).await.unwrap();
        // What `Session::flush` leaves behind, saved again: a new session.
        rows.create(&mut record).await.unwrap();
        assert_ne!(record.id, ended);
        assert_eq!(rows.load(&ended).await.unwrap(), None);
    }
}
