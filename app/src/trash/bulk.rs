//! The bulk changes: moving assets to Trash and back, and deleting them for
//! good. One IMMEDIATE transaction per request (the write lock is taken up
//! front, so concurrent requests queue on the busy timeout instead of
//! failing), all or nothing, audited. Each is a [`BulkChange`]: listed ids
//! or everything matching filters (a [`BulkTarget`](crate::bulk_target::BulkTarget)), maybe a dry run
//! ([`Effect`]).

mod folders;
mod matching;
mod restore;
mod states;

use crate::db::Sql;
use sqlx::{AnyConnection, AnyPool};

use matching::begin_matching_in_trash;
pub use matching::{BulkChange, Effect};
pub use restore::{restore_assets, restore_batch, restore_from_trash};
use states::begin_bulk;

use super::listing::TrashFilters;
use super::model::{DeletePermanentlyOutcome, MoveOutcome};
use crate::assets::moving::AssetFilters;
use crate::audit::{write_batch_entry, AuditAction, AuditEntry};
use crate::bulk_target::Items;
use crate::clock::Clock;
use crate::db::json_ids;
use crate::error::AppError;
use crate::ids::{AssetId, BatchId, SpaceId, UserId};
use crate::storage::Storage;
use crate::time::Timestamp;

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
    trash_assets(pool, &BulkChange::ids(space, user, ids), clock).await
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
        actor: user,
        ref target,
        effect,
    } = *change;
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
            let mut tx = crate::db::begin_write(&mut conn).await?;
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
        write_batch_entry(&mut tx, space, user, &batch, now).await?;
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
    let change = BulkChange::ids(space, user, ids);
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
        actor: user,
        ref target,
        effect,
    } = *change;
    // Durable: the files go once this commits, so the commit must survive
    // a power cut (`synchronous = FULL`), or rows could come back without
    // their files.
    let mut conn = crate::db::durable_connection(pool).await?;
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
            actor: Some(user),
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
mod tests {
    use super::*;
    use crate::bulk_target::BulkTarget;
    use crate::db::test_pool;
    use crate::search::NameSearch;
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
            matches!(&error, AppError::UnknownItems { assets, message, .. } if assets == &[foreign[0]] && message.contains(&foreign[0].0.to_string()))
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
                folders: 0,
                folders_skipped: 0,
                dry_run: false,
            }
        );
        let left: Vec<AssetId> = sqlx::query_scalar("SELECT id FROM assets WHERE space_id = $1")
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
        assert!(matches!(again, Err(AppError::UnknownItems { .. })));
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
        let search = AssetFilters {
            search: NameSearch::parse("a-1").unwrap(),
            within: None,
        };
        let clock = Clock::frozen(NOW);
        let pick = |expected, effect| BulkChange {
            space,
            actor: by,
            target: BulkTarget {
                items: Items::Matching {
                    filters: search.clone(),
                    expected,
                },
                folders: Vec::new(),
            },
            effect,
        };
        let stale = trash_assets(&pool, &pick(10, Effect::Apply), &clock).await;
        assert!(matches!(
            stale,
            Err(AppError::CountChanged { count: 11, .. })
        ));
        let dry = trash_assets(&pool, &pick(11, Effect::DryRun), &clock)
            .await
            .unwrap();
        assert_eq!((dry.moved, dry.dry_run), (11, true));
        assert!(trashed(&pool).await.is_empty());
        assert!(audit_rows(&pool).await.is_empty());

        let done = trash_assets(&pool, &pick(11, Effect::Apply), &clock)
            .await
            .unwrap();
        let mut expected: Vec<AssetId> = vec![ids[1]];
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
            sqlx::query_as("SELECT deleted_by, delete_batch FROM assets WHERE id = $1")
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
        assert_eq!(audit[1].1, format!("[{},{}]", ids[2].0, ids[3].0));
        assert_eq!(audit[1].2, 2);
        assert_eq!(audit[1].3.as_deref(), Some(second.batch.as_str()));
        // The listing's live counter followed.
        let live: i64 = sqlx::query_scalar("SELECT live_assets FROM spaces WHERE id = $1")
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
        let request = [mine[0], mine[1], theirs[0], AssetId(999_999)];
        let error = move_to_trash(&pool, space, by, &request, &Clock::frozen(NOW))
            .await
            .unwrap_err();
        match error {
            AppError::UnknownItems {
                assets, message, ..
            } => {
                assert_eq!(assets, [theirs[0], AssetId(999_999)]);
                assert!(
                    message.contains(&format!("{}, 999999", theirs[0].0)),
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
        too_many.push(AssetId(ids[0].0 + 100_000));
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
        let holder = crate::db::begin_write_on(&pool).await.unwrap();
        let (restore_pool, restore_ids) = (pool.clone(), ids.clone());
        let restore = tokio::spawn(async move {
            restore_from_trash(&restore_pool, space, by, &restore_ids, &clock).await
        });
        tokio::time::sleep(std::time::Duration::from_millis(700)).await;
        holder.commit().await.unwrap();

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
            listed.iter().map(|a| a.id).collect::<Vec<_>>(),
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
            restore_from_trash(&pool, space, by, &[AssetId(999_999)], &Clock::frozen(NOW)).await,
            Err(AppError::UnknownItems { .. })
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
