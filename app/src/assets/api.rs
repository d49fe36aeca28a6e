//! Server functions for the Assets listing.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::model::{AssetPage, SortDir, SortKey};
use crate::error::AppError;

/// One page of a space's live assets.
///
/// `GET /api/list_assets?space=marketing&q=logo&sort=name&dir=asc&after=…`
#[server(prefix = "/api", endpoint = "list_assets", input = GetUrl)]
pub async fn list_assets(
    space: String,
    q: Option<String>,
    sort: Option<SortKey>,
    dir: Option<SortDir>,
    after: Option<String>,
    before: Option<String>,
) -> Result<AssetPage, AppError> {
    use super::data::{list_live, ListParams};
    use super::model::{PageAt, PAGE_SIZE};
    use crate::auth::model::Permission;

    let state = crate::state::app_state()?;
    let access = crate::auth::session::authorize(&state, &space, Permission::View).await?;
    let sort = sort.unwrap_or_default();
    let at = PageAt::from_cursors(after, before)?;
    let params = ListParams::parse(
        q.as_deref(),
        sort,
        dir.unwrap_or_else(|| sort.default_dir()),
        &at,
        PAGE_SIZE,
    )?;
    Ok(list_live(&state.pool, access.space.id, &params).await?)
}
