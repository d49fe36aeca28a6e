//! Changing a space's retention, under the space's write lock.

use sqlx::AnyPool;

use super::model::{check_retention, SettingsSaved};
use crate::domain::error::AppError;
use crate::domain::ids::{Actor, SpaceId};
use crate::domain::time::MILLIS_PER_DAY;
use crate::platform::audit::write_settings_entry;
use crate::platform::clock::Clock;
use crate::spaces::data::retention_days;

/// Sets how many days `space` keeps deleted items, for `actor` (`None`:
/// the command line), all or nothing with its audit entry. Lengthening
/// moves the deadline of every row in Trash still before its deadline to
/// `deleted_at` + the new days (never earlier than it was); shortening
/// moves none. Rows already past their deadline stay expired: they are
/// gone from Trash, even if the purge has not removed them yet. The same
/// number again changes nothing and writes no entry.
pub async fn set_retention(
    pool: &AnyPool,
    space: SpaceId,
    actor: Option<Actor>,
    days: i64,
    clock: &Clock,
) -> Result<SettingsSaved, AppError> {
    let days = check_retention(days).map_err(AppError::validation)?;
    let mut tx = crate::platform::db::begin_write_on(pool).await?;
    // Read under the lock: a move to Trash reads the retention in its own
    // transaction, so the two are one before the other.
    let now = clock.now();
    let previous = retention_days(&mut *tx, space).await?;
    let mut saved = SettingsSaved {
        retention_days: days,
        previous_retention_days: previous,
        extended: 0,
    };
    if days == previous {
        return Ok(saved);
    }
    sqlx::query("UPDATE spaces SET retention_days = $1 WHERE id = $2")
        .bind(i64::from(days))
        .bind(space)
        .execute(&mut *tx)
        .await?;
    if days > previous {
        let span = i64::from(days) * MILLIS_PER_DAY;
        for table in ["assets", "folders"] {
            saved.extended += sqlx::query(&format!(
                "UPDATE {table} SET expires_at = deleted_at + $1
                 WHERE space_id = $2 AND deleted_at IS NOT NULL
                   AND expires_at > $3 AND expires_at < deleted_at + $1"
            ))
            .bind(span)
            .bind(space)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
    }
    let detail = serde_json::json!({
        "retention_days": { "from": previous, "to": days },
        "extended": saved.extended,
    });
    write_settings_entry(&mut tx, space, actor, &detail, now).await?;
    tx.commit().await?;
    Ok(saved)
}

#[cfg(test)]
mod tests;
