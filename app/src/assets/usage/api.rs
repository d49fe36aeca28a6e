//! Server functions for references: an integration sets what one of its
//! sources uses, and anyone who sees the space reads where an asset is
//! used.
//!
//! `input_derive` on each `#[server]` repeats the macro's own derives and
//! adds `utoipa::ToSchema` for the OpenAPI document (see `assets::api`).

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, PutJson};

use super::model::{ReferencesOutcome, Source};
use crate::domain::error::AppError;
use crate::domain::ids::AssetId;

/// Sets the full list of assets one source uses now:
/// `PUT /api/references` with `{"space": "marketing", "source": {"system":
/// "cms", "id": "entry-42", "title": "Spring landing page", "url":
/// "https://cms.example/entries/42"}, "assets": [1, 5, 9]}`. An
/// integration sends it on every save of the source; an empty `assets`
/// removes the source. Idempotent (the same call twice leaves the same
/// state) and all or nothing: ids that are not assets of the space (live or
/// in Trash) fail it with 404 `unknown_assets` naming them in `ids`; at
/// most 10,000 assets, an id listed twice counts once. `system`, `id` and
/// `title` are trimmed and may not be empty or carry control characters;
/// `url`, when given, is an `http` or `https` address. Answers the source
/// with how many assets it uses (`count`) and how many references the call
/// `added` and `removed`. Needs the upload permission ("upload & edit").
#[server(prefix = "/api", endpoint = "references", input = PutJson,
    input_derive = (Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema))]
pub async fn put_references(
    space: String,
    source: Source,
    assets: Vec<AssetId>,
) -> Result<ReferencesOutcome, AppError> {
    use crate::auth::model::Permission;
    let state = crate::platform::state::app_state()?;
    let access = crate::auth::session::authorize(&state, &space, Permission::Upload).await?;
    let now = state.clock.now();
    super::data::set_references(&state.pool, access.space.id, &source, &assets, now).await
}

/// Where an asset is used: `GET /api/asset_usage?space=marketing&id=12`,
/// the sources that reference it (live or in Trash), by title. An asset
/// that is not in the space is a 404.
#[server(prefix = "/api", endpoint = "asset_usage", input = GetUrl,
    input_derive = (Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema))]
pub async fn asset_usage(space: String, id: AssetId) -> Result<Vec<Source>, AppError> {
    use crate::auth::model::Permission;
    let state = crate::platform::state::app_state()?;
    let access = crate::auth::session::authorize(&state, &space, Permission::View).await?;
    super::data::sources_of(&state.pool, access.space.id, id).await
}
