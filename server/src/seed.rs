//! `trove seed --space NAME --assets N [--folders F]`: synthetic assets for
//! benchmarks, at the top level or spread over F new folders (a tenth of
//! them at the top level, the rest one level down). Rows only (no files),
//! inserted in one transaction with multi-row INSERTs, so 100,000 assets
//! take seconds.

use app::assets::model::AssetKind;
use app::domain::ids::{FolderId, SpaceId, UserId};
use app::domain::time::{Timestamp, MILLIS_PER_DAY};
use app::platform::db::Sql;
use app::platform::storage::Storage;
use app::spaces::data::{ensure, slugify};
use sqlx::AnyPool;

/// Rows per INSERT statement, 13 bound values each. Few enough: binding
/// looks each parameter up by name, and SQLite's lookup walks the
/// statement's list, so a statement's binding grows with the square of its
/// parameters (1,000 rows, 13,000 parameters: 330 ms a statement, 51 s for
/// 100,000 assets; `perf` showed `sqlite3_bind_parameter_name` at 73%).
const ROWS_PER_STATEMENT: usize = 50;

const STEMS: [&str; 12] = [
    "campaign",
    "banner",
    "portrait",
    "product",
    "landscape",
    "report",
    "invoice",
    "logo",
    "teaser",
    "interview",
    "backdrop",
    "diagram",
];
const TYPES: [(&str, &str); 6] = [
    ("jpg", "image/jpeg"),
    ("png", "image/png"),
    ("pdf", "application/pdf"),
    ("mp4", "video/mp4"),
    ("wav", "audio/wav"),
    ("txt", "text/plain"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedReport {
    pub space_id: i64,
    pub inserted: usize,
    pub folders: usize,
}

/// `folders` new folders in `space`, "Folder 0001"… (numbered on from the
/// folders it has): a tenth at the top level, each of the rest inside one
/// of those. Their ids.
async fn seed_folders(
    tx: &mut sqlx::AnyConnection,
    space: SpaceId,
    folders: usize,
    now: Timestamp,
) -> anyhow::Result<Vec<FolderId>> {
    let start: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM folders WHERE space_id = $1")
        .bind(space)
        .fetch_one(&mut *tx)
        .await?;
    let top = (folders / 10).max(1).min(folders);
    let mut ids: Vec<FolderId> = Vec::with_capacity(folders);
    for level in [0..top, top..folders] {
        for chunk in level.collect::<Vec<_>>().chunks(ROWS_PER_STATEMENT) {
            let mut qb = Sql::new(
                "INSERT INTO folders (space_id, parent_id, name, created_at, updated_at) ",
            );
            qb.push_values(chunk, |mut row, &i| {
                let parent = (i >= top).then(|| ids[i % top]);
                row.push_bind(space)
                    .push_bind(parent)
                    .push_bind(format!("Folder {:04}", start as usize + i + 1))
                    .push_bind(now)
                    .push_bind(now);
            });
            qb.push(" RETURNING id");
            let mut made: Vec<FolderId> = qb.build_query_scalar().fetch_all(&mut *tx).await?;
            made.sort();
            ids.extend(made);
        }
    }
    Ok(ids)
}

pub async fn seed_space(
    pool: &AnyPool,
    space_name: &str,
    count: usize,
    folders: usize,
    now: Timestamp,
) -> anyhow::Result<SeedReport> {
    let slug = slugify(space_name);
    anyhow::ensure!(
        !slug.is_empty(),
        "the space name needs at least one letter or digit"
    );
    let mut tx = pool.begin().await?;
    let space = ensure(&mut *tx, &slug, space_name.trim(), now).await?;
    let start: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM assets WHERE space_id = $1")
        .bind(space.id)
        .fetch_one(&mut *tx)
        .await?;
    let folder_ids = seed_folders(&mut tx, space.id, folders, now).await?;

    let mut n = 0usize;
    while n < count {
        let chunk = ROWS_PER_STATEMENT.min(count - n);
        let mut qb = Sql::new(
            "INSERT INTO assets (space_id, name, mime_type, kind, size_bytes, width, height,
                                 storage_key, has_thumbnail, created_by, created_at, updated_at,
                                 folder_id) ",
        );
        qb.push_values(n..n + chunk, |mut row, i| {
            let serial = start as usize + i;
            let (ext, mime) = TYPES[serial % TYPES.len()];
            let mixed = (serial as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            let is_image = mime.starts_with("image/");
            let created = now.minus_millis((mixed % (3 * 365 * MILLIS_PER_DAY as u64)) as i64);
            row.push_bind(space.id)
                .push_bind(format!(
                    "{}-{serial:06}.{ext}",
                    STEMS[(mixed >> 20) as usize % STEMS.len()]
                ))
                .push_bind(mime)
                .push_bind(AssetKind::from_mime(mime))
                .push_bind(((mixed >> 8) % 50_000_000) as i64)
                .push_bind(is_image.then_some(1920_i64))
                .push_bind(is_image.then_some(1080_i64))
                .push_bind(Storage::new_key())
                .push_bind(0_i64)
                .push_bind(None::<UserId>)
                .push_bind(created)
                .push_bind(created.plus_millis(((mixed >> 40) % MILLIS_PER_DAY as u64) as i64))
                // One share at the top level, the rest spread over the folders.
                .push_bind(match serial % (folder_ids.len() + 1) {
                    0 => None,
                    k => Some(folder_ids[k - 1]),
                });
        });
        qb.build().execute(&mut *tx).await?;
        n += chunk;
    }
    tx.commit().await?;
    // Fresh statistics help the planner pick the listing indexes.
    sqlx::query("ANALYZE").execute(pool).await?;
    Ok(SeedReport {
        space_id: space.id.0,
        inserted: count,
        folders: folder_ids.len(),
    })
}
