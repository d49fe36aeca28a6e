//! Keeping the assets in use: the dialog's read against what the move
//! then does, for listed ids, "all matching" and folders; dry runs, Undo,
//! and a reference that arrives between the two.
#![allow(clippy::unwrap_used)] // a failed setup step should fail the test loudly

use super::*;
use crate::assets::usage::data::set_references;
use crate::assets::usage::model::Source;
use crate::domain::ids::UserId;
use crate::platform::clock::Clock;
use crate::platform::db::test_pool;
use crate::platform::search::NameSearch;
use crate::spaces::data::ensure;
use crate::trash::bulk::{restore_batch, trash_assets_with, BulkChange, Effect};
use crate::trash::fixtures::{assets, assets_in, folder, trashed, user, NOW};
use crate::trash::model::MoveOutcome;

struct Space {
    pool: AnyPool,
    space: SpaceId,
    by: UserId,
    /// a-0.png … a-5.png at the top level.
    ids: Vec<AssetId>,
    _dir: tempfile::TempDir,
}

async fn space() -> Space {
    let (pool, dir) = test_pool().await;
    let space = ensure(&pool, "s", "S", crate::domain::time::Timestamp::EPOCH)
        .await
        .unwrap()
        .id;
    let by = user(&pool, "m@x").await;
    let ids = assets(&pool, space, 6).await;
    Space {
        pool,
        space,
        by,
        ids,
        _dir: dir,
    }
}

impl Space {
    /// The CMS page `id` uses `assets` (its whole list).
    async fn uses(&self, id: &str, assets: &[AssetId]) {
        let source = Source {
            system: "cms".into(),
            id: id.into(),
            title: format!("Page {id}"),
            url: None,
        };
        set_references(&self.pool, self.space, &source, assets, NOW)
            .await
            .unwrap();
    }

    fn change(&self, target: BulkTarget<AssetFilters>, effect: Effect) -> BulkChange<AssetFilters> {
        BulkChange {
            space: self.space,
            actor: self.by.into(),
            target,
            effect,
        }
    }

    async fn trash(
        &self,
        target: BulkTarget<AssetFilters>,
        effect: Effect,
    ) -> Result<MoveOutcome, AppError> {
        let change = self.change(target, effect);
        trash_assets_with(&self.pool, &change, InUse::Keep, &Clock::frozen(NOW)).await
    }
}

fn matching(search: &str, expected: u64) -> BulkTarget<AssetFilters> {
    BulkTarget {
        items: Items::Matching {
            filters: AssetFilters {
                search: NameSearch::parse(search).unwrap(),
                within: None,
                usage: None,
            },
            expected,
        },
        folders: Vec::new(),
    }
}

#[tokio::test]
async fn listed_assets_in_use_stay_and_are_named() {
    let s = space().await;
    s.uses("42", &[s.ids[1], s.ids[3]]).await;
    s.uses("43", &[s.ids[3]]).await;
    let target = BulkTarget::ids(s.ids[..4].to_vec(), Vec::new());

    let read = selection_usage(&s.pool, s.space, &target).await.unwrap();
    assert_eq!(
        (
            read.assets,
            read.in_use,
            read.moving_if_kept,
            read.expected_if_kept
        ),
        (4, 2, 2, None)
    );
    let named: Vec<(&str, i64, Vec<&str>)> = read
        .examples
        .iter()
        .map(|a| {
            let titles = a.sources.iter().map(|s| s.title.as_str()).collect();
            (a.name.as_str(), a.used_in, titles)
        })
        .collect();
    assert_eq!(
        named,
        [
            ("a-1.png", 1, vec!["Page 42"]),
            ("a-3.png", 2, vec!["Page 42", "Page 43"])
        ]
    );

    // A dry run answers the same and changes nothing.
    let dry = s.trash(target.clone(), Effect::DryRun).await.unwrap();
    assert_eq!(
        (dry.moved, dry.kept_in_use.as_slice(), dry.dry_run),
        (2, [s.ids[1], s.ids[3]].as_slice(), true)
    );
    assert!(trashed(&s.pool).await.is_empty());

    let done = s.trash(target, Effect::Apply).await.unwrap();
    assert_eq!(done.moved, read.moving_if_kept);
    assert_eq!(done.kept_in_use, [s.ids[1], s.ids[3]]);
    assert_eq!(trashed(&s.pool).await, [s.ids[0], s.ids[2]]);
    assert_eq!(done.summary(), "2 assets moved to Trash, 2 in use kept");
    // Undo puts back exactly what moved.
    restore_batch(
        &s.pool,
        s.space,
        s.by.into(),
        &done.batch,
        &Clock::frozen(NOW),
    )
    .await
    .unwrap();
    assert!(trashed(&s.pool).await.is_empty());

    // Without keeping, the same request moves them all.
    let change = s.change(
        BulkTarget::ids(s.ids[..4].to_vec(), Vec::new()),
        Effect::Apply,
    );
    let all = trash_assets_with(&s.pool, &change, InUse::Move, &Clock::frozen(NOW))
        .await
        .unwrap();
    assert_eq!((all.moved, all.kept_in_use.len()), (4, 0));
}

#[tokio::test]
async fn a_reference_made_after_the_read_is_kept_by_the_move() {
    let s = space().await;
    let target = BulkTarget::ids(s.ids[..2].to_vec(), Vec::new());
    let read = selection_usage(&s.pool, s.space, &target).await.unwrap();
    assert_eq!((read.in_use, read.moving_if_kept), (0, 2));
    // Between the dialog and the confirmation, a page starts using one.
    s.uses("new", &[s.ids[0]]).await;
    let done = s.trash(target, Effect::Apply).await.unwrap();
    assert_eq!(
        (done.moved, done.kept_in_use.as_slice()),
        (1, [s.ids[0]].as_slice())
    );
    assert_eq!(trashed(&s.pool).await, [s.ids[1]]);
    // Every listed asset in use: nothing moves, nothing fails.
    let done = s
        .trash(BulkTarget::ids(vec![s.ids[0]], Vec::new()), Effect::Apply)
        .await
        .unwrap();
    assert_eq!((done.moved, done.kept_in_use.len()), (0, 1));
}

#[tokio::test]
async fn all_matching_confirms_the_number_that_moves() {
    let s = space().await;
    // "a-" matches all six; two are in use.
    s.uses("42", &[s.ids[0], s.ids[5]]).await;
    let read = selection_usage(&s.pool, s.space, &matching("a-", 6))
        .await
        .unwrap();
    assert_eq!(
        (
            read.assets,
            read.in_use,
            read.matching,
            read.expected_if_kept
        ),
        (6, 2, Some(6), Some(4))
    );
    // The whole set confirmed, keeping: 409 with the number that moves.
    let error = s.trash(matching("a-", 6), Effect::Apply).await.unwrap_err();
    assert!(
        matches!(&error, AppError::CountChanged { count: 4, message } if message.contains("2 in use stay")),
        "{error:?}"
    );
    assert!(trashed(&s.pool).await.is_empty());
    let dry = s.trash(matching("a-", 4), Effect::DryRun).await.unwrap();
    assert_eq!((dry.moved, dry.kept_in_use.len()), (4, 2));
    assert!(trashed(&s.pool).await.is_empty());
    // One more becomes used before the confirmation: 409 again, nothing moves.
    s.uses("43", &[s.ids[2]]).await;
    let error = s.trash(matching("a-", 4), Effect::Apply).await.unwrap_err();
    assert!(matches!(error, AppError::CountChanged { count: 3, .. }));
    assert!(trashed(&s.pool).await.is_empty());
    let done = s.trash(matching("a-", 3), Effect::Apply).await.unwrap();
    assert_eq!(done.kept_in_use, [s.ids[0], s.ids[2], s.ids[5]]);
    assert_eq!(trashed(&s.pool).await, [s.ids[1], s.ids[3], s.ids[4]]);
    // Only assets in use left: 0 confirmed moves nothing, and is no error.
    let done = s.trash(matching("a-", 0), Effect::Apply).await.unwrap();
    assert_eq!((done.moved, done.kept_in_use.len()), (0, 3));
}

#[tokio::test]
async fn a_folder_holding_an_asset_in_use_stays_with_everything_inside() {
    let s = space().await;
    // Campaigns / Spring (2 assets, one in use), and Autumn (1 asset).
    let campaigns = folder(&s.pool, s.space, None, "Campaigns").await;
    let spring = folder(&s.pool, s.space, Some(campaigns), "Spring").await;
    let autumn = folder(&s.pool, s.space, None, "Autumn").await;
    let in_spring = assets_in(&s.pool, s.space, Some(spring), 2).await;
    let in_autumn = assets_in(&s.pool, s.space, Some(autumn), 1).await;
    s.uses("42", &[in_spring[1], s.ids[0]]).await;
    let target = BulkTarget::ids(vec![s.ids[0], s.ids[1]], vec![campaigns, autumn]);

    let read = selection_usage(&s.pool, s.space, &target).await.unwrap();
    // Taken: 2 listed + 2 in Spring + 1 in Autumn; in use: a-0 and one in
    // Spring; kept: Campaigns, so moving only a-1 and Autumn's.
    assert_eq!((read.assets, read.in_use, read.moving_if_kept), (5, 2, 2));
    assert_eq!(read.kept_folders, [campaigns]);

    let done = s.trash(target, Effect::Apply).await.unwrap();
    assert_eq!(
        (done.moved, done.folders, done.inside),
        (1, 1, 1),
        "{done:?}"
    );
    assert_eq!(done.moved + done.inside, read.moving_if_kept);
    assert_eq!(done.kept_folders, [campaigns]);
    assert_eq!(done.kept_in_use, [s.ids[0], in_spring[1]]);
    let mut gone = vec![s.ids[1], in_autumn[0]];
    gone.sort();
    assert_eq!(trashed(&s.pool).await, gone);
    let live_folders: Vec<FolderId> =
        sqlx::query_scalar("SELECT id FROM folders WHERE deleted_at IS NULL ORDER BY id")
            .fetch_all(&s.pool)
            .await
            .unwrap();
    assert_eq!(live_folders, [campaigns, spring]);
    // Undo puts back exactly that batch: a-1, and Autumn with its asset.
    let undone = restore_batch(
        &s.pool,
        s.space,
        s.by.into(),
        &done.batch,
        &Clock::frozen(NOW),
    )
    .await
    .unwrap();
    assert_eq!((undone.restored, undone.folders), (2, 1));
    assert!(trashed(&s.pool).await.is_empty());
}

#[tokio::test]
async fn the_read_names_at_most_five_and_counts_no_other_space() {
    let s = space().await;
    let other = ensure(&s.pool, "o", "O", crate::domain::time::Timestamp::EPOCH)
        .await
        .unwrap()
        .id;
    let foreign = assets(&s.pool, other, 1).await;
    s.uses("1", &s.ids).await;
    for page in ["2", "3", "4", "5"] {
        s.uses(page, &s.ids[..1]).await;
    }
    let mut listed = s.ids.clone();
    listed.push(foreign[0]);
    let read = selection_usage(&s.pool, s.space, &BulkTarget::ids(listed, Vec::new()))
        .await
        .unwrap();
    assert_eq!((read.assets, read.in_use, read.moving_if_kept), (6, 6, 0));
    assert_eq!(read.examples.len(), 5);
    assert_eq!(read.examples[0].used_in, 5);
    assert_eq!(read.examples[0].sources.len(), 3, "the first few sources");
    assert!(read.examples.iter().all(|a| a.id != foreign[0]));
}
