//! What a `trove trash` command selects: its filter flags checked against
//! the database (the space, the person, the type, the moments), and what
//! they find in Trash, read as the Trash page reads it: a deleted folder is
//! one row, with what was deleted inside it, before the assets.

use anyhow::Context as _;
use app::assets::model::AssetKind;
use app::domain::bulk_target::MAX_BULK_IDS;
use app::domain::error::AppError;
use app::domain::format::{assets_count, iso_datetime};
use app::domain::ids::{FolderId, SpaceId, UserId};
use app::domain::paging::PageAt;
use app::domain::time::Timestamp;
use app::platform::search::NameSearch;
use app::platform::state::AppState;
use app::trash::listing::{count_trash, list_trash, TrashFilters, TrashParams};

use super::args::{parse_moment, TrashFilterArgs};

/// A selection checked against the database.
pub struct Resolved {
    pub space: SpaceId,
    pub space_name: String,
    pub filters: TrashFilters,
}

/// The space, the person and the type named, and the moments typed, as
/// the Trash page's filters; an error names what does not exist.
pub async fn resolve(state: &AppState, selection: &TrashFilterArgs) -> anyhow::Result<Resolved> {
    let slug = app::spaces::data::slugify(&selection.space);
    let (space, space_name): (SpaceId, String) =
        sqlx::query_as("SELECT id, name FROM spaces WHERE slug = $1")
            .bind(&slug)
            .fetch_optional(&state.pool)
            .await?
            .with_context(|| format!("there is no space {:?}", selection.space))?;
    let deleted_by = match &selection.deleted_by {
        None => None,
        Some(email) => Some(
            sqlx::query_scalar::<_, UserId>("SELECT id FROM users WHERE email = $1")
                .bind(email.trim())
                .fetch_optional(&state.pool)
                .await?
                .with_context(|| format!("no one has the email {email:?}"))?,
        ),
    };
    let kind = match &selection.kind {
        None => None,
        Some(text) => Some(AssetKind::parse(text).with_context(|| {
            format!("unknown type {text:?}: use image, video, audio, document or other")
        })?),
    };
    let now = state.clock.now();
    let moment = |text: &Option<String>| -> anyhow::Result<Option<Timestamp>> {
        text.as_deref().map(|t| parse_moment(t, now)).transpose()
    };
    let filters = TrashFilters {
        search: NameSearch::parse(selection.search.as_deref().unwrap_or_default())
            .map_err(user_error)?,
        deleted_by,
        kind,
        deleted_from: moment(&selection.since)?,
        deleted_before: moment(&selection.until)?,
        expires_within: None,
    };
    Ok(Resolved {
        space,
        space_name,
        filters,
    })
}

pub(super) fn user_error(error: AppError) -> anyhow::Error {
    anyhow::anyhow!("{error}")
}

/// What a selection finds in Trash, as the Trash page shows it: a deleted
/// folder is one row (what was deleted inside it comes back with it), and
/// folder rows come before assets, each newest first.
pub struct Found {
    /// Lines for the first rows.
    pub lines: Vec<String>,
    /// Folder rows that match.
    pub folders: u64,
    /// Asset rows that match (assets not inside a folder deleted with them).
    pub assets: u64,
}

impl Found {
    pub fn total(&self) -> u64 {
        self.folders + self.assets
    }
}

/// The Trash page's request for the page at `at`, by the selection's filters.
fn page_at(resolved: &Resolved, at: &PageAt, limit: u32) -> anyhow::Result<TrashParams> {
    Ok(TrashParams {
        filters: resolved.filters.clone(),
        ..TrashParams::parse_at(at, limit.max(1)).map_err(user_error)?
    })
}

/// The column heads above [`preview`]'s lines.
pub const HEADER: &str =
    "      id  deleted at (UTC)      deleted by            left                    name";

fn line(id: i64, deleted_at: Timestamp, by: Option<&str>, left: &str, name: &str) -> String {
    format!(
        "{id:>8}  {}  {:<20}  {left:<22}  {name}",
        iso_datetime(deleted_at),
        by.unwrap_or("—"),
    )
}

/// Lines for the first `limit` matching rows, and how many match.
pub async fn preview(state: &AppState, resolved: &Resolved, limit: u32) -> anyhow::Result<Found> {
    let now = state.clock.now();
    let (pool, space, filters) = (&state.pool, resolved.space, &resolved.filters);
    let assets = count_trash(pool, space, filters, now)
        .await
        .map_err(user_error)?;
    let params = page_at(resolved, &PageAt::First, limit)?;
    let page = list_trash(pool, space, &params, now)
        .await
        .map_err(user_error)?;
    let folders = page.folders.iter().map(|folder| {
        let inside = assets_count(folder.assets.max(0) as u64);
        let name = format!("{}  (Folder, {inside} inside)", folder.name);
        let by = folder.deleted_by.as_deref();
        line(folder.id.0, folder.deleted_at, by, &folder.days_left, &name)
    });
    let items = page.items.iter().map(|asset| {
        let by = asset.deleted_by.as_deref();
        line(
            asset.id.0,
            asset.deleted_at,
            by,
            &asset.days_left,
            &asset.name,
        )
    });
    Ok(Found {
        lines: folders.chain(items).take(limit as usize).collect(),
        folders: page.folder_total.max(0) as u64,
        assets,
    })
}

/// The ids of every folder row the selection finds, read page by page as
/// the Trash page reads them (its folder rows come first, so they end
/// where a page holds assets), for the restore to name.
pub async fn matching_folders(
    state: &AppState,
    resolved: &Resolved,
) -> anyhow::Result<Vec<FolderId>> {
    const PAGE: u32 = 1_000;
    let now = state.clock.now();
    let mut ids = Vec::new();
    let mut at = PageAt::First;
    loop {
        let params = page_at(resolved, &at, PAGE)?;
        let page = list_trash(&state.pool, resolved.space, &params, now)
            .await
            .map_err(user_error)?;
        ids.extend(page.folders.iter().map(|folder| folder.id));
        anyhow::ensure!(
            ids.len() <= MAX_BULK_IDS,
            "more than {MAX_BULK_IDS} deleted folders match: narrow the selection (--since, --until, --deleted-by, --search)"
        );
        match page.next {
            Some(next) if page.items.is_empty() => at = PageAt::After(next),
            _ => return Ok(ids),
        }
    }
}
