//! Storage: `GET /api/space_usage` counts what a space holds (live and in
//! Trash, by type) exactly, for any member; and a space's quota refuses an
//! upload past it with 507 `space_full`, keeping nothing, Trash included.

use app::auth::model::Role;
use app::settings::quota::set_quota;
use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::harness::{count_files, TestApp, PASSWORD};

async fn usage(app: &TestApp, space: &str) -> Value {
    let (status, usage) = app
        .get_json(&format!("/api/space_usage?space={space}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{usage}");
    usage
}

/// The stored originals and thumbnails of the app.
fn stored_files(app: &TestApp) -> usize {
    count_files(&app._dir.path().join("files"), |name| !name.contains('#'))
}

async fn rows(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM assets")
        .fetch_one(&app.state.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn usage_counts_live_and_trash_by_type() {
    let app = TestApp::new().await;
    // Two PNGs of 100 and 101 bytes.
    let ids = app.space_with_assets("own", 2).await;
    let usage0 = usage(&app, "own").await;
    assert_eq!(usage0["live"], json!({ "assets": 2, "bytes": 201 }));
    assert_eq!(usage0["trash"], json!({ "assets": 0, "bytes": 0 }));
    assert_eq!(usage0["quota_bytes"], Value::Null);
    assert_eq!(usage0["used_bytes"], 201);
    let kinds: Vec<&str> = usage0["by_kind"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["image", "document", "video", "audio", "other"]);
    assert_eq!(
        usage0["by_kind"][0],
        json!({ "kind": "image", "live_assets": 2, "live_bytes": 201,
                "trash_assets": 0, "trash_bytes": 0 })
    );

    let (status, csv) = app.upload_body("own", "budget.csv", b"a,b\n1,2\n").await;
    assert_eq!(status, StatusCode::CREATED, "{csv}");
    let (status, _, _) = app
        .post_json(
            "/api/move_to_trash",
            &json!({ "space": "own", "ids": [ids[0]] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let usage1 = usage(&app, "own").await;
    assert_eq!(usage1["live"], json!({ "assets": 2, "bytes": 109 }));
    assert_eq!(usage1["trash"], json!({ "assets": 1, "bytes": 100 }));
    assert_eq!(usage1["used_bytes"], 209);
    assert_eq!(usage1["by_kind"][1]["live_bytes"], 8);
    assert_eq!(usage1["by_kind"][0]["trash_assets"], 1);
}

#[tokio::test]
async fn any_member_reads_usage_and_no_one_else() {
    let app = TestApp::new().await;
    app.space_with_assets("own", 1).await;
    app.space_with_assets_unsigned("other", 1).await;
    let (status, body) = app.get_json("/api/space_usage?space=other").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, _) = app.get_json("/api/space_usage").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    app.member("viewer@test.example", "own", Role::Viewer).await;
    app.sign_in("viewer@test.example", PASSWORD).await;
    assert_eq!(usage(&app, "own").await["live"]["assets"], 1);

    *app.cookie.lock().unwrap() = None;
    let (status, body) = app.get_json("/api/space_usage?space=own").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
}

#[tokio::test]
async fn an_upload_past_the_quota_is_refused_and_nothing_is_kept() {
    let app = TestApp::new().await;
    let ids = app.space_with_assets("own", 2).await;
    let space = app.space_id("own").await;
    // 201 bytes held: room for 10 more.
    set_quota(&app.state.pool, space, None, Some(211), &app.state.clock)
        .await
        .unwrap();
    assert_eq!(usage(&app, "own").await["quota_bytes"], 211);
    let (before_rows, before_files) = (rows(&app).await, stored_files(&app));
    let before = usage(&app, "own").await;

    // Declared too big (the body's Content-Length), and found too big while
    // streaming (multipart: the length includes the framing).
    for multipart in [false, true] {
        let (status, error) = if multipart {
            app.upload("own", "eleven.txt", &[b'x'; 11]).await
        } else {
            app.upload_body("own", "eleven.txt", &[b'x'; 11]).await
        };
        assert_eq!(status, StatusCode::INSUFFICIENT_STORAGE, "{error}");
        assert_eq!(error["error"], "space_full");
        let message = error["message"].as_str().unwrap();
        assert!(message.starts_with("This space is full"), "{message}");
        assert!(
            message.contains("211 B") && message.contains("201 B"),
            "{message}"
        );
        assert!(message.contains("Trash included"), "{message}");
    }
    assert_eq!(rows(&app).await, before_rows, "no row");
    assert_eq!(stored_files(&app), before_files, "no file");
    assert_eq!(app.temp_files().await, 0, "no staging file");
    assert_eq!(usage(&app, "own").await, before, "counters unchanged");

    // Up to the quota exactly: taken.
    let (status, body) = app.upload_body("own", "ten.txt", &[b'x'; 10]).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(usage(&app, "own").await["used_bytes"], 211);
    let (status, _) = app.upload_body("own", "one.txt", b"x").await;
    assert_eq!(status, StatusCode::INSUFFICIENT_STORAGE);

    // Trash counts: moving to Trash makes no room, deleting permanently does.
    let body = json!({ "space": "own", "ids": [ids[0]] });
    let (status, _, _) = app.post_json("/api/move_to_trash", &body).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app.upload_body("own", "one.txt", b"x").await;
    assert_eq!(status, StatusCode::INSUFFICIENT_STORAGE);
    let (status, _, answer) = app.post_json("/api/delete_permanently", &body).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&answer)
    );
    let (status, body) = app.upload_body("own", "one.txt", b"x").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(usage(&app, "own").await["used_bytes"], 112);

    // Without a quota, anything goes again.
    set_quota(&app.state.pool, space, None, None, &app.state.clock)
        .await
        .unwrap();
    let (status, _) = app.upload_body("own", "big.txt", &[b'x'; 500]).await;
    assert_eq!(status, StatusCode::CREATED);
}
