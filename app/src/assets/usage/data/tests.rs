//! References against a database: the diff of a source's list, its
//! refusals, and `assets.used_in` kept exact through every change an
//! asset goes through (Trash, Undo, the purge).
#![allow(clippy::unwrap_used)] // a failed setup step should fail the test loudly

use super::*;
use crate::assets::data::{insert, NewAsset};
use crate::domain::ids::UserId;
use crate::platform::clock::Clock;
use crate::platform::db::test_pool;
use crate::platform::storage::Storage;
use crate::spaces::data::ensure;
use crate::trash::model::DEFAULT_RETENTION_MILLIS;

/// A moment in 2027, far from the epoch and from real time.
const NOW: Timestamp = Timestamp::from_millis(1_800_000_000_000);
const HOUR: i64 = 60 * 60 * 1000;

async fn space(pool: &AnyPool, slug: &str) -> SpaceId {
    ensure(pool, slug, slug, Timestamp::EPOCH).await.unwrap().id
}

async fn assets(pool: &AnyPool, space: SpaceId, n: usize) -> Vec<AssetId> {
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let asset = NewAsset::for_test(space, None, &format!("a-{i}.png"));
        ids.push(insert(pool, &asset).await.unwrap().id);
    }
    ids
}

async fn user(pool: &AnyPool) -> UserId {
    crate::auth::data::upsert_user(
        pool,
        "m@x",
        "m@x",
        &crate::auth::password::PasswordHash::from_stored("x"),
        Timestamp::EPOCH,
    )
    .await
    .unwrap()
}

fn cms(id: &str) -> Source {
    Source {
        system: "cms".into(),
        id: id.into(),
        title: format!("Page {id}"),
        url: Some(format!("https://cms.example/{id}")),
    }
}

/// The assets `source` (of the CMS) uses, by id.
async fn list_of(pool: &AnyPool, id: &str) -> Vec<AssetId> {
    sqlx::query_scalar(
        "SELECT r.asset_id FROM asset_references r JOIN reference_sources s ON s.id = r.source_id
         WHERE s.system = 'cms' AND s.external_id = $1 ORDER BY r.asset_id",
    )
    .bind(id)
    .fetch_all(pool)
    .await
    .unwrap()
}

/// Every asset whose `used_in` is not the number of its references, with
/// both numbers: empty when the counter is exact.
async fn miscounted(pool: &AnyPool) -> Vec<(AssetId, i64, i64)> {
    sqlx::query_as(
        "SELECT a.id, a.used_in,
                (SELECT COUNT(*) FROM asset_references r WHERE r.asset_id = a.id) AS refs
         FROM assets a
         WHERE a.used_in <> (SELECT COUNT(*) FROM asset_references r WHERE r.asset_id = a.id)
         ORDER BY a.id",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn used_in(pool: &AnyPool, id: AssetId) -> i64 {
    sqlx::query_scalar("SELECT used_in FROM assets WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_source_s_list_is_replaced_shrunk_and_emptied_by_diff() {
    let (pool, _dir) = test_pool().await;
    let space = space(&pool, "s").await;
    let ids = assets(&pool, space, 5).await;
    let put = |list: Vec<AssetId>, at: Timestamp| {
        let pool = pool.clone();
        async move {
            set_references(&pool, space, &cms("42"), &list, at)
                .await
                .unwrap()
        }
    };

    let first = put(vec![ids[0], ids[1], ids[2]], NOW).await;
    assert_eq!(
        (first.count, first.added, first.removed),
        (3, 3, 0),
        "{first:?}"
    );
    assert_eq!(first.source, cms("42"));
    // Replaced: one kept, two gone, two new.
    let replaced = put(vec![ids[2], ids[3], ids[4]], NOW).await;
    assert_eq!(
        (replaced.count, replaced.added, replaced.removed),
        (3, 2, 2)
    );
    assert_eq!(list_of(&pool, "42").await, [ids[2], ids[3], ids[4]]);
    // The same call again changes nothing, not even the date.
    let later = NOW.plus_millis(HOUR);
    let again = put(vec![ids[4], ids[3], ids[2]], later).await;
    assert_eq!((again.count, again.added, again.removed), (3, 0, 0));
    let updated: Timestamp = sqlx::query_scalar("SELECT updated_at FROM reference_sources")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(updated, NOW);
    // Listed twice counts once.
    let shrunk = put(vec![ids[3], ids[3]], later).await;
    assert_eq!((shrunk.count, shrunk.added, shrunk.removed), (1, 0, 2));
    assert_eq!(used_in(&pool, ids[3]).await, 1);
    assert_eq!(used_in(&pool, ids[2]).await, 0);
    // Empty: the source goes with its references.
    let emptied = put(Vec::new(), later).await;
    assert_eq!((emptied.count, emptied.added, emptied.removed), (0, 0, 1));
    let sources: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reference_sources")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(sources, 0);
    assert_eq!(used_in(&pool, ids[3]).await, 0);
    // Emptying what is not there is no change either.
    let nothing = put(Vec::new(), later).await;
    assert_eq!((nothing.count, nothing.added, nothing.removed), (0, 0, 0));
    assert!(miscounted(&pool).await.is_empty());
}

#[tokio::test]
async fn a_new_title_or_url_is_kept_and_dated() {
    let (pool, _dir) = test_pool().await;
    let space = space(&pool, "s").await;
    let ids = assets(&pool, space, 1).await;
    set_references(&pool, space, &cms("1"), &ids, NOW)
        .await
        .unwrap();
    let renamed = Source {
        title: "Spring landing page (final)".into(),
        url: None,
        ..cms("1")
    };
    let later = NOW.plus_millis(HOUR);
    let outcome = set_references(&pool, space, &renamed, &ids, later)
        .await
        .unwrap();
    assert_eq!((outcome.added, outcome.removed), (0, 0));
    assert_eq!(sources_of(&pool, space, ids[0]).await.unwrap(), [renamed]);
    let updated: Timestamp = sqlx::query_scalar("SELECT updated_at FROM reference_sources")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(updated, later);
}

#[tokio::test]
async fn unknown_foreign_and_too_many_ids_change_nothing() {
    let (pool, _dir) = test_pool().await;
    let space_id = space(&pool, "s").await;
    let other = space(&pool, "o").await;
    let ids = assets(&pool, space_id, 2).await;
    let foreign = assets(&pool, other, 1).await;
    set_references(&pool, space_id, &cms("1"), &ids[..1], NOW)
        .await
        .unwrap();

    let error = set_references(
        &pool,
        space_id,
        &cms("1"),
        &[ids[1], foreign[0], AssetId(999_999)],
        NOW,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&error, AppError::UnknownItems { assets, .. } if assets == &[foreign[0], AssetId(999_999)]),
        "{error:?}"
    );
    assert_eq!(list_of(&pool, "1").await, [ids[0]]);

    let too_many: Vec<AssetId> = (1..=10_001).map(AssetId).collect();
    let error = set_references(&pool, space_id, &cms("1"), &too_many, NOW)
        .await
        .unwrap_err();
    assert!(matches!(&error, AppError::Validation(m) if m.contains("at most 10000")));
    let error = set_references(&pool, space_id, &cms("1"), &[AssetId(0)], NOW)
        .await
        .unwrap_err();
    assert!(matches!(error, AppError::Validation(_)));
    let blank = Source {
        title: "  ".into(),
        ..cms("1")
    };
    let error = set_references(&pool, space_id, &blank, &ids, NOW)
        .await
        .unwrap_err();
    assert!(matches!(&error, AppError::Validation(m) if m.contains("`title`")));
    assert_eq!(list_of(&pool, "1").await, [ids[0]]);
    // Another space's source of the same name is its own.
    set_references(&pool, other, &cms("1"), &foreign, NOW)
        .await
        .unwrap();
    assert_eq!(list_of(&pool, "1").await, [ids[0], foreign[0]]);
    assert!(matches!(
        sources_of(&pool, space_id, foreign[0]).await,
        Err(AppError::NotFound)
    ));
    assert!(miscounted(&pool).await.is_empty());
}

#[tokio::test]
async fn references_stay_in_trash_and_go_with_the_purge() {
    let (pool, _dir) = test_pool().await;
    let space = space(&pool, "s").await;
    let by = user(&pool).await;
    let ids = assets(&pool, space, 3).await;
    set_references(&pool, space, &cms("1"), &ids, NOW)
        .await
        .unwrap();
    set_references(&pool, space, &cms("2"), &ids[..1], NOW)
        .await
        .unwrap();
    let clock = Clock::frozen(NOW);
    crate::trash::bulk::move_to_trash(&pool, space, by, &ids[..2], &clock)
        .await
        .unwrap();
    // In Trash: still referenced, still counted, and still a known id.
    assert_eq!(used_in(&pool, ids[0]).await, 2);
    assert_eq!(sources_of(&pool, space, ids[0]).await.unwrap().len(), 2);
    set_references(&pool, space, &cms("2"), &ids[..2], NOW)
        .await
        .unwrap();
    assert_eq!(used_in(&pool, ids[1]).await, 2);

    let expired = Clock::frozen(NOW.plus_millis(DEFAULT_RETENTION_MILLIS + HOUR));
    let storage = Storage::in_memory();
    let report =
        crate::trash::purge::purge(&pool, &storage, &expired, std::time::SystemTime::UNIX_EPOCH)
            .await
            .unwrap();
    assert_eq!(report.assets, 2);
    // The purged assets' references went with them; the live one's stayed.
    assert_eq!(list_of(&pool, "1").await, [ids[2]]);
    assert_eq!(list_of(&pool, "2").await, Vec::<AssetId>::new());
    assert_eq!(used_in(&pool, ids[2]).await, 1);
    // A purged id is unknown now.
    let error = set_references(&pool, space, &cms("2"), &ids[..1], NOW)
        .await
        .unwrap_err();
    assert!(matches!(error, AppError::UnknownItems { .. }));
    assert!(miscounted(&pool).await.is_empty());
}

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
        let n = self.below(max + 1);
        let picked: BTreeSet<T> = (0..n).map(|_| from[self.below(from.len())]).collect();
        picked.into_iter().collect()
    }
}

/// The counter against `COUNT(*)` after every step of a few hundred: lists
/// set, replaced, shrunk and emptied, assets moved to Trash, put back and
/// purged, in a seeded random order.
#[tokio::test]
async fn used_in_counts_references_exactly_through_trash_undo_and_purge() {
    let (pool, _dir) = test_pool().await;
    let space = space(&pool, "s").await;
    let by = user(&pool).await;
    let storage = Storage::in_memory();
    let all = assets(&pool, space, 40).await;
    let sources: Vec<String> = (0..8).map(|i| format!("entry-{i}")).collect();
    let mut rng = Rng(0x7472_6f76_6521);
    let mut now = NOW;
    let (mut references, mut trashings, mut restores, mut purged) = (0, 0, 0, 0_u64);
    for step in 0..300 {
        now = now.plus_millis(HOUR * (1 + rng.below(24) as i64));
        let clock = Clock::frozen(now);
        let known: Vec<AssetId> = sqlx::query_scalar("SELECT id FROM assets ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
        let live: Vec<AssetId> =
            sqlx::query_scalar("SELECT id FROM assets WHERE deleted_at IS NULL ORDER BY id")
                .fetch_all(&pool)
                .await
                .unwrap();
        let restorable: Vec<AssetId> = sqlx::query_scalar(
            "SELECT id FROM assets WHERE deleted_at IS NOT NULL AND expires_at > $1 ORDER BY id",
        )
        .bind(now)
        .fetch_all(&pool)
        .await
        .unwrap();
        match rng.below(10) {
            // Set a source's list: a new one, a replacement, a shrink, or empty.
            0..=4 => {
                let source = cms(&sources[rng.below(sources.len())]);
                let list = if rng.below(6) == 0 {
                    Vec::new()
                } else {
                    rng.some(&known, 12)
                };
                set_references(&pool, space, &source, &list, now)
                    .await
                    .unwrap();
                references += 1;
            }
            // A purged id (no longer known) is refused, changing nothing.
            5 if known.len() < all.len() => {
                let gone = all.iter().find(|id| !known.contains(id)).copied().unwrap();
                let source = cms(&sources[rng.below(sources.len())]);
                let before = list_of(&pool, &source.id).await;
                let refused = set_references(&pool, space, &source, &[gone], now).await;
                assert!(matches!(refused, Err(AppError::UnknownItems { .. })));
                assert_eq!(list_of(&pool, &source.id).await, before);
            }
            5..=6 => {
                let ids = rng.some(&live, 6);
                if !ids.is_empty() {
                    crate::trash::bulk::move_to_trash(&pool, space, by, &ids, &clock)
                        .await
                        .unwrap();
                    trashings += 1;
                }
            }
            7..=8 => {
                let ids = rng.some(&restorable, 6);
                if !ids.is_empty() {
                    crate::trash::bulk::restore_from_trash(&pool, space, by, &ids, &clock)
                        .await
                        .unwrap();
                    restores += 1;
                }
            }
            _ => {
                let report = crate::trash::purge::purge(
                    &pool,
                    &storage,
                    &clock,
                    std::time::SystemTime::UNIX_EPOCH,
                )
                .await
                .unwrap();
                purged += report.assets;
            }
        }
        let wrong = miscounted(&pool).await;
        assert!(
            wrong.is_empty(),
            "step {step}: (id, used_in, references) {wrong:?}"
        );
    }
    // The mix did what it says.
    assert!(
        references > 100 && trashings > 20 && restores > 10,
        "{references} {trashings} {restores}"
    );
    assert!(purged > 0, "nothing was purged");
    let in_use: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM assets WHERE used_in > 0")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(in_use > 0);
}
