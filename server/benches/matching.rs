//! "Select all N matching" at scale: moving the 50,000 of 100,000 assets
//! whose names match a search to Trash (`app::trash::bulk::trash_assets`
//! with `Items::Matching`, what `POST /api/move_to_trash` runs after its
//! session and permission checks) next to the raw SQL a DBA would write,
//! `UPDATE assets SET … WHERE space_id = ? AND deleted_at IS NULL AND name
//! LIKE '%spring-25%'`, on a copy of the same database, in the same run.
//! Also: how long the write lock is held, seen from a one-row write that
//! starts while the last move runs. Five rounds; each is undone (not timed)
//! and both logs checkpointed before the next. Seeds its own data in a temporary directory.
//! `BENCH_ASSETS` (default 100,000) sets the size.

use std::time::{Duration, Instant};

use app::assets::moving::AssetFilters;
use app::domain::bulk_target::{BulkTarget, Items};
use app::domain::ids::{SpaceId, UserId};
use app::platform::clock::Clock;
use app::platform::search::NameSearch;
use app::trash::bulk::{trash_assets, BulkChange, Effect};
use sqlx::SqlitePool;

const TERM: &str = "spring-25";
const ROUNDS: usize = 5;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let assets: usize = std::env::var("BENCH_ASSETS")
        .unwrap_or_else(|_| "100000".into())
        .parse()?;
    let dir = tempfile::tempdir()?;
    let url = |name: &str| format!("sqlite://{}?mode=rwc", dir.path().join(name).display());
    let pool = app::platform::db::connect(&url("trove.db")).await?;
    let now = Clock::system().now();
    let seeded = server::seed::seed_space(&pool, "Bench", assets, 0, now).await?;
    let space = SpaceId(seeded.space_id);
    // Every other asset is part of the finished campaign.
    sqlx::query("UPDATE assets SET name = 'spring-25-' || name WHERE space_id = $1 AND id % 2 = 0")
        .bind(space)
        .execute(&pool)
        .await?;
    sqlx::query(
        "INSERT INTO users (email, name, password_hash, created_at) VALUES ('b@x', 'B', '-', 0)",
    )
    .execute(&pool)
    .await?;
    let user: UserId = sqlx::query_scalar("SELECT id FROM users")
        .fetch_one(&pool)
        .await?;
    sqlx::query("ANALYZE").execute(&pool).await?;
    // Two compact copies of the same data, one for each side, so neither
    // pays for the set-up's write-ahead log or its fragmentation.
    for name in ["ours.db", "raw.db"] {
        sqlx::query("VACUUM INTO $1")
            .bind(dir.path().join(name).display().to_string())
            .execute(&pool)
            .await?;
    }
    pool.close().await;
    let pool = app::platform::db::connect(&url("ours.db")).await?;
    let copy = app::platform::db::raw_sqlite(&url("raw.db")).await?;
    let expected: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM assets WHERE space_id = $1 AND name LIKE '%spring-25%'",
    )
    .bind(space)
    .fetch_one(&pool)
    .await?;
    println!("== move all matching {TERM:?}: {expected} of {assets} assets, {ROUNDS} rounds");

    let (mut raw, mut ours, mut wait) = (Vec::new(), Vec::new(), 0.0);
    for round in 1..=ROUNDS {
        // Both sides start from an empty write-ahead log, so neither pays
        // for checkpointing the previous round's undo.
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&pool)
            .await?;
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&copy)
            .await?;
        let raw_ms = raw_update(&copy, space, user).await?;
        let clock = Clock::system();
        let filters = AssetFilters {
            search: NameSearch::parse(TERM)?,
            within: None,
            usage: None,
        };
        // The last round also times a one-row write that starts while the
        // move runs (the others are undisturbed).
        let writer =
            (round == ROUNDS).then(|| tokio::spawn(one_row_write_during(pool.clone(), space)));
        let started = Instant::now();
        let change = BulkChange {
            space,
            actor: user.into(),
            target: BulkTarget {
                items: Items::Matching {
                    filters,
                    expected: expected as u64,
                },
                folders: Vec::new(),
            },
            effect: Effect::Apply,
        };
        let outcome = trash_assets(&pool, &change, &clock).await?;
        let ours_ms = started.elapsed().as_secs_f64() * 1e3;
        assert_eq!(outcome.moved, expected as u64);
        print!(
            "round {round}: raw UPDATE … WHERE {raw_ms:.1} ms | move all matching {ours_ms:.1} ms ({:.2}x)",
            ours_ms / raw_ms
        );
        if let Some(writer) = writer {
            let waited_ms = writer.await??;
            print!(" | a one-row write started 5 ms in waited {waited_ms:.1} ms");
            wait = waited_ms;
        }
        println!();
        raw.push(raw_ms);
        ours.push(ours_ms);
        // Undo both, untimed.
        let undo = "UPDATE assets SET deleted_at = NULL, deleted_by = NULL, delete_batch = NULL, expires_at = NULL
                    WHERE space_id = $1 AND deleted_at IS NOT NULL";
        sqlx::query(undo).bind(space).execute(&pool).await?;
        sqlx::query(undo).bind(space).execute(&copy).await?;
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (raw, ours) = (median(&mut raw), median(&mut ours));
    println!(
        "median: raw {raw:.1} ms, move all matching {ours:.1} ms: {:.2}x raw; write lock held about {ours:.0} ms (a write waiting on it: {wait:.1} ms)",
        ours / raw
    );
    Ok(())
}

/// The baseline: one UPDATE with the LIKE test, in an IMMEDIATE transaction.
async fn raw_update(pool: &SqlitePool, space: SpaceId, user: UserId) -> anyhow::Result<f64> {
    let started = Instant::now();
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    sqlx::query(
        "UPDATE assets SET deleted_at = $1, deleted_by = $2, delete_batch = $3, expires_at = $1 + 1209600000
         WHERE space_id = $4 AND deleted_at IS NULL AND name LIKE '%spring-25%'",
    )
    .bind(1_i64)
    .bind(user)
    // A batch id like the app's (a UUID): the rows grow by as much.
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(space)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(started.elapsed().as_secs_f64() * 1e3)
}

/// Starts 5 ms after it is spawned, renames one asset, and returns how long
/// that took: most of it is waiting for the move's write lock.
async fn one_row_write_during(pool: sqlx::AnyPool, space: SpaceId) -> anyhow::Result<f64> {
    tokio::time::sleep(Duration::from_millis(5)).await;
    let started = Instant::now();
    sqlx::query(
        "UPDATE assets SET updated_at = updated_at + 1
         WHERE id = (SELECT MAX(id) FROM assets WHERE space_id = $1)",
    )
    .bind(space)
    .execute(&pool)
    .await?;
    Ok(started.elapsed().as_secs_f64() * 1e3)
}
