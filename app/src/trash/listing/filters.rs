//! What Trash shows: its filters, validated, and the rows they keep (the
//! SQL scope of its listing, of its count and of "all matching").

use crate::platform::db::Sql;

use crate::assets::model::AssetKind;
use crate::domain::error::AppError;
use crate::domain::ids::{SpaceId, UserId};
use crate::domain::time::{Timestamp, MILLIS_PER_DAY};
use crate::platform::search::NameSearch;
use crate::trash::model::{TrashMatching, MAX_RETENTION_DAYS};

/// Validated Trash filters: what a page shows, and what "all matching"
/// restores or deletes.
#[derive(Debug, Clone, Default)]
pub struct TrashFilters {
    pub search: Option<NameSearch>,
    pub deleted_by: Option<UserId>,
    pub kind: Option<AssetKind>,
    /// Deleted at or after this instant…
    pub deleted_from: Option<Timestamp>,
    /// …and before this one.
    pub deleted_before: Option<Timestamp>,
    /// "Expires": removed for good within this many days.
    pub expires_within: Option<u16>,
}

impl TrashFilters {
    /// Refuses search terms that are too long and zones that do not exist.
    pub fn parse(matching: &TrashMatching) -> Result<Self, AppError> {
        let tz = matching.tz;
        if !(-14 * 60..=14 * 60).contains(&tz) {
            return Err(AppError::validation(
                "tz is the minutes your clock is behind UTC, from -840 to 840.",
            ));
        }
        Ok(Self {
            search: NameSearch::parse(&matching.search)?,
            deleted_by: matching.deleted_by,
            kind: matching.kind,
            deleted_from: matching.from.map(|day| day.start(tz)),
            deleted_before: matching
                .to
                .map(|day| day.start(tz).plus_millis(MILLIS_PER_DAY)),
            expires_within: match matching.expires_within {
                Some(days) if !(1..=MAX_RETENTION_DAYS).contains(&days) => {
                    return Err(AppError::validation(format!(
                        "expires_within is a number of days from 1 to {MAX_RETENTION_DAYS}."
                    )))
                }
                days => days,
            },
        })
    }

    /// Whether any filter narrows Trash.
    pub fn is_filtered(&self) -> bool {
        self.search.is_some()
            || self.deleted_by.is_some()
            || self.kind.is_some()
            || self.deleted_from.is_some()
            || self.deleted_before.is_some()
            || self.expires_within.is_some()
    }
}

/// The rows Trash may show (" AND …" on `assets a`): the space's trashed
/// assets still before their deadline, by the filters other than search.
pub(crate) fn push_trash_scope(
    qb: &mut Sql<'_>,
    space: SpaceId,
    filters: &TrashFilters,
    now: Timestamp,
) {
    let scope = Scope {
        space,
        filters,
        now,
    };
    scope.push_assets(qb);
}

/// What a page of Trash is read for: a space, its filters, and the time
/// that says what has expired.
#[derive(Debug, Clone, Copy)]
pub(super) struct Scope<'a> {
    pub(super) space: SpaceId,
    pub(super) filters: &'a TrashFilters,
    pub(super) now: Timestamp,
}

impl<'a> Scope<'a> {
    /// " AND …" on `assets a`: see [`push_trash_scope`].
    pub(super) fn push_assets(&self, qb: &mut Sql<'_>) {
        self.push_restorable(qb, "folder_id", |qb, kind| {
            qb.push(" AND a.kind = ").push_bind(kind);
        });
    }

    /// " AND …" on `folders a`: the space's topmost trashed folders still
    /// before their deadline, by the filters.
    pub(super) fn push_folders(&self, qb: &mut Sql<'a>) {
        // No folder is of an asset type: a type filter shows none.
        self.push_restorable(qb, "parent_id", |qb, _| {
            qb.push(" AND FALSE");
        });
        if let Some(search) = &self.filters.search {
            search.push_condition_on(qb, "a.name");
        }
    }

    /// " AND …" on `a` (assets, or folders, whose folder is
    /// `parent_column`): the space's topmost trashed rows still before
    /// their deadline, by who deleted them, when, when they expire, and
    /// their type (as `kind` says of a type filter).
    fn push_restorable<'q>(
        &self,
        qb: &mut Sql<'q>,
        parent_column: &str,
        kind: impl FnOnce(&mut Sql<'q>, AssetKind),
    ) {
        let filters = self.filters;
        qb.push(" AND a.space_id = ")
            .push_bind(self.space)
            .push(" AND a.deleted_at IS NOT NULL AND a.expires_at > ")
            .push_bind(self.now);
        push_topmost(qb, parent_column);
        if let Some(user) = filters.deleted_by {
            qb.push(" AND a.deleted_by = ").push_bind(user);
        }
        if let Some(asset_kind) = filters.kind {
            kind(qb, asset_kind);
        }
        if let Some(from) = filters.deleted_from {
            qb.push(" AND a.deleted_at >= ").push_bind(from);
        }
        if let Some(before) = filters.deleted_before {
            qb.push(" AND a.deleted_at < ").push_bind(before);
        }
        if let Some(days) = filters.expires_within {
            qb.push(" AND a.expires_at < ")
                .push_bind(self.now.plus_millis(i64::from(days) * MILLIS_PER_DAY));
        }
    }
}

/// " AND …" on `assets a` or `folders a`: only rows that are not inside a
/// folder deleted with them (those come back with it, and are not rows of
/// their own in Trash).
fn push_topmost(qb: &mut Sql<'_>, parent_column: &str) {
    qb.push(format_args!(
        " AND NOT EXISTS (SELECT 1 FROM folders p \
         WHERE p.id = a.{parent_column} AND p.delete_batch = a.delete_batch)"
    ));
}
