//! A real `trove` process on a temporary data directory: the harness for
//! the tests that kill it, restart it and load it.
//!
//! Everything goes through the binary as an operator would use it: `trove
//! user add` and `trove seed` to prepare the data, `trove serve` (no demo
//! data) to serve it, `trove purge` to finish a purge. The process is
//! killed with SIGKILL, never asked to stop: a crash, an OOM kill or a
//! power cut give no warning either. Dropping the harness kills the process,
//! so a failed assertion leaves nothing running.

use std::fs::OpenOptions;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::SqlitePool;
use tokio::sync::{Mutex, MutexGuard};

use crate::client::{self, encode, Client, Response};

/// The password of every account the suite creates.
pub const PASSWORD: &str = "fault-suite-password";
/// The space every test works in.
pub const SPACE: &str = "faults";
pub const OWNER: &str = "owner@faults.test";
pub const VIEWER: &str = "viewer@faults.test";

/// A debug build on a busy 2-core machine can take a while to start.
const START_TIMEOUT: Duration = Duration::from_secs(90);

static ONE_AT_A_TIME: Mutex<()> = Mutex::const_new(());

/// Held for the whole of a process test, so that tests which time kills or
/// measure load do not share the machine with each other.
pub async fn exclusive() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().await
}

/// One Trove installation: a data directory, and at most one `trove serve`
/// running on it.
pub struct Trove {
    root: tempfile::TempDir,
    /// The data directory: under `root`, or another installation's.
    data: PathBuf,
    /// `DATABASE_URL` for every command and server (the embedded SQLite
    /// file of `data` when `None`).
    database_url: Option<String>,
    child: Option<Child>,
    port: u16,
}

impl Trove {
    pub fn new() -> Self {
        let root = tempfile::tempdir().unwrap();
        let data = root.path().join("data");
        Self::at(root, data)
    }

    /// An installation on a fresh PostgreSQL database when
    /// `TROVE_TEST_DATABASE_URL` names a server (`make test-scale`), else
    /// on its own SQLite file, as [`Trove::new`].
    pub async fn on_test_database() -> Self {
        let mut trove = Self::new();
        if std::env::var("TROVE_TEST_DATABASE_URL").is_ok() {
            trove.database_url = Some(app::platform::db::test_database_url(&trove.root).await);
        }
        trove
    }

    /// A second server on `other`'s data (its database and files, or the
    /// bucket of `TROVE_STORAGE`): two servers behind one load balancer.
    /// `other` must outlive it.
    pub fn beside(other: &Trove) -> Self {
        let mut trove = Self::at(tempfile::tempdir().unwrap(), other.data_dir());
        trove.database_url = other.database_url.clone();
        trove
    }

    fn at(root: tempfile::TempDir, data: PathBuf) -> Self {
        // The Leptos site root: nothing is served from it, but it must exist.
        std::fs::create_dir_all(root.path().join("site").join("pkg")).unwrap();
        Self {
            root,
            data,
            database_url: None,
            child: None,
            port: 0,
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.data.clone()
    }

    pub fn files_dir(&self) -> PathBuf {
        self.data_dir().join("files")
    }

    /// Where the original of `key` is stored (`files/originals/<2>/<key>`).
    pub fn original_path(&self, key: &str) -> PathBuf {
        let prefix = key.get(..2).unwrap_or("__");
        self.files_dir().join("originals").join(prefix).join(key)
    }

    fn log_path(&self) -> PathBuf {
        self.root.path().join("trove.log")
    }

    /// The end of the server's log, for failure messages.
    pub fn log_tail(&self) -> String {
        let log = std::fs::read(self.log_path()).unwrap_or_default();
        let log = String::from_utf8_lossy(&log);
        let start = log.len().saturating_sub(6_000);
        let start = (start..log.len())
            .find(|i| log.is_char_boundary(*i))
            .unwrap_or(log.len());
        log[start..].to_owned()
    }

    /// The `trove` binary with this installation's environment, and none of
    /// the caller's Trove settings but `TROVE_STORAGE` and the `AWS_*` ones
    /// (`make test-scale` runs the two-server tests on a bucket).
    fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_trove"));
        for inherited in [
            "TROVE_ADDR",
            "TROVE_PUBLIC_URL",
            "TROVE_CLOCK_OFFSET",
            "TROVE_PURGE_INTERVAL",
            "TROVE_SECURE_COOKIES",
            "DATABASE_URL",
        ] {
            command.env_remove(inherited);
        }
        if let Some(url) = &self.database_url {
            command.env("DATABASE_URL", url);
        }
        command
            .env("TROVE_DATA_DIR", self.data_dir())
            // What cargo-leptos would set: lets the server start without it.
            .env("LEPTOS_OUTPUT_NAME", "trove")
            .env("LEPTOS_SITE_ROOT", self.root.path().join("site"))
            .env("LEPTOS_SITE_PKG_DIR", "pkg")
            .env("RUST_LOG", "warn");
        command
    }

    /// Runs an admin command to completion (`user add`, `seed`, `purge`),
    /// with `input` on its standard input; returns what it printed.
    pub async fn run(&self, args: &[&str], env: &[(&str, &str)], input: Option<&str>) -> String {
        let output = self.try_run(args, env, input).await;
        assert!(
            output.status.success(),
            "trove {args:?} failed ({}):\n{}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Runs an admin command to completion, whether it succeeds or not.
    pub async fn try_run(
        &self,
        args: &[&str],
        env: &[(&str, &str)],
        input: Option<&str>,
    ) -> std::process::Output {
        let mut command = self.command();
        command
            .args(args)
            .arg("--data-dir")
            .arg(self.data_dir())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (name, value) in env {
            command.env(name, value);
        }
        let input = input.map(str::to_owned);
        tokio::task::spawn_blocking(move || {
            let mut child = command.spawn()?;
            if let Some(mut stdin) = child.stdin.take() {
                if let Some(input) = input {
                    stdin.write_all(input.as_bytes())?;
                }
                // Dropped here: end of input.
            }
            child.wait_with_output()
        })
        .await
        .unwrap()
        .unwrap()
    }

    /// `trove user add`, with the password on standard input.
    pub async fn add_user(&self, email: &str, space: &str, role: &str) {
        self.run(
            &[
                "user", "add", "--email", email, "--space", space, "--role", role,
            ],
            &[],
            Some(&format!("{PASSWORD}\n")),
        )
        .await;
    }

    /// `trove seed`: `count` synthetic assets (rows only, no files).
    pub async fn seed(&self, space: &str, count: usize) {
        self.run(
            &["seed", "--space", space, "--assets", &count.to_string()],
            &[],
            None,
        )
        .await;
    }

    /// Starts `trove serve` and waits until `/healthz` answers 200.
    pub async fn start(&mut self, env: &[(&str, &str)]) {
        self.spawn(env);
        self.wait_healthy().await;
    }

    /// Starts `trove serve` on a fresh port without waiting for it (to kill
    /// it during start-up). The public URL is `http://127.0.0.1:PORT`.
    pub fn spawn(&mut self, env: &[(&str, &str)]) {
        assert!(self.child.is_none(), "trove is already running");
        self.port = free_port();
        let addr = format!("127.0.0.1:{}", self.port);
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_path())
            .unwrap();
        let mut command = self.command();
        command
            .arg("serve")
            .env("TROVE_ADDR", &addr)
            .env("TROVE_PUBLIC_URL", format!("http://{addr}"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log);
        for (name, value) in env {
            command.env(name, value);
        }
        self.child = Some(command.spawn().unwrap());
    }

    pub async fn wait_healthy(&mut self) {
        let started = Instant::now();
        loop {
            if let Some(status) = self
                .child
                .as_mut()
                .and_then(|child| child.try_wait().ok().flatten())
            {
                panic!(
                    "trove exited during start-up ({status}):\n{}",
                    self.log_tail()
                );
            }
            let health = self.client().send("GET", "/healthz", None, b"").await;
            if health.is_ok_and(|response| response.status == 200) {
                return;
            }
            assert!(
                started.elapsed() < START_TIMEOUT,
                "trove did not answer /healthz within {START_TIMEOUT:?}:\n{}",
                self.log_tail()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGKILL, then reap: no graceful shutdown, nothing flushed.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Writes one request and kills the server `delay` after its last byte
    /// went out. Returns the answer if it was complete before the kill.
    pub async fn send_then_kill(&mut self, request: &[u8], delay: Duration) -> Option<Response> {
        let stream = client::connect(&self.client().authority).await.unwrap();
        client::write_all(&stream, request).await.unwrap();
        tokio::time::sleep(delay).await;
        self.kill();
        let raw = client::read_to_end(&stream).await.ok()?;
        client::parse_response(&raw).ok()
    }

    /// A signed-out client of the running server.
    pub fn client(&self) -> Client {
        Client::new(self.port)
    }

    /// Signs `email` in (password [`PASSWORD`]) and returns their client.
    /// A 503 (every core busy checking passwords) is retried.
    pub async fn sign_in(&self, email: &str) -> Client {
        let mut client = self.client();
        let form = format!("email={}&password={}", encode(email), encode(PASSWORD));
        for _ in 0..30 {
            let response = client.post_form("/api/sign_in", &form).await;
            if response.status == 503 {
                tokio::time::sleep(Duration::from_millis(200)).await;
                continue;
            }
            assert!(
                (200..400).contains(&response.status),
                "sign-in of {email}: {} {}",
                response.status,
                response.text()
            );
            client.cookie = Some(
                response
                    .session_cookie()
                    .unwrap_or_else(|| panic!("sign-in of {email} set no session cookie")),
            );
            return client;
        }
        panic!("sign-in of {email}: still busy after 30 tries");
    }

    /// The installation's database through the app's own pool (SQLite or
    /// PostgreSQL), for reading what servers did while they run.
    pub async fn database(&self) -> sqlx::AnyPool {
        let url = self
            .database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir().join("trove.db").display()));
        app::platform::db::connect(&url).await.unwrap()
    }

    /// The server's database, for reading what it did (while it runs or
    /// after it was killed). Opened read-write only because after a kill
    /// SQLite must recover the WAL, which a read-only connection cannot do
    /// (SQLITE_READONLY_RECOVERY); the tests only ever read through it.
    pub async fn open_db(&self) -> SqlitePool {
        let options = SqliteConnectOptions::new()
            .filename(self.data_dir().join("trove.db"))
            .busy_timeout(Duration::from_secs(30));
        SqlitePoolOptions::new()
            .max_connections(2)
            .connect_with(options)
            .await
            .unwrap()
    }
}

impl Drop for Trove {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A port nobody listens on right now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Sets the modification time of every file under `dir` to `age` ago: what
/// the orphan sweep would see after that much time has passed.
pub fn backdate(dir: &Path, age: Duration) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let then = SystemTime::now() - age;
    for entry in entries {
        let entry = entry.unwrap();
        let path = entry.path();
        if entry.file_type().unwrap().is_dir() {
            backdate(&path, age);
        } else {
            let file = OpenOptions::new().write(true).open(&path).unwrap();
            file.set_modified(then).unwrap();
        }
    }
}
