//! Folders in Trash: a deleted folder is one row, with what was deleted
//! with it inside; and where every row was (its "Original location").

use std::collections::{BTreeSet, HashMap};

use crate::db::Sql;
use sqlx::AnyConnection;

use super::TrashFilters;
use crate::assets::folders::data::paths;
use crate::assets::folders::model::path_label;
use crate::error::AppError;
use crate::ids::{FolderId, SpaceId};
use crate::keyset::{Cursor, CursorKey};
use crate::time::Timestamp;
use crate::trash::model::restorable_after;

/// Cursors among Trash's folder rows.
pub(super) const FOLDERS_CURSOR: &str = "trash-folders";

/// " AND …" on `assets a` or `folders a`: only rows that are not inside a
/// folder deleted with them (those come back with it, and are not rows of
/// their own in Trash).
pub(crate) fn push_topmost(qb: &mut Sql<'_>, parent_column: &str) {
    qb.push(format_args!(
        " AND NOT EXISTS (SELECT 1 FROM folders p \
         WHERE p.id = a.{parent_column} AND p.delete_batch = a.delete_batch)"
    ));
}

/// The folder rows Trash may show (" AND …" on `folders a`): the space's
/// topmost trashed folders still within their 14 days, by the filters.
/// (No folder is of an asset type: a type filter shows none.)
pub(super) fn push_folder_scope<'a>(
    qb: &mut Sql<'a>,
    space: SpaceId,
    filters: &'a TrashFilters,
    now: Timestamp,
) {
    qb.push(" AND a.space_id = ")
        .push_bind(space)
        .push(" AND a.deleted_at IS NOT NULL AND a.deleted_at > ")
        .push_bind(restorable_after(now));
    push_topmost(qb, "parent_id");
    if filters.kind.is_some() {
        qb.push(" AND FALSE");
    }
    if let Some(user) = filters.deleted_by {
        qb.push(" AND a.deleted_by = ").push_bind(user);
    }
    if let Some(from) = filters.deleted_from {
        qb.push(" AND a.deleted_at >= ").push_bind(from);
    }
    if let Some(before) = filters.deleted_before {
        qb.push(" AND a.deleted_at < ").push_bind(before);
    }
    if let Some(search) = &filters.search {
        search.push_condition_on(qb, "a.name");
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct FolderRow {
    pub(super) id: FolderId,
    pub(super) name: String,
    pub(super) parent_id: Option<FolderId>,
    #[sqlx(try_from = "crate::db::Flag")]
    pub(super) parent_gone: bool,
    pub(super) deleted_by: Option<String>,
    pub(super) deleted_at: Timestamp,
}

impl FolderRow {
    pub(super) fn cursor(&self) -> String {
        Cursor {
            sort: FOLDERS_CURSOR.to_owned(),
            key: CursorKey::Int(self.deleted_at.millis()),
            id: self.id.0,
        }
        .encode()
    }
}

/// `SELECT` of a page of folder rows after `cursor`, newest first when
/// reading `forward`.
pub(super) fn read_folders<'a>(
    space: SpaceId,
    filters: &'a TrashFilters,
    now: Timestamp,
    cursor: Option<&Cursor>,
    forward: bool,
    take: usize,
) -> Sql<'a> {
    let mut qb = Sql::new(
        "SELECT a.id, a.name, a.parent_id, a.parent_gone, u.name AS deleted_by, a.deleted_at \
         FROM folders a LEFT JOIN users u ON u.id = a.deleted_by WHERE TRUE",
    );
    push_folder_scope(&mut qb, space, filters, now);
    super::push_newest_first(&mut qb, cursor, forward, take);
    qb
}

/// How many folder rows Trash has for `filters`.
pub(super) async fn count_folders(
    conn: &mut AnyConnection,
    space: SpaceId,
    filters: &TrashFilters,
    now: Timestamp,
) -> Result<i64, AppError> {
    let mut qb = Sql::new("SELECT COUNT(*) FROM folders a WHERE TRUE");
    push_folder_scope(&mut qb, space, filters, now);
    Ok(qb.build_query_scalar().fetch_one(&mut *conn).await?)
}

/// The assets deleted with each of `folders` (inside it, in its batch).
pub(super) async fn assets_inside(
    conn: &mut AnyConnection,
    folders: &[FolderId],
) -> Result<HashMap<FolderId, i64>, AppError> {
    if folders.is_empty() {
        return Ok(HashMap::new());
    }
    let ids: Vec<i64> = folders.iter().map(|f| f.0).collect();
    let rows: Vec<(FolderId, i64)> = sqlx::query_as(
        "WITH RECURSIVE sub (root, id, batch) AS (
             SELECT id, id, delete_batch FROM folders WHERE id IN (SELECT value FROM json_each($1))
             UNION
             SELECT sub.root, c.id, sub.batch FROM folders c JOIN sub ON c.parent_id = sub.id
             WHERE c.delete_batch = sub.batch
         )
         SELECT sub.root, COUNT(x.id) FROM sub
         LEFT JOIN assets x ON x.folder_id = sub.id AND x.delete_batch = sub.batch
         GROUP BY sub.root",
    )
    .bind(serde_json::to_string(&ids).unwrap_or_default())
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().collect())
}

/// "Original location" of rows whose folder was `folder`: its path from
/// the top level ("All assets" at the top), or, when the folder was
/// deleted for good meanwhile, where the row will be restored now.
pub(super) struct Locations(HashMap<FolderId, Vec<String>>);

impl Locations {
    pub(super) async fn of(
        conn: &mut AnyConnection,
        folders: impl IntoIterator<Item = FolderId>,
    ) -> Result<Self, AppError> {
        let folders: BTreeSet<FolderId> = folders.into_iter().collect();
        Ok(Self(paths(conn, &folders).await?))
    }

    pub(super) fn label(&self, folder: Option<FolderId>, gone: bool) -> String {
        if gone {
            return format!("{} (its folder was deleted permanently)", path_label([]));
        }
        let names = folder.and_then(|f| self.0.get(&f));
        path_label(names.into_iter().flatten().map(String::as_str))
    }
}
