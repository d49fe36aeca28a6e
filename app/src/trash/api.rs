//! Server functions for Trash.

// A server function's arguments are its endpoint's parameters: `list_trash`
// has one per query parameter, and the `#[server]` expansion does not carry
// an item-level `allow` to the functions it generates.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

use super::model::{
    DeletePermanentlyOutcome, Matching, MoveOutcome, RestoreFromTrashOutcome, RestoreOutcome,
    TrashPage,
};
use crate::assets::model::AssetKind;
#[cfg(feature = "ssr")]
use crate::auth::model::Permission;
use crate::error::AppError;

/// Who is calling, checked: the app state, and the space and user of a
/// signed-in member holding `permission` there.
#[cfg(feature = "ssr")]
struct Caller {
    state: crate::state::AppState,
    space_id: crate::ids::SpaceId,
    user: crate::ids::UserId,
}

#[cfg(feature = "ssr")]
async fn caller(space: &str, permission: Permission) -> Result<Caller, AppError> {
    let state = crate::state::app_state()?;
    let access = crate::auth::session::authorize(&state, space, permission).await?;
    Ok(Caller {
        space_id: access.space.id,
        user: access.user_id,
        state,
    })
}

/// Moves assets of a space to Trash: `POST /api/move_to_trash` with
/// `{"space": "marketing", "ids": [1, 2, 3]}`, or every live asset matching
/// a search with the number the person confirmed:
/// `{"space": "marketing", "matching": {"search": "spring-25"},
/// "expected_count": 340}` (409 with `count` if that many no longer match).
/// Needs the delete permission.
#[server(prefix = "/api", endpoint = "move_to_trash", input = Json)]
pub async fn move_to_trash(
    space: String,
    ids: Option<Vec<i64>>,
    matching: Option<Matching>,
    expected_count: Option<u64>,
) -> Result<MoveOutcome, AppError> {
    let Caller {
        state,
        space_id,
        user,
    } = caller(&space, Permission::Delete).await?;
    match (ids, matching, expected_count) {
        (Some(ids), None, None) => {
            super::bulk::move_to_trash(&state.pool, space_id, user, &ids, &state.clock).await
        }
        (None, Some(matching), Some(expected)) => {
            let search = crate::search::NameSearch::parse(&matching.search)?;
            super::bulk::move_matching_to_trash(
                &state.pool,
                space_id,
                user,
                search.as_ref(),
                expected,
                &state.clock,
            )
            .await
        }
        (None, Some(_), None) => Err(AppError::validation(
            "Say how many matching assets you confirmed (`expected_count`).",
        )),
        _ => Err(AppError::validation(
            "Send either `ids` or `matching` with `expected_count`.",
        )),
    }
}

/// Undo of one `move_to_trash`: `POST /api/restore_batch` with
/// `{"space": "marketing", "batch": "…"}`. Needs the delete permission.
#[server(prefix = "/api", endpoint = "restore_batch", input = Json)]
pub async fn restore_batch(
    space: String,
    batch: crate::ids::BatchId,
) -> Result<RestoreOutcome, AppError> {
    let Caller {
        state,
        space_id,
        user,
    } = caller(&space, Permission::Delete).await?;
    super::bulk::restore_batch(&state.pool, space_id, user, &batch, &state.clock).await
}

/// One page of the space's Trash: restorable trashed assets, newest first,
/// filtered by name (`q`), by who deleted them (`by`, a user id) and by
/// family (`kind`), and by the days they were deleted on (`from`, `to`:
/// `YYYY-MM-DD`, both included, in the zone `tz` minutes behind UTC).
/// Needs the delete permission (Trash is where deleted
/// assets are restored).
#[server(prefix = "/api", endpoint = "list_trash", input = GetUrl)]
pub async fn list_trash(
    space: String,
    q: Option<String>,
    by: Option<crate::ids::UserId>,
    kind: Option<AssetKind>,
    from: Option<String>,
    to: Option<String>,
    tz: Option<i32>,
    after: Option<String>,
    before: Option<String>,
) -> Result<TrashPage, AppError> {
    use super::listing::TrashParams;
    use super::model::{TrashQuery, TRASH_PAGE_SIZE};
    use crate::paging::PageAt;
    use crate::time::Day;
    let Caller {
        state, space_id, ..
    } = caller(&space, Permission::Delete).await?;
    let day = |text: Option<String>| match text.filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(text) => Day::parse(&text)
            .map(Some)
            .ok_or_else(|| AppError::validation("Dates are written YYYY-MM-DD, like 2026-11-28.")),
    };
    let tz = tz.unwrap_or_default();
    if !(-14 * 60..=14 * 60).contains(&tz) {
        return Err(AppError::validation(
            "tz is the minutes your clock is behind UTC, from -840 to 840.",
        ));
    }
    let query = TrashQuery {
        search: q.unwrap_or_default(),
        deleted_by: by,
        kind,
        from: day(from)?,
        to: day(to)?,
        tz,
        at: PageAt::from_cursors(after, before)?,
    };
    let params = TrashParams::parse(&query, TRASH_PAGE_SIZE)?;
    let now = state.clock.now();
    super::listing::list_trash(&state.pool, space_id, &params, now).await
}

/// Deletes assets in Trash for good: `POST /api/delete_permanently` with
/// `{"space": "marketing", "ids": [1, 2]}`. Needs the purge permission
/// (Owner and Admin). Their files are removed once the rows are gone.
#[server(prefix = "/api", endpoint = "delete_permanently", input = Json)]
pub async fn delete_permanently(
    space: String,
    ids: Vec<i64>,
) -> Result<DeletePermanentlyOutcome, AppError> {
    let Caller {
        state,
        space_id,
        user,
    } = caller(&space, Permission::Purge).await?;
    let storage = &state.storage;
    super::bulk::delete_permanently(&state.pool, storage, space_id, user, &ids, &state.clock).await
}

/// Restores assets from Trash: `POST /api/restore_from_trash` with
/// `{"space": "marketing", "ids": [1, 2]}`. Needs the delete permission.
#[server(prefix = "/api", endpoint = "restore_from_trash", input = Json)]
pub async fn restore_from_trash(
    space: String,
    ids: Vec<i64>,
) -> Result<RestoreFromTrashOutcome, AppError> {
    let Caller {
        state,
        space_id,
        user,
    } = caller(&space, Permission::Delete).await?;
    super::bulk::restore_from_trash(&state.pool, space_id, user, &ids, &state.clock).await
}
