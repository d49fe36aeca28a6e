//! What `PUT /api/space_settings` answers.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::spaces::model::{MAX_RETENTION_DAYS, MIN_RETENTION_DAYS};

/// A space's settings after a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SettingsSaved {
    /// How many days the space keeps deleted items now.
    pub retention_days: u16,
    /// …and before the change.
    pub previous_retention_days: u16,
    /// Rows in Trash (assets and folders) whose deadline moved later: a
    /// longer retention applies to what is in Trash now. A shorter one
    /// moves none: it applies to what is deleted after it.
    pub extended: u64,
}

impl SettingsSaved {
    /// What the General page says once it is saved.
    pub fn summary(&self) -> String {
        let days = crate::domain::format::days(self.retention_days);
        if self.retention_days == self.previous_retention_days {
            format!("Saved: deleted items are kept for {days}.")
        } else if self.retention_days > self.previous_retention_days {
            format!("Saved: deleted items are kept for {days}, including what is in Trash now.")
        } else {
            format!(
                "Saved: items deleted from now on are kept for {days}. What is in Trash keeps the time it was given."
            )
        }
    }
}

/// The retention a request asks for, if it is one a space may have.
pub fn check_retention(days: i64) -> Result<u16, String> {
    u16::try_from(days)
        .ok()
        .filter(|d| (MIN_RETENTION_DAYS..=MAX_RETENTION_DAYS).contains(d))
        .ok_or_else(|| {
            format!("Keep deleted items for {MIN_RETENTION_DAYS} to {MAX_RETENTION_DAYS} days.")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_is_one_to_365_days() {
        assert_eq!(check_retention(1), Ok(1));
        assert_eq!(check_retention(14), Ok(14));
        assert_eq!(check_retention(365), Ok(365));
        for wrong in [0, -1, 366, 70_000, i64::MAX] {
            assert_eq!(
                check_retention(wrong),
                Err("Keep deleted items for 1 to 365 days.".to_owned())
            );
        }
    }

    #[test]
    fn summaries_say_what_the_change_applies_to() {
        let saved = |previous, now| SettingsSaved {
            retention_days: now,
            previous_retention_days: previous,
            extended: 0,
        };
        assert_eq!(
            saved(14, 30).summary(),
            "Saved: deleted items are kept for 30 days, including what is in Trash now."
        );
        assert_eq!(
            saved(14, 1).summary(),
            "Saved: items deleted from now on are kept for 1 day. What is in Trash keeps the time it was given."
        );
        assert_eq!(
            saved(7, 7).summary(),
            "Saved: deleted items are kept for 7 days."
        );
    }
}
