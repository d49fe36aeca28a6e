//! The server function of the retention setting.
//!
//! `input_derive` repeats the macro's own derives and adds
//! `utoipa::ToSchema` for the OpenAPI document (see `assets::api`).

use leptos::prelude::*;
use leptos::server_fn::codec::PutJson;

use super::model::SettingsSaved;
use crate::domain::error::AppError;

/// Sets how many days the space keeps deleted items:
/// `PUT /api/space_settings` with `{"space": "marketing", "retention_days":
/// 30}`, 1 to 365 (the default is 14). A change never takes away time
/// already promised: a longer retention applies to everything in Trash now
/// (`extended` says how many rows got more time), a shorter one to what is
/// deleted after it. Written to the audit log. Needs the manage permission
/// (Owner and Admin).
#[server(prefix = "/api", endpoint = "space_settings", input = PutJson,
    input_derive = (Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema))]
pub async fn put_space_settings(
    space: String,
    retention_days: i64,
) -> Result<SettingsSaved, AppError> {
    use crate::auth::model::Permission;
    let state = crate::platform::state::app_state()?;
    let access = crate::auth::session::authorize(&state, &space, Permission::Manage).await?;
    super::data::set_retention(
        &state.pool,
        access.space.id,
        Some(access.actor()),
        retention_days,
        &state.clock,
    )
    .await
}
