//! Wire types and the pure rules of Trash.

use serde::{Deserialize, Serialize};

/// Trashed assets can be restored for this many days (DESIGN.md §4).
pub const RETENTION_DAYS: i64 = 14;
pub const RETENTION_MILLIS: i64 = RETENTION_DAYS * 24 * 60 * 60 * 1000;
/// The most ids one bulk request may carry.
pub const MAX_BULK_IDS: usize = 10_000;

/// Restorable while `now < deleted_at + 14 days`.
pub fn is_restorable(deleted_at: i64, now: i64) -> bool {
    now < deleted_at.saturating_add(RETENTION_MILLIS)
}

/// What `move_to_trash` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoveOutcome {
    /// Assets moved to Trash by this request.
    pub moved: u64,
    /// Assets that were already in Trash.
    pub skipped: u64,
    /// The batch id, for Undo and the audit log.
    pub batch: String,
}

/// What `restore_batch` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreOutcome {
    pub restored: u64,
}

/// "1 asset", "3 assets".
pub fn assets_count(n: u64) -> String {
    if n == 1 {
        "1 asset".to_owned()
    } else {
        format!("{n} assets")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restorable_until_exactly_fourteen_days() {
        let deleted = 1_000_000;
        let second = 1000;
        assert!(is_restorable(deleted, deleted));
        assert!(is_restorable(
            deleted,
            deleted + RETENTION_MILLIS - 60 * second
        ));
        assert!(is_restorable(deleted, deleted + RETENTION_MILLIS - 1));
        assert!(!is_restorable(deleted, deleted + RETENTION_MILLIS));
        assert!(!is_restorable(deleted, deleted + RETENTION_MILLIS + second));
    }

    #[test]
    fn counts_read_naturally() {
        assert_eq!(assets_count(1), "1 asset");
        assert_eq!(assets_count(0), "0 assets");
        assert_eq!(assets_count(12), "12 assets");
    }
}
