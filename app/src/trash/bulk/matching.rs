//! A bulk change as the data layer takes it ([`BulkChange`]: where, by
//! whom, on what, applied or a dry run), and the start of an "all
//! matching" change: the set resolved under the write lock and guarded by
//! its confirmed count.

use crate::platform::db::Sql;
use sqlx::{Any, AnyConnection};

use super::super::listing::{push_trash_scope, TrashFilters};
use crate::domain::bulk_target::{check_count, BulkTarget};
use crate::domain::error::AppError;
use crate::domain::ids::{Actor, AssetId, SpaceId};
use crate::domain::paging::MAX_MATCHING;
use crate::domain::time::Timestamp;
use crate::platform::clock::Clock;
use crate::platform::search::{all_matching_ids, NameSearch};

/// Whether a bulk change is made, or only worked out: a dry run does all
/// of it in its transaction, answers what it did and rolls back.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Effect {
    #[default]
    Apply,
    DryRun,
}

impl Effect {
    /// `dry_run` as the JSON API takes it (absent is false).
    pub fn from_dry_run(dry_run: Option<bool>) -> Self {
        if dry_run == Some(true) {
            Self::DryRun
        } else {
            Self::Apply
        }
    }

    pub fn is_dry_run(self) -> bool {
        self == Self::DryRun
    }

    /// Commits the change, or rolls a dry run back.
    pub(super) async fn finish(self, tx: sqlx::Transaction<'_, Any>) -> Result<(), AppError> {
        match self {
            Self::Apply => tx.commit().await?,
            Self::DryRun => tx.rollback().await?,
        }
        Ok(())
    }
}

/// One bulk change as the data layer takes it: in `space`, by `actor`
/// (`Option<UserId>` where the command line may act for nobody), on
/// `target`, applied or only worked out.
#[derive(Debug, Clone)]
pub struct BulkChange<F, A = Actor> {
    pub space: SpaceId,
    pub actor: A,
    pub target: BulkTarget<F>,
    pub effect: Effect,
}

impl<F, A> BulkChange<F, A> {
    /// Listed assets of `space`, applied (the shape tests and the command
    /// line use).
    pub fn ids(space: SpaceId, actor: A, ids: &[AssetId]) -> Self {
        Self {
            space,
            actor,
            target: BulkTarget::ids(ids.to_vec(), Vec::new()),
            effect: Effect::Apply,
        }
    }
}

/// The ids of "all matching" in `scope`, read under the write lock, if
/// they pass [`check_count`].
pub(super) async fn resolve_matching(
    tx: &mut AnyConnection,
    search: Option<&NameSearch>,
    filtered: bool,
    expected: u64,
    words: (&str, &str),
    scope: impl for<'q> FnOnce(&mut Sql<'q>),
) -> Result<Vec<AssetId>, AppError> {
    let ids = all_matching_ids(tx, search, MAX_MATCHING, scope).await?;
    check_count(ids.len() as u64, expected, filtered, words)?;
    Ok(ids)
}

/// The start of a change to "everything in Trash matching": takes the write
/// lock, reads the clock under it (deadlines are judged at that moment)
/// and resolves the ids against the confirmed count.
pub(super) async fn begin_matching_in_trash<'c>(
    conn: &'c mut AnyConnection,
    space: SpaceId,
    filters: &TrashFilters,
    expected: u64,
    clock: &Clock,
    verb: &str,
) -> Result<(sqlx::Transaction<'c, Any>, Vec<AssetId>, Timestamp), AppError> {
    let mut tx = crate::platform::db::begin_write(conn).await?;
    let now = clock.now();
    let ids = resolve_matching(
        &mut tx,
        filters.search.as_ref(),
        filters.is_filtered(),
        expected,
        (verb, "Trash"),
        |qb| push_trash_scope(qb, space, filters, now),
    )
    .await?;
    Ok((tx, ids, now))
}
