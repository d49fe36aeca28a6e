//! Demo data for `make run` on an empty database (README, "Demo accounts"): three
//! people, two spaces, and real small files (generated images with
//! thumbnails, PDFs, text, audio and video) with varied names, sizes and dates.

use anyhow::Context as _;
use app::assets::data::{insert, NewAsset};
use app::assets::ingest::store_file;
use app::auth::data::{set_membership, upsert_user};
use app::auth::model::Role;
use app::auth::password;
use app::domain::time::Timestamp;
use app::platform::clock::MILLIS_PER_DAY;
use app::platform::state::AppState;
use app::platform::storage::Storage;
use app::spaces::data::ensure;
use bytes::Bytes;

use catalogue::{marketing_catalogue, product_catalogue, Entry};
use media::render;

mod catalogue;
mod media;

pub const DEMO_PASSWORD: &str = "trove-demo";

/// Seeds the demo data when the database has no spaces yet. Returns whether
/// it seeded anything.
pub async fn seed_if_empty(state: &AppState) -> anyhow::Result<bool> {
    let spaces: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM spaces")
        .fetch_one(&state.pool)
        .await?;
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&state.pool)
        .await?;
    if spaces > 0 || users > 0 {
        return Ok(false);
    }
    seed(state).await?;
    Ok(true)
}

async fn seed(state: &AppState) -> anyhow::Result<()> {
    let now = state.clock.now();
    let hash = password::hash_off_runtime(DEMO_PASSWORD.to_owned())
        .await
        .context("hashing the demo password")?;

    // Write every file first, then all rows in one transaction: a crash
    // leaves at worst unreferenced files, never rows without files.
    let marketing_files = build_files(&state.storage, &marketing_catalogue(), now, 1).await?;
    let product_files = build_files(&state.storage, &product_catalogue(), now, 2).await?;

    let mut tx = state.pool.begin().await?;
    let owner = upsert_user(&mut *tx, "owner@example.com", "Olivia Owner", &hash, now).await?;
    let manager = upsert_user(
        &mut *tx,
        "manager@example.com",
        "Manuel Manager",
        &hash,
        now,
    )
    .await?;
    let viewer = upsert_user(&mut *tx, "viewer@example.com", "Vera Viewer", &hash, now).await?;
    let marketing = ensure(&mut *tx, "marketing", "Marketing", now).await?;
    let product = ensure(&mut *tx, "product", "Product", now).await?;
    set_membership(&mut *tx, marketing.id, owner, Role::Owner).await?;
    set_membership(&mut *tx, product.id, owner, Role::Owner).await?;
    set_membership(&mut *tx, marketing.id, manager, Role::AssetManager).await?;
    set_membership(&mut *tx, marketing.id, viewer, Role::Viewer).await?;
    for (space, files) in [(marketing.id, marketing_files), (product.id, product_files)] {
        for mut file in files {
            file.space = space;
            file.created_by = Some(owner);
            insert(&mut *tx, &file).await?;
        }
    }
    tx.commit().await?;
    tracing::info!("seeded demo data: Marketing and Product, password {DEMO_PASSWORD:?}");
    Ok(())
}

/// Writes each entry's file (and thumbnail) and returns the rows to insert.
async fn build_files(
    storage: &Storage,
    catalogue: &[Entry],
    now: Timestamp,
    seed: u64,
) -> anyhow::Result<Vec<NewAsset>> {
    let mut rng = SplitMix(seed);
    let mut assets = Vec::with_capacity(catalogue.len());
    for (index, entry) in catalogue.iter().enumerate() {
        let content = entry.content.clone();
        let palette = index as u64 + seed * 100;
        let bytes = tokio::task::spawn_blocking(move || render(&content, palette)).await??;
        let file = futures::stream::iter([Ok(Bytes::from(bytes))]);
        let accepted = store_file(storage, &entry.name, u64::MAX, None, file).await?;
        // Spread over the last year, a few assets edited after creation.
        let created_at = now
            .minus_millis((rng.next() % 365) as i64 * MILLIS_PER_DAY)
            .minus_millis((rng.next() % MILLIS_PER_DAY as u64) as i64);
        let updated_at = if rng.next().is_multiple_of(3) {
            created_at
                .plus_millis((rng.next() % (30 * MILLIS_PER_DAY as u64)) as i64)
                .min(now)
        } else {
            created_at
        };
        let mut asset =
            accepted.into_new_asset(app::domain::ids::SpaceId(0), None, None, created_at);
        asset.updated_at = updated_at;
        // The catalogue names each type exactly (the sniffer agrees, but the
        // demo must look the same on every machine).
        asset.mime_type = entry.mime.to_owned();
        assets.push(asset);
    }
    Ok(assets)
}

/// A tiny deterministic generator, so the demo looks the same on every machine.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}
