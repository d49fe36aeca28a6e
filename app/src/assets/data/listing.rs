//! The Assets listing's pages: a folder's subfolders, then its assets, each
//! part in the sort, keyset-paged across the two (the cursor says which
//! part it stands in); or a search's assets, in every folder or one.

use crate::platform::db::Sql;
use sqlx::AnyPool;

use super::super::folders::data::{path, paths, push_within, FolderRow, FOLDER_COLUMNS};
use super::super::folders::model::{path_label, Folder, Within};
use super::super::model::{Asset, AssetPage, Location, SortDir, SortKey, Usage};
use super::{push_live_scope, push_usage, push_usage_in_order, AssetRow};
use crate::domain::error::AppError;
use crate::domain::ids::SpaceId;
use crate::domain::paging::PageAt;
pub use crate::platform::keyset::Phase;
use crate::platform::keyset::{read_page, Cursor, CursorKey, KeyKind, Order, Part, Position};
use crate::platform::search::{NameSearch, Searched};

/// A validated request for one page of the listing.
#[derive(Debug, Clone)]
pub struct ListParams {
    /// The search of names, if any.
    pub search: Option<NameSearch>,
    /// The folder listed (or searched); `None` searches every folder.
    pub within: Option<Within>,
    /// Only assets in use, or only those not in use.
    pub usage: Option<Usage>,
    pub sort: SortKey,
    pub dir: SortDir,
    pub phase: Phase,
    pub at: Position,
    pub limit: u32,
}

impl ListParams {
    /// Parses what the client sent; refuses search terms that are too long and
    /// cursors that are malformed or belong to another sort.
    pub fn parse(
        search: Option<&str>,
        within: Option<Within>,
        sort: SortKey,
        dir: SortDir,
        at: &PageAt,
        limit: u32,
    ) -> Result<Self, AppError> {
        Self::parse_filtered(search, within, None, sort, dir, at, limit)
    }

    /// [`ListParams::parse`] with the Usage filter. A filtered listing, like
    /// a search, shows assets only: folders are neither in use nor not.
    pub fn parse_filtered(
        search: Option<&str>,
        within: Option<Within>,
        usage: Option<Usage>,
        sort: SortKey,
        dir: SortDir,
        at: &PageAt,
        limit: u32,
    ) -> Result<Self, AppError> {
        let search = NameSearch::parse(search.unwrap_or_default())?;
        let shows_folders = search.is_none() && usage.is_none() && within.is_some();
        let folder_sort = folder_cursor_sort(sort);
        let folders = shows_folders.then(|| (folder_sort.as_str(), folder_key(sort).1));
        let (phase, at) = Position::decode_two_part(at, (sort.as_str(), key_kind(sort)), folders)?;
        Ok(Self {
            search,
            within,
            usage,
            sort,
            dir,
            phase,
            at,
            limit,
        })
    }
}

/// Folders sort by name, or by date for "Modified" (they have no size).
fn folder_key(sort: SortKey) -> (&'static str, KeyKind) {
    match sort {
        SortKey::Modified => ("updated_at", KeyKind::Int),
        SortKey::Name | SortKey::Size => ("name", KeyKind::Text),
    }
}

fn folder_cursor_sort(sort: SortKey) -> String {
    format!("folders-{}", sort.as_str())
}

fn sort_column(sort: SortKey) -> &'static str {
    match sort {
        SortKey::Name => "name",
        SortKey::Modified => "updated_at",
        SortKey::Size => "size_bytes",
    }
}

pub(super) fn key_kind(sort: SortKey) -> KeyKind {
    match sort {
        SortKey::Name => KeyKind::Text,
        SortKey::Modified | SortKey::Size => KeyKind::Int,
    }
}

/// The folder's subfolders, when the listing shows them: its live folders
/// directly in it, in the sort.
struct Subfolders<'p> {
    space: SpaceId,
    params: &'p ListParams,
    /// How many there are (none for a search or the whole space).
    count: i64,
}

impl Part for Subfolders<'_> {
    type Row = FolderRow;
    type Item = Folder;

    fn select(&self) -> Option<Sql<'_>> {
        // A folder without subfolders (most are) has none to read.
        if self.count == 0 {
            return None;
        }
        let mut qb = Sql::new(format!(
            "SELECT {FOLDER_COLUMNS} FROM folders f WHERE f.space_id = "
        ));
        qb.push_bind(self.space)
            .push(" AND")
            .push_matches("f.parent_id", self.params.within.and_then(|w| w.folder()))
            .push(" AND f.deleted_at IS NULL");
        Some(qb)
    }

    fn order(&self) -> Order {
        Order {
            alias: "f",
            column: folder_key(self.params.sort).0,
            ascending: self.params.dir == SortDir::Asc,
        }
    }

    fn cursor(&self, folder: &Folder) -> String {
        let sort = self.params.sort;
        Cursor {
            sort: folder_cursor_sort(sort),
            key: match folder_key(sort).1 {
                KeyKind::Int => CursorKey::Int(folder.updated_at.millis()),
                KeyKind::Text => CursorKey::Text(folder.name.clone()),
            },
            id: folder.id.0,
        }
        .encode()
    }
}

/// The live assets listed: in the folder (or everywhere), matching the
/// search, in the sort.
struct LiveAssets<'p> {
    space: SpaceId,
    params: &'p ListParams,
    /// The search, with what it found.
    searched: &'p Searched<'p>,
}

impl Part for LiveAssets<'_> {
    type Row = AssetRow;
    type Item = Asset;

    fn select(&self) -> Option<Sql<'_>> {
        let mut qb = Sql::new(
            "SELECT a.id, a.name, a.mime_type, a.kind, a.size_bytes, a.width, a.height, \
             a.has_thumbnail, a.updated_at, a.folder_id, a.used_in FROM assets a WHERE TRUE",
        );
        push_live_scope(&mut qb, self.space);
        push_within(&mut qb, self.params.within);
        push_usage_in_order(&mut qb, self.params.usage);
        self.searched.keep_matches(qb)
    }

    fn order(&self) -> Order {
        Order {
            alias: "a",
            column: sort_column(self.params.sort),
            ascending: self.params.dir == SortDir::Asc,
        }
    }

    fn cursor(&self, asset: &Asset) -> String {
        cursor_for(self.params.sort, asset)
    }
}

pub(super) fn cursor_for(sort: SortKey, asset: &Asset) -> String {
    let key = match sort {
        SortKey::Name => CursorKey::Text(asset.name.clone()),
        SortKey::Modified => CursorKey::Int(asset.updated_at.millis()),
        SortKey::Size => CursorKey::Int(asset.size_bytes),
    };
    Cursor {
        sort: sort.as_str().to_owned(),
        key,
        id: asset.id.0,
    }
    .encode()
}

/// The assets listed (" AND …" on `assets a`): the space's live assets,
/// in the folder listed or searched (or everywhere), by the Usage filter.
fn push_scope(qb: &mut Sql<'_>, space: SpaceId, params: &ListParams) {
    push_live_scope(qb, space);
    push_within(qb, params.within);
    push_usage(qb, params.usage);
}

/// One page of a space's live assets (a folder's subfolders first, when
/// listing a folder without a search), plus how many match (see
/// `crate::platform::search` for how a search stays fast at any size). A folder that
/// is not a live folder of `space` is a 404.
#[cfg_attr(feature = "ssr", tracing::instrument(skip(pool)))]
pub async fn list_live(
    pool: &AnyPool,
    space: SpaceId,
    params: &ListParams,
) -> Result<AssetPage, AppError> {
    // One connection for every statement of the page (see `read_page`).
    let mut conn = pool.acquire().await?;
    let crumbs = match params.within.and_then(|w| w.folder()) {
        Some(folder) => path(&mut conn, space, folder).await?,
        None => Vec::new(),
    };
    // A Usage filter has no kept count: it is narrowed as a search is.
    let filtered = params.usage.is_some();
    let searched = Searched::run_filtered(&mut conn, params.search.as_ref(), filtered, |qb| {
        push_scope(qb, space, params)
    })
    .await?;
    let (total, total_capped, folder_total) = match searched.total() {
        Some((total, capped)) => (total, capped, 0),
        None => {
            let (assets, folders) = live_counts(&mut conn, space, params.within).await?;
            (assets, false, folders)
        }
    };

    let subfolders = Subfolders {
        space,
        params,
        count: folder_total,
    };
    let assets = LiveAssets {
        space,
        params,
        searched: &searched,
    };
    let page = read_page(
        &mut conn,
        params.phase,
        &params.at,
        params.limit,
        &subfolders,
        &assets,
    )
    .await?;
    let locations = if params.within.is_none() {
        let in_folders = page.assets.iter().filter_map(|a| a.folder).collect();
        paths(&mut conn, &in_folders)
            .await?
            .into_iter()
            .map(|(folder, names)| Location {
                folder,
                path: path_label(names.iter().map(String::as_str)),
            })
            .collect()
    } else {
        Vec::new()
    };

    Ok(AssetPage {
        path: crumbs,
        folders: page.folders,
        items: page.assets,
        folder_total,
        locations,
        total,
        total_capped,
        next: page.next,
        prev: page.prev,
    })
}

/// Live assets in the space, at its top level or in one folder (kept
/// counts), and the live folders directly there (none for the whole
/// space): one statement.
async fn live_counts(
    conn: &mut sqlx::AnyConnection,
    space: SpaceId,
    within: Option<Within>,
) -> Result<(i64, i64), AppError> {
    let mut query = match within {
        None => Sql::new("SELECT live_assets, 0 FROM spaces WHERE id = "),
        Some(within) => {
            let folder = within.folder().map(|f| f.0);
            let mut query = Sql::new("SELECT ");
            match folder {
                None => query
                    .push("(SELECT root_assets FROM spaces WHERE id = ")
                    .push_bind(space.0),
                Some(folder) => query
                    .push("(SELECT live_assets FROM folders WHERE id = ")
                    .push_bind(folder),
            };
            query
                .push("), (SELECT COUNT(*) FROM folders WHERE space_id = ")
                .push_bind(space.0)
                .push(" AND")
                .push_matches("parent_id", folder)
                .push(" AND deleted_at IS NULL) FROM spaces WHERE id = ");
            query
        }
    };
    query.push_bind(space.0);
    let counts: Option<(Option<i64>, i64)> =
        query.build_query_as().fetch_optional(&mut *conn).await?;
    Ok(counts.map_or((0, 0), |(assets, folders)| (assets.unwrap_or(0), folders)))
}

#[cfg(test)]
mod tests;
