//! "All matching" changes: what a bulk change names (ids or filters), the
//! count guard every matching change passes, and whether it is applied or
//! only worked out (a dry run).

use crate::db::Sql;
use sqlx::{Any, AnyConnection};

use super::super::listing::{push_trash_scope, TrashFilters};
use crate::clock::Clock;
use crate::error::AppError;
use crate::ids::SpaceId;
use crate::paging::MAX_MATCHING;
pub(super) use crate::search::check_count;
use crate::search::{all_matching_ids, NameSearch};
use crate::time::Timestamp;

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

/// What a bulk change acts on: listed ids, or everything matching filters
/// (`F`), resolved on the server under the write lock, with the number the
/// person confirmed.
#[derive(Debug, Clone, Copy)]
pub enum Pick<'a, F> {
    Ids(&'a [i64]),
    Matching { filters: &'a F, expected: u64 },
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
) -> Result<Vec<i64>, AppError> {
    let ids = all_matching_ids(tx, search, MAX_MATCHING, scope).await?;
    check_count(ids.len(), expected, filtered, words)?;
    Ok(ids)
}

/// The start of a change to "everything in Trash matching": takes the write
/// lock, reads the clock under it (the 14 days are judged at that moment)
/// and resolves the ids against the confirmed count.
pub(super) async fn begin_matching_in_trash<'c>(
    conn: &'c mut AnyConnection,
    space: SpaceId,
    filters: &TrashFilters,
    expected: u64,
    clock: &Clock,
    verb: &str,
) -> Result<(sqlx::Transaction<'c, Any>, Vec<i64>, Timestamp), AppError> {
    let mut tx = crate::db::begin_write(conn).await?;
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
