//! The listing's cursors, and its pages against a database: every sort,
//! both ways, with searches, inserts, trashed rows and other spaces.

use std::collections::HashSet;

use super::super::{find_live_file, insert, rename, NewAsset};
use super::*;
use crate::assets::model::AssetKind;
use crate::domain::ids::AssetId;
use crate::domain::time::Timestamp;
use crate::platform::db::test_pool;
use crate::spaces::data::ensure;

#[test]
fn cursors_must_match_the_sort() {
    let asset = Asset {
        id: AssetId(3),
        name: "a.png".into(),
        mime_type: "image/png".into(),
        kind: AssetKind::Image,
        size_bytes: 10,
        width: None,
        height: None,
        has_thumbnail: false,
        updated_at: Timestamp::from_millis(5),
        folder: None,
        used_in: 0,
    };
    let by_name = cursor_for(SortKey::Name, &asset);
    let at = PageAt::After(by_name);
    assert!(ListParams::parse(None, None, SortKey::Name, SortDir::Asc, &at, 50).is_ok());
    assert!(matches!(
        ListParams::parse(None, None, SortKey::Size, SortDir::Asc, &at, 50),
        Err(AppError::Validation(_))
    ));
}

async fn add(
    pool: &AnyPool,
    space: SpaceId,
    name: &str,
    size: i64,
    updated_millis: i64,
) -> AssetId {
    let updated_at = Timestamp::from_millis(updated_millis);
    insert(
        pool,
        &NewAsset {
            space,
            name: name.to_owned(),
            mime_type: "image/png".to_owned(),
            size_bytes: size,
            width: None,
            height: None,
            storage_key: crate::platform::storage::Storage::new_key(),
            has_thumbnail: false,
            folder: None,
            created_by: None,
            created_at: updated_at,
            updated_at,
        },
    )
    .await
    .unwrap()
    .id
}

/// 130 assets with deliberately repeated names, sizes and times, so that
/// ties are broken by id across page boundaries.
async fn fixture(pool: &AnyPool) -> (SpaceId, Vec<AssetId>) {
    let space = ensure(pool, "s", "S", Timestamp::EPOCH).await.unwrap().id;
    let mut ids = Vec::new();
    for i in 0..130_i64 {
        let name = format!(
            "{}-{}.png",
            ["Beach", "city", "Logo", "apple"][(i % 4) as usize],
            i % 9
        );
        ids.push(add(pool, space, &name, (i * 7919) % 13, 1_000 + (i * 31) % 17).await);
    }
    (space, ids)
}

fn params(sort: SortKey, dir: SortDir, at: Position, limit: u32) -> ListParams {
    ListParams {
        search: None,
        within: None,
        usage: None,
        phase: Phase::Assets,
        sort,
        dir,
        at,
        limit,
    }
}

/// Walks forward from the first page and returns each page's ids.
async fn walk(pool: &AnyPool, space: SpaceId, sort: SortKey, dir: SortDir) -> Vec<Vec<AssetId>> {
    let mut pages = Vec::new();
    let mut at = Position::First;
    loop {
        let page = list_live(pool, space, &params(sort, dir, at, 25))
            .await
            .unwrap();
        pages.push(page.items.iter().map(|a| a.id).collect());
        match page.next {
            Some(next) => {
                at = Position::After(Cursor::decode(&next, sort.as_str(), key_kind(sort)).unwrap())
            }
            None => return pages,
        }
    }
}

fn expected_order(rows: &mut [Asset], sort: SortKey, dir: SortDir) {
    rows.sort_by(|a, b| {
        let ordering = match sort {
            SortKey::Name => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
            SortKey::Modified => a.updated_at.cmp(&b.updated_at),
            SortKey::Size => a.size_bytes.cmp(&b.size_bytes),
        }
        .then(a.id.cmp(&b.id));
        if dir == SortDir::Asc {
            ordering
        } else {
            ordering.reverse()
        }
    });
}

#[tokio::test]
async fn pages_are_in_a_stable_total_order_for_every_sort() {
    let (pool, _dir) = test_pool().await;
    let (space, _) = fixture(&pool).await;
    let all = list_live(
        &pool,
        space,
        &params(SortKey::Name, SortDir::Asc, Position::First, 1000),
    )
    .await
    .unwrap();
    assert_eq!(all.total, 130);
    for sort in [SortKey::Name, SortKey::Modified, SortKey::Size] {
        for dir in [SortDir::Asc, SortDir::Desc] {
            let pages = walk(&pool, space, sort, dir).await;
            assert_eq!(pages.len(), 6, "{sort:?} {dir:?}");
            assert!(pages[..5].iter().all(|p| p.len() == 25));
            let walked: Vec<AssetId> = pages.concat();
            let mut expected = all.items.clone();
            expected_order(&mut expected, sort, dir);
            let expected: Vec<AssetId> = expected.iter().map(|a| a.id).collect();
            assert_eq!(walked, expected, "{sort:?} {dir:?}");
        }
    }
}

#[tokio::test]
async fn previous_page_returns_exactly_the_page_before() {
    let (pool, _dir) = test_pool().await;
    let (space, _) = fixture(&pool).await;
    let sort = SortKey::Name;
    let first = list_live(
        &pool,
        space,
        &params(sort, SortDir::Asc, Position::First, 25),
    )
    .await
    .unwrap();
    assert_eq!(first.prev, None);
    let after = Cursor::decode(first.next.as_deref().unwrap(), "name", KeyKind::Text).unwrap();
    let second = list_live(
        &pool,
        space,
        &params(sort, SortDir::Asc, Position::After(after), 25),
    )
    .await
    .unwrap();
    let before = Cursor::decode(second.prev.as_deref().unwrap(), "name", KeyKind::Text).unwrap();
    let back = list_live(
        &pool,
        space,
        &params(sort, SortDir::Asc, Position::Before(before), 25),
    )
    .await
    .unwrap();
    assert_eq!(back.items, first.items);
    assert_eq!(back.prev, None, "the first page has no previous page");
    assert!(back.next.is_some());
}

#[tokio::test]
async fn no_row_repeats_or_goes_missing_while_rows_are_inserted() {
    let (pool, _dir) = test_pool().await;
    let (space, original) = fixture(&pool).await;
    for sort in [SortKey::Name, SortKey::Modified, SortKey::Size] {
        let mut seen = Vec::new();
        let mut at = Position::First;
        let mut round = 0;
        loop {
            let page = list_live(&pool, space, &params(sort, SortDir::Asc, at, 20))
                .await
                .unwrap();
            seen.extend(page.items.iter().map(|a| a.id));
            // Someone uploads between page loads: before, inside and after
            // the window being read.
            for (j, name) in ["aaa-new.png", "Logo-4.png", "zzz-new.png"]
                .iter()
                .enumerate()
            {
                add(
                    &pool,
                    space,
                    name,
                    (round * 3 + j as i64) % 13,
                    1_005 + round,
                )
                .await;
            }
            round += 1;
            match page.next {
                Some(next) => {
                    at = Position::After(
                        Cursor::decode(&next, sort.as_str(), key_kind(sort)).unwrap(),
                    )
                }
                None => break,
            }
        }
        let unique: HashSet<_> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "{sort:?}: a row repeated");
        for id in &original {
            assert!(unique.contains(id), "{sort:?}: {id:?} went missing");
        }
    }
}

#[tokio::test]
async fn the_live_counter_follows_inserts_trash_restore_and_deletes() {
    let (pool, _dir) = test_pool().await;
    let (space, ids) = fixture(&pool).await;
    let other = ensure(&pool, "other", "Other", Timestamp::EPOCH)
        .await
        .unwrap()
        .id;
    add(&pool, other, "x.png", 1, 1).await;
    let scan = |space: SpaceId| {
        let pool = pool.clone();
        async move {
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM assets WHERE space_id = $1 AND deleted_at IS NULL",
            )
            .bind(space)
            .fetch_one(&pool)
            .await
            .unwrap();
            let listed = list_live(
                &pool,
                space,
                &params(SortKey::Name, SortDir::Asc, Position::First, 1),
            )
            .await
            .unwrap();
            assert!(!listed.total_capped);
            (n, listed.total)
        }
    };
    assert_eq!(scan(space).await, (130, 130));
    sqlx::query(
        "UPDATE assets SET deleted_at = 5, delete_batch = 'b', expires_at = 6 WHERE id <= $1",
    )
    .bind(ids[9])
    .execute(&pool)
    .await
    .unwrap();
    // Trashing again changes nothing.
    sqlx::query("UPDATE assets SET deleted_at = 6, expires_at = 7 WHERE id <= $1")
        .bind(ids[9])
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(scan(space).await, (120, 120));
    sqlx::query("UPDATE assets SET deleted_at = NULL, delete_batch = NULL, expires_at = NULL WHERE id <= $1")
        .bind(ids[4])
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(scan(space).await, (125, 125));
    sqlx::query("DELETE FROM assets WHERE id IN ($1, $2)")
        .bind(ids[0]) // live
        .bind(ids[7]) // trashed
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(scan(space).await, (124, 124));
    assert_eq!(scan(other).await, (1, 1));
}

#[tokio::test]
async fn search_narrows_and_treats_wildcards_literally() {
    let (pool, _dir) = test_pool().await;
    let (space, _) = fixture(&pool).await;
    add(&pool, space, "100%_sale.png", 1, 1).await;
    add(&pool, space, "1000-sale.png", 1, 1).await;
    let search = |term: &str| {
        let pool = pool.clone();
        let search = NameSearch::parse(term).unwrap();
        async move {
            let p = ListParams {
                search,
                ..params(SortKey::Name, SortDir::Asc, Position::First, 500)
            };
            list_live(&pool, space, &p).await.unwrap()
        }
    };
    let logos = search("  LOGO ").await;
    assert_eq!(logos.total, 32);
    assert_eq!(logos.items.len(), 32);
    assert!(logos.items.iter().all(|a| a.name.starts_with("Logo")));
    let sale = search("100%_").await;
    assert_eq!(
        sale.items
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>(),
        ["100%_sale.png"]
    );
    assert_eq!(search("nothing like it").await.total, 0);
}

#[tokio::test]
async fn trashed_assets_and_other_spaces_never_appear() {
    let (pool, _dir) = test_pool().await;
    let (space, ids) = fixture(&pool).await;
    let other = ensure(&pool, "other", "Other", Timestamp::EPOCH)
        .await
        .unwrap()
        .id;
    let foreign = add(&pool, other, "Beach-0.png", 1, 1).await;
    let trashed: Vec<AssetId> = ids.iter().copied().step_by(3).collect();
    for id in &trashed {
        sqlx::query(
            "UPDATE assets SET deleted_at = 1, delete_batch = 'b', expires_at = 2 WHERE id = $1",
        )
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();
    }
    for sort in [SortKey::Name, SortKey::Modified, SortKey::Size] {
        let pages = walk(&pool, space, sort, SortDir::Desc).await.concat();
        assert_eq!(pages.len(), 130 - trashed.len());
        assert!(pages
            .iter()
            .all(|id| !trashed.contains(id) && *id != foreign));
    }
    let beach = ListParams {
        search: NameSearch::parse("beach").unwrap(),
        ..params(SortKey::Name, SortDir::Asc, Position::First, 500)
    };
    let found = list_live(&pool, space, &beach).await.unwrap();
    assert_eq!(found.total as usize, found.items.len());
    assert!(found
        .items
        .iter()
        .all(|a| !trashed.contains(&a.id) && a.id != foreign));

    assert!(find_live_file(&pool, "s", trashed[0])
        .await
        .unwrap()
        .is_none());
    assert!(find_live_file(&pool, "s", ids[1]).await.unwrap().is_some());
    assert!(
        find_live_file(&pool, "s", foreign).await.unwrap().is_none(),
        "wrong space"
    );
}

fn searching(term: &str, sort: SortKey, at: Position, limit: u32) -> ListParams {
    ListParams {
        search: NameSearch::parse(term).unwrap(),
        ..params(sort, SortDir::Asc, at, limit)
    }
}

/// Every page of a search, forward, as ids.
async fn walk_search(pool: &AnyPool, space: SpaceId, term: &str, sort: SortKey) -> Vec<AssetPage> {
    let mut pages = Vec::new();
    let mut at = Position::First;
    loop {
        let page = list_live(pool, space, &searching(term, sort, at, 400))
            .await
            .unwrap();
        let next = page.next.clone();
        pages.push(page);
        match next {
            Some(next) => {
                at = Position::After(Cursor::decode(&next, sort.as_str(), key_kind(sort)).unwrap())
            }
            None => return pages,
        }
    }
}

#[tokio::test]
async fn a_common_term_pages_through_every_match_and_caps_its_count() {
    let (pool, _dir) = test_pool().await;
    let (space, _) = fixture(&pool).await;
    let mut banners = HashSet::new();
    for i in 0..1_100_i64 {
        banners.insert(add(&pool, space, &format!("Banner {i:04}.png"), i % 7, i % 11).await);
    }
    for sort in [SortKey::Name, SortKey::Size] {
        let pages = walk_search(&pool, space, "banner", sort).await;
        // More than the cap: the count is a lower bound, said as such.
        assert!(pages.iter().all(|p| p.total_capped && p.total == 1_000));
        let mut rows: Vec<Asset> = pages.into_iter().flat_map(|p| p.items).collect();
        let ids: HashSet<AssetId> = rows.iter().map(|a| a.id).collect();
        assert_eq!(ids, banners, "every match once, sorted by {sort:?}");
        let listed: Vec<AssetId> = rows.iter().map(|a| a.id).collect();
        expected_order(&mut rows, sort, SortDir::Asc);
        assert_eq!(listed, rows.iter().map(|a| a.id).collect::<Vec<_>>());
    }
    // A rarer term among them is counted exactly.
    let few = list_live(
        &pool,
        space,
        &searching("banner 10", SortKey::Name, Position::First, 50),
    )
    .await
    .unwrap();
    assert_eq!(
        (few.total, few.total_capped, few.items.len()),
        (100, false, 50)
    );
    assert!(few.next.is_some());
}

#[tokio::test]
async fn terms_under_three_characters_match_the_start_of_names() {
    let (pool, _dir) = test_pool().await;
    let (space, _) = fixture(&pool).await;
    add(&pool, space, "blog-header.png", 1, 1).await;
    let found = list_live(
        &pool,
        space,
        &searching("lo", SortKey::Name, Position::First, 500),
    )
    .await
    .unwrap();
    // "Logo-…" starts with it; "blog-header" only contains it.
    assert_eq!(found.total, 32);
    assert!(found.items.iter().all(|a| a.name.starts_with("Logo")));
    let case_folded = list_live(
        &pool,
        space,
        &searching("L", SortKey::Size, Position::First, 500),
    )
    .await
    .unwrap();
    assert_eq!(case_folded.total, 32);
}

#[tokio::test]
async fn the_name_index_follows_renames_and_deletes() {
    let (pool, _dir) = test_pool().await;
    let (space, ids) = fixture(&pool).await;
    let find = |term: &'static str| {
        let pool = pool.clone();
        async move {
            list_live(
                &pool,
                space,
                &searching(term, SortKey::Name, Position::First, 500),
            )
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|a| a.id)
            .collect::<Vec<_>>()
        }
    };
    assert!(rename(
        &pool,
        space,
        ids[0],
        "Quarterly Review.pdf",
        Timestamp::from_millis(9)
    )
    .await
    .unwrap());
    assert_eq!(find("rly rev").await, [ids[0]]);
    assert!(!find("Beach-0").await.contains(&ids[0]));
    sqlx::query("DELETE FROM assets WHERE id = $1")
        .bind(ids[0])
        .execute(&pool)
        .await
        .unwrap();
    assert!(find("rly rev").await.is_empty());
    if crate::platform::db::dialect() == crate::platform::db::Dialect::Sqlite {
        // The FTS5 table is kept by triggers (PostgreSQL's index is
        // the database's own).
        let indexed: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM asset_names WHERE asset_names MATCH '\"review\"'",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(indexed, 0);
    }
}

/// Every page of a filtered listing (and search, if any), forward.
async fn walk_usage(
    pool: &AnyPool,
    space: SpaceId,
    usage: Usage,
    search: Option<&str>,
    within: Option<Within>,
) -> Vec<AssetPage> {
    let sort = SortKey::Name;
    let mut pages = Vec::new();
    let mut at = PageAt::First;
    loop {
        let params =
            ListParams::parse_filtered(search, within, Some(usage), sort, SortDir::Asc, &at, 7)
                .unwrap();
        let page = list_live(pool, space, &params).await.unwrap();
        let next = page.next.clone();
        pages.push(page);
        match next {
            Some(next) => at = PageAt::After(next),
            None => return pages,
        }
    }
}

/// "In use" and "Not in use" split the listing between them, with exact
/// counts and no folder rows, page by page, alone or with a search, and
/// follow the references as they change.
#[tokio::test]
async fn the_usage_filter_splits_the_listing_by_references() {
    use crate::assets::usage::data::set_references;
    use crate::assets::usage::model::Source;
    let (pool, _dir) = test_pool().await;
    let (space, ids) = fixture(&pool).await;
    crate::assets::folders::data::create(&pool, space, None, "Dest", None, Timestamp::EPOCH)
        .await
        .unwrap();
    let used: Vec<AssetId> = ids.iter().copied().step_by(5).collect();
    let source = |id: &str| Source {
        system: "cms".into(),
        id: id.into(),
        title: id.into(),
        url: None,
    };
    let now = Timestamp::from_millis(9_000);
    set_references(&pool, space, &source("a"), &used, now)
        .await
        .unwrap();
    // A second source over some of them: still one row each.
    set_references(&pool, space, &source("b"), &used[..3], now)
        .await
        .unwrap();
    let top = Some(Within::TopLevel);
    let ids_of = |pages: &[AssetPage]| -> Vec<AssetId> {
        pages
            .iter()
            .flat_map(|p| p.items.iter().map(|a| a.id))
            .collect()
    };

    let in_use = walk_usage(&pool, space, Usage::InUse, None, top).await;
    assert_eq!(in_use[0].total, used.len() as i64);
    assert!(in_use
        .iter()
        .all(|p| p.folders.is_empty() && p.folder_total == 0));
    assert!(in_use.iter().flat_map(|p| &p.items).all(|a| a.used_in > 0));
    let mut found = ids_of(&in_use);
    found.sort();
    assert_eq!(found, used);
    assert_eq!(
        in_use[0].items.iter().filter(|a| a.used_in == 2).count(),
        in_use[0]
            .items
            .iter()
            .filter(|a| used[..3].contains(&a.id))
            .count()
    );

    let not_in_use = walk_usage(&pool, space, Usage::NotInUse, None, top).await;
    assert_eq!(not_in_use[0].total, (ids.len() - used.len()) as i64);
    let mut rest = ids_of(&not_in_use);
    rest.extend(found);
    rest.sort();
    assert_eq!(rest, ids, "the two filters cover every asset once");

    // With a search: the search's matches, filtered.
    let logos = walk_usage(&pool, space, Usage::InUse, Some("logo"), None).await;
    let expected = list_live(
        &pool,
        space,
        &searching("logo", SortKey::Name, Position::First, 400),
    )
    .await
    .unwrap()
    .items
    .into_iter()
    .filter(|a| used.contains(&a.id))
    .count();
    assert_eq!(logos[0].total, expected as i64);
    assert_eq!(ids_of(&logos).len(), expected);

    // Emptied: nothing is in use.
    set_references(&pool, space, &source("a"), &[], now)
        .await
        .unwrap();
    set_references(&pool, space, &source("b"), &[], now)
        .await
        .unwrap();
    let none = walk_usage(&pool, space, Usage::InUse, None, top).await;
    assert_eq!((none.len(), none[0].total), (1, 0));
    assert!(none[0].items.is_empty());
}
