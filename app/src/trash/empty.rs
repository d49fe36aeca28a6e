//! Empty Trash: everything in a space's Trash deleted for good at once,
//! count-guarded like "all matching", 100,000 items and more.
//!
//! One transaction for 100,000 rows would hold SQLite's one write lock for
//! seconds, so the rows go in chunks of at most [`EMPTY_CHUNK`], each its
//! own durable `BEGIN IMMEDIATE` transaction (all or nothing), and each
//! chunk's files are removed after it commits, as the purge does: a crash
//! can leave files without rows (the purge's orphan sweep removes them),
//! never a row without its file.
//!
//! **What is emptied** is decided once, in the first transaction, under
//! the write lock: the count is checked there (409 with the new number if
//! the items are not the confirmed number), and the ids of every asset and
//! folder then in the space's Trash (restorable or expired and not yet
//! purged) are the snapshot that the later chunks work through. Rows that
//! arrive in Trash after it are not in it and stay; a row of it restored
//! meanwhile is skipped (each chunk deletes only rows still in Trash since
//! the start: `deleted_at <= start`).
//!
//! **One audit entry** records the whole, written in the first chunk's
//! transaction (so no chunk is ever committed unaudited): the snapshot's
//! asset and folder ids, and in `detail` (JSON) the items and bytes it
//! started with and how far it got, which every later chunk updates in its
//! own transaction and the last marks `"complete": true`. After a crash
//! (kill -9) between chunks the entry says exactly what went; what is left
//! is still in Trash, whole rows with their files, and a second Empty
//! Trash (an entry of its own) finishes it. Assets go before folders, so
//! in between a folder row may show fewer assets inside than it had.

use serde::Serialize;
use sqlx::AnyPool;

use super::bulk::{remove_files, Effect};
use super::listing::count_items;
use super::model::EmptyTrashOutcome;
use crate::domain::error::AppError;
use crate::domain::format::items_count;
use crate::domain::ids::{Actor, AssetId, FolderId, SpaceId};
use crate::domain::time::Timestamp;
use crate::platform::audit::{AuditAction, AuditEntry};
use crate::platform::clock::Clock;
use crate::platform::db::{begin_write, durable_connection, json_ids};
use crate::platform::storage::Storage;

/// Rows deleted per transaction: SQLite's write lock is held for one chunk
/// at a time (other writers queue between chunks).
pub const EMPTY_CHUNK: usize = 10_000;

/// One Empty Trash request, as the data layer takes it.
#[derive(Debug, Clone, Copy)]
pub struct EmptyTrashRequest {
    pub space: SpaceId,
    pub actor: Actor,
    /// The number of items the person confirmed. A dry run may leave it
    /// out to ask what Trash holds; a change must name it.
    pub expected: Option<u64>,
    pub effect: Effect,
}

/// Empties `space`'s Trash (see the module's notes) in chunks of
/// [`EMPTY_CHUNK`] rows.
pub async fn empty_trash(
    pool: &AnyPool,
    storage: &Storage,
    request: &EmptyTrashRequest,
    clock: &Clock,
) -> Result<EmptyTrashOutcome, AppError> {
    empty_trash_in_chunks(pool, storage, request, clock, EMPTY_CHUNK).await
}

/// [`empty_trash`] with chunks of `chunk` rows (tests use small ones).
#[cfg_attr(feature = "ssr", tracing::instrument(skip(pool, storage, clock), fields(space = request.space.0)))]
pub async fn empty_trash_in_chunks(
    pool: &AnyPool,
    storage: &Storage,
    request: &EmptyTrashRequest,
    clock: &Clock,
    chunk: usize,
) -> Result<EmptyTrashOutcome, AppError> {
    let EmptyTrashRequest {
        space,
        actor,
        expected,
        effect,
    } = *request;
    if expected.is_none() && !effect.is_dry_run() {
        return Err(AppError::validation(
            "Empty Trash needs expected_count: the number of items the person confirmed.",
        ));
    }
    let chunk = chunk.max(1);
    // Durable: files go once a chunk commits (see `durable_connection`).
    let mut conn = durable_connection(pool).await?;
    let mut tx = begin_write(&mut conn).await?;
    let start = clock.now();
    let (assets, folders) = count_items(&mut tx, space, start).await?;
    let items = assets + folders;
    if let Some(expected) = expected {
        check_items(items, expected)?;
    }
    let bytes: i64 = sqlx::query_scalar(
        // PostgreSQL's SUM of a BIGINT is NUMERIC: back to BIGINT.
        "SELECT CAST(COALESCE(SUM(trash_bytes), 0) AS BIGINT) FROM space_storage WHERE space_id = $1",
    )
    .bind(space)
    .fetch_one(&mut *tx)
    .await?;
    let snapshot = Snapshot::read(&mut tx, space, start).await?;
    let mut outcome = EmptyTrashOutcome {
        items,
        deleted: snapshot.assets.len() as u64,
        folders: snapshot.folders.len() as u64,
        bytes,
        dry_run: effect.is_dry_run(),
    };
    if effect.is_dry_run() || snapshot.is_empty() {
        tx.rollback().await?;
        return Ok(outcome);
    }
    let mut progress = Progress {
        items,
        bytes,
        ..Progress::default()
    };
    let entry = AuditEntry {
        space,
        actor: Some(actor),
        action: AuditAction::EmptyTrash,
        batch: None,
        ids_json: &json_ids(&snapshot.assets),
        count: snapshot.assets.len(),
        folders_json: &json_ids(&snapshot.folders),
        at: start,
    }
    .write_with_detail(&mut tx, &progress.json())
    .await?;
    // Assets first, then folders (their rows emptied of assets by then).
    let mut steps = snapshot
        .assets
        .chunks(chunk)
        .map(Step::Assets)
        .chain(snapshot.folders.chunks(chunk).map(Step::Folders))
        .enumerate();
    let last = snapshot.assets.len().div_ceil(chunk) + snapshot.folders.len().div_ceil(chunk) - 1;
    let chunks = Chunks {
        space,
        start,
        entry,
        last,
        storage,
    };
    // The first chunk commits with the guard and the audit entry.
    let Some((n, first)) = steps.next() else {
        return Err(AppError::internal("a snapshot with rows has a chunk"));
    };
    chunks.run(tx, n, &first, &mut progress).await?;
    for (n, step) in steps {
        let tx = begin_write(&mut conn).await?;
        chunks.run(tx, n, &step, &mut progress).await?;
    }
    outcome.deleted = progress.deleted;
    outcome.folders = progress.folders_deleted;
    outcome.bytes = progress.bytes_freed;
    Ok(outcome)
}

/// What every chunk of one Empty Trash shares.
struct Chunks<'a> {
    space: SpaceId,
    start: Timestamp,
    /// The audit entry's id.
    entry: i64,
    /// The last chunk's number (from 0).
    last: usize,
    storage: &'a Storage,
}

impl Chunks<'_> {
    /// Chunk `n` in `tx`: its rows, the entry's progress, the commit, then
    /// the rows' files.
    async fn run(
        &self,
        mut tx: sqlx::Transaction<'_, sqlx::Any>,
        n: usize,
        step: &Step<'_>,
        progress: &mut Progress,
    ) -> Result<(), AppError> {
        let keys = step
            .delete(&mut tx, self.space, self.start, progress)
            .await?;
        progress.complete = n == self.last;
        sqlx::query("UPDATE audit_log SET detail = $1 WHERE id = $2")
            .bind(progress.json())
            .bind(self.entry)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        remove_files(self.storage, &keys).await;
        Ok(())
    }
}

/// The count guard: Empty Trash goes ahead only on the number of items the
/// person saw; otherwise 409 with the number now (items arrived in Trash,
/// or left it, since the dialog asked).
fn check_items(items: u64, expected: u64) -> Result<(), AppError> {
    if items == expected {
        return Ok(());
    }
    Err(AppError::CountChanged {
        count: items,
        message: format!(
            "Trash holds {} now, not {expected}. Nothing was deleted; confirm again to empty it.",
            items_count(items)
        ),
    })
}

/// Everything in the space's Trash at the start, by id.
struct Snapshot {
    assets: Vec<AssetId>,
    folders: Vec<FolderId>,
}

impl Snapshot {
    async fn read(
        tx: &mut sqlx::AnyConnection,
        space: SpaceId,
        start: Timestamp,
    ) -> Result<Self, AppError> {
        let assets = sqlx::query_scalar(
            "SELECT id FROM assets
             WHERE space_id = $1 AND deleted_at IS NOT NULL AND deleted_at <= $2 ORDER BY id",
        )
        .bind(space)
        .bind(start)
        .fetch_all(&mut *tx)
        .await?;
        let folders = sqlx::query_scalar(
            "SELECT id FROM folders
             WHERE space_id = $1 AND deleted_at IS NOT NULL AND deleted_at <= $2 ORDER BY id",
        )
        .bind(space)
        .bind(start)
        .fetch_all(&mut *tx)
        .await?;
        Ok(Self { assets, folders })
    }

    fn is_empty(&self) -> bool {
        self.assets.is_empty() && self.folders.is_empty()
    }
}

/// One chunk of the snapshot.
enum Step<'a> {
    Assets(&'a [AssetId]),
    Folders(&'a [FolderId]),
}

impl Step<'_> {
    /// Deletes the chunk's rows still in Trash since the start (one
    /// restored meanwhile is skipped), counts them into `progress`, and
    /// answers the storage keys whose files go after the commit.
    async fn delete(
        &self,
        tx: &mut sqlx::AnyConnection,
        space: SpaceId,
        start: Timestamp,
        progress: &mut Progress,
    ) -> Result<Vec<String>, AppError> {
        match self {
            Self::Assets(ids) => {
                let removed: Vec<(String, i64)> = sqlx::query_as(
                    "DELETE FROM assets
                     WHERE space_id = $1 AND deleted_at IS NOT NULL AND deleted_at <= $2
                       AND id IN (SELECT value FROM json_each($3))
                     RETURNING storage_key, size_bytes",
                )
                .bind(space)
                .bind(start)
                .bind(json_ids(ids))
                .fetch_all(&mut *tx)
                .await?;
                progress.deleted += removed.len() as u64;
                progress.bytes_freed += removed.iter().map(|(_, size)| size).sum::<i64>();
                Ok(removed.into_iter().map(|(key, _)| key).collect())
            }
            Self::Folders(ids) => {
                let removed = sqlx::query(
                    "DELETE FROM folders
                     WHERE space_id = $1 AND deleted_at IS NOT NULL AND deleted_at <= $2
                       AND id IN (SELECT value FROM json_each($3))",
                )
                .bind(space)
                .bind(start)
                .bind(json_ids(ids))
                .execute(&mut *tx)
                .await?
                .rows_affected();
                progress.folders_deleted += removed;
                Ok(Vec::new())
            }
        }
    }
}

/// The audit entry's `detail`: what Empty Trash started with and how far
/// it got, as of the last committed chunk.
#[derive(Debug, Default, Serialize)]
struct Progress {
    /// Trash's items at the start (the confirmed number).
    items: u64,
    /// Bytes in Trash at the start.
    bytes: i64,
    /// Assets and folders deleted so far, and their files' bytes.
    deleted: u64,
    folders_deleted: u64,
    bytes_freed: i64,
    /// Every chunk committed.
    complete: bool,
}

impl Progress {
    fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned())
    }
}

#[cfg(test)]
mod tests;
