//! Server functions for the Assets listing.
//!
//! `input_derive` on each `#[server]` repeats the macro's own derives for
//! the arguments' struct (`Clone` and serde's: the wire format is the same)
//! and adds `utoipa::ToSchema`: the OpenAPI document (`openapi.rs`) reads
//! the endpoint's parameters and its doc comment from it.

// A server function's arguments are its endpoint's parameters: `list_assets`
// has one per query parameter, and the `#[server]` expansion does not carry
// an item-level `allow` to the functions it generates.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

use super::model::{AssetDetails, AssetPage, SearchScope, SortDir, SortKey, Usage};
use crate::domain::error::AppError;
use crate::domain::ids::{AssetId, FolderId};

/// One page of a space's live assets: a folder's (the top level without
/// `folder`) subfolders, then its assets; with a search `q`, the matching
/// assets of every folder (`scope=all`, the default) or of this one
/// (`scope=folder`), each with its folder's path. `usage=in_use` (or
/// `not_in_use`) keeps the assets some source uses (or none does), and
/// shows no folders; each asset says how many sources use it (`used_in`).
///
/// `GET /api/list_assets?space=marketing&folder=4&q=logo&usage=in_use&sort=name&dir=asc&after=…`
#[server(prefix = "/api", endpoint = "list_assets", input = GetUrl,
    input_derive = (Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema))]
pub async fn list_assets(
    space: String,
    folder: Option<FolderId>,
    scope: Option<SearchScope>,
    q: Option<String>,
    usage: Option<Usage>,
    sort: Option<SortKey>,
    dir: Option<SortDir>,
    after: Option<String>,
    before: Option<String>,
) -> Result<AssetPage, AppError> {
    use super::data::{list_live, ListParams};
    use super::model::PAGE_SIZE;
    use crate::auth::model::Permission;
    use crate::domain::paging::PageAt;

    let state = crate::platform::state::app_state()?;
    let access = crate::auth::session::authorize(&state, &space, Permission::View).await?;
    let sort = sort.unwrap_or_default();
    let at = PageAt::from_cursors(after, before)?;
    let within = within(folder, scope, q.as_deref());
    let params = ListParams::parse_filtered(
        q.as_deref(),
        within,
        usage,
        sort,
        dir.unwrap_or_else(|| sort.default_dir()),
        &at,
        PAGE_SIZE,
    )?;
    let mut page = list_live(&state.pool, access.space.id, &params).await?;
    if let (None, Some(folder)) = (within, folder) {
        // A search of every folder, started in this one: the breadcrumb
        // still says where the person is.
        let mut conn = state.pool.acquire().await?;
        page.path = super::folders::data::path(&mut conn, access.space.id, folder).await?;
    }
    Ok(page)
}

/// Where a listing or count looks: a search covers every folder unless
/// `scope` is `folder`; without a search it lists the folder.
#[cfg(feature = "ssr")]
fn within(
    folder: Option<FolderId>,
    scope: Option<SearchScope>,
    q: Option<&str>,
) -> Option<super::folders::model::Within> {
    use super::folders::model::Within;
    let searching = q.is_some_and(|q| !q.trim().is_empty());
    let scope = scope.unwrap_or(if searching {
        SearchScope::All
    } else {
        SearchScope::Folder
    });
    (scope == SearchScope::Folder).then(|| Within::of(folder))
}

/// How many live assets match a search exactly (all of the folder's without
/// one), for "Select all {N} matching" when the listing only says "1,000+":
/// `GET /api/count_matching_assets?space=marketing&q=logo` (`folder`,
/// `scope` and `usage` as for `list_assets`). Counts stop past
/// `paging::MAX_MATCHING`, the most one change may touch.
#[server(prefix = "/api", endpoint = "count_matching_assets", input = GetUrl,
    input_derive = (Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema))]
pub async fn count_matching_assets(
    space: String,
    folder: Option<FolderId>,
    scope: Option<SearchScope>,
    q: Option<String>,
    usage: Option<Usage>,
) -> Result<u64, AppError> {
    use crate::auth::model::Permission;
    use crate::domain::paging::MAX_MATCHING;
    use crate::platform::search::{count_matching, NameSearch};

    let state = crate::platform::state::app_state()?;
    let access = crate::auth::session::authorize(&state, &space, Permission::View).await?;
    let search = NameSearch::parse(q.as_deref().unwrap_or_default())?;
    let space_id = access.space.id;
    let within = within(folder, scope, q.as_deref());
    let mut conn = state.pool.acquire().await?;
    if let Some(folder) = within.and_then(|w| w.folder()) {
        super::folders::data::require_live(&mut conn, space_id, folder).await?;
    }
    count_matching(&mut conn, search.as_ref(), MAX_MATCHING, |qb| {
        super::data::push_live_scope(qb, space_id);
        super::folders::data::push_within(qb, within);
        super::data::push_usage(qb, usage);
    })
    .await
}

/// One live asset with who uploaded it and when:
/// `GET /api/get_asset?space=marketing&id=12`. Trashed assets are 404s.
#[server(prefix = "/api", endpoint = "get_asset", input = GetUrl,
    input_derive = (Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema))]
pub async fn get_asset(space: String, id: i64) -> Result<AssetDetails, AppError> {
    use crate::auth::model::Permission;
    use crate::domain::ids::AssetId;
    let state = crate::platform::state::app_state()?;
    let access = crate::auth::session::authorize(&state, &space, Permission::View).await?;
    details(&state, access.space.id, AssetId(id)).await
}

/// A live asset's details with the path of its folder; 404 if there is none.
#[cfg(feature = "ssr")]
async fn details(
    state: &crate::platform::state::AppState,
    space: crate::domain::ids::SpaceId,
    id: crate::domain::ids::AssetId,
) -> Result<AssetDetails, AppError> {
    let mut details = super::data::find_details(&state.pool, space, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Some(folder) = details.asset.folder {
        let mut conn = state.pool.acquire().await?;
        details.location = super::folders::data::path(&mut conn, space, folder).await?;
    }
    Ok(details)
}

/// Renames a live asset: `POST /api/rename_asset` with
/// `{"space": "marketing", "id": 12, "name": "Logo final.png"}`. Needs the
/// upload permission ("upload & edit").
#[server(prefix = "/api", endpoint = "rename_asset", input = Json,
    input_derive = (Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema))]
pub async fn rename_asset(space: String, id: i64, name: String) -> Result<AssetDetails, AppError> {
    use crate::auth::model::Permission;
    use crate::domain::ids::AssetId;
    let state = crate::platform::state::app_state()?;
    let access = crate::auth::session::authorize(&state, &space, Permission::Upload).await?;
    let name = super::file_type::validate_rename(&name).map_err(AppError::Validation)?;
    let now = state.clock.now();
    if !super::data::rename(&state.pool, access.space.id, AssetId(id), &name, now).await? {
        return Err(AppError::NotFound);
    }
    details(&state, access.space.id, AssetId(id)).await
}

/// The largest file one upload may carry, in bytes, so the browser can say
/// so before sending a file that is too large:
/// `GET /api/upload_limit?space=marketing`. Needs the upload permission.
#[server(prefix = "/api", endpoint = "upload_limit", input = GetUrl,
    input_derive = (Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema))]
pub async fn upload_limit(space: String) -> Result<u64, AppError> {
    use crate::auth::model::Permission;
    let state = crate::platform::state::app_state()?;
    crate::auth::session::authorize(&state, &space, Permission::Upload).await?;
    Ok(state.max_upload_bytes)
}

impl MoveToFolder {
    /// The request moving `target` in `space` into `to` (the top level for
    /// `None`).
    pub fn new(
        space: String,
        target: crate::domain::bulk_target::BulkTarget<super::model::Matching>,
        to: Option<FolderId>,
    ) -> Self {
        let fields = target.into_fields();
        Self {
            space,
            ids: fields.ids,
            folder_ids: fields.folder_ids,
            matching: fields.matching,
            expected_count: fields.expected_count,
            to,
        }
    }
}

/// Moves live folders (with everything inside) and assets into a folder:
/// `POST /api/move_to_folder` with `{"space": "marketing", "ids": [7, 9],
/// "folder_ids": [3], "to": 4}` (no `to`: to the top level), or every
/// live asset matching a search with the number the person confirmed:
/// `{"space": "marketing", "matching": {"search": "spring"},
/// "expected_count": 340, "to": 4}` (409 with `count` if that many no
/// longer match). All or nothing; a folder cannot go into itself or a
/// folder inside it.
#[server(prefix = "/api", endpoint = "move_to_folder", input = Json,
    input_derive = (Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema))]
pub async fn move_to_folder(
    space: String,
    ids: Option<Vec<AssetId>>,
    folder_ids: Option<Vec<FolderId>>,
    matching: Option<super::model::Matching>,
    expected_count: Option<u64>,
    to: Option<FolderId>,
) -> Result<super::folders::model::MoveItemsOutcome, AppError> {
    use super::moving::{move_items, AssetFilters};
    use crate::auth::model::Permission;
    use crate::domain::bulk_target::{BulkTarget, TargetFields};
    let state = crate::platform::state::app_state()?;
    let access = crate::auth::session::authorize(&state, &space, Permission::Upload).await?;
    let target = BulkTarget::from_fields(TargetFields {
        ids,
        folder_ids,
        matching,
        expected_count,
    })?
    .try_map(|matching| AssetFilters::parse(&matching))?;
    let now = state.clock.now();
    move_items(&state.pool, access.space.id, to, &target, now).await
}
