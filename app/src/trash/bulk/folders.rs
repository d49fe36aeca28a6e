//! Folders in bulk changes. A folder goes to Trash with everything live
//! inside it, in the same batch as the rest of the request; in Trash it is
//! one row, and everything of its batch below it comes back with it.
//! Restoring anything whose folders are in Trash brings those folders back
//! too (the folder rows only), so nothing is ever restored into a folder
//! that is not there. Each function runs inside the caller's transaction,
//! under the write lock.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::AnyConnection;

use crate::assets::folders::data::{sibling_key, sibling_key_of};
use crate::assets::folders::model::MAX_DEPTH;
use crate::domain::bulk_target::unknown_items;
use crate::domain::error::AppError;
use crate::domain::ids::{AssetId, BatchId, FolderId, SpaceId, UserId};
use crate::domain::time::Timestamp;
use crate::platform::db::json_ids;

/// Where the listed folders of a request stand, read under the write lock:
/// unknown or foreign ids fail the request, naming them.
pub(super) struct FolderStates {
    pub(super) live: Vec<FolderId>,
    /// In Trash, with `expires_at` and batch.
    pub(super) trashed: Vec<(FolderId, Timestamp, BatchId)>,
}

pub(super) async fn folder_states(
    tx: &mut AnyConnection,
    space: SpaceId,
    ids: &[FolderId],
    verb: &str,
) -> Result<FolderStates, AppError> {
    let mut states = FolderStates {
        live: Vec::new(),
        trashed: Vec::new(),
    };
    if ids.is_empty() {
        return Ok(states);
    }
    let found: Vec<(FolderId, Option<Timestamp>, Option<BatchId>)> = sqlx::query_as(
        "SELECT id, expires_at, delete_batch FROM folders
         WHERE space_id = $1 AND id IN (SELECT value FROM json_each($2))",
    )
    .bind(space)
    .bind(json_ids(ids))
    .fetch_all(&mut *tx)
    .await?;
    if found.len() != ids.len() {
        let known: BTreeSet<FolderId> = found.iter().map(|(id, ..)| *id).collect();
        let missing = ids.iter().filter(|id| !known.contains(id)).copied();
        return Err(unknown_items(BTreeSet::new(), missing.collect(), "", verb));
    }
    for (id, expires_at, batch) in found {
        match (expires_at, batch) {
            (Some(at), Some(batch)) => states.trashed.push((id, at, batch)),
            _ => states.live.push(id),
        }
    }
    Ok(states)
}

/// Moves live folders `live` and everything live below them to Trash in
/// `batch`; returns how many assets went with them.
pub(super) async fn trash_folders(
    tx: &mut AnyConnection,
    live: &[FolderId],
    user: UserId,
    batch: &BatchId,
    (now, expires_at): (Timestamp, Timestamp),
) -> Result<u64, AppError> {
    if live.is_empty() {
        return Ok(0);
    }
    sqlx::query(
        "WITH RECURSIVE sub (id) AS (
             SELECT value FROM json_each($1)
             UNION
             SELECT f.id FROM folders f JOIN sub ON f.parent_id = sub.id
             WHERE f.deleted_at IS NULL
         )
         UPDATE folders SET deleted_at = $2, deleted_by = $3, delete_batch = $4, expires_at = $5
         WHERE id IN (SELECT id FROM sub) AND deleted_at IS NULL",
    )
    .bind(json_ids(live))
    .bind(now)
    .bind(user)
    .bind(batch)
    .bind(expires_at)
    .execute(&mut *tx)
    .await?;
    let inside = sqlx::query(
        "UPDATE assets SET deleted_at = $1, deleted_by = $2, delete_batch = $3, expires_at = $4
         WHERE deleted_at IS NULL
           AND folder_id IN (SELECT id FROM folders WHERE delete_batch = $3)",
    )
    .bind(now)
    .bind(user)
    .bind(batch)
    .bind(expires_at)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    Ok(inside)
}

/// Trashed folder `root` and the folders of its batch below it.
async fn batch_subtree(
    tx: &mut AnyConnection,
    root: FolderId,
    batch: &BatchId,
) -> Result<Vec<FolderId>, AppError> {
    Ok(sqlx::query_scalar(
        "WITH RECURSIVE sub (id) AS (
             SELECT $1
             UNION
             SELECT f.id FROM folders f JOIN sub ON f.parent_id = sub.id
             WHERE f.delete_batch = $2
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
    pub(super) inside: Vec<AssetId>,
    /// Folders restored: listed, inside them, or above what was restored.
    pub(super) folder_ids: Vec<FolderId>,
    /// Folders that came back under a new name: (old, new).
    pub(super) renamed: Vec<(String, String)>,
}

/// Restores trashed folders `roots` with everything of their batch below
/// them, then the trashed folders above `roots` and `assets` (whose own
/// rows the caller restores), so that everything restored is reachable.
pub(super) async fn restore_folders(
    tx: &mut AnyConnection,
    space: SpaceId,
    roots: &[(FolderId, Timestamp, BatchId)],
    assets: &[AssetId],
) -> Result<Restored, AppError> {
    let mut restored = Restored::default();
    let mut folders: BTreeSet<FolderId> = BTreeSet::new();
    for (root, _, batch) in roots {
        let subtree = batch_subtree(tx, *root, batch).await?;
        let inside: Vec<AssetId> = sqlx::query_scalar(
            "SELECT id FROM assets
             WHERE delete_batch = $1 AND folder_id IN (SELECT value FROM json_each($2))",
        )
        .bind(batch)
        .bind(json_ids(&subtree))
        .fetch_all(&mut *tx)
        .await?;
        restored.inside.extend(inside);
        folders.extend(subtree);
    }
    // A listed folder inside another listed one of its batch: once.
    restored.inside.sort_unstable();
    restored.inside.dedup();
    let root_ids: Vec<FolderId> = roots.iter().map(|(id, ..)| *id).collect();
    let above: Vec<FolderId> = sqlx::query_scalar(
        "WITH RECURSIVE up (id) AS (
             SELECT parent_id FROM folders WHERE id IN (SELECT value FROM json_each($1))
             UNION
             SELECT folder_id FROM assets WHERE id IN (SELECT value FROM json_each($2))
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
    let folders: Vec<FolderId> = folders.into_iter().collect();
    restored.folder_ids = folders.clone();
    restored.renamed = free_names(tx, space, &folders).await?;
    sqlx::query(
        "UPDATE folders SET deleted_at = NULL, deleted_by = NULL, delete_batch = NULL,
                            expires_at = NULL, parent_gone = 0
         WHERE id IN (SELECT value FROM json_each($1))",
    )
    .bind(json_ids(&folders))
    .execute(&mut *tx)
    .await?;
    check_depth(tx, &folders).await?;
    if !restored.inside.is_empty() {
        sqlx::query(
            "UPDATE assets SET deleted_at = NULL, deleted_by = NULL, delete_batch = NULL,
                               expires_at = NULL, folder_gone = 0
             WHERE id IN (SELECT value FROM json_each($1))",
        )
        .bind(json_ids(&restored.inside))
        .execute(&mut *tx)
        .await?;
    }
    Ok(restored)
}

/// 409 if a restored folder is now nested deeper than [`MAX_DEPTH`]: its
/// old parent may have been moved under others while it was in Trash.
/// (The caller's transaction is then rolled back: nothing is restored.)
async fn check_depth(tx: &mut AnyConnection, folders: &[FolderId]) -> Result<(), AppError> {
    let deepest: Option<i64> = sqlx::query_scalar(
        "WITH RECURSIVE up (id, depth) AS (
             SELECT value, 1 FROM json_each($1)
             UNION ALL
             SELECT f.parent_id, up.depth + 1 FROM folders f JOIN up ON f.id = up.id
             WHERE f.parent_id IS NOT NULL AND up.depth <= $2
         )
         SELECT MAX(depth) FROM up",
    )
    .bind(json_ids(folders))
    .bind(MAX_DEPTH as i64)
    .fetch_one(&mut *tx)
    .await?;
    if deepest.unwrap_or(0) > MAX_DEPTH as i64 {
        return Err(AppError::Conflict(format!(
            "Restored where they were, these folders would be nested more than {MAX_DEPTH} levels deep: the folder they were in has been moved. Move it higher first. Nothing was restored."
        )));
    }
    Ok(())
}

/// Gives each folder about to be restored whose name a live folder beside
/// it has, or one restored beside it in this change, a free name: "Spring
/// 25 (restored)", "Spring 25 (restored 2)"… Names are compared as the
/// unique index compares them ([`sibling_key`]: without case or zero-width
/// joiners), or the restore would fail on it. Only the topmost restored
/// folders can have live siblings (below them every sibling was in Trash),
/// but any two restored folders of one parent can share a name (one
/// deleted before a new one of its name was made, and both come back).
async fn free_names(
    tx: &mut AnyConnection,
    space: SpaceId,
    folders: &[FolderId],
) -> Result<Vec<(String, String)>, AppError> {
    let restored: Vec<(
        FolderId,
        Option<FolderId>,
        String,
        crate::platform::db::Flag,
    )> = sqlx::query_as(
        "SELECT f.id, f.parent_id, f.name,
                f.parent_id IS NULL OR f.parent_id NOT IN (SELECT value FROM json_each($1))
         FROM folders f
         WHERE f.id IN (SELECT value FROM json_each($1))
         ORDER BY f.id",
    )
    .bind(json_ids(folders))
    .fetch_all(&mut *tx)
    .await?;
    let mut taken: BTreeMap<i64, BTreeSet<String>> = BTreeMap::new();
    let mut renamed = Vec::new();
    for (id, parent, name, crate::platform::db::Flag(topmost)) in restored {
        let here = taken.entry(parent.map_or(0, |p| p.0)).or_default();
        let mut candidate = None;
        for attempt in 0..=MAX_NAME_ATTEMPTS {
            let name = restored_name(&name, attempt, id);
            if here.contains(&sibling_key_of(&name)) {
                continue;
            }
            let live: Option<i64> = if topmost {
                sqlx::query_scalar(&format!(
                    "SELECT 1 FROM folders
                     WHERE space_id = $1 AND coalesce(parent_id, 0) = $2 AND {} = {}
                           AND deleted_at IS NULL",
                    sibling_key("name"),
                    sibling_key("$3"),
                ))
                .bind(space)
                .bind(parent.map_or(0, |p| p.0))
                .bind(&name)
                .fetch_optional(&mut *tx)
                .await?
            } else {
                None
            };
            if live.is_none() {
                here.insert(sibling_key_of(&name));
                candidate = Some(name);
                break;
            }
        }
        let Some(candidate) = candidate else {
            return Err(AppError::Conflict(format!(
                "“{name}” cannot come back beside the folders that have its name now; rename them first. Nothing was restored."
            )));
        };
        if candidate != name {
            sqlx::query("UPDATE folders SET name = $1 WHERE id = $2")
                .bind(&candidate)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            renamed.push((name, candidate));
        }
    }
    Ok(renamed)
}

/// Free names tried for a restored folder before giving up: "(restored)",
/// "(restored 2)"… up to this, then one made of its id.
const MAX_NAME_ATTEMPTS: usize = 20;

/// The name a restored folder tries at `attempt`: its own, then "Name
/// (restored)", "Name (restored 2)"…, and last "Name (restored #id)"; the
/// name is shortened so that all of it stays within the longest name.
fn restored_name(name: &str, attempt: usize, id: FolderId) -> String {
    use crate::assets::model::MAX_NAME_CHARS;
    let suffix = match attempt {
        0 => return name.to_owned(),
        1 => " (restored)".to_owned(),
        n if n < MAX_NAME_ATTEMPTS => format!(" (restored {n})"),
        _ => format!(" (restored #{})", id.0),
    };
    let room = MAX_NAME_CHARS - suffix.chars().count();
    let base: String = name.chars().take(room).collect();
    format!("{}{suffix}", base.trim_end())
}

/// Deletes trashed folders `roots` for good with everything of their batch
/// below them; returns what went. Rows of
/// other batches inside them stay in Trash, at the top level (the
/// `folders_removed` trigger).
pub(super) async fn delete_folders(
    tx: &mut AnyConnection,
    roots: &[(FolderId, Timestamp, BatchId)],
) -> Result<Deleted, AppError> {
    let mut deleted = Deleted::default();
    for (root, _, batch) in roots {
        let subtree = batch_subtree(tx, *root, batch).await?;
        let removed: Vec<(AssetId, String)> = sqlx::query_as(
            "DELETE FROM assets
             WHERE delete_batch = $1 AND folder_id IN (SELECT value FROM json_each($2))
             RETURNING id, storage_key",
        )
        .bind(batch)
        .bind(json_ids(&subtree))
        .fetch_all(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM folders WHERE id IN (SELECT value FROM json_each($1))")
            .bind(json_ids(&subtree))
            .execute(&mut *tx)
            .await?;
        for (id, key) in removed {
            deleted.assets.push(id);
            deleted.keys.push(key);
        }
        deleted.folders.extend(subtree);
    }
    Ok(deleted)
}

/// What [`delete_folders`] removed: assets (ids and storage keys) and
/// folders.
#[derive(Debug, Default)]
pub(super) struct Deleted {
    pub(super) assets: Vec<AssetId>,
    pub(super) keys: Vec<String>,
    pub(super) folders: Vec<FolderId>,
}

#[cfg(test)]
mod tests;
