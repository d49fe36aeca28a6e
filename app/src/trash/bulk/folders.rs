//! Folders in bulk changes. A folder goes to Trash with everything live
//! inside it, in the same batch as the rest of the request; in Trash it is
//! one row, and everything of its batch below it comes back with it.
//! Restoring anything whose folders are in Trash brings those folders back
//! too (the folder rows only), so nothing is ever restored into a folder
//! that is not there. Each function runs inside the caller's transaction,
//! under the write lock.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::SqliteConnection;

use super::states::{json_ids, list_ids};
use crate::error::AppError;
use crate::ids::{BatchId, SpaceId, UserId};
use crate::time::Timestamp;

/// Where the listed folders of a request stand, read under the write lock:
/// unknown or foreign ids fail the request, naming them.
pub(super) struct FolderStates {
    pub(super) live: Vec<i64>,
    /// In Trash, with `deleted_at` and batch.
    pub(super) trashed: Vec<(i64, Timestamp, BatchId)>,
}

pub(super) async fn folder_states(
    tx: &mut SqliteConnection,
    space: SpaceId,
    ids: &[i64],
    verb: &str,
) -> Result<FolderStates, AppError> {
    let mut states = FolderStates {
        live: Vec::new(),
        trashed: Vec::new(),
    };
    if ids.is_empty() {
        return Ok(states);
    }
    let found: Vec<(i64, Option<Timestamp>, Option<BatchId>)> = sqlx::query_as(
        "SELECT id, deleted_at, delete_batch FROM folders
         WHERE space_id = ? AND id IN (SELECT value FROM json_each(?))",
    )
    .bind(space)
    .bind(json_ids(ids))
    .fetch_all(&mut *tx)
    .await?;
    if found.len() != ids.len() {
        let known: BTreeSet<i64> = found.iter().map(|(id, ..)| *id).collect();
        let missing: BTreeSet<i64> = ids.iter().copied().filter(|id| !known.contains(id)).collect();
        return Err(AppError::UnknownAssets {
            message: format!(
                "These folders do not exist in this space: {}. Nothing was {verb}.",
                list_ids(&missing)
            ),
            ids: missing.into_iter().collect(),
        });
    }
    for (id, deleted_at, batch) in found {
        match (deleted_at, batch) {
            (Some(at), Some(batch)) => states.trashed.push((id, at, batch)),
            _ => states.live.push(id),
        }
    }
    Ok(states)
}

/// Moves live folders `live` and everything live below them to Trash in
/// `batch`; returns how many assets went with them.
pub(super) async fn trash_folders(
    tx: &mut SqliteConnection,
    live: &[i64],
    user: UserId,
    batch: &BatchId,
    now: Timestamp,
) -> Result<u64, AppError> {
    if live.is_empty() {
        return Ok(0);
    }
    sqlx::query(
        "WITH RECURSIVE sub (id) AS (
             SELECT value FROM json_each(?1)
             UNION
             SELECT f.id FROM folders f JOIN sub ON f.parent_id = sub.id
             WHERE f.deleted_at IS NULL
         )
         UPDATE folders SET deleted_at = ?2, deleted_by = ?3, delete_batch = ?4
         WHERE id IN (SELECT id FROM sub) AND deleted_at IS NULL",
    )
    .bind(json_ids(live))
    .bind(now)
    .bind(user)
    .bind(batch)
    .execute(&mut *tx)
    .await?;
    let inside = sqlx::query(
        "UPDATE assets SET deleted_at = ?1, deleted_by = ?2, delete_batch = ?3
         WHERE deleted_at IS NULL
           AND folder_id IN (SELECT id FROM folders WHERE delete_batch = ?3)",
    )
    .bind(now)
    .bind(user)
    .bind(batch)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    Ok(inside)
}

/// Trashed folder `root` and the folders of its batch below it.
async fn batch_subtree(
    tx: &mut SqliteConnection,
    root: i64,
    batch: &BatchId,
) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "WITH RECURSIVE sub (id) AS (
             SELECT ?1
             UNION
             SELECT f.id FROM folders f JOIN sub ON f.parent_id = sub.id
             WHERE f.delete_batch = ?2
         )
         SELECT id FROM sub ORDER BY id",
    )
    .bind(root)
    .bind(batch)
    .fetch_all(&mut *tx)
    .await?)
}

/// What coming back out of Trash brought with it.
#[derive(Debug, Default)]
pub(super) struct Restored {
    /// Assets restored inside restored folders (not listed themselves).
    pub(super) inside: Vec<i64>,
    pub(super) folders: u64,
    /// Folders that came back under a new name: (old, new).
    pub(super) renamed: Vec<(String, String)>,
}

/// Restores trashed folders `roots` with everything of their batch below
/// them, then the trashed folders above `roots` and `assets` (whose own
/// rows the caller restores), so that everything restored is reachable.
pub(super) async fn restore_folders(
    tx: &mut SqliteConnection,
    space: SpaceId,
    roots: &[(i64, Timestamp, BatchId)],
    assets: &[i64],
) -> Result<Restored, AppError> {
    let mut restored = Restored::default();
    let mut folders: BTreeSet<i64> = BTreeSet::new();
    for (root, _, batch) in roots {
        let subtree = batch_subtree(tx, *root, batch).await?;
        let inside: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM assets
             WHERE delete_batch = ? AND folder_id IN (SELECT value FROM json_each(?))",
        )
        .bind(batch)
        .bind(json_ids(&subtree))
        .fetch_all(&mut *tx)
        .await?;
        restored.inside.extend(inside);
        folders.extend(subtree);
    }
    let root_ids: Vec<i64> = roots.iter().map(|(id, ..)| *id).collect();
    let above: Vec<i64> = sqlx::query_scalar(
        "WITH RECURSIVE up (id) AS (
             SELECT parent_id FROM folders WHERE id IN (SELECT value FROM json_each(?1))
             UNION
             SELECT folder_id FROM assets WHERE id IN (SELECT value FROM json_each(?2))
             UNION
             SELECT f.parent_id FROM folders f JOIN up ON f.id = up.id
         )
         SELECT id FROM folders WHERE id IN (SELECT id FROM up) AND deleted_at IS NOT NULL",
    )
    .bind(json_ids(&root_ids))
    .bind(json_ids(assets))
    .fetch_all(&mut *tx)
    .await?;
    folders.extend(above);
    if folders.is_empty() {
        return Ok(restored);
    }
    restored.folders = folders.len() as u64;
    let folders: Vec<i64> = folders.into_iter().collect();
    restored.renamed = free_names(tx, space, &folders).await?;
    sqlx::query(
        "UPDATE folders SET deleted_at = NULL, deleted_by = NULL, delete_batch = NULL,
                            parent_gone = 0
         WHERE id IN (SELECT value FROM json_each(?))",
    )
    .bind(json_ids(&folders))
    .execute(&mut *tx)
    .await?;
    if !restored.inside.is_empty() {
        sqlx::query(
            "UPDATE assets SET deleted_at = NULL, deleted_by = NULL, delete_batch = NULL,
                               folder_gone = 0
             WHERE id IN (SELECT value FROM json_each(?))",
        )
        .bind(json_ids(&restored.inside))
        .execute(&mut *tx)
        .await?;
    }
    Ok(restored)
}

/// Gives each folder about to be restored whose name a live folder beside
/// it has (or one restored beside it in this change) a free name, "Spring
/// 25 (restored)", "Spring 25 (restored 2)"… Only the topmost restored
/// folders can clash: below them, every sibling was in Trash.
async fn free_names(
    tx: &mut SqliteConnection,
    space: SpaceId,
    folders: &[i64],
) -> Result<Vec<(String, String)>, AppError> {
    let top: Vec<(i64, Option<i64>, String)> = sqlx::query_as(
        "SELECT f.id, f.parent_id, f.name FROM folders f
         WHERE f.id IN (SELECT value FROM json_each(?1))
           AND (f.parent_id IS NULL
                OR f.parent_id NOT IN (SELECT value FROM json_each(?1)))
         ORDER BY f.id",
    )
    .bind(json_ids(folders))
    .fetch_all(&mut *tx)
    .await?;
    let mut taken: BTreeMap<i64, BTreeSet<String>> = BTreeMap::new();
    let mut renamed = Vec::new();
    for (id, parent, name) in top {
        let mut candidate = name.clone();
        for n in 1.. {
            let here = taken.entry(parent.unwrap_or(0)).or_default();
            let live: Option<i64> = sqlx::query_scalar(
                "SELECT 1 FROM folders
                 WHERE space_id = ? AND coalesce(parent_id, 0) = ? AND name = ?
                       AND deleted_at IS NULL",
            )
            .bind(space)
            .bind(parent.unwrap_or(0))
            .bind(&candidate)
            .fetch_optional(&mut *tx)
            .await?;
            if live.is_none() && !here.contains(&candidate.to_lowercase()) {
                here.insert(candidate.to_lowercase());
                break;
            }
            candidate = if n == 1 {
                format!("{name} (restored)")
            } else {
                format!("{name} (restored {n})")
            };
        }
        if candidate != name {
            sqlx::query("UPDATE folders SET name = ? WHERE id = ?")
                .bind(&candidate)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            renamed.push((name, candidate));
        }
    }
    Ok(renamed)
}

/// Deletes trashed folders `roots` for good with everything of their batch
/// below them; returns the removed assets' ids and storage keys. Rows of
/// other batches inside them stay in Trash, at the top level (the
/// `folders_removed` trigger).
pub(super) async fn delete_folders(
    tx: &mut SqliteConnection,
    roots: &[(i64, Timestamp, BatchId)],
) -> Result<(Vec<i64>, Vec<String>), AppError> {
    let mut ids = Vec::new();
    let mut keys = Vec::new();
    for (root, _, batch) in roots {
        let subtree = batch_subtree(tx, *root, batch).await?;
        let removed: Vec<(i64, String)> = sqlx::query_as(
            "DELETE FROM assets
             WHERE delete_batch = ? AND folder_id IN (SELECT value FROM json_each(?))
             RETURNING id, storage_key",
        )
        .bind(batch)
        .bind(json_ids(&subtree))
        .fetch_all(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM folders WHERE id IN (SELECT value FROM json_each(?))")
            .bind(json_ids(&subtree))
            .execute(&mut *tx)
            .await?;
        for (id, key) in removed {
            ids.push(id);
            keys.push(key);
        }
    }
    Ok((ids, keys))
}
