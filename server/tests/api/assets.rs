//! The Assets listing and the asset server functions: paging, bad input,
//! renaming.

use app::auth::model::Role;
use axum::http::StatusCode;
use serde_json::Value;

use crate::harness::{TestApp, PASSWORD};

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
    app.space_with_assets("marketing", 1).await;
    let (status, body) = app.get_json("/api/list_assets?space=nowhere").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        body,
        serde_json::json!({ "error": "not_found", "message": "Not found." })
    );
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
    let (status, headers, body) = app.post_form("/api/list_assets", "space=marketing").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    // A 405 says what is allowed.
    assert_eq!(headers[axum::http::header::ALLOW], "GET,HEAD");
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["error"], "validation");
}

/// An `/api/` path that is not an endpoint is a JSON 404 (pages get the
/// HTML one).
#[tokio::test]
async fn an_unknown_endpoint_is_a_json_404() {
    let app = TestApp::new().await;
    let (status, value) = app.get_json("/api/no_such_endpoint").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(value["error"], "not_found");
}

#[tokio::test]
async fn renaming_checks_the_name_and_the_permission() {
    let app = TestApp::new().await;
    let ids = app.space_with_assets("own", 2).await;
    let rename =
        |id: i64, name: &str| serde_json::json!({ "space": "own", "id": id, "name": name });
    let (status, _, body) = app
        .post_json("/api/rename_asset", &rename(ids[0], "  Logo final.png "))
        .await;
    assert_eq!(status, StatusCode::OK);
    let details: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(details["asset"]["name"], "Logo final.png");
    for bad in ["", "   ", "a/b.png", &"x".repeat(256)] {
        let (status, _, _) = app
            .post_json("/api/rename_asset", &rename(ids[0], bad))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad:?}");
    }
    app.trash(ids[1]).await;
    let (status, _, _) = app
        .post_json("/api/rename_asset", &rename(ids[1], "x.png"))
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a trashed asset is not renamed"
    );
    app.member("viewer@test.example", "own", Role::Viewer).await;
    app.sign_in("viewer@test.example", PASSWORD).await;
    let (status, _, _) = app
        .post_json("/api/rename_asset", &rename(ids[0], "y.png"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// Every connection of a fresh server's pool can write assets (whose
/// triggers write the FTS5 name index). Before the schema was complete
/// (migrations, session table) when the pool opened, a connection that
/// had seen the schema change answered "no such table: assets" (an
/// internal error): the router tests failed about one run in two, at the
/// first asset of a test. This holds every connection at once.
#[tokio::test]
async fn every_pooled_connection_of_a_fresh_server_writes_assets() {
    let app = TestApp::new().await;
    let space = app::spaces::data::ensure(
        &app.state.pool,
        "own",
        "Own",
        app::domain::time::Timestamp::EPOCH,
    )
    .await
    .unwrap()
    .id;
    let mut held = Vec::new();
    for i in 0..16 {
        let mut conn = app.state.pool.acquire().await.unwrap();
        let asset = crate::harness::new_asset(space, format!("a-{i}.png")).build();
        let written = app::assets::data::insert(&mut *conn, &asset).await;
        assert!(written.is_ok(), "connection {i}: {written:?}");
        held.push(conn);
    }
}
