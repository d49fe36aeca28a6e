//! Server-rendered pages and plain routes: the health check, the Assets
//! page, 404 pages and the home redirect.

use axum::http::{header, StatusCode};

use crate::harness::TestApp;

#[tokio::test]
async fn healthz_answers_ok() {
    let app = TestApp::new().await;
    let (status, _, body) = app.get("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, b"ok");
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
