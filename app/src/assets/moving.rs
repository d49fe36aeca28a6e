//! Moving folders and assets into a folder, under the write lock: the
//! checks that keep the tree a tree (no cycles, bounded depth, unique
//! sibling names) hold when the move commits. And what "all matching"
//! names among a space's live assets ([`AssetFilters`]), which a move and
//! a move to Trash act on. A change to both assets and folders, so it is
//! the assets feature's, above its folders.

use std::collections::BTreeSet;

use crate::platform::db::Sql;
use sqlx::{AnyConnection, AnyPool};

use super::data::{push_live_scope, push_usage};
use super::folders::data::{path, push_within, sibling_key, too_deep};
use super::folders::model::{MoveItemsOutcome, Within, MAX_DEPTH};
use super::model::{Matching, Usage};
use crate::domain::bulk_target::{check_count, unknown_items, BulkTarget, Items};
use crate::domain::error::AppError;
use crate::domain::ids::{FolderId, SpaceId};
use crate::domain::paging::MAX_MATCHING;
use crate::domain::time::Timestamp;
use crate::platform::db::json_ids;
use crate::platform::search::{push_matching, NameSearch};

/// How many levels of folders `ids` (live, of `space`) and everything
/// live below them span: 1 for folders without subfolders, 0 for none.
async fn subtree_height(conn: &mut AnyConnection, ids: &[FolderId]) -> Result<usize, AppError> {
    if ids.is_empty() {
        return Ok(0);
    }
    let height: Option<i64> = sqlx::query_scalar(
        "WITH RECURSIVE down (id, level) AS (
             SELECT value, 1 FROM json_each($1)
             UNION ALL
             SELECT f.id, down.level + 1 FROM folders f JOIN down ON f.parent_id = down.id
             WHERE f.deleted_at IS NULL AND down.level <= $2
         )
         SELECT MAX(level) FROM down",
    )
    .bind(json_ids(ids))
    .bind(MAX_DEPTH as i64)
    .fetch_one(&mut *conn)
    .await?;
    Ok(height.unwrap_or(0).max(0) as usize)
}

/// The listed ids that are not live rows of `table` in `space`.
async fn not_live<Id>(
    conn: &mut AnyConnection,
    table: &str,
    space: SpaceId,
    ids: &[Id],
) -> Result<BTreeSet<Id>, AppError>
where
    Id: Ord
        + Copy
        + serde::Serialize
        + for<'r> sqlx::Decode<'r, sqlx::Any>
        + sqlx::Type<sqlx::Any>
        + Send
        + Unpin,
{
    if ids.is_empty() {
        return Ok(BTreeSet::new());
    }
    let found: Vec<Id> = sqlx::query_scalar(&format!(
        "SELECT id FROM {table}
         WHERE space_id = $1 AND deleted_at IS NULL AND id IN (SELECT value FROM json_each($2))"
    ))
    .bind(space)
    .bind(json_ids(ids))
    .fetch_all(&mut *conn)
    .await?;
    let found: BTreeSet<Id> = found.into_iter().collect();
    Ok(ids
        .iter()
        .copied()
        .filter(|id| !found.contains(id))
        .collect())
}

/// Moves live folders (with everything inside) and assets of `space` into
/// `to` (the top level for `None`), all or nothing: 404 naming ids that are
/// not live here, 400 for a folder moved into itself or a folder inside it
/// or past [`MAX_DEPTH`], 409 naming folders whose name is taken there.
/// Rows already there are counted as moved.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(space = space.0)))]
pub async fn move_items(
    pool: &AnyPool,
    space: SpaceId,
    to: Option<FolderId>,
    target: &BulkTarget<AssetFilters>,
    now: Timestamp,
) -> Result<MoveItemsOutcome, AppError> {
    target.validate()?;
    let (listed, folders) = (target.listed(), target.folders.as_slice());
    let mut conn = pool.acquire().await?;
    let mut tx = crate::platform::db::begin_write(&mut conn).await?;
    let target_path = match to {
        Some(to) => path(&mut tx, space, to).await?,
        None => Vec::new(),
    };
    let missing_folders = not_live(&mut tx, "folders", space, folders).await?;
    let missing_assets = not_live(&mut tx, "assets", space, listed).await?;
    if !missing_folders.is_empty() || !missing_assets.is_empty() {
        let state = " or are in Trash";
        return Err(unknown_items(
            missing_assets,
            missing_folders,
            state,
            "moved",
        ));
    }
    if target_path.iter().any(|crumb| folders.contains(&crumb.id)) {
        return Err(AppError::validation(
            "A folder cannot be moved into itself or into a folder inside it.",
        ));
    }
    if target_path.len() + subtree_height(&mut tx, folders).await? > MAX_DEPTH {
        return Err(too_deep());
    }
    if !folders.is_empty() {
        check_names_free(&mut tx, space, to, folders).await?;
        sqlx::query(
            "UPDATE folders SET parent_id = $1, updated_at = $2
             WHERE space_id = $3 AND id IN (SELECT value FROM json_each($4))
                   AND parent_id IS DISTINCT FROM $1",
        )
        .bind(to)
        .bind(now)
        .bind(space)
        .bind(json_ids(folders))
        .execute(&mut *tx)
        .await?;
    }
    if !listed.is_empty() {
        sqlx::query(
            "UPDATE assets SET folder_id = $1
             WHERE space_id = $2 AND id IN (SELECT value FROM json_each($3))
                   AND folder_id IS DISTINCT FROM $1",
        )
        .bind(to)
        .bind(space)
        .bind(json_ids(listed))
        .execute(&mut *tx)
        .await?;
    }
    let moved = match &target.items {
        Items::Ids(ids) => ids.len() as u64,
        Items::Matching { filters, expected } => {
            move_matching(&mut tx, space, to, filters, *expected).await?
        }
    };
    tx.commit().await?;
    Ok(MoveItemsOutcome {
        folders: folders.len() as u64,
        assets: moved,
    })
}

/// What "all matching" names among a space's live assets (the Assets
/// page's "Select all N matching"): a search, where it looks (`None`:
/// every folder; without a search, all of one folder's) and the Usage
/// filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssetFilters {
    pub search: Option<NameSearch>,
    pub within: Option<Within>,
    pub usage: Option<Usage>,
}

impl AssetFilters {
    /// The filters of a request, parsed.
    pub fn parse(matching: &Matching) -> Result<Self, AppError> {
        Ok(Self {
            search: NameSearch::parse(&matching.search)?,
            within: matching.within,
            usage: matching.usage,
        })
    }

    /// `SELECT a.id …` of the live assets of `space` these filters find
    /// (at most `MAX_MATCHING` + 1): the rows of an "all matching" change.
    pub fn push_ids<'a>(&'a self, qb: &mut Sql<'a>, space: SpaceId) {
        let (within, usage) = (self.within, self.usage);
        push_matching(qb, self.search.as_ref(), MAX_MATCHING, |qb| {
            push_live_scope(qb, space);
            push_within(qb, within);
            push_usage(qb, usage);
        });
    }

    /// The guard of an "all matching" change of assets (see
    /// [`check_count`]): the `changed` rows must be the `expected` number
    /// the person confirmed.
    pub fn check_count(&self, changed: u64, expected: u64, verb: &str) -> Result<(), AppError> {
        let place = match self.within {
            None => "the space",
            Some(Within::TopLevel) => "the top level",
            Some(Within::Folder(_)) => "this folder",
        };
        let filtered = self.search.is_some()
            || self.usage.is_some()
            || self.within.is_some_and(|w| w.folder().is_some());
        check_count(changed, expected, filtered, (verb, place))
    }
}

/// Moves every live asset matching into `to` in one statement, counted;
/// a count other than `expected` fails the whole move (409 with the count).
async fn move_matching(
    tx: &mut AnyConnection,
    space: SpaceId,
    to: Option<FolderId>,
    filters: &AssetFilters,
    expected: u64,
) -> Result<u64, AppError> {
    let mut change = Sql::new("UPDATE assets SET folder_id = ");
    change.push_bind(to).push(" WHERE id IN (");
    filters.push_ids(&mut change, space);
    change.push(")");
    let moved = change.build().execute(&mut *tx).await?.rows_affected();
    filters.check_count(moved, expected, "moved")?;
    Ok(moved)
}

/// 409 naming the moved folders whose names clash, with a live folder in
/// `to` or with each other.
async fn check_names_free(
    conn: &mut AnyConnection,
    space: SpaceId,
    to: Option<FolderId>,
    folders: &[FolderId],
) -> Result<(), AppError> {
    let clashes: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT DISTINCT m.name FROM folders m
         WHERE m.id IN (SELECT value FROM json_each($1))
           AND EXISTS (SELECT 1 FROM folders o
                       WHERE o.space_id = $2 AND o.deleted_at IS NULL AND {} = {}
                             AND o.id <> m.id
                             AND (coalesce(o.parent_id, 0) = $3
                                  OR o.id IN (SELECT value FROM json_each($1))))
         ORDER BY m.name",
        sibling_key("o.name"),
        sibling_key("m.name"),
    ))
    .bind(json_ids(folders))
    .bind(space)
    .bind(to.map_or(0, |t| t.0))
    .fetch_all(&mut *conn)
    .await?;
    if clashes.is_empty() {
        return Ok(());
    }
    let quoted: Vec<String> = clashes.iter().map(|n| format!("“{n}”")).collect();
    Err(AppError::Conflict(format!(
        "The destination already has folders named {}. Rename them first; nothing was moved.",
        quoted.join(", ")
    )))
}
