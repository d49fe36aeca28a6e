//! Opening Trove's data: the database (migrated, and its schema complete
//! before the serving pool opens) and the file store, as the app's state;
//! and the flags every command names them with ([`DataArgs`]).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use app::platform::clock::{parse_offset, Clock};
use app::platform::cpu_gate::CpuGate;
use app::platform::db::SessionRows;
use app::platform::rate_limit::SignInLimiter;
use app::platform::recent::Recent;
use app::platform::site::PublicOrigin;
use app::platform::state::AppState;
use app::platform::storage::Storage;
use leptos::config::LeptosOptions;

use crate::{RECENT_ACCESS_CAPACITY, RECENT_USERS_CAPACITY};

// Where the data lives, as every command's flags say it. (No doc comment:
// clap reads one on an `Args` struct as the help text of its command.)
#[derive(Debug, Clone, clap::Args)]
pub struct DataArgs {
    /// Directory for the database and the files.
    #[arg(long, env = "TROVE_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// The database: sqlite://… (defaults to <data dir>/trove.db) or
    /// postgres://user:password@host/db.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// Where the files live: s3://bucket/prefix for an S3-compatible store
    /// (with the usual AWS_* settings; AWS_ENDPOINT_URL for a store other
    /// than Amazon's); defaults to <data dir>/files.
    #[arg(long, env = "TROVE_STORAGE")]
    pub storage: Option<String>,
    /// Shift the clock, e.g. 15d, -3h, 90m (demos and end-to-end tests only).
    #[arg(long, env = "TROVE_CLOCK_OFFSET")]
    pub clock_offset: Option<String>,
}

impl DataArgs {
    /// Where the data is, for [`open_state`].
    pub fn config(&self) -> DataConfig {
        DataConfig {
            data_dir: self.data_dir.clone(),
            database_url: self.database_url.clone(),
            storage_url: self.storage.clone(),
            refresh_statistics: false,
        }
    }

    /// The database (migrated) and files, for a command that serves nothing.
    pub async fn open_for_command(&self) -> anyhow::Result<app::platform::state::AppState> {
        let options = leptos::config::LeptosOptions::builder()
            .output_name("trove")
            .build();
        open_state(&self.config(), self.clock()?, options).await
    }

    /// The clock, shifted by `--clock-offset` if given (with a warning).
    pub fn clock(&self) -> anyhow::Result<Clock> {
        match self
            .clock_offset
            .as_deref()
            .filter(|s| !s.trim().is_empty())
        {
            None => Ok(Clock::system()),
            Some(text) => {
                let offset = parse_offset(text)?;
                tracing::warn!(
                    offset = text,
                    "TROVE_CLOCK_OFFSET is set: the clock is shifted"
                );
                Ok(Clock::with_offset(offset))
            }
        }
    }
}

/// Where the data lives: the database and the files.
#[derive(Debug, Clone)]
pub struct DataConfig {
    pub data_dir: PathBuf,
    /// Defaults to `sqlite://<data dir>/trove.db?mode=rwc`.
    pub database_url: Option<String>,
    /// `s3://bucket/prefix` for an S3-compatible store; defaults to
    /// `<data dir>/files` on the local disk.
    pub storage_url: Option<String>,
    /// Refresh the planner's statistics on opening (`trove serve`; not the
    /// commands, which may run beside a server).
    pub refresh_statistics: bool,
}

impl DataConfig {
    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("trove.db").display()
            )
        })
    }

    pub fn files_dir(&self) -> PathBuf {
        self.data_dir.join("files")
    }

    /// The file store: the bucket of `storage_url`, or the local directory.
    pub fn storage(&self) -> anyhow::Result<Storage> {
        match &self.storage_url {
            Some(url) => Storage::s3(url).context("opening the S3 file store"),
            None => Storage::local(self.files_dir()).context("opening the file store"),
        }
    }
}

/// A database URL fit for a log: its password, if any, left out.
pub fn without_password(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(_) => url.to_owned(),
        Err(_) => "(a database URL that does not parse)".to_owned(),
    }
}

/// Opens (and migrates) the database and the file store.
pub async fn open_state(
    data: &DataConfig,
    clock: Clock,
    leptos_options: LeptosOptions,
) -> anyhow::Result<AppState> {
    std::fs::create_dir_all(&data.data_dir)
        .with_context(|| format!("creating data dir {}", data.data_dir.display()))?;
    let url = data.database_url();
    // Every change to the schema (the migrations, the session table, fresh
    // planner statistics when serving) is made before the pool that serves
    // opens: on SQLite 3.46 a connection that had the schema from before a
    // change could fail inserts of assets, whose triggers write the FTS5
    // name index, with "no such table: assets".
    let setup = app::platform::db::connect(&url)
        .await
        .with_context(|| format!("opening database {}", without_password(&url)))?;
    let sessions = SessionRows::open(&url)
        .await
        .context("opening the session table")?;
    if data.refresh_statistics {
        app::platform::db::refresh_statistics(&setup)
            .await
            .context("refreshing planner statistics")?;
    }
    setup.close().await;
    let pool = app::platform::db::connect(&url)
        .await
        .with_context(|| format!("opening database {}", without_password(&url)))?;
    let public_origin = PublicOrigin::for_addr(leptos_options.site_addr);
    Ok(AppState {
        leptos_options,
        pool,
        sessions,
        storage: Arc::new(data.storage()?),
        clock,
        sign_in_limiter: SignInLimiter::default(),
        // A sign-in waits at most a few seconds for its turn, then is
        // told to retry (503) rather than queueing without end.
        password_gate: CpuGate::per_core(Duration::from_secs(5)),
        public_origin,
        trusted_proxies: Vec::new(),
        secure_cookies: false,
        max_upload_bytes: app::platform::state::DEFAULT_MAX_UPLOAD_BYTES,
        request_limits: app::platform::state::RequestLimits::default(),
        recent_access: Recent::new(RECENT_ACCESS_CAPACITY),
        recent_session_generations: Recent::new(RECENT_USERS_CAPACITY),
    })
}

#[cfg(test)]
mod tests {
    use super::without_password;

    #[test]
    fn database_passwords_stay_out_of_messages() {
        assert_eq!(
            without_password("postgres://trove:s3cret@db.internal:5432/trove"),
            "postgres://trove:***@db.internal:5432/trove"
        );
        assert_eq!(
            without_password("sqlite:///data/trove.db?mode=rwc"),
            "sqlite:///data/trove.db?mode=rwc"
        );
        assert!(!without_password("postgres://u:p@[bad").contains(":p@"));
    }
}
