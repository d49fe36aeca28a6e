//! A space's quota: set from the command line (`trove space set --quota`),
//! enforced by uploads (`spaces::storage`), shown in General's "Storage".

use sqlx::AnyPool;

use crate::domain::error::AppError;
use crate::domain::ids::{Actor, SpaceId};
use crate::platform::audit::write_settings_entry;
use crate::platform::clock::Clock;

/// Sets (or, with `None`, removes) the most bytes `space` may hold, live
/// and in Trash together, audited. A quota below what the space holds now
/// is allowed: nothing is removed, and uploads are refused until enough is
/// deleted permanently. Answers the quota before the change.
pub async fn set_quota(
    pool: &AnyPool,
    space: SpaceId,
    actor: Option<Actor>,
    quota: Option<u64>,
    clock: &Clock,
) -> Result<Option<u64>, AppError> {
    let quota = match quota {
        Some(0) => return Err(AppError::validation("A quota is more than 0 bytes.")),
        Some(bytes) => Some(
            i64::try_from(bytes).map_err(|_| AppError::validation("That quota is too large."))?,
        ),
        None => None,
    };
    let mut tx = crate::platform::db::begin_write_on(pool).await?;
    let now = clock.now();
    let previous: Option<i64> = sqlx::query_scalar("SELECT quota_bytes FROM spaces WHERE id = $1")
        .bind(space)
        .fetch_one(&mut *tx)
        .await?;
    if previous != quota {
        sqlx::query("UPDATE spaces SET quota_bytes = $1 WHERE id = $2")
            .bind(quota)
            .bind(space)
            .execute(&mut *tx)
            .await?;
        let detail = serde_json::json!({ "quota_bytes": { "from": previous, "to": quota } });
        write_settings_entry(&mut tx, space, actor, &detail, now).await?;
    }
    tx.commit().await?;
    Ok(previous.map(i64::unsigned_abs))
}
