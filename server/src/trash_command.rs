//! `trove trash list` and `trove trash restore`: finding and putting back
//! what was deleted, without a browser (an admin recovering from a mass
//! deletion). Both see Trash as its page does, through the page's own
//! reads: a deleted folder is one row, with what was deleted inside it.
//! The restore goes through the same all-or-nothing change as "Select all
//! {N} matching" with the folder rows ticked, guarded by the number of
//! assets it showed.

use std::io::{BufRead as _, IsTerminal as _, Write as _};

use anyhow::Context as _;
use app::assets::folders::model::mix_count;
use app::assets::model::AssetKind;
use app::bulk_target::{BulkTarget, Items, MAX_BULK_IDS};
use app::clock::parse_offset;
use app::error::AppError;
use app::format::{assets_count, iso_datetime};
use app::ids::{FolderId, SpaceId, UserId};
use app::paging::PageAt;
use app::search::NameSearch;
use app::state::AppState;
use app::time::{Day, Timestamp, MILLIS_PER_MINUTE};
use app::trash::bulk::{restore_assets, BulkChange, Effect};
use app::trash::listing::{count_trash, list_trash, TrashFilters, TrashParams};

/// Which part of a space's Trash a command is about.
#[derive(Debug, Clone, Default)]
pub struct TrashSelection {
    /// Slug or name of the space.
    pub space: String,
    /// Email of the person who deleted.
    pub deleted_by: Option<String>,
    /// Deleted at or after (see [`parse_moment`]).
    pub since: Option<String>,
    /// Deleted before.
    pub until: Option<String>,
    pub search: Option<String>,
    /// image, video, audio, document or other.
    pub kind: Option<String>,
}

/// A selection checked against the database.
struct Resolved {
    space: SpaceId,
    space_name: String,
    filters: TrashFilters,
}

async fn resolve(state: &AppState, selection: &TrashSelection) -> anyhow::Result<Resolved> {
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
    };
    Ok(Resolved {
        space,
        space_name,
        filters,
    })
}

fn user_error(error: AppError) -> anyhow::Error {
    anyhow::anyhow!("{error}")
}

/// A moment as a person types it on a command line, in UTC:
/// `2026-11-28` (midnight), `2026-11-28T14:30` or `2026-11-28 14:30:15`
/// (a trailing `Z` is allowed), or a time ago: `3h`, `2d`, `90m`.
pub fn parse_moment(text: &str, now: Timestamp) -> anyhow::Result<Timestamp> {
    let text = text.trim();
    let wrong = || {
        anyhow::anyhow!(
            "{text:?} is not a time: write 2026-11-28, 2026-11-28T14:30 (UTC) or a time ago like 3h or 2d"
        )
    };
    if let Ok(ago) = parse_offset(text) {
        return Ok(now.minus_millis(ago));
    }
    let (date, clock) = match text.get(..10) {
        Some(date) => (date, &text[10..]),
        None => return Err(wrong()),
    };
    let day = Day::parse(date).ok_or_else(wrong)?;
    let clock = clock.strip_suffix('Z').unwrap_or(clock);
    if clock.is_empty() {
        return Ok(day.start(0));
    }
    let clock = clock
        .strip_prefix('T')
        .or_else(|| clock.strip_prefix(' '))
        .ok_or_else(wrong)?;
    let parts: Vec<&str> = clock.split(':').collect();
    let number = |part: &str, max: i64| -> Option<i64> {
        (part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse().ok())
            .flatten()
            .filter(|n| *n <= max)
    };
    let (hours, minutes, seconds) = match parts.as_slice() {
        [h, m] => (number(h, 23), number(m, 59), Some(0)),
        [h, m, s] => (number(h, 23), number(m, 59), number(s, 59)),
        _ => return Err(wrong()),
    };
    let (Some(hours), Some(minutes), Some(seconds)) = (hours, minutes, seconds) else {
        return Err(wrong());
    };
    Ok(day
        .start(0)
        .plus_millis((hours * 60 + minutes) * MILLIS_PER_MINUTE + seconds * 1000))
}

/// What a selection finds in Trash, as the Trash page shows it: a deleted
/// folder is one row (what was deleted inside it comes back with it), and
/// folder rows come before assets, each newest first.
struct Found {
    /// Lines for the first rows.
    lines: Vec<String>,
    /// Folder rows that match.
    folders: u64,
    /// Asset rows that match (assets not inside a folder deleted with them).
    assets: u64,
}

impl Found {
    fn total(&self) -> u64 {
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

fn line(id: i64, deleted_at: Timestamp, by: Option<&str>, left: &str, name: &str) -> String {
    format!(
        "{id:>8}  {}  {:<20}  {left:<22}  {name}",
        iso_datetime(deleted_at),
        by.unwrap_or("—"),
    )
}

/// Lines for the first `limit` matching rows, and how many match.
async fn preview(state: &AppState, resolved: &Resolved, limit: u32) -> anyhow::Result<Found> {
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
async fn matching_folders(state: &AppState, resolved: &Resolved) -> anyhow::Result<Vec<FolderId>> {
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

const HEADER: &str =
    "      id  deleted at (UTC)      deleted by            left                    name";

/// `trove trash list`: the matching rows (deleted folders, then assets,
/// each newest first), at most `limit`.
pub async fn list(state: &AppState, selection: &TrashSelection, limit: u32) -> anyhow::Result<()> {
    let resolved = resolve(state, selection).await?;
    let found = preview(state, &resolved, limit).await?;
    let mut out = std::io::stdout().lock();
    if found.total() == 0 {
        writeln!(
            out,
            "Nothing in the Trash of {} matches.",
            resolved.space_name
        )?;
        return Ok(());
    }
    writeln!(out, "{HEADER}")?;
    for line in &found.lines {
        writeln!(out, "{line}")?;
    }
    let shown = found.lines.len() as u64;
    writeln!(
        out,
        "{} in the Trash of {} match{}{}",
        mix_count(found.folders, found.assets),
        resolved.space_name,
        if found.total() == 1 { "es" } else { "" },
        if shown < found.total() {
            format!("; --limit shows the first {shown}")
        } else {
            String::new()
        }
    )?;
    Ok(())
}

/// `trove trash restore`: shows what matches, asks (unless `yes`), then
/// restores exactly that in one change, as the Trash page's Restore does
/// (a folder with everything deleted with it); a dry run works it all out
/// and rolls it back.
pub async fn restore(
    state: &AppState,
    selection: &TrashSelection,
    dry_run: bool,
    yes: bool,
) -> anyhow::Result<()> {
    const SHOWN: u32 = 20;
    let resolved = resolve(state, selection).await?;
    let found = preview(state, &resolved, SHOWN).await?;
    if found.total() == 0 {
        println!(
            "Nothing in the Trash of {} matches; nothing to restore.",
            resolved.space_name
        );
        return Ok(());
    }
    println!("{HEADER}");
    for line in &found.lines {
        println!("{line}");
    }
    let shown = found.lines.len() as u64;
    if found.total() > shown {
        println!("… and {} more", found.total() - shown);
    }
    let effect = if dry_run {
        Effect::DryRun
    } else {
        let what = mix_count(found.folders, found.assets);
        let question = format!("Restore {what} to {}? [y/N] ", resolved.space_name);
        if !yes && !confirm(&question)? {
            println!("Nothing was restored.");
            return Ok(());
        }
        Effect::Apply
    };
    // Assets by the filters, guarded by the number shown; folder rows by
    // id, as the page names the folders ticked beside "all matching".
    let folders = if found.folders > 0 {
        matching_folders(state, &resolved).await?
    } else {
        Vec::new()
    };
    let items = if found.assets > 0 {
        Items::Matching {
            filters: resolved.filters.clone(),
            expected: found.assets,
        }
    } else {
        Items::Ids(Vec::new())
    };
    anyhow::ensure!(
        found.assets > 0 || !folders.is_empty(),
        "the folders shown are no longer in Trash; nothing was restored"
    );
    let change = BulkChange {
        space: resolved.space,
        actor: None,
        target: BulkTarget { items, folders },
        effect,
    };
    let outcome = restore_assets(&state.pool, &change, &state.clock)
        .await
        .map_err(user_error)?;
    let what = mix_count(outcome.folders, outcome.restored);
    if dry_run {
        println!(
            "Dry run: would restore {what} to {}. Nothing was changed.",
            resolved.space_name
        );
        return Ok(());
    }
    println!("Restored {what}.");
    for (old, new) in &outcome.renamed {
        println!("“{old}” is back as “{new}”: a folder there has its name now.");
    }
    if outcome.to_top_level > 0 {
        println!(
            "{} came back at the top level: the folder they were in was deleted permanently.",
            outcome.to_top_level
        );
    }
    if outcome.folders_skipped > 0 {
        println!(
            "{} of the folders shown had been restored meanwhile.",
            outcome.folders_skipped
        );
    }
    Ok(())
}

/// Asks on the terminal; refuses to guess when there is none.
fn confirm(question: &str) -> anyhow::Result<bool> {
    let stdin = std::io::stdin();
    anyhow::ensure!(
        stdin.is_terminal(),
        "not asking without a terminal: add --yes to restore, or --dry-run to only look"
    );
    print!("{question}");
    std::io::stdout().flush()?;
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer)?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_in_the_forms_people_type() {
        let now = Timestamp::from_millis(1_795_872_600_000); // 2026-11-28T13:30Z
        let at = |text: &str| parse_moment(text, now).map(iso_datetime).unwrap();
        assert_eq!(at("2026-11-28"), "2026-11-28T00:00:00Z");
        assert_eq!(at("2026-11-28T14:05"), "2026-11-28T14:05:00Z");
        assert_eq!(at("2026-11-28 14:05:09Z"), "2026-11-28T14:05:09Z");
        assert_eq!(at("3h"), "2026-11-28T10:30:00Z");
        assert_eq!(at("2d"), "2026-11-26T13:30:00Z");
        for bad in [
            "yesterday",
            "2026-02-30",
            "2026-11-28T24:00",
            "2026-11-28T1:00",
            "28/11/2026",
            "",
        ] {
            assert!(parse_moment(bad, now).is_err(), "{bad}");
        }
    }
}
