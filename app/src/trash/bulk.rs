//! The bulk changes: moving assets to Trash and back, and deleting them for
//! good. One IMMEDIATE transaction per request (the write lock is taken up
//! front, so concurrent requests queue on the busy timeout instead of
//! failing), all or nothing, audited.

use std::collections::{BTreeSet, HashSet};

use sqlx::{Connection as _, QueryBuilder, Sqlite, SqliteConnection, SqlitePool};

use super::listing::{push_trash_scope, TrashFilters};
use super::model::{
    is_restorable, restorable_after, DeletePermanentlyOutcome, MoveOutcome,
    RestoreFromTrashOutcome, RestoreOutcome, MAX_BULK_IDS,
};
use crate::assets::data::push_live_scope;
use crate::audit::{write_batch_entry, AuditAction, AuditEntry};
use crate::clock::Clock;
use crate::error::AppError;
use crate::format::assets_count;
use crate::ids::{BatchId, SpaceId, UserId};
use crate::paging::MAX_MATCHING;
use crate::search::{all_matching_ids, push_matching, NameSearch};
use crate::storage::Storage;
use crate::time::Timestamp;

/// Checks a bulk id list: 1 to 10,000 positive ids, each once.
pub fn validate_ids(ids: &[i64]) -> Result<Vec<i64>, AppError> {
    if ids.is_empty() {
        return Err(AppError::validation("Select at least one asset."));
    }
    if ids.len() > MAX_BULK_IDS {
        return Err(AppError::validation(format!(
            "At most {MAX_BULK_IDS} assets can be changed at once; this request has {}.",
            ids.len()
        )));
    }
    if let Some(bad) = ids.iter().find(|id| **id <= 0) {
        return Err(AppError::validation(format!("{bad} is not an asset id.")));
    }
    let mut seen = HashSet::with_capacity(ids.len());
    let duplicates: BTreeSet<i64> = ids.iter().copied().filter(|id| !seen.insert(*id)).collect();
    if !duplicates.is_empty() {
        return Err(AppError::validation(format!(
            "Each asset may be listed once; listed more than once: {}.",
            list_ids(&duplicates)
        )));
    }
    Ok(ids.to_vec())
}

/// "4, 9, 12" or "4, 9, 12, … (250 in all)".
fn list_ids(ids: &BTreeSet<i64>) -> String {
    const SHOWN: usize = 20;
    let shown: Vec<String> = ids.iter().take(SHOWN).map(i64::to_string).collect();
    if ids.len() > SHOWN {
        format!("{}, … ({} in all)", shown.join(", "), ids.len())
    } else {
        shown.join(", ")
    }
}

pub(crate) fn json_ids(ids: &[i64]) -> String {
    serde_json::to_string(ids).unwrap_or_else(|_| "[]".to_owned())
}

/// The Trash state (`deleted_at`) of each of `ids` in `space`; any id that
/// is unknown or in another space fails the request, naming them.
async fn trash_states(
    tx: &mut sqlx::SqliteConnection,
    space: SpaceId,
    ids: &[i64],
    ids_json: &str,
    verb: &str,
) -> Result<Vec<(i64, Option<Timestamp>)>, AppError> {
    let found: Vec<(i64, Option<Timestamp>)> = sqlx::query_as(
        "SELECT id, deleted_at FROM assets
         WHERE space_id = ? AND id IN (SELECT value FROM json_each(?))",
    )
    .bind(space)
    .bind(ids_json)
    .fetch_all(&mut *tx)
    .await?;
    if found.len() != ids.len() {
        let known: HashSet<i64> = found.iter().map(|(id, _)| *id).collect();
        let missing: BTreeSet<i64> = ids
            .iter()
            .copied()
            .filter(|id| !known.contains(id))
            .collect();
        return Err(AppError::UnknownAssets {
            message: format!(
                "These assets do not exist in this space: {}. Nothing was {verb}.",
                list_ids(&missing)
            ),
            ids: missing.into_iter().collect(),
        });
    }
    Ok(found)
}

/// Where each id of a bulk request stands, read under the write lock.
struct BulkStates {
    /// Ids not in Trash.
    live: Vec<i64>,
    /// Ids in Trash, with their `deleted_at`.
    trashed: Vec<(i64, Timestamp)>,
}

impl BulkStates {
    fn trashed_ids(&self) -> Vec<i64> {
        self.trashed.iter().map(|(id, _)| *id).collect()
    }
}

/// The start of every bulk change: checks the id list, takes the write lock
/// (`BEGIN IMMEDIATE`, so concurrent requests queue instead of failing) and
/// reads where each id stands; unknown or foreign ids fail naming them.
async fn begin_bulk<'c>(
    conn: &'c mut SqliteConnection,
    space: SpaceId,
    ids: &[i64],
    verb: &str,
) -> Result<(sqlx::Transaction<'c, Sqlite>, BulkStates), AppError> {
    let ids = validate_ids(ids)?;
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    let found = trash_states(&mut tx, space, &ids, &json_ids(&ids), verb).await?;
    let mut states = BulkStates {
        live: Vec::new(),
        trashed: Vec::new(),
    };
    for (id, deleted_at) in found {
        match deleted_at {
            Some(at) => states.trashed.push((id, at)),
            None => states.live.push(id),
        }
    }
    Ok((tx, states))
}

/// Whether a bulk change is made, or only worked out: a dry run does all
/// of it in its transaction, answers what it did and rolls back.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Effect {
    #[default]
    Apply,
    DryRun,
}

impl Effect {
    /// `dry_run` as the JSON API takes it (absent is false).
    pub fn from_dry_run(dry_run: Option<bool>) -> Self {
        if dry_run == Some(true) {
            Self::DryRun
        } else {
            Self::Apply
        }
    }

    pub fn is_dry_run(self) -> bool {
        self == Self::DryRun
    }

    /// Commits the change, or rolls a dry run back.
    async fn finish(self, tx: sqlx::Transaction<'_, Sqlite>) -> Result<(), AppError> {
        match self {
            Self::Apply => tx.commit().await?,
            Self::DryRun => tx.rollback().await?,
        }
        Ok(())
    }
}

/// What a bulk change acts on: listed ids, or everything matching filters
/// (`F`), resolved on the server under the write lock, with the number the
/// person confirmed.
#[derive(Debug, Clone, Copy)]
pub enum Pick<'a, F> {
    Ids(&'a [i64]),
    Matching { filters: &'a F, expected: u64 },
}

/// The guard of every "all matching" change: the set, read under the
/// write lock, must be exactly the `expected` number the person confirmed.
/// A different number changes nothing: 409 with the number that match now.
/// Without any filter (`filtered` false) a count that is not the whole
/// `place` is refused outright, so a filter lost on the way never widens
/// the set.
fn check_count(
    found: usize,
    expected: u64,
    filtered: bool,
    (verb, place): (&str, &str),
) -> Result<(), AppError> {
    if found > MAX_MATCHING {
        return Err(AppError::validation(format!(
            "More than {MAX_MATCHING} assets match; narrow the search. Nothing was {verb}."
        )));
    }
    let count = found as u64;
    if count != expected {
        if !filtered {
            return Err(AppError::validation(format!(
                "The request asks for {expected} assets without a search or filter, but {place} has {count}. Nothing was {verb}."
            )));
        }
        return Err(AppError::CountChanged {
            count,
            message: format!(
                "{} {} now, not {expected}. Nothing was {verb}; confirm again to go ahead with {}.",
                assets_count(count),
                if count == 1 { "matches" } else { "match" },
                if count == 1 { "it" } else { "them" }
            ),
        });
    }
    if count == 0 {
        return Err(AppError::validation("Select at least one asset."));
    }
    Ok(())
}

/// The ids of "all matching" in `scope`, read under the write lock, if
/// they pass [`check_count`].
async fn resolve_matching(
    tx: &mut SqliteConnection,
    search: Option<&NameSearch>,
    filtered: bool,
    expected: u64,
    words: (&str, &str),
    scope: impl for<'q> FnOnce(&mut QueryBuilder<'q, Sqlite>),
) -> Result<Vec<i64>, AppError> {
    let ids = all_matching_ids(tx, search, MAX_MATCHING, scope).await?;
    check_count(ids.len(), expected, filtered, words)?;
    Ok(ids)
}

/// Moves `ids` of `space` to Trash for `user`. Ids already in Trash are
/// skipped and counted; any id that is unknown or in another space fails the
/// whole request, naming them.
pub async fn move_to_trash(
    pool: &SqlitePool,
    space: SpaceId,
    user: UserId,
    ids: &[i64],
    clock: &Clock,
) -> Result<MoveOutcome, AppError> {
    trash_assets(pool, space, user, Pick::Ids(ids), clock, Effect::Apply).await
}

/// Moves assets of `space` to Trash for `user`, as one batch: listed ids
/// (those already in Trash are skipped and counted; unknown or foreign ids
/// fail the whole request, naming them), or every live asset matching a
/// search (all of them without one) if they are the confirmed number.
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip(pool, pick, clock), err(Debug))
)]
pub async fn trash_assets(
    pool: &SqlitePool,
    space: SpaceId,
    user: UserId,
    pick: Pick<'_, Option<NameSearch>>,
    clock: &Clock,
    effect: Effect,
) -> Result<MoveOutcome, AppError> {
    let mut conn = pool.acquire().await?;
    let batch = BatchId::new_random();
    let (tx, moved, skipped) = match pick {
        Pick::Ids(ids) => {
            let (mut tx, states) = begin_bulk(&mut conn, space, ids, "moved").await?;
            let now = clock.now();
            trash_live(&mut tx, space, user, &states.live, &batch, now).await?;
            if !states.live.is_empty() {
                AuditEntry {
                    space,
                    actor: Some(user),
                    action: AuditAction::MoveToTrash,
                    batch: Some(&batch),
                    ids_json: &json_ids(&states.live),
                    count: states.live.len(),
                    at: now,
                }
                .write(&mut tx)
                .await?;
            }
            (tx, states.live.len() as u64, states.trashed.len() as u64)
        }
        Pick::Matching { filters, expected } => {
            // One statement over the matching rows, counted; the guard
            // after it rolls everything back if the count is not the one
            // confirmed. The ids never leave the database: the audit entry
            // gathers them from the batch.
            let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
            let now = clock.now();
            let search = filters.as_ref();
            let mut change = QueryBuilder::new("UPDATE assets SET deleted_at = ");
            change
                .push_bind(now)
                .push(", deleted_by = ")
                .push_bind(user)
                .push(", delete_batch = ")
                .push_bind(&batch)
                .push(" WHERE id IN (");
            push_matching(&mut change, search, MAX_MATCHING, |qb| {
                push_live_scope(qb, space)
            });
            change.push(")");
            let moved = change.build().execute(&mut *tx).await?.rows_affected();
            let words = ("moved", "the space");
            check_count(moved as usize, expected, search.is_some(), words)?;
            write_batch_entry(&mut tx, space, user, &batch, now).await?;
            (tx, moved, 0)
        }
    };
    effect.finish(tx).await?;
    Ok(MoveOutcome {
        moved,
        skipped,
        batch,
        dry_run: effect.is_dry_run(),
    })
}

/// Moves live assets (`live`, known to be live under the write lock) to
/// Trash as one batch (the caller audits it).
async fn trash_live(
    tx: &mut SqliteConnection,
    space: SpaceId,
    user: UserId,
    live: &[i64],
    batch: &BatchId,
    now: Timestamp,
) -> Result<(), AppError> {
    if live.is_empty() {
        return Ok(());
    }
    let moved = sqlx::query(
        "UPDATE assets SET deleted_at = ?, deleted_by = ?, delete_batch = ?
         WHERE space_id = ? AND deleted_at IS NULL AND id IN (SELECT value FROM json_each(?))",
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

/// Undo: puts back the assets of one batch that are still in Trash and
/// still restorable. A batch unknown in this space is a 404.
#[cfg_attr(feature = "ssr", tracing::instrument(skip(pool), err(Debug)))]
pub async fn restore_batch(
    pool: &SqlitePool,
    space: SpaceId,
    user: UserId,
    batch: &BatchId,
    clock: &Clock,
) -> Result<RestoreOutcome, AppError> {
    if !batch.is_well_formed() {
        return Err(AppError::validation("That is not a batch id."));
    }
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let now = clock.now();
    let known: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM audit_log WHERE space_id = ? AND batch = ? AND action = 'move_to_trash'",
    )
    .bind(space)
    .bind(batch)
    .fetch_optional(&mut *tx)
    .await?;
    if known.is_none() {
        return Err(AppError::NotFound);
    }
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM assets WHERE space_id = ? AND delete_batch = ? AND deleted_at > ? ORDER BY id",
    )
    .bind(space)
    .bind(batch)
    .bind(restorable_after(now))
    .fetch_all(&mut *tx)
    .await?;
    put_back(&mut tx, space, &ids).await?;
    audit_restore(&mut tx, space, Some(user), Some(batch), &ids, now).await?;
    tx.commit().await?;
    Ok(RestoreOutcome {
        restored: ids.len() as u64,
    })
}

/// Deletes `ids` of `space` for good (see [`delete_assets_permanently`]).
pub async fn delete_permanently(
    pool: &SqlitePool,
    storage: &Storage,
    space: SpaceId,
    user: UserId,
    ids: &[i64],
    clock: &Clock,
) -> Result<DeletePermanentlyOutcome, AppError> {
    let pick = Pick::Ids(ids);
    delete_assets_permanently(pool, storage, space, user, pick, clock, Effect::Apply).await
}

/// Deletes assets in Trash for good, all or nothing: listed ids (unknown or
/// foreign ids fail naming them, 404; ids not in Trash, restored meanwhile,
/// are skipped and counted), or everything in Trash matching its filters
/// if that is the confirmed number. Rows go in one transaction with the
/// audit entry; their files are removed only after it commits (a crash in
/// between leaves orphan files, which the purge's sweep removes).
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip(pool, storage, pick, clock), err(Debug))
)]
pub async fn delete_assets_permanently(
    pool: &SqlitePool,
    storage: &Storage,
    space: SpaceId,
    user: UserId,
    pick: Pick<'_, TrashFilters>,
    clock: &Clock,
    effect: Effect,
) -> Result<DeletePermanentlyOutcome, AppError> {
    // Durable: the files go once this commits, so the commit must survive
    // a power cut (`synchronous = FULL`), or rows could come back without
    // their files.
    let mut conn = crate::db::durable_connection(pool).await?;
    let (mut tx, trashed, skipped, now) = match pick {
        Pick::Ids(ids) => {
            let (tx, states) = begin_bulk(&mut conn, space, ids, "deleted").await?;
            let skipped = states.live.len() as u64;
            (tx, states.trashed_ids(), skipped, clock.now())
        }
        Pick::Matching { filters, expected } => {
            let (tx, ids, now) =
                begin_matching_in_trash(&mut conn, space, filters, expected, clock, "deleted")
                    .await?;
            (tx, ids, 0, now)
        }
    };
    let mut keys = Vec::new();
    if !trashed.is_empty() {
        let trashed_json = json_ids(&trashed);
        keys = sqlx::query_scalar(
            "DELETE FROM assets
             WHERE space_id = ? AND deleted_at IS NOT NULL AND id IN (SELECT value FROM json_each(?))
             RETURNING storage_key",
        )
        .bind(space)
        .bind(&trashed_json)
        .fetch_all(&mut *tx)
        .await?;
        AuditEntry {
            space,
            actor: Some(user),
            action: AuditAction::DeletePermanently,
            batch: None,
            ids_json: &trashed_json,
            count: trashed.len(),
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
        dry_run: effect.is_dry_run(),
    })
}

/// The start of a change to "everything in Trash matching": takes the write
/// lock, reads the clock under it (the 14 days are judged at that moment)
/// and resolves the ids against the confirmed count.
async fn begin_matching_in_trash<'c>(
    conn: &'c mut SqliteConnection,
    space: SpaceId,
    filters: &TrashFilters,
    expected: u64,
    clock: &Clock,
    verb: &str,
) -> Result<(sqlx::Transaction<'c, Sqlite>, Vec<i64>, Timestamp), AppError> {
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    let now = clock.now();
    let ids = resolve_matching(
        &mut tx,
        filters.search.as_ref(),
        filters.is_filtered(),
        expected,
        (verb, "Trash"),
        |qb| push_trash_scope(qb, space, filters, now),
    )
    .await?;
    Ok((tx, ids, now))
}

/// Removes the stored files of deleted rows; returns how many files went.
/// A failure is logged and left to the orphan sweep: the rows are gone
/// already, so the request has succeeded.
pub(crate) async fn remove_files(storage: &Storage, keys: &[String]) -> u64 {
    let mut removed = 0;
    for key in keys {
        match storage.remove(key).await {
            Ok(n) => removed += n,
            Err(error) => {
                tracing::warn!(%error, key, "could not remove a deleted asset's files; the sweep will retry")
            }
        }
    }
    removed
}

/// Restores `ids` from Trash (see [`restore_assets`]).
pub async fn restore_from_trash(
    pool: &SqlitePool,
    space: SpaceId,
    user: UserId,
    ids: &[i64],
    clock: &Clock,
) -> Result<RestoreFromTrashOutcome, AppError> {
    restore_assets(
        pool,
        space,
        Some(user),
        Pick::Ids(ids),
        clock,
        Effect::Apply,
    )
    .await
}

/// Restores assets from Trash, all or nothing: listed ids (unknown or
/// foreign ids fail naming them, 404; ids whose 14 days are over fail as no
/// longer restorable; ids not in Trash are skipped and counted), or
/// everything restorable in Trash matching its filters if that is the
/// confirmed number. `actor` is who asked (`None`: the command line).
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(skip(pool, pick, clock), err(Debug))
)]
pub async fn restore_assets(
    pool: &SqlitePool,
    space: SpaceId,
    actor: Option<UserId>,
    pick: Pick<'_, TrashFilters>,
    clock: &Clock,
    effect: Effect,
) -> Result<RestoreFromTrashOutcome, AppError> {
    let mut conn = pool.acquire().await?;
    let (mut tx, trashed, skipped, now) = match pick {
        Pick::Ids(ids) => {
            let (mut tx, states) = begin_bulk(&mut conn, space, ids, "restored").await?;
            // Read under the write lock: waiting for it may take seconds,
            // and a restore that started just before the 14 days ended
            // must not commit after they ended.
            let now = clock.now();
            let expired: BTreeSet<i64> = states
                .trashed
                .iter()
                .filter(|(_, at)| !is_restorable(*at, now))
                .map(|(id, _)| *id)
                .collect();
            if !expired.is_empty() {
                return Err(AppError::Conflict(format!(
                    "These assets were deleted more than 14 days ago and can no longer be restored: {}. Nothing was restored.",
                    list_ids(&expired)
                )));
            }
            let skipped = states.live.len() as u64;
            let trashed = states.trashed_ids();
            put_back(&mut tx, space, &trashed).await?;
            (tx, trashed, skipped, now)
        }
        Pick::Matching { filters, expected } => {
            let (mut tx, ids, now) =
                begin_matching_in_trash(&mut conn, space, filters, expected, clock, "restored")
                    .await?;
            put_back(&mut tx, space, &ids).await?;
            (tx, ids, 0, now)
        }
    };
    audit_restore(&mut tx, space, actor, None, &trashed, now).await?;
    effect.finish(tx).await?;
    Ok(RestoreFromTrashOutcome {
        restored: trashed.len() as u64,
        skipped,
        dry_run: effect.is_dry_run(),
    })
}

/// Takes `ids` out of Trash (the caller audits it, [`audit_restore`]).
async fn put_back(
    tx: &mut sqlx::SqliteConnection,
    space: SpaceId,
    ids: &[i64],
) -> Result<(), AppError> {
    if ids.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "UPDATE assets SET deleted_at = NULL, deleted_by = NULL, delete_batch = NULL
         WHERE space_id = ? AND id IN (SELECT value FROM json_each(?))",
    )
    .bind(space)
    .bind(json_ids(ids))
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The audit row of a restore (with the batch, for an Undo). Nothing for
/// an empty list.
async fn audit_restore(
    tx: &mut sqlx::SqliteConnection,
    space: SpaceId,
    actor: Option<UserId>,
    batch: Option<&BatchId>,
    ids: &[i64],
    now: Timestamp,
) -> Result<(), AppError> {
    if ids.is_empty() {
        return Ok(());
    }
    AuditEntry {
        space,
        actor,
        action: AuditAction::Restore,
        batch,
        ids_json: &json_ids(ids),
        count: ids.len(),
        at: now,
    }
    .write(tx)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::test_pool;
    use crate::spaces::data::ensure;
    use crate::storage::FileKind;
    use crate::trash::fixtures::{assets, audit_rows, trashed, user, NOW};
    use crate::trash::listing::{list_trash, TrashParams};
    use crate::trash::model::TrashQuery;
    use crate::trash::model::RETENTION_MILLIS;

    #[tokio::test]
    async fn delete_permanently_removes_rows_and_files_all_or_nothing() {
        let (pool, _dir) = test_pool().await;
        let storage = Storage::in_memory();
        let space = ensure(&pool, "s", "S", Timestamp::EPOCH).await.unwrap().id;
        let other = ensure(&pool, "o", "O", Timestamp::EPOCH).await.unwrap().id;
        let by = user(&pool, "o@x").await;
        let ids = assets(&pool, space, 3).await;
        let foreign = assets(&pool, other, 1).await;
        let keys: Vec<String> = sqlx::query_scalar("SELECT storage_key FROM assets ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
        for key in &keys {
            storage.put_original(key, b"bytes").await.unwrap();
        }
        move_to_trash(&pool, space, by, &ids[..2], &Clock::frozen(NOW))
            .await
            .unwrap();

        // A foreign id fails the whole request: nothing deleted.
        let error = delete_permanently(
            &pool,
            &storage,
            space,
            by,
            &[ids[0], foreign[0]],
            &Clock::frozen(NOW),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&error, AppError::UnknownAssets { ids, message } if ids == &[foreign[0]] && message.contains(&foreign[0].to_string()))
        );
        assert_eq!(trashed(&pool).await, ids[..2].to_vec());

        // Two in Trash go; the live one is skipped and kept.
        let outcome = delete_permanently(&pool, &storage, space, by, &ids, &Clock::frozen(NOW))
            .await
            .unwrap();
        assert_eq!(
            outcome,
            DeletePermanentlyOutcome {
                deleted: 2,
                skipped: 1,
                dry_run: false,
            }
        );
        let left: Vec<i64> = sqlx::query_scalar("SELECT id FROM assets WHERE space_id = ?")
            .bind(space)
            .fetch_all(&pool)
            .await
            .unwrap();
        assert_eq!(left, [ids[2]]);
        for (key, kept) in keys.iter().zip([false, false, true]) {
            assert_eq!(storage.exists(FileKind::Original, key).await.unwrap(), kept);
        }
        let audit = audit_rows(&pool).await;
        assert_eq!(
            audit.last().map(|r| (r.0.as_str(), r.2)),
            Some(("delete_permanently", 2))
        );

        // Again: the deleted ids no longer exist.
        let again =
            delete_permanently(&pool, &storage, space, by, &ids[..2], &Clock::frozen(NOW)).await;
        assert!(matches!(again, Err(AppError::UnknownAssets { .. })));
    }

    /// All matching moves in one statement; the audit entry, gathered by
    /// the database from the batch, names exactly the moved ids, in order.
    /// A stale count changes nothing; a dry run answers and changes nothing.
    #[tokio::test]
    async fn moving_all_matching_is_guarded_and_audited_with_its_ids() {
        let (pool, _dir) = test_pool().await;
        let space = ensure(&pool, "s", "S", Timestamp::EPOCH).await.unwrap().id;
        let other = ensure(&pool, "o", "O", Timestamp::EPOCH).await.unwrap().id;
        let by = user(&pool, "m@x").await;
        // a-1.png, a-10.png … a-19.png match "a-1" (11 of 25).
        let ids = assets(&pool, space, 25).await;
        assets(&pool, other, 25).await;
        let search = NameSearch::parse("a-1").unwrap();
        let clock = Clock::frozen(NOW);
        let pick = |expected| Pick::Matching {
            filters: &search,
            expected,
        };
        let stale = trash_assets(&pool, space, by, pick(10), &clock, Effect::Apply).await;
        assert!(matches!(
            stale,
            Err(AppError::CountChanged { count: 11, .. })
        ));
        let dry = trash_assets(&pool, space, by, pick(11), &clock, Effect::DryRun)
            .await
            .unwrap();
        assert_eq!((dry.moved, dry.dry_run), (11, true));
        assert!(trashed(&pool).await.is_empty());
        assert!(audit_rows(&pool).await.is_empty());

        let done = trash_assets(&pool, space, by, pick(11), &clock, Effect::Apply)
            .await
            .unwrap();
        let mut expected: Vec<i64> = vec![ids[1]];
        expected.extend(&ids[10..20]);
        assert_eq!(trashed(&pool).await, expected);
        let audit = audit_rows(&pool).await;
        assert_eq!(audit.len(), 1);
        assert_eq!(
            (audit[0].0.as_str(), audit[0].1.as_str(), audit[0].2),
            ("move_to_trash", json_ids(&expected).as_str(), 11)
        );
        assert_eq!(audit[0].3.as_deref(), Some(done.batch.as_str()));
    }

    #[test]
    fn bad_id_lists_are_refused_with_reasons() {
        assert!(
            matches!(validate_ids(&[]), Err(AppError::Validation(m)) if m.contains("at least one"))
        );
        let too_many: Vec<i64> = (1..=10_001).collect();
        assert!(
            matches!(validate_ids(&too_many), Err(AppError::Validation(m)) if m.contains("10000"))
        );
        assert!(validate_ids(&too_many[..10_000]).is_ok());
        assert!(matches!(
            validate_ids(&[1, 0]),
            Err(AppError::Validation(_))
        ));
        let dupes = validate_ids(&[3, 5, 3, 5, 9]);
        assert!(matches!(dupes, Err(AppError::Validation(m)) if m.ends_with("3, 5.")));
    }

    #[tokio::test]
    async fn moves_counts_skips_and_audits_one_batch() {
        let (pool, _dir) = test_pool().await;
        let space = ensure(&pool, "s", "S", Timestamp::EPOCH).await.unwrap().id;
        let by = user(&pool, "m@x").await;
        let ids = assets(&pool, space, 5).await;

        let first = move_to_trash(&pool, space, by, &ids[..2], &Clock::frozen(NOW))
            .await
            .unwrap();
        assert_eq!((first.moved, first.skipped), (2, 0));
        let second = move_to_trash(
            &pool,
            space,
            by,
            &ids[1..4],
            &Clock::frozen(NOW.plus_millis(1)),
        )
        .await
        .unwrap();
        assert_eq!((second.moved, second.skipped), (2, 1));
        assert_ne!(first.batch, second.batch);
        assert_eq!(trashed(&pool).await, ids[..4]);

        let (by_row, batch_row): (Option<UserId>, Option<String>) =
            sqlx::query_as("SELECT deleted_by, delete_batch FROM assets WHERE id = ?")
                .bind(ids[0])
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(
            (by_row, batch_row.as_deref()),
            (Some(by), Some(first.batch.as_str()))
        );
        let audit = audit_rows(&pool).await;
        assert_eq!(audit.len(), 2);
        assert_eq!(audit[1].0, "move_to_trash");
        assert_eq!(audit[1].1, format!("[{},{}]", ids[2], ids[3]));
        assert_eq!(audit[1].2, 2);
        assert_eq!(audit[1].3.as_deref(), Some(second.batch.as_str()));
        // The listing's live counter followed.
        let live: i64 = sqlx::query_scalar("SELECT live_assets FROM spaces WHERE id = ?")
            .bind(space)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(live, 1);
    }

    #[tokio::test]
    async fn one_foreign_or_unknown_id_fails_the_whole_request() {
        let (pool, _dir) = test_pool().await;
        let space = ensure(&pool, "s", "S", Timestamp::EPOCH).await.unwrap().id;
        let other = ensure(&pool, "o", "O", Timestamp::EPOCH).await.unwrap().id;
        let by = user(&pool, "m@x").await;
        let mine = assets(&pool, space, 3).await;
        let theirs = assets(&pool, other, 1).await;
        let request = [mine[0], mine[1], theirs[0], 999_999];
        let error = move_to_trash(&pool, space, by, &request, &Clock::frozen(NOW))
            .await
            .unwrap_err();
        match error {
            AppError::UnknownAssets { ids, message } => {
                assert_eq!(ids, [theirs[0], 999_999]);
                assert!(
                    message.contains(&format!("{}, 999999", theirs[0])),
                    "{message}"
                );
                assert!(message.contains("Nothing was moved"));
            }
            other => panic!("{other:?}"),
        }
        assert!(trashed(&pool).await.is_empty());
        assert!(audit_rows(&pool).await.is_empty());
    }

    #[tokio::test]
    async fn ten_thousand_ids_in_one_request() {
        let (pool, _dir) = test_pool().await;
        let space = ensure(&pool, "s", "S", Timestamp::EPOCH).await.unwrap().id;
        let by = user(&pool, "m@x").await;
        let ids = assets(&pool, space, 10_000).await;
        let outcome = move_to_trash(&pool, space, by, &ids, &Clock::frozen(NOW))
            .await
            .unwrap();
        assert_eq!((outcome.moved, outcome.skipped), (10_000, 0));
        assert_eq!(trashed(&pool).await.len(), 10_000);
        let mut too_many = ids.clone();
        too_many.push(ids[0] + 100_000);
        assert!(matches!(
            move_to_trash(&pool, space, by, &too_many, &Clock::frozen(NOW)).await,
            Err(AppError::Validation(_))
        ));
    }

    #[tokio::test]
    async fn concurrent_overlapping_deletes_trash_each_asset_once() {
        let (pool, _dir) = test_pool().await;
        let space = ensure(&pool, "s", "S", Timestamp::EPOCH).await.unwrap().id;
        let a = user(&pool, "a@x").await;
        let b = user(&pool, "b@x").await;
        let ids = assets(&pool, space, 600).await;
        let (left, right) = (ids[..400].to_vec(), ids[200..].to_vec());
        let (pool_a, pool_b) = (pool.clone(), pool.clone());
        let first = tokio::spawn(async move {
            move_to_trash(&pool_a, space, a, &left, &Clock::frozen(NOW)).await
        });
        let second = tokio::spawn(async move {
            move_to_trash(&pool_b, space, b, &right, &Clock::frozen(NOW)).await
        });
        let (first, second) = (
            first.await.unwrap().unwrap(),
            second.await.unwrap().unwrap(),
        );
        assert_eq!(first.moved + second.moved, 600);
        assert_eq!(first.skipped + second.skipped, 200);
        assert_eq!(trashed(&pool).await, ids);
        let audited: i64 = audit_rows(&pool).await.iter().map(|row| row.2).sum();
        assert_eq!(audited, 600, "every asset audited once");
    }

    /// A restore that starts a moment before the 14 days end but gets the
    /// write lock only after they ended must be refused: "now" is read
    /// under the lock, not before waiting for it.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_deadline_is_judged_when_the_write_lock_is_held() {
        let (pool, _dir) = test_pool().await;
        let space = ensure(&pool, "s", "S", Timestamp::EPOCH).await.unwrap().id;
        let by = user(&pool, "m@x").await;
        let ids = assets(&pool, space, 2).await;
        let clock = Clock::system();
        // Deleted so that 300 ms of the 14 days are left.
        let deleted_at = clock.now().minus_millis(RETENTION_MILLIS - 300);
        move_to_trash(&pool, space, by, &ids, &Clock::frozen(deleted_at))
            .await
            .unwrap();

        // Someone else holds the write lock across the deadline.
        let mut holder = pool.acquire().await.unwrap();
        sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut *holder)
            .await
            .unwrap();
        let (restore_pool, restore_ids) = (pool.clone(), ids.clone());
        let restore = tokio::spawn(async move {
            restore_from_trash(&restore_pool, space, by, &restore_ids, &clock).await
        });
        tokio::time::sleep(std::time::Duration::from_millis(700)).await;
        sqlx::query("COMMIT").execute(&mut *holder).await.unwrap();
        drop(holder);

        let error = restore.await.unwrap().unwrap_err();
        assert!(
            matches!(&error, AppError::Conflict(m) if m.contains("can no longer be restored")),
            "{error:?}"
        );
        assert_eq!(error.status(), http::StatusCode::CONFLICT);
        assert_eq!(trashed(&pool).await, ids, "nothing was restored");
    }

    #[tokio::test]
    async fn restore_from_trash_is_all_or_nothing_and_refuses_expired_assets() {
        let (pool, _dir) = test_pool().await;
        let space = ensure(&pool, "s", "S", Timestamp::EPOCH).await.unwrap().id;
        let by = user(&pool, "m@x").await;
        let ids = assets(&pool, space, 4).await;
        move_to_trash(&pool, space, by, &ids[..2], &Clock::frozen(NOW))
            .await
            .unwrap();
        move_to_trash(
            &pool,
            space,
            by,
            &ids[2..3],
            &Clock::frozen(NOW.minus_millis(RETENTION_MILLIS)),
        )
        .await
        .unwrap();

        let first_page = TrashParams::parse(&TrashQuery::default(), 50).unwrap();
        let listed = list_trash(&pool, space, &first_page, NOW.plus_millis(1))
            .await
            .unwrap()
            .items;
        assert_eq!(
            listed.iter().map(|a| a.id.0).collect::<Vec<_>>(),
            [ids[1], ids[0]]
        );
        assert_eq!(listed[0].deleted_by.as_deref(), Some("m@x"));
        assert_eq!(listed[0].days_left, "14 days left");

        // One expired id fails the whole request.
        let error = restore_from_trash(
            &pool,
            space,
            by,
            &[ids[0], ids[2]],
            &Clock::frozen(NOW.plus_millis(1)),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(error, AppError::Conflict(ref m) if m.contains("can no longer be restored")),
            "{error:?}"
        );
        assert_eq!(trashed(&pool).await, ids[..3]);
        // A live id is skipped and counted.
        let outcome = restore_from_trash(
            &pool,
            space,
            by,
            &[ids[0], ids[3]],
            &Clock::frozen(NOW.plus_millis(1)),
        )
        .await
        .unwrap();
        assert_eq!((outcome.restored, outcome.skipped), (1, 1));
        assert_eq!(trashed(&pool).await, [ids[1], ids[2]]);
        assert!(matches!(
            restore_from_trash(&pool, space, by, &[999_999], &Clock::frozen(NOW)).await,
            Err(AppError::UnknownAssets { .. })
        ));
    }

    #[tokio::test]
    async fn undo_restores_exactly_its_batch() {
        let (pool, _dir) = test_pool().await;
        let space = ensure(&pool, "s", "S", Timestamp::EPOCH).await.unwrap().id;
        let other = ensure(&pool, "o", "O", Timestamp::EPOCH).await.unwrap().id;
        let by = user(&pool, "m@x").await;
        let ids = assets(&pool, space, 4).await;
        let first = move_to_trash(&pool, space, by, &ids[..2], &Clock::frozen(NOW))
            .await
            .unwrap();
        let second = move_to_trash(&pool, space, by, &ids[2..], &Clock::frozen(NOW))
            .await
            .unwrap();

        let restored = restore_batch(
            &pool,
            space,
            by,
            &first.batch,
            &Clock::frozen(NOW.plus_millis(5)),
        )
        .await
        .unwrap();
        assert_eq!(restored.restored, 2);
        assert_eq!(trashed(&pool).await, ids[2..]);
        // Twice is harmless; another space does not know the batch.
        assert_eq!(
            restore_batch(
                &pool,
                space,
                by,
                &first.batch,
                &Clock::frozen(NOW.plus_millis(6))
            )
            .await
            .unwrap()
            .restored,
            0
        );
        assert_eq!(
            restore_batch(
                &pool,
                other,
                by,
                &second.batch,
                &Clock::frozen(NOW.plus_millis(6))
            )
            .await,
            Err(AppError::NotFound)
        );
        assert!(matches!(
            restore_batch(
                &pool,
                space,
                by,
                &BatchId("nonsense".into()),
                &Clock::frozen(NOW)
            )
            .await,
            Err(AppError::Validation(_))
        ));
        // After 14 days the batch can no longer come back.
        let late = NOW.plus_millis(RETENTION_MILLIS);
        assert_eq!(
            restore_batch(&pool, space, by, &second.batch, &Clock::frozen(late))
                .await
                .unwrap()
                .restored,
            0
        );
        assert_eq!(trashed(&pool).await, ids[2..]);
        assert_eq!(
            audit_rows(&pool)
                .await
                .iter()
                .filter(|r| r.0 == "restore")
                .count(),
            1
        );
    }
}
