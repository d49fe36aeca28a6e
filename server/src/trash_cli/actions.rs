//! The two `trove trash` commands: `list` prints what the selection finds;
//! `restore` prints it, asks, and puts exactly that back in one change.

use std::io::{BufRead as _, IsTerminal as _, Write as _};

use app::assets::folders::model::mix_count;
use app::domain::bulk_target::{BulkTarget, Items};
use app::platform::state::AppState;
use app::trash::bulk::{restore_assets, BulkChange, Effect};

use super::args::TrashFilterArgs;
use super::selection::{matching_folders, preview, resolve, user_error, HEADER};

/// `trove trash list`: the matching rows (deleted folders, then assets,
/// each newest first), at most `limit`.
pub async fn list(state: &AppState, selection: &TrashFilterArgs, limit: u32) -> anyhow::Result<()> {
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
    selection: &TrashFilterArgs,
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
