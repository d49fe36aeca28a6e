//! Data access for folders. Every query is scoped to one space; a folder
//! that is in Trash or in another space is not found. Changes to the tree
//! run under the write lock (`BEGIN IMMEDIATE`), so the checks that keep it
//! a tree (no cycles, bounded depth, unique sibling names) hold when the
//! change commits.

use std::collections::{BTreeSet, HashMap};

use crate::platform::db::Sql;
use sqlx::{AnyConnection, AnyPool};

use super::model::{Crumb, Folder, FolderPage, Within, MAX_DEPTH, PICKER_PAGE_SIZE};
use crate::domain::error::AppError;
use crate::domain::ids::{FolderId, SpaceId, UserId};
use crate::domain::time::Timestamp;

/// " AND …" on `assets a`: the direct contents of the top level or a folder.
pub fn push_within(qb: &mut Sql<'_>, within: Option<Within>) {
    match within {
        None => {}
        Some(Within::TopLevel) => {
            qb.push(" AND a.folder_id IS NULL");
        }
        Some(Within::Folder(id)) => {
            qb.push(" AND a.folder_id = ").push_bind(id);
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct FolderRow {
    id: FolderId,
    name: String,
    items: i64,
    updated_at: Timestamp,
}

impl From<FolderRow> for Folder {
    fn from(row: FolderRow) -> Self {
        Self {
            id: row.id,
            name: row.name,
            items: row.items,
            updated_at: row.updated_at,
        }
    }
}

/// The columns of [`FolderRow`] on `folders f`: the item count is the
/// kept count of assets plus the live subfolders (an index range each).
pub(crate) const FOLDER_COLUMNS: &str = "f.id, f.name, f.updated_at, f.live_assets + \
     (SELECT COUNT(*) FROM folders c WHERE c.parent_id = f.id AND c.deleted_at IS NULL) AS items";

/// Fails with 404 unless `id` is a live folder of `space`.
pub async fn require_live(
    conn: &mut AnyConnection,
    space: SpaceId,
    id: FolderId,
) -> Result<(), AppError> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM folders WHERE id = $1 AND space_id = $2 AND deleted_at IS NULL",
    )
    .bind(id)
    .bind(space)
    .fetch_optional(&mut *conn)
    .await?;
    found.map(|_| ()).ok_or(AppError::NotFound)
}

/// The path from the top level down to live folder `id` (404 if it is not
/// one of `space`).
pub async fn path(
    conn: &mut AnyConnection,
    space: SpaceId,
    id: FolderId,
) -> Result<Vec<Crumb>, AppError> {
    // One statement: a live folder's folders are all live, so the folder
    // being live is the whole check.
    let rows: Vec<(FolderId, String)> = sqlx::query_as(
        "WITH RECURSIVE up (id, parent_id, name, depth) AS (
             SELECT id, parent_id, name, 0 FROM folders
             WHERE id = $1 AND space_id = $2 AND deleted_at IS NULL
             UNION ALL
             SELECT f.id, f.parent_id, f.name, up.depth + 1
             FROM folders f JOIN up ON f.id = up.parent_id
             WHERE up.depth < $3
         )
         SELECT id, name FROM up ORDER BY depth DESC",
    )
    .bind(id)
    .bind(space)
    .bind(MAX_DEPTH as i64)
    .fetch_all(&mut *conn)
    .await?;
    if rows.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(rows
        .into_iter()
        .map(|(id, name)| Crumb { id, name })
        .collect())
}

/// The names of the paths to each of `folders` (live or in Trash), from
/// the top level: one recursive query for all of them.
pub async fn paths(
    conn: &mut AnyConnection,
    folders: &BTreeSet<FolderId>,
) -> Result<HashMap<FolderId, Vec<String>>, AppError> {
    if folders.is_empty() {
        return Ok(HashMap::new());
    }
    let ids: Vec<FolderId> = folders.iter().copied().collect();
    let rows: Vec<(FolderId, String)> = sqlx::query_as(
        "WITH RECURSIVE up (start, id, parent_id, name, depth) AS (
             SELECT id, id, parent_id, name, 0 FROM folders
             WHERE id IN (SELECT value FROM json_each($1))
             UNION ALL
             SELECT up.start, f.id, f.parent_id, f.name, up.depth + 1
             FROM folders f JOIN up ON f.id = up.parent_id
             WHERE up.depth < $2
         )
         SELECT start, name FROM up ORDER BY start, depth DESC",
    )
    .bind(crate::platform::db::json_ids(&ids))
    .bind(MAX_DEPTH as i64)
    .fetch_all(&mut *conn)
    .await?;
    let mut paths: HashMap<FolderId, Vec<String>> = HashMap::new();
    for (start, name) in rows {
        paths.entry(start).or_default().push(name);
    }
    Ok(paths)
}

pub(crate) fn too_deep() -> AppError {
    AppError::validation(format!(
        "Folders can be nested at most {MAX_DEPTH} levels deep."
    ))
}

/// The key live sibling folders' names are unique by, as SQL over the text
/// `expr`: the name without the zero-width non-joiner and joiner (U+200C,
/// U+200D: "Reports" with one reads as "Reports"), compared ignoring case.
/// The unique index `folders_live_name` (migration 0007) is on this very
/// expression, so it serves these lookups and holds the rule for every
/// server; names are in NFC already (`names::validate_name`).
/// PostgreSQL's `replace` refuses the nondeterministic `nocase` collation,
/// hence "C" inside it.
pub(crate) fn sibling_key(expr: &str) -> String {
    match crate::platform::db::dialect() {
        crate::platform::db::Dialect::Sqlite => {
            format!("replace(replace({expr}, char(8204), ''), char(8205), '') COLLATE NOCASE")
        }
        crate::platform::db::Dialect::Postgres => format!(
            "replace(replace({expr} COLLATE \"C\", chr(8204), ''), chr(8205), '') COLLATE nocase"
        ),
    }
}

/// [`sibling_key`] in Rust, for names compared before they reach the
/// database (folders restored together). Lower case for every script, so
/// it may find a clash where SQLite's NOCASE (ASCII only) would not, never
/// the other way.
pub(crate) fn sibling_key_of(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '\u{200C}' | '\u{200D}'))
        .collect::<String>()
        .to_lowercase()
}

fn name_taken(name: &str) -> AppError {
    AppError::Conflict(format!(
        "A folder named “{name}” already exists here. Choose another name."
    ))
}

/// Whether a live folder whose name is `name` by [`sibling_key`] is
/// directly in `parent`, other than `except`.
async fn sibling_named(
    conn: &mut AnyConnection,
    space: SpaceId,
    parent: Option<FolderId>,
    name: &str,
    except: Option<FolderId>,
) -> Result<bool, AppError> {
    let found: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT 1 FROM folders
         WHERE space_id = $1 AND coalesce(parent_id, 0) = $2 AND {} = {} AND deleted_at IS NULL
               AND id IS DISTINCT FROM $4",
        sibling_key("name"),
        sibling_key("$3"),
    ))
    .bind(space)
    .bind(parent.map_or(0, |p| p.0))
    .bind(name)
    .bind(except)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(found.is_some())
}

/// Creates a folder named `name` (validated) in `parent` (the top level
/// for `None`): 404 for a parent that is not a live folder of `space`,
/// 409 for a sibling of the same name, 400 past [`MAX_DEPTH`].
pub async fn create(
    pool: &AnyPool,
    space: SpaceId,
    parent: Option<FolderId>,
    name: &str,
    user: Option<UserId>,
    now: Timestamp,
) -> Result<Folder, AppError> {
    let mut conn = pool.acquire().await?;
    let mut tx = crate::platform::db::begin_write(&mut conn).await?;
    if let Some(parent) = parent {
        if path(&mut tx, space, parent).await?.len() >= MAX_DEPTH {
            return Err(too_deep());
        }
    }
    if sibling_named(&mut tx, space, parent, name, None).await? {
        return Err(name_taken(name));
    }
    let folder: FolderRow = sqlx::query_as(
        "INSERT INTO folders (space_id, parent_id, name, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING id, name, updated_at, 0 AS items",
    )
    .bind(space)
    .bind(parent)
    .bind(name)
    .bind(user)
    .bind(now)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(folder.into())
}

/// Renames live folder `id` of `space` (404 otherwise; 409 if a sibling
/// has the name). The same name again changes nothing.
pub async fn rename(
    pool: &AnyPool,
    space: SpaceId,
    id: FolderId,
    name: &str,
    now: Timestamp,
) -> Result<Folder, AppError> {
    let mut conn = pool.acquire().await?;
    let mut tx = crate::platform::db::begin_write(&mut conn).await?;
    let parent: Option<Option<FolderId>> = sqlx::query_scalar(
        "SELECT parent_id FROM folders WHERE id = $1 AND space_id = $2 AND deleted_at IS NULL",
    )
    .bind(id)
    .bind(space)
    .fetch_optional(&mut *tx)
    .await?;
    let parent = parent.ok_or(AppError::NotFound)?;
    if sibling_named(&mut tx, space, parent, name, Some(id)).await? {
        return Err(name_taken(name));
    }
    sqlx::query(
        "UPDATE folders
         SET updated_at = CASE WHEN name = $1 COLLATE \"BINARY\" THEN updated_at ELSE $2 END,
             name = $1
         WHERE id = $3",
    )
    .bind(name)
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let mut qb = Sql::new(format!(
        "SELECT {FOLDER_COLUMNS} FROM folders f WHERE f.id = "
    ));
    let folder: FolderRow = qb
        .push_bind(id)
        .build_query_as()
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(folder.into())
}

/// One page of the folders in `parent` (the top level for `None`), by name,
/// for the Move dialog's picker; 404 for a parent that is not live here.
pub async fn picker_page(
    pool: &AnyPool,
    space: SpaceId,
    parent: Option<FolderId>,
    after: Option<&str>,
) -> Result<FolderPage, AppError> {
    use crate::platform::keyset::{Cursor, CursorKey, KeyKind};
    const PICKER_CURSOR: &str = "picker";
    let mut conn = pool.acquire().await?;
    let crumbs = match parent {
        Some(parent) => path(&mut conn, space, parent).await?,
        None => Vec::new(),
    };
    let after = after
        .map(|a| Cursor::decode(a, PICKER_CURSOR, KeyKind::Text))
        .transpose()
        .map_err(|e| AppError::validation(e.to_string()))?;
    let mut qb = Sql::new(format!(
        "SELECT {FOLDER_COLUMNS} FROM folders f WHERE f.space_id = "
    ));
    qb.push_bind(space)
        .push(" AND")
        .push_matches("f.parent_id", parent)
        .push(" AND f.deleted_at IS NULL");
    if let Some(Cursor {
        key: CursorKey::Text(name),
        id,
        ..
    }) = &after
    {
        qb.push(" AND (f.name, f.id) > (")
            .push_bind(name.clone())
            .push(", ")
            .push_bind(*id)
            .push(")");
    }
    qb.push(" ORDER BY f.name, f.id LIMIT ")
        .push_bind(i64::from(PICKER_PAGE_SIZE) + 1);
    let mut folders: Vec<Folder> = qb
        .build_query_as::<FolderRow>()
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(Folder::from)
        .collect();
    let next = (folders.len() > PICKER_PAGE_SIZE as usize).then(|| {
        folders.truncate(PICKER_PAGE_SIZE as usize);
        folders.last().map(|last| {
            Cursor {
                sort: PICKER_CURSOR.to_owned(),
                key: CursorKey::Text(last.name.clone()),
                id: last.id.0,
            }
            .encode()
        })
    });
    Ok(FolderPage {
        path: crumbs,
        folders,
        next: next.flatten(),
    })
}

#[cfg(test)]
mod tests;
