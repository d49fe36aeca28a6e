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

use super::in_use::{in_use_among, in_use_inside, kept_folders, InUse};
use super::listing::TrashFilters;
use super::model::{expiry, DeletePermanentlyOutcome, MoveOutcome};
use crate::assets::moving::AssetFilters;
use crate::domain::bulk_target::Items;
use crate::domain::error::AppError;
use crate::domain::ids::{AssetId, BatchId, SpaceId, UserId};
use crate::domain::paging::MAX_MATCHING;
use crate::domain::time::Timestamp;
use crate::platform::audit::{write_batch_entry, AuditAction, AuditEntry};
use crate::platform::clock::Clock;
use crate::platform::db::json_ids;
use crate::platform::storage::Storage;
use crate::spaces::data::retention_days;

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
pub async fn trash_assets(
    pool: &AnyPool,
    change: &BulkChange<AssetFilters>,
    clock: &Clock,
) -> Result<MoveOutcome, AppError> {
    trash_assets_with(pool, change, InUse::Move, clock).await
}

/// [`trash_assets`], leaving the assets in use where they are with
/// [`InUse::Keep`]: the listed or matching assets some source uses, and
/// the listed folders holding one (with everything inside), are judged in
/// the same transaction, under the write lock, as the move of the rest; an
/// asset referenced a moment before stays. "All matching" then confirms
/// the number that moves (the matching assets not in use).
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(space = change.space.0)))]
pub async fn trash_assets_with(
    pool: &AnyPool,
    change: &BulkChange<AssetFilters>,
    in_use: InUse,
    clock: &Clock,
) -> Result<MoveOutcome, AppError> {
    let BulkChange {
        space,
        actor,
        ref target,
        effect,
    } = *change;
    let user = actor.user;
    let keep = in_use == InUse::Keep;
    let mut conn = pool.acquire().await?;
    let batch = BatchId::new_random();
    let mut kept_in_use: Vec<AssetId> = Vec::new();
    let (mut tx, moved, skipped, when) = match &target.items {
        Items::Ids(_) => {
            let (mut tx, states) = begin_bulk(&mut conn, space, target, "moved").await?;
            let now = clock.now();
            let expires_at = expiry(now, retention_days(&mut *tx, space).await?);
            let mut live = states.live;
            if keep {
                kept_in_use = in_use_among(&mut tx, &live).await?;
                live.retain(|id| kept_in_use.binary_search(id).is_err());
            }
            let when = (now, expires_at);
            trash_live(&mut tx, space, user, &live, &batch, when).await?;
            let (moved, skipped) = (live.len() as u64, states.trashed.len() as u64);
            (tx, moved, skipped, when)
        }
        Items::Matching { filters, expected } => {
            // One statement over the matching rows, counted; the guard
            // after it rolls everything back if the count is not the one
            // confirmed.
            target.validate()?;
            let mut tx = crate::platform::db::begin_write(&mut conn).await?;
            let now = clock.now();
            let expires_at = expiry(now, retention_days(&mut *tx, space).await?);
            if keep {
                let mut kept =
                    Sql::new("SELECT a.id FROM assets a WHERE a.used_in > 0 AND a.id IN (");
                filters.push_ids(&mut kept, space);
                kept.push(") ORDER BY a.id");
                kept_in_use = kept.build_query_scalar().fetch_all(&mut *tx).await?;
            }
            let mut update = Sql::new("UPDATE assets SET deleted_at = ");
            update
                .push_bind(now)
                .push(", deleted_by = ")
                .push_bind(user)
                .push(", delete_batch = ")
                .push_bind(&batch)
                .push(", expires_at = ")
                .push_bind(expires_at)
                .push(" WHERE id IN (");
            filters.push_ids(&mut update, space);
            update.push(")");
            if keep {
                update.push(" AND used_in = 0");
            }
            let moved = update.build().execute(&mut *tx).await?.rows_affected();
            check_matching_count(filters, moved, kept_in_use.len() as u64, *expected)?;
            (tx, moved, 0, (now, expires_at))
        }
    };
    let states = folders::folder_states(&mut tx, space, &target.folders, "moved").await?;
    let (moving_folders, kept_folder_ids) = if keep {
        let inside = in_use_inside(&mut tx, &states.live).await?;
        kept_in_use.extend(inside.iter().map(|(_, asset)| *asset));
        kept_in_use.sort_unstable();
        kept_in_use.dedup();
        kept_folders(&states.live, &inside)
    } else {
        (states.live, Vec::new())
    };
    let inside = folders::trash_folders(&mut tx, &moving_folders, user, &batch, when).await?;
    let moved_folders = moving_folders.len() as u64;
    // Either way the batch's rows are what moved: the database gathers
    // their ids for the audit entry (100,000 ids never leave SQLite).
    if moved + inside + moved_folders > 0 {
        write_batch_entry(&mut tx, space, actor, &batch, when.0).await?;
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
        kept_in_use,
        kept_folders: kept_folder_ids,
    })
}

/// The guard of a move of "all matching" assets that keeps `kept` in use:
/// the `moved` ones must be the `expected` number confirmed (see
/// [`AssetFilters::check_count`]), and all of them together within the
/// most one change may touch. Every match in use, and 0 confirmed, moves
/// nothing and is no error.
fn check_matching_count(
    filters: &AssetFilters,
    moved: u64,
    kept: u64,
    expected: u64,
) -> Result<(), AppError> {
    if moved + kept > MAX_MATCHING as u64 {
        return Err(AppError::validation(format!(
            "More than {MAX_MATCHING} assets match; narrow the search. Nothing was moved."
        )));
    }
    if kept > 0 && moved == 0 && expected == 0 {
        return Ok(());
    }
    match filters.check_count(moved, expected, "moved") {
        Err(AppError::CountChanged { count, .. }) if kept > 0 => Err(AppError::CountChanged {
            count,
            message: format!(
                "{} not in use match now, not {expected}; {kept} in use stay. Nothing was moved; confirm again to go ahead.",
                crate::domain::format::assets_count(count),
            ),
        }),
        other => other,
    }
}

/// Moves live assets (`live`, known to be live under the write lock) to
/// Trash as one batch (the caller audits it).
async fn trash_live(
    tx: &mut AnyConnection,
    space: SpaceId,
    user: UserId,
    live: &[AssetId],
    batch: &BatchId,
    (now, expires_at): (Timestamp, Timestamp),
) -> Result<(), AppError> {
    if live.is_empty() {
        return Ok(());
    }
    let moved = sqlx::query(
        "UPDATE assets SET deleted_at = $1, deleted_by = $2, delete_batch = $3, expires_at = $6
         WHERE space_id = $4 AND deleted_at IS NULL AND id IN (SELECT value FROM json_each($5))",
    )
    .bind(now)
    .bind(user)
    .bind(batch)
    .bind(space)
    .bind(json_ids(live))
    .bind(expires_at)
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
    // A few at once on a remote store, which answers each in a round trip.
    let (removed, failed) = storage.remove_many(keys, FILE_REMOVALS_AT_ONCE).await;
    for (key, error) in failed {
        tracing::warn!(%error, key, "could not remove a deleted asset's files; the sweep will retry");
    }
    removed
}

/// Files removed at once after a permanent deletion or a purge.
const FILE_REMOVALS_AT_ONCE: usize = 16;

#[cfg(test)]
mod tests;
