//! Folders at scale, in one run, each app figure beside the raw SQL a DBA
//! would write for the same result on the same data:
//!
//! 1. The Assets listing's first page, newest first, of the top level and
//!    of each of 1,000 folders holding 100,000 assets (laid out as `trove
//!    seed --folders` does): `list_live` next to the raw statements (the
//!    folder's path, its subfolder count, the page of subfolders, the page
//!    of assets, the kept counter) on the same pool, p50 and p99.
//! 2. A folder with 50,000 assets below it (1,000 in each of 50
//!    subfolders): moving it to Trash (`trash_assets` with the folder),
//!    Undo (`restore_batch`) and moving it into another folder
//!    (`move_items`), next to the raw statements on a copy of the same
//!    database. A few rounds; both logs are checkpointed before each step,
//!    and the last step of a round (moving the folder back) is not timed.
//!
//! Seeds its own data in a temporary directory. `BENCH_ASSETS` (default
//! 100,000) and `BENCH_FOLDERS` (default 1,000) set the sizes; part 2 puts
//! half the assets below the big folder.

use std::time::{Duration, Instant};

use anyhow::ensure;
use app::assets::data::{list_live, ListParams};
use app::assets::folders::data::create;
use app::assets::folders::model::{Within, MAX_DEPTH};
use app::assets::model::{AssetPage, SortDir, SortKey, PAGE_SIZE};
use app::assets::moving::move_items;
use app::domain::bulk_target::BulkTarget;
use app::domain::ids::{BatchId, FolderId, SpaceId, UserId};
use app::domain::paging::PageAt;
use app::domain::time::Timestamp;
use app::platform::clock::Clock;
use app::trash::bulk::{restore_batch, trash_assets, BulkChange, Effect};
use sqlx::{AnyPool, Row as _, SqlitePool};

/// First pages read per listing (top level; folders, cycling through all).
const ITERATIONS: usize = 2_000;
/// Rounds of part 2.
const ROUNDS: usize = 5;
/// Subfolders of the big folder.
const SUBFOLDERS: usize = 50;

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let assets: usize = env_or("BENCH_ASSETS", 100_000)?;
    let folders: usize = env_or("BENCH_FOLDERS", 1_000)?;
    let dir = tempfile::tempdir()?;
    let url = |name: &str| format!("sqlite://{}?mode=rwc", dir.path().join(name).display());
    listing(&url("listing.db"), assets, folders).await?;
    big_folder(&url, dir.path(), assets).await?;
    Ok(())
}

fn env_or(name: &str, default: usize) -> anyhow::Result<usize> {
    match std::env::var(name) {
        Ok(value) => Ok(value.replace(['_', ','], "").parse()?),
        Err(_) => Ok(default),
    }
}

/// 100000 → "100,000".
fn thousands(n: impl Into<i64>) -> String {
    let digits = n.into().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 && c != '-' {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// (p50, p99) in milliseconds.
fn percentiles(mut samples: Vec<Duration>) -> (f64, f64) {
    samples.sort();
    let pct = |p: f64| {
        samples[((samples.len() as f64 * p) as usize).min(samples.len() - 1)].as_secs_f64() * 1e3
    };
    (pct(0.50), pct(0.99))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

async fn checkpoint(pools: &[&AnyPool]) -> anyhow::Result<()> {
    for pool in pools {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(*pool)
            .await?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// 1. The listing.

const FOLDER_PAGE_SQL: &str = "SELECT f.id, f.name, f.updated_at, f.live_assets + \
     (SELECT COUNT(*) FROM folders c WHERE c.parent_id = f.id AND c.deleted_at IS NULL) AS items \
     FROM folders f WHERE f.space_id = ? AND f.parent_id IS ? AND f.deleted_at IS NULL \
     ORDER BY f.updated_at DESC, f.id DESC LIMIT ?";
const ASSET_PAGE_SQL: &str = "SELECT id, name, mime_type, kind, size_bytes, width, height, \
     has_thumbnail, updated_at, folder_id \
     FROM assets WHERE space_id = ? AND folder_id IS ? AND deleted_at IS NULL \
     ORDER BY updated_at DESC, id DESC LIMIT ?";

/// What the raw statements read for one first page: the path's ids, the
/// subfolder count, the ids of the page's folders and of its assets (up to
/// one more than a page, as the app reads), and the kept asset count.
#[derive(Debug, PartialEq, Eq)]
struct RawPage {
    path: Vec<i64>,
    folder_total: i64,
    folders: Vec<i64>,
    assets: Vec<i64>,
    total: i64,
}

/// The raw SQL for the first page of `folder` (the top level for `None`):
/// the statements a DBA would write, on one connection, no transaction.
async fn raw_page(
    pool: &SqlitePool,
    space: SpaceId,
    folder: Option<FolderId>,
) -> anyhow::Result<RawPage> {
    let mut conn = pool.acquire().await?;
    let take = i64::from(PAGE_SIZE) + 1;
    let path: Vec<(i64, String)> = match folder {
        Some(folder) => {
            sqlx::query_as(
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
            .bind(folder)
            .bind(space)
            .bind(MAX_DEPTH as i64)
            .fetch_all(&mut *conn)
            .await?
        }
        None => Vec::new(),
    };
    let folder_total: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM folders WHERE space_id = $1 AND parent_id IS $2 AND deleted_at IS NULL",
    )
    .bind(space)
    .bind(folder)
    .fetch_one(&mut *conn)
    .await?;
    let folder_rows = sqlx::query(FOLDER_PAGE_SQL)
        .bind(space)
        .bind(folder)
        .bind(take)
        .fetch_all(&mut *conn)
        .await?;
    // The assets fill what the folders leave of the page (nothing, when
    // the folders fill it).
    let rest = take - folder_rows.len() as i64;
    let asset_rows = if rest > 0 {
        sqlx::query(ASSET_PAGE_SQL)
            .bind(space)
            .bind(folder)
            .bind(rest)
            .fetch_all(&mut *conn)
            .await?
    } else {
        Vec::new()
    };
    let total: i64 = match folder {
        None => sqlx::query_scalar("SELECT root_assets FROM spaces WHERE id = $1").bind(space),
        Some(folder) => {
            sqlx::query_scalar("SELECT live_assets FROM folders WHERE id = $1").bind(folder)
        }
    }
    .fetch_one(&mut *conn)
    .await?;
    Ok(RawPage {
        path: path.into_iter().map(|(id, _)| id).collect(),
        folder_total,
        folders: folder_rows.iter().map(|r| r.get::<i64, _>(0)).collect(),
        assets: asset_rows.iter().map(|r| r.get::<i64, _>(0)).collect(),
        total,
    })
}

/// The app's page and the raw one show the same rows and counts.
fn check_same(app: &AssetPage, raw: &RawPage) -> anyhow::Result<()> {
    let page = PAGE_SIZE as usize;
    let raw_rows: Vec<i64> = raw.folders.iter().chain(&raw.assets).copied().collect();
    let app_rows: Vec<i64> = app
        .folders
        .iter()
        .map(|f| f.id.0)
        .chain(app.items.iter().map(|a| a.id.0))
        .collect();
    ensure!(
        app_rows[..] == raw_rows[..raw_rows.len().min(page)],
        "the app's page and the raw one differ"
    );
    ensure!(app.path.iter().map(|c| c.id.0).eq(raw.path.iter().copied()));
    ensure!((app.total, app.folder_total) == (raw.total, raw.folder_total));
    ensure!(app.next.is_some() == (raw_rows.len() > page));
    Ok(())
}

async fn listing(url: &str, assets: usize, folders: usize) -> anyhow::Result<()> {
    let pool = app::platform::db::connect(url).await?;
    // The baseline's statements run on a plain SQLite pool on the same file.
    let raw_pool = app::platform::db::raw_sqlite(url).await?;
    let now = Clock::system().now();
    let seeded = server::seed::seed_space(&pool, "Bench", assets, folders, now).await?;
    let space = SpaceId(seeded.space_id);
    checkpoint(&[&pool]).await?;
    let ids: Vec<FolderId> =
        sqlx::query_scalar("SELECT id FROM folders WHERE space_id = $1 ORDER BY id")
            .bind(space)
            .fetch_all(&pool)
            .await?;
    ensure!(ids.len() == folders, "seeded {} folders", ids.len());
    let (top_folders, top_assets): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM folders WHERE space_id = $1 AND parent_id IS NULL),
                root_assets FROM spaces WHERE id = $1",
    )
    .bind(space)
    .fetch_one(&pool)
    .await?;
    println!(
        "== listing: {} assets over {} folders ({} at the top level with {} assets, the rest one level down); first page of {PAGE_SIZE}, newest first, {} runs each",
        thousands(assets as i64),
        thousands(folders as i64),
        thousands(top_folders),
        thousands(top_assets),
        thousands(ITERATIONS as i64),
    );
    if let Some(&folder) = ids.last() {
        let plan: Vec<(i64, i64, i64, String)> =
            sqlx::query_as(&format!("EXPLAIN QUERY PLAN {ASSET_PAGE_SQL}"))
                .bind(space)
                .bind(Some(folder))
                .bind(i64::from(PAGE_SIZE) + 1)
                .fetch_all(&pool)
                .await?;
        for (_, _, _, detail) in &plan {
            println!(
                "plan of the raw assets page in folder {}: {detail}",
                folder.0
            );
        }
        ensure!(
            plan.iter()
                .any(|(.., d)| d.contains("assets_live_in_folder_by_modified")),
            "the raw assets page does not use assets_live_in_folder_by_modified"
        );
    }

    let params = |within| {
        ListParams::parse(
            None,
            Some(within),
            SortKey::Modified,
            SortDir::Desc,
            &PageAt::First,
            PAGE_SIZE,
        )
        .map_err(|e| anyhow::anyhow!("{e}"))
    };
    let cases = [
        (
            format!(
                "top level ({} folders, {} assets)",
                thousands(top_folders),
                thousands(top_assets)
            ),
            false,
        ),
        (
            format!(
                "folder page ({} folders, {} assets)",
                thousands(folders as i64),
                thousands(assets as i64)
            ),
            true,
        ),
    ];
    for (label, in_folders) in cases {
        let mut raw = Vec::with_capacity(ITERATIONS);
        let mut ours = Vec::with_capacity(ITERATIONS);
        for i in 0..ITERATIONS {
            let folder = in_folders.then(|| ids[i % ids.len()]);
            let params = params(Within::of(folder))?;
            let started = Instant::now();
            let raw_page = raw_page(&raw_pool, space, folder).await?;
            raw.push(started.elapsed());
            let started = Instant::now();
            let page = list_live(&pool, space, &params).await?;
            ours.push(started.elapsed());
            check_same(&page, &raw_page)?;
        }
        let (raw50, raw99) = percentiles(raw);
        let (app50, app99) = percentiles(ours);
        println!(
            "{label}: raw p50 {raw50:.3} ms p99 {raw99:.3} ms | list_live p50 {app50:.3} ms p99 {app99:.3} ms ({:.2}x, {:.2}x)",
            app50 / raw50,
            app99 / raw99
        );
    }
    pool.close().await;
    Ok(())
}

// ---------------------------------------------------------------------------
// 2. A folder with 50,000 assets below it.

async fn big_folder(
    url: &dyn Fn(&str) -> String,
    dir: &std::path::Path,
    assets: usize,
) -> anyhow::Result<()> {
    let per = assets / 2 / SUBFOLDERS;
    let inside = per * SUBFOLDERS;
    ensure!(
        per > 0,
        "BENCH_ASSETS is too small for {SUBFOLDERS} subfolders"
    );
    let pool = app::platform::db::connect(&url("big.db")).await?;
    let now = Clock::system().now();
    let seeded = server::seed::seed_space(&pool, "Bench", assets, 0, now).await?;
    let space = SpaceId(seeded.space_id);
    sqlx::query(
        "INSERT INTO users (email, name, password_hash, created_at) VALUES ('b@x', 'B', '-', 0)",
    )
    .execute(&pool)
    .await?;
    let user: UserId = sqlx::query_scalar("SELECT id FROM users")
        .fetch_one(&pool)
        .await?;
    let big = create(&pool, space, None, "Big", Some(user), now).await?.id;
    let other = create(&pool, space, None, "Other", Some(user), now)
        .await?
        .id;
    for n in 1..=SUBFOLDERS {
        let sub = create(
            &pool,
            space,
            Some(big),
            &format!("Part {n:02}"),
            Some(user),
            now,
        )
        .await?
        .id;
        // Every other asset, so the folder's rows are spread over the table
        // as uploads over time would be.
        let moved = sqlx::query(
            "UPDATE assets SET folder_id = $1
             WHERE id IN (SELECT id FROM assets
                          WHERE space_id = $2 AND folder_id IS NULL AND id % 2 = 0
                          ORDER BY id LIMIT $3)",
        )
        .bind(sub)
        .bind(space)
        .bind(per as i64)
        .execute(&pool)
        .await?
        .rows_affected();
        ensure!(moved == per as u64, "moved {moved} assets into {}", sub.0);
    }
    sqlx::query("ANALYZE").execute(&pool).await?;
    for name in ["ours.db", "raw.db"] {
        sqlx::query("VACUUM INTO $1")
            .bind(dir.join(name).display().to_string())
            .execute(&pool)
            .await?;
    }
    pool.close().await;
    let pool = app::platform::db::connect(&url("ours.db")).await?;
    let copy = app::platform::db::connect(&url("raw.db")).await?;
    for db in [&pool, &copy] {
        ensure!(live_below(db, big).await? == (SUBFOLDERS as i64 + 1, inside as i64));
    }
    println!(
        "== a folder with {} assets below it ({SUBFOLDERS} subfolders of {} each; {} assets in the space), {ROUNDS} rounds",
        thousands(inside as i64),
        thousands(per as i64),
        thousands(assets as i64)
    );

    let folders = SUBFOLDERS as u64 + 1;
    let mut times: [(Vec<f64>, Vec<f64>); 3] = Default::default();
    for round in 1..=ROUNDS {
        let clock = Clock::system();

        // (a) Move to Trash.
        checkpoint(&[&pool, &copy]).await?;
        let raw_batch = BatchId::new_random();
        let started = Instant::now();
        let (raw_folders, raw_assets) =
            raw_trash(&copy, big, user, &raw_batch, clock.now()).await?;
        let raw_trash_ms = ms(started);
        ensure!((raw_folders, raw_assets) == (folders, inside as u64));
        let started = Instant::now();
        let change = BulkChange {
            space,
            actor: user.into(),
            target: BulkTarget::ids(Vec::new(), vec![big]),
            effect: Effect::Apply,
        };
        let outcome = trash_assets(&pool, &change, &clock).await?;
        let app_trash_ms = ms(started);
        ensure!(
            (outcome.moved, outcome.folders, outcome.inside) == (0, 1, inside as u64),
            "trash_assets: {outcome:?}"
        );
        for (db, batch) in [(&pool, &outcome.batch), (&copy, &raw_batch)] {
            ensure!(live_below(db, big).await? == (0, 0));
            ensure!(in_batch(db, batch).await? == (folders as i64, inside as i64));
        }

        // (b) Undo.
        checkpoint(&[&pool, &copy]).await?;
        let started = Instant::now();
        let (raw_folders, raw_assets) = raw_undo(&copy, &raw_batch).await?;
        let raw_undo_ms = ms(started);
        ensure!((raw_folders, raw_assets) == (folders, inside as u64));
        let started = Instant::now();
        let undone = restore_batch(&pool, space, user.into(), &outcome.batch, &clock).await?;
        let app_undo_ms = ms(started);
        ensure!(
            (undone.restored, undone.folders, undone.renamed.len()) == (inside as u64, folders, 0),
            "restore_batch: {undone:?}"
        );
        for db in [&pool, &copy] {
            ensure!(live_below(db, big).await? == (folders as i64, inside as i64));
        }

        // (c) Move the folder into another one: one row changes.
        checkpoint(&[&pool, &copy]).await?;
        let started = Instant::now();
        let changed =
            sqlx::query("UPDATE folders SET parent_id = $1, updated_at = $2 WHERE id = $3")
                .bind(other)
                .bind(clock.now())
                .bind(big)
                .execute(&copy)
                .await?
                .rows_affected();
        let raw_move_ms = ms(started);
        ensure!(changed == 1);
        let started = Instant::now();
        let target = BulkTarget::ids(Vec::new(), vec![big]);
        let moved = move_items(&pool, space, Some(other), &target, clock.now()).await?;
        let app_move_ms = ms(started);
        ensure!((moved.folders, moved.assets) == (1, 0));
        for db in [&pool, &copy] {
            ensure!(parent_of(db, big).await? == Some(other));
            ensure!(live_below(db, big).await? == (folders as i64, inside as i64));
            // Back to the top level for the next round (not timed).
            sqlx::query("UPDATE folders SET parent_id = NULL WHERE id = $1")
                .bind(big)
                .execute(db)
                .await?;
        }

        println!(
            "round {round}: trash raw {raw_trash_ms:.1} ms | app {app_trash_ms:.1} ms ({:.2}x); undo raw {raw_undo_ms:.1} ms | app {app_undo_ms:.1} ms ({:.2}x); move raw {raw_move_ms:.3} ms | app {app_move_ms:.3} ms ({:.2}x)",
            app_trash_ms / raw_trash_ms,
            app_undo_ms / raw_undo_ms,
            app_move_ms / raw_move_ms,
        );
        for (i, (raw, app)) in [
            (raw_trash_ms, app_trash_ms),
            (raw_undo_ms, app_undo_ms),
            (raw_move_ms, app_move_ms),
        ]
        .into_iter()
        .enumerate()
        {
            times[i].0.push(raw);
            times[i].1.push(app);
        }
    }
    let [trash, undo, moving] = times.map(|(raw, app)| (median(raw), median(app)));
    let n = thousands(inside as i64);
    println!(
        "trash folder with {n} assets: raw {:.1} ms | app {:.1} ms ({:.2}x)  [median of {ROUNDS}]",
        trash.0,
        trash.1,
        trash.1 / trash.0
    );
    println!(
        "undo (restore the batch, {n} assets, {folders} folders): raw {:.1} ms | app {:.1} ms ({:.2}x)  [median of {ROUNDS}]",
        undo.0,
        undo.1,
        undo.1 / undo.0
    );
    println!(
        "move folder with {n} assets into another folder: raw {:.3} ms | app {:.3} ms ({:.2}x)  [median of {ROUNDS}]",
        moving.0,
        moving.1,
        moving.1 / moving.0
    );
    Ok(())
}

fn ms(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1e3
}

/// The baseline for moving `folder` to Trash: the app's two UPDATEs (the
/// folder tree, then the assets in it) in an IMMEDIATE transaction, without
/// the checks or the audit entry. (folders, assets) changed.
async fn raw_trash(
    pool: &AnyPool,
    folder: FolderId,
    user: UserId,
    batch: &BatchId,
    now: Timestamp,
) -> anyhow::Result<(u64, u64)> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let folders = sqlx::query(
        "WITH RECURSIVE sub (id) AS (
             SELECT $1
             UNION
             SELECT f.id FROM folders f JOIN sub ON f.parent_id = sub.id
             WHERE f.deleted_at IS NULL
         )
         UPDATE folders SET deleted_at = $2, deleted_by = $3, delete_batch = $4, expires_at = $2 + 1209600000
         WHERE id IN (SELECT id FROM sub) AND deleted_at IS NULL",
    )
    .bind(folder)
    .bind(now)
    .bind(user)
    .bind(batch)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let assets = sqlx::query(
        "UPDATE assets SET deleted_at = $1, deleted_by = $2, delete_batch = $3, expires_at = $1 + 1209600000
         WHERE deleted_at IS NULL
           AND folder_id IN (SELECT id FROM folders WHERE delete_batch = $3)",
    )
    .bind(now)
    .bind(user)
    .bind(batch)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok((folders, assets))
}

/// The baseline for Undo: everything of the batch back, two UPDATEs in an
/// IMMEDIATE transaction. (folders, assets) changed.
async fn raw_undo(pool: &AnyPool, batch: &BatchId) -> anyhow::Result<(u64, u64)> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let folders = sqlx::query(
        "UPDATE folders SET deleted_at = NULL, deleted_by = NULL, delete_batch = NULL, expires_at = NULL
         WHERE delete_batch = $1",
    )
    .bind(batch)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let assets = sqlx::query(
        "UPDATE assets SET deleted_at = NULL, deleted_by = NULL, delete_batch = NULL, expires_at = NULL
         WHERE delete_batch = $1",
    )
    .bind(batch)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok((folders, assets))
}

/// Live folders in the tree of `folder` (itself included) and live assets
/// in them, counted from the rows (and the kept counters must agree).
async fn live_below(pool: &AnyPool, folder: FolderId) -> anyhow::Result<(i64, i64)> {
    let (folders, assets, kept): (i64, i64, i64) = sqlx::query_as(
        "WITH RECURSIVE sub (id) AS (
             SELECT id FROM folders WHERE id = $1 AND deleted_at IS NULL
             UNION
             SELECT f.id FROM folders f JOIN sub ON f.parent_id = sub.id
             WHERE f.deleted_at IS NULL
         )
         SELECT (SELECT COUNT(*) FROM sub),
                (SELECT COUNT(*) FROM assets
                 WHERE folder_id IN (SELECT id FROM sub) AND deleted_at IS NULL),
                (SELECT coalesce(SUM(live_assets), 0) FROM folders
                 WHERE id IN (SELECT id FROM sub))",
    )
    .bind(folder)
    .fetch_one(pool)
    .await?;
    ensure!(kept == assets, "kept counters {kept}, counted {assets}");
    Ok((folders, assets))
}

/// Folders and assets of `batch` (in Trash).
async fn in_batch(pool: &AnyPool, batch: &BatchId) -> anyhow::Result<(i64, i64)> {
    Ok(sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM folders WHERE delete_batch = $1 AND deleted_at IS NOT NULL),
                (SELECT COUNT(*) FROM assets WHERE delete_batch = $1 AND deleted_at IS NOT NULL)",
    )
    .bind(batch)
    .fetch_one(pool)
    .await?)
}

async fn parent_of(pool: &AnyPool, folder: FolderId) -> anyhow::Result<Option<FolderId>> {
    Ok(
        sqlx::query_scalar("SELECT parent_id FROM folders WHERE id = $1")
            .bind(folder)
            .fetch_one(pool)
            .await?,
    )
}
