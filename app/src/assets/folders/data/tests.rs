use super::*;
use crate::assets::data::{insert, list_live, ListParams, NewAsset};
use crate::assets::model::{SortDir, SortKey};
use crate::assets::moving::{move_items, AssetFilters};
use crate::domain::bulk_target::{BulkTarget, Items};
use crate::domain::ids::AssetId;
use crate::domain::paging::PageAt;
use crate::platform::db::test_pool;
use crate::spaces::data::ensure;

async fn space(pool: &AnyPool) -> SpaceId {
    ensure(pool, "s", "S", Timestamp::EPOCH).await.unwrap().id
}

async fn folder(pool: &AnyPool, space: SpaceId, parent: Option<FolderId>, name: &str) -> FolderId {
    create(pool, space, parent, name, None, Timestamp::from_millis(1))
        .await
        .unwrap()
        .id
}

async fn asset(pool: &AnyPool, space: SpaceId, folder: Option<FolderId>, name: &str) -> AssetId {
    let asset = NewAsset::for_test(space, folder, name);
    insert(pool, &asset).await.unwrap().id
}

/// Listed folders and assets, as a move names them.
fn listed(folders: &[FolderId], assets: &[AssetId]) -> BulkTarget<AssetFilters> {
    BulkTarget::ids(assets.to_vec(), folders.to_vec())
}

/// (live assets kept for each folder, counted) and the top level's.
async fn counters_agree(pool: &AnyPool, space: SpaceId) {
    let wrong: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT f.id, f.live_assets, (SELECT COUNT(*) FROM assets a
                                      WHERE a.folder_id = f.id AND a.deleted_at IS NULL)
         FROM folders f WHERE f.live_assets <> (SELECT COUNT(*) FROM assets a
                                      WHERE a.folder_id = f.id AND a.deleted_at IS NULL)",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert!(wrong.is_empty(), "folder counters: {wrong:?}");
    let (kept, counted): (i64, i64) = sqlx::query_as(
        "SELECT root_assets, (SELECT COUNT(*) FROM assets
                              WHERE space_id = $1 AND folder_id IS NULL AND deleted_at IS NULL)
         FROM spaces WHERE id = $1",
    )
    .bind(space)
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(kept, counted, "top-level counter");
}

#[tokio::test]
async fn sibling_names_are_unique_case_insensitively_and_depth_is_bounded() {
    let (pool, _dir) = test_pool().await;
    let space = space(&pool).await;
    let spring = folder(&pool, space, None, "Spring").await;
    let now = Timestamp::from_millis(2);
    let clash = create(&pool, space, None, "SPRING", None, now).await;
    assert!(matches!(clash, Err(AppError::Conflict(m)) if m.contains("“SPRING”")));
    // The same name in another folder is fine; renaming onto a sibling is not.
    let inner = folder(&pool, space, Some(spring), "Spring").await;
    let other = folder(&pool, space, None, "Autumn").await;
    assert!(matches!(
        rename(&pool, space, other, "spring", now).await,
        Err(AppError::Conflict(_))
    ));
    assert_eq!(
        rename(&pool, space, other, "AUTUMN", now)
            .await
            .unwrap()
            .name,
        "AUTUMN"
    );
    // A parent in another space, or none at all, is a 404.
    let foreign = ensure(&pool, "o", "O", Timestamp::EPOCH).await.unwrap().id;
    assert!(matches!(
        create(&pool, foreign, Some(inner), "x", None, now).await,
        Err(AppError::NotFound)
    ));
    // 20 levels, not 21.
    let mut parent = inner;
    for level in 3..=MAX_DEPTH {
        parent = folder(&pool, space, Some(parent), &format!("L{level}")).await;
    }
    let mut conn = pool.acquire().await.unwrap();
    assert_eq!(
        path(&mut conn, space, parent).await.unwrap().len(),
        MAX_DEPTH
    );
    assert!(matches!(
        create(&pool, space, Some(parent), "too deep", None, now).await,
        Err(AppError::Validation(m)) if m.contains("20 levels")
    ));
}

/// Names that look the same are one name among siblings, as names
/// that differ only in case are: with a zero-width (non-)joiner, or in
/// another Unicode form (a letter and a combining accent for the
/// accented letter). Creating, renaming and moving all refuse the
/// look-alike; names are kept in NFC, joiners and all.
#[tokio::test]
async fn look_alike_sibling_names_clash_and_names_are_kept_in_nfc() {
    use crate::domain::names::validate_name;
    let (pool, _dir) = test_pool().await;
    let space = space(&pool).await;
    let now = Timestamp::from_millis(2);
    let typed = |raw: &str| validate_name(raw, "folder").unwrap();
    let inner = folder(&pool, space, None, "Inner").await;
    let pairs = [
        ("Reports", "Reports\u{200C}"),
        ("Budget", "Budget\u{200D}"),
        ("Caf\u{E9}", "Cafe\u{301}"),
        ("Caf\u{E9} 2", "CAFe\u{301}\u{200D} 2"),
    ];
    for (n, (first, twin)) in pairs.into_iter().enumerate() {
        folder(&pool, space, None, &typed(first)).await;
        let created = create(&pool, space, None, &typed(twin), None, now).await;
        assert!(
            matches!(&created, Err(AppError::Conflict(_))),
            "created {twin:?} beside {first:?}: {created:?}"
        );
        let other = folder(&pool, space, None, &format!("Other {n}")).await;
        let renamed = rename(&pool, space, other, &typed(twin), now).await;
        assert!(
            matches!(&renamed, Err(AppError::Conflict(_))),
            "renamed to {twin:?} beside {first:?}: {renamed:?}"
        );
        // The look-alike is fine in another folder, not moved beside it.
        let below = create(&pool, space, Some(inner), &typed(twin), None, now)
            .await
            .unwrap();
        let up = [below.id];
        let moved = move_items(&pool, space, None, &listed(&up, &[]), now).await;
        assert!(
            matches!(moved, Err(AppError::Conflict(m)) if m.contains(&below.name)),
            "moved {twin:?} beside {first:?}"
        );
    }
    // Kept in NFC: a combining accent typed is stored composed, and a
    // joiner (which Persian and emoji need) stays.
    let typed_nfd = create(&pool, space, None, &typed("Cre\u{300}me"), None, now).await;
    assert_eq!(typed_nfd.unwrap().name, "Cr\u{E8}me");
    let persian = "\u{645}\u{6CC}\u{200C}\u{62E}";
    let kept = create(&pool, space, None, &typed(persian), None, now).await;
    assert_eq!(kept.unwrap().name, persian);
    // The database holds the rule by itself (for two servers, or a
    // check that raced): its unique index refuses a look-alike that
    // skips the checks above.
    let raw = sqlx::query(
        "INSERT INTO folders (space_id, parent_id, name, created_at, updated_at)
         VALUES ($1, NULL, $2, 0, 0)",
    )
    .bind(space)
    .bind("\u{200D}REPORTS\u{200C}")
    .execute(&pool)
    .await;
    assert!(raw.is_err(), "the index let a look-alike in");
}

/// Before migration 0007, SQLite let live siblings differ only by a
/// zero-width (non-)joiner: the migration keeps the oldest one's name
/// and renames the others, so that the new unique index can be built.
/// (PostgreSQL's ICU collation refused those already; there the
/// migration puts stored names into NFC.)
#[tokio::test]
async fn the_name_key_migration_mends_existing_rows() {
    use crate::platform::db::{test_database_url, Dialect, POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};
    use sqlx::Connection as _;
    let dir = tempfile::tempdir().unwrap();
    let url = test_database_url(&dir).await;
    let dialect = Dialect::of_url(&url).unwrap();
    let (all, folder) = match dialect {
        Dialect::Sqlite => (&SQLITE_MIGRATIONS, "migrations"),
        Dialect::Postgres => (&POSTGRES_MIGRATIONS, "migrations/postgres"),
    };
    // The migrations before 0007, from a copy of their folder.
    let before = tempfile::tempdir().unwrap();
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(folder);
    for entry in std::fs::read_dir(source).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".sql") && name.as_str() < "0007" {
            std::fs::copy(&path, before.path().join(&name)).unwrap();
        }
    }
    let before = sqlx::migrate::Migrator::new(before.path()).await.unwrap();
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(&url).await.unwrap();
    before.run(&mut conn).await.unwrap();
    sqlx::query("INSERT INTO spaces (slug, name, created_at) VALUES ('s', 'S', 0)")
        .execute(&mut conn)
        .await
        .unwrap();
    let names: &[&str] = match dialect {
        Dialect::Sqlite => &["Reports", "reports\u{200C}", "REPORTS\u{200D}", "Budget"],
        Dialect::Postgres => &["Reports", "Cre\u{300}me"],
    };
    for name in names {
        sqlx::query(
            "INSERT INTO folders (space_id, name, created_at, updated_at)
             SELECT id, $1, 0, 0 FROM spaces WHERE slug = 's'",
        )
        .bind(*name)
        .execute(&mut conn)
        .await
        .unwrap();
    }
    all.run(&mut conn).await.unwrap();
    let kept: Vec<String> = sqlx::query_scalar("SELECT name FROM folders ORDER BY id")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    match dialect {
        Dialect::Sqlite => assert_eq!(
            kept,
            [
                "Reports",
                "reports\u{200C} (renamed #2)",
                "REPORTS\u{200D} (renamed #3)",
                "Budget"
            ]
        ),
        Dialect::Postgres => assert_eq!(kept, ["Reports", "Cr\u{E8}me"]),
    }
}

#[tokio::test]
async fn moves_refuse_cycles_clashes_depth_and_strangers_and_keep_counts() {
    let (pool, _dir) = test_pool().await;
    let space = space(&pool).await;
    let a = folder(&pool, space, None, "A").await;
    let b = folder(&pool, space, Some(a), "B").await;
    let c = folder(&pool, space, Some(b), "C").await;
    let x = asset(&pool, space, None, "x.png").await;
    let y = asset(&pool, space, Some(a), "y.png").await;
    let now = Timestamp::from_millis(5);
    for (into, what) in [(c, a), (a, a), (b, a)] {
        let error = move_items(&pool, space, Some(into), &listed(&[what], &[]), now).await;
        assert!(matches!(error, Err(AppError::Validation(m)) if m.contains("into itself")));
    }
    // "B" is taken at the top? No: a top-level "b" clashes with B moving up.
    folder(&pool, space, None, "b").await;
    assert!(matches!(
        move_items(&pool, space, None, &listed(&[b], &[]), now).await,
        Err(AppError::Conflict(m)) if m.contains("“B”")
    ));
    // Unknown, foreign or trashed ids fail the whole move, named.
    let foreign = ensure(&pool, "o", "O", Timestamp::EPOCH).await.unwrap().id;
    let stranger = asset(&pool, foreign, None, "s.png").await;
    let error = move_items(&pool, space, Some(c), &listed(&[], &[x, stranger]), now).await;
    assert!(matches!(error, Err(AppError::UnknownItems { assets, .. }) if assets == [stranger]));
    // Past 20 levels: a chain of 18 under another top folder, and A's 3.
    let mut deep = folder(&pool, space, None, "Deep").await;
    for level in 2..=18 {
        deep = folder(&pool, space, Some(deep), &format!("D{level}")).await;
    }
    assert!(matches!(
        move_items(&pool, space, Some(deep), &listed(&[a], &[]), now).await,
        Err(AppError::Validation(m)) if m.contains("20 levels")
    ));
    counters_agree(&pool, space).await;

    let moved = move_items(&pool, space, Some(c), &listed(&[], &[x, y]), now)
        .await
        .unwrap();
    assert_eq!((moved.folders, moved.assets), (0, 2));
    let in_c: Vec<AssetId> =
        sqlx::query_scalar("SELECT id FROM assets WHERE folder_id = $1 ORDER BY id")
            .bind(c)
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(in_c, [x, y]);
    counters_agree(&pool, space).await;
    // C (with both) to the top level.
    move_items(&pool, space, None, &listed(&[c], &[]), now)
        .await
        .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    assert_eq!(path(&mut conn, space, c).await.unwrap().len(), 1);
    counters_agree(&pool, space).await;
}

/// "Select all {N} matching", then Move: one statement over the
/// matching assets, moved only if they are the confirmed number.
#[tokio::test]
async fn moving_all_matching_is_guarded_by_the_confirmed_count() {
    let (pool, _dir) = test_pool().await;
    let space = space(&pool).await;
    let dest = folder(&pool, space, None, "Dest").await;
    for name in ["spring-1.png", "spring-2.png", "spring-3.png", "autumn.png"] {
        asset(&pool, space, None, name).await;
    }
    let inside = asset(&pool, space, Some(dest), "spring-4.png").await;
    let filters = AssetFilters {
        search: crate::platform::search::NameSearch::parse("spring").unwrap(),
        within: Some(Within::TopLevel),
        usage: None,
    };
    let pick = |expected| BulkTarget {
        items: Items::Matching {
            filters: filters.clone(),
            expected,
        },
        folders: Vec::new(),
    };
    let now = Timestamp::from_millis(9);
    let stale = move_items(&pool, space, Some(dest), &pick(2), now).await;
    assert!(matches!(
        stale,
        Err(AppError::CountChanged { count: 3, .. })
    ));
    let moved = move_items(&pool, space, Some(dest), &pick(3), now)
        .await
        .unwrap();
    assert_eq!(moved.assets, 3);
    let in_dest: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM assets WHERE folder_id = $1")
        .bind(dest)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(in_dest, 4, "three moved beside {}", inside.0);
    counters_agree(&pool, space).await;
}

/// A folder's pages: its folders first, then its assets, each in the
/// sort; forward and back, without a row twice or missing.
#[tokio::test]
async fn pages_run_from_the_folders_into_the_assets_and_back() {
    let (pool, _dir) = test_pool().await;
    let space = space(&pool).await;
    let home = folder(&pool, space, None, "Home").await;
    let mut expected = Vec::new();
    for name in ["f3", "F1", "f2", "f5", "f4", "f7", "f6"] {
        folder(&pool, space, Some(home), name).await;
    }
    for i in ["f1", "F2", "f3", "f4", "f5", "f6", "f7"] {
        expected.push(i.to_lowercase());
    }
    let mut assets: Vec<String> = (0..9).map(|i| format!("a{i}.png")).collect();
    for name in assets.iter().rev() {
        asset(&pool, space, Some(home), name).await;
    }
    asset(&pool, space, None, "elsewhere.png").await;
    expected.append(&mut assets);

    let within = Some(Within::Folder(home));
    let params =
        |at: &PageAt| ListParams::parse(None, within, SortKey::Name, SortDir::Asc, at, 4).unwrap();
    let names = |page: &crate::assets::model::AssetPage| -> Vec<String> {
        page.folders
            .iter()
            .map(|f| f.name.to_lowercase())
            .chain(page.items.iter().map(|a| a.name.clone()))
            .collect()
    };
    let mut pages = Vec::new();
    let mut at = PageAt::First;
    loop {
        let page = list_live(&pool, space, &params(&at)).await.unwrap();
        assert_eq!((page.total, page.folder_total), (9, 7));
        assert_eq!(page.path.len(), 1);
        pages.push(page.clone());
        match page.next {
            Some(next) => at = PageAt::After(next),
            None => break,
        }
    }
    let walked: Vec<String> = pages.iter().flat_map(&names).collect();
    assert_eq!(walked, expected);
    assert_eq!(pages.len(), 4, "16 rows in pages of 4");
    // Back from the last page, through the boundary between the parts.
    let mut back = Vec::new();
    let mut at = PageAt::Before(pages[3].prev.clone().unwrap());
    loop {
        let page = list_live(&pool, space, &params(&at)).await.unwrap();
        back.insert(0, names(&page));
        match page.prev {
            Some(prev) => at = PageAt::Before(prev),
            None => break,
        }
    }
    let forward: Vec<Vec<String>> = pages[..3].iter().map(&names).collect();
    assert_eq!(back, forward);
    // A search covers assets only, every folder or this one.
    let everywhere = ListParams::parse(
        Some("png"),
        None,
        SortKey::Name,
        SortDir::Asc,
        &PageAt::First,
        50,
    )
    .unwrap();
    let found = list_live(&pool, space, &everywhere).await.unwrap();
    assert_eq!((found.total, found.folders.len()), (10, 0));
    assert_eq!(found.locations.len(), 1, "one folder among the results");
    assert_eq!(found.locations[0].path, "Home");
    let here = ListParams::parse(
        Some("png"),
        within,
        SortKey::Name,
        SortDir::Asc,
        &PageAt::First,
        50,
    )
    .unwrap();
    assert_eq!(list_live(&pool, space, &here).await.unwrap().total, 9);
    // A folder of another space, or none, is a 404.
    let gone = ListParams::parse(
        None,
        Some(Within::Folder(FolderId(999))),
        SortKey::Name,
        SortDir::Asc,
        &PageAt::First,
        4,
    )
    .unwrap();
    assert!(matches!(
        list_live(&pool, space, &gone).await,
        Err(AppError::NotFound)
    ));
}
