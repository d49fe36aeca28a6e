//! Server functions for folders. Creating, renaming and moving need the
//! upload permission ("upload & edit"); browsing needs only to see.
//!
//! `input_derive` on each `#[server]` repeats the macro's own derives and
//! adds `utoipa::ToSchema` for the OpenAPI document (see `assets::api`).

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

use super::model::{Folder, FolderPage, MoveItemsOutcome};
use crate::error::AppError;
use crate::ids::{AssetId, FolderId};

/// Creates a folder: `POST /api/create_folder` with
/// `{"space": "marketing", "parent": 4, "name": "Spring 25"}` (no `parent`:
/// at the top level). 409 if a folder there has the name (in any case).
#[server(prefix = "/api", endpoint = "create_folder", input = Json,
    input_derive = (Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema))]
pub async fn create_folder(
    space: String,
    parent: Option<FolderId>,
    name: String,
) -> Result<Folder, AppError> {
    use crate::auth::model::Permission;
    let state = crate::state::app_state()?;
    let access = crate::auth::session::authorize(&state, &space, Permission::Upload).await?;
    let name =
        crate::assets::file_type::validate_name(&name, "folder").map_err(AppError::Validation)?;
    let now = state.clock.now();
    let user = Some(access.user_id);
    super::data::create(&state.pool, access.space.id, parent, &name, user, now).await
}

/// Renames a live folder: `POST /api/rename_folder` with
/// `{"space": "marketing", "id": 4, "name": "Spring 2025"}`.
#[server(prefix = "/api", endpoint = "rename_folder", input = Json,
    input_derive = (Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema))]
pub async fn rename_folder(space: String, id: FolderId, name: String) -> Result<Folder, AppError> {
    use crate::auth::model::Permission;
    let state = crate::state::app_state()?;
    let access = crate::auth::session::authorize(&state, &space, Permission::Upload).await?;
    let name =
        crate::assets::file_type::validate_name(&name, "folder").map_err(AppError::Validation)?;
    let now = state.clock.now();
    super::data::rename(&state.pool, access.space.id, id, &name, now).await
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
    matching: Option<crate::assets::model::Matching>,
    expected_count: Option<u64>,
    to: Option<FolderId>,
) -> Result<MoveItemsOutcome, AppError> {
    use super::data::AssetFilters;
    use crate::auth::model::Permission;
    use crate::bulk_target::{BulkTarget, TargetFields};
    let state = crate::state::app_state()?;
    let access = crate::auth::session::authorize(&state, &space, Permission::Upload).await?;
    let target = BulkTarget::from_fields(TargetFields {
        ids,
        folder_ids,
        matching,
        expected_count,
    })?
    .try_map(|matching| AssetFilters::parse(&matching))?;
    let now = state.clock.now();
    super::data::move_items(&state.pool, access.space.id, to, &target, now).await
}

/// The folders of one level, for the Move dialog's picker:
/// `GET /api/list_folders?space=marketing&parent=4&after=…` (no `parent`:
/// the top level), by name, with the path to that level.
#[server(prefix = "/api", endpoint = "list_folders", input = GetUrl,
    input_derive = (Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema))]
pub async fn list_folders(
    space: String,
    parent: Option<FolderId>,
    after: Option<String>,
) -> Result<FolderPage, AppError> {
    use crate::auth::model::Permission;
    let state = crate::state::app_state()?;
    let access = crate::auth::session::authorize(&state, &space, Permission::View).await?;
    super::data::picker_page(&state.pool, access.space.id, parent, after.as_deref()).await
}
