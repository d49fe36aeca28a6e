//! The purge: assets whose time in Trash is over (their `expires_at`, the
//! deadline each got when it was deleted) are removed for good.
//!
//! Rows go first, in `BEGIN IMMEDIATE` transactions of at most
//! [`PURGE_CHUNK`] assets (each with its audit entries), and only then their
//! files, so a crash can leave a file without a row but never a row without
//! its file. The sweep removes such leftovers. Every step works from what is
//! in the database at that moment, so a second run, or a run on another
//! server at the same time, finds nothing more to do: it is idempotent and
//! safe to run anywhere.
//!
//! A restore racing the purge is decided by the write lock: the restore
//! either commits first (the asset is live, the purge's `DELETE` no longer
//! matches it, its file stays) or after (the row is gone, the restore
//! answers 404). Both compare `expires_at` with the clock read under the
//! lock ([`is_restorable`](super::model::is_restorable)), so they agree on
//! "expired".

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, SystemTime};

use futures::TryStreamExt as _;
use sqlx::AnyPool;

use super::bulk::remove_files;
use super::model::PurgeReport;
use crate::domain::error::AppError;
use crate::domain::ids::{AssetId, FolderId, SpaceId};
use crate::platform::audit::{AuditAction, AuditEntry};
use crate::platform::clock::Clock;
use crate::platform::db::json_ids;
use crate::platform::storage::Storage;

/// Expired assets removed per transaction, so the write lock is held briefly.
pub const PURGE_CHUNK: i64 = 1_000;

/// A stored file must be at least this old before the sweep may remove it
/// for having no row: an upload writes its file just before its row.
pub const ORPHAN_GRACE: Duration = Duration::from_secs(60 * 60);

/// Removes every asset that expired by `now` (rows, then files), then sweeps
/// files with no row that were last modified before `orphans_before`.
///
/// `orphans_before` is wall-clock time, compared with file modification
/// times; the app clock's offset must not make fresh uploads look old.
#[cfg_attr(feature = "ssr", tracing::instrument(skip(pool, storage), err(Debug)))]
pub async fn purge(
    pool: &AnyPool,
    storage: &Storage,
    clock: &Clock,
    orphans_before: SystemTime,
) -> Result<PurgeReport, AppError> {
    let mut report = PurgeReport::default();
    // Folders go by this first reading of the clock: everything of their
    // deletion expired by then, so the rows below remove it first.
    let started = Clock::frozen(clock.now());
    loop {
        let (purged, keys) = purge_chunk(pool, clock).await?;
        report.assets += purged;
        report.files += remove_files(storage, &keys).await;
        if purged < PURGE_CHUNK as u64 {
            break;
        }
    }
    loop {
        let purged = purge_folders(pool, &started).await?;
        report.folders += purged;
        if purged < PURGE_CHUNK as u64 {
            break;
        }
    }
    report.orphans = sweep_orphans(pool, storage, orphans_before).await?;
    Ok(report)
}

/// One transaction: delete up to [`PURGE_CHUNK`] expired rows, audit them per
/// space, commit. Returns the count and the storage keys whose files go next.
/// The commit is durable (`synchronous = FULL`) before any file goes, and
/// "expired" is decided by the clock read under the write lock.
async fn purge_chunk(pool: &AnyPool, clock: &Clock) -> Result<(u64, Vec<String>), AppError> {
    let mut conn = crate::platform::db::durable_connection(pool).await?;
    let mut tx = crate::platform::db::begin_write(&mut conn).await?;
    let now = clock.now();
    let rows: Vec<(AssetId, SpaceId, String)> = sqlx::query_as(
        "DELETE FROM assets WHERE id IN (
             SELECT id FROM assets
             WHERE deleted_at IS NOT NULL AND expires_at <= $1
             ORDER BY expires_at LIMIT $2)
         RETURNING id, space_id, storage_key",
    )
    .bind(now)
    .bind(PURGE_CHUNK)
    .fetch_all(&mut *tx)
    .await?;
    let purged = rows.iter().map(|(id, space, _)| (*id, *space));
    audit_purge(&mut tx, purged, Purged::Assets, now).await?;
    tx.commit().await?;
    Ok((
        rows.len() as u64,
        rows.into_iter().map(|(_, _, key)| key).collect(),
    ))
}

/// One transaction: delete up to [`PURGE_CHUNK`] expired folders none of
/// whose deletion's assets are left (the rows above went first). A row of
/// an earlier deletion still inside one is left at the top level by the
/// `folders_removed` trigger.
async fn purge_folders(pool: &AnyPool, clock: &Clock) -> Result<u64, AppError> {
    let mut tx = crate::platform::db::begin_write_on(pool).await?;
    let now = clock.now();
    let removed: Vec<(FolderId, SpaceId)> = sqlx::query_as(
        "DELETE FROM folders WHERE id IN (
             SELECT f.id FROM folders f
             WHERE f.deleted_at IS NOT NULL AND f.expires_at <= $1
               AND NOT EXISTS (SELECT 1 FROM assets x WHERE x.delete_batch = f.delete_batch)
             LIMIT $2)
         RETURNING id, space_id",
    )
    .bind(now)
    .bind(PURGE_CHUNK)
    .fetch_all(&mut *tx)
    .await?;
    audit_purge(&mut tx, removed.iter().copied(), Purged::Folders, now).await?;
    tx.commit().await?;
    Ok(removed.len() as u64)
}

/// What a purge step removed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Purged {
    Assets,
    Folders,
}

/// One purge entry per space for the removed `(id, space)` rows.
async fn audit_purge<Id: Ord + serde::Serialize>(
    tx: &mut sqlx::AnyConnection,
    removed: impl Iterator<Item = (Id, SpaceId)>,
    what: Purged,
    now: crate::domain::time::Timestamp,
) -> Result<(), AppError> {
    let mut by_space: BTreeMap<i64, Vec<Id>> = BTreeMap::new();
    for (id, space) in removed {
        by_space.entry(space.0).or_default().push(id);
    }
    for (space, mut ids) in by_space {
        ids.sort_unstable();
        let ids_json = json_ids(&ids);
        let (assets, count, folders) = match what {
            Purged::Assets => (ids_json.as_str(), ids.len(), "[]"),
            Purged::Folders => ("[]", 0, ids_json.as_str()),
        };
        AuditEntry {
            space: SpaceId(space),
            actor: None,
            action: AuditAction::Purge,
            batch: None,
            ids_json: assets,
            count,
            folders_json: folders,
            at: now,
        }
        .write(tx)
        .await?;
    }
    Ok(())
}

/// Removes stored files older than `before` whose key no asset row has
/// (left by a crash between a purge's commit and its file removal, or by an
/// upload that failed after writing its file), and stale temporary files.
async fn sweep_orphans(
    pool: &AnyPool,
    storage: &Storage,
    before: SystemTime,
) -> Result<u64, AppError> {
    let mut removed = storage
        .remove_stale_staging(before)
        .await
        .map_err(AppError::internal)?;
    // A page of the store's listing at a time: a bucket of millions of
    // files is never held whole.
    let mut pages = storage.old_keys(before, PURGE_CHUNK as usize);
    while let Some(page) = pages.try_next().await.map_err(AppError::internal)? {
        let page_json = serde_json::to_string(&page).map_err(AppError::internal)?;
        let known: BTreeSet<String> = sqlx::query_scalar(
            "SELECT storage_key FROM assets WHERE storage_key IN (SELECT value FROM json_each($1, '$'))",
        )
        .bind(&page_json)
        .fetch_all(pool)
        .await?
        .into_iter()
        .collect();
        let orphans: Vec<String> = page
            .into_iter()
            .filter(|key| !known.contains(key))
            .collect();
        removed += remove_files(storage, &orphans).await;
    }
    Ok(removed)
}

#[cfg(test)]
mod tests;
