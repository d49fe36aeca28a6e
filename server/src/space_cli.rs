//! `trove space set | show`: a space's settings from the command line (a
//! deployment script, an operator): how many days Trash keeps deleted
//! items, and the quota. The same rules and audit entries as Space Settings
//! → General.

use app::domain::format::format_size;
use app::domain::ids::SpaceId;
use app::platform::state::AppState;
use clap::{Args, Subcommand};

use crate::cli_values::parse_size;
use crate::token_cli::space_id;
use crate::DataArgs;

#[derive(Debug, Subcommand)]
pub enum SpaceCommand {
    /// Change a space's settings; prints them after.
    Set(SetArgs),
    /// Print a space's settings and what it stores.
    Show(ShowArgs),
}

#[derive(Debug, Clone, Args)]
pub struct SetArgs {
    /// Name or slug of the space.
    #[arg(long)]
    space: String,
    /// Keep deleted items for this many days (1 to 365). Longer applies to
    /// what is in Trash now; shorter to what is deleted after the change.
    #[arg(long)]
    retention_days: Option<i64>,
    /// The most the space may store, live and in Trash together, like
    /// 50GB (KB, MB, GB, TB are powers of 1024), or `none`.
    #[arg(long, value_parser = parse_quota)]
    quota: Option<Quota>,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Debug, Clone, Args)]
pub struct ShowArgs {
    /// Name or slug of the space.
    #[arg(long)]
    space: String,
    #[command(flatten)]
    data: DataArgs,
}

/// `--quota`: a size, or none at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota(Option<u64>);

fn parse_quota(text: &str) -> Result<Quota, String> {
    if text.trim().eq_ignore_ascii_case("none") {
        return Ok(Quota(None));
    }
    parse_size(text).map(|bytes| Quota(Some(bytes)))
}

/// Runs one `trove space` command.
pub async fn run(command: SpaceCommand) -> anyhow::Result<()> {
    match command {
        SpaceCommand::Set(args) => {
            if args.retention_days.is_none() && args.quota.is_none() {
                anyhow::bail!("nothing to set: give --retention-days or --quota");
            }
            let state = args.data.open_for_command().await?;
            let space = space_id(&state, &args.space).await?;
            if let Some(days) = args.retention_days {
                let saved = app::settings::retention::data::set_retention(
                    &state.pool,
                    space,
                    None,
                    days,
                    &state.clock,
                )
                .await
                .map_err(|error| anyhow::anyhow!("{error}"))?;
                eprintln!("{}", saved.summary());
            }
            if let Some(Quota(quota)) = args.quota {
                app::settings::quota::set_quota(&state.pool, space, None, quota, &state.clock)
                    .await
                    .map_err(|error| anyhow::anyhow!("{error}"))?;
            }
            show(&state, space).await
        }
        SpaceCommand::Show(args) => {
            let state = args.data.open_for_command().await?;
            let space = space_id(&state, &args.space).await?;
            show(&state, space).await
        }
    }
}

async fn show(state: &AppState, space: SpaceId) -> anyhow::Result<()> {
    let (retention, quota): (i64, Option<i64>) =
        sqlx::query_as("SELECT retention_days, quota_bytes FROM spaces WHERE id = $1")
            .bind(space)
            .fetch_one(&state.pool)
            .await?;
    let (live, trash): (i64, i64) = sqlx::query_as(
        "SELECT COALESCE(SUM(live_bytes), 0), COALESCE(SUM(trash_bytes), 0)
         FROM space_storage WHERE space_id = $1",
    )
    .bind(space)
    .fetch_one(&state.pool)
    .await?;
    println!("retention: {retention} days");
    println!(
        "quota: {}",
        quota.map_or_else(|| "none".to_owned(), format_size)
    );
    println!(
        "stored: {} ({} live, {} in Trash)",
        format_size(live + trash),
        format_size(live),
        format_size(trash)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotas_are_sizes_or_none() {
        assert_eq!(parse_quota("50GB"), Ok(Quota(Some(50 << 30))));
        assert_eq!(parse_quota("1TB"), Ok(Quota(Some(1 << 40))));
        assert_eq!(parse_quota("none"), Ok(Quota(None)));
        assert!(parse_quota("0").is_err());
        assert!(parse_quota("lots").is_err());
    }
}
