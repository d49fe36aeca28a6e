//! The Assets listing's first page on a seeded database, without HTTP: the
//! raw SQL statements through sqlx (the baseline) next to the app's
//! `list_live` (the same statements plus cursor building and row mapping).
//! Run by `scripts/bench.sh`; reads `DATABASE_URL` and `BENCH_SPACE`.

use std::time::{Duration, Instant};

use app::assets::data::{list_live, ListParams};
use app::assets::folders::model::Within;
use app::assets::model::{SortDir, SortKey, PAGE_SIZE};
use app::domain::ids::SpaceId;
use app::domain::paging::PageAt;

const ITERATIONS: usize = 2_000;

fn summary(label: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let pct = |p: f64| samples[((samples.len() as f64 * p) as usize).min(samples.len() - 1)];
    println!(
        "{label:<44} p50 {:>8.3} ms   p99 {:>8.3} ms   ({} runs)",
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        samples.len()
    );
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("DATABASE_URL")?;
    let slug = std::env::var("BENCH_SPACE").unwrap_or_else(|_| "bench".into());
    let pool = app::platform::db::connect(&url).await?;
    // The baseline's statements run on a plain SQLite pool on the same file.
    let raw_pool = app::platform::db::raw_sqlite(&url).await?;
    let space: i64 = sqlx::query_scalar("SELECT id FROM spaces WHERE slug = $1")
        .bind(&slug)
        .fetch_one(&pool)
        .await?;
    let live: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM assets WHERE space_id = $1 AND deleted_at IS NULL",
    )
    .bind(space)
    .fetch_one(&pool)
    .await?;
    println!("space {slug:?}: {live} live assets");

    // The top level (the seeded space has no folders, so it holds every
    // asset): its folders, then its assets, newest first.
    let page_sql =
        "SELECT id, name, mime_type, kind, size_bytes, width, height, has_thumbnail, updated_at \
                    FROM assets WHERE space_id = ? AND folder_id IS NULL AND deleted_at IS NULL \
                    ORDER BY updated_at DESC, id DESC LIMIT ?";
    // The listing reads the trigger-maintained counter; the scan is printed
    // for comparison.
    let count_sql = "SELECT root_assets FROM spaces WHERE id = ?";
    let scan_sql = "SELECT COUNT(*) FROM assets WHERE space_id = ? AND deleted_at IS NULL";
    let plan: Vec<(i64, i64, i64, String)> =
        sqlx::query_as(&format!("EXPLAIN QUERY PLAN {page_sql}"))
            .bind(space)
            .bind(i64::from(PAGE_SIZE) + 1)
            .fetch_all(&raw_pool)
            .await?;
    for (_, _, _, detail) in plan {
        println!("plan: {detail}");
    }

    let mut scan = Vec::with_capacity(200);
    for _ in 0..200 {
        let started = Instant::now();
        let total: i64 = sqlx::query_scalar(scan_sql)
            .bind(space)
            .fetch_one(&raw_pool)
            .await?;
        scan.push(started.elapsed());
        assert_eq!(total, live);
    }

    let mut raw = Vec::with_capacity(ITERATIONS);
    let mut app_fn = Vec::with_capacity(ITERATIONS);
    let params = ListParams::parse(
        None,
        Some(Within::TopLevel),
        SortKey::Modified,
        SortDir::Desc,
        &PageAt::First,
        PAGE_SIZE,
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    for _ in 0..ITERATIONS {
        let started = Instant::now();
        let rows = sqlx::query(page_sql)
            .bind(space)
            .bind(i64::from(PAGE_SIZE) + 1)
            .fetch_all(&raw_pool)
            .await?;
        let total: i64 = sqlx::query_scalar(count_sql)
            .bind(space)
            .fetch_one(&raw_pool)
            .await?;
        raw.push(started.elapsed());
        assert_eq!(rows.len(), (PAGE_SIZE as usize + 1).min(live as usize));
        assert_eq!(total, live);

        let started = Instant::now();
        let page = list_live(&pool, SpaceId(space), &params).await?;
        app_fn.push(started.elapsed());
        assert_eq!(page.total, live);
    }
    summary("for reference: COUNT(*) scan of live assets", scan);
    summary("raw SQL (page + counter), sqlx", raw);
    summary("app list_live (page + counter + cursors)", app_fn);

    // Search, newest first: the app (trigram index, or a walk of the sort
    // index for a common term) next to the plain `LIKE` scan it replaced
    // (page + exact count), on the same data.
    for (label, term) in SEARCHES {
        let like = format!("%{term}%");
        let mut scan = Vec::with_capacity(SEARCH_ITERATIONS);
        let mut app_fn = Vec::with_capacity(SEARCH_ITERATIONS);
        let params = ListParams::parse(
            Some(term),
            None,
            SortKey::Modified,
            SortDir::Desc,
            &PageAt::First,
            PAGE_SIZE,
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        let mut shown = (0, false);
        for i in 0..SEARCH_ITERATIONS {
            if i < LIKE_ITERATIONS {
                let started = Instant::now();
                sqlx::query(
                    "SELECT id, name, mime_type, kind, size_bytes, width, height, has_thumbnail, updated_at \
                     FROM assets WHERE space_id = $1 AND deleted_at IS NULL AND name LIKE $2 \
                     ORDER BY updated_at DESC, id DESC LIMIT $3",
                )
                .bind(space)
                .bind(&like)
                .bind(i64::from(PAGE_SIZE) + 1)
                .fetch_all(&pool)
                .await?;
                let _: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM assets WHERE space_id = $1 AND deleted_at IS NULL AND name LIKE $2",
                )
                .bind(space)
                .bind(&like)
                .fetch_one(&pool)
                .await?;
                scan.push(started.elapsed());
            }
            let started = Instant::now();
            let page = list_live(&pool, SpaceId(space), &params).await?;
            app_fn.push(started.elapsed());
            shown = (page.total, page.total_capped);
        }
        let (total, capped) = shown;
        let shown = format!("{total}{}", if capped { "+" } else { "" });
        summary(&format!("search {label} {term:?}: LIKE scan + count"), scan);
        summary(
            &format!("search {label} {term:?}: app ({shown} matching)"),
            app_fn,
        );
    }
    Ok(())
}

/// A common term (about 8% of the seeded names), a rare one, an absent one,
/// and one under three characters (a prefix search).
const SEARCHES: [(&str, &str); 4] = [
    ("common", "banner"),
    ("rare", "banner-0999"),
    ("absent", "zebra"),
    ("short", "lo"),
];
const SEARCH_ITERATIONS: usize = 500;
/// The scan takes hundreds of milliseconds; fewer runs of it.
const LIKE_ITERATIONS: usize = 40;
