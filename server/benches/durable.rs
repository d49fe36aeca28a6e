//! What `synchronous = FULL` costs the transactions whose commit is
//! followed by removing files (delete permanently, each purge chunk): the
//! same `DELETE … RETURNING` of 1,000 trashed rows plus its audit row,
//! committed on a pooled connection (`NORMAL`, the WAL synced only at
//! checkpoints) and on `app::platform::db::durable_connection` (`FULL`, synced at
//! every commit), alternating, on one database in a temp dir on the data
//! disk (`BENCH_DIR`, default the system temp dir). Prints medians.

use std::time::{Duration, Instant};

use sqlx::{AnyConnection, AnyPool, Connection as _};

const ROUNDS: usize = 15;
const CHUNK: i64 = 1_000;

async fn fill(pool: &AnyPool, space: i64, rows: i64) -> anyhow::Result<()> {
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
         INSERT INTO assets (space_id, name, mime_type, kind, size_bytes, storage_key,
                             has_thumbnail, created_at, updated_at, deleted_at, delete_batch,
                             expires_at)
         SELECT $2, 'a-' || i || '.png', 'image/png', 'image', 100, lower(hex(randomblob(16))),
                0, 1, 1, 1, 'b', 2
         FROM n",
    )
    .bind(rows)
    .bind(space)
    .execute(pool)
    .await?;
    Ok(())
}

async fn delete_chunk(conn: &mut AnyConnection, space: i64) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    let keys: Vec<String> = sqlx::query_scalar(
        "DELETE FROM assets WHERE id IN (
             SELECT id FROM assets WHERE space_id = $1 AND deleted_at IS NOT NULL LIMIT $2)
         RETURNING storage_key",
    )
    .bind(space)
    .bind(CHUNK)
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO audit_log (space_id, actor_id, action, batch, asset_ids, asset_count, at)
         VALUES ($1, NULL, 'purge', NULL, '[]', $2, 1)",
    )
    .bind(space)
    .bind(keys.len() as i64)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    anyhow::ensure!(keys.len() as i64 == CHUNK, "ran out of rows");
    Ok(started.elapsed())
}

fn median(mut times: Vec<Duration>) -> f64 {
    times.sort();
    times[times.len() / 2].as_secs_f64() * 1e3
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let base = std::env::var_os("BENCH_DIR").map_or_else(std::env::temp_dir, Into::into);
    let dir = tempfile::tempdir_in(base)?;
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("b.db").display());
    let pool = app::platform::db::connect(&url).await?;
    let space =
        app::spaces::data::ensure(&pool, "bench", "Bench", app::domain::time::Timestamp::EPOCH)
            .await?
            .id
            .0;
    fill(&pool, space, 2 * ROUNDS as i64 * CHUNK).await?;

    let (mut normal, mut full) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let mut conn = pool.acquire().await?;
        normal.push(delete_chunk(&mut conn, space).await?);
        drop(conn);
        let mut conn = app::platform::db::durable_connection(&pool).await?;
        full.push(delete_chunk(&mut conn, space).await?);
    }
    let (normal, full) = (median(normal), median(full));
    println!(
        "delete {CHUNK} trashed rows + audit, commit: synchronous=NORMAL {normal:.2} ms, \
         FULL {full:.2} ms (median of {ROUNDS}; +{:.2} ms per commit)",
        full - normal
    );
    Ok(())
}
