use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::ids::SpaceId;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Space {
    pub id: SpaceId,
    /// The URL segment: `/spaces/{slug}/assets`.
    pub slug: String,
    pub name: String,
}

/// Trashed assets can be restored for this many days unless the space
/// keeps them for longer or shorter (Space Settings → General).
pub const DEFAULT_RETENTION_DAYS: u16 = 14;
/// The bounds of a space's retention, in days.
pub const MIN_RETENTION_DAYS: u16 = 1;
pub const MAX_RETENTION_DAYS: u16 = 365;

/// A space's quota and what it holds against it: the bytes of its live and
/// trashed files together (Trash counts, as in Google Drive, until it is
/// emptied or purged). The rule an upload is judged by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub quota_bytes: u64,
    pub used_bytes: u64,
}

impl Quota {
    /// What is left: 0 once the space is at or past its quota (a quota
    /// lowered below what it holds).
    pub fn room(&self) -> u64 {
        self.quota_bytes.saturating_sub(self.used_bytes)
    }

    /// A file of `bytes` fits: the space would hold at most its quota.
    pub fn admits(&self, bytes: u64) -> bool {
        bytes <= self.room()
    }

    /// "This space is full: …", 507.
    pub fn refusal(&self) -> crate::domain::error::AppError {
        crate::domain::error::AppError::space_full(self.quota_bytes, self.used_bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_fits_up_to_the_quota_exactly() {
        let quota = Quota {
            quota_bytes: 100,
            used_bytes: 60,
        };
        assert_eq!(quota.room(), 40);
        assert!(quota.admits(0));
        assert!(quota.admits(40));
        assert!(!quota.admits(41));
        let over = Quota {
            quota_bytes: 100,
            used_bytes: 150,
        };
        assert_eq!(over.room(), 0);
        assert!(!over.admits(1));
        assert_eq!(over.refusal().code(), "space_full");
    }
}
