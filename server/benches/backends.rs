//! SQLite and PostgreSQL on the same data: the bulk delete and the listing,
//! each next to its raw SQL on the same database. One database per run (a
//! process serves one kind): `scripts/bench-backends.sh` runs it once on a
//! fresh SQLite file and once on a fresh PostgreSQL database, seeded alike
//! (`trove seed`'s rows are the same for the same count), and prints both.
//! Reads `DATABASE_URL` and `BENCH_ASSETS` (default 100,000).
//!
//! - listing: the first page of the top level by name, `list_live` (what
//!   `GET /api/list_assets` runs after its checks) against the raw page
//!   query and counter read;
//! - search: a rare and a common term, `list_live` with the search;
//! - bulk delete: `trash_assets` with 10,000 ids (the `POST
//!   /api/move_to_trash` body) against one raw `UPDATE … WHERE id IN`, then
//!   Undo (`restore_batch`). Medians of five rounds.

use std::time::{Duration, Instant};

use app::assets::data::{list_live, ListParams};
use app::assets::folders::model::Within;
use app::assets::model::{SortDir, SortKey, PAGE_SIZE};
use app::domain::ids::{AssetId, SpaceId, UserId};
use app::domain::paging::PageAt;
use app::platform::clock::Clock;
use app::trash::bulk::{restore_batch, trash_assets, BulkChange};

const MOVED: usize = 10_000;
const ROUNDS: usize = 5;
const PAGES: usize = 300;
/// A common term; the rare one is the stem of the 124th asset's name.
const COMMON: &str = "report";

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn percentile(times: &mut [Duration], p: f64) -> f64 {
    times.sort();
    let at = ((times.len() as f64 - 1.0) * p).round() as usize;
    ms(times[at])
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("DATABASE_URL")?;
    let assets: usize = std::env::var("BENCH_ASSETS")
        .unwrap_or_else(|_| "100000".into())
        .parse()?;
    let pool = app::platform::db::connect(&url).await?;
    let backend = match app::platform::db::dialect() {
        app::platform::db::Dialect::Sqlite => "SQLite",
        app::platform::db::Dialect::Postgres => "PostgreSQL",
    };
    let started = Instant::now();
    let now = Clock::system().now();
    let seeded = server::seed::seed_space(&pool, "Bench", assets, 0, now).await?;
    let space = SpaceId(seeded.space_id);
    let seed_ms = ms(started.elapsed());
    sqlx::query(
        "INSERT INTO users (email, name, password_hash, created_at) VALUES ('b@x', 'B', '-', 0)",
    )
    .execute(&pool)
    .await?;
    let user: UserId = sqlx::query_scalar("SELECT id FROM users WHERE email = 'b@x'")
        .fetch_one(&pool)
        .await?;
    app::platform::db::refresh_statistics(&pool).await?;
    println!("== {backend}: {assets} assets (seeded in {seed_ms:.0} ms)");

    // Listing: the first page by name, and the raw statements it replaces.
    let params = ListParams::parse(
        None,
        Some(Within::TopLevel),
        SortKey::Name,
        SortDir::Asc,
        &PageAt::First,
        PAGE_SIZE,
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let (mut raw, mut ours) = (Vec::new(), Vec::new());
    for _ in 0..PAGES {
        let started = Instant::now();
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, name FROM assets WHERE space_id = $1 AND folder_id IS NULL
               AND deleted_at IS NULL ORDER BY name, id LIMIT $2",
        )
        .bind(space)
        .bind(i64::from(PAGE_SIZE) + 1)
        .fetch_all(&pool)
        .await?;
        let total: i64 = sqlx::query_scalar("SELECT root_assets FROM spaces WHERE id = $1")
            .bind(space)
            .fetch_one(&pool)
            .await?;
        raw.push(started.elapsed());
        anyhow::ensure!(rows.len() == PAGE_SIZE as usize + 1 && total == assets as i64);
        let started = Instant::now();
        let page = list_live(&pool, space, &params).await?;
        ours.push(started.elapsed());
        anyhow::ensure!(page.items.len() == PAGE_SIZE as usize);
    }
    println!(
        "listing, first page by name: list_live p50 {:.2} / p99 {:.2} ms; raw SQL p50 {:.2} / p99 {:.2} ms",
        percentile(&mut ours, 0.5),
        percentile(&mut ours, 0.99),
        percentile(&mut raw, 0.5),
        percentile(&mut raw, 0.99)
    );
    let rare: String = sqlx::query_scalar("SELECT name FROM assets ORDER BY id LIMIT 1 OFFSET 123")
        .fetch_one(&pool)
        .await?;
    let rare = rare.split('.').next().unwrap_or_default().to_owned();
    for (label, term) in [("rare", rare.as_str()), ("common", COMMON)] {
        let params = ListParams::parse(
            Some(term),
            None,
            SortKey::Modified,
            SortDir::Desc,
            &PageAt::First,
            PAGE_SIZE,
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        let mut times = Vec::new();
        let mut shown = 0;
        for _ in 0..PAGES / 3 {
            let started = Instant::now();
            let page = list_live(&pool, space, &params).await?;
            times.push(started.elapsed());
            shown = page.total;
        }
        println!(
            "search {label} {term:?} ({shown} shown as the count): p50 {:.2} / p99 {:.2} ms",
            percentile(&mut times, 0.5),
            percentile(&mut times, 0.99)
        );
    }

    // Bulk delete: 10,000 ids, the app's move and Undo against one raw
    // UPDATE (and its undo) on the same rows.
    let ids: Vec<AssetId> =
        sqlx::query_scalar("SELECT id FROM assets WHERE space_id = $1 ORDER BY id LIMIT $2")
            .bind(space)
            .bind(MOVED as i64)
            .fetch_all(&pool)
            .await?;
    let ids_json = serde_json::to_string(&ids)?;
    let (mut raw, mut moves, mut undos) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let started = Instant::now();
        let changed = sqlx::query(
            "UPDATE assets SET deleted_at = $1, deleted_by = $2, delete_batch = $3, expires_at = $1 + 1209600000
             WHERE space_id = $4 AND deleted_at IS NULL AND id IN (SELECT value FROM json_each($5))",
        )
        .bind(now)
        .bind(user)
        .bind("00000000-0000-4000-8000-000000000000")
        .bind(space)
        .bind(&ids_json)
        .execute(&pool)
        .await?
        .rows_affected();
        raw.push(started.elapsed());
        anyhow::ensure!(changed == MOVED as u64);
        sqlx::query(
            "UPDATE assets SET deleted_at = NULL, deleted_by = NULL, delete_batch = NULL, expires_at = NULL
             WHERE space_id = $1 AND deleted_at IS NOT NULL",
        )
        .bind(space)
        .execute(&pool)
        .await?;

        let clock = Clock::system();
        let started = Instant::now();
        let change = BulkChange::ids(space, user.into(), &ids);
        let outcome = trash_assets(&pool, &change, &clock).await?;
        moves.push(started.elapsed());
        anyhow::ensure!(outcome.moved == MOVED as u64);
        let started = Instant::now();
        let undone = restore_batch(&pool, space, user.into(), &outcome.batch, &clock).await?;
        undos.push(started.elapsed());
        anyhow::ensure!(undone.restored == MOVED as u64);
    }
    let (raw, moved, undone) = (
        percentile(&mut raw, 0.5),
        percentile(&mut moves, 0.5),
        percentile(&mut undos, 0.5),
    );
    println!(
        "bulk delete of {MOVED}: move_to_trash {moved:.1} ms ({:.2}x the raw UPDATE's {raw:.1} ms); Undo {undone:.1} ms (medians of {ROUNDS})",
        moved / raw
    );
    Ok(())
}
