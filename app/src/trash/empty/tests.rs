#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

use super::*;
use crate::assets::moving::AssetFilters;
use crate::domain::bulk_target::BulkTarget;
use crate::domain::ids::{BatchId, UserId};
use crate::platform::db::test_pool;
use crate::platform::storage::FileKind;
use crate::spaces::data::ensure;
use crate::trash::bulk::{move_to_trash, restore_from_trash, trash_assets, BulkChange};
use crate::trash::fixtures::{assets, assets_in, folder, user, NOW};
use crate::trash::listing::{list_trash, TrashParams};
use crate::trash::model::DEFAULT_RETENTION_MILLIS;

fn request(space: SpaceId, by: UserId, expected: Option<u64>, effect: Effect) -> EmptyTrashRequest {
    EmptyTrashRequest {
        space,
        actor: by.into(),
        expected,
        effect,
    }
}

/// Stores a file for every asset of the database.
async fn store_files(pool: &AnyPool, storage: &Storage) {
    let keys: Vec<String> = sqlx::query_scalar("SELECT storage_key FROM assets")
        .fetch_all(pool)
        .await
        .unwrap();
    for key in keys {
        storage.put_original(&key, b"bytes").await.unwrap();
    }
}

async fn count(pool: &AnyPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// (asset_count, folder_ids, detail) of every empty_trash entry.
async fn empty_entries(pool: &AnyPool) -> Vec<(i64, String, Option<String>)> {
    sqlx::query_as(
        "SELECT asset_count, folder_ids, detail FROM audit_log
         WHERE action = 'empty_trash' ORDER BY id",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

/// `n` assets put straight into `space`'s Trash at `at` (one statement:
/// 25,000 in a moment), each of 10 bytes, without files.
async fn trashed_in_bulk(pool: &AnyPool, space: SpaceId, n: i64, at: Timestamp) {
    sqlx::query(
        "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)
         INSERT INTO assets (space_id, name, mime_type, kind, size_bytes, storage_key,
                             has_thumbnail, created_at, updated_at, deleted_at, delete_batch,
                             expires_at)
         SELECT $1, 'bulk-' || i || '.png', 'image/png', 'image', 10, 'bulk-key-' || i, 0, 0, 0,
                $3, $4, $5
         FROM n",
    )
    .bind(space)
    .bind(n)
    .bind(at)
    .bind(BatchId::new_random())
    .bind(at.plus_millis(DEFAULT_RETENTION_MILLIS))
    .execute(pool)
    .await
    .unwrap();
}

#[tokio::test]
async fn empty_trash_is_count_guarded_and_removes_rows_then_files() {
    let (pool, _dir) = test_pool().await;
    let storage = Storage::in_memory();
    let space = ensure(&pool, "s", "S", Timestamp::EPOCH).await.unwrap().id;
    let other = ensure(&pool, "o", "O", Timestamp::EPOCH).await.unwrap().id;
    let by = user(&pool, "o@x").await;
    let loose = assets(&pool, space, 4).await;
    let spring = folder(&pool, space, None, "Spring").await;
    assets_in(&pool, space, Some(spring), 2).await;
    let foreign = assets(&pool, other, 1).await;
    store_files(&pool, &storage).await;
    let clock = Clock::frozen(NOW);
    move_to_trash(&pool, space, by, &loose[..3], &clock)
        .await
        .unwrap();
    move_to_trash(&pool, other, by, &foreign, &clock)
        .await
        .unwrap();
    let folder_change = BulkChange::<AssetFilters> {
        space,
        actor: by.into(),
        target: BulkTarget::ids(Vec::new(), vec![spring]),
        effect: Effect::Apply,
    };
    trash_assets(&pool, &folder_change, &clock).await.unwrap();
    // Trash shows 3 assets and 1 folder (its 2 assets inside it): 4 items.
    let everything: i64 = 5;

    // A dry run without a number answers what Trash holds.
    let asked = empty_trash(
        &pool,
        &storage,
        &request(space, by, None, Effect::DryRun),
        &clock,
    )
    .await
    .unwrap();
    assert_eq!(
        asked,
        EmptyTrashOutcome {
            items: 4,
            deleted: 5,
            folders: 1,
            bytes: 5,
            dry_run: true,
        }
    );
    // A change must name the number.
    let unnamed = empty_trash(
        &pool,
        &storage,
        &request(space, by, None, Effect::Apply),
        &clock,
    )
    .await;
    assert!(
        matches!(unnamed, Err(AppError::Validation(_))),
        "{unnamed:?}"
    );
    // Another number: 409 with the number now, dry run or not, and nothing
    // changes.
    for effect in [Effect::DryRun, Effect::Apply] {
        let stale = empty_trash(
            &pool,
            &storage,
            &request(space, by, Some(3), effect),
            &clock,
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&stale, AppError::CountChanged { count: 4, message } if message.contains("4 items")),
            "{stale:?}"
        );
    }
    assert_eq!(
        count(
            &pool,
            "SELECT COUNT(*) FROM assets WHERE deleted_at IS NOT NULL"
        )
        .await,
        everything + 1
    );
    assert!(empty_entries(&pool).await.is_empty());

    let done = empty_trash(
        &pool,
        &storage,
        &request(space, by, Some(4), Effect::Apply),
        &clock,
    )
    .await
    .unwrap();
    assert_eq!(
        done,
        EmptyTrashOutcome {
            items: 4,
            deleted: 5,
            folders: 1,
            bytes: 5,
            dry_run: false,
        }
    );
    // Only the other space's Trash and the live asset are left, with files.
    let left: Vec<(AssetId, String)> =
        sqlx::query_as("SELECT id, storage_key FROM assets ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        left.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
        [loose[3], foreign[0]]
    );
    for (_, key) in &left {
        assert!(storage.exists(FileKind::Original, key).await.unwrap());
    }
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM folders").await,
        0,
        "the folder went too"
    );
    let future = std::time::SystemTime::now() + std::time::Duration::from_secs(3600);
    let (files, _) = storage.keys_older_than(future).await.unwrap();
    assert_eq!(files.len(), 2, "the files went");
    let entries = empty_entries(&pool).await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].0, 5);
    assert_eq!(entries[0].1, format!("[{}]", spring.0));
    let detail: serde_json::Value = serde_json::from_str(entries[0].2.as_deref().unwrap()).unwrap();
    assert_eq!(detail["complete"], true);
    assert_eq!(detail["deleted"], 5);
    assert_eq!(detail["items"], 4);
    let storage_left: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(trash_bytes), 0) AS BIGINT) FROM space_storage WHERE space_id = $1",
    )
    .bind(space)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(storage_left, 0);
    let page = list_trash(
        &pool,
        space,
        &TrashParams::parse_at(&Default::default(), 50).unwrap(),
        NOW,
    )
    .await
    .unwrap();
    assert_eq!((page.total, page.folder_total), (0, 0));

    // An empty Trash empties to nothing, and writes no entry.
    let again = empty_trash(
        &pool,
        &storage,
        &request(space, by, Some(0), Effect::Apply),
        &clock,
    )
    .await
    .unwrap();
    assert_eq!((again.items, again.deleted), (0, 0));
    assert_eq!(empty_entries(&pool).await.len(), 1);
}

#[tokio::test]
async fn expired_rows_not_yet_purged_go_too_but_are_not_counted() {
    let (pool, _dir) = test_pool().await;
    let storage = Storage::in_memory();
    let space = ensure(&pool, "s", "S", Timestamp::EPOCH).await.unwrap().id;
    let by = user(&pool, "o@x").await;
    let ids = assets(&pool, space, 2).await;
    move_to_trash(&pool, space, by, &ids[..1], &Clock::frozen(NOW))
        .await
        .unwrap();
    let later = NOW.plus_millis(DEFAULT_RETENTION_MILLIS + 1);
    move_to_trash(&pool, space, by, &ids[1..], &Clock::frozen(later))
        .await
        .unwrap();
    let clock = Clock::frozen(later);
    let asked = empty_trash(
        &pool,
        &storage,
        &request(space, by, None, Effect::DryRun),
        &clock,
    )
    .await
    .unwrap();
    assert_eq!((asked.items, asked.deleted), (1, 2));
    empty_trash(
        &pool,
        &storage,
        &request(space, by, Some(1), Effect::Apply),
        &clock,
    )
    .await
    .unwrap();
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM assets").await, 0);
}

#[tokio::test]
async fn empties_25_000_in_chunks_as_one_audit_entry() {
    let (pool, _dir) = test_pool().await;
    let storage = Storage::in_memory();
    let space = ensure(&pool, "s", "S", Timestamp::EPOCH).await.unwrap().id;
    let by = user(&pool, "o@x").await;
    trashed_in_bulk(&pool, space, 25_000, NOW).await;
    let clock = Clock::frozen(NOW.plus_millis(1_000));
    let asked = empty_trash(
        &pool,
        &storage,
        &request(space, by, None, Effect::DryRun),
        &clock,
    )
    .await
    .unwrap();
    assert_eq!((asked.items, asked.bytes), (25_000, 250_000));
    let done = empty_trash_in_chunks(
        &pool,
        &storage,
        &request(space, by, Some(25_000), Effect::Apply),
        &clock,
        1_000,
    )
    .await
    .unwrap();
    assert_eq!((done.deleted, done.bytes), (25_000, 250_000));
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM assets").await, 0);
    let entries = empty_entries(&pool).await;
    assert_eq!(entries.len(), 1, "one entry for the whole");
    assert_eq!(entries[0].0, 25_000);
    let detail: serde_json::Value = serde_json::from_str(entries[0].2.as_deref().unwrap()).unwrap();
    assert_eq!(
        (detail["deleted"].as_u64(), detail["complete"].as_bool()),
        (Some(25_000), Some(true))
    );
    let entries_at_all = count(&pool, "SELECT COUNT(*) FROM audit_log").await;
    assert_eq!(entries_at_all, 1);
}

/// Rows that arrive in Trash while the chunks run, and rows of the
/// snapshot restored meanwhile, stay: only what was in Trash at the start
/// goes.
#[tokio::test]
async fn what_arrives_or_is_restored_meanwhile_stays() {
    let (pool, _dir) = test_pool().await;
    let storage = Storage::in_memory();
    let space = ensure(&pool, "s", "S", Timestamp::EPOCH).await.unwrap().id;
    let by = user(&pool, "o@x").await;
    let live = assets(&pool, space, 2).await;
    trashed_in_bulk(&pool, space, 3_000, NOW).await;
    let restored: AssetId = sqlx::query_scalar("SELECT MAX(id) FROM assets")
        .fetch_one(&pool)
        .await
        .unwrap();
    let clock = Clock::frozen(NOW.plus_millis(1_000));
    let emptying = {
        let (pool, storage, clock) = (pool.clone(), storage.clone(), clock);
        tokio::spawn(async move {
            empty_trash_in_chunks(
                &pool,
                &storage,
                &request(space, by, Some(3_000), Effect::Apply),
                &clock,
                10,
            )
            .await
        })
    };
    // Once the first chunk is gone: one asset arrives in Trash, and the
    // newest of the snapshot (deleted last, by id) comes back.
    loop {
        let trashed = count(
            &pool,
            "SELECT COUNT(*) FROM assets WHERE deleted_at IS NOT NULL",
        )
        .await;
        if trashed < 3_000 {
            break;
        }
        assert!(
            !emptying.is_finished(),
            "Empty Trash ended before any row went"
        );
        tokio::task::yield_now().await;
    }
    move_to_trash(
        &pool,
        space,
        by,
        &live[..1],
        &Clock::frozen(NOW.plus_millis(2_000)),
    )
    .await
    .unwrap();
    let back = restore_from_trash(
        &pool,
        space,
        by,
        &[restored],
        &Clock::frozen(NOW.plus_millis(2_000)),
    )
    .await;
    let done = emptying.await.unwrap().unwrap();
    let left: Vec<(AssetId, Option<Timestamp>)> =
        sqlx::query_as("SELECT id, deleted_at FROM assets ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    // The newcomer is still in Trash, the live one is live.
    assert!(
        left.contains(&(live[0], Some(NOW.plus_millis(2_000)))),
        "{left:?}"
    );
    assert!(left.contains(&(live[1], None)));
    // The restored one stays if the restore came before its chunk.
    match back {
        Ok(outcome) if outcome.restored == 1 => {
            assert!(left.contains(&(restored, None)));
            assert_eq!(done.deleted, 2_999);
        }
        _ => assert_eq!(done.deleted, 3_000),
    }
    assert_eq!(empty_entries(&pool).await.len(), 1);
}
