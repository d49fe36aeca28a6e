use super::*;
use crate::assets::data::{insert, NewAsset};
use crate::domain::ids::UserId;
use crate::domain::time::Timestamp;
use crate::platform::db::test_pool;
use crate::platform::storage::FileKind;
use crate::spaces::data::ensure;
use crate::trash::bulk::{move_to_trash, restore_from_trash};
use crate::trash::model::DEFAULT_RETENTION_MILLIS;

const NOW: Timestamp = Timestamp::from_millis(1_800_000_000_000);

struct Fixture {
    pool: AnyPool,
    storage: Storage,
    space: SpaceId,
    user: UserId,
    _db: tempfile::TempDir,
    _files: tempfile::TempDir,
}

async fn fixture() -> Fixture {
    let (pool, db) = test_pool().await;
    let files = tempfile::tempdir().unwrap();
    let storage = Storage::local(files.path()).unwrap();
    let space = ensure(&pool, "marketing", "Marketing", Timestamp::EPOCH)
        .await
        .unwrap()
        .id;
    let user = crate::auth::data::upsert_user(
        &pool,
        "m@example.com",
        "M",
        &crate::auth::password::PasswordHash::from_stored("x"),
        Timestamp::EPOCH,
    )
    .await
    .unwrap();
    Fixture {
        pool,
        storage,
        space,
        user,
        _db: db,
        _files: files,
    }
}

/// `n` assets, each with an original and a thumbnail on disk.
async fn stored_assets(f: &Fixture, n: usize) -> Vec<(i64, String)> {
    let mut out = Vec::new();
    for i in 0..n {
        let key = Storage::new_key();
        // A real (tiny) image, so that a thumbnail is made.
        let png = {
            let mut png = Vec::new();
            image::DynamicImage::new_rgb8(2, 2)
                .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
                .unwrap();
            png
        };
        f.storage.put_original(&key, &png).await.unwrap();
        f.storage.make_thumbnail(&key).await.unwrap().unwrap();
        let asset = NewAsset {
            space: f.space,
            name: format!("a-{i}.png"),
            mime_type: "image/png".into(),
            size_bytes: 6,
            width: None,
            height: None,
            storage_key: key.clone(),
            has_thumbnail: true,
            folder: None,
            created_by: None,
            created_at: Timestamp::EPOCH,
            updated_at: Timestamp::EPOCH,
        };
        out.push((insert(&f.pool, &asset).await.unwrap().id.0, key));
    }
    out
}

async fn on_disk(f: &Fixture, key: &str) -> bool {
    f.storage.exists(FileKind::Original, key).await.unwrap()
        || f.storage.exists(FileKind::Thumbnail, key).await.unwrap()
}

fn asset_ids(ids: &[i64]) -> Vec<crate::domain::ids::AssetId> {
    ids.iter()
        .copied()
        .map(crate::domain::ids::AssetId)
        .collect()
}

async fn row_exists(f: &Fixture, id: i64) -> bool {
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM assets WHERE id = $1")
        .bind(id)
        .fetch_one(&f.pool)
        .await
        .unwrap()
        == 1
}

/// The wall-clock bound that lets the sweep see every file (tests write
/// files "now" and want them swept).
fn sweep_all() -> SystemTime {
    SystemTime::now() + Duration::from_secs(60)
}

#[tokio::test]
async fn removes_expired_rows_and_files_only_and_is_idempotent() {
    let f = fixture().await;
    let assets = stored_assets(&f, 4).await;
    let ids: Vec<i64> = assets.iter().map(|(id, _)| *id).collect();
    // Two deleted 14 days before NOW (expired), one a minute later
    // (still restorable), one live.
    move_to_trash(
        &f.pool,
        f.space,
        f.user,
        &asset_ids(&ids[..2]),
        &Clock::frozen(NOW.minus_millis(DEFAULT_RETENTION_MILLIS)),
    )
    .await
    .unwrap();
    move_to_trash(
        &f.pool,
        f.space,
        f.user,
        &asset_ids(&ids[2..3]),
        &Clock::frozen(NOW.minus_millis(DEFAULT_RETENTION_MILLIS - 60_000)),
    )
    .await
    .unwrap();

    let report = purge(
        &f.pool,
        &f.storage,
        &Clock::frozen(NOW),
        SystemTime::UNIX_EPOCH,
    )
    .await
    .unwrap();
    assert_eq!(
        report,
        PurgeReport {
            assets: 2,
            folders: 0,
            files: 4,
            orphans: 0
        }
    );
    for (id, key) in &assets[..2] {
        assert!(!row_exists(&f, *id).await);
        assert!(!on_disk(&f, key).await);
    }
    for (id, key) in &assets[2..] {
        assert!(row_exists(&f, *id).await);
        assert!(on_disk(&f, key).await);
    }
    let audit: Vec<(Option<i64>, String, i64)> = sqlx::query_as(
        "SELECT actor_id, asset_ids, asset_count FROM audit_log WHERE action = 'purge'",
    )
    .fetch_all(&f.pool)
    .await
    .unwrap();
    assert_eq!(audit, vec![(None, json_ids(&ids[..2]), 2)]);

    let again = purge(&f.pool, &f.storage, &Clock::frozen(NOW), sweep_all())
        .await
        .unwrap();
    assert_eq!(again, PurgeReport::default());
}

#[tokio::test]
async fn sweeps_files_without_rows_but_not_fresh_ones() {
    let f = fixture().await;
    let assets = stored_assets(&f, 1).await;
    let orphan = Storage::new_key();
    f.storage.put_original(&orphan, b"left over").await.unwrap();
    // A staging file a crash left behind mid-write.
    let temp = f._files.path().join("originals").join("ab").join("abcd#7");
    std::fs::create_dir_all(temp.parent().unwrap()).unwrap();
    std::fs::write(&temp, b"half").unwrap();

    // Too fresh: an upload might be about to write its row.
    let report = purge(
        &f.pool,
        &f.storage,
        &Clock::frozen(NOW),
        SystemTime::UNIX_EPOCH,
    )
    .await
    .unwrap();
    assert_eq!(report.orphans, 0);
    assert!(on_disk(&f, &orphan).await);

    let report = purge(&f.pool, &f.storage, &Clock::frozen(NOW), sweep_all())
        .await
        .unwrap();
    assert_eq!(report.orphans, 2, "the orphan and the stale temp file");
    assert!(!on_disk(&f, &orphan).await);
    assert!(!temp.exists());
    assert!(on_disk(&f, &assets[0].1).await, "files with a row stay");
}

#[tokio::test]
async fn two_purges_at_once_remove_each_asset_once() {
    let f = fixture().await;
    let assets = stored_assets(&f, 30).await;
    let ids: Vec<i64> = assets.iter().map(|(id, _)| *id).collect();
    move_to_trash(
        &f.pool,
        f.space,
        f.user,
        &asset_ids(&ids),
        &Clock::frozen(NOW.minus_millis(DEFAULT_RETENTION_MILLIS)),
    )
    .await
    .unwrap();
    let clock = Clock::frozen(NOW);
    let (a, b) = tokio::join!(
        purge(&f.pool, &f.storage, &clock, sweep_all()),
        purge(&f.pool, &f.storage, &clock, sweep_all()),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.assets + b.assets, 30);
    assert_eq!(a.files + b.files + a.orphans + b.orphans, 60);
    for (id, key) in &assets {
        assert!(!row_exists(&f, *id).await);
        assert!(!on_disk(&f, key).await);
    }
    let audited: i64 = sqlx::query_scalar(
        "SELECT CAST(SUM(asset_count) AS BIGINT) FROM audit_log WHERE action = 'purge'",
    )
    .fetch_one(&f.pool)
    .await
    .unwrap();
    assert_eq!(audited, 30);
}

/// A restore at the last restorable millisecond races a purge that runs
/// at the first expired one. Whatever wins, a row always has its files.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_racing_purge_never_leaves_a_row_without_its_file() {
    let f = fixture().await;
    let mut restored = 0;
    let mut purged = 0;
    for _ in 0..40 {
        let assets = stored_assets(&f, 1).await;
        let (id, key) = assets[0].clone();
        let deleted_at = NOW.minus_millis(DEFAULT_RETENTION_MILLIS - 1);
        move_to_trash(
            &f.pool,
            f.space,
            f.user,
            &asset_ids(&[id]),
            &Clock::frozen(deleted_at),
        )
        .await
        .unwrap();
        let (pool, space, user) = (f.pool.clone(), f.space, f.user);
        let restore = tokio::spawn(async move {
            restore_from_trash(&pool, space, user, &asset_ids(&[id]), &Clock::frozen(NOW)).await
        });
        let (pool, storage) = (f.pool.clone(), f.storage.clone());
        let purging = tokio::spawn(async move {
            purge(
                &pool,
                &storage,
                &Clock::frozen(NOW.plus_millis(1)),
                SystemTime::UNIX_EPOCH,
            )
            .await
        });
        let (restore, purging) = tokio::join!(restore, purging);
        purging.unwrap().unwrap();
        let restore = restore.unwrap();
        let exists = row_exists(&f, id).await;
        match restore {
            Ok(outcome) => {
                assert_eq!(outcome.restored, 1);
                assert!(exists, "a restored asset keeps its row");
                restored += 1;
            }
            Err(AppError::UnknownItems { .. }) => {
                assert!(!exists);
                purged += 1;
            }
            Err(other) => panic!("unexpected {other:?}"),
        }
        assert_eq!(exists, on_disk(&f, &key).await, "row and file go together");
        if exists {
            let live: Option<i64> =
                sqlx::query_scalar("SELECT deleted_at FROM assets WHERE id = $1")
                    .bind(id)
                    .fetch_one(&f.pool)
                    .await
                    .unwrap();
            assert_eq!(live, None, "an asset that survived is live again");
        }
    }
    assert_eq!(restored + purged, 40);
}
