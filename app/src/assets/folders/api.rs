//! Server functions for folders. Creating and renaming need the upload
//! permission ("upload & edit"); browsing needs only to see. Moving folders
//! and assets into a folder is the assets feature's (`assets::api`).
//!
//! `input_derive` on each `#[server]` repeats the macro's own derives and
//! adds `utoipa::ToSchema` for the OpenAPI document (see `assets::api`).

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

use super::model::{Folder, FolderPage};
use crate::domain::error::AppError;
use crate::domain::ids::FolderId;

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
    let state = crate::platform::state::app_state()?;
    let access = crate::auth::session::authorize(&state, &space, Permission::Upload).await?;
    let name =
        crate::domain::names::validate_name(&name, "folder").map_err(AppError::Validation)?;
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
    let state = crate::platform::state::app_state()?;
    let access = crate::auth::session::authorize(&state, &space, Permission::Upload).await?;
    let name =
        crate::domain::names::validate_name(&name, "folder").map_err(AppError::Validation)?;
    let now = state.clock.now();
    super::data::rename(&state.pool, access.space.id, id, &name, now).await
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
    let state = crate::platform::state::app_state()?;
    let access = crate::auth::session::authorize(&state, &space, Permission::View).await?;
    super::data::picker_page(&state.pool, access.space.id, parent, after.as_deref()).await
}
