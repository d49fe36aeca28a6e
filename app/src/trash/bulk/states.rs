//! Where each listed id of a bulk request stands: the id list's checks,
//! the write lock, and the state of every id read under it.

use std::collections::{BTreeSet, HashSet};

use sqlx::{Any, AnyConnection};

use super::super::model::MAX_BULK_IDS;
use crate::error::AppError;
use crate::ids::SpaceId;
use crate::time::Timestamp;

/// Checks a bulk id list: 1 to 10,000 positive ids, each once.
pub fn validate_ids(ids: &[i64]) -> Result<Vec<i64>, AppError> {
    if ids.is_empty() {
        return Err(AppError::validation("Select at least one asset."));
    }
    if ids.len() > MAX_BULK_IDS {
        return Err(AppError::validation(format!(
            "At most {MAX_BULK_IDS} assets can be changed at once; this request has {}.",
            ids.len()
        )));
    }
    if let Some(bad) = ids.iter().find(|id| **id <= 0) {
        return Err(AppError::validation(format!("{bad} is not an asset id.")));
    }
    let mut seen = HashSet::with_capacity(ids.len());
    let duplicates: BTreeSet<i64> = ids.iter().copied().filter(|id| !seen.insert(*id)).collect();
    if !duplicates.is_empty() {
        return Err(AppError::validation(format!(
            "Each asset may be listed once; listed more than once: {}.",
            list_ids(&duplicates)
        )));
    }
    Ok(ids.to_vec())
}

/// "4, 9, 12" or "4, 9, 12, … (250 in all)".
pub(super) fn list_ids(ids: &BTreeSet<i64>) -> String {
    const SHOWN: usize = 20;
    let shown: Vec<String> = ids.iter().take(SHOWN).map(i64::to_string).collect();
    if ids.len() > SHOWN {
        format!("{}, … ({} in all)", shown.join(", "), ids.len())
    } else {
        shown.join(", ")
    }
}

pub fn json_ids(ids: &[i64]) -> String {
    serde_json::to_string(ids).unwrap_or_else(|_| "[]".to_owned())
}

/// The Trash state (`deleted_at`) of each of `ids` in `space`; any id that
/// is unknown or in another space fails the request, naming them.
pub(super) async fn trash_states(
    tx: &mut sqlx::AnyConnection,
    space: SpaceId,
    ids: &[i64],
    ids_json: &str,
    verb: &str,
) -> Result<Vec<(i64, Option<Timestamp>)>, AppError> {
    let found: Vec<(i64, Option<Timestamp>)> = sqlx::query_as(
        "SELECT id, deleted_at FROM assets
         WHERE space_id = $1 AND id IN (SELECT value FROM json_each($2))",
    )
    .bind(space)
    .bind(ids_json)
    .fetch_all(&mut *tx)
    .await?;
    let known: Vec<i64> = found.iter().map(|(id, _)| *id).collect();
    check_known("assets", ids, &known, verb)?;
    Ok(found)
}

/// 404 naming the listed `ids` of `kind` ("assets", "folders") that are
/// not among the `known` ones of the space.
pub(super) fn check_known(
    kind: &str,
    ids: &[i64],
    known: &[i64],
    verb: &str,
) -> Result<(), AppError> {
    if known.len() == ids.len() {
        return Ok(());
    }
    let known: HashSet<i64> = known.iter().copied().collect();
    let missing: BTreeSet<i64> = ids
        .iter()
        .copied()
        .filter(|id| !known.contains(id))
        .collect();
    Err(AppError::UnknownAssets {
        message: format!(
            "These {kind} do not exist in this space: {}. Nothing was {verb}.",
            list_ids(&missing)
        ),
        ids: missing.into_iter().collect(),
    })
}

/// Where each id of a bulk request stands, read under the write lock.
pub(super) struct BulkStates {
    /// Ids not in Trash.
    pub(super) live: Vec<i64>,
    /// Ids in Trash, with their `deleted_at`.
    pub(super) trashed: Vec<(i64, Timestamp)>,
}

impl BulkStates {
    pub(super) fn trashed_ids(&self) -> Vec<i64> {
        self.trashed.iter().map(|(id, _)| *id).collect()
    }
}

/// Checks the folder ids of a bulk request beside its asset ids: at least
/// one id in all, at most `MAX_BULK_IDS`, each positive and listed once.
pub fn validate_items(assets: &[i64], folders: &[i64]) -> Result<(), AppError> {
    if folders.is_empty() {
        return validate_ids(assets).map(|_| ());
    }
    if !assets.is_empty() {
        validate_ids(assets)?;
    }
    validate_ids(folders).map_err(|error| match error {
        AppError::Validation(message) => AppError::Validation(message.replace("asset", "folder")),
        other => other,
    })?;
    if assets.len() + folders.len() > MAX_BULK_IDS {
        return Err(AppError::validation(format!(
            "At most {MAX_BULK_IDS} folders and assets can be changed at once; this request has {}.",
            assets.len() + folders.len()
        )));
    }
    Ok(())
}

/// The start of every bulk change: checks the id list, takes the write lock
/// (`BEGIN IMMEDIATE`, so concurrent requests queue instead of failing) and
/// reads where each id stands; unknown or foreign ids fail naming them.
/// `folders` are checked beside `ids` (see [`validate_items`]); the caller
/// reads their states.
pub(super) async fn begin_bulk<'c>(
    conn: &'c mut AnyConnection,
    space: SpaceId,
    ids: &[i64],
    folders: &[i64],
    verb: &str,
) -> Result<(sqlx::Transaction<'c, Any>, BulkStates), AppError> {
    validate_items(ids, folders)?;
    let mut tx = crate::db::begin_write(conn).await?;
    let found = if ids.is_empty() {
        Vec::new()
    } else {
        trash_states(&mut tx, space, ids, &json_ids(ids), verb).await?
    };
    let mut states = BulkStates {
        live: Vec::new(),
        trashed: Vec::new(),
    };
    for (id, deleted_at) in found {
        match deleted_at {
            Some(at) => states.trashed.push((id, at)),
            None => states.live.push(id),
        }
    }
    Ok((tx, states))
}
