//! Empty Trash at 100,000 items against the raw DELETE on the same data:
//! each run on a fresh SQLite file holding `BENCH_ASSETS` (100,000) assets
//! in Trash, seeded identically.
//!
//! - raw: one `BEGIN IMMEDIATE; DELETE … WHERE deleted_at IS NOT NULL;
//!   COMMIT` on the app's connection settings: rows only.
//! - app, no files: `app::trash::empty::empty_trash` (the count guard, the
//!   snapshot and audit entry, chunks of 10,000 in durable transactions,
//!   then a file removal per asset that finds nothing).
//! - raw + files: the raw DELETE, then each asset's original removed.
//! - app + files: `empty_trash` with a file per asset on the local disk.
//!
//! `cargo bench -p server --bench empty_trash`.

use std::path::Path;
use std::time::{Duration, Instant};

use app::domain::ids::{SpaceId, UserId};
use app::domain::time::{Timestamp, MILLIS_PER_DAY};
use app::platform::clock::Clock;
use app::platform::storage::Storage;
use app::trash::bulk::Effect;
use app::trash::empty::{empty_trash, EmptyTrashRequest};

const DELETED_AT: i64 = 1_800_000_000_000;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let assets: i64 = std::env::var("BENCH_ASSETS")
        .unwrap_or_else(|_| "100000".into())
        .parse()?;
    let clock = Clock::frozen(Timestamp::from_millis(DELETED_AT + 60_000));
    let mut report = Vec::new();
    for (name, app, files) in [
        ("raw DELETE, rows only", false, false),
        ("app empty_trash, no files on disk", true, false),
        ("raw DELETE + remove files", false, true),
        ("app empty_trash + files", true, true),
    ] {
        let dir = tempfile::tempdir()?;
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("bench.db").display()
        );
        let pool = app::platform::db::connect(&url).await?;
        let (space, user) = seed(&pool, assets).await?;
        let root = dir.path().join("files");
        let keys: Vec<String> = sqlx::query_scalar("SELECT storage_key FROM assets ORDER BY id")
            .fetch_all(&pool)
            .await?;
        if files {
            write_files(&root, &keys)?;
        }
        let storage = Storage::local(&root)?;
        let started = Instant::now();
        let gone = if app {
            let request = EmptyTrashRequest {
                space,
                actor: user.into(),
                expected: Some(assets as u64),
                effect: Effect::Apply,
            };
            empty_trash(&pool, &storage, &request, &clock)
                .await?
                .deleted
        } else {
            pool.close().await;
            let raw = app::platform::db::raw_sqlite(&url).await?;
            let mut tx = raw.begin_with("BEGIN IMMEDIATE").await?;
            let gone =
                sqlx::query("DELETE FROM assets WHERE space_id = $1 AND deleted_at IS NOT NULL")
                    .bind(space.0)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            tx.commit().await?;
            if files {
                for key in &keys {
                    std::fs::remove_file(original(&root, key))?;
                }
            }
            gone
        };
        let took = started.elapsed();
        assert_eq!(gone, assets as u64, "{name}");
        eprintln!("{name}: {gone} assets in {}", ms(took));
        report.push((name, took));
    }
    println!("\nEmpty Trash of {assets} assets (SQLite, one run each):");
    for pair in report.chunks(2) {
        let (raw, app) = (pair[0].1, pair[1].1);
        println!(
            "  {:<40} {:>10}\n  {:<40} {:>10}  = {:.2}x",
            pair[0].0,
            ms(raw),
            pair[1].0,
            ms(app),
            app.as_secs_f64() / raw.as_secs_f64()
        );
    }
    Ok(())
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

/// A space, its owner, and `n` assets of 10 bytes in its Trash.
async fn seed(pool: &sqlx::AnyPool, n: i64) -> anyhow::Result<(SpaceId, UserId)> {
    let space = app::spaces::data::ensure(pool, "bench", "Bench", Timestamp::EPOCH)
        .await?
        .id;
    let user = app::auth::data::upsert_user(
        pool,
        "owner@bench.example",
        "Owner",
        &app::auth::password::PasswordHash::from_stored("x"),
        Timestamp::EPOCH,
    )
    .await?;
    sqlx::query(
        "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)
         INSERT INTO assets (space_id, name, mime_type, kind, size_bytes, storage_key,
                             has_thumbnail, created_at, updated_at, deleted_at, deleted_by,
                             delete_batch, expires_at)
         SELECT $1, 'asset-' || i || '.png', 'image/png', 'image', 10,
                lower(hex(randomblob(16))), 0, 0, 0, $3, $4, 'bench', $5
         FROM n",
    )
    .bind(space)
    .bind(n)
    .bind(DELETED_AT)
    .bind(user)
    .bind(DELETED_AT + 14 * MILLIS_PER_DAY)
    .execute(pool)
    .await?;
    Ok((space, user))
}

/// Where the local store keeps `key`'s original.
fn original(root: &Path, key: &str) -> std::path::PathBuf {
    root.join("originals").join(&key[..2]).join(key)
}

fn write_files(root: &Path, keys: &[String]) -> anyhow::Result<()> {
    for key in keys {
        let path = original(root, key);
        std::fs::create_dir_all(path.parent().expect("a parent"))?;
        std::fs::write(path, b"0123456789")?;
    }
    Ok(())
}
