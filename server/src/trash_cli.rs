//! `trove trash list` and `trove trash restore`: finding and putting back
//! what was deleted, without a browser (an admin recovering from a mass
//! deletion). Both see Trash as its page does, through the page's own
//! reads: a deleted folder is one row, with what was deleted inside it.
//! The restore goes through the same all-or-nothing change as "Select all
//! {N} matching" with the folder rows ticked, guarded by the number of
//! assets it showed.
//!
//! - [`args`]: what the command line says: the flags, and the moments typed;
//! - [`selection`]: the flags checked against the database, and what they
//!   find in Trash, read as the Trash page reads it;
//! - [`actions`]: the two commands: list it, or restore it (asking first).

pub mod actions;
pub mod args;
pub mod selection;

pub use args::TrashCommand;

/// Runs one `trove trash` command.
pub async fn run(command: TrashCommand) -> anyhow::Result<()> {
    match command {
        TrashCommand::List(args) => {
            let state = args.filters.data.open_for_command().await?;
            actions::list(&state, &args.filters, args.limit).await
        }
        TrashCommand::Restore(args) => {
            let state = args.filters.data.open_for_command().await?;
            actions::restore(&state, &args.filters, args.dry_run, args.yes).await
        }
    }
}
