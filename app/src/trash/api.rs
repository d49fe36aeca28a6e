//! Server functions for Trash.

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

use super::model::{MoveOutcome, RestoreFromTrashOutcome, RestoreOutcome, TrashedAsset};
use crate::error::AppError;

/// Moves assets of a space to Trash: `POST /api/move_to_trash` with
/// `{"space": "marketing", "ids": [1, 2, 3]}`. Needs the delete permission.
#[server(prefix = "/api", endpoint = "move_to_trash", input = Json)]
pub async fn move_to_trash(space: String, ids: Vec<i64>) -> Result<MoveOutcome, AppError> {
    use crate::auth::{model::Permission, session::authorize};
    let state = crate::state::app_state()?;
    let access = authorize(&state, &space, Permission::Delete).await?;
    let now = state.clock.now_millis();
    super::data::move_to_trash(&state.pool, access.space.id, access.user_id, &ids, now).await
}

/// Undo of one `move_to_trash`: `POST /api/restore_batch` with
/// `{"space": "marketing", "batch": "…"}`. Needs the delete permission.
#[server(prefix = "/api", endpoint = "restore_batch", input = Json)]
pub async fn restore_batch(space: String, batch: String) -> Result<RestoreOutcome, AppError> {
    use crate::auth::{model::Permission, session::authorize};
    let state = crate::state::app_state()?;
    let access = authorize(&state, &space, Permission::Delete).await?;
    let now = state.clock.now_millis();
    super::data::restore_batch(&state.pool, access.space.id, access.user_id, &batch, now).await
}

/// The space's Trash: restorable trashed assets, newest first. Needs the
/// delete permission (Trash is where deleted assets are restored).
#[server(prefix = "/api", endpoint = "list_trash", input = GetUrl)]
pub async fn list_trash(space: String) -> Result<Vec<TrashedAsset>, AppError> {
    use crate::auth::{model::Permission, session::authorize};
    let state = crate::state::app_state()?;
    let access = authorize(&state, &space, Permission::Delete).await?;
    super::data::list_trash(&state.pool, access.space.id, state.clock.now_millis()).await
}

/// Restores assets from Trash: `POST /api/restore_from_trash` with
/// `{"space": "marketing", "ids": [1, 2]}`. Needs the delete permission.
#[server(prefix = "/api", endpoint = "restore_from_trash", input = Json)]
pub async fn restore_from_trash(
    space: String,
    ids: Vec<i64>,
) -> Result<RestoreFromTrashOutcome, AppError> {
    use crate::auth::{model::Permission, session::authorize};
    let state = crate::state::app_state()?;
    let access = authorize(&state, &space, Permission::Delete).await?;
    let now = state.clock.now_millis();
    super::data::restore_from_trash(&state.pool, access.space.id, access.user_id, &ids, now).await
}
