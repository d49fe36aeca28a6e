//! Server functions for spaces.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::model::Membership;
use crate::error::AppError;

/// The spaces the current user can open, with their role in each.
#[server(prefix = "/api", endpoint = "list_spaces", input = GetUrl)]
pub async fn list_spaces() -> Result<Vec<Membership>, AppError> {
    let state = crate::state::app_state()?;
    let user = crate::auth::session::current_user_id(&state).await?;
    Ok(super::data::list_for_user(&state.pool, user).await?)
}
