//! Data access for assets: the listing ([`listing`]), one asset's details
//! and file, renames and new rows. Every query is scoped to one space and
//! to live assets (`deleted_at IS NULL`); partial indexes serve each sort,
//! so a page is an index range scan at any depth.

use crate::platform::db::Sql;
use sqlx::AnyPool;

mod listing;

pub use listing::{list_live, ListParams, Phase};

use super::model::{Asset, AssetDetails, AssetKind, Usage};
use crate::domain::error::AppError;
use crate::domain::ids::AssetId;
use crate::domain::ids::{FolderId, SpaceId, UserId};
use crate::domain::time::Timestamp;

#[derive(Debug, sqlx::FromRow)]
pub(super) struct AssetRow {
    id: AssetId,
    name: String,
    mime_type: String,
    kind: AssetKind,
    size_bytes: i64,
    width: Option<i64>,
    height: Option<i64>,
    #[sqlx(try_from = "crate::platform::db::Flag")]
    has_thumbnail: bool,
    updated_at: Timestamp,
    folder_id: Option<FolderId>,
    used_in: i64,
}

impl From<AssetRow> for Asset {
    fn from(row: AssetRow) -> Self {
        Self {
            id: row.id,
            name: row.name,
            mime_type: row.mime_type,
            kind: row.kind,
            size_bytes: row.size_bytes,
            width: row.width,
            height: row.height,
            has_thumbnail: row.has_thumbnail,
            updated_at: row.updated_at,
            folder: row.folder_id,
            used_in: row.used_in,
        }
    }
}

/// The rows the listing may show: a space's live assets (" AND …" on
/// `assets a`, naming the columns of the partial indexes).
pub fn push_live_scope(qb: &mut Sql<'_>, space: SpaceId) {
    qb.push(" AND a.space_id = ")
        .push_bind(space)
        .push(" AND a.deleted_at IS NULL");
}

/// The Usage filter (" AND …" on `assets a`): assets some source uses, or
/// those none does (the kept counter `used_in`; "in use" has a partial
/// index of its own, migration 0010).
pub fn push_usage(qb: &mut Sql<'_>, usage: Option<Usage>) {
    match usage {
        Some(Usage::InUse) => qb.push(" AND a.used_in > 0"),
        Some(Usage::NotInUse) => qb.push(" AND a.used_in = 0"),
        None => qb,
    };
}

/// [`push_usage`] for a page read in a sort's order: the same condition,
/// written so that no index is chosen for it (SQLite's unary `+`), so the
/// page walks the sort's index testing each row. Through
/// `assets_live_in_use` a page of "In use" would gather every asset in use
/// and sort them all: 13.8 ms at 30,000 in use, against 0.12 ms for the
/// walk (`scripts/bench-usage.sh`). With fewer in use than the count cap
/// the page reads the ids the count found instead, so the walk is only
/// taken when they are many (`platform::search::narrow`).
pub fn push_usage_in_order(qb: &mut Sql<'_>, usage: Option<Usage>) {
    match usage {
        Some(Usage::InUse) => qb.push(" AND +a.used_in > 0"),
        Some(Usage::NotInUse) => qb.push(" AND +a.used_in = 0"),
        None => qb,
    };
}

/// What the file routes need to serve a live asset's bytes or thumbnail.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredFile {
    pub name: String,
    pub mime_type: String,
    pub storage_key: String,
    #[sqlx(try_from = "crate::platform::db::Flag")]
    pub has_thumbnail: bool,
}

/// A live asset's stored file, looked up by space slug and id. Trashed
/// assets are not found.
pub async fn find_live_file(
    pool: &AnyPool,
    space_slug: &str,
    id: AssetId,
) -> Result<Option<StoredFile>, AppError> {
    sqlx::query_as(
        "SELECT a.name, a.mime_type, a.storage_key, a.has_thumbnail
         FROM assets a JOIN spaces s ON s.id = a.space_id
         WHERE s.slug = $1 AND a.id = $2 AND a.deleted_at IS NULL",
    )
    .bind(space_slug)
    .bind(id)
    .fetch_optional(pool)
    .await
    .map_err(AppError::from)
}

/// A live asset of `space` with its uploader, for the details page.
pub async fn find_details(
    pool: &AnyPool,
    space: SpaceId,
    id: AssetId,
) -> Result<Option<AssetDetails>, AppError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        asset: AssetRow,
        uploaded_by: Option<String>,
        created_at: Timestamp,
    }
    let row: Option<Row> = sqlx::query_as(
        "SELECT a.id, a.name, a.mime_type, a.kind, a.size_bytes, a.width, a.height,
                a.has_thumbnail, a.updated_at, a.folder_id, a.used_in, u.name AS uploaded_by, a.created_at
         FROM assets a LEFT JOIN users u ON u.id = a.created_by
         WHERE a.space_id = $1 AND a.id = $2 AND a.deleted_at IS NULL",
    )
    .bind(space)
    .bind(id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|row| AssetDetails {
        asset: row.asset.into(),
        uploaded_by: row.uploaded_by,
        uploaded_at: row.created_at,
        location: Vec::new(),
    }))
}

/// Renames a live asset of `space`; false when there is no such asset.
/// The same name again (exactly) changes nothing, not even the date.
pub async fn rename(
    pool: &AnyPool,
    space: SpaceId,
    id: AssetId,
    name: &str,
    now: Timestamp,
) -> Result<bool, AppError> {
    let changed = sqlx::query(
        "UPDATE assets
         SET updated_at = CASE WHEN name = $1 COLLATE \"BINARY\" THEN updated_at ELSE $2 END,
             name = $1
         WHERE space_id = $3 AND id = $4 AND deleted_at IS NULL",
    )
    .bind(name)
    .bind(now)
    .bind(space)
    .bind(id)
    .execute(pool)
    .await?
    .rows_affected();
    Ok(changed == 1)
}

/// A new asset's row, as written by uploads, the demo data and the seeder.
#[derive(Debug, Clone)]
pub struct NewAsset {
    pub space: SpaceId,
    pub name: String,
    pub mime_type: String,
    pub size_bytes: i64,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub storage_key: String,
    pub has_thumbnail: bool,
    /// The folder it goes into; the top level for `None`.
    pub folder: Option<FolderId>,
    pub created_by: Option<UserId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[cfg(test)]
impl NewAsset {
    /// A 1-byte PNG named `name` in `folder` of `space`, from the epoch.
    pub fn for_test(space: SpaceId, folder: Option<FolderId>, name: &str) -> Self {
        Self {
            space,
            name: name.to_owned(),
            mime_type: "image/png".into(),
            size_bytes: 1,
            width: None,
            height: None,
            storage_key: crate::platform::storage::Storage::new_key(),
            has_thumbnail: false,
            folder,
            created_by: None,
            created_at: Timestamp::EPOCH,
            updated_at: Timestamp::EPOCH,
        }
    }
}

/// Writes a new asset's row and returns the asset as the listing shows it.
/// Its folder must be a live folder of its space when the row is written
/// (one statement: a folder moved to Trash meanwhile is a 404).
pub async fn insert(
    db: impl sqlx::any::AnyExecutor<'_>,
    asset: &NewAsset,
) -> Result<Asset, AppError> {
    sqlx::query_as::<_, AssetRow>(
        "INSERT INTO assets (space_id, name, mime_type, kind, size_bytes, width, height,
                             storage_key, has_thumbnail, folder_id, created_by, created_at,
                             updated_at)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13
         WHERE $10 IS NULL OR EXISTS (SELECT 1 FROM folders
                                      WHERE id = $10 AND space_id = $1 AND deleted_at IS NULL)
         RETURNING id, name, mime_type, kind, size_bytes, width, height, has_thumbnail,
                   updated_at, folder_id, used_in",
    )
    .bind(asset.space)
    .bind(&asset.name)
    .bind(&asset.mime_type)
    .bind(AssetKind::from_mime(&asset.mime_type))
    .bind(asset.size_bytes)
    .bind(asset.width)
    .bind(asset.height)
    .bind(&asset.storage_key)
    .bind(i64::from(asset.has_thumbnail))
    .bind(asset.folder)
    .bind(asset.created_by)
    .bind(asset.created_at)
    .bind(asset.updated_at)
    .fetch_optional(db)
    .await?
    .map(Asset::from)
    .ok_or(AppError::NotFound)
}
