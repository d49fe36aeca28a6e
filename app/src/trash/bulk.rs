//! The bulk changes: moving assets to Trash and back, and deleting them for
//! good. One IMMEDIATE transaction per request (the write lock is taken up
//! front, so concurrent requests queue on the busy timeout instead of
//! failing), all or nothing, audited. Each is a [`BulkChange`]: listed ids
//! or everything matching filters (a [`BulkTarget`](crate::domain::bulk_target::BulkTarget)), maybe a dry run
//! ([`Effect`]).

mod folders;
mod matching;
mod restore;
mod states;

use crate::platform::db::Sql;
use sqlx::{AnyConnection, AnyPool};

use matching::begin_matching_in_trash;
pub use matching::{BulkChange, Effect};
pub use restore::{restore_assets, restore_batch, restore_from_trash};
use states::begin_bulk;

use super::listing::TrashFilters;
use super::model::{DeletePermanentlyOutcome, MoveOutcome};
use crate::assets::moving::AssetFilters;
use crate::domain::bulk_target::Items;
use crate::domain::error::AppError;
use crate::domain::ids::{AssetId, BatchId, SpaceId, UserId};
use crate::domain::time::Timestamp;
use crate::platform::audit::{write_batch_entry, AuditAction, AuditEntry};
use crate::platform::clock::Clock;
use crate::platform::db::json_ids;
use crate::platform::storage::Storage;

/// Moves `ids` of `space` to Trash for `user`. Ids already in Trash are
/// skipped and counted; any id that is unknown or in another space fails the
/// whole request, naming them.
pub async fn move_to_trash(
    pool: &AnyPool,
    space: SpaceId,
    user: UserId,
    ids: &[AssetId],
    clock: &Clock,
) -> Result<MoveOutcome, AppError> {
    trash_assets(pool, &BulkChange::ids(space, user.into(), ids), clock).await
}

/// Moves assets of a space to Trash, as one batch: listed ids (those
/// already in Trash are skipped and counted; unknown or foreign ids fail the
/// whole request, naming them), or every live asset matching a search (all
/// of them without one) if they are the confirmed number; and the listed
/// folders with everything live inside them, in the same batch.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(space = change.space.0)))]
pub async fn trash_assets(
    pool: &AnyPool,
    change: &BulkChange<AssetFilters>,
    clock: &Clock,
) -> Result<MoveOutcome, AppError> {
    let BulkChange {
        space,
        actor,
        ref target,
        effect,
    } = *change;
    let user = actor.user;
    let mut conn = pool.acquire().await?;
    let batch = BatchId::new_random();
    let (mut tx, moved, skipped, now) = match &target.items {
        Items::Ids(_) => {
            let (mut tx, states) = begin_bulk(&mut conn, space, target, "moved").await?;
            let now = clock.now();
            trash_live(&mut tx, space, user, &states.live, &batch, now).await?;
            let (moved, skipped) = (states.live.len() as u64, states.trashed.len() as u64);
            (tx, moved, skipped, now)
        }
        Items::Matching { filters, expected } => {
            // One statement over the matching rows, counted; the guard
            // after it rolls everything back if the count is not the one
            // confirmed.
            target.validate()?;
            let mut tx = crate::platform::db::begin_write(&mut conn).await?;
            let now = clock.now();
            let mut update = Sql::new("UPDATE assets SET deleted_at = ");
            update
                .push_bind(now)
                .push(", deleted_by = ")
                .push_bind(user)
                .push(", delete_batch = ")
                .push_bind(&batch)
                .push(" WHERE id IN (");
            filters.push_ids(&mut update, space);
            update.push(")");
            let moved = update.build().execute(&mut *tx).await?.rows_affected();
            filters.check_count(moved, *expected, "moved")?;
            (tx, moved, 0, now)
        }
    };
    let states = folders::folder_states(&mut tx, space, &target.folders, "moved").await?;
    let inside = folders::trash_folders(&mut tx, &states.live, user, &batch, now).await?;
    let moved_folders = states.live.len() as u64;
    // Either way the batch's rows are what moved: the database gathers
    // their ids for the audit entry (100,000 ids never leave SQLite).
    if moved + inside + moved_folders > 0 {
        write_batch_entry(&mut tx, space, actor, &batch, now).await?;
    }
    effect.finish(tx).await?;
    Ok(MoveOutcome {
        moved,
        skipped,
        folders: moved_folders,
        inside,
        folders_skipped: states.trashed.len() as u64,
        batch,
        dry_run: effect.is_dry_run(),
    })
}

/// Moves live assets (`live`, known to be live under the write lock) to
/// Trash as one batch (the caller audits it).
async fn trash_live(
    tx: &mut AnyConnection,
    space: SpaceId,
    user: UserId,
    live: &[AssetId],
    batch: &BatchId,
    now: Timestamp,
) -> Result<(), AppError> {
    if live.is_empty() {
        return Ok(());
    }
    let moved = sqlx::query(
        "UPDATE assets SET deleted_at = $1, deleted_by = $2, delete_batch = $3
         WHERE space_id = $4 AND deleted_at IS NULL AND id IN (SELECT value FROM json_each($5))",
    )
    .bind(now)
    .bind(user)
    .bind(batch)
    .bind(space)
    .bind(json_ids(live))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if moved != live.len() as u64 {
        // Cannot happen under the write lock; refuse rather than half-do.
        return Err(AppError::internal(format!(
            "moved {moved} of {} live assets",
            live.len()
        )));
    }
    Ok(())
}

/// Deletes `ids` of `space` for good (see [`delete_assets_permanently`]).
pub async fn delete_permanently(
    pool: &AnyPool,
    storage: &Storage,
    space: SpaceId,
    user: UserId,
    ids: &[AssetId],
    clock: &Clock,
) -> Result<DeletePermanentlyOutcome, AppError> {
    let change = BulkChange::ids(space, user.into(), ids);
    delete_assets_permanently(pool, storage, &change, clock).await
}

/// Deletes assets in Trash for good, all or nothing: listed ids (unknown or
/// foreign ids fail naming them, 404; ids not in Trash, restored meanwhile,
/// are skipped and counted), or everything in Trash matching its filters
/// if that is the confirmed number; and listed folders in Trash with
/// everything of their batch inside. Rows go in one transaction with the
/// audit entry; their files are removed only after it commits (a crash in
/// between leaves orphan files, which the purge's sweep removes).
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(space = change.space.0)))]
pub async fn delete_assets_permanently(
    pool: &AnyPool,
    storage: &Storage,
    change: &BulkChange<TrashFilters>,
    clock: &Clock,
) -> Result<DeletePermanentlyOutcome, AppError> {
    let BulkChange {
        space,
        actor,
        ref target,
        effect,
    } = *change;
    // Durable: the files go once this commits, so the commit must survive
    // a power cut (`synchronous = FULL`), or rows could come back without
    // their files.
    let mut conn = crate::platform::db::durable_connection(pool).await?;
    let (mut tx, trashed, skipped, now) = match &target.items {
        Items::Ids(_) => {
            let (tx, states) = begin_bulk(&mut conn, space, target, "deleted").await?;
            let skipped = states.live.len() as u64;
            (tx, states.trashed_ids(), skipped, clock.now())
        }
        Items::Matching { filters, expected } => {
            target.validate()?;
            let (tx, ids, now) =
                begin_matching_in_trash(&mut conn, space, filters, *expected, clock, "deleted")
                    .await?;
            (tx, ids, 0, now)
        }
    };
    let states = folders::folder_states(&mut tx, space, &target.folders, "deleted").await?;
    let folders::Deleted {
        assets: mut gone,
        mut keys,
        folders: mut folders_gone,
    } = folders::delete_folders(&mut tx, &states.trashed).await?;
    if !trashed.is_empty() {
        let removed: Vec<(AssetId, String)> = sqlx::query_as(
            "DELETE FROM assets
             WHERE space_id = $1 AND deleted_at IS NOT NULL AND id IN (SELECT value FROM json_each($2))
             RETURNING id, storage_key",
        )
        .bind(space)
        .bind(json_ids(&trashed))
        .fetch_all(&mut *tx)
        .await?;
        for (id, key) in removed {
            gone.push(id);
            keys.push(key);
        }
    }
    if !gone.is_empty() || !folders_gone.is_empty() {
        gone.sort_unstable();
        folders_gone.sort_unstable();
        AuditEntry {
            space,
            actor: Some(actor),
            action: AuditAction::DeletePermanently,
            batch: None,
            ids_json: &json_ids(&gone),
            count: gone.len(),
            folders_json: &json_ids(&folders_gone),
            at: now,
        }
        .write(&mut tx)
        .await?;
    }
    effect.finish(tx).await?;
    if !effect.is_dry_run() {
        remove_files(storage, &keys).await;
    }
    Ok(DeletePermanentlyOutcome {
        deleted: keys.len() as u64,
        skipped,
        folders: states.trashed.len() as u64,
        folders_skipped: states.live.len() as u64,
        dry_run: effect.is_dry_run(),
    })
}
/// Removes the stored files of deleted rows; returns how many files went.
/// A failure is logged and left to the orphan sweep: the rows are gone
/// already, so the request has succeeded.
pub(crate) async fn remove_files(storage: &Storage, keys: &[String]) -> u64 {
    let mut removed = 0;
    // A few at once: a remote store answers each in a round trip.
    for some in keys.chunks(FILE_REMOVALS_AT_ONCE) {
        let results = futures::future::join_all(some.iter().map(|key| storage.remove(key))).await;
        for (key, result) in some.iter().zip(results) {
            match result {
                Ok(n) => removed += n,
                Err(error) => {
                    tracing::warn!(%error, key, "could not remove a deleted asset's files; the sweep will retry")
                }
            }
        }
    }
    removed
}

/// Files removed at once after a permanent deletion or a purge.
const FILE_REMOVALS_AT_ONCE: usize = 16;

#[cfg(test)]
mod tests;
