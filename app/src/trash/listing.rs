//! Reading Trash: one page of a space's restorable trashed assets, with
//! filters and keyset paging, and a trashed asset's file for its thumbnail.

use crate::db::Sql;
use sqlx::AnyPool;

mod folders;

pub(crate) use folders::push_topmost;
use folders::{assets_inside, count_folders, read_folders, Locations, FOLDERS_CURSOR};

use super::model::{
    days_left_label, restorable_after, Deleter, TrashMatching, TrashPage, TrashQuery, TrashedAsset,
    TrashedFolder,
};
use crate::assets::data::StoredFile;
use crate::assets::model::AssetKind;
use crate::error::AppError;
use crate::ids::AssetId;
use crate::ids::{FolderId, SpaceId, UserId};
use crate::keyset::{push_seek, Cursor, CursorError, CursorKey, KeyKind, Phase, Position};
use crate::paging::{PageAt, MAX_MATCHING};
use crate::search::{count_matching, narrow, NameSearch, Narrowed};
use crate::time::{Timestamp, MILLIS_PER_DAY};

/// Validated Trash filters: what a page shows, and what "all matching"
/// restores or deletes.
#[derive(Debug, Clone, Default)]
pub struct TrashFilters {
    pub search: Option<NameSearch>,
    pub deleted_by: Option<UserId>,
    pub kind: Option<AssetKind>,
    /// Deleted at or after this instant…
    pub deleted_from: Option<Timestamp>,
    /// …and before this one.
    pub deleted_before: Option<Timestamp>,
}

impl TrashFilters {
    /// Refuses search terms that are too long and zones that do not exist.
    pub fn parse(matching: &TrashMatching) -> Result<Self, AppError> {
        let tz = matching.tz;
        if !(-14 * 60..=14 * 60).contains(&tz) {
            return Err(AppError::validation(
                "tz is the minutes your clock is behind UTC, from -840 to 840.",
            ));
        }
        Ok(Self {
            search: NameSearch::parse(&matching.search)?,
            deleted_by: matching.deleted_by,
            kind: matching.kind,
            deleted_from: matching.from.map(|day| day.start(tz)),
            deleted_before: matching
                .to
                .map(|day| day.start(tz).plus_millis(MILLIS_PER_DAY)),
        })
    }

    /// Whether any filter narrows Trash.
    pub fn is_filtered(&self) -> bool {
        self.search.is_some()
            || self.deleted_by.is_some()
            || self.kind.is_some()
            || self.deleted_from.is_some()
            || self.deleted_before.is_some()
    }
}

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

/// The rows Trash may show (" AND …" on `assets a`): the space's trashed
/// assets still within their 14 days, by the filters other than search.
pub(crate) fn push_trash_scope(
    qb: &mut Sql<'_>,
    space: SpaceId,
    filters: &TrashFilters,
    now: Timestamp,
) {
    qb.push(" AND a.space_id = ")
        .push_bind(space)
        .push(" AND a.deleted_at IS NOT NULL AND a.deleted_at > ")
        .push_bind(restorable_after(now));
    push_topmost(qb, "folder_id");
    if let Some(user) = filters.deleted_by {
        qb.push(" AND a.deleted_by = ").push_bind(user);
    }
    if let Some(kind) = filters.kind {
        qb.push(" AND a.kind = ").push_bind(kind);
    }
    if let Some(from) = filters.deleted_from {
        qb.push(" AND a.deleted_at >= ").push_bind(from);
    }
    if let Some(before) = filters.deleted_before {
        qb.push(" AND a.deleted_at < ").push_bind(before);
    }
}

#[derive(sqlx::FromRow)]
struct TrashRow {
    id: AssetId,
    name: String,
    mime_type: String,
    kind: AssetKind,
    #[sqlx(try_from = "crate::db::Flag")]
    has_thumbnail: bool,
    deleted_by: Option<String>,
    deleted_at: Timestamp,
    folder_id: Option<FolderId>,
    #[sqlx(try_from = "crate::db::Flag")]
    folder_gone: bool,
}

/// A keyset read of Trash (`a`), newest first when reading `forward`.
fn push_newest_first(qb: &mut Sql<'_>, cursor: Option<&Cursor>, forward: bool, take: usize) {
    push_seek(qb, "a", "deleted_at", cursor, !forward, take);
}

/// A row of a Trash page.
enum Row {
    Folder(folders::FolderRow),
    Asset(TrashRow),
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

/// One page of a space's restorable trashed assets, newest first, with the
/// total that match and who has assets in Trash. Assets whose 14 days are
/// over are gone from Trash even before the purge removes them.
#[cfg_attr(feature = "ssr", tracing::instrument(skip(pool)))]
pub async fn list_trash(
    pool: &AnyPool,
    space: SpaceId,
    params: &TrashParams,
    now: Timestamp,
) -> Result<TrashPage, AppError> {
    let filters = &params.filters;
    let scope = |qb: &mut Sql<'_>| push_trash_scope(qb, space, filters, now);
    // One connection for the few statements. No transaction: a row that
    // changes between them shows up (or not) on the next refresh, and
    // BEGIN/COMMIT would cost two more round trips on every page.
    let mut conn = pool.acquire().await?;
    let narrowed = match &filters.search {
        Some(search) => Some(narrow(&mut conn, search, scope).await?),
        None => None,
    };
    if let Some(Cursor {
        key: CursorKey::Text(_),
        ..
    }) = params.at.seek().0
    {
        return Err(AppError::validation(CursorError.to_string()));
    }
    let read_assets = |cursor: Option<&Cursor>, forward: bool, take: usize| {
        let mut qb = Sql::new(
            "SELECT a.id, a.name, a.mime_type, a.kind, a.has_thumbnail, u.name AS deleted_by, \
             a.deleted_at, a.folder_id, a.folder_gone \
             FROM assets a LEFT JOIN users u ON u.id = a.deleted_by WHERE TRUE",
        );
        scope(&mut qb);
        if let (Some(narrowed), Some(search)) = (&narrowed, &filters.search) {
            narrowed.push_condition(search, &mut qb);
        }
        push_newest_first(&mut qb, cursor, forward, take);
        qb
    };
    // Folder rows first, then assets, as the Assets page reads them.
    let forward = params.at.seek().1;
    let limit = params.limit as usize;
    let no_assets = narrowed.as_ref().is_some_and(Narrowed::is_empty);
    let mut rows: Vec<Row> = Vec::new();
    for (phase, cursor) in params.at.reads(params.phase, true) {
        let take = limit + 1 - rows.len();
        match phase {
            None => break,
            _ if take == 0 => break,
            Some(Phase::Folders) => rows.extend(
                read_folders(space, filters, now, cursor, forward, take)
                    .build_query_as()
                    .fetch_all(&mut *conn)
                    .await?
                    .into_iter()
                    .map(Row::Folder),
            ),
            Some(Phase::Assets) if no_assets => {}
            Some(Phase::Assets) => rows.extend(
                read_assets(cursor, forward, take)
                    .build_query_as()
                    .fetch_all(&mut *conn)
                    .await?
                    .into_iter()
                    .map(Row::Asset),
            ),
        }
    }
    let cursor = |row: &Row| match row {
        Row::Folder(folder) => folder.cursor(),
        Row::Asset(row) => Cursor {
            sort: TRASH_CURSOR.to_owned(),
            key: CursorKey::Int(row.deleted_at.millis()),
            id: row.id.0,
        }
        .encode(),
    };
    let (rows, prev, next) = params.at.page(rows, params.limit, cursor);
    let (mut folder_rows, mut asset_rows) = (Vec::new(), Vec::new());
    for row in rows {
        match row {
            Row::Folder(folder) => folder_rows.push(folder),
            Row::Asset(asset) => asset_rows.push(asset),
        }
    }
    let places = folder_rows
        .iter()
        .filter_map(|f| f.parent_id)
        .chain(asset_rows.iter().filter_map(|a| a.folder_id));
    let locations = Locations::of(&mut conn, places).await?;
    let inside = assets_inside(
        &mut conn,
        &folder_rows.iter().map(|f| f.id).collect::<Vec<_>>(),
    )
    .await?;
    let folder_total = count_folders(&mut conn, space, filters, now).await?;

    let (total, total_capped) = match &narrowed {
        Some(narrowed) => narrowed.total(),
        None => {
            let mut count = Sql::new("SELECT COUNT(*) FROM assets a WHERE TRUE");
            scope(&mut count);
            (
                count.build_query_scalar().fetch_one(&mut *conn).await?,
                false,
            )
        }
    };

    let deleters: Vec<(UserId, String)> = sqlx::query_as(
        "SELECT u.id, u.name FROM users u
         WHERE u.id IN (SELECT deleted_by FROM assets
                        WHERE space_id = $1 AND deleted_at IS NOT NULL AND deleted_at > $2
                        UNION
                        SELECT deleted_by FROM folders
                        WHERE space_id = $1 AND deleted_at IS NOT NULL AND deleted_at > $2)
         ORDER BY u.name, u.id",
    )
    .bind(space)
    .bind(restorable_after(now))
    .fetch_all(&mut *conn)
    .await?;

    Ok(TrashPage {
        folders: folder_rows
            .into_iter()
            .map(|row| TrashedFolder {
                days_left: days_left_label(row.deleted_at, now),
                assets: inside.get(&row.id).copied().unwrap_or(0),
                location: locations.label(row.parent_id, row.parent_gone),
                id: row.id,
                name: row.name,
                deleted_by: row.deleted_by,
                deleted_at: row.deleted_at,
            })
            .collect(),
        folder_total,
        items: asset_rows
            .into_iter()
            .map(|row| TrashedAsset {
                days_left: days_left_label(row.deleted_at, now),
                location: locations.label(row.folder_id, row.folder_gone),
                id: row.id,
                name: row.name,
                mime_type: row.mime_type,
                kind: row.kind,
                has_thumbnail: row.has_thumbnail,
                deleted_by: row.deleted_by,
                deleted_at: row.deleted_at,
            })
            .collect(),
        total,
        total_capped,
        next,
        prev,
        deleters: deleters
            .into_iter()
            .map(|(id, name)| Deleter { id, name })
            .collect(),
    })
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
         WHERE s.slug = $1 AND a.id = $2 AND a.deleted_at IS NOT NULL AND a.deleted_at > $3",
    )
    .bind(space_slug)
    .bind(id)
    .bind(restorable_after(now))
    .fetch_optional(pool)
    .await
    .map_err(AppError::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use crate::db::test_pool;
    use crate::ids::AssetId;
    use crate::paging::{ListingQuery, PageAt};
    use crate::spaces::data::ensure;
    use crate::trash::bulk::move_to_trash;
    use crate::trash::fixtures::{assets, user, NOW};
    use crate::trash::model::RETENTION_MILLIS;

    fn first_page() -> TrashParams {
        TrashParams::parse(&TrashQuery::default(), 50).unwrap()
    }

    fn page_ids(page: &TrashPage) -> Vec<AssetId> {
        page.items.iter().map(|a| a.id).collect()
    }

    #[tokio::test]
    async fn trash_pages_walk_newest_first_and_filter() {
        let (pool, _dir) = test_pool().await;
        let space = ensure(&pool, "s", "S", Timestamp::EPOCH).await.unwrap().id;
        let ann = user(&pool, "ann@x").await;
        let bob = user(&pool, "bob@x").await;
        let ids = assets(&pool, space, 25).await;
        // Ann deletes 20 in two batches at the same moment (ties on
        // deleted_at), Bob 5 a minute later; one is renamed to a PDF.
        move_to_trash(&pool, space, ann, &ids[..10], &Clock::frozen(NOW))
            .await
            .unwrap();
        move_to_trash(&pool, space, ann, &ids[10..20], &Clock::frozen(NOW))
            .await
            .unwrap();
        move_to_trash(
            &pool,
            space,
            bob,
            &ids[20..],
            &Clock::frozen(NOW.plus_millis(60_000)),
        )
        .await
        .unwrap();
        sqlx::query("UPDATE assets SET name = 'Report.pdf', kind = 'document' WHERE id = $1")
            .bind(ids[3])
            .execute(&pool)
            .await
            .unwrap();
        let now = NOW.plus_millis(120_000);

        // Walk forward 7 at a time: every asset once, newest first.
        let mut query = TrashQuery::default();
        let mut seen = Vec::new();
        let mut pages = Vec::new();
        loop {
            let params = TrashParams::parse(&query, 7).unwrap();
            let page = list_trash(&pool, space, &params, now).await.unwrap();
            assert_eq!(page.total, 25);
            seen.extend(page_ids(&page));
            pages.push((query.clone(), page.clone()));
            match page.next {
                Some(next) => query = query.at(PageAt::After(next)),
                None => break,
            }
        }
        let mut expected: Vec<AssetId> = ids[20..].iter().rev().copied().collect();
        expected.extend(ids[..20].iter().rev());
        assert_eq!(seen, expected);
        assert_eq!(pages.len(), 4);
        // Back from the last page: exactly the page before.
        let prev = pages[3].1.prev.clone().unwrap();
        let params = TrashParams::parse(&query.at(PageAt::Before(prev)), 7).unwrap();
        let back = list_trash(&pool, space, &params, now).await.unwrap();
        assert_eq!(page_ids(&back), page_ids(&pages[2].1));

        let filtered = |query: TrashQuery| {
            let pool = pool.clone();
            async move {
                let params = TrashParams::parse(&query, 50).unwrap();
                list_trash(&pool, space, &params, now).await.unwrap()
            }
        };
        let by_bob = filtered(TrashQuery {
            deleted_by: Some(bob),
            ..TrashQuery::default()
        })
        .await;
        assert_eq!(by_bob.total, 5);
        assert_eq!(
            by_bob
                .deleters
                .iter()
                .map(|d| d.name.as_str())
                .collect::<Vec<_>>(),
            ["ann@x", "bob@x"],
            "the filter lists everyone, whatever is selected"
        );
        let documents = filtered(TrashQuery {
            kind: Some(AssetKind::Document),
            ..TrashQuery::default()
        })
        .await;
        assert_eq!(page_ids(&documents), [ids[3]]);
        let searched = filtered(TrashQuery {
            search: "report".into(),
            deleted_by: Some(ann),
            ..TrashQuery::default()
        })
        .await;
        assert_eq!(page_ids(&searched), [ids[3]]);
        let none = filtered(TrashQuery {
            search: "report".into(),
            deleted_by: Some(bob),
            ..TrashQuery::default()
        })
        .await;
        assert_eq!(none.total, 0);

        // Expired assets leave Trash before the purge runs.
        let later = list_trash(
            &pool,
            space,
            &first_page(),
            NOW.plus_millis(RETENTION_MILLIS),
        )
        .await
        .unwrap();
        assert_eq!(
            page_ids(&later),
            ids[20..].iter().rev().copied().collect::<Vec<_>>()
        );

        // Cursors from another listing are refused.
        let foreign = Cursor {
            sort: "name".into(),
            key: CursorKey::Int(1),
            id: 1,
        }
        .encode();
        assert!(matches!(
            TrashParams::parse(&TrashQuery::default().at(PageAt::After(foreign)), 7),
            Err(AppError::Validation(_))
        ));
    }

    /// "Deleted on" from one day to another, both included, in the
    /// reader's zone: an asset deleted at 23:30 UTC is on the next day in
    /// Paris.
    #[tokio::test]
    async fn trash_filters_by_the_day_of_deletion_in_the_readers_zone() {
        use crate::time::{Day, MILLIS_PER_MINUTE};
        let (pool, _dir) = test_pool().await;
        let space = ensure(&pool, "s", "S", Timestamp::EPOCH).await.unwrap().id;
        let ann = user(&pool, "ann@x").await;
        let ids = assets(&pool, space, 2).await;
        let day = Day::parse("2026-11-27").unwrap();
        let next = Day::parse("2026-11-28").unwrap();
        let late = day
            .start(0)
            .plus_millis(23 * 60 * MILLIS_PER_MINUTE + 30 * MILLIS_PER_MINUTE);
        let early = next.start(0).plus_millis(30 * MILLIS_PER_MINUTE);
        move_to_trash(&pool, space, ann, &ids[..1], &Clock::frozen(late))
            .await
            .unwrap();
        move_to_trash(&pool, space, ann, &ids[1..], &Clock::frozen(early))
            .await
            .unwrap();
        let now = early.plus_millis(60 * MILLIS_PER_MINUTE);
        let on = |from: Day, to: Day, tz: i32| {
            let pool = pool.clone();
            async move {
                let query = TrashQuery {
                    from: Some(from),
                    to: Some(to),
                    tz,
                    ..TrashQuery::default()
                };
                let params = TrashParams::parse(&query, 50).unwrap();
                let mut found = page_ids(&list_trash(&pool, space, &params, now).await.unwrap());
                found.sort_unstable();
                found
            }
        };
        assert_eq!(on(day, day, 0).await, [ids[0]]);
        assert_eq!(on(next, next, 0).await, [ids[1]]);
        assert_eq!(on(day, next, 0).await, ids);
        // In Paris (one hour ahead of UTC) both were deleted on the 28th.
        assert_eq!(on(next, next, -60).await, ids);
        assert!(on(day, day, -60).await.is_empty());
        // A range that ends before it starts holds nothing.
        assert!(on(next, day, 0).await.is_empty());
    }
}
