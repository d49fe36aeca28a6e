//! The storage counters against the assets themselves: after every step of
//! a seeded random mix of uploads, moves into folders and to Trash (assets
//! and whole folders), restores, permanent deletes and purges, in two
//! spaces, `space_storage` and [`space_usage`] equal `COUNT` and `SUM` over
//! the rows. Runs on PostgreSQL too (`TROVE_TEST_DATABASE_URL`), where the
//! triggers are another language.
#![allow(clippy::unwrap_used)] // a failed setup step should fail the test loudly

use std::collections::BTreeMap;

use bytes::Bytes;
use sqlx::AnyPool;

use super::*;
use crate::assets::data::{insert, NewAsset};
use crate::assets::ingest::ingest;
use crate::domain::bulk_target::BulkTarget;
use crate::domain::ids::{AssetId, FolderId, UserId};
use crate::domain::time::Timestamp;
use crate::platform::clock::Clock;
use crate::platform::db::test_pool;
use crate::platform::storage::Storage;
use crate::spaces::data::ensure;
use crate::trash::bulk::{BulkChange, Effect};

/// A moment in 2027, far from the epoch and from real time.
const NOW: Timestamp = Timestamp::from_millis(1_800_000_000_000);
const HOUR: i64 = 60 * 60 * 1000;

/// SplitMix64: a small seeded generator, so a failure replays exactly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Up to `max` distinct picks of `from`.
    fn some<T: Copy + Ord>(&mut self, from: &[T], max: usize) -> Vec<T> {
        if from.is_empty() {
            return Vec::new();
        }
        let n = 1 + self.below(max);
        let picked: std::collections::BTreeSet<T> =
            (0..n).map(|_| from[self.below(from.len())]).collect();
        picked.into_iter().collect()
    }
}

/// (live assets, live bytes, trash assets, trash bytes) per (space, kind).
type Counters = BTreeMap<(i64, String), (i64, i64, i64, i64)>;

/// What the counters say, rows of nothing left out.
async fn counters(pool: &AnyPool) -> Counters {
    let rows: Vec<(i64, String, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT space_id, kind, live_assets, live_bytes, trash_assets, trash_bytes
         FROM space_storage",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    rows.into_iter()
        .filter(|r| (r.2, r.3, r.4, r.5) != (0, 0, 0, 0))
        .map(|r| ((r.0, r.1), (r.2, r.3, r.4, r.5)))
        .collect()
}

/// What the assets say.
async fn summed(pool: &AnyPool) -> Counters {
    let rows: Vec<(i64, String, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT space_id, kind,
                CAST(SUM(CASE WHEN deleted_at IS NULL THEN 1 ELSE 0 END) AS BIGINT),
                CAST(SUM(CASE WHEN deleted_at IS NULL THEN size_bytes ELSE 0 END) AS BIGINT),
                CAST(SUM(CASE WHEN deleted_at IS NULL THEN 0 ELSE 1 END) AS BIGINT),
                CAST(SUM(CASE WHEN deleted_at IS NULL THEN 0 ELSE size_bytes END) AS BIGINT)
         FROM assets GROUP BY space_id, kind",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    rows.into_iter()
        .map(|r| ((r.0, r.1), (r.2, r.3, r.4, r.5)))
        .collect()
}

async fn ids(pool: &AnyPool, space: SpaceId, filter: &str, now: Timestamp) -> Vec<AssetId> {
    sqlx::query_scalar(&format!(
        "SELECT id FROM assets WHERE space_id = $1 AND {filter} ORDER BY id"
    ))
    .bind(space)
    .bind(now)
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn live_folders(pool: &AnyPool, space: SpaceId) -> Vec<FolderId> {
    sqlx::query_scalar(
        "SELECT id FROM folders WHERE space_id = $1 AND deleted_at IS NULL ORDER BY id",
    )
    .bind(space)
    .fetch_all(pool)
    .await
    .unwrap()
}

const MIME_TYPES: [&str; 8] = [
    "image/png",
    "image/jpeg",
    "application/pdf",
    "text/plain",
    "video/mp4",
    "audio/mpeg",
    "application/zip",
    "application/octet-stream",
];

#[tokio::test]
async fn the_counters_equal_the_sums_through_a_random_mix_of_changes() {
    let (pool, _dir) = test_pool().await;
    let storage = Storage::in_memory();
    let spaces = [
        ensure(&pool, "a", "A", Timestamp::EPOCH).await.unwrap().id,
        ensure(&pool, "b", "B", Timestamp::EPOCH).await.unwrap().id,
    ];
    let by: UserId = crate::auth::data::upsert_user(
        &pool,
        "m@x",
        "m@x",
        &crate::auth::password::PasswordHash::from_stored("x"),
        Timestamp::EPOCH,
    )
    .await
    .unwrap();
    let mut rng = Rng(0x0053_544f_5241_4745);
    let mut now = NOW;
    let mut done = BTreeMap::<&str, u32>::new();
    for step in 0..400 {
        now = now.plus_millis(HOUR * (1 + rng.below(30) as i64));
        let clock = Clock::frozen(now);
        let space = spaces[rng.below(2)];
        let live = ids(&pool, space, "deleted_at IS NULL AND $2 = $2", now).await;
        let trashed = ids(&pool, space, "deleted_at IS NOT NULL AND $2 = $2", now).await;
        let restorable = ids(
            &pool,
            space,
            "deleted_at IS NOT NULL AND expires_at > $2",
            now,
        )
        .await;
        let folders = live_folders(&pool, space).await;
        let action = match rng.below(20) {
            0..=5 => {
                let n = 1 + rng.below(4);
                for i in 0..n {
                    let mut asset = NewAsset::for_test(space, None, &format!("s{step}-{i}.bin"));
                    asset.mime_type = MIME_TYPES[rng.below(MIME_TYPES.len())].into();
                    asset.size_bytes = rng.below(5_000_000) as i64;
                    insert(&pool, &asset).await.unwrap();
                }
                "insert"
            }
            6 => {
                let text: &'static [u8] = if rng.below(2) == 0 {
                    b"a,b\n1,2\n"
                } else {
                    b"some notes, long enough to be text"
                };
                let chunks = futures::stream::iter([Ok(Bytes::from_static(text))]);
                ingest(
                    &pool,
                    &storage,
                    space,
                    None,
                    Some(by),
                    "notes.txt",
                    1 << 20,
                    &clock,
                    chunks,
                )
                .await
                .unwrap();
                "upload"
            }
            7 => {
                let name = format!("f{step}");
                crate::assets::folders::data::create(&pool, space, None, &name, None, now)
                    .await
                    .unwrap();
                "folder"
            }
            8..=9 if !folders.is_empty() && !live.is_empty() => {
                let to = folders[rng.below(folders.len())];
                let target = BulkTarget::ids(rng.some(&live, 5), Vec::new());
                crate::assets::moving::move_items(&pool, space, Some(to), &target, now)
                    .await
                    .unwrap();
                "move into a folder"
            }
            10..=12 if !live.is_empty() => {
                crate::trash::bulk::move_to_trash(&pool, space, by, &rng.some(&live, 8), &clock)
                    .await
                    .unwrap();
                "move to Trash"
            }
            13 if !folders.is_empty() => {
                let change = BulkChange {
                    space,
                    actor: by.into(),
                    target: BulkTarget::ids(Vec::new(), vec![folders[rng.below(folders.len())]]),
                    effect: Effect::Apply,
                };
                crate::trash::bulk::trash_assets(&pool, &change, &clock)
                    .await
                    .unwrap();
                "folder to Trash"
            }
            14..=15 if !restorable.is_empty() => {
                crate::trash::bulk::restore_from_trash(
                    &pool,
                    space,
                    by,
                    &rng.some(&restorable, 6),
                    &clock,
                )
                .await
                .unwrap();
                "restore"
            }
            16..=17 if !restorable.is_empty() => {
                crate::trash::bulk::delete_permanently(
                    &pool,
                    &storage,
                    space,
                    by,
                    &rng.some(&restorable, 4),
                    &clock,
                )
                .await
                .unwrap();
                "delete permanently"
            }
            18 if !trashed.is_empty() => {
                crate::trash::purge::purge(
                    &pool,
                    &storage,
                    &Clock::frozen(now.plus_millis(20 * 24 * HOUR)),
                    std::time::SystemTime::UNIX_EPOCH,
                )
                .await
                .unwrap();
                // The clock moves on with the purge, or nothing would be left to restore.
                now = now.plus_millis(20 * 24 * HOUR);
                "purge"
            }
            _ => "nothing",
        };
        *done.entry(action).or_default() += 1;
        assert_eq!(
            counters(&pool).await,
            summed(&pool).await,
            "step {step}, after {action}"
        );
    }
    for action in [
        "insert",
        "upload",
        "move into a folder",
        "move to Trash",
        "folder to Trash",
        "restore",
        "delete permanently",
        "purge",
    ] {
        assert!(
            done.get(action).is_some_and(|n| *n > 0),
            "no {action}: {done:?}"
        );
    }
    // The read the page and the API use agrees, space by space, with
    // something in Trash in each.
    for space in spaces {
        let live = ids(&pool, space, "deleted_at IS NULL AND $2 = $2", now).await;
        crate::trash::bulk::move_to_trash(&pool, space, by, &live[..2], &Clock::frozen(now))
            .await
            .unwrap();
    }
    let sums = summed(&pool).await;
    assert_eq!(counters(&pool).await, sums);
    for space in spaces {
        let usage = space_usage(&pool, space).await.unwrap();
        for kind in &usage.by_kind {
            let want = sums
                .get(&(space.0, kind.kind.as_str().to_owned()))
                .copied()
                .unwrap_or_default();
            let got = (
                kind.live_assets as i64,
                kind.live_bytes as i64,
                kind.trash_assets as i64,
                kind.trash_bytes as i64,
            );
            assert_eq!(got, want, "{space:?} {:?}", kind.kind);
        }
        let mine = sums.iter().filter(|((s, _), _)| *s == space.0);
        let live: i64 = mine.clone().map(|(_, v)| v.1).sum();
        let trash: i64 = mine.map(|(_, v)| v.3).sum();
        assert_eq!(usage.used_bytes as i64, live + trash);
        assert!(usage.live.assets > 0 && usage.trash.assets > 0, "{usage:?}");
    }
}

#[tokio::test]
async fn a_space_without_assets_holds_nothing_of_each_type() {
    let (pool, _dir) = test_pool().await;
    let space = ensure(&pool, "s", "S", Timestamp::EPOCH).await.unwrap().id;
    let usage = space_usage(&pool, space).await.unwrap();
    assert_eq!(usage, SpaceStorage::from_kinds([], None));
    crate::settings::quota::set_quota(&pool, space, None, Some(5 << 30), &Clock::frozen(NOW))
        .await
        .unwrap();
    let mut asset = NewAsset::for_test(space, None, "a.mp4");
    asset.mime_type = "video/mp4".into();
    asset.size_bytes = 1234;
    insert(&pool, &asset).await.unwrap();
    let usage = space_usage(&pool, space).await.unwrap();
    assert_eq!(usage.quota_bytes, Some(5 << 30));
    assert_eq!(usage.used_bytes, 1234);
    assert_eq!(
        usage.by_kind[2].kind,
        crate::assets::model::AssetKind::Video
    );
    assert_eq!(
        (usage.by_kind[2].live_assets, usage.by_kind[2].live_bytes),
        (1, 1234)
    );
}
