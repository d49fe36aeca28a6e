//! Folders in Trash: a deleted folder is one row, with what was deleted
//! with it inside; and where every row was (its "Original location").

use std::collections::{BTreeSet, HashMap};

use crate::platform::db::Sql;
use sqlx::AnyConnection;

use super::filters::Scope;
use super::{newest_first_cursor, NEWEST_FIRST};
use crate::assets::folders::data::paths;
use crate::assets::folders::model::path_label;
use crate::domain::error::AppError;
use crate::domain::ids::FolderId;
use crate::domain::time::Timestamp;
use crate::platform::keyset::{Order, Part};

/// Cursors among Trash's folder rows.
pub(super) const FOLDERS_CURSOR: &str = "trash-folders";

#[derive(sqlx::FromRow)]
pub(super) struct FolderRow {
    pub(super) id: FolderId,
    pub(super) name: String,
    pub(super) parent_id: Option<FolderId>,
    #[sqlx(try_from = "crate::platform::db::Flag")]
    pub(super) parent_gone: bool,
    pub(super) deleted_by: Option<String>,
    pub(super) deleted_at: Timestamp,
    pub(super) expires_at: Timestamp,
}

/// Trash's folder rows: the space's topmost trashed folders still before
/// their deadline, by the filters, newest first.
pub(super) struct TrashedFolders<'a>(pub(super) Scope<'a>);

impl Part for TrashedFolders<'_> {
    type Row = FolderRow;
    type Item = FolderRow;

    fn select(&self) -> Option<Sql<'_>> {
        let mut qb = Sql::new(
            "SELECT a.id, a.name, a.parent_id, a.parent_gone, u.name AS deleted_by, a.deleted_at, \
             a.expires_at FROM folders a LEFT JOIN users u ON u.id = a.deleted_by WHERE TRUE",
        );
        self.0.push_folders(&mut qb);
        Some(qb)
    }

    fn order(&self) -> Order {
        NEWEST_FIRST
    }

    fn cursor(&self, row: &FolderRow) -> String {
        newest_first_cursor(FOLDERS_CURSOR, row.deleted_at, row.id.0)
    }
}

impl TrashedFolders<'_> {
    /// How many folder rows Trash has for the filters.
    pub(super) async fn count(&self, conn: &mut AnyConnection) -> Result<i64, AppError> {
        let mut qb = Sql::new("SELECT COUNT(*) FROM folders a WHERE TRUE");
        self.0.push_folders(&mut qb);
        Ok(qb.build_query_scalar().fetch_one(&mut *conn).await?)
    }
}

/// The assets deleted with each of `folders` (inside it, in its batch).
pub(super) async fn assets_inside(
    conn: &mut AnyConnection,
    folders: &[FolderId],
) -> Result<HashMap<FolderId, i64>, AppError> {
    if folders.is_empty() {
        return Ok(HashMap::new());
    }
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
    .bind(crate::platform::db::json_ids(folders))
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
