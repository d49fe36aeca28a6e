//! `trove`: the Trove server and its admin commands.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use app::auth::model::Role;
use app::platform::site::PublicOrigin;
use clap::{Args, Parser, Subcommand};
use server::space_cli::{self, SpaceCommand};
use server::token_cli::{self, TokenCommand};
use server::trash_cli::{self, TrashCommand};
use server::{demo, housekeeping, leptos_options, open_state, seed, serve, DataArgs, DataConfig};
use tracing_subscriber::EnvFilter;

use server::cli_values::{parse_interval, parse_public_url, parse_size};

/// Trove: a self-hosted asset library.
#[derive(Debug, Parser)]
#[command(name = "trove", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the web app (the default).
    Serve(ServeArgs),
    /// Add synthetic assets to a space (created if missing), for benchmarks.
    Seed(SeedArgs),
    /// Remove assets whose time in Trash is over (rows, then files) and
    /// files left behind by a crash, once; prints what it removed. The
    /// server does the same at start-up and every --purge-interval.
    Purge(DataArgs),
    /// Manage people.
    #[command(subcommand)]
    User(UserCommand),
    /// Look through a space's Trash and put things back.
    #[command(subcommand)]
    Trash(TrashCommand),
    /// Make, list and revoke API tokens (`Authorization: Bearer …`).
    #[command(subcommand)]
    Token(TokenCommand),
    /// A space's settings: retention (days in Trash) and quota.
    #[command(subcommand)]
    Space(SpaceCommand),
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create a user (or reset their password) and give them a role in a space.
    ///
    /// The password is read from standard input when it is not a terminal
    /// (`echo secret | trove user add ...`), otherwise asked for twice.
    Add(UserAddArgs),
}

#[derive(Debug, Clone, Args)]
struct UserAddArgs {
    /// Email address, used to sign in.
    #[arg(long)]
    email: String,
    /// Display name; defaults to the part of the email before the @.
    #[arg(long)]
    name: Option<String>,
    /// Name or slug of the space (created if missing).
    #[arg(long)]
    space: String,
    /// owner, admin, asset-manager or viewer.
    #[arg(long)]
    role: String,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Debug, Clone, Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "TROVE_ADDR", default_value = "127.0.0.1:3000")]
    addr: SocketAddr,
    /// Once listening, write the address bound (http://host:port) to this
    /// file: with --addr 127.0.0.1:0 the system picks a free port.
    #[arg(long, env = "TROVE_ADDR_FILE")]
    addr_file: Option<PathBuf>,
    /// Seed the demo spaces and accounts (password `trove-demo`, published
    /// in the README) into an empty database. Never on a server that
    /// others can reach.
    #[arg(long)]
    demo: bool,
    /// The URL people use to reach Trove, e.g. https://trove.example.com;
    /// requests for any other host name are refused, and changes must come
    /// from pages of this origin. Defaults to http://<addr> (plus localhost
    /// on a loopback address).
    #[arg(long, env = "TROVE_PUBLIC_URL", value_parser = parse_public_url)]
    public_url: Option<PublicOrigin>,
    /// The address of a reverse proxy in front of Trove (repeat, or comma-
    /// separate, for several): its X-Forwarded-For names the client, so the
    /// sign-in throttle counts people, not the proxy.
    #[arg(long, env = "TROVE_TRUSTED_PROXIES", value_delimiter = ',')]
    trusted_proxy: Vec<std::net::IpAddr>,
    /// The longest a request may take before it is answered 503, e.g. 30s.
    #[arg(long, env = "TROVE_REQUEST_TIMEOUT", default_value = "30s", value_parser = parse_interval)]
    request_timeout: Duration,
    /// How long a client may stop sending an upload, or stop reading a
    /// download, before it is cut off, e.g. 30s.
    #[arg(long, env = "TROVE_STALL_TIMEOUT", default_value = "30s", value_parser = parse_interval)]
    stall_timeout: Duration,
    /// Requests in progress at most; beyond it the answer is 503 at once.
    #[arg(long, env = "TROVE_MAX_REQUESTS", default_value_t = 256)]
    max_requests: usize,
    /// Open connections at most; beyond it new ones are closed at once.
    #[arg(long, env = "TROVE_MAX_CONNECTIONS", default_value_t = 1024)]
    max_connections: usize,
    /// Mark the session cookie Secure (when Trove is served over HTTPS).
    #[arg(long, env = "TROVE_SECURE_COOKIES")]
    secure_cookies: bool,
    /// How often the purge job runs (it also runs at start-up), e.g. 10m, 1h.
    #[arg(long, env = "TROVE_PURGE_INTERVAL", default_value = "10m", value_parser = parse_interval)]
    purge_interval: Duration,
    /// The largest file one upload may carry, e.g. 100MB, 2GB, 512KB.
    #[arg(long, env = "TROVE_MAX_UPLOAD_SIZE", default_value = "100MB", value_parser = parse_size)]
    max_upload_size: u64,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Debug, Clone, Args)]
struct SeedArgs {
    /// Name of the space to fill.
    #[arg(long)]
    space: String,
    /// How many assets to add.
    #[arg(long)]
    assets: usize,
    /// Spread them over this many new folders (a tenth at the top level,
    /// the rest inside those); without it, all at the top level.
    #[arg(long, default_value_t = 0)]
    folders: usize,
    #[command(flatten)]
    data: DataArgs,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .init();
    let cli = Cli::parse();
    match cli.command {
        None => run_server(cli.serve).await,
        Some(Command::Serve(args)) => run_server(args).await,
        Some(Command::Seed(args)) => run_seed(args).await,
        Some(Command::Purge(args)) => run_purge(args).await,
        Some(Command::User(UserCommand::Add(args))) => run_user_add(args).await,
        Some(Command::Trash(command)) => trash_cli::run(command).await,
        Some(Command::Token(command)) => token_cli::run(command).await,
        Some(Command::Space(command)) => space_cli::run(command).await,
    }
}

async fn run_server(args: ServeArgs) -> anyhow::Result<()> {
    let clock = args.data.clock()?;
    let config = DataConfig {
        refresh_statistics: true,
        ..args.data.config()
    };
    let mut state = open_state(&config, clock, leptos_options(args.addr)?).await?;
    state.trusted_proxies = args
        .trusted_proxy
        .iter()
        .map(|ip| ip.to_canonical())
        .collect();
    state.max_upload_bytes = args.max_upload_size;
    state.request_limits.timeout = args.request_timeout;
    state.request_limits.body_idle = args.stall_timeout;
    state.request_limits.max_in_flight = args.max_requests.max(1);
    // Served over HTTPS (a public URL that says so), the cookie is Secure.
    state.secure_cookies = args.secure_cookies
        || args
            .public_url
            .as_ref()
            .is_some_and(|site| site.origin().starts_with("https://"));
    match args.public_url {
        Some(site) => state.public_origin = site,
        None if args.addr.ip().is_unspecified() => tracing::warn!(
            "listening on {} without --public-url: only requests that name the server by an \
             address (not a host name) are answered; set --public-url to the URL people use",
            args.addr
        ),
        None => {}
    }
    if args.demo {
        if demo::seed_if_empty(&state)
            .await
            .context("seeding demo data")?
        {
            tracing::warn!(
                "demo data seeded: owner@, manager@, viewer@example.com with the published \
                 password trove-demo; do not expose this server"
            );
        }
    } else if !app::auth::data::any_user(&state.pool).await? {
        tracing::warn!(
            "no one can sign in yet: create the first Owner with \
             `trove user add --email you@example.com --space \"My space\" --role owner`"
        );
    }
    let connections = server::listen::ConnectionLimits {
        max_connections: args.max_connections.max(1),
        write_stall: args.stall_timeout,
        ..Default::default()
    };
    serve(
        state,
        args.addr,
        args.addr_file.as_deref(),
        args.purge_interval,
        connections,
    )
    .await
}

async fn run_purge(args: DataArgs) -> anyhow::Result<()> {
    let state = args.open_for_command().await?;
    let report = housekeeping(&state)
        .await
        .map_err(|e| anyhow::anyhow!("purge failed: {e}"))?;
    println!(
        "purged {} expired {} ({} files removed); swept {} orphan {}",
        report.assets,
        if report.assets == 1 {
            "asset"
        } else {
            "assets"
        },
        report.files,
        report.orphans,
        if report.orphans == 1 { "file" } else { "files" },
    );
    if report.folders > 0 {
        let folders = app::assets::folders::model::mix_count(report.folders, 0);
        println!("purged {folders} (expired folders, after their assets)");
    }
    Ok(())
}

async fn run_seed(args: SeedArgs) -> anyhow::Result<()> {
    let state = args.data.open_for_command().await?;
    let started = Instant::now();
    let (space, now) = (&args.space, state.clock.now());
    let report = seed::seed_space(&state.pool, space, args.assets, args.folders, now).await?;
    println!(
        "seeded {} assets into space {:?} (id {}) in {:.2?}",
        report.inserted,
        args.space,
        report.space_id,
        started.elapsed()
    );
    if report.folders > 0 {
        println!("spread over {} new folders", report.folders);
    }
    Ok(())
}

async fn run_user_add(args: UserAddArgs) -> anyhow::Result<()> {
    use std::io::{IsTerminal, Read};

    let role = Role::parse(&args.role).with_context(|| {
        format!(
            "unknown role {:?}: use owner, admin, asset-manager or viewer",
            args.role
        )
    })?;
    let email = args.email.trim().to_owned();
    anyhow::ensure!(
        email.contains('@') && email.len() <= 254,
        "{email:?} is not an email address"
    );
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let second = rpassword::prompt_password("Repeat password: ")?;
        anyhow::ensure!(first == second, "the passwords do not match");
        first
    } else {
        let mut input = String::new();
        std::io::stdin().read_to_string(&mut input)?;
        input.trim_end_matches(['\r', '\n']).to_owned()
    };
    anyhow::ensure!(
        password.chars().count() >= 8,
        "the password needs at least 8 characters"
    );

    let state = args.data.open_for_command().await?;
    let hash = app::auth::password::hash_off_runtime(password).await?;
    let now = state.clock.now();
    let slug = app::spaces::data::slugify(&args.space);
    anyhow::ensure!(
        !slug.is_empty(),
        "the space name needs at least one letter or digit"
    );
    let name = args
        .name
        .unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_owned());
    let mut tx = state.pool.begin().await?;
    let user = app::auth::data::upsert_user(&mut *tx, &email, &name, &hash, now).await?;
    let space = app::spaces::data::ensure(&mut *tx, &slug, args.space.trim(), now).await?;
    app::auth::data::set_membership(&mut *tx, space.id, user, role).await?;
    tx.commit().await?;
    println!(
        "{email} is {} of {} (/spaces/{})",
        role.label(),
        space.name,
        space.slug
    );
    Ok(())
}
