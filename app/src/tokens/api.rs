//! Server functions for API tokens: Owner and Admin (the manage
//! permission) list, make and revoke a space's tokens. A token itself may
//! not: tokens do not make or revoke tokens, so a leaked one cannot
//! outlive its revocation through a successor.
//!
//! `input_derive` on each `#[server]` repeats the macro's own derives and
//! adds `utoipa::ToSchema` for the OpenAPI document (see `assets::api`).

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

use super::model::{ApiToken, NewToken};
use crate::domain::error::AppError;
use crate::domain::ids::TokenId;
use crate::domain::roles::Role;

/// A person who may manage the space's tokens, signed in (not a token).
#[cfg(feature = "ssr")]
async fn manager(
    space: &str,
) -> Result<
    (
        crate::platform::state::AppState,
        crate::auth::session::Access,
    ),
    AppError,
> {
    use crate::auth::model::Permission;
    let state = crate::platform::state::app_state()?;
    let access = crate::auth::session::authorize(&state, space, Permission::Manage).await?;
    if access.token.is_some() {
        return Err(AppError::Forbidden);
    }
    Ok((state, access))
}

/// The space's live tokens, newest first: `GET /api/list_tokens?space=…`.
/// Never their text. Owner and Admin.
#[server(prefix = "/api", endpoint = "list_tokens", input = GetUrl,
    input_derive = (Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema))]
pub async fn list_tokens(space: String) -> Result<Vec<ApiToken>, AppError> {
    let (state, access) = manager(&space).await?;
    super::data::list(&state.pool, access.space.id).await
}

/// Makes a token acting as you in this space with at most `role` (yours
/// or lower, Admin at most): `POST /api/create_token` with
/// `{"space": "marketing", "name": "CMS", "role": "asset_manager"}`. The
/// answer's `secret` is the token, shown this once. Owner and Admin.
#[server(prefix = "/api", endpoint = "create_token", input = Json,
    input_derive = (Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema))]
pub async fn create_token(space: String, name: String, role: Role) -> Result<NewToken, AppError> {
    let (state, access) = manager(&space).await?;
    let now = state.clock.now();
    let made = super::data::create(
        &state.pool,
        access.space.id,
        access.user_id,
        access.role,
        &name,
        role,
        now,
    )
    .await?;
    tracing::info!(
        space = access.space.id.0,
        token = made.token.id.0,
        "token created"
    );
    Ok(made)
}

/// Revokes a token: `POST /api/revoke_token` with
/// `{"space": "marketing", "id": 3}`. It stops working at once, on every
/// server. Owner and Admin.
#[server(prefix = "/api", endpoint = "revoke_token", input = Json,
    input_derive = (Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema))]
pub async fn revoke_token(space: String, id: TokenId) -> Result<ApiToken, AppError> {
    let (state, access) = manager(&space).await?;
    let now = state.clock.now();
    let revoked =
        super::data::revoke(&state.pool, access.space.id, id, Some(access.user_id), now).await?;
    tracing::info!(space = access.space.id.0, token = id.0, "token revoked");
    Ok(revoked)
}
