//! Router-level tests: the real axum router with a fresh SQLite database and
//! file store per test, driven with `oneshot` requests.
#![allow(clippy::unwrap_used)] // a failed setup step should fail the test loudly

use app::assets::data::{insert, NewAsset};
use app::clock::Clock;
use app::spaces::data::ensure;
use app::state::AppState;
use app::storage::Storage;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt as _;
use serde_json::Value;
use server::{open_state, router, test_leptos_options, DataConfig};
use tower::ServiceExt as _;

struct TestApp {
    state: AppState,
    router: Router,
    _dir: tempfile::TempDir,
}

impl TestApp {
    async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let data = DataConfig {
            data_dir: dir.path().to_owned(),
            database_url: None,
        };
        let state = open_state(&data, Clock::system(), test_leptos_options(dir.path()))
            .await
            .unwrap();
        Self {
            router: router(state.clone()),
            state,
            _dir: dir,
        }
    }

    async fn get(&self, uri: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        self.send(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    /// A page load, as a browser asks for it.
    async fn get_page(&self, uri: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let request = Request::get(uri)
            .header(header::ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8")
            .body(Body::empty())
            .unwrap();
        self.send(request).await
    }

    async fn send(&self, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
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

    async fn get_json(&self, uri: &str) -> (StatusCode, Value) {
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

    /// A space with `count` live PNG assets, the first one with a thumbnail.
    async fn space_with_assets(&self, slug: &str, count: usize) -> Vec<i64> {
        let space = ensure(&self.state.pool, slug, slug, 0).await.unwrap();
        let mut ids = Vec::new();
        for i in 0..count {
            let key = Storage::new_key();
            let has_thumbnail = i == 0;
            if has_thumbnail {
                let png = tiny_png();
                self.state.storage.put_original(&key, &png).await.unwrap();
                self.state.storage.make_thumbnail(&key).await.unwrap();
            }
            let asset = NewAsset {
                space: space.id,
                name: format!("asset-{i:03}.png"),
                mime_type: "image/png".into(),
                size_bytes: 100 + i as i64,
                width: None,
                height: None,
                storage_key: key,
                has_thumbnail,
                created_by: None,
                created_at: 1_000 + i as i64,
                updated_at: 1_000 + i as i64,
            };
            ids.push(insert(&self.state.pool, &asset).await.unwrap().0);
        }
        ids
    }

    async fn trash(&self, id: i64) {
        sqlx::query("UPDATE assets SET deleted_at = 1, delete_batch = 'b' WHERE id = ?")
            .bind(id)
            .execute(&self.state.pool)
            .await
            .unwrap();
    }
}

fn tiny_png() -> Vec<u8> {
    let mut bytes = Vec::new();
    image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(8, 8, image::Rgb([1, 2, 3])))
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .unwrap();
    bytes
}

#[tokio::test]
async fn healthz_answers_ok() {
    let app = TestApp::new().await;
    let (status, _, body) = app.get("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, b"ok");
}

#[tokio::test]
async fn list_assets_returns_a_page_with_a_cursor() {
    let app = TestApp::new().await;
    app.space_with_assets("marketing", 60).await;
    let (status, page) = app
        .get_json("/api/list_assets?space=marketing&sort=name&dir=asc")
        .await;
    assert_eq!(status, StatusCode::OK);
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 50);
    assert_eq!(items[0]["name"], "asset-000.png");
    assert_eq!(page["total"], 60);
    assert!(page["prev"].is_null());
    let next = page["next"].as_str().unwrap();

    let (status, second) = app
        .get_json(&format!(
            "/api/list_assets?space=marketing&sort=name&dir=asc&after={next}"
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(second["items"].as_array().unwrap().len(), 10);
    assert_eq!(second["items"][0]["name"], "asset-050.png");
    assert!(second["next"].is_null());
}

#[tokio::test]
async fn unknown_space_is_a_json_404() {
    let app = TestApp::new().await;
    let (status, body) = app.get_json("/api/list_assets?space=nowhere").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, serde_json::json!({ "error": "not_found" }));
}

#[tokio::test]
async fn bad_input_is_a_json_400_with_a_clear_message() {
    let app = TestApp::new().await;
    app.space_with_assets("marketing", 3).await;
    let long = "x".repeat(201);
    let cases = [
        "/api/list_assets?space=marketing&after=not-a-cursor".to_owned(),
        "/api/list_assets?space=marketing&sort=colour".to_owned(),
        "/api/list_assets?space=marketing&dir=up".to_owned(),
        "/api/list_assets?space=marketing&after=a&before=b".to_owned(),
        format!("/api/list_assets?space=marketing&q={long}"),
        "/api/list_assets".to_owned(),
    ];
    for uri in cases {
        let (status, body) = app.get_json(&uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {body}");
        assert_eq!(body["error"], "validation", "{uri}");
        let message = body["message"].as_str().unwrap();
        assert!(!message.is_empty(), "{uri}");
    }
    // A cursor made for another sort is refused, not misread.
    let (_, page) = app
        .get_json("/api/list_assets?space=marketing&sort=name")
        .await;
    assert!(page["next"].is_null());
    let (_, page) = app
        .get_json("/api/list_assets?space=marketing&sort=size")
        .await;
    assert!(page["items"].as_array().unwrap().len() == 3);
}

#[tokio::test]
async fn the_wrong_method_is_a_json_4xx() {
    let app = TestApp::new().await;
    let request = Request::post("/api/list_assets")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("space=marketing"))
        .unwrap();
    let (status, _, body) = app.send(request).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["error"], "validation");
}

#[tokio::test]
async fn trashed_assets_are_gone_from_the_listing_and_their_thumbnails() {
    let app = TestApp::new().await;
    let ids = app.space_with_assets("marketing", 3).await;
    let thumbnail = format!("/files/marketing/{}/thumbnail", ids[0]);

    let (status, headers, body) = app.get(&thumbnail).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "image/jpeg");
    assert!(headers[header::CACHE_CONTROL]
        .to_str()
        .unwrap()
        .starts_with("private"));
    assert!(image::load_from_memory(&body).is_ok());

    app.trash(ids[0]).await;
    assert_eq!(app.get(&thumbnail).await.0, StatusCode::NOT_FOUND);
    let (_, page) = app.get_json("/api/list_assets?space=marketing").await;
    assert_eq!(page["total"], 2);
    assert!(page["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["id"] != ids[0]));

    // Wrong space, no thumbnail, or nonsense ids are all plain 404s.
    app.space_with_assets("other", 1).await;
    for uri in [
        format!("/files/other/{}/thumbnail", ids[1]),
        format!("/files/marketing/{}/thumbnail", ids[1]),
        "/files/marketing/abc/thumbnail".to_owned(),
    ] {
        assert_eq!(app.get(&uri).await.0, StatusCode::NOT_FOUND, "{uri}");
    }
}

#[tokio::test]
async fn the_assets_page_is_rendered_on_the_server_with_its_rows() {
    let app = TestApp::new().await;
    app.space_with_assets("marketing", 3).await;
    let (status, _, body) = app
        .get_page("/spaces/marketing/assets?sort=name&dir=asc")
        .await;
    assert_eq!(status, StatusCode::OK);
    let html = String::from_utf8(body).unwrap();
    assert!(html.contains("<h1>Assets</h1>"), "{html}");
    assert!(html.contains("<tbody>"));
    for name in ["asset-000.png", "asset-001.png", "asset-002.png"] {
        assert!(html.contains(name), "{name} missing");
    }
    assert!(html.contains(r#"aria-label="Search assets""#));
}

#[tokio::test]
async fn unknown_spaces_and_paths_render_a_404_page() {
    let app = TestApp::new().await;
    app.space_with_assets("marketing", 1).await;
    for uri in ["/spaces/nowhere/assets", "/no/such/page"] {
        let (status, _, body) = app.get_page(uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(
            String::from_utf8(body).unwrap().contains("Page not found"),
            "{uri}"
        );
    }
}

#[tokio::test]
async fn home_redirects_to_the_first_space() {
    let app = TestApp::new().await;
    app.space_with_assets("marketing", 1).await;
    let (status, headers, _) = app.get_page("/").await;
    assert!(status.is_redirection(), "{status}");
    assert_eq!(headers[header::LOCATION], "/spaces/marketing/assets");
}

#[tokio::test]
async fn demo_data_is_seeded_once_with_real_files() {
    let app = TestApp::new().await;
    assert!(server::demo::seed_if_empty(&app.state).await.unwrap());
    assert!(
        !server::demo::seed_if_empty(&app.state).await.unwrap(),
        "seeded twice"
    );

    let (_, page) = app.get_json("/api/list_assets?space=marketing").await;
    assert!(page["total"].as_i64().unwrap() >= 60);
    let (_, product) = app.get_json("/api/list_assets?space=product").await;
    assert!(product["total"].as_i64().unwrap() >= 3);

    let keys: Vec<(String, bool)> = sqlx::query_as("SELECT storage_key, has_thumbnail FROM assets")
        .fetch_all(&app.state.pool)
        .await
        .unwrap();
    for (key, has_thumbnail) in keys {
        assert!(app.state.storage.original_path(&key).is_file());
        assert_eq!(
            app.state.storage.thumbnail_path(&key).is_file(),
            has_thumbnail
        );
    }
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    assert_eq!(users, 3);
}
