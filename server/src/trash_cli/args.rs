//! What `trove trash` takes on its command line: the flags of each
//! command, and the moments people type for `--since` and `--until`.

use app::domain::time::{Day, Timestamp, MILLIS_PER_MINUTE};
use app::platform::clock::parse_offset;
use clap::{Args, Subcommand};

use crate::DataArgs;

#[derive(Debug, Subcommand)]
pub enum TrashCommand {
    /// List what is in a space's Trash, by the filters: deleted folders
    /// (one row each, with what was deleted inside), then assets, each
    /// newest first.
    List(TrashListArgs),
    /// Restore everything in a space's Trash that matches the filters (a
    /// deleted folder with everything deleted inside it), as one change:
    /// prints what it will restore and asks first (unless --yes); refuses
    /// if the number of assets changed in between.
    Restore(TrashRestoreArgs),
}

// Which part of a space's Trash a command is about. (No doc comment: clap
// reads one on an `Args` struct as the help text of its command.)
#[derive(Debug, Clone, Args)]
pub struct TrashFilterArgs {
    /// Name or slug of the space.
    #[arg(long)]
    pub space: String,
    /// Only what this person (their email) deleted.
    #[arg(long)]
    pub deleted_by: Option<String>,
    /// Deleted at or after: 2026-11-28, 2026-11-28T14:30 (UTC), or a time
    /// ago like 3h or 2d.
    #[arg(long)]
    pub since: Option<String>,
    /// Deleted before (same forms as --since).
    #[arg(long)]
    pub until: Option<String>,
    /// Names containing this (or starting with it, under 3 characters).
    #[arg(long)]
    pub search: Option<String>,
    /// image, video, audio, document or other (folders have no type: a
    /// type shows none).
    #[arg(long = "type")]
    pub kind: Option<String>,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Debug, Clone, Args)]
pub struct TrashListArgs {
    #[command(flatten)]
    pub filters: TrashFilterArgs,
    /// Show at most this many.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub limit: u32,
}

#[derive(Debug, Clone, Args)]
pub struct TrashRestoreArgs {
    #[command(flatten)]
    pub filters: TrashFilterArgs,
    /// Show what would be restored, and restore nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Restore without asking.
    #[arg(long)]
    pub yes: bool,
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

#[cfg(test)]
mod tests {
    use app::domain::format::iso_datetime;

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
