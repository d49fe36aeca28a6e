//! Uploads: typed by content, refused with a reason, only for members who
//! may upload, and nothing left behind when one fails.

use app::auth::model::Role;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::Value;

use crate::harness::{tiny_png, TestApp, OWNER, PASSWORD};

#[tokio::test]
async fn uploads_are_typed_by_content_and_appear_in_the_listing() {
    let app = TestApp::new().await;
    app.space_with_assets("own", 1).await;
    let png = tiny_png();
    // The name lies (".pdf") and tries to climb out of the store.
    let (status, asset) = app.upload("own", "../../etc/logo.pdf", &png).await;
    assert_eq!(status, StatusCode::CREATED, "{asset}");
    assert_eq!(asset["name"], "logo.pdf");
    assert_eq!(asset["mime_type"], "image/png");
    assert_eq!(asset["kind"], "image");
    assert_eq!(asset["size_bytes"], png.len());
    assert_eq!(asset["has_thumbnail"], true);
    assert_eq!(asset["width"], 8);
    let id = asset["id"].as_i64().unwrap();

    let (_, page) = app.get_json("/api/list_assets?space=own").await;
    assert_eq!(page["total"], 2);
    assert_eq!(page["items"][0]["id"], id, "newest first");
    let (status, _, _) = app.get(&format!("/files/own/{id}/thumbnail")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, details) = app
        .get_json(&format!("/api/get_asset?space=own&id={id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(details["uploaded_by"], OWNER);

    // Text has no magic number: the extension refines it.
    let (status, csv) = app.upload("own", "budget.csv", b"a,b\n1,2\n").await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(csv["mime_type"], "text/csv");
    assert_eq!(app.temp_files().await, 0);
}

#[tokio::test]
async fn refused_uploads_say_why_and_leave_nothing_behind() {
    let mut app = TestApp::new().await;
    app.state.max_upload_bytes = 1024;
    app.router = server::router(app.state.clone());
    app.space_with_assets("own", 1).await;
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM assets")
            .fetch_one(&app.state.pool)
            .await
            .unwrap()
    };
    let before = count().await;

    let (status, error) = app.upload("own", "empty.png", b"").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("empty.png is empty"));

    // Over the limit: refused while streaming (the body limit lets a bit
    // more than the limit through, so the check in the loop answers).
    let (status, error) = app.upload("own", "big.bin", &vec![7_u8; 1025]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{error}");
    assert_eq!(error["error"], "too_large");
    assert!(error["message"].as_str().unwrap().contains("1.0 KB"));
    // Far over: the body limit itself stops it.
    let (status, _) = app.upload("own", "huge.bin", &vec![7_u8; 200_000]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);

    let (status, error) = app
        .upload("own", "cat.png", b"<html><script>alert(1)</script></html>")
        .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(error["error"], "unsupported_type");

    let request = Request::post("/api/upload?space=own")
        .header(header::HOST, "trove.test")
        .header(header::ORIGIN, "http://trove.test")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{}"))
        .unwrap();
    let (status, _, body) = app.send(request).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        serde_json::from_slice::<Value>(&body).unwrap()["error"],
        "validation"
    );

    assert_eq!(count().await, before);
    assert_eq!(app.temp_files().await, 0, "no temporary file is left");
    let originals = std::fs::read_dir(app._dir.path().join("files").join("originals"))
        .unwrap()
        .flat_map(|prefix| std::fs::read_dir(prefix.unwrap().path()).unwrap())
        .count();
    assert_eq!(originals, 1, "only the fixture's own file");
}

#[tokio::test]
async fn only_members_who_may_upload_can_upload() {
    let app = TestApp::new().await;
    app.space_with_assets("own", 1).await;
    app.space_with_assets_unsigned("other", 1).await;
    assert_eq!(
        app.upload("other", "a.txt", b"hi").await.0,
        StatusCode::NOT_FOUND
    );
    app.member("viewer@test.example", "own", Role::Viewer).await;
    app.sign_in("viewer@test.example", PASSWORD).await;
    let (status, error) = app.upload("own", "a.txt", b"hi").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(error["error"], "forbidden");
    *app.cookie.lock().unwrap() = None;
    assert_eq!(
        app.upload("own", "a.txt", b"hi").await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.temp_files().await, 0);
}

#[tokio::test]
async fn an_upload_that_breaks_off_leaves_no_file_and_no_row() {
    let app = TestApp::new().await;
    app.space_with_assets("own", 1).await;
    let boundary = "trove-test-boundary-7d1f";
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"half.bin\"\r\n\r\n"
    );
    // The client sends the start of a file, then the connection fails.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = vec![
        Ok(head.into_bytes()),
        Ok(vec![1_u8; 64 * 1024]),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "gone",
        )),
    ];
    let request = Request::post("/api/upload?space=own")
        .header(header::HOST, "trove.test")
        .header(header::ORIGIN, "http://trove.test")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from_stream(futures::stream::iter(chunks)))
        .unwrap();
    let (status, _, _) = app.send(request).await;
    assert!(status.is_client_error(), "{status}");
    assert_eq!(app.temp_files().await, 0);
    let (_, page) = app.get_json("/api/list_assets?space=own").await;
    assert_eq!(page["total"], 1);
}

/// The uploader sends the file as the body with its name in the query: the
/// same rules apply as to a multipart upload.
#[tokio::test]
async fn a_file_sent_as_the_body_is_stored_with_the_same_rules() {
    let mut app = TestApp::new().await;
    app.state.max_upload_bytes = 4096;
    app.router = server::router(app.state.clone());
    app.space_with_assets("own", 1).await;
    let png = tiny_png();
    let (status, asset) = app
        .upload_body("own", "../summer & sale 50%.png", &png)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{asset}");
    assert_eq!(asset["name"], "summer & sale 50%.png");
    assert_eq!(asset["mime_type"], "image/png");
    assert_eq!(asset["has_thumbnail"], true);

    let (status, error) = app
        .upload_body("own", "page.png", b"<!DOCTYPE html><script>")
        .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{error}");
    let (status, error) = app.upload_body("own", "empty.png", b"").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    let (status, error) = app.upload_body("own", "big.bin", &[7; 5000]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{error}");
    assert_eq!(error["error"], "too_large");

    // No name: a clear 400, and nothing is read or stored.
    let request = Request::post("/api/upload?space=own")
        .header(header::ORIGIN, "http://trove.test")
        .body(Body::from(png.clone()))
        .unwrap();
    let (status, _, body) = app.send(request).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert!(body["message"].as_str().unwrap().contains("name"), "{body}");

    let (_, page) = app.get_json("/api/list_assets?space=own").await;
    assert_eq!(page["total"], 2, "only the accepted file was added");
    assert_eq!(app.temp_files().await, 0);
}
