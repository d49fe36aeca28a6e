//! `trove trash list` and `trove trash restore`: finding and putting back
//! what was deleted, without a browser (an admin recovering from a mass
//! deletion). Both select Trash by the same filters as its page; the
//! restore goes through the same all-or-nothing change as "Select all {N}
//! matching", guarded by the number it showed.

use std::io::{BufRead as _, IsTerminal as _, Write as _};

use anyhow::Context as _;
use app::assets::model::AssetKind;
use app::clock::parse_offset;
use app::error::AppError;
use app::format::{assets_count, iso_datetime};
use app::ids::{SpaceId, UserId};
use app::paging::PageAt;
use app::search::NameSearch;
use app::state::AppState;
use app::time::{Day, Timestamp, MILLIS_PER_MINUTE};
use app::trash::bulk::{restore_assets, Effect, Pick};
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

/// Lines to show for the first `limit` matching assets, and how many match.
async fn preview(
    state: &AppState,
    resolved: &Resolved,
    limit: u32,
) -> anyhow::Result<(Vec<String>, u64)> {
    let now = state.clock.now();
    let (pool, space, filters) = (&state.pool, resolved.space, &resolved.filters);
    let total = count_trash(pool, space, filters, now)
        .await
        .map_err(user_error)?;
    let params = TrashParams {
        filters: filters.clone(),
        ..TrashParams::parse_at(&PageAt::First, limit.max(1)).map_err(user_error)?
    };
    let page = list_trash(pool, space, &params, now)
        .await
        .map_err(user_error)?;
    let lines = page
        .items
        .iter()
        .take(limit as usize)
        .map(|asset| {
            format!(
                "{:>8}  {}  {:<20}  {:<22}  {}",
                asset.id.0,
                iso_datetime(asset.deleted_at),
                asset.deleted_by.as_deref().unwrap_or("—"),
                asset.days_left,
                asset.name,
            )
        })
        .collect();
    Ok((lines, total))
}

const HEADER: &str =
    "      id  deleted at (UTC)      deleted by            left                    name";

/// `trove trash list`: the matching assets, newest first, at most `limit`.
pub async fn list(state: &AppState, selection: &TrashSelection, limit: u32) -> anyhow::Result<()> {
    let resolved = resolve(state, selection).await?;
    let (lines, total) = preview(state, &resolved, limit).await?;
    let mut out = std::io::stdout().lock();
    if total == 0 {
        writeln!(
            out,
            "Nothing in the Trash of {} matches.",
            resolved.space_name
        )?;
        return Ok(());
    }
    writeln!(out, "{HEADER}")?;
    for line in &lines {
        writeln!(out, "{line}")?;
    }
    let shown = lines.len() as u64;
    writeln!(
        out,
        "{} in the Trash of {} match{}",
        assets_count(total),
        resolved.space_name,
        if shown < total {
            format!("; the newest {shown} are shown (--limit)")
        } else {
            String::new()
        }
    )?;
    Ok(())
}

/// `trove trash restore`: shows what matches, asks (unless `yes`), then
/// restores exactly that many in one change; a dry run stops after showing.
pub async fn restore(
    state: &AppState,
    selection: &TrashSelection,
    dry_run: bool,
    yes: bool,
) -> anyhow::Result<()> {
    const SHOWN: u32 = 20;
    let resolved = resolve(state, selection).await?;
    let (lines, total) = preview(state, &resolved, SHOWN).await?;
    if total == 0 {
        println!(
            "Nothing in the Trash of {} matches; nothing to restore.",
            resolved.space_name
        );
        return Ok(());
    }
    println!("{HEADER}");
    for line in &lines {
        println!("{line}");
    }
    if total > lines.len() as u64 {
        println!("… and {} more", total - lines.len() as u64);
    }
    let what = format!("{} to {}", assets_count(total), resolved.space_name);
    let effect = if dry_run {
        Effect::DryRun
    } else {
        if !yes && !confirm(&format!("Restore {what}? [y/N] "))? {
            println!("Nothing was restored.");
            return Ok(());
        }
        Effect::Apply
    };
    let pick = Pick::Matching {
        filters: &resolved.filters,
        expected: total,
    };
    let outcome = restore_assets(
        &state.pool,
        resolved.space,
        None,
        pick,
        &[],
        &state.clock,
        effect,
    )
    .await
    .map_err(user_error)?;
    if dry_run {
        println!("Dry run: would restore {what}. Nothing was changed.");
    } else {
        println!("Restored {}.", assets_count(outcome.restored));
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
