//! Moving 10,000 assets to Trash as raw SQL: the baseline for the HTTP
//! endpoint, on a copy of the same database (`scripts/bench.sh`). The same
//! statements as `app::trash::bulk::move_to_trash`, without validation,
//! HTTP, sessions or the permission check. Reads `DATABASE_URL`,
//! `BENCH_SPACE`, `BENCH_IDS` (how many, from the lowest id).

use std::time::Instant;

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("DATABASE_URL")?;
    let slug = std::env::var("BENCH_SPACE").unwrap_or_else(|_| "bench".into());
    let count: i64 = std::env::var("BENCH_IDS")
        .unwrap_or_else(|_| "10000".into())
        .parse()?;
    let pool = app::platform::db::connect(&url).await?;
    let space: i64 = sqlx::query_scalar("SELECT id FROM spaces WHERE slug = $1")
        .bind(&slug)
        .fetch_one(&pool)
        .await?;
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM assets WHERE space_id = $1 ORDER BY id LIMIT $2")
            .bind(space)
            .bind(count)
            .fetch_all(&pool)
            .await?;
    let user: i64 = sqlx::query_scalar("SELECT id FROM users ORDER BY id LIMIT 1")
        .fetch_one(&pool)
        .await?;
    let ids_json = serde_json::to_string(&ids)?;

    let started = Instant::now();
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let found: Vec<(i64, Option<i64>)> =
        sqlx::query_as("SELECT id, deleted_at FROM assets WHERE space_id = $1 AND id IN (SELECT value FROM json_each($2))")
            .bind(space)
            .bind(&ids_json)
            .fetch_all(&mut *tx)
            .await?;
    let moved = sqlx::query(
        "UPDATE assets SET deleted_at = $1, deleted_by = $2, delete_batch = $3, expires_at = $1 + 1209600000
         WHERE space_id = $4 AND deleted_at IS NULL AND id IN (SELECT value FROM json_each($5))",
    )
    .bind(1_i64)
    .bind(user)
    .bind("00000000-0000-4000-8000-000000000000")
    .bind(space)
    .bind(&ids_json)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    sqlx::query(
        "INSERT INTO audit_log (space_id, actor_id, action, batch, asset_ids, asset_count, at)
         VALUES ($1, $2, 'move_to_trash', $3, $4, $5, $6)",
    )
    .bind(space)
    .bind(user)
    .bind("00000000-0000-4000-8000-000000000000")
    .bind(&ids_json)
    .bind(moved as i64)
    .bind(1_i64)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    let elapsed = started.elapsed();
    assert_eq!(found.len(), ids.len());
    println!(
        "raw SQL move to Trash: {moved} assets in {:.1} ms",
        elapsed.as_secs_f64() * 1e3
    );
    println!("raw_ms={:.3}", elapsed.as_secs_f64() * 1e3);
    Ok(())
}
