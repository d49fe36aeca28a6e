//! Reading Trash: one page of a space's restorable trashed assets, with
//! filters and keyset paging, and a trashed asset's file for its thumbnail.

use crate::platform::db::Sql;
use sqlx::AnyPool;

mod filters;
mod folders;

pub(crate) use filters::push_trash_scope;
use filters::Scope;
pub use filters::TrashFilters;
use folders::{assets_inside, Locations, TrashedFolders, FOLDERS_CURSOR};

use super::model::{
    days_left_label, expires_soon, Deleter, TrashPage, TrashQuery, TrashedAsset, TrashedFolder,
    EXPIRES_SOON_DAYS,
};
use crate::assets::data::StoredFile;
use crate::assets::model::AssetKind;
use crate::domain::error::AppError;
use crate::domain::ids::AssetId;
use crate::domain::ids::{FolderId, SpaceId, UserId};
use crate::domain::paging::{PageAt, MAX_MATCHING};
use crate::domain::time::Timestamp;
use crate::platform::keyset::{
    read_page, Cursor, CursorError, CursorKey, KeyKind, Order, Part, Phase, Position,
};
use crate::platform::search::{count_matching, Searched};

/// A validated request for one page of Trash.
#[derive(Debug, Clone)]
pub struct TrashParams {
    pub filters: TrashFilters,
    /// Folder rows come first, then assets, each newest first.
    pub phase: Phase,
    pub at: Position,
    pub limit: u32,
}

/// Cursors of Trash pages carry `deleted_at` and the id.
const TRASH_CURSOR: &str = "trash";

impl TrashParams {
    /// Refuses bad filters and cursors that are malformed or belong to
    /// another listing.
    pub fn parse(query: &TrashQuery, limit: u32) -> Result<Self, AppError> {
        Ok(Self {
            filters: TrashFilters::parse(&query.matching())?,
            ..Self::parse_at(&query.at, limit)?
        })
    }

    /// The first page (or the one at `at`) of all of Trash.
    pub fn parse_at(at: &PageAt, limit: u32) -> Result<Self, AppError> {
        let (phase, at) = Position::decode_two_part(
            at,
            (TRASH_CURSOR, KeyKind::Int),
            Some((FOLDERS_CURSOR, KeyKind::Int)),
        )?;
        Ok(Self {
            filters: TrashFilters::default(),
            phase,
            at,
            limit,
        })
    }
}

/// Both parts of Trash are newest first: by `deleted_at`, then id.
const NEWEST_FIRST: Order = Order {
    alias: "a",
    column: "deleted_at",
    ascending: false,
};

/// The cursor (among `sort`'s rows) of a page ending at the row `id`.
fn newest_first_cursor(sort: &str, deleted_at: Timestamp, id: i64) -> String {
    Cursor {
        sort: sort.to_owned(),
        key: CursorKey::Int(deleted_at.millis()),
        id,
    }
    .encode()
}

#[derive(sqlx::FromRow)]
struct TrashRow {
    id: AssetId,
    name: String,
    mime_type: String,
    kind: AssetKind,
    #[sqlx(try_from = "crate::platform::db::Flag")]
    has_thumbnail: bool,
    deleted_by: Option<String>,
    deleted_at: Timestamp,
    expires_at: Timestamp,
    folder_id: Option<FolderId>,
    #[sqlx(try_from = "crate::platform::db::Flag")]
    folder_gone: bool,
    used_in: i64,
}

/// Trash's asset rows: the restorable assets that match, newest first.
struct TrashedAssets<'a> {
    scope: Scope<'a>,
    /// The search, with what it found.
    searched: &'a Searched<'a>,
}

impl Part for TrashedAssets<'_> {
    type Row = TrashRow;
    type Item = TrashRow;

    fn select(&self) -> Option<Sql<'_>> {
        let mut qb = Sql::new(
            "SELECT a.id, a.name, a.mime_type, a.kind, a.has_thumbnail, u.name AS deleted_by, \
             a.deleted_at, a.expires_at, a.folder_id, a.folder_gone, a.used_in \
             FROM assets a LEFT JOIN users u ON u.id = a.deleted_by WHERE TRUE",
        );
        self.scope.push_assets(&mut qb);
        self.searched.keep_matches(qb)
    }

    fn order(&self) -> Order {
        NEWEST_FIRST
    }

    fn cursor(&self, row: &TrashRow) -> String {
        newest_first_cursor(TRASH_CURSOR, row.deleted_at, row.id.0)
    }
}

/// How many restorable assets in Trash match `filters`, counted by the
/// database up to one past `paging::MAX_MATCHING`.
pub async fn count_trash(
    pool: &AnyPool,
    space: SpaceId,
    filters: &TrashFilters,
    now: Timestamp,
) -> Result<u64, AppError> {
    let mut conn = pool.acquire().await?;
    count_matching(&mut conn, filters.search.as_ref(), MAX_MATCHING, |qb| {
        push_trash_scope(qb, space, filters, now)
    })
    .await
}

/// How many items Trash shows without a filter, as (assets, folders): its
/// topmost restorable assets and folders (assets deleted inside a folder
/// are not rows of their own), exactly (no cap), on `conn`: Empty Trash
/// counts them under its write lock.
pub(crate) async fn count_items(
    conn: &mut sqlx::AnyConnection,
    space: SpaceId,
    now: Timestamp,
) -> Result<(u64, u64), AppError> {
    count_top_rows(conn, space, &TrashFilters::default(), now).await
}

/// Trash's top rows that `filters` keep, as (assets, folders), exactly.
async fn count_top_rows(
    conn: &mut sqlx::AnyConnection,
    space: SpaceId,
    filters: &TrashFilters,
    now: Timestamp,
) -> Result<(u64, u64), AppError> {
    let scope = Scope {
        space,
        filters,
        now,
    };
    let mut assets = Sql::new("SELECT COUNT(*) FROM assets a WHERE TRUE");
    scope.push_assets(&mut assets);
    let assets: i64 = assets.build_query_scalar().fetch_one(&mut *conn).await?;
    let folders = TrashedFolders(scope).count(conn).await?;
    Ok((assets.max(0) as u64, folders.max(0) as u64))
}

/// One page of a space's restorable trashed assets, newest first, with the
/// total that match and who has assets in Trash. Assets past their deadline
/// are gone from Trash even before the purge removes them.
#[cfg_attr(feature = "ssr", tracing::instrument(skip(pool)))]
pub async fn list_trash(
    pool: &AnyPool,
    space: SpaceId,
    params: &TrashParams,
    now: Timestamp,
) -> Result<TrashPage, AppError> {
    let filters = &params.filters;
    let scope = Scope {
        space,
        filters,
        now,
    };
    // One connection for every statement of the page (see `read_page`).
    let mut conn = pool.acquire().await?;
    let searched = Searched::run(&mut conn, filters.search.as_ref(), |qb| {
        scope.push_assets(qb)
    })
    .await?;
    if let Some(Cursor {
        key: CursorKey::Text(_),
        ..
    }) = params.at.seek().0
    {
        return Err(AppError::validation(CursorError.to_string()));
    }
    // Folder rows first, then assets, as the Assets page reads them.
    let folders = TrashedFolders(scope);
    let assets = TrashedAssets {
        scope,
        searched: &searched,
    };
    let page = read_page(
        &mut conn,
        params.phase,
        &params.at,
        params.limit,
        &folders,
        &assets,
    )
    .await?;
    let places = page
        .folders
        .iter()
        .filter_map(|f| f.parent_id)
        .chain(page.assets.iter().filter_map(|a| a.folder_id));
    let locations = Locations::of(&mut conn, places).await?;
    let inside = assets_inside(
        &mut conn,
        &page.folders.iter().map(|f| f.id).collect::<Vec<_>>(),
    )
    .await?;
    let folder_total = folders.count(&mut conn).await?;

    let (total, total_capped) = match searched.total() {
        Some(total) => total,
        None => {
            let mut count = Sql::new("SELECT COUNT(*) FROM assets a WHERE TRUE");
            scope.push_assets(&mut count);
            (
                count.build_query_scalar().fetch_one(&mut *conn).await?,
                false,
            )
        }
    };

    let deleters: Vec<(UserId, String)> = sqlx::query_as(
        "SELECT u.id, u.name FROM users u
         WHERE u.id IN (SELECT deleted_by FROM assets
                        WHERE space_id = $1 AND deleted_at IS NOT NULL AND expires_at > $2
                        UNION
                        SELECT deleted_by FROM folders
                        WHERE space_id = $1 AND deleted_at IS NOT NULL AND expires_at > $2)
         ORDER BY u.name, u.id",
    )
    .bind(space)
    .bind(now)
    .fetch_all(&mut *conn)
    .await?;
    let retention_days = crate::spaces::data::retention_days(&mut *conn, space).await?;
    let expiring_soon = expiring_soon(&mut conn, space, now).await?;

    Ok(TrashPage {
        folders: page
            .folders
            .into_iter()
            .map(|row| TrashedFolder {
                days_left: days_left_label(row.expires_at, now),
                expires_soon: expires_soon(row.expires_at, now),
                expires_at: row.expires_at,
                assets: inside.get(&row.id).copied().unwrap_or(0),
                location: locations.label(row.parent_id, row.parent_gone),
                id: row.id,
                name: row.name,
                deleted_by: row.deleted_by,
                deleted_at: row.deleted_at,
            })
            .collect(),
        folder_total,
        items: page
            .assets
            .into_iter()
            .map(|row| TrashedAsset {
                days_left: days_left_label(row.expires_at, now),
                expires_soon: expires_soon(row.expires_at, now),
                expires_at: row.expires_at,
                location: locations.label(row.folder_id, row.folder_gone),
                id: row.id,
                name: row.name,
                mime_type: row.mime_type,
                kind: row.kind,
                has_thumbnail: row.has_thumbnail,
                deleted_by: row.deleted_by,
                deleted_at: row.deleted_at,
                used_in: row.used_in,
            })
            .collect(),
        total,
        total_capped,
        next: page.next,
        prev: page.prev,
        deleters: deleters
            .into_iter()
            .map(|(id, name)| Deleter { id, name })
            .collect(),
        retention_days,
        expiring_soon,
    })
}

/// How many of Trash's items (its top rows, assets and folders, whatever
/// the filters) are removed for good within [`EXPIRES_SOON_DAYS`]: the
/// banner's number, read from the per-space expiry indexes.
async fn expiring_soon(
    conn: &mut sqlx::AnyConnection,
    space: SpaceId,
    now: Timestamp,
) -> Result<i64, AppError> {
    let filters = TrashFilters {
        expires_within: Some(EXPIRES_SOON_DAYS),
        ..TrashFilters::default()
    };
    let (assets, folders) = count_top_rows(conn, space, &filters, now).await?;
    Ok(i64::try_from(assets + folders).unwrap_or(i64::MAX))
}

/// A trashed, still restorable asset's stored file (for its thumbnail in
/// Trash), looked up by space slug and id.
pub async fn find_trashed_file(
    pool: &AnyPool,
    space_slug: &str,
    id: AssetId,
    now: Timestamp,
) -> Result<Option<StoredFile>, AppError> {
    sqlx::query_as(
        "SELECT a.name, a.mime_type, a.storage_key, a.has_thumbnail
         FROM assets a JOIN spaces s ON s.id = a.space_id
         WHERE s.slug = $1 AND a.id = $2 AND a.deleted_at IS NOT NULL AND a.expires_at > $3",
    )
    .bind(space_slug)
    .bind(id)
    .bind(now)
    .fetch_optional(pool)
    .await
    .map_err(AppError::from)
}

#[cfg(test)]
mod tests;
