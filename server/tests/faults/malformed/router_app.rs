//! The real router on a fresh database and file store, and the requests
//! the malformed-input cases send through it.

use app::auth::model::Role;
use app::domain::time::Timestamp;
use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Request, StatusCode};
use serde_json::json;

use super::{shorten, HOST, JSON, ORIGIN};
use crate::harness::{count_files, TestApp, OWNER, PASSWORD};
use crate::process::SPACE;

/// One request as it goes out.
#[derive(Debug, Clone)]
pub(super) struct Wire {
    pub(super) method: &'static str,
    pub(super) target: String,
    pub(super) content_type: Option<String>,
    pub(super) range: Option<Vec<u8>>,
    pub(super) body: Vec<u8>,
}

impl Wire {
    pub(super) fn get(target: impl Into<String>) -> Self {
        Self {
            method: "GET",
            target: target.into(),
            content_type: None,
            range: None,
            body: Vec::new(),
        }
    }

    pub(super) fn post(
        target: impl Into<String>,
        content_type: Option<&str>,
        body: impl Into<Vec<u8>>,
    ) -> Self {
        Self {
            method: "POST",
            target: target.into(),
            content_type: content_type.map(str::to_owned),
            range: None,
            body: body.into(),
        }
    }

    /// The same request with another method that carries a body (`PUT`).
    pub(super) fn with_method(mut self, method: &'static str) -> Self {
        self.method = method;
        self
    }

    pub(super) fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// The request with this site's Host (and Origin, for a change), as the
    /// public URL `http://trove.test` requires; the harness adds the cookie.
    fn to_request(&self) -> Request<Body> {
        let mut builder = Request::builder()
            .method(self.method)
            .uri(self.target.as_str())
            .header(header::HOST, HOST);
        if self.method != "GET" {
            builder = builder.header(header::ORIGIN, ORIGIN);
        }
        if let Some(content_type) = &self.content_type {
            builder = builder.header(header::CONTENT_TYPE, content_type.as_str());
        }
        if let Some(range) = &self.range {
            builder = builder.header(header::RANGE, HeaderValue::from_bytes(range).unwrap());
        }
        builder
            .body(Body::from(self.body.clone()))
            .unwrap_or_else(|error| {
                panic!(
                    "cannot build {} {}: {error}",
                    self.method,
                    shorten(&self.target, 100)
                )
            })
    }
}

pub(super) struct Answer {
    pub(super) status: StatusCode,
    pub(super) headers: HeaderMap,
    pub(super) body: Vec<u8>,
}

/// An asset's id, name, `updated_at`, `deleted_at` and batch.
type AssetState = (i64, String, Timestamp, Option<Timestamp>, Option<String>);

/// What must not change: every asset's name, time and Trash state, the
/// audit log, the live counters, and the stored originals.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Snapshot {
    assets: Vec<AssetState>,
    /// Assets' `used_in` and the references behind them.
    references: (Vec<i64>, i64),
    audit_rows: i64,
    live_counters: Vec<i64>,
    originals: usize,
}

/// The real router on a fresh database and file store (the router tests'
/// harness), signed in as the Owner of `SPACE`.
pub(super) struct RouterApp {
    app: TestApp,
}

/// A live asset with its file (for downloads and ranges).
pub(super) struct Fixture {
    pub(super) live_id: i64,
    pub(super) live_bytes: Vec<u8>,
}

impl RouterApp {
    pub(super) async fn with_fixture() -> (Self, Fixture) {
        // Broken sign-ins are part of the suite: `new` does not throttle.
        let app = TestApp::new().await;
        app.member(OWNER, SPACE, Role::Owner).await;
        let mut app = Self { app };
        app.sign_in().await;

        let live_bytes: Vec<u8> = (0..2_000)
            .flat_map(|i| format!("line {i}\n").into_bytes())
            .collect();
        let live_id = app.upload("kept.txt", &live_bytes).await;
        app.upload("also-kept.txt", b"another file\n").await;
        // Something in Trash too, so that a stray restore would show.
        let trashed = app.upload("trashed.txt", b"in the trash\n").await;
        let moved = app
            .send(&Wire::post(
                "/api/move_to_trash",
                Some(JSON),
                json!({ "space": SPACE, "ids": [trashed] }).to_string(),
            ))
            .await;
        assert_eq!(moved.status, StatusCode::OK);
        (
            app,
            Fixture {
                live_id,
                live_bytes,
            },
        )
    }

    async fn upload(&self, name: &str, bytes: &[u8]) -> i64 {
        let (status, asset) = self.app.upload(SPACE, name, bytes).await;
        assert_eq!(status, StatusCode::CREATED, "upload of {name}");
        asset["id"].as_i64().unwrap()
    }

    async fn raw(&self, wire: &Wire) -> Answer {
        let (status, headers, body) = self.app.send(wire.to_request()).await;
        Answer {
            status,
            headers,
            body,
        }
    }

    /// Sends a request and keeps the session going: a new session cookie is
    /// kept, and when the session ends (a sign-out case) or a change went
    /// through, the Owner signs in again, so that no case is refused merely
    /// for being signed out.
    pub(super) async fn send(&mut self, wire: &Wire) -> Answer {
        let answer = self.raw(wire).await;
        let mut ended = wire.method == "POST" && answer.status.is_success();
        for value in answer.headers.get_all(header::SET_COOKIE) {
            let text = value.to_str().unwrap_or_default();
            let pair = text.split(';').next().unwrap_or_default().trim();
            if let Some(id) = pair.strip_prefix("trove_session=") {
                if id.is_empty() || text.to_ascii_lowercase().contains("max-age=0") {
                    ended = true;
                } else {
                    *self.app.cookie.lock().unwrap() = Some(pair.to_owned());
                }
            }
        }
        if ended {
            self.sign_in().await;
        }
        answer
    }

    async fn sign_in(&mut self) {
        let status = self.app.sign_in(OWNER, PASSWORD).await;
        assert!(
            status.is_success() || status.is_redirection(),
            "sign-in: {status}"
        );
        assert!(
            self.app.cookie.lock().unwrap().is_some(),
            "sign-in set no session cookie"
        );
    }

    pub(super) async fn snapshot(&self) -> Snapshot {
        let pool = &self.app.state.pool;
        Snapshot {
            assets: sqlx::query_as(
                "SELECT id, name, updated_at, deleted_at, delete_batch FROM assets ORDER BY id",
            )
            .fetch_all(pool)
            .await
            .unwrap(),
            references: (
                sqlx::query_scalar("SELECT used_in FROM assets ORDER BY id")
                    .fetch_all(pool)
                    .await
                    .unwrap(),
                sqlx::query_scalar("SELECT COUNT(*) FROM asset_references")
                    .fetch_one(pool)
                    .await
                    .unwrap(),
            ),
            audit_rows: sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
                .fetch_one(pool)
                .await
                .unwrap(),
            live_counters: sqlx::query_scalar("SELECT live_assets FROM spaces ORDER BY id")
                .fetch_all(pool)
                .await
                .unwrap(),
            originals: count_files(
                &self.app._dir.path().join("files").join("originals"),
                |_| true,
            ),
        }
    }
}
