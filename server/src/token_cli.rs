//! `trove token create | list | revoke`: API tokens from the command line,
//! for setting up an integration before anyone signs in (or from a
//! deployment script). The same rules as Space Settings → API tokens: a
//! token acts as a member of the space, with their role or a lower one,
//! Admin at most; its text is printed once and stored only as a digest.

use anyhow::Context as _;
use app::auth::model::Role;
use app::domain::ids::{SpaceId, TokenId, UserId};
use app::platform::state::AppState;
use clap::{Args, Subcommand};

use crate::DataArgs;

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Make a token acting as a member of a space; prints it, once.
    Create(CreateArgs),
    /// List a space's live tokens (never their text).
    List(ListArgs),
    /// Revoke a token: it stops working at once, on every server.
    Revoke(RevokeArgs),
}

#[derive(Debug, Clone, Args)]
pub struct CreateArgs {
    /// Name or slug of the space.
    #[arg(long)]
    space: String,
    /// The member the token acts as.
    #[arg(long)]
    email: String,
    /// admin, asset-manager or viewer: at most the member's own role.
    #[arg(long)]
    role: String,
    /// What the token is for, e.g. "CMS"; unique among the space's tokens.
    #[arg(long)]
    name: String,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    /// Name or slug of the space.
    #[arg(long)]
    space: String,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Debug, Clone, Args)]
pub struct RevokeArgs {
    /// Name or slug of the space.
    #[arg(long)]
    space: String,
    /// The token's name (as `trove token list` shows it).
    #[arg(long)]
    name: String,
    #[command(flatten)]
    data: DataArgs,
}

/// Runs one `trove token` command.
pub async fn run(command: TokenCommand) -> anyhow::Result<()> {
    match command {
        TokenCommand::Create(args) => {
            let state = args.data.open_for_command().await?;
            create(&state, &args).await
        }
        TokenCommand::List(args) => {
            let state = args.data.open_for_command().await?;
            list(&state, &args.space).await
        }
        TokenCommand::Revoke(args) => {
            let state = args.data.open_for_command().await?;
            revoke(&state, &args.space, &args.name).await
        }
    }
}

/// The space a command names, by name or slug.
pub(crate) async fn space_id(state: &AppState, space: &str) -> anyhow::Result<SpaceId> {
    let slug = app::spaces::data::slugify(space);
    let found: Option<(SpaceId,)> = sqlx::query_as("SELECT id FROM spaces WHERE slug = $1")
        .bind(&slug)
        .fetch_optional(&state.pool)
        .await?;
    Ok(found
        .with_context(|| format!("there is no space {space:?}"))?
        .0)
}

async fn create(state: &AppState, args: &CreateArgs) -> anyhow::Result<()> {
    let role = Role::parse(&args.role).with_context(|| {
        format!(
            "unknown role {:?}: use admin, asset-manager or viewer",
            args.role
        )
    })?;
    let space = space_id(state, &args.space).await?;
    let member: Option<(UserId, Role)> = sqlx::query_as(
        "SELECT u.id, m.role FROM users u JOIN memberships m ON m.user_id = u.id
         WHERE u.email = $1 AND m.space_id = $2",
    )
    .bind(args.email.trim())
    .bind(space)
    .fetch_optional(&state.pool)
    .await?;
    let (user, member_role) = member
        .with_context(|| format!("{} is not a member of {:?}", args.email.trim(), args.space))?;
    let now = state.clock.now();
    let made =
        app::tokens::data::create(&state.pool, space, user, member_role, &args.name, role, now)
            .await
            .map_err(|error| anyhow::anyhow!("{error}"))?;
    eprintln!(
        "token {:?} ({}) acts as {}; copy it now, it is not shown again:",
        made.token.name,
        made.token.role.label(),
        args.email.trim()
    );
    println!("{}", made.secret);
    Ok(())
}

async fn list(state: &AppState, space: &str) -> anyhow::Result<()> {
    let space = space_id(state, space).await?;
    let tokens = app::tokens::data::list(&state.pool, space)
        .await
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    if tokens.is_empty() {
        println!("no API tokens");
    }
    for token in tokens {
        let used = token.last_used_at.map_or_else(
            || "never used".to_owned(),
            |at| format!("last used {}", app::domain::format::format_datetime(at)),
        );
        println!(
            "{:>5}  {:<13}  {}  (by {}, created {}, {used})",
            token.id.0,
            token.role.label(),
            token.name,
            token.created_by.as_deref().unwrap_or("—"),
            app::domain::format::format_datetime(token.created_at),
        );
    }
    Ok(())
}

async fn revoke(state: &AppState, space: &str, name: &str) -> anyhow::Result<()> {
    let space = space_id(state, space).await?;
    let found: Option<(TokenId,)> = sqlx::query_as(
        "SELECT id FROM api_tokens WHERE space_id = $1 AND lower(name) = lower($2)
         AND revoked_at IS NULL",
    )
    .bind(space)
    .bind(name.trim())
    .fetch_optional(&state.pool)
    .await?;
    let (id,) = found.with_context(|| format!("there is no live token named {name:?}"))?;
    let now = state.clock.now();
    let token = app::tokens::data::revoke(&state.pool, space, id, None, now)
        .await
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    println!("revoked token {:?}", token.name);
    Ok(())
}
