//! Sessions remembered for a few seconds: the front of tower-sessions'
//! `CachingSessionStore`, with the SQLite store behind it. Every write
//! (sign-in, the periodic touch, sign-out) goes to both, so this server sees
//! its own changes at once; a session ended by another server on the same
//! database is still honoured here for up to `recent::FRESH_FOR`.

use async_trait::async_trait;
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Result, SessionStore};

use crate::recent::Recent;

#[derive(Debug, Clone)]
pub struct RecentSessions(Recent<Id, Record>);

impl RecentSessions {
    pub fn new(capacity: u64) -> Self {
        Self(Recent::new(capacity))
    }
}

#[async_trait]
impl SessionStore for RecentSessions {
    async fn create(&self, record: &mut Record) -> Result<()> {
        self.0.insert(record.id, record.clone());
        Ok(())
    }

    async fn save(&self, record: &Record) -> Result<()> {
        self.0.insert(record.id, record.clone());
        Ok(())
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        // As the SQLite store does: an expired session is no session.
        Ok(self
            .0
            .get(id)
            .filter(|record| record.expiry_date > OffsetDateTime::now_utc()))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        self.0.invalidate(id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: i128, expires_in: time::Duration) -> Record {
        Record {
            id: Id(id),
            data: Default::default(),
            expiry_date: OffsetDateTime::now_utc() + expires_in,
        }
    }

    #[tokio::test]
    async fn keeps_live_sessions_and_forgets_deleted_and_expired_ones() {
        let store = RecentSessions::new(10);
        let live = record(1, time::Duration::hours(1));
        store.save(&live).await.unwrap();
        assert_eq!(store.load(&live.id).await.unwrap(), Some(live.clone()));
        store.delete(&live.id).await.unwrap();
        assert_eq!(store.load(&live.id).await.unwrap(), None);

        let expired = record(2, time::Duration::seconds(-1));
        store.save(&expired).await.unwrap();
        assert_eq!(store.load(&expired.id).await.unwrap(), None);
    }
}
