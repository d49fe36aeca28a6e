//! Data access for folders. Every query is scoped to one space; a folder
//! that is in Trash or in another space is not found. Changes to the tree
//! run under the write lock (`BEGIN IMMEDIATE`), so the checks that keep it
//! a tree (no cycles, bounded depth, unique sibling names) hold when the
//! change commits.

use std::collections::{BTreeSet, HashMap};

use sqlx::{Connection as _, QueryBuilder, Sqlite, SqliteConnection, SqlitePool};

use super::model::{Crumb, Folder, FolderPage, MoveItemsOutcome, Within, MAX_DEPTH, PICKER_PAGE_SIZE};
use crate::error::AppError;
use crate::ids::{FolderId, SpaceId, UserId};
use crate::time::Timestamp;

/// " AND …" on `assets a`: the direct contents of the top level or a folder.
pub fn push_within(qb: &mut QueryBuilder<'_, Sqlite>, within: Option<Within>) {
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
    conn: &mut SqliteConnection,
    space: SpaceId,
    id: FolderId,
) -> Result<(), AppError> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM folders WHERE id = ? AND space_id = ? AND deleted_at IS NULL",
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
    conn: &mut SqliteConnection,
    space: SpaceId,
    id: FolderId,
) -> Result<Vec<Crumb>, AppError> {
    require_live(conn, space, id).await?;
    let rows: Vec<(FolderId, String)> = sqlx::query_as(
        "WITH RECURSIVE up (id, parent_id, name, depth) AS (
             SELECT id, parent_id, name, 0 FROM folders WHERE id = ?1 AND space_id = ?2
             UNION ALL
             SELECT f.id, f.parent_id, f.name, up.depth + 1
             FROM folders f JOIN up ON f.id = up.parent_id
             WHERE up.depth < ?3
         )
         SELECT id, name FROM up ORDER BY depth DESC",
    )
    .bind(id)
    .bind(space)
    .bind(MAX_DEPTH as i64)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| Crumb { id, name })
        .collect())
}

/// The names of the paths to each of `folders` (live or in Trash), from
/// the top level: one recursive query for all of them.
pub async fn paths(
    conn: &mut SqliteConnection,
    folders: &BTreeSet<FolderId>,
) -> Result<HashMap<FolderId, Vec<String>>, AppError> {
    if folders.is_empty() {
        return Ok(HashMap::new());
    }
    let ids: Vec<i64> = folders.iter().map(|f| f.0).collect();
    let rows: Vec<(FolderId, String)> = sqlx::query_as(
        "WITH RECURSIVE up (start, id, parent_id, name, depth) AS (
             SELECT id, id, parent_id, name, 0 FROM folders
             WHERE id IN (SELECT value FROM json_each(?1))
             UNION ALL
             SELECT up.start, f.id, f.parent_id, f.name, up.depth + 1
             FROM folders f JOIN up ON f.id = up.parent_id
             WHERE up.depth < ?2
         )
         SELECT start, name FROM up ORDER BY start, depth DESC",
    )
    .bind(serde_json::to_string(&ids).unwrap_or_default())
    .bind(MAX_DEPTH as i64)
    .fetch_all(&mut *conn)
    .await?;
    let mut paths: HashMap<FolderId, Vec<String>> = HashMap::new();
    for (start, name) in rows {
        paths.entry(start).or_default().push(name);
    }
    Ok(paths)
}

/// How many levels of folders `ids` (live, of `space`) and everything
/// live below them span: 1 for folders without subfolders, 0 for none.
async fn subtree_height(conn: &mut SqliteConnection, ids: &[i64]) -> Result<usize, AppError> {
    if ids.is_empty() {
        return Ok(0);
    }
    let height: Option<i64> = sqlx::query_scalar(
        "WITH RECURSIVE down (id, level) AS (
             SELECT value, 1 FROM json_each(?1)
             UNION ALL
             SELECT f.id, down.level + 1 FROM folders f JOIN down ON f.parent_id = down.id
             WHERE f.deleted_at IS NULL AND down.level <= ?2
         )
         SELECT MAX(level) FROM down",
    )
    .bind(serde_json::to_string(ids).unwrap_or_default())
    .bind(MAX_DEPTH as i64)
    .fetch_one(&mut *conn)
    .await?;
    Ok(height.unwrap_or(0).max(0) as usize)
}

fn too_deep() -> AppError {
    AppError::validation(format!(
        "Folders can be nested at most {MAX_DEPTH} levels deep."
    ))
}

fn name_taken(name: &str) -> AppError {
    AppError::Conflict(format!(
        "A folder named “{name}” already exists here. Choose another name."
    ))
}

/// Whether a live folder named `name` (case-insensitively) is directly in
/// `parent`, other than `except`.
async fn sibling_named(
    conn: &mut SqliteConnection,
    space: SpaceId,
    parent: Option<FolderId>,
    name: &str,
    except: Option<FolderId>,
) -> Result<bool, AppError> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM folders
         WHERE space_id = ? AND coalesce(parent_id, 0) = ? AND name = ? AND deleted_at IS NULL
               AND id IS NOT ?",
    )
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
    pool: &SqlitePool,
    space: SpaceId,
    parent: Option<FolderId>,
    name: &str,
    user: Option<UserId>,
    now: Timestamp,
) -> Result<Folder, AppError> {
    let mut conn = pool.acquire().await?;
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
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
         VALUES (?, ?, ?, ?, ?, ?)
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
    pool: &SqlitePool,
    space: SpaceId,
    id: FolderId,
    name: &str,
    now: Timestamp,
) -> Result<Folder, AppError> {
    let mut conn = pool.acquire().await?;
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    let parent: Option<Option<FolderId>> = sqlx::query_scalar(
        "SELECT parent_id FROM folders WHERE id = ? AND space_id = ? AND deleted_at IS NULL",
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
         SET updated_at = CASE WHEN name = ?1 COLLATE BINARY THEN updated_at ELSE ?2 END,
             name = ?1
         WHERE id = ?3",
    )
    .bind(name)
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let mut qb = QueryBuilder::<Sqlite>::new(format!("SELECT {FOLDER_COLUMNS} FROM folders f WHERE f.id = "));
    let folder: FolderRow = qb.push_bind(id).build_query_as().fetch_one(&mut *tx).await?;
    tx.commit().await?;
    Ok(folder.into())
}

/// Where each listed folder or asset of a move stands.
fn unknown(kind: &str, ids: &BTreeSet<i64>) -> AppError {
    let listed: Vec<String> = ids.iter().take(20).map(i64::to_string).collect();
    AppError::UnknownAssets {
        message: format!(
            "These {kind} do not exist in this space or are in Trash: {}. Nothing was moved.",
            listed.join(", ")
        ),
        ids: ids.iter().copied().collect(),
    }
}

/// The listed ids that are not live rows of `table` in `space`.
async fn not_live(
    conn: &mut SqliteConnection,
    table: &str,
    space: SpaceId,
    ids: &[i64],
) -> Result<BTreeSet<i64>, AppError> {
    if ids.is_empty() {
        return Ok(BTreeSet::new());
    }
    let found: Vec<i64> = sqlx::query_scalar(&format!(
        "SELECT id FROM {table}
         WHERE space_id = ? AND deleted_at IS NULL AND id IN (SELECT value FROM json_each(?))"
    ))
    .bind(space)
    .bind(serde_json::to_string(ids).unwrap_or_default())
    .fetch_all(&mut *conn)
    .await?;
    let found: BTreeSet<i64> = found.into_iter().collect();
    Ok(ids.iter().copied().filter(|id| !found.contains(id)).collect())
}

/// Moves live folders (with everything inside) and assets of `space` into
/// `to` (the top level for `None`), all or nothing: 404 naming ids that are
/// not live here, 400 for a folder moved into itself or a folder inside it
/// or past [`MAX_DEPTH`], 409 naming folders whose name is taken there.
/// Rows already there are counted as moved.
#[cfg_attr(feature = "ssr", tracing::instrument(skip(pool), err(Debug)))]
pub async fn move_items(
    pool: &SqlitePool,
    space: SpaceId,
    to: Option<FolderId>,
    folders: &[i64],
    assets: &[i64],
    now: Timestamp,
) -> Result<MoveItemsOutcome, AppError> {
    let mut conn = pool.acquire().await?;
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    let target_path = match to {
        Some(to) => path(&mut tx, space, to).await?,
        None => Vec::new(),
    };
    let missing = not_live(&mut tx, "folders", space, folders).await?;
    if !missing.is_empty() {
        return Err(unknown("folders", &missing));
    }
    let missing = not_live(&mut tx, "assets", space, assets).await?;
    if !missing.is_empty() {
        return Err(unknown("assets", &missing));
    }
    if target_path.iter().any(|crumb| folders.contains(&crumb.id.0)) {
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
            "UPDATE folders SET parent_id = ?, updated_at = ?
             WHERE space_id = ? AND id IN (SELECT value FROM json_each(?))
                   AND parent_id IS NOT ?1",
        )
        .bind(to)
        .bind(now)
        .bind(space)
        .bind(serde_json::to_string(folders).unwrap_or_default())
        .execute(&mut *tx)
        .await?;
    }
    if !assets.is_empty() {
        sqlx::query(
            "UPDATE assets SET folder_id = ?1
             WHERE space_id = ?2 AND id IN (SELECT value FROM json_each(?3))
                   AND folder_id IS NOT ?1",
        )
        .bind(to)
        .bind(space)
        .bind(serde_json::to_string(assets).unwrap_or_default())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(MoveItemsOutcome {
        folders: folders.len() as u64,
        assets: assets.len() as u64,
    })
}

/// 409 naming the moved folders whose names clash, with a live folder in
/// `to` or with each other.
async fn check_names_free(
    conn: &mut SqliteConnection,
    space: SpaceId,
    to: Option<FolderId>,
    folders: &[i64],
) -> Result<(), AppError> {
    let clashes: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT m.name FROM folders m
         WHERE m.id IN (SELECT value FROM json_each(?1))
           AND EXISTS (SELECT 1 FROM folders o
                       WHERE o.space_id = ?2 AND o.deleted_at IS NULL AND o.name = m.name
                             AND o.id <> m.id
                             AND (coalesce(o.parent_id, 0) = ?3
                                  OR o.id IN (SELECT value FROM json_each(?1))))
         ORDER BY m.name",
    )
    .bind(serde_json::to_string(folders).unwrap_or_default())
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

/// One page of the folders in `parent` (the top level for `None`), by name,
/// for the Move dialog's picker; 404 for a parent that is not live here.
pub async fn picker_page(
    pool: &SqlitePool,
    space: SpaceId,
    parent: Option<FolderId>,
    after: Option<&str>,
) -> Result<FolderPage, AppError> {
    use crate::keyset::{Cursor, CursorKey, KeyKind};
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
    let mut qb = QueryBuilder::<Sqlite>::new(format!(
        "SELECT {FOLDER_COLUMNS} FROM folders f WHERE f.space_id = "
    ));
    qb.push_bind(space)
        .push(" AND f.parent_id IS ")
        .push_bind(parent)
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
