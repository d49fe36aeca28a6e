//! Reading the server's database: the invariants every fault must leave
//! intact, whatever else it did.

use sqlx::SqlitePool;

pub async fn space_id(db: &SqlitePool, slug: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM spaces WHERE slug = $1")
        .bind(slug)
        .fetch_one(db)
        .await
        .unwrap()
}

/// Sum of `asset_count` over the space's audit rows of one action.
pub async fn audit_sum(db: &SqlitePool, slug: &str, action: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT COALESCE(SUM(a.asset_count), 0) FROM audit_log a
         JOIN spaces s ON s.id = a.space_id
         WHERE s.slug = $1 AND a.action = $2",
    )
    .bind(slug)
    .bind(action)
    .fetch_one(db)
    .await
    .unwrap()
}

pub async fn trashed_count(db: &SqlitePool, slug: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM assets a JOIN spaces s ON s.id = a.space_id
         WHERE s.slug = $1 AND a.deleted_at IS NOT NULL",
    )
    .bind(slug)
    .fetch_one(db)
    .await
    .unwrap()
}

/// SQLite's own check of the file (pages, indexes, constraints), and the
/// space's live counter (`spaces.live_assets`, kept by triggers) against a
/// count of its live rows: a torn write would show in one or the other.
pub async fn assert_consistent(db: &SqlitePool, slug: &str) {
    let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(db)
        .await
        .unwrap();
    assert_eq!(integrity, ["ok"], "PRAGMA integrity_check");
    let (counter, counted): (i64, i64) = sqlx::query_as(
        "SELECT s.live_assets,
                (SELECT COUNT(*) FROM assets a WHERE a.space_id = s.id AND a.deleted_at IS NULL)
         FROM spaces s WHERE s.slug = $1",
    )
    .bind(slug)
    .fetch_one(db)
    .await
    .unwrap();
    assert_eq!(
        counter, counted,
        "the live counter of {slug} disagrees with its live rows"
    );
}
