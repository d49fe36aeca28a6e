//! The retention rule on both sides of a change: lengthening applies to
//! what is in Trash, shortening to later deletions, expired stays expired,
//! and a space left at 14 days keeps its exact edges.
#![allow(clippy::unwrap_used)]

use super::*;
use crate::domain::bulk_target::BulkTarget;
use crate::domain::error::AppError;
use crate::domain::ids::{AssetId, FolderId, UserId};
use crate::domain::time::Timestamp;
use crate::platform::db::test_pool;
use crate::platform::storage::Storage;
use crate::trash::bulk::{move_to_trash, trash_assets, BulkChange, Effect};
use crate::trash::fixtures::{assets, folder, user, NOW};
use crate::trash::listing::{list_trash, TrashParams};
use crate::trash::model::{TrashPage, TrashQuery};

const DAY: i64 = MILLIS_PER_DAY;

struct Space {
    pool: AnyPool,
    space: SpaceId,
    user: UserId,
    _dir: tempfile::TempDir,
}

async fn space() -> Space {
    let (pool, dir) = test_pool().await;
    let space = crate::spaces::data::ensure(&pool, "marketing", "Marketing", Timestamp::EPOCH)
        .await
        .unwrap()
        .id;
    let user = user(&pool, "owner@example.com").await;
    Space {
        pool,
        space,
        user,
        _dir: dir,
    }
}

fn at(t: Timestamp) -> Clock {
    Clock::frozen(t)
}

async fn set(s: &Space, days: i64, when: Timestamp) -> Result<SettingsSaved, AppError> {
    set_retention(&s.pool, s.space, Some(s.user.into()), days, &at(when)).await
}

async fn trash(s: &Space, ids: &[AssetId], when: Timestamp) {
    move_to_trash(&s.pool, s.space, s.user, ids, &at(when))
        .await
        .unwrap();
}

async fn restorable(s: &Space, id: AssetId, when: Timestamp) -> bool {
    // A dry run of a restore answers without changing anything.
    let change = BulkChange {
        space: s.space,
        actor: Some(s.user.into()),
        target: BulkTarget::ids(vec![id], Vec::new()),
        effect: Effect::DryRun,
    };
    match crate::trash::bulk::restore_assets(&s.pool, &change, &at(when)).await {
        Ok(outcome) => outcome.restored == 1,
        Err(AppError::Conflict(_)) => false,
        Err(other) => panic!("unexpected {other:?}"),
    }
}

async fn page(s: &Space, query: &TrashQuery, when: Timestamp) -> TrashPage {
    let params = TrashParams::parse(query, 50).unwrap();
    list_trash(&s.pool, s.space, &params, when).await.unwrap()
}

async fn purge(s: &Space, when: Timestamp) -> u64 {
    let files = tempfile::tempdir().unwrap();
    let storage = Storage::local(files.path()).unwrap();
    crate::trash::purge::purge(&s.pool, &storage, &at(when), std::time::UNIX_EPOCH)
        .await
        .unwrap()
        .assets
}

#[tokio::test]
async fn a_space_left_at_fourteen_days_keeps_its_exact_edges() {
    let s = space().await;
    let ids = assets(&s.pool, s.space, 1).await;
    trash(&s, &ids, NOW).await;
    assert!(restorable(&s, ids[0], NOW.plus_millis(13 * DAY)).await);
    assert!(restorable(&s, ids[0], NOW.plus_millis(14 * DAY - 1)).await);
    assert!(!restorable(&s, ids[0], NOW.plus_millis(14 * DAY)).await);
    assert_eq!(purge(&s, NOW.plus_millis(14 * DAY - 1)).await, 0);
    assert_eq!(purge(&s, NOW.plus_millis(14 * DAY)).await, 1);
}

#[tokio::test]
async fn lengthening_gives_what_is_in_trash_the_longer_time() {
    let s = space().await;
    let ids = assets(&s.pool, s.space, 2).await;
    trash(&s, &ids[..1], NOW).await;
    let saved = set(&s, 30, NOW.plus_millis(DAY)).await.unwrap();
    assert_eq!(
        (saved.previous_retention_days, saved.retention_days),
        (14, 30)
    );
    assert_eq!(saved.extended, 1);
    // Deleted after the change: 30 days too.
    trash(&s, &ids[1..], NOW.plus_millis(2 * DAY)).await;
    let listed = page(&s, &TrashQuery::default(), NOW.plus_millis(2 * DAY)).await;
    assert_eq!(listed.retention_days, 30);
    let left: Vec<&str> = listed.items.iter().map(|a| a.days_left.as_str()).collect();
    assert_eq!(left, ["30 days left", "28 days left"]);
    // Day 20 and day 29: still restorable; day 30: gone.
    assert!(restorable(&s, ids[0], NOW.plus_millis(20 * DAY)).await);
    assert!(restorable(&s, ids[0], NOW.plus_millis(30 * DAY - 1)).await);
    assert!(!restorable(&s, ids[0], NOW.plus_millis(30 * DAY)).await);
    assert_eq!(purge(&s, NOW.plus_millis(20 * DAY)).await, 0);
    assert_eq!(purge(&s, NOW.plus_millis(30 * DAY)).await, 1);
    assert_eq!(purge(&s, NOW.plus_millis(32 * DAY)).await, 1);
}

#[tokio::test]
async fn shortening_applies_only_to_what_is_deleted_after_it() {
    let s = space().await;
    let ids = assets(&s.pool, s.space, 2).await;
    trash(&s, &ids[..1], NOW).await;
    let saved = set(&s, 3, NOW).await.unwrap();
    assert_eq!(saved.extended, 0);
    trash(&s, &ids[1..], NOW).await;
    // Day 5: the first keeps the 14 days it was promised; the second's 3 are over.
    let day5 = NOW.plus_millis(5 * DAY);
    assert!(restorable(&s, ids[0], day5).await);
    assert!(!restorable(&s, ids[1], day5).await);
    let listed = page(&s, &TrashQuery::default(), day5).await;
    assert_eq!(listed.retention_days, 3);
    assert_eq!(listed.items.len(), 1);
    assert_eq!(listed.items[0].id, ids[0]);
    assert_eq!(listed.items[0].days_left, "9 days left");
    assert_eq!(purge(&s, day5).await, 1);
    assert!(restorable(&s, ids[0], NOW.plus_millis(14 * DAY - 1)).await);
    // Shortening, then lengthening again, never takes time away either.
    set(&s, 20, NOW.plus_millis(6 * DAY)).await.unwrap();
    set(&s, 1, NOW.plus_millis(6 * DAY)).await.unwrap();
    assert!(restorable(&s, ids[0], NOW.plus_millis(20 * DAY - 1)).await);
    assert!(!restorable(&s, ids[0], NOW.plus_millis(20 * DAY)).await);
}

#[tokio::test]
async fn what_has_expired_stays_expired_when_the_time_grows() {
    let s = space().await;
    let ids = assets(&s.pool, s.space, 1).await;
    trash(&s, &ids, NOW).await;
    // Day 15: expired, not purged yet. Lengthening to 30 does not bring it back.
    let day15 = NOW.plus_millis(15 * DAY);
    let saved = set(&s, 30, day15).await.unwrap();
    assert_eq!(saved.extended, 0);
    assert!(!restorable(&s, ids[0], day15).await);
    assert_eq!(purge(&s, day15).await, 1);
}

#[tokio::test]
async fn a_folder_and_what_is_inside_get_the_longer_time_together() {
    let s = space().await;
    let f = folder(&s.pool, s.space, None, "Spring").await;
    let inside = crate::trash::fixtures::assets_in(&s.pool, s.space, Some(f), 3).await;
    let change = BulkChange {
        space: s.space,
        actor: s.user.into(),
        target: BulkTarget::ids(Vec::new(), vec![f]),
        effect: Effect::Apply,
    };
    trash_assets(&s.pool, &change, &at(NOW)).await.unwrap();
    let saved = set(&s, 60, NOW).await.unwrap();
    assert_eq!(saved.extended, 4, "the folder and its three assets");
    let day40 = NOW.plus_millis(40 * DAY);
    let listed = page(&s, &TrashQuery::default(), day40).await;
    assert_eq!(listed.folders.len(), 1);
    assert_eq!(listed.folders[0].days_left, "20 days left");
    assert_eq!(purge(&s, day40).await, 0);
    let outcome = crate::trash::bulk::restore_assets(
        &s.pool,
        &BulkChange {
            space: s.space,
            actor: Some(s.user.into()),
            target: BulkTarget::ids(Vec::new(), vec![f]),
            effect: Effect::Apply,
        },
        &at(day40),
    )
    .await
    .unwrap();
    assert_eq!(
        (outcome.folders, outcome.restored),
        (1, inside.len() as u64)
    );
    let ids: Vec<FolderId> =
        sqlx::query_scalar("SELECT id FROM folders WHERE expires_at IS NOT NULL")
            .fetch_all(&s.pool)
            .await
            .unwrap();
    assert!(ids.is_empty(), "restored rows carry no deadline");
}

#[tokio::test]
async fn changes_are_audited_and_bad_numbers_refused() {
    let s = space().await;
    set(&s, 14, NOW).await.unwrap();
    set(&s, 30, NOW).await.unwrap();
    for wrong in [0, 366, -5] {
        match set(&s, wrong, NOW).await {
            Err(AppError::Validation(message)) => {
                assert_eq!(message, "Keep deleted items for 1 to 365 days.")
            }
            other => panic!("{wrong}: {other:?}"),
        }
    }
    let entries: Vec<(String, Option<i64>, Option<String>)> =
        sqlx::query_as("SELECT action, actor_id, detail FROM audit_log ORDER BY id")
            .fetch_all(&s.pool)
            .await
            .unwrap();
    assert_eq!(entries.len(), 1, "the same number again writes nothing");
    assert_eq!(entries[0].0, "settings_changed");
    assert_eq!(entries[0].1, Some(s.user.0));
    let detail: serde_json::Value = serde_json::from_str(entries[0].2.as_deref().unwrap()).unwrap();
    assert_eq!(detail["retention_days"]["from"], 14);
    assert_eq!(detail["retention_days"]["to"], 30);
    assert_eq!(
        crate::spaces::data::retention_days(&s.pool, s.space)
            .await
            .unwrap(),
        30
    );
}

#[tokio::test]
async fn the_expires_filter_and_the_banner_count_what_is_about_to_go() {
    let s = space().await;
    let ids = assets(&s.pool, s.space, 4).await;
    // Deleted 13.5, 12, 8 and 0 days before the reading: 0.5, 2, 6 and 14 days left.
    let reading = NOW.plus_millis(20 * DAY);
    for (id, ago) in ids.iter().zip([27 * DAY / 2, 12 * DAY, 8 * DAY, 0]) {
        trash(&s, &[*id], reading.minus_millis(ago)).await;
    }
    let within = |days| TrashQuery {
        expires_within: days,
        ..TrashQuery::default()
    };
    let names = |p: &TrashPage| p.items.iter().map(|a| a.id).collect::<Vec<_>>();
    let all = page(&s, &within(None), reading).await;
    assert_eq!(all.expiring_soon, 2);
    assert_eq!(all.items.len(), 4);
    let soon: Vec<bool> = all.items.iter().map(|a| a.expires_soon).collect();
    // Newest first.
    assert_eq!(soon, [false, false, true, true]);
    assert_eq!(names(&page(&s, &within(Some(1)), reading).await), [ids[0]]);
    let three = page(&s, &within(Some(3)), reading).await;
    assert_eq!(names(&three), [ids[1], ids[0]]);
    assert_eq!((three.total, three.expiring_soon), (2, 2));
    assert_eq!(names(&page(&s, &within(Some(7)), reading).await).len(), 3);
    let count = crate::trash::listing::count_trash(
        &s.pool,
        s.space,
        &crate::trash::listing::TrashFilters::parse(&within(Some(3)).matching()).unwrap(),
        reading,
    )
    .await
    .unwrap();
    assert_eq!(count, 2);
    assert!(TrashParams::parse(&within(Some(0)), 50).is_err());
    assert!(TrashParams::parse(&within(Some(400)), 50).is_err());
}
