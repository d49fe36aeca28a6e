//! Where each listed asset of a bulk request stands: the write lock, and
//! the state of every id read under it.

use std::collections::BTreeSet;

use sqlx::{Any, AnyConnection};

use crate::domain::bulk_target::{unknown_items, BulkTarget};
use crate::domain::error::AppError;
use crate::domain::ids::{AssetId, FolderId, SpaceId};
use crate::domain::time::Timestamp;
use crate::platform::db::json_ids;

/// The Trash state (`expires_at`, set exactly when `deleted_at` is) of each of `ids` in `space`; any id that
/// is unknown or in another space fails the request, naming them (and the
/// request's `folders` that are unknown too, so one answer names all).
async fn trash_states(
    tx: &mut sqlx::AnyConnection,
    space: SpaceId,
    ids: &[AssetId],
    folders: &[FolderId],
    verb: &str,
) -> Result<Vec<(AssetId, Option<Timestamp>)>, AppError> {
    let found: Vec<(AssetId, Option<Timestamp>)> = sqlx::query_as(
        "SELECT id, expires_at FROM assets
         WHERE space_id = $1 AND id IN (SELECT value FROM json_each($2))",
    )
    .bind(space)
    .bind(json_ids(ids))
    .fetch_all(&mut *tx)
    .await?;
    if found.len() != ids.len() {
        let known: BTreeSet<AssetId> = found.iter().map(|(id, _)| *id).collect();
        let missing = ids.iter().filter(|id| !known.contains(id)).copied();
        let missing_folders = missing_folders(tx, space, folders).await?;
        return Err(unknown_items(missing.collect(), missing_folders, "", verb));
    }
    Ok(found)
}

/// The listed `folders` that are not in `space`, in any state.
async fn missing_folders(
    tx: &mut sqlx::AnyConnection,
    space: SpaceId,
    folders: &[FolderId],
) -> Result<BTreeSet<FolderId>, AppError> {
    if folders.is_empty() {
        return Ok(BTreeSet::new());
    }
    let found: BTreeSet<FolderId> = sqlx::query_scalar(
        "SELECT id FROM folders WHERE space_id = $1 AND id IN (SELECT value FROM json_each($2))",
    )
    .bind(space)
    .bind(json_ids(folders))
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .collect();
    Ok(folders
        .iter()
        .filter(|id| !found.contains(id))
        .copied()
        .collect())
}

/// Where each id of a bulk request stands, read under the write lock.
pub(super) struct BulkStates {
    /// Ids not in Trash.
    pub(super) live: Vec<AssetId>,
    /// Ids in Trash, with their `expires_at`.
    pub(super) trashed: Vec<(AssetId, Timestamp)>,
}

impl BulkStates {
    pub(super) fn trashed_ids(&self) -> Vec<AssetId> {
        self.trashed.iter().map(|(id, _)| *id).collect()
    }
}

/// The start of a bulk change to listed assets: checks the target (see
/// [`BulkTarget::validate`]), takes the write lock (`BEGIN IMMEDIATE`, so
/// concurrent requests queue instead of failing) and reads where each
/// listed asset stands; unknown or foreign ids fail naming them. The
/// caller reads the states of the target's folders.
pub(super) async fn begin_bulk<'c, F>(
    conn: &'c mut AnyConnection,
    space: SpaceId,
    target: &BulkTarget<F>,
    verb: &str,
) -> Result<(sqlx::Transaction<'c, Any>, BulkStates), AppError> {
    target.validate()?;
    let ids = target.listed();
    let mut tx = crate::platform::db::begin_write(conn).await?;
    let found = if ids.is_empty() {
        Vec::new()
    } else {
        trash_states(&mut tx, space, ids, &target.folders, verb).await?
    };
    let mut states = BulkStates {
        live: Vec::new(),
        trashed: Vec::new(),
    };
    for (id, expires_at) in found {
        match expires_at {
            Some(at) => states.trashed.push((id, at)),
            None => states.live.push(id),
        }
    }
    Ok((tx, states))
}
