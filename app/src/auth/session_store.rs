//! The session store the server uses: the session table ([`SessionRows`],
//! SQLite or PostgreSQL) behind a few seconds' memory, so that most
//! requests skip the session query. This server sees its own changes at
//! once; a session ended by another server on the same database is still
//! honoured here for up to `recent::FRESH_FOR`.
//!
//! Ending a session is final. A save writes the row only if it is still
//! there (`SessionRows::update`) and never writes the memory: it forgets
//! the session, and the next request reads the row. Only a read of the
//! table fills the memory, and not if a save or delete on this server came
//! in after the read began (a read that raced sign-out would remember the
//! session it found). tower-sessions' `CachingSessionStore`, which this
//! replaces, saved with an upsert into both.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Result, SessionStore};

use crate::platform::clock::Clock;
use crate::platform::db::SessionRows;
use crate::platform::recent::{Op, Recent};

/// Write counters, so that a write holds back only the reads of sessions
/// that count in the same one, not every read in progress.
const WRITE_COUNTERS: usize = 64;

#[derive(Debug, Clone)]
pub struct CachedSessions {
    recent: Recent<Id, Record>,
    rows: SessionRows,
    /// Saves and deletes made through this store so far, each counted in
    /// the counter of its id: a read that saw its id's count change while
    /// it ran may be out of date.
    writes: Arc<[AtomicU64; WRITE_COUNTERS]>,
    /// What a remembered session's expiry is compared with.
    clock: Clock,
}

impl CachedSessions {
    /// Remembers at most `capacity` sessions.
    pub fn new(rows: SessionRows, capacity: u64, clock: Clock) -> Self {
        Self {
            recent: Recent::new(capacity),
            rows,
            writes: Arc::new(std::array::from_fn(|_| AtomicU64::new(0))),
            clock,
        }
    }

    /// Whether a remembered session's idle expiry is still ahead. The
    /// expiry is the cookie layer's (tower-sessions sets it from the
    /// system time, and the table's own reads compare it with the system
    /// time): so is this, through the clock's unshifted reading, or memory
    /// and table would disagree under `TROVE_CLOCK_OFFSET`.
    fn is_live(&self, record: &Record) -> bool {
        record.expiry_date > OffsetDateTime::from(self.clock.unshifted_system_time())
    }

    fn counter(&self, id: Id) -> &AtomicU64 {
        let index = usize::try_from(id.0.rem_euclid(WRITE_COUNTERS as i128)).unwrap_or(0);
        &self.writes[index]
    }

    fn writes_so_far(&self, id: Id) -> u64 {
        self.counter(id).load(Ordering::SeqCst)
    }

    /// Remembers `record`, read from the table when its counter stood at
    /// `writes`, unless a write came in since. Checked inside the key's
    /// update, which a write's `forget` also takes after counting itself:
    /// either the write comes later and forgets the record, or it has been
    /// counted.
    fn remember(&self, record: &Record, writes: u64) {
        self.recent.update(record.id, |_| {
            if self.writes_so_far(record.id) == writes {
                Op::Put(record.clone())
            } else {
                Op::Nop
            }
        });
    }

    /// After a save or delete of the row: forget the session here, and
    /// keep reads that began before from remembering it.
    fn forget(&self, id: Id) {
        self.counter(id).fetch_add(1, Ordering::SeqCst);
        self.recent.update(id, |_| Op::Remove);
    }
}

#[async_trait]
impl SessionStore for CachedSessions {
    async fn create(&self, record: &mut Record) -> Result<()> {
        self.rows.create(record).await?;
        // A new id (the rows choose it), unknown to any other request.
        self.remember(record, self.writes_so_far(record.id));
        Ok(())
    }

    async fn save(&self, record: &Record) -> Result<()> {
        // A row deleted meanwhile (sign-out) stays deleted.
        self.rows.update(record).await?;
        self.forget(record.id);
        Ok(())
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        // As the stores do: an expired session is no session (and the
        // table may hold a renewal made by another server).
        if let Some(record) = self.recent.get(id) {
            if self.is_live(&record) {
                return Ok(Some(record));
            }
        }
        let writes = self.writes_so_far(*id);
        let record = self.rows.load(id).await?;
        if let Some(record) = &record {
            self.remember(record, writes);
        }
        Ok(record)
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        self.rows.delete(id).await?;
        self.forget(*id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn store() -> (CachedSessions, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let rows = SessionRows::open(&crate::platform::db::test_database_url(&dir).await)
            .await
            .unwrap();
        (CachedSessions::new(rows, 10, Clock::system()), dir)
    }

    async fn signed_in(store: &CachedSessions, expires_in: time::Duration) -> Record {
        let mut record = Record {
            id: Id::default(),
            data: Default::default(),
            expiry_date: OffsetDateTime::now_utc() + expires_in,
        };
        record
            .data
            .insert("user".into(), serde_json::json!({ "user_id": 1 }));
        store.create(&mut record).await.unwrap();
        record
    }

    #[tokio::test]
    async fn keeps_live_sessions_and_forgets_deleted_and_expired_ones() {
        let (store, _dir) = store().await;
        let live = signed_in(&store, time::Duration::hours(1)).await;
        assert_eq!(store.load(&live.id).await.unwrap(), Some(live.clone()));
        let mut touched = live.clone();
        touched
            .data
            .insert("touched".into(), serde_json::json!(true));
        store.save(&touched).await.unwrap();
        assert_eq!(store.load(&live.id).await.unwrap(), Some(touched));
        store.delete(&live.id).await.unwrap();
        assert_eq!(store.load(&live.id).await.unwrap(), None);

        let expired = signed_in(&store, time::Duration::seconds(-1)).await;
        assert_eq!(store.load(&expired.id).await.unwrap(), None);
    }

    /// A request that loaded the session before sign-out saves it after.
    #[tokio::test]
    async fn a_save_after_delete_brings_nothing_back() {
        let (store, _dir) = store().await;
        let record = signed_in(&store, time::Duration::hours(1)).await;
        assert!(store.load(&record.id).await.unwrap().is_some());
        store.delete(&record.id).await.unwrap();
        store.save(&record).await.unwrap();
        assert_eq!(store.load(&record.id).await.unwrap(), None);
        assert_eq!(store.rows.load(&record.id).await.unwrap(), None);
    }

    /// A read of the row that began before sign-out and ends after it.
    #[tokio::test]
    async fn a_read_that_raced_a_delete_is_not_remembered() {
        let (store, _dir) = store().await;
        let record = signed_in(&store, time::Duration::hours(1)).await;
        let writes = store.writes_so_far(record.id);
        let read = store.rows.load(&record.id).await.unwrap().unwrap();
        store.delete(&record.id).await.unwrap();
        store.remember(&read, writes);
        assert_eq!(store.load(&record.id).await.unwrap(), None);
    }
}
