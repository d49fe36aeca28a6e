//! `trove trash list` and `trove trash restore`: their arguments, and
//! running them (the work is `server::trash_command`'s).

use clap::{Args, Subcommand};
use server::trash_command::{self, TrashSelection};

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

#[derive(Debug, Clone, Args)]
struct TrashFilterArgs {
    /// Name or slug of the space.
    #[arg(long)]
    space: String,
    /// Only what this person (their email) deleted.
    #[arg(long)]
    deleted_by: Option<String>,
    /// Deleted at or after: 2026-11-28, 2026-11-28T14:30 (UTC), or a time
    /// ago like 3h or 2d.
    #[arg(long)]
    since: Option<String>,
    /// Deleted before (same forms as --since).
    #[arg(long)]
    until: Option<String>,
    /// Names containing this (or starting with it, under 3 characters).
    #[arg(long)]
    search: Option<String>,
    /// image, video, audio, document or other (folders have no type: a
    /// type shows none).
    #[arg(long = "type")]
    kind: Option<String>,
    #[command(flatten)]
    data: DataArgs,
}

impl TrashFilterArgs {
    fn selection(&self) -> TrashSelection {
        TrashSelection {
            space: self.space.clone(),
            deleted_by: self.deleted_by.clone(),
            since: self.since.clone(),
            until: self.until.clone(),
            search: self.search.clone(),
            kind: self.kind.clone(),
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct TrashListArgs {
    #[command(flatten)]
    filters: TrashFilterArgs,
    /// Show at most this many.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    limit: u32,
}

#[derive(Debug, Clone, Args)]
pub struct TrashRestoreArgs {
    #[command(flatten)]
    filters: TrashFilterArgs,
    /// Show what would be restored, and restore nothing.
    #[arg(long)]
    dry_run: bool,
    /// Restore without asking.
    #[arg(long)]
    yes: bool,
}

/// Runs one `trove trash` command.
pub async fn run(command: TrashCommand) -> anyhow::Result<()> {
    match command {
        TrashCommand::List(args) => {
            let state = args.filters.data.open_for_command().await?;
            trash_command::list(&state, &args.filters.selection(), args.limit).await
        }
        TrashCommand::Restore(args) => {
            let state = args.filters.data.open_for_command().await?;
            let selection = args.filters.selection();
            trash_command::restore(&state, &selection, args.dry_run, args.yes).await
        }
    }
}
