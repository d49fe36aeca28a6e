use sqlx::AnyPool;

use super::super::{
    delete_assets_permanently, restore_assets, restore_batch, trash_assets, BulkChange, Effect,
};
use crate::domain::bulk_target::BulkTarget;
use crate::domain::ids::AssetId;

/// Listed assets and folders of `space`, by `actor`.
fn change<F, A>(
    space: SpaceId,
    actor: A,
    assets: &[AssetId],
    folders: &[FolderId],
    effect: Effect,
) -> BulkChange<F, A> {
    BulkChange {
        space,
        actor,
        target: BulkTarget::ids(assets.to_vec(), folders.to_vec()),
        effect,
    }
}
use crate::domain::ids::{FolderId, SpaceId, UserId};
use crate::domain::time::Timestamp;
use crate::platform::clock::Clock;
use crate::platform::db::test_pool;
use crate::platform::storage::Storage;
use crate::spaces::data::ensure;
use crate::trash::fixtures::{assets_in, folder, user, NOW};
use crate::trash::listing::{list_trash, TrashParams};
use crate::trash::model::{TrashPage, TrashQuery, DEFAULT_RETENTION_MILLIS};

struct Tree {
    pool: AnyPool,
    space: SpaceId,
    by: UserId,
    /// Campaigns / Spring (2 assets), 1 asset directly in Campaigns.
    campaigns: FolderId,
    spring: FolderId,
    in_spring: Vec<AssetId>,
    in_campaigns: Vec<AssetId>,
    _dir: tempfile::TempDir,
}

async fn tree() -> Tree {
    let (pool, dir) = test_pool().await;
    let space = ensure(&pool, "s", "S", Timestamp::EPOCH).await.unwrap().id;
    let by = user(&pool, "m@x").await;
    let campaigns = folder(&pool, space, None, "Campaigns").await;
    let spring = folder(&pool, space, Some(campaigns), "Spring").await;
    let in_spring = assets_in(&pool, space, Some(spring), 2).await;
    let in_campaigns = assets_in(&pool, space, Some(campaigns), 1).await;
    Tree {
        pool,
        space,
        by,
        campaigns,
        spring,
        in_spring,
        in_campaigns,
        _dir: dir,
    }
}

async fn trash(
    t: &Tree,
    assets: &[AssetId],
    folders: &[FolderId],
    at: Timestamp,
) -> crate::domain::ids::BatchId {
    trash_assets(
        &t.pool,
        &change(t.space, t.by.into(), assets, folders, Effect::Apply),
        &Clock::frozen(at),
    )
    .await
    .unwrap()
    .batch
}

async fn page(t: &Tree, at: Timestamp) -> TrashPage {
    let params = TrashParams::parse(&TrashQuery::default(), 50).unwrap();
    list_trash(&t.pool, t.space, &params, at).await.unwrap()
}

async fn live(pool: &AnyPool, table: &str) -> Vec<i64> {
    sqlx::query_scalar(&format!(
        "SELECT id FROM {table} WHERE deleted_at IS NULL ORDER BY id"
    ))
    .fetch_all(pool)
    .await
    .unwrap()
}

fn raw(ids: &[AssetId]) -> Vec<i64> {
    ids.iter().map(|id| id.0).collect()
}

/// A folder goes with everything inside as one batch and is one row in
/// Trash; an asset deleted earlier keeps its own row and clock; Undo
/// puts back exactly the batch.
#[tokio::test]
async fn a_folder_goes_to_trash_with_its_contents_and_undo_puts_it_back() {
    let t = tree().await;
    let earlier = NOW.minus_millis(1_000);
    trash(&t, &t.in_spring[..1], &[], earlier).await;
    let outcome = trash_assets(
        &t.pool,
        &change(t.space, t.by.into(), &[], &[t.campaigns], Effect::Apply),
        &Clock::frozen(NOW),
    )
    .await
    .unwrap();
    assert_eq!((outcome.folders, outcome.inside, outcome.moved), (1, 2, 0));
    assert!(live(&t.pool, "folders").await.is_empty());
    // The audit entry names both folders beside the assets.
    let audited: String = sqlx::query_scalar(
        "SELECT folder_ids FROM audit_log WHERE action = 'move_to_trash' ORDER BY id DESC",
    )
    .fetch_one(&t.pool)
    .await
    .unwrap();
    assert_eq!(audited, format!("[{},{}]", t.campaigns.0, t.spring.0));

    let shown = page(&t, NOW).await;
    assert_eq!(shown.folders.len(), 1, "one row for the folder");
    assert_eq!(shown.folders[0].name, "Campaigns");
    assert_eq!(shown.folders[0].assets, 2);
    assert_eq!(shown.folders[0].location, "All assets");
    let rows: Vec<(AssetId, String)> = shown
        .items
        .iter()
        .map(|a| (a.id, a.location.clone()))
        .collect();
    assert_eq!(rows, [(t.in_spring[0], "Campaigns / Spring".to_owned())]);
    assert_eq!((shown.total, shown.folder_total), (1, 1));

    let undone = restore_batch(
        &t.pool,
        t.space,
        t.by.into(),
        &outcome.batch,
        &Clock::frozen(NOW),
    )
    .await
    .unwrap();
    assert_eq!((undone.restored, undone.folders), (2, 2));
    assert_eq!(live(&t.pool, "folders").await, [t.campaigns.0, t.spring.0]);
    let mut back = vec![t.in_spring[1], t.in_campaigns[0]];
    back.sort_unstable();
    assert_eq!(live(&t.pool, "assets").await, raw(&back));
    // The earlier deletion is still in Trash, now a row under Spring.
    assert_eq!(page(&t, NOW).await.items.len(), 1);
}

/// Restoring an asset whose folders are in Trash brings the folders
/// back (only them: the rest of their batch stays, as rows of its own).
#[tokio::test]
async fn restoring_an_asset_brings_its_folders_back() {
    let t = tree().await;
    let early = NOW.minus_millis(5_000);
    trash(&t, &t.in_spring[..1], &[], early).await;
    trash(&t, &[], &[t.campaigns], NOW).await;
    let restored = restore_assets(
        &t.pool,
        &change(
            t.space,
            Some(t.by.into()),
            &t.in_spring[..1],
            &[],
            Effect::Apply,
        ),
        &Clock::frozen(NOW),
    )
    .await
    .unwrap();
    assert_eq!((restored.restored, restored.folders), (1, 2));
    assert_eq!(live(&t.pool, "folders").await, [t.campaigns.0, t.spring.0]);
    assert_eq!(live(&t.pool, "assets").await, raw(&t.in_spring[..1]));
    // The rest of Campaigns' batch is in Trash, each a row now.
    let shown = page(&t, NOW).await;
    assert!(shown.folders.is_empty());
    let mut rows: Vec<AssetId> = shown.items.iter().map(|a| a.id).collect();
    rows.sort_unstable();
    let mut expected = vec![t.in_spring[1], t.in_campaigns[0]];
    expected.sort_unstable();
    assert_eq!(rows, expected);
}

/// A folder restored beside a new one of the same name gets a free name;
/// an asset whose folder was deleted for good comes back at the top.
#[tokio::test]
async fn clashing_names_and_folders_deleted_for_good() {
    let t = tree().await;
    let storage = Storage::in_memory();
    trash(&t, &t.in_campaigns, &[], NOW.minus_millis(10)).await;
    trash(&t, &[], &[t.spring], NOW).await;
    let again = folder(&t.pool, t.space, Some(t.campaigns), "spring").await;
    let restored = restore_assets(
        &t.pool,
        &change(t.space, Some(t.by.into()), &[], &[t.spring], Effect::Apply),
        &Clock::frozen(NOW),
    )
    .await
    .unwrap();
    assert_eq!(
        restored.renamed,
        [("Spring".to_owned(), "Spring (restored)".to_owned())]
    );
    assert_eq!(restored.restored, 2);
    assert!(live(&t.pool, "folders").await.contains(&again.0));

    // Campaigns goes, then is deleted for good: the asset deleted
    // before it stays in Trash, at the top level, and says so.
    trash(&t, &[], &[t.campaigns], NOW).await;
    let clock = Clock::frozen(NOW);
    let gone = delete_assets_permanently(
        &t.pool,
        &storage,
        &change(t.space, t.by.into(), &[], &[t.campaigns], Effect::Apply),
        &clock,
    )
    .await
    .unwrap();
    assert_eq!((gone.folders, gone.deleted), (1, 2));
    let shown = page(&t, NOW).await;
    assert_eq!(shown.items.len(), 1);
    assert_eq!(
        shown.items[0].location,
        "All assets (its folder was deleted permanently)"
    );
    let back = restore_assets(
        &t.pool,
        &change(
            t.space,
            Some(t.by.into()),
            &t.in_campaigns,
            &[],
            Effect::Apply,
        ),
        &clock,
    )
    .await
    .unwrap();
    assert_eq!((back.restored, back.to_top_level), (1, 1));
    let top: Option<i64> = sqlx::query_scalar("SELECT folder_id FROM assets WHERE id = $1")
        .bind(t.in_campaigns[0])
        .fetch_one(&t.pool)
        .await
        .unwrap();
    assert_eq!(top, None);
}

/// The purge removes a folder after its contents, once its 14 days are
/// over, and nothing of a later deletion.
/// A folder deleted before a new one of its name was made beside it,
/// and that one's parent deleted later: restoring both together gives
/// one a free name instead of failing on the unique sibling names.
#[tokio::test]
async fn two_restored_folders_of_one_name_in_one_parent_both_come_back() {
    let t = tree().await;
    trash(&t, &[], &[t.spring], NOW.minus_millis(10)).await;
    let again = folder(&t.pool, t.space, Some(t.campaigns), "spring").await;
    trash(&t, &[], &[t.campaigns], NOW).await;
    let restored = restore_assets(
        &t.pool,
        &change(
            t.space,
            Some(t.by.into()),
            &[],
            &[t.campaigns, t.spring],
            Effect::Apply,
        ),
        &Clock::frozen(NOW),
    )
    .await
    .unwrap();
    assert_eq!(restored.folders, 3);
    // In id order: the older Spring keeps its name.
    assert_eq!(
        restored.renamed,
        [("spring".to_owned(), "spring (restored)".to_owned())]
    );
    let mut live = live(&t.pool, "folders").await;
    live.sort_unstable();
    let mut expected = vec![t.campaigns.0, t.spring.0, again.0];
    expected.sort_unstable();
    assert_eq!(live, expected);
}

/// Restored folders get free names by the rule of the unique index:
/// a name that differs only by a zero-width (non-)joiner is taken, among
/// the folders restored together and beside live ones.
#[tokio::test]
async fn restored_folders_give_way_to_look_alike_names() {
    let t = tree().await;
    trash(&t, &[], &[t.spring], NOW.minus_millis(10)).await;
    let twin = folder(&t.pool, t.space, Some(t.campaigns), "spring\u{200C}").await;
    trash(&t, &[], &[t.campaigns], NOW).await;
    let both = restore_assets(
        &t.pool,
        &change(
            t.space,
            Some(t.by.into()),
            &[],
            &[t.campaigns, t.spring],
            Effect::Apply,
        ),
        &Clock::frozen(NOW),
    )
    .await
    .unwrap();
    assert_eq!(
        both.renamed,
        [(
            "spring\u{200C}".to_owned(),
            "spring\u{200C} (restored)".to_owned()
        )]
    );
    // Spring again, beside a live look-alike of it and of its first
    // free name.
    trash(&t, &[], &[t.spring], NOW).await;
    let live_twin = folder(&t.pool, t.space, Some(t.campaigns), "SPRING\u{200D}").await;
    let again = restore_assets(
        &t.pool,
        &change(t.space, Some(t.by.into()), &[], &[t.spring], Effect::Apply),
        &Clock::frozen(NOW),
    )
    .await
    .unwrap();
    assert_eq!(
        again.renamed,
        [("Spring".to_owned(), "Spring (restored 2)".to_owned())]
    );
    let live = live(&t.pool, "folders").await;
    assert!(live.contains(&twin.0) && live.contains(&live_twin.0));
}

/// A folder whose old parent was moved deep while it was in Trash does
/// not come back past 20 levels: 409, and nothing changes.
#[tokio::test]
async fn a_restore_that_would_nest_too_deep_is_refused() {
    let t = tree().await;
    // Spring gets 17 levels below it: Campaigns/Spring/L3…/L19.
    let mut deepest = t.spring;
    for level in 3..=19 {
        deepest = folder(&t.pool, t.space, Some(deepest), &format!("L{level}")).await;
    }
    trash(&t, &[], &[t.spring], NOW).await;
    // Campaigns (now alone) goes under a chain of 18: depth 19.
    let mut chain = folder(&t.pool, t.space, None, "Chain").await;
    for level in 2..=18 {
        chain = folder(&t.pool, t.space, Some(chain), &format!("C{level}")).await;
    }
    crate::assets::moving::move_items(
        &t.pool,
        t.space,
        Some(chain),
        &BulkTarget::ids(Vec::new(), vec![t.campaigns]),
        NOW,
    )
    .await
    .unwrap();
    let refused = restore_assets(
        &t.pool,
        &change(t.space, Some(t.by.into()), &[], &[t.spring], Effect::Apply),
        &Clock::frozen(NOW),
    )
    .await;
    assert!(
        matches!(refused, Err(crate::domain::error::AppError::Conflict(m)) if m.contains("20 levels"))
    );
    assert!(!live(&t.pool, "folders").await.contains(&deepest.0));
}

#[test]
fn restored_names_stay_within_the_longest_name() {
    assert_eq!(super::restored_name("Spring", 0, FolderId(7)), "Spring");
    assert_eq!(
        super::restored_name("Spring", 1, FolderId(7)),
        "Spring (restored)"
    );
    assert_eq!(
        super::restored_name("Spring", 2, FolderId(7)),
        "Spring (restored 2)"
    );
    assert_eq!(
        super::restored_name("Spring", 20, FolderId(7)),
        "Spring (restored #7)"
    );
    let long = "x".repeat(255);
    let renamed = super::restored_name(&long, 3, FolderId(7));
    assert_eq!(renamed.chars().count(), 255);
    assert!(renamed.ends_with("x (restored 3)"));
}

#[tokio::test]
async fn the_purge_removes_expired_folders_after_their_contents() {
    let t = tree().await;
    let storage = Storage::in_memory();
    trash(&t, &[], &[t.spring], NOW).await;
    trash(
        &t,
        &[],
        &[t.campaigns],
        NOW.plus_millis(DEFAULT_RETENTION_MILLIS / 2),
    )
    .await;
    let later = Clock::frozen(NOW.plus_millis(DEFAULT_RETENTION_MILLIS + 1));
    let report =
        crate::trash::purge::purge(&t.pool, &storage, &later, std::time::SystemTime::UNIX_EPOCH)
            .await
            .unwrap();
    assert_eq!((report.assets, report.folders), (2, 1));
    let purged: String = sqlx::query_scalar(
        "SELECT folder_ids FROM audit_log WHERE action = 'purge' AND asset_count = 0",
    )
    .fetch_one(&t.pool)
    .await
    .unwrap();
    assert_eq!(purged, format!("[{}]", t.spring.0));
    let folders: Vec<i64> = sqlx::query_scalar("SELECT id FROM folders ORDER BY id")
        .fetch_all(&t.pool)
        .await
        .unwrap();
    assert_eq!(folders, [t.campaigns.0]);
}
