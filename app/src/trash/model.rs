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

/// "14 days left", "1 day left", "Less than a day left": the time until the
/// asset is removed for good, to the nearest day, so that an asset deleted
/// a moment ago has "14 days left" and one deleted 13 days ago "1 day left";
/// under 12 hours it is "Less than a day left".
pub fn days_left_label(deleted_at: i64, now: i64) -> String {
    const DAY: i64 = 24 * 60 * 60 * 1000;
    let left = deleted_at.saturating_add(RETENTION_MILLIS) - now;
    match (left + DAY / 2).div_euclid(DAY) {
        d if d <= 0 => "Less than a day left".to_owned(),
        1 => "1 day left".to_owned(),
        d => format!("{d} days left"),
    }
}

/// A trashed asset as the Trash page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrashedAsset {
    pub id: crate::assets::model::AssetId,
    pub name: String,
    pub mime_type: String,
    pub kind: crate::assets::model::AssetKind,
    pub deleted_by: Option<String>,
    pub deleted_at: i64,
    /// Computed on the server from its clock, so every viewer agrees.
    pub days_left: String,
}

/// What `restore_from_trash` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreFromTrashOutcome {
    pub restored: u64,
    /// Ids that were not in Trash.
    pub skipped: u64,
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
    fn days_left_at_the_boundaries() {
        let day = 24 * 60 * 60 * 1000;
        let minute = 60_000;
        let deleted = 1_000_000;
        assert_eq!(days_left_label(deleted, deleted), "14 days left");
        assert_eq!(
            days_left_label(deleted, deleted + 5 * minute),
            "14 days left"
        );
        assert_eq!(days_left_label(deleted, deleted + day), "13 days left");
        assert_eq!(days_left_label(deleted, deleted + 13 * day), "1 day left");
        assert_eq!(
            days_left_label(deleted, deleted + 13 * day + 5 * minute),
            "1 day left"
        );
        assert_eq!(
            days_left_label(deleted, deleted + 13 * day + day / 2),
            "1 day left"
        );
        assert_eq!(
            days_left_label(deleted, deleted + 13 * day + day / 2 + 1),
            "Less than a day left"
        );
        assert_eq!(
            days_left_label(deleted, deleted + 14 * day - minute),
            "Less than a day left"
        );
    }

    #[test]
    fn counts_read_naturally() {
        assert_eq!(assets_count(1), "1 asset");
        assert_eq!(assets_count(0), "0 assets");
        assert_eq!(assets_count(12), "12 assets");
    }
}
