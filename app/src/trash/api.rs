//! Server functions for Trash.
//!
//! `input_derive` on each `#[server]` repeats the macro's own derives for
//! the arguments' struct (`Clone` and serde's: the wire format is the same)
//! and adds `utoipa::ToSchema`: the OpenAPI document (`openapi.rs`) reads
//! the endpoint's parameters and its doc comment from it.

// A server function's arguments are its endpoint's parameters: `list_trash`
// has one per query parameter, and the `#[server]` expansion does not carry
// an item-level `allow` to the functions it generates.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

#[cfg(feature = "ssr")]
use super::listing::TrashFilters;
use super::model::{
    DeletePermanentlyOutcome, Matching, MoveOutcome, RestoreFromTrashOutcome, RestoreOutcome,
    SelectionUsage, TrashMatching, TrashPage,
};
use crate::assets::model::AssetKind;
#[cfg(feature = "ssr")]
use crate::auth::model::Permission;
use crate::domain::error::AppError;
use crate::domain::ids::{AssetId, FolderId};

/// Who is calling, checked: the app state, and the space and actor (a
/// person, perhaps through a token) of a member holding `permission` there.
#[cfg(feature = "ssr")]
struct Caller {
    state: crate::platform::state::AppState,
    space_id: crate::domain::ids::SpaceId,
    actor: crate::domain::ids::Actor,
}

#[cfg(feature = "ssr")]
async fn caller(space: &str, permission: Permission) -> Result<Caller, AppError> {
    let state = crate::platform::state::app_state()?;
    let access = crate::auth::session::authorize(&state, space, permission).await?;
    Ok(Caller {
        space_id: access.space.id,
        actor: access.actor(),
        state,
    })
}

/// A bulk change in the caller's space by `actor` (the caller), from a
/// request's fields: the target checked ([`BulkTarget::from_fields`]) and
/// its filters parsed.
#[cfg(feature = "ssr")]
fn change<M, F, A>(
    caller: &Caller,
    actor: A,
    fields: crate::domain::bulk_target::TargetFields<M>,
    parse: impl FnOnce(M) -> Result<F, AppError>,
    dry_run: Option<bool>,
) -> Result<super::bulk::BulkChange<F, A>, AppError> {
    use super::bulk::{BulkChange, Effect};
    use crate::domain::bulk_target::BulkTarget;
    Ok(BulkChange {
        space: caller.space_id,
        actor,
        target: BulkTarget::from_fields(fields)?.try_map(parse)?,
        effect: Effect::from_dry_run(dry_run),
    })
}

/// The requests of the bulk endpoints, built from what the page's
/// selection names (a [`BulkTarget`](crate::domain::bulk_target::BulkTarget));
/// `$option`s of their own are left out (`None`).
macro_rules! bulk_request {
    ($request:ident, $filters:ty $(, $option:ident)*) => {
        impl $request {
            /// The request for `target` in `space`; a dry run if `dry_run`.
            pub fn new(
                space: String,
                target: crate::domain::bulk_target::BulkTarget<$filters>,
                dry_run: bool,
            ) -> Self {
                let fields = target.into_fields();
                Self {
                    space,
                    ids: fields.ids,
                    folder_ids: fields.folder_ids,
                    matching: fields.matching,
                    expected_count: fields.expected_count,
                    dry_run: dry_run.then_some(true),
                    $($option: None,)*
                }
            }
        }
    };
}

bulk_request!(MoveToTrash, Matching, keep_in_use);
bulk_request!(RestoreFromTrash, TrashMatching);
bulk_request!(DeletePermanently, TrashMatching);

impl MoveToTrash {
    /// The same request, leaving the assets in use (and the listed folders
    /// holding one) where they are when `keep`.
    pub fn keeping_in_use(self, keep: bool) -> Self {
        Self {
            keep_in_use: keep.then_some(true),
            ..self
        }
    }
}

/// Moves assets of a space to Trash: `POST /api/move_to_trash` with
/// `{"space": "marketing", "ids": [1, 2, 3]}`, or every live asset matching
/// a search with the number the person confirmed:
/// `{"space": "marketing", "matching": {"search": "spring-25"},
/// "expected_count": 340}` (409 with `count` if that many no longer match).
/// `"folder_ids": [4]` moves folders with everything inside them, in the
/// same batch. `"dry_run": true` answers what it would do without doing it.
/// `"keep_in_use": true` leaves the assets some source uses where they are
/// (judged in the same transaction as the move), and the listed folders
/// that hold one, with everything inside; the answer lists them
/// (`kept_in_use`, `kept_folders`), and with `matching` the
/// `expected_count` is the number that moves: the matching assets not in
/// use. Needs the delete permission.
#[server(prefix = "/api", endpoint = "move_to_trash", input = Json,
    input_derive = (Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema))]
pub async fn move_to_trash(
    space: String,
    ids: Option<Vec<AssetId>>,
    folder_ids: Option<Vec<FolderId>>,
    matching: Option<Matching>,
    expected_count: Option<u64>,
    dry_run: Option<bool>,
    keep_in_use: Option<bool>,
) -> Result<MoveOutcome, AppError> {
    use crate::assets::moving::AssetFilters;
    use crate::domain::bulk_target::TargetFields;
    use crate::trash::in_use::InUse;
    let caller = caller(&space, Permission::Delete).await?;
    let fields = TargetFields {
        ids,
        folder_ids,
        matching,
        expected_count,
    };
    let change = change(
        &caller,
        caller.actor,
        fields,
        |m| AssetFilters::parse(&m),
        dry_run,
    )?;
    let in_use = InUse::from_keep_in_use(keep_in_use);
    let Caller { state, .. } = &caller;
    super::bulk::trash_assets_with(&state.pool, &change, in_use, &state.clock).await
}

/// What moving a selection to Trash would do to the assets in use, read
/// without changing anything (not a dry run: nothing is locked), for the
/// Delete Assets dialog: `POST /api/usage_of_selection` with the target
/// `move_to_trash` takes (`ids`, or `matching` with `expected_count`,
/// and `folder_ids`). Answers how many assets would move (`assets`, the
/// assets inside the listed folders counted at any depth), how many of
/// them are in use (`in_use`), what `keep_in_use` would move instead
/// (`moving_if_kept`, and `expected_if_kept` to confirm with `matching`),
/// the listed folders it would keep, and up to five assets in use with the
/// sources that use them. Ids that are not live in the space are not
/// counted; `expected_count` is not checked here. Needs the delete
/// permission.
#[server(prefix = "/api", endpoint = "usage_of_selection", input = Json,
    input_derive = (Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema))]
pub async fn usage_of_selection(
    space: String,
    ids: Option<Vec<AssetId>>,
    folder_ids: Option<Vec<FolderId>>,
    matching: Option<Matching>,
    expected_count: Option<u64>,
) -> Result<SelectionUsage, AppError> {
    use crate::assets::moving::AssetFilters;
    use crate::domain::bulk_target::{BulkTarget, TargetFields};
    let Caller {
        state, space_id, ..
    } = caller(&space, Permission::Delete).await?;
    let target = BulkTarget::from_fields(TargetFields {
        ids,
        folder_ids,
        matching,
        expected_count,
    })?
    .try_map(|m| AssetFilters::parse(&m))?;
    super::in_use::selection_usage(&state.pool, space_id, &target).await
}

/// Undo of one `move_to_trash`: `POST /api/restore_batch` with
/// `{"space": "marketing", "batch": "…"}`. Needs the delete permission.
#[server(prefix = "/api", endpoint = "restore_batch", input = Json,
    input_derive = (Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema))]
pub async fn restore_batch(
    space: String,
    batch: crate::domain::ids::BatchId,
) -> Result<RestoreOutcome, AppError> {
    let Caller {
        state,
        space_id,
        actor,
    } = caller(&space, Permission::Delete).await?;
    super::bulk::restore_batch(&state.pool, space_id, actor, &batch, &state.clock).await
}

/// The Trash filters as query parameters, checked: dates are `YYYY-MM-DD`.
#[cfg(feature = "ssr")]
fn trash_matching(
    q: Option<String>,
    by: Option<crate::domain::ids::UserId>,
    kind: Option<AssetKind>,
    from: Option<String>,
    to: Option<String>,
    tz: Option<i32>,
    expires_within: Option<u16>,
) -> Result<TrashMatching, AppError> {
    use crate::domain::time::Day;
    let day = |text: Option<String>| match text.filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(text) => Day::parse(&text)
            .map(Some)
            .ok_or_else(|| AppError::validation("Dates are written YYYY-MM-DD, like 2026-11-28.")),
    };
    Ok(TrashMatching {
        search: q.unwrap_or_default(),
        deleted_by: by,
        kind,
        from: day(from)?,
        to: day(to)?,
        tz: tz.unwrap_or_default(),
        expires_within,
    })
}

/// One page of the space's Trash: restorable trashed assets, newest first,
/// filtered by name (`q`), by who deleted them (`by`, a user id) and by
/// family (`kind`), and by the days they were deleted on (`from`, `to`:
/// `YYYY-MM-DD`, both included, in the zone `tz` minutes behind UTC), and
/// by what is removed for good within `expires_within` days (1 to 365).
/// The page also says how many days the space keeps deleted items
/// (`retention_days`) and how many items expire within 3 days
/// (`expiring_soon`, whatever the filters). Needs the delete permission (Trash is where deleted
/// assets are restored).
#[server(prefix = "/api", endpoint = "list_trash", input = GetUrl,
    input_derive = (Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema))]
pub async fn list_trash(
    space: String,
    q: Option<String>,
    by: Option<crate::domain::ids::UserId>,
    kind: Option<AssetKind>,
    from: Option<String>,
    to: Option<String>,
    tz: Option<i32>,
    expires_within: Option<u16>,
    after: Option<String>,
    before: Option<String>,
) -> Result<TrashPage, AppError> {
    use super::listing::TrashParams;
    use super::model::TRASH_PAGE_SIZE;
    use crate::domain::paging::PageAt;
    let Caller {
        state, space_id, ..
    } = caller(&space, Permission::Delete).await?;
    let matching = trash_matching(q, by, kind, from, to, tz, expires_within)?;
    let params = TrashParams {
        filters: TrashFilters::parse(&matching)?,
        ..TrashParams::parse_at(&PageAt::from_cursors(after, before)?, TRASH_PAGE_SIZE)?
    };
    let now = state.clock.now();
    super::listing::list_trash(&state.pool, space_id, &params, now).await
}

/// How many restorable assets in Trash match the filters exactly (as
/// `list_trash` takes them), for "Select all {N} matching" when the page
/// only says "1,000+": `GET /api/count_trash?space=marketing&q=logo`.
/// Counts stop past `paging::MAX_MATCHING`. Needs the delete permission.
#[server(prefix = "/api", endpoint = "count_trash", input = GetUrl,
    input_derive = (Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema))]
pub async fn count_trash(
    space: String,
    q: Option<String>,
    by: Option<crate::domain::ids::UserId>,
    kind: Option<AssetKind>,
    from: Option<String>,
    to: Option<String>,
    tz: Option<i32>,
    expires_within: Option<u16>,
) -> Result<u64, AppError> {
    let Caller {
        state, space_id, ..
    } = caller(&space, Permission::Delete).await?;
    let filters = TrashFilters::parse(&trash_matching(q, by, kind, from, to, tz, expires_within)?)?;
    let now = state.clock.now();
    super::listing::count_trash(&state.pool, space_id, &filters, now).await
}

/// Deletes assets in Trash for good: `POST /api/delete_permanently` with
/// `{"space": "marketing", "ids": [1, 2]}`, or everything in Trash matching
/// its filters with the number the person confirmed: `{"space": "marketing",
/// "matching": {"deleted_by": 3, "from": "2026-11-28", "to": "2026-11-28",
/// "tz": -60}, "expected_count": 120}` (409 with `count` if that many no
/// longer match). `"folder_ids"` deletes folders in Trash with everything
/// deleted with them. `"dry_run": true` answers without deleting. Needs the
/// purge permission (Owner and Admin). Files are removed once the rows are
/// gone.
#[server(prefix = "/api", endpoint = "delete_permanently", input = Json,
    input_derive = (Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema))]
pub async fn delete_permanently(
    space: String,
    ids: Option<Vec<AssetId>>,
    folder_ids: Option<Vec<FolderId>>,
    matching: Option<TrashMatching>,
    expected_count: Option<u64>,
    dry_run: Option<bool>,
) -> Result<DeletePermanentlyOutcome, AppError> {
    use crate::domain::bulk_target::TargetFields;
    let caller = caller(&space, Permission::Purge).await?;
    let fields = TargetFields {
        ids,
        folder_ids,
        matching,
        expected_count,
    };
    let change = change(
        &caller,
        caller.actor,
        fields,
        |m| TrashFilters::parse(&m),
        dry_run,
    )?;
    let Caller { state, .. } = &caller;
    super::bulk::delete_assets_permanently(&state.pool, &state.storage, &change, &state.clock).await
}

/// Restores assets from Trash: `POST /api/restore_from_trash` with
/// `{"space": "marketing", "ids": [1, 2]}`, or everything restorable in
/// Trash matching its filters with the number the person confirmed (as for
/// `delete_permanently`). `"folder_ids"` restores folders with everything
/// deleted with them; folders in Trash above anything restored come back
/// too. `"dry_run": true` answers without restoring. Needs the delete
/// permission.
#[server(prefix = "/api", endpoint = "restore_from_trash", input = Json,
    input_derive = (Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema))]
pub async fn restore_from_trash(
    space: String,
    ids: Option<Vec<AssetId>>,
    folder_ids: Option<Vec<FolderId>>,
    matching: Option<TrashMatching>,
    expected_count: Option<u64>,
    dry_run: Option<bool>,
) -> Result<RestoreFromTrashOutcome, AppError> {
    use crate::domain::bulk_target::TargetFields;
    let caller = caller(&space, Permission::Delete).await?;
    let fields = TargetFields {
        ids,
        folder_ids,
        matching,
        expected_count,
    };
    let actor = Some(caller.actor);
    let change = change(&caller, actor, fields, |m| TrashFilters::parse(&m), dry_run)?;
    super::bulk::restore_assets(&caller.state.pool, &change, &caller.state.clock).await
}
