//! References in the database: a source's list of assets, set whole by its
//! integration, and an asset's sources. `assets.used_in` is kept by the
//! triggers of migration 0009, so these statements only ever insert and
//! delete rows of `asset_references`: a diff against the stored list, each
//! side one statement over the ids bound as one JSON array.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::{AnyConnection, AnyPool};

use super::model::{ReferencesOutcome, Source};
use crate::domain::bulk_target::{list_ids, unknown_items, MAX_BULK_IDS};
use crate::domain::error::AppError;
use crate::domain::ids::{AssetId, SpaceId};
use crate::domain::time::Timestamp;
use crate::platform::db::json_ids;

/// Sets the full list of assets `source` of `space` uses now, as its
/// integration sends it on every save; an empty list removes the source.
/// All or nothing, under the write lock: ids that are not assets of the
/// space (live or in Trash) fail the whole call, naming them (404); a list
/// of more than [`MAX_BULK_IDS`] is refused. An id listed twice counts once
/// (a page may show one picture twice). The same call again changes
/// nothing, not even the source's date.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(space = space.0)))]
pub async fn set_references(
    pool: &AnyPool,
    space: SpaceId,
    source: &Source,
    assets: &[AssetId],
    now: Timestamp,
) -> Result<ReferencesOutcome, AppError> {
    let source = source.validated().map_err(AppError::Validation)?;
    let assets = checked_list(assets)?;
    let mut tx = crate::platform::db::begin_write_on(pool).await?;
    require_known(&mut tx, space, &assets).await?;
    let stored: Option<(i64, String, Option<String>)> = sqlx::query_as(
        "SELECT id, title, url FROM reference_sources
         WHERE space_id = $1 AND system = $2 AND external_id = $3",
    )
    .bind(space)
    .bind(&source.system)
    .bind(&source.id)
    .fetch_optional(&mut *tx)
    .await?;
    let outcome = |added, removed| ReferencesOutcome {
        source: source.clone(),
        count: assets.len() as u64,
        added,
        removed,
    };
    if assets.is_empty() {
        let Some((id, ..)) = stored else {
            return Ok(outcome(0, 0));
        };
        // The references go first, one statement, so the counters' triggers
        // see each row go (not only through the source's cascade).
        let removed = sqlx::query("DELETE FROM asset_references WHERE source_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query("DELETE FROM reference_sources WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        return Ok(outcome(0, removed));
    }
    let (id, renamed) = match &stored {
        Some((id, title, url)) => (*id, *title != source.title || *url != source.url),
        None => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO reference_sources (space_id, system, external_id, title, url, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(space)
            .bind(&source.system)
            .bind(&source.id)
            .bind(&source.title)
            .bind(&source.url)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            (id, false)
        }
    };
    let list = json_ids(&assets);
    let removed = sqlx::query(
        "DELETE FROM asset_references
         WHERE source_id = $1 AND asset_id NOT IN (SELECT value FROM json_each($2))",
    )
    .bind(id)
    .bind(&list)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let added = sqlx::query(
        "INSERT INTO asset_references (source_id, asset_id)
         SELECT $1, j.value FROM json_each($2) AS j
         WHERE NOT EXISTS (SELECT 1 FROM asset_references r
                           WHERE r.source_id = $1 AND r.asset_id = j.value)",
    )
    .bind(id)
    .bind(&list)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if renamed || added + removed > 0 {
        sqlx::query(
            "UPDATE reference_sources SET title = $1, url = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(&source.title)
        .bind(&source.url)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(outcome(added, removed))
}

/// A source's list as sent, checked: at most [`MAX_BULK_IDS`], each id
/// positive; returned sorted, each id once.
fn checked_list(assets: &[AssetId]) -> Result<Vec<AssetId>, AppError> {
    if assets.len() > MAX_BULK_IDS {
        return Err(AppError::validation(format!(
            "A source can use at most {MAX_BULK_IDS} assets; this request lists {}.",
            assets.len()
        )));
    }
    let bad: BTreeSet<i64> = assets.iter().map(|id| id.0).filter(|id| *id <= 0).collect();
    if !bad.is_empty() {
        return Err(AppError::validation(format!(
            "These are not asset ids: {}.",
            list_ids(bad)
        )));
    }
    let unique: BTreeSet<AssetId> = assets.iter().copied().collect();
    Ok(unique.into_iter().collect())
}

/// 404 naming the ids that are not assets of `space`, in any state.
async fn require_known(
    tx: &mut AnyConnection,
    space: SpaceId,
    assets: &[AssetId],
) -> Result<(), AppError> {
    if assets.is_empty() {
        return Ok(());
    }
    let found: BTreeSet<AssetId> = sqlx::query_scalar(
        "SELECT id FROM assets WHERE space_id = $1 AND id IN (SELECT value FROM json_each($2))",
    )
    .bind(space)
    .bind(json_ids(assets))
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .collect();
    if found.len() == assets.len() {
        return Ok(());
    }
    let missing = assets.iter().filter(|id| !found.contains(id)).copied();
    Err(unknown_items(
        missing.collect(),
        BTreeSet::new(),
        "",
        "changed",
    ))
}

/// The sources that use asset `id` of `space` (live or in Trash), by
/// title; 404 when the space has no such asset.
pub async fn sources_of(
    pool: &AnyPool,
    space: SpaceId,
    id: AssetId,
) -> Result<Vec<Source>, AppError> {
    let mut conn = pool.acquire().await?;
    let known: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM assets WHERE space_id = $1 AND id = $2")
            .bind(space)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    if known.is_none() {
        return Err(AppError::NotFound);
    }
    let mut sources = sources_of_each(&mut conn, &[id], usize::MAX).await?;
    Ok(sources.remove(&id).unwrap_or_default())
}

/// The sources of each of `assets`, by title, at most `each` per asset
/// (the first by title): one statement.
pub async fn sources_of_each(
    conn: &mut AnyConnection,
    assets: &[AssetId],
    each: usize,
) -> Result<BTreeMap<AssetId, Vec<Source>>, AppError> {
    let rows: Vec<(AssetId, String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT asset_id, system, external_id, title, url FROM (
             SELECT r.asset_id, s.system, s.external_id, s.title, s.url,
                    ROW_NUMBER() OVER (PARTITION BY r.asset_id
                                       ORDER BY s.title, s.system, s.external_id) AS n
             FROM asset_references r JOIN reference_sources s ON s.id = r.source_id
             WHERE r.asset_id IN (SELECT value FROM json_each($1))
         ) AS ranked
         WHERE n <= $2
         ORDER BY asset_id, n",
    )
    .bind(json_ids(assets))
    .bind(i64::try_from(each).unwrap_or(i64::MAX))
    .fetch_all(&mut *conn)
    .await?;
    let mut sources: BTreeMap<AssetId, Vec<Source>> = BTreeMap::new();
    for (asset, system, id, title, url) in rows {
        sources.entry(asset).or_default().push(Source {
            system,
            id,
            title,
            url,
        });
    }
    Ok(sources)
}

#[cfg(test)]
mod tests;
