//! Trash's pages against a database: walked both ways, filtered, by the
//! day in the reader's zone, and without what has expired.

use super::*;
use crate::domain::ids::AssetId;
use crate::domain::paging::{ListingQuery, PageAt};
use crate::platform::clock::Clock;
use crate::platform::db::test_pool;
use crate::spaces::data::ensure;
use crate::trash::bulk::move_to_trash;
use crate::trash::fixtures::{assets, user, NOW};
use crate::trash::model::DEFAULT_RETENTION_MILLIS;

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
        NOW.plus_millis(DEFAULT_RETENTION_MILLIS),
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
    use crate::domain::time::{Day, MILLIS_PER_MINUTE};
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
