//! Putting assets back: Undo of one move (a batch), and restoring from
//! Trash by ids or by its filters.

use std::collections::BTreeSet;

use sqlx::AnyPool;

use super::super::listing::TrashFilters;
use super::super::model::{is_restorable, RestoreFromTrashOutcome, RestoreOutcome};
use super::folders;
use super::matching::{begin_matching_in_trash, BulkChange};
use super::states::begin_bulk;
use crate::domain::bulk_target::{list_ids, Items};
use crate::domain::error::AppError;
use crate::domain::ids::{Actor, AssetId, BatchId, FolderId, SpaceId, UserId};
use crate::domain::time::Timestamp;
use crate::platform::audit::{AuditAction, AuditEntry};
use crate::platform::clock::Clock;
use crate::platform::db::json_ids;

/// Undo: puts back the assets of one batch that are still in Trash and
/// still restorable. A batch unknown in this space is a 404.
#[cfg_attr(feature = "ssr", tracing::instrument(skip(pool)))]
pub async fn restore_batch(
    pool: &AnyPool,
    space: SpaceId,
    actor: Actor,
    batch: &BatchId,
    clock: &Clock,
) -> Result<RestoreOutcome, AppError> {
    if !batch.is_well_formed() {
        return Err(AppError::validation("That is not a batch id."));
    }
    let mut tx = crate::platform::db::begin_write_on(pool).await?;
    let now = clock.now();
    let known: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM audit_log WHERE space_id = $1 AND batch = $2 AND action = 'move_to_trash'",
    )
    .bind(space)
    .bind(batch)
    .fetch_optional(&mut *tx)
    .await?;
    if known.is_none() {
        return Err(AppError::NotFound);
    }
    // The batch's topmost rows: its folders and assets not inside one of
    // its folders. Restoring them brings the rest of the batch back.
    let roots: Vec<(FolderId, Timestamp, BatchId)> = sqlx::query_as(
        "SELECT f.id, f.expires_at, f.delete_batch FROM folders f
         WHERE f.space_id = $1 AND f.delete_batch = $2 AND f.expires_at > $3
           AND NOT EXISTS (SELECT 1 FROM folders p
                           WHERE p.id = f.parent_id AND p.delete_batch = $2)
         ORDER BY f.id",
    )
    .bind(space)
    .bind(batch)
    .bind(now)
    .fetch_all(&mut *tx)
    .await?;
    let ids: Vec<AssetId> = sqlx::query_scalar(
        "SELECT a.id FROM assets a
         WHERE a.space_id = $1 AND a.delete_batch = $2 AND a.expires_at > $3
           AND NOT EXISTS (SELECT 1 FROM folders p
                           WHERE p.id = a.folder_id AND p.delete_batch = $2)
         ORDER BY a.id",
    )
    .bind(space)
    .bind(batch)
    .bind(now)
    .fetch_all(&mut *tx)
    .await?;
    let to_top_level = count_to_top_level(&mut tx, &ids, &roots).await?;
    let with = folders::restore_folders(&mut tx, space, &roots, &ids).await?;
    put_back(&mut tx, space, &ids).await?;
    let mut all = ids;
    all.extend(&with.inside);
    all.sort_unstable();
    all.dedup();
    let changed = (all.as_slice(), with.folder_ids.as_slice());
    audit_restore(&mut tx, space, Some(actor), Some(batch), changed, now).await?;
    tx.commit().await?;
    Ok(RestoreOutcome {
        restored: all.len() as u64,
        folders: with.folder_ids.len() as u64,
        renamed: with.renamed,
        to_top_level,
    })
}

/// How many of the rows about to be restored lost their folder (it was
/// deleted for good) and so come back at the top level.
async fn count_to_top_level(
    tx: &mut sqlx::AnyConnection,
    assets: &[AssetId],
    folders: &[(FolderId, Timestamp, BatchId)],
) -> Result<u64, AppError> {
    let folder_ids: Vec<FolderId> = folders.iter().map(|(id, ..)| *id).collect();
    let n: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM assets
                 WHERE folder_gone = 1 AND id IN (SELECT value FROM json_each($1)))
              + (SELECT COUNT(*) FROM folders
                 WHERE parent_gone = 1 AND id IN (SELECT value FROM json_each($2)))",
    )
    .bind(json_ids(assets))
    .bind(json_ids(&folder_ids))
    .fetch_one(&mut *tx)
    .await?;
    Ok(n.max(0) as u64)
}

/// Restores `ids` from Trash (see [`restore_assets`]).
pub async fn restore_from_trash(
    pool: &AnyPool,
    space: SpaceId,
    user: UserId,
    ids: &[AssetId],
    clock: &Clock,
) -> Result<RestoreFromTrashOutcome, AppError> {
    restore_assets(pool, &BulkChange::ids(space, Some(user.into()), ids), clock).await
}

/// Restores assets from Trash, all or nothing: listed ids (unknown or
/// foreign ids fail naming them, 404; ids whose 14 days are over fail as no
/// longer restorable; ids not in Trash are skipped and counted), or
/// everything restorable in Trash matching its filters if that is the
/// confirmed number; and the listed trashed folders with everything of
/// their batch inside. Folders in Trash above anything restored come back
/// too. The actor is who asked (`None`: the command line).
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(space = change.space.0)))]
pub async fn restore_assets(
    pool: &AnyPool,
    change: &BulkChange<TrashFilters, Option<Actor>>,
    clock: &Clock,
) -> Result<RestoreFromTrashOutcome, AppError> {
    let BulkChange {
        space,
        actor,
        ref target,
        effect,
    } = *change;
    let mut conn = pool.acquire().await?;
    let (mut tx, trashed, skipped, now) = match &target.items {
        Items::Ids(_) => {
            let (tx, states) = begin_bulk(&mut conn, space, target, "restored").await?;
            // Read under the write lock: waiting for it may take seconds,
            // and a restore that started just before the deadline
            // must not commit after they ended.
            let now = clock.now();
            let expired: BTreeSet<AssetId> = states
                .trashed
                .iter()
                .filter(|(_, at)| !is_restorable(*at, now))
                .map(|(id, _)| *id)
                .collect();
            if !expired.is_empty() {
                return Err(AppError::Conflict(format!(
                    "These assets were in Trash past their last day and can no longer be restored: {}. Nothing was restored.",
                    list_ids(expired.iter().map(|id| id.0))
                )));
            }
            let skipped = states.live.len() as u64;
            (tx, states.trashed_ids(), skipped, now)
        }
        Items::Matching { filters, expected } => {
            target.validate()?;
            let (tx, ids, now) =
                begin_matching_in_trash(&mut conn, space, filters, *expected, clock, "restored")
                    .await?;
            (tx, ids, 0, now)
        }
    };
    let states = folders::folder_states(&mut tx, space, &target.folders, "restored").await?;
    let expired: BTreeSet<FolderId> = states
        .trashed
        .iter()
        .filter(|(_, at, _)| !is_restorable(*at, now))
        .map(|(id, ..)| *id)
        .collect();
    if !expired.is_empty() {
        return Err(AppError::Conflict(format!(
            "These folders were in Trash past their last day and can no longer be restored: {}. Nothing was restored.",
            list_ids(expired.iter().map(|id| id.0))
        )));
    }
    let to_top_level = count_to_top_level(&mut tx, &trashed, &states.trashed).await?;
    let with = folders::restore_folders(&mut tx, space, &states.trashed, &trashed).await?;
    put_back(&mut tx, space, &trashed).await?;
    let mut all = trashed;
    all.extend(&with.inside);
    all.sort_unstable();
    all.dedup();
    let changed = (all.as_slice(), with.folder_ids.as_slice());
    audit_restore(&mut tx, space, actor, None, changed, now).await?;
    effect.finish(tx).await?;
    Ok(RestoreFromTrashOutcome {
        restored: all.len() as u64,
        skipped,
        folders: with.folder_ids.len() as u64,
        folders_skipped: states.live.len() as u64,
        renamed: with.renamed,
        to_top_level,
        dry_run: effect.is_dry_run(),
    })
}

/// Takes `ids` out of Trash (the caller audits it, [`audit_restore`]).
async fn put_back(
    tx: &mut sqlx::AnyConnection,
    space: SpaceId,
    ids: &[AssetId],
) -> Result<(), AppError> {
    if ids.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "UPDATE assets SET deleted_at = NULL, deleted_by = NULL, delete_batch = NULL,
                           expires_at = NULL, folder_gone = 0
         WHERE space_id = $1 AND id IN (SELECT value FROM json_each($2))",
    )
    .bind(space)
    .bind(json_ids(ids))
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The audit row of a restore (with the batch, for an Undo): the assets
/// and the folders restored. Nothing when neither is.
async fn audit_restore(
    tx: &mut sqlx::AnyConnection,
    space: SpaceId,
    actor: Option<Actor>,
    batch: Option<&BatchId>,
    (ids, folders): (&[AssetId], &[FolderId]),
    now: Timestamp,
) -> Result<(), AppError> {
    if ids.is_empty() && folders.is_empty() {
        return Ok(());
    }
    AuditEntry {
        space,
        actor,
        action: AuditAction::Restore,
        batch,
        ids_json: &json_ids(ids),
        count: ids.len(),
        folders_json: &json_ids(folders),
        at: now,
    }
    .write(tx)
    .await
}
