//! What a space holds against its quota, read from `space_storage` (the
//! counters per space and type that the database's triggers keep exact
//! through every upload, move to and from Trash and removal: migration
//! 0011), never by summing the assets. The lowest feature keeps it, so that
//! the upload (`assets::ingest`, the server's upload route) can check the
//! quota before it stores a byte and again in the row's write transaction.
//! Setting the quota is `settings::quota`'s (audited).

use sqlx::any::AnyExecutor;

use super::model::Quota;
use crate::domain::error::AppError;
use crate::domain::ids::SpaceId;

/// The space's quota and the bytes it holds (live and in Trash), or `None`
/// when it has no quota. One row of `spaces` and its five counters.
pub async fn quota_of(db: impl AnyExecutor<'_>, space: SpaceId) -> Result<Option<Quota>, AppError> {
    let (quota, used): (Option<i64>, i64) = sqlx::query_as(
        "SELECT s.quota_bytes,
                CAST(COALESCE((SELECT SUM(st.live_bytes + st.trash_bytes)
                               FROM space_storage st WHERE st.space_id = s.id), 0) AS BIGINT)
         FROM spaces s WHERE s.id = $1",
    )
    .bind(space)
    .fetch_one(db)
    .await?;
    Ok(quota.map(|quota| Quota {
        quota_bytes: u64::try_from(quota).unwrap_or(0),
        used_bytes: u64::try_from(used).unwrap_or(0),
    }))
}

/// Refuses (507 `space_full`) a file of `bytes` that would take the space
/// past its quota; a space without one takes anything. Inside the row's
/// write transaction it sees every upload committed before it, so two
/// uploads at once cannot both squeeze into the last room.
pub async fn require_room(
    db: impl AnyExecutor<'_>,
    space: SpaceId,
    bytes: u64,
) -> Result<(), AppError> {
    match quota_of(db, space).await? {
        Some(quota) if !quota.admits(bytes) => Err(quota.refusal()),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::Timestamp;
    use crate::platform::db::test_pool;
    use crate::spaces::data::ensure;

    /// The quota as `settings::quota::set_quota` stores it.
    async fn set_quota(pool: &sqlx::AnyPool, space: SpaceId, quota: Option<i64>) {
        sqlx::query("UPDATE spaces SET quota_bytes = $1 WHERE id = $2")
            .bind(quota)
            .bind(space)
            .execute(pool)
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn the_quota_is_read_with_what_the_space_holds_live_and_in_trash() {
        let (pool, _dir) = test_pool().await;
        let space = ensure(&pool, "s", "S", Timestamp::EPOCH).await.unwrap().id;
        let other = ensure(&pool, "o", "O", Timestamp::EPOCH).await.unwrap().id;
        assert_eq!(quota_of(&pool, space).await.unwrap(), None);
        require_room(&pool, space, u64::MAX).await.unwrap();

        set_quota(&pool, space, Some(1000)).await;
        let rows = [
            (space, "image", 300, 200),
            (space, "audio", 0, 100),
            (other, "image", 5000, 5000),
        ];
        for (at, kind, live, trash) in rows {
            sqlx::query(
                "INSERT INTO space_storage (space_id, kind, live_assets, live_bytes, trash_assets, trash_bytes)
                 VALUES ($1, $2, 1, $3, 1, $4)",
            )
            .bind(at)
            .bind(kind)
            .bind(live)
            .bind(trash)
            .execute(&pool)
            .await
            .unwrap();
        }
        let quota = quota_of(&pool, space).await.unwrap().unwrap();
        assert_eq!(
            quota,
            Quota {
                quota_bytes: 1000,
                used_bytes: 600
            }
        );
        require_room(&pool, space, 400).await.unwrap();
        let refused = require_room(&pool, space, 401).await.unwrap_err();
        assert_eq!(refused.code(), "space_full");

        set_quota(&pool, space, None).await;
        assert_eq!(quota_of(&pool, space).await.unwrap(), None);
    }
}
