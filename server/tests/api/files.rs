//! Files served from the store: thumbnails (live and in Trash) and
//! downloads.

use app::auth::model::Role;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

use crate::harness::{TestApp, PASSWORD};

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
    app.space_with_assets_unsigned("other", 1).await;
    for uri in [
        format!("/files/other/{}/thumbnail", ids[1]),
        format!("/files/marketing/{}/thumbnail", ids[1]),
        "/files/marketing/abc/thumbnail".to_owned(),
    ] {
        assert_eq!(app.get(&uri).await.0, StatusCode::NOT_FOUND, "{uri}");
    }
}

#[tokio::test]
async fn trash_thumbnails_are_for_trashed_assets_and_people_who_may_restore() {
    let app = TestApp::new().await;
    let ids = app.space_with_assets("own", 2).await;
    let thumbnail = format!("/files/own/trash/{}/thumbnail", ids[0]);
    assert_eq!(
        app.get(&thumbnail).await.0,
        StatusCode::NOT_FOUND,
        "live asset"
    );
    let body = serde_json::json!({ "space": "own", "ids": [ids[0]] });
    assert_eq!(
        app.post_json("/api/move_to_trash", &body).await.0,
        StatusCode::OK
    );
    let (status, headers, _) = app.get(&thumbnail).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "image/jpeg");

    app.member("viewer@test.example", "own", Role::Viewer).await;
    app.sign_in("viewer@test.example", PASSWORD).await;
    assert_eq!(app.get(&thumbnail).await.0, StatusCode::FORBIDDEN);
    *app.cookie.lock().unwrap() = None;
    assert_eq!(app.get(&thumbnail).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn downloads_stream_ranges_under_the_original_name() {
    let app = TestApp::new().await;
    app.space_with_assets("own", 1).await;
    let bytes: Vec<u8> = (0..=255_u8).cycle().take(10_000).collect();
    let (status, asset) = app.upload("own", "Grüße data.bin", &bytes).await;
    assert_eq!(status, StatusCode::CREATED);
    let id = asset["id"].as_i64().unwrap();
    let url = format!("/files/own/{id}/download");

    let (status, headers, body) = app.get(&url).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, bytes);
    assert_eq!(headers[header::CONTENT_TYPE], "application/octet-stream");
    assert_eq!(headers[header::ACCEPT_RANGES], "bytes");
    assert_eq!(
        headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"Gr__e data.bin\"; filename*=UTF-8''Gr%C3%BC%C3%9Fe%20data.bin"
    );
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");

    let request = Request::get(&url)
        .header(header::RANGE, "bytes=100-199")
        .body(Body::empty())
        .unwrap();
    let (status, headers, body) = app.send(request).await;
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(headers[header::CONTENT_RANGE], "bytes 100-199/10000");
    assert_eq!(body, &bytes[100..200]);

    // Nobody gets a trashed asset; Restore brings it back.
    let ids = serde_json::json!({ "space": "own", "ids": [id] });
    assert_eq!(
        app.post_json("/api/move_to_trash", &ids).await.0,
        StatusCode::OK
    );
    assert_eq!(app.get(&url).await.0, StatusCode::NOT_FOUND);
    let details = format!("/api/get_asset?space=own&id={id}");
    assert_eq!(app.get_json(&details).await.0, StatusCode::NOT_FOUND);
    let restored = app.post_json("/api/restore_from_trash", &ids).await.0;
    assert_eq!(restored, StatusCode::OK);
    let (status, _, body) = app.get(&url).await;
    assert_eq!((status, body.len()), (StatusCode::OK, bytes.len()));

    // A viewer may download.
    app.member("viewer@test.example", "own", Role::Viewer).await;
    app.sign_in("viewer@test.example", PASSWORD).await;
    assert_eq!(app.get(&url).await.0, StatusCode::OK);
}
