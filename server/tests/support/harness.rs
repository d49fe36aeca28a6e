//! The router-test harness: the real axum router with a fresh SQLite
//! database and file store per test, driven with `oneshot` requests.
//! Shared by the test binaries that include it with `#[path]`; each uses
//! only part of it.
#![allow(dead_code)]

use std::sync::{Mutex, OnceLock};

use app::assets::data::{insert, NewAsset};
use app::auth::data::{set_membership, upsert_user};
use app::auth::model::Role;
use app::auth::password;
use app::domain::ids::{SpaceId, UserId};
use app::domain::time::Timestamp;
use app::platform::clock::Clock;
use app::platform::rate_limit::SignInLimiter;
use app::platform::site::PublicOrigin;
use app::platform::state::AppState;
use app::platform::storage::Storage;
use app::spaces::data::ensure;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt as _;
use leptos::config::LeptosOptions;
use serde_json::Value;
use server::{open_state, router, DataConfig};
use tower::ServiceExt as _;

/// Leptos options for tests: no compiled site needed.
pub fn test_leptos_options(site_root: &std::path::Path) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("trove")
        .site_root(site_root.display().to_string())
        .site_pkg_dir("pkg")
        .build()
}

pub const PASSWORD: &str = "correct horse battery";
pub const OWNER: &str = "owner@test.example";

pub struct TestApp {
    pub state: AppState,
    pub router: Router,
    /// The session cookie sent with every request, once signed in.
    pub cookie: Mutex<Option<String>>,
    pub _dir: tempfile::TempDir,
}

impl TestApp {
    /// A fresh app with no practical limit on failed sign-ins (the matrix
    /// sends a wrong password many times).
    pub async fn new() -> Self {
        let mut app = Self::with_default_limits().await;
        app.state.sign_in_limiter = SignInLimiter::unlimited();
        app.router = router(app.state.clone());
        app
    }

    pub async fn with_default_limits() -> Self {
        let dir = tempfile::tempdir().unwrap();
        // The embedded default, or with `TROVE_TEST_DATABASE_URL` a fresh
        // PostgreSQL database (`make test-scale`).
        let database_url = match std::env::var("TROVE_TEST_DATABASE_URL") {
            Ok(_) => Some(app::platform::db::test_database_url(&dir).await),
            Err(_) => None,
        };
        let data = DataConfig {
            data_dir: dir.path().to_owned(),
            database_url,
            storage_url: None,
            refresh_statistics: false,
        };
        let mut state = open_state(&data, Clock::system(), test_leptos_options(dir.path()))
            .await
            .unwrap();
        state.public_origin = PublicOrigin::parse("http://trove.test").unwrap();
        Self {
            router: router(state.clone()),
            state,
            cookie: Mutex::new(None),
            _dir: dir,
        }
    }

    /// Stops the app's clock at `at` (the router is rebuilt around it),
    /// so a test can cross the 14-day edge without waiting.
    pub fn freeze_clock(&mut self, at: Timestamp) {
        self.state.clock = Clock::frozen(at);
        self.router = router(self.state.clone());
    }

    pub async fn get(&self, uri: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        self.send(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    /// A page load, as a browser asks for it.
    pub async fn get_page(&self, uri: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let request = Request::get(uri)
            .header(header::ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8")
            .body(Body::empty())
            .unwrap();
        self.send(request).await
    }

    /// A form POST from this site's own pages.
    pub async fn post_form(
        &self,
        uri: &str,
        body: &str,
    ) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let request = Request::post(uri)
            .header(header::HOST, "trove.test")
            .header(header::ORIGIN, "http://trove.test")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_owned()))
            .unwrap();
        self.send(request).await
    }

    /// A JSON POST from this site's own pages.
    pub async fn post_json(
        &self,
        uri: &str,
        body: &Value,
    ) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let request = Request::post(uri)
            .header(header::HOST, "trove.test")
            .header(header::ORIGIN, "http://trove.test")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        self.send(request).await
    }

    /// A JSON PUT from this site's own pages.
    pub async fn put_json(
        &self,
        uri: &str,
        body: &Value,
    ) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let request = Request::put(uri)
            .header(header::HOST, "trove.test")
            .header(header::ORIGIN, "http://trove.test")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        self.send(request).await
    }

    /// Uploads one file as the browser does (multipart field `file`).
    pub async fn upload(&self, space: &str, name: &str, bytes: &[u8]) -> (StatusCode, Value) {
        let (content_type, body) = multipart_file(name, bytes);
        let request = Request::post(format!("/api/upload?space={space}"))
            .header(header::HOST, "trove.test")
            .header(header::ORIGIN, "http://trove.test")
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap();
        let (status, _, body) = self.send(request).await;
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    /// Uploads one file as the uploader does: the body is the file, its
    /// name in the query, its type whatever the browser guessed.
    pub async fn upload_body(&self, space: &str, name: &str, bytes: &[u8]) -> (StatusCode, Value) {
        let request = Request::post(format!("/api/upload?space={space}&name={}", encode(name)))
            .header(header::ORIGIN, "http://trove.test")
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .body(Body::from(bytes.to_vec()))
            .unwrap();
        let (status, _, body) = self.send(request).await;
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    /// Staging files of unfinished uploads in the store, once the removal
    /// of a dropped upload's file (on the blocking pool) has had a moment.
    pub async fn temp_files(&self) -> usize {
        for _ in 0..100 {
            if self.staging_files() == 0 {
                return 0;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        self.staging_files()
    }

    pub fn staging_files(&self) -> usize {
        count_files(&self._dir.path().join("files"), |name| name.contains('#'))
    }

    pub async fn space_id(&self, slug: &str) -> SpaceId {
        ensure(&self.state.pool, slug, slug, Timestamp::EPOCH)
            .await
            .unwrap()
            .id
    }

    /// Sends a request as a browser on this site would: with `Host:
    /// trove.test` unless the request names a host itself.
    pub async fn send(
        &self,
        mut request: Request<Body>,
    ) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        if request.uri().authority().is_none() && !request.headers().contains_key(header::HOST) {
            request
                .headers_mut()
                .insert(header::HOST, "trove.test".parse().unwrap());
        }
        if let Some(cookie) = self.cookie.lock().unwrap().clone() {
            request
                .headers_mut()
                .insert(header::COOKIE, cookie.parse().unwrap());
        }
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        (status, headers, body)
    }

    pub async fn get_json(&self, uri: &str) -> (StatusCode, Value) {
        let (status, headers, body) = self.get(uri).await;
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        assert!(
            content_type.contains("json"),
            "{uri}: content type {content_type:?}"
        );
        (status, serde_json::from_slice(&body).unwrap())
    }

    /// Creates (or updates) a user with `PASSWORD` and gives them `role` in `space`.
    pub async fn member(&self, email: &str, space: &str, role: Role) {
        // One hash for every call: a new one (a new salt) would be a new
        // password, which ends the user's sessions.
        static HASH: OnceLock<password::PasswordHash> = OnceLock::new();
        let hash = HASH.get_or_init(|| password::hash(PASSWORD).unwrap());
        let user = upsert_user(&self.state.pool, email, email, hash, Timestamp::EPOCH)
            .await
            .unwrap();
        let space = ensure(&self.state.pool, space, space, Timestamp::EPOCH)
            .await
            .unwrap();
        set_membership(&self.state.pool, space.id, user, role)
            .await
            .unwrap();
        // Written behind the server's back, as the CLI does: forget the
        // roles it remembers instead of waiting `recent::FRESH_FOR`.
        self.state.recent_access.invalidate_all();
    }

    /// Signs in through the API and keeps the session cookie; returns the status.
    pub async fn sign_in(&self, email: &str, password: &str) -> StatusCode {
        *self.cookie.lock().unwrap() = None;
        let body = format!("email={}&password={}", encode(email), encode(password));
        let (status, headers, _) = self.post_form("/api/sign_in", &body).await;
        if let Some(cookie) = headers.get(header::SET_COOKIE) {
            let pair = cookie
                .to_str()
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .to_owned();
            *self.cookie.lock().unwrap() = Some(pair);
        }
        status
    }

    /// A space with `count` live PNG assets, the first one with a thumbnail,
    /// of which `OWNER` is the owner and signed in.
    pub async fn space_with_assets(&self, slug: &str, count: usize) -> Vec<i64> {
        let ids = self.space_with_assets_unsigned(slug, count).await;
        self.member(OWNER, slug, Role::Owner).await;
        assert_eq!(self.sign_in(OWNER, PASSWORD).await, StatusCode::OK);
        ids
    }

    /// A space with assets and no members.
    pub async fn space_with_assets_unsigned(&self, slug: &str, count: usize) -> Vec<i64> {
        let space = ensure(&self.state.pool, slug, slug, Timestamp::EPOCH)
            .await
            .unwrap();
        let mut ids = Vec::new();
        for i in 0..count {
            let key = Storage::new_key();
            let has_thumbnail = i == 0;
            if has_thumbnail {
                let png = tiny_png();
                self.state.storage.put_original(&key, &png).await.unwrap();
                self.state.storage.make_thumbnail(&key).await.unwrap();
            }
            let id = new_asset(space.id, format!("asset-{i:03}.png"))
                .mime_type("image/png")
                .size(100 + i as i64)
                .storage_key(key)
                .thumbnail(has_thumbnail)
                .created_at(Timestamp::from_millis(1_000 + i as i64))
                .insert(&self.state.pool)
                .await;
            ids.push(id);
        }
        ids
    }

    pub async fn trash(&self, id: i64) {
        sqlx::query(
            "UPDATE assets SET deleted_at = 1, delete_batch = 'b', expires_at = 2 WHERE id = $1",
        )
        .bind(id)
        .execute(&self.state.pool)
        .await
        .unwrap();
    }
}

/// An asset row to insert, with defaults for everything a test does not
/// care about: `new_asset(space, "a.png").size(10).build()`.
pub fn new_asset(space: SpaceId, name: impl Into<String>) -> AssetBuilder {
    AssetBuilder(NewAsset {
        space,
        name: name.into(),
        mime_type: "application/octet-stream".into(),
        size_bytes: 0,
        width: None,
        height: None,
        storage_key: Storage::new_key(),
        has_thumbnail: false,
        folder: None,
        created_by: None,
        created_at: Timestamp::EPOCH,
        updated_at: Timestamp::EPOCH,
    })
}

/// Builds a `NewAsset` for a test; see `new_asset`.
#[must_use]
pub struct AssetBuilder(NewAsset);

impl AssetBuilder {
    pub fn mime_type(mut self, mime_type: &str) -> Self {
        self.0.mime_type = mime_type.to_owned();
        self
    }

    pub fn size(mut self, size_bytes: i64) -> Self {
        self.0.size_bytes = size_bytes;
        self
    }

    pub fn dimensions(mut self, width: i64, height: i64) -> Self {
        self.0.width = Some(width);
        self.0.height = Some(height);
        self
    }

    /// Whether the row says a thumbnail exists; the file is the test's to put.
    pub fn thumbnail(mut self, has_thumbnail: bool) -> Self {
        self.0.has_thumbnail = has_thumbnail;
        self
    }

    /// Sets both `created_at` and `updated_at`, as a fresh upload has them.
    pub fn created_at(mut self, at: Timestamp) -> Self {
        self.0.created_at = at;
        self.0.updated_at = at;
        self
    }

    pub fn updated_at(mut self, at: Timestamp) -> Self {
        self.0.updated_at = at;
        self
    }

    /// The key of the files in the store (a fresh random one by default).
    pub fn storage_key(mut self, key: impl Into<String>) -> Self {
        self.0.storage_key = key.into();
        self
    }

    pub fn created_by(mut self, user: UserId) -> Self {
        self.0.created_by = Some(user);
        self
    }

    pub fn build(self) -> NewAsset {
        self.0
    }

    /// Inserts the row and returns its id.
    pub async fn insert(self, pool: &sqlx::AnyPool) -> i64 {
        insert(pool, &self.0).await.unwrap().id.0
    }
}

pub fn encode(value: &str) -> String {
    value
        .replace('%', "%25")
        .replace('@', "%40")
        .replace(' ', "+")
        .replace('&', "%26")
}

pub fn tiny_png() -> Vec<u8> {
    let mut bytes = Vec::new();
    image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(8, 8, image::Rgb([1, 2, 3])))
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .unwrap();
    bytes
}

/// A multipart body with one file in the field `file`, as the browser sends
/// an upload, and its content type.
pub fn multipart_file(name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    multipart_file_in("trove-test-boundary-7d1f", name, bytes)
}

/// [`multipart_file`] framed by `boundary` (clients pick a new one for
/// every request, a retry too).
pub fn multipart_file_in(boundary: &str, name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Files below `dir` (recursively) whose names pass `matches`.
pub fn count_files(dir: &std::path::Path, matches: fn(&str) -> bool) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .map(|entry| {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                count_files(&entry.path(), matches)
            } else {
                usize::from(matches(&entry.file_name().to_string_lossy()))
            }
        })
        .sum()
}
