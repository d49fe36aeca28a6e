//! Assets in use among what a delete names: what the Delete Assets
//! dialog reads when it opens ([`selection_usage`], a read, never a dry
//! run), and the checks a move to Trash that keeps them makes under its
//! write lock ([`InUse::Keep`]). The rule is one for both: an asset some
//! source uses stays where it is, and so does a listed folder holding one
//! (at any depth), with everything inside it.

use std::collections::BTreeSet;

use sqlx::{AnyConnection, AnyPool};

use super::model::{InUseAsset, SelectionUsage};
use crate::assets::moving::AssetFilters;
use crate::assets::usage::data::sources_of_each;
use crate::domain::bulk_target::{BulkTarget, Items};
use crate::domain::error::AppError;
use crate::domain::ids::{AssetId, FolderId, SpaceId};
use crate::platform::db::{json_ids, Sql};

/// How many in-use assets the dialog names, and sources each.
const EXAMPLES: i64 = 5;
const SOURCES_EACH: usize = 3;

/// What a move to Trash does with the assets in use among its target.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum InUse {
    /// They move like the rest.
    #[default]
    Move,
    /// They stay, as do the listed folders holding one.
    Keep,
}

impl InUse {
    /// `keep_in_use` as the JSON API takes it (absent is false).
    pub fn from_keep_in_use(keep: Option<bool>) -> Self {
        if keep == Some(true) {
            Self::Keep
        } else {
            Self::Move
        }
    }
}

/// The assets of `live` (live ids) that some source uses.
pub(super) async fn in_use_among(
    conn: &mut AnyConnection,
    live: &[AssetId],
) -> Result<Vec<AssetId>, AppError> {
    if live.is_empty() {
        return Ok(Vec::new());
    }
    Ok(sqlx::query_scalar(
        "SELECT id FROM assets
         WHERE id IN (SELECT value FROM json_each($1)) AND used_in > 0
         ORDER BY id",
    )
    .bind(json_ids(live))
    .fetch_all(&mut *conn)
    .await?)
}

/// The live assets in use inside each of `folders` (live folders), at any
/// depth, as (listed folder, asset): the folders to keep, and what they
/// keep.
pub(super) async fn in_use_inside(
    conn: &mut AnyConnection,
    folders: &[FolderId],
) -> Result<Vec<(FolderId, AssetId)>, AppError> {
    if folders.is_empty() {
        return Ok(Vec::new());
    }
    Ok(sqlx::query_as(
        "WITH RECURSIVE sub (root, id) AS (
             SELECT value, value FROM json_each($1)
             UNION
             SELECT sub.root, f.id FROM folders f JOIN sub ON f.parent_id = sub.id
             WHERE f.deleted_at IS NULL
         )
         SELECT DISTINCT sub.root, a.id FROM sub JOIN assets a ON a.folder_id = sub.id
         WHERE a.deleted_at IS NULL AND a.used_in > 0
         ORDER BY sub.root, a.id",
    )
    .bind(json_ids(folders))
    .fetch_all(&mut *conn)
    .await?)
}

/// The listed folders a keeping move leaves where they are, and the
/// assets in use they keep: split from `live` (the listed live folders).
pub(super) fn kept_folders(
    live: &[FolderId],
    inside: &[(FolderId, AssetId)],
) -> (Vec<FolderId>, Vec<FolderId>) {
    let kept: BTreeSet<FolderId> = inside.iter().map(|(folder, _)| *folder).collect();
    live.iter()
        .copied()
        .partition(|folder| !kept.contains(folder))
}

/// What a move to Trash of `target` would do to the assets in use, read
/// now (see [`SelectionUsage`]): ids that are not live assets or folders
/// of `space` are not counted (the move names them). No write lock, no
/// change.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(space = space.0)))]
pub async fn selection_usage(
    pool: &AnyPool,
    space: SpaceId,
    target: &BulkTarget<AssetFilters>,
) -> Result<SelectionUsage, AppError> {
    target.validate()?;
    let mut conn = pool.acquire().await?;
    let folders: Vec<FolderId> = if target.folders.is_empty() {
        Vec::new()
    } else {
        sqlx::query_scalar(
            "SELECT id FROM folders
             WHERE space_id = $1 AND deleted_at IS NULL AND id IN (SELECT value FROM json_each($2))
             ORDER BY id",
        )
        .bind(space)
        .bind(json_ids(&target.folders))
        .fetch_all(&mut *conn)
        .await?
    };
    let inside = in_use_inside(&mut conn, &folders).await?;
    let (moving_folders, kept) = kept_folders(&folders, &inside);

    // Every asset the move takes, and how many of them are in use.
    let mut all = Taken::new(space, target, &folders);
    all.select("SELECT COUNT(*), COALESCE(SUM(CASE WHEN a.used_in > 0 THEN 1 ELSE 0 END), 0)");
    let (assets, in_use): (i64, i64) = all.sql.build_query_as().fetch_one(&mut *conn).await?;
    // Kept: the listed or matching assets in use, and the kept folders.
    let mut keeping = Taken::new(space, target, &moving_folders);
    keeping.select_unused("SELECT COUNT(*)");
    let moving_if_kept: i64 = keeping
        .sql
        .build_query_scalar()
        .fetch_one(&mut *conn)
        .await?;
    let (matching, expected_if_kept) = match &target.items {
        Items::Matching { filters, .. } => {
            let mut count = Sql::new(
                "SELECT COUNT(*), COALESCE(SUM(CASE WHEN a.used_in = 0 THEN 1 ELSE 0 END), 0)
                 FROM assets a WHERE a.id IN (",
            );
            filters.push_ids(&mut count, space);
            count.push(")");
            let (all, unused): (i64, i64) = count.build_query_as().fetch_one(&mut *conn).await?;
            (Some(all.max(0) as u64), Some(unused.max(0) as u64))
        }
        Items::Ids(_) => (None, None),
    };
    let mut named = Taken::new(space, target, &folders);
    named.select("SELECT a.id, a.name, a.used_in");
    named
        .sql
        .push(" AND a.used_in > 0 ORDER BY a.name, a.id LIMIT ")
        .push_bind(EXAMPLES);
    let rows: Vec<(AssetId, String, i64)> =
        named.sql.build_query_as().fetch_all(&mut *conn).await?;
    let ids: Vec<AssetId> = rows.iter().map(|(id, ..)| *id).collect();
    let mut sources = sources_of_each(&mut conn, &ids, SOURCES_EACH).await?;
    Ok(SelectionUsage {
        assets: assets.max(0) as u64,
        in_use: in_use.max(0) as u64,
        matching,
        moving_if_kept: moving_if_kept.max(0) as u64,
        expected_if_kept,
        kept_folders: kept,
        examples: rows
            .into_iter()
            .map(|(id, name, used_in)| InUseAsset {
                sources: sources.remove(&id).unwrap_or_default(),
                id,
                name,
                used_in,
            })
            .collect(),
    })
}

/// A read of the live assets a move to Trash takes: listed, matching, or
/// inside (at any depth) the folders given.
struct Taken<'a> {
    sql: Sql<'a>,
    space: SpaceId,
    target: &'a BulkTarget<AssetFilters>,
}

impl<'a> Taken<'a> {
    /// The statement so far: the folders' subtree, to select from.
    fn new(space: SpaceId, target: &'a BulkTarget<AssetFilters>, folders: &[FolderId]) -> Self {
        let mut sql = Sql::new(
            "WITH RECURSIVE sub (id) AS (
                 SELECT value FROM json_each(",
        );
        sql.push_bind(json_ids(folders)).push(
            ")
                 UNION
                 SELECT f.id FROM folders f JOIN sub ON f.parent_id = sub.id
                 WHERE f.deleted_at IS NULL
             ) ",
        );
        Self { sql, space, target }
    }

    /// `columns` of every asset taken.
    fn select(&mut self, columns: &str) {
        self.sql.push(columns);
        self.push_from(false);
    }

    /// `columns` of what a keeping move takes: the listed or matching
    /// assets not in use, and everything inside the folders given.
    fn select_unused(&mut self, columns: &str) {
        self.sql.push(columns);
        self.push_from(true);
    }

    fn push_from(&mut self, unused_only: bool) {
        let target = self.target;
        self.sql
            .push(" FROM assets a WHERE a.space_id = ")
            .push_bind(self.space)
            .push(" AND a.deleted_at IS NULL AND ((a.id IN (SELECT value FROM json_each(")
            .push_bind(json_ids(target.listed()))
            .push("))");
        if let Items::Matching { filters, .. } = &target.items {
            self.sql.push(" OR a.id IN (");
            filters.push_ids(&mut self.sql, self.space);
            self.sql.push(")");
        }
        self.sql.push(")");
        if unused_only {
            self.sql.push(" AND a.used_in = 0");
        }
        self.sql.push(" OR a.folder_id IN (SELECT id FROM sub))");
    }
}

#[cfg(test)]
mod tests;
