//! Where each listed asset of a bulk request stands: the write lock, and
//! the state of every id read under it.

use std::collections::BTreeSet;

use sqlx::{Any, AnyConnection};

use crate::domain::bulk_target::{unknown_items, BulkTarget};
use crate::domain::error::AppError;
use crate::domain::ids::{AssetId, SpaceId};
use crate::domain::time::Timestamp;
use crate::platform::db::json_ids;

/// The Trash state (`deleted_at`) of each of `ids` in `space`; any id that
/// is unknown or in another space fails the request, naming them.
async fn trash_states(
    tx: &mut sqlx::AnyConnection,
    space: SpaceId,
    ids: &[AssetId],
    verb: &str,
) -> Result<Vec<(AssetId, Option<Timestamp>)>, AppError> {
    let found: Vec<(AssetId, Option<Timestamp>)> = sqlx::query_as(
        "SELECT id, deleted_at FROM assets
         WHERE space_id = $1 AND id IN (SELECT value FROM json_each($2))",
    )
    .bind(space)
    .bind(json_ids(ids))
    .fetch_all(&mut *tx)
    .await?;
    if found.len() != ids.len() {
        let known: BTreeSet<AssetId> = found.iter().map(|(id, _)| *id).collect();
        let missing = ids.iter().filter(|id| !known.contains(id)).copied();
        return Err(unknown_items(missing.collect(), BTreeSet::new(), "", verb));
    }
    Ok(found)
}

/// Where each id of a bulk request stands, read under the write lock.
pub(super) struct BulkStates {
    /// Ids not in Trash.
    pub(super) live: Vec<AssetId>,
    /// Ids in Trash, with their `deleted_at`.
    pub(super) trashed: Vec<(AssetId, Timestamp)>,
}

impl BulkStates {
    pub(super) fn trashed_ids(&self) -> Vec<AssetId> {
        self.trashed.iter().map(|(id, _)| *id).collect()
    }
}

/// The start of a bulk change to listed assets: checks the target (see
/// [`BulkTarget::validate`]), takes the write lock (`BEGIN IMMEDIATE`, so
/// concurrent requests queue instead of failing) and reads where each
/// listed asset stands; unknown or foreign ids fail naming them. The
/// caller reads the states of the target's folders.
pub(super) async fn begin_bulk<'c, F>(
    conn: &'c mut AnyConnection,
    space: SpaceId,
    target: &BulkTarget<F>,
    verb: &str,
) -> Result<(sqlx::Transaction<'c, Any>, BulkStates), AppError> {
    target.validate()?;
    let ids = target.listed();
    let mut tx = crate::platform::db::begin_write(conn).await?;
    let found = if ids.is_empty() {
        Vec::new()
    } else {
        trash_states(&mut tx, space, ids, verb).await?
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
