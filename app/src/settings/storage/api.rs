//! The server function of a space's storage.
//!
//! `input_derive` on the `#[server]` repeats the macro's own derives and
//! adds `utoipa::ToSchema` for the OpenAPI document (see `assets::api`).

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::model::SpaceStorage;
use crate::domain::error::AppError;

/// What a space stores: `GET /api/space_usage?space=marketing`. Its live
/// assets and its Trash (count and bytes), each type's share (`by_kind`:
/// images, documents, video, audio, other, zeros included), its quota in
/// bytes if it has one, and `used_bytes`, what counts against the quota:
/// live and Trash together. Exact (counters the database keeps with every
/// change), and as fast at 100,000 assets as at 10. Any member may read it.
#[server(prefix = "/api", endpoint = "space_usage", input = GetUrl,
    input_derive = (Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema))]
pub async fn space_usage(space: String) -> Result<SpaceStorage, AppError> {
    use crate::auth::model::Permission;
    let state = crate::platform::state::app_state()?;
    let access = crate::auth::session::authorize(&state, &space, Permission::View).await?;
    super::data::space_usage(&state.pool, access.space.id).await
}
