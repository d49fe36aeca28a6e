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

/// Routers built while pages render (every router test builds one, in
/// parallel with the others): building one generates the route list, which
/// suspends resource loading process-wide, and a render whose resource first
/// polled then waited forever: the request's time limit answered 503 (the
/// api suite's Trash page for a viewer, now and then). The list is generated
/// once per process now.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_render_while_other_routers_are_built() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    let mut app = TestApp::new().await;
    app.state.request_limits.timeout = std::time::Duration::from_secs(3);
    app.router = server::router(app.state.clone());
    app.space_with_assets("own", 3).await;
    let done = Arc::new(AtomicBool::new(false));
    let builder = {
        let (state, done) = (app.state.clone(), done.clone());
        tokio::task::spawn_blocking(move || {
            while !done.load(Ordering::Relaxed) {
                drop(server::router(state.clone()));
            }
        })
    };
    let mut statuses = Vec::new();
    for _ in 0..30 {
        // Before the fix a render could also spin without end: a bound of
        // its own, so that the test fails rather than hangs.
        let page = app.get_page("/spaces/own/assets");
        match tokio::time::timeout(std::time::Duration::from_secs(10), page).await {
            Ok((status, _, _)) => statuses.push(status),
            Err(_) => statuses.push(StatusCode::GATEWAY_TIMEOUT),
        }
    }
    done.store(true, Ordering::Relaxed);
    builder.await.unwrap();
    assert!(
        statuses.iter().all(|s| *s == StatusCode::OK),
        "{statuses:?}"
    );
}
