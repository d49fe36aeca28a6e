//! Data for the Trash tests: a user, live assets, and what is in Trash
//! and in the audit log.
#![allow(clippy::unwrap_used)] // a failed setup step should fail the test loudly

use sqlx::AnyPool;

use crate::assets::data::{insert, NewAsset};
use crate::domain::ids::{AssetId, FolderId, SpaceId, UserId};
use crate::domain::time::Timestamp;

/// A moment in 2027, far from the epoch and from real time.
pub const NOW: Timestamp = Timestamp::from_millis(1_800_000_000_000);

pub async fn user(pool: &AnyPool, email: &str) -> UserId {
    crate::auth::data::upsert_user(
        pool,
        email,
        email,
        &crate::auth::password::PasswordHash::from_stored("x"),
        Timestamp::EPOCH,
    )
    .await
    .unwrap()
}

/// `n` live assets in `space`, named `a-0.png`, `a-1.png`, …
pub async fn assets(pool: &AnyPool, space: SpaceId, n: usize) -> Vec<AssetId> {
    assets_in(pool, space, None, n).await
}

/// `n` live assets in `folder` of `space` (the top level for `None`).
pub async fn assets_in(
    pool: &AnyPool,
    space: SpaceId,
    folder: Option<FolderId>,
    n: usize,
) -> Vec<AssetId> {
    let mut tx = pool.begin().await.unwrap();
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let asset = NewAsset::for_test(space, folder, &format!("a-{i}.png"));
        ids.push(insert(&mut *tx, &asset).await.unwrap().id);
    }
    tx.commit().await.unwrap();
    ids
}

/// The ids in Trash, in id order.
pub async fn trashed(pool: &AnyPool) -> Vec<AssetId> {
    sqlx::query_scalar("SELECT id FROM assets WHERE deleted_at IS NOT NULL ORDER BY id")
        .fetch_all(pool)
        .await
        .unwrap()
}

/// (action, asset ids, count, batch) of every audit entry, oldest first.
pub async fn audit_rows(pool: &AnyPool) -> Vec<(String, String, i64, Option<String>)> {
    sqlx::query_as("SELECT action, asset_ids, asset_count, batch FROM audit_log ORDER BY id")
        .fetch_all(pool)
        .await
        .unwrap()
}

/// A live folder named `name` in `parent` (the top level for `None`).
pub async fn folder(
    pool: &AnyPool,
    space: SpaceId,
    parent: Option<FolderId>,
    name: &str,
) -> FolderId {
    crate::assets::folders::data::create(pool, space, parent, name, None, Timestamp::EPOCH)
        .await
        .unwrap()
        .id
}
