use super::*;
use crate::domain::bulk_target::BulkTarget;
use crate::platform::db::test_pool;
use crate::platform::search::NameSearch;
use crate::platform::storage::FileKind;
use crate::spaces::data::ensure;
use crate::trash::fixtures::{assets, audit_rows, trashed, user, NOW};
use crate::trash::listing::{list_trash, TrashParams};
use crate::trash::model::TrashQuery;
use crate::trash::model::DEFAULT_RETENTION_MILLIS;

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
        usage: None,
    };
    let clock = Clock::frozen(NOW);
    let pick = |expected, effect| BulkChange {
        space,
        actor: by.into(),
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
    let first =
        tokio::spawn(
            async move { move_to_trash(&pool_a, space, a, &left, &Clock::frozen(NOW)).await },
        );
    let second =
        tokio::spawn(
            async move { move_to_trash(&pool_b, space, b, &right, &Clock::frozen(NOW)).await },
        );
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
    let deleted_at = clock.now().minus_millis(DEFAULT_RETENTION_MILLIS - 300);
    move_to_trash(&pool, space, by, &ids, &Clock::frozen(deleted_at))
        .await
        .unwrap();

    // Someone else holds the write lock across the deadline.
    let holder = crate::platform::db::begin_write_on(&pool).await.unwrap();
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
        &Clock::frozen(NOW.minus_millis(DEFAULT_RETENTION_MILLIS)),
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
        by.into(),
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
            by.into(),
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
            by.into(),
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
            by.into(),
            &BatchId("nonsense".into()),
            &Clock::frozen(NOW)
        )
        .await,
        Err(AppError::Validation(_))
    ));
    // After 14 days the batch can no longer come back.
    let late = NOW.plus_millis(DEFAULT_RETENTION_MILLIS);
    assert_eq!(
        restore_batch(&pool, space, by.into(), &second.batch, &Clock::frozen(late))
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
