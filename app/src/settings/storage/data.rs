//! A space's storage from its counters: one statement over its row of
//! `spaces` and its (at most five) rows of `space_storage`, however many
//! assets it holds.

use sqlx::any::AnyExecutor;

use super::model::{KindUsage, SpaceStorage};
use crate::assets::model::AssetKind;
use crate::domain::error::AppError;
use crate::domain::ids::SpaceId;

/// What `space` stores, live and in Trash, by type, and its quota.
pub async fn space_usage(
    db: impl AnyExecutor<'_>,
    space: SpaceId,
) -> Result<SpaceStorage, AppError> {
    type Row = (
        Option<i64>,
        Option<AssetKind>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT s.quota_bytes, st.kind, st.live_assets, st.live_bytes,
                st.trash_assets, st.trash_bytes
         FROM spaces s LEFT JOIN space_storage st ON st.space_id = s.id
         WHERE s.id = $1",
    )
    .bind(space)
    .fetch_all(db)
    .await?;
    // A space always has its row: none is a bug, not a 404.
    let Some(first) = rows.first() else {
        return Err(AppError::internal(format!("space {} has no row", space.0)));
    };
    let count = |n: Option<i64>| u64::try_from(n.unwrap_or(0)).unwrap_or(0);
    let quota = first.0.map(|q| count(Some(q))).filter(|q| *q > 0);
    let kinds = rows.into_iter().filter_map(|row| {
        Some(KindUsage {
            kind: row.1?,
            live_assets: count(row.2),
            live_bytes: count(row.3),
            trash_assets: count(row.4),
            trash_bytes: count(row.5),
        })
    });
    Ok(SpaceStorage::from_kinds(kinds, quota))
}

#[cfg(test)]
mod tests;
