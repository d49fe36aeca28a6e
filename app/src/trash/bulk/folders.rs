//! Folders in bulk changes. A folder goes to Trash with everything live
//! inside it, in the same batch as the rest of the request; in Trash it is
//! one row, and everything of its batch below it comes back with it.
//! Restoring anything whose folders are in Trash brings those folders back
//! too (the folder rows only), so nothing is ever restored into a folder
//! that is not there. Each function runs inside the caller's transaction,
//! under the write lock.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::AnyConnection;

use crate::assets::folders::data::{sibling_key, sibling_key_of};
use crate::assets::folders::model::MAX_DEPTH;
use crate::bulk_target::unknown_items;
use crate::db::json_ids;
use crate::error::AppError;
use crate::ids::{AssetId, BatchId, FolderId, SpaceId, UserId};
use crate::time::Timestamp;

/// Where the listed folders of a request stand, read under the write lock:
/// unknown or foreign ids fail the request, naming them.
pub(super) struct FolderStates {
    pub(super) live: Vec<FolderId>,
    /// In Trash, with `deleted_at` and batch.
    pub(super) trashed: Vec<(FolderId, Timestamp, BatchId)>,
}

pub(super) async fn folder_states(
    tx: &mut AnyConnection,
    space: SpaceId,
    ids: &[FolderId],
    verb: &str,
) -> Result<FolderStates, AppError> {
    let mut states = FolderStates {
        live: Vec::new(),
        trashed: Vec::new(),
    };
    if ids.is_empty() {
        return Ok(states);
    }
    let found: Vec<(FolderId, Option<Timestamp>, Option<BatchId>)> = sqlx::query_as(
        "SELECT id, deleted_at, delete_batch FROM folders
         WHERE space_id = $1 AND id IN (SELECT value FROM json_each($2))",
    )
    .bind(space)
    .bind(json_ids(ids))
    .fetch_all(&mut *tx)
    .await?;
    if found.len() != ids.len() {
        let known: BTreeSet<FolderId> = found.iter().map(|(id, ..)| *id).collect();
        let missing = ids.iter().filter(|id| !known.contains(id)).copied();
        return Err(unknown_items(BTreeSet::new(), missing.collect(), "", verb));
    }
    for (id, deleted_at, batch) in found {
        match (deleted_at, batch) {
            (Some(at), Some(batch)) => states.trashed.push((id, at, batch)),
            _ => states.live.push(id),
        }
    }
    Ok(states)
}

/// Moves live folders `live` and everything live below them to Trash in
/// `batch`; returns how many assets went with them.
pub(super) async fn trash_folders(
    tx: &mut AnyConnection,
    live: &[FolderId],
    user: UserId,
    batch: &BatchId,
    now: Timestamp,
) -> Result<u64, AppError> {
    if live.is_empty() {
        return Ok(0);
    }
    sqlx::query(
        "WITH RECURSIVE sub (id) AS (
             SELECT value FROM json_each($1)
             UNION
             SELECT f.id FROM folders f JOIN sub ON f.parent_id = sub.id
             WHERE f.deleted_at IS NULL
         )
         UPDATE folders SET deleted_at = $2, deleted_by = $3, delete_batch = $4
         WHERE id IN (SELECT id FROM sub) AND deleted_at IS NULL",
    )
    .bind(json_ids(live))
    .bind(now)
    .bind(user)
    .bind(batch)
    .execute(&mut *tx)
    .await?;
    let inside = sqlx::query(
        "UPDATE assets SET deleted_at = $1, deleted_by = $2, delete_batch = $3
         WHERE deleted_at IS NULL
           AND folder_id IN (SELECT id FROM folders WHERE delete_batch = $3)",
    )
    .bind(now)
    .bind(user)
    .bind(batch)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    Ok(inside)
}

/// Trashed folder `root` and the folders of its batch below it.
async fn batch_subtree(
    tx: &mut AnyConnection,
    root: FolderId,
    batch: &BatchId,
) -> Result<Vec<FolderId>, AppError> {
    Ok(sqlx::query_scalar(
        "WITH RECURSIVE sub (id) AS (
             SELECT $1
             UNION
             SELECT f.id FROM folders f JOIN sub ON f.parent_id = sub.id
             WHERE f.delete_batch = $2
         )
         SELECT id FROM sub ORDER BY id",
    )
    .bind(root)
    .bind(batch)
    .fetch_all(&mut *tx)
    .await?)
}

/// What coming back out of Trash brought with it.
#[derive(Debug, Default)]
pub(super) struct Restored {
    /// Assets restored inside restored folders (not listed themselves).
    pub(super) inside: Vec<AssetId>,
    /// Folders restored: listed, inside them, or above what was restored.
    pub(super) folder_ids: Vec<FolderId>,
    /// Folders that came back under a new name: (old, new).
    pub(super) renamed: Vec<(String, String)>,
}

/// Restores trashed folders `roots` with everything of their batch below
/// them, then the trashed folders above `roots` and `assets` (whose own
/// rows the caller restores), so that everything restored is reachable.
pub(super) async fn restore_folders(
    tx: &mut AnyConnection,
    space: SpaceId,
    roots: &[(FolderId, Timestamp, BatchId)],
    assets: &[AssetId],
) -> Result<Restored, AppError> {
    let mut restored = Restored::default();
    let mut folders: BTreeSet<FolderId> = BTreeSet::new();
    for (root, _, batch) in roots {
        let subtree = batch_subtree(tx, *root, batch).await?;
        let inside: Vec<AssetId> = sqlx::query_scalar(
            "SELECT id FROM assets
             WHERE delete_batch = $1 AND folder_id IN (SELECT value FROM json_each($2))",
        )
        .bind(batch)
        .bind(json_ids(&subtree))
        .fetch_all(&mut *tx)
        .await?;
        restored.inside.extend(inside);
        folders.extend(subtree);
    }
    // A listed folder inside another listed one of its batch: once.
    restored.inside.sort_unstable();
    restored.inside.dedup();
    let root_ids: Vec<FolderId> = roots.iter().map(|(id, ..)| *id).collect();
    let above: Vec<FolderId> = sqlx::query_scalar(
        "WITH RECURSIVE up (id) AS (
             SELECT parent_id FROM folders WHERE id IN (SELECT value FROM json_each($1))
             UNION
             SELECT folder_id FROM assets WHERE id IN (SELECT value FROM json_each($2))
             UNION
             SELECT f.parent_id FROM folders f JOIN up ON f.id = up.id
         )
         SELECT id FROM folders WHERE id IN (SELECT id FROM up) AND deleted_at IS NOT NULL",
    )
    .bind(json_ids(&root_ids))
    .bind(json_ids(assets))
    .fetch_all(&mut *tx)
    .await?;
    folders.extend(above);
    if folders.is_empty() {
        return Ok(restored);
    }
    let folders: Vec<FolderId> = folders.into_iter().collect();
    restored.folder_ids = folders.clone();
    restored.renamed = free_names(tx, space, &folders).await?;
    sqlx::query(
        "UPDATE folders SET deleted_at = NULL, deleted_by = NULL, delete_batch = NULL,
                            parent_gone = 0
         WHERE id IN (SELECT value FROM json_each($1))",
    )
    .bind(json_ids(&folders))
    .execute(&mut *tx)
    .await?;
    check_depth(tx, &folders).await?;
    if !restored.inside.is_empty() {
        sqlx::query(
            "UPDATE assets SET deleted_at = NULL, deleted_by = NULL, delete_batch = NULL,
                               folder_gone = 0
             WHERE id IN (SELECT value FROM json_each($1))",
        )
        .bind(json_ids(&restored.inside))
        .execute(&mut *tx)
        .await?;
    }
    Ok(restored)
}

/// 409 if a restored folder is now nested deeper than [`MAX_DEPTH`]: its
/// old parent may have been moved under others while it was in Trash.
/// (The caller's transaction is then rolled back: nothing is restored.)
async fn check_depth(tx: &mut AnyConnection, folders: &[FolderId]) -> Result<(), AppError> {
    let deepest: Option<i64> = sqlx::query_scalar(
        "WITH RECURSIVE up (id, depth) AS (
             SELECT value, 1 FROM json_each($1)
             UNION ALL
             SELECT f.parent_id, up.depth + 1 FROM folders f JOIN up ON f.id = up.id
             WHERE f.parent_id IS NOT NULL AND up.depth <= $2
         )
         SELECT MAX(depth) FROM up",
    )
    .bind(json_ids(folders))
    .bind(MAX_DEPTH as i64)
    .fetch_one(&mut *tx)
    .await?;
    if deepest.unwrap_or(0) > MAX_DEPTH as i64 {
        return Err(AppError::Conflict(format!(
            "Restored where they were, these folders would be nested more than {MAX_DEPTH} levels deep: the folder they were in has been moved. Move it higher first. Nothing was restored."
        )));
    }
    Ok(())
}

/// Gives each folder about to be restored whose name a live folder beside
/// it has, or one restored beside it in this change, a free name: "Spring
/// 25 (restored)", "Spring 25 (restored 2)"… Names are compared as the
/// unique index compares them ([`sibling_key`]: without case or zero-width
/// joiners), or the restore would fail on it. Only the topmost restored
/// folders can have live siblings (below them every sibling was in Trash),
/// but any two restored folders of one parent can share a name (one
/// deleted before a new one of its name was made, and both come back).
async fn free_names(
    tx: &mut AnyConnection,
    space: SpaceId,
    folders: &[FolderId],
) -> Result<Vec<(String, String)>, AppError> {
    let restored: Vec<(FolderId, Option<FolderId>, String, crate::db::Flag)> = sqlx::query_as(
        "SELECT f.id, f.parent_id, f.name,
                f.parent_id IS NULL OR f.parent_id NOT IN (SELECT value FROM json_each($1))
         FROM folders f
         WHERE f.id IN (SELECT value FROM json_each($1))
         ORDER BY f.id",
    )
    .bind(json_ids(folders))
    .fetch_all(&mut *tx)
    .await?;
    let mut taken: BTreeMap<i64, BTreeSet<String>> = BTreeMap::new();
    let mut renamed = Vec::new();
    for (id, parent, name, crate::db::Flag(topmost)) in restored {
        let here = taken.entry(parent.map_or(0, |p| p.0)).or_default();
        let mut candidate = None;
        for attempt in 0..=MAX_NAME_ATTEMPTS {
            let name = restored_name(&name, attempt, id);
            if here.contains(&sibling_key_of(&name)) {
                continue;
            }
            let live: Option<i64> = if topmost {
                sqlx::query_scalar(&format!(
                    "SELECT 1 FROM folders
                     WHERE space_id = $1 AND coalesce(parent_id, 0) = $2 AND {} = {}
                           AND deleted_at IS NULL",
                    sibling_key("name"),
                    sibling_key("$3"),
                ))
                .bind(space)
                .bind(parent.map_or(0, |p| p.0))
                .bind(&name)
                .fetch_optional(&mut *tx)
                .await?
            } else {
                None
            };
            if live.is_none() {
                here.insert(sibling_key_of(&name));
                candidate = Some(name);
                break;
            }
        }
        let Some(candidate) = candidate else {
            return Err(AppError::Conflict(format!(
                "“{name}” cannot come back beside the folders that have its name now; rename them first. Nothing was restored."
            )));
        };
        if candidate != name {
            sqlx::query("UPDATE folders SET name = $1 WHERE id = $2")
                .bind(&candidate)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            renamed.push((name, candidate));
        }
    }
    Ok(renamed)
}

/// Free names tried for a restored folder before giving up: "(restored)",
/// "(restored 2)"… up to this, then one made of its id.
const MAX_NAME_ATTEMPTS: usize = 20;

/// The name a restored folder tries at `attempt`: its own, then "Name
/// (restored)", "Name (restored 2)"…, and last "Name (restored #id)"; the
/// name is shortened so that all of it stays within the longest name.
fn restored_name(name: &str, attempt: usize, id: FolderId) -> String {
    use crate::assets::model::MAX_NAME_CHARS;
    let suffix = match attempt {
        0 => return name.to_owned(),
        1 => " (restored)".to_owned(),
        n if n < MAX_NAME_ATTEMPTS => format!(" (restored {n})"),
        _ => format!(" (restored #{})", id.0),
    };
    let room = MAX_NAME_CHARS - suffix.chars().count();
    let base: String = name.chars().take(room).collect();
    format!("{}{suffix}", base.trim_end())
}

/// Deletes trashed folders `roots` for good with everything of their batch
/// below them; returns what went. Rows of
/// other batches inside them stay in Trash, at the top level (the
/// `folders_removed` trigger).
pub(super) async fn delete_folders(
    tx: &mut AnyConnection,
    roots: &[(FolderId, Timestamp, BatchId)],
) -> Result<Deleted, AppError> {
    let mut deleted = Deleted::default();
    for (root, _, batch) in roots {
        let subtree = batch_subtree(tx, *root, batch).await?;
        let removed: Vec<(AssetId, String)> = sqlx::query_as(
            "DELETE FROM assets
             WHERE delete_batch = $1 AND folder_id IN (SELECT value FROM json_each($2))
             RETURNING id, storage_key",
        )
        .bind(batch)
        .bind(json_ids(&subtree))
        .fetch_all(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM folders WHERE id IN (SELECT value FROM json_each($1))")
            .bind(json_ids(&subtree))
            .execute(&mut *tx)
            .await?;
        for (id, key) in removed {
            deleted.assets.push(id);
            deleted.keys.push(key);
        }
        deleted.folders.extend(subtree);
    }
    Ok(deleted)
}

/// What [`delete_folders`] removed: assets (ids and storage keys) and
/// folders.
#[derive(Debug, Default)]
pub(super) struct Deleted {
    pub(super) assets: Vec<AssetId>,
    pub(super) keys: Vec<String>,
    pub(super) folders: Vec<FolderId>,
}

#[cfg(test)]
mod tests {
    use sqlx::AnyPool;

    use super::super::{
        delete_assets_permanently, restore_assets, restore_batch, trash_assets, BulkChange, Effect,
    };
    use crate::bulk_target::BulkTarget;
    use crate::ids::AssetId;

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
    use crate::clock::Clock;
    use crate::db::test_pool;
    use crate::ids::{FolderId, SpaceId, UserId};
    use crate::spaces::data::ensure;
    use crate::storage::Storage;
    use crate::time::Timestamp;
    use crate::trash::fixtures::{assets_in, folder, user, NOW};
    use crate::trash::listing::{list_trash, TrashParams};
    use crate::trash::model::{TrashPage, TrashQuery, RETENTION_MILLIS};

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
    ) -> crate::ids::BatchId {
        trash_assets(
            &t.pool,
            &change(t.space, t.by, assets, folders, Effect::Apply),
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
            &change(t.space, t.by, &[], &[t.campaigns], Effect::Apply),
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

        let undone = restore_batch(&t.pool, t.space, t.by, &outcome.batch, &Clock::frozen(NOW))
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
            &change(t.space, Some(t.by), &t.in_spring[..1], &[], Effect::Apply),
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
            &change(t.space, Some(t.by), &[], &[t.spring], Effect::Apply),
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
            &change(t.space, t.by, &[], &[t.campaigns], Effect::Apply),
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
            &change(t.space, Some(t.by), &t.in_campaigns, &[], Effect::Apply),
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
                Some(t.by),
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
                Some(t.by),
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
            &change(t.space, Some(t.by), &[], &[t.spring], Effect::Apply),
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
            &change(t.space, Some(t.by), &[], &[t.spring], Effect::Apply),
            &Clock::frozen(NOW),
        )
        .await;
        assert!(
            matches!(refused, Err(crate::error::AppError::Conflict(m)) if m.contains("20 levels"))
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
            NOW.plus_millis(RETENTION_MILLIS / 2),
        )
        .await;
        let later = Clock::frozen(NOW.plus_millis(RETENTION_MILLIS + 1));
        let report = crate::trash::purge::purge(
            &t.pool,
            &storage,
            &later,
            std::time::SystemTime::UNIX_EPOCH,
        )
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
}
