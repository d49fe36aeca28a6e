//! Empty Trash through the API: who may, the count guard, dry runs,
//! malformed bodies and a retry under the same Idempotency-Key.

use app::auth::model::Role;
use app::platform::storage::FileKind;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};

use crate::harness::{TestApp, OWNER, PASSWORD};

async fn trashed(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM assets WHERE deleted_at IS NOT NULL")
        .fetch_one(&app.state.pool)
        .await
        .unwrap()
}

async fn post(app: &TestApp, body: &Value) -> (StatusCode, Value) {
    let (status, _, bytes) = app.post_json("/api/empty_trash", body).await;
    (status, serde_json::from_slice(&bytes).unwrap())
}

/// A space "own" (signed in as its Owner) with 4 assets, 3 of them moved to
/// Trash through the API; their ids.
async fn three_in_trash(app: &TestApp) -> Vec<i64> {
    let ids = app.space_with_assets("own", 4).await;
    let body = json!({ "space": "own", "ids": ids[..3] });
    assert_eq!(
        app.post_json("/api/move_to_trash", &body).await.0,
        StatusCode::OK
    );
    ids
}

#[tokio::test]
async fn only_owner_and_admin_may_empty_trash_and_strangers_get_404() {
    let app = TestApp::new().await;
    three_in_trash(&app).await;
    app.space_with_assets_unsigned("other", 1).await;
    for (email, role) in [
        ("manager@test.example", Role::AssetManager),
        ("viewer@test.example", Role::Viewer),
    ] {
        app.member(email, "own", role).await;
        app.sign_in(email, PASSWORD).await;
        for dry_run in [true, false] {
            let body = json!({ "space": "own", "expected_count": 3, "dry_run": dry_run });
            let (status, error) = post(&app, &body).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{role:?}");
            assert_eq!(error["error"], "forbidden");
        }
    }
    app.sign_in(OWNER, PASSWORD).await;
    let (status, error) = post(&app, &json!({ "space": "other", "expected_count": 0 })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error["error"], "not_found");
    assert_eq!(trashed(&app).await, 3);

    app.member("admin@test.example", "own", Role::Admin).await;
    app.sign_in("admin@test.example", PASSWORD).await;
    let (status, outcome) = post(&app, &json!({ "space": "own", "expected_count": 3 })).await;
    assert_eq!(status, StatusCode::OK, "{outcome}");
    assert_eq!(trashed(&app).await, 0);
}

#[tokio::test]
async fn empty_trash_is_count_guarded_then_removes_rows_and_files() {
    let app = TestApp::new().await;
    let ids = three_in_trash(&app).await;
    let key: String = sqlx::query_scalar("SELECT storage_key FROM assets WHERE id = $1")
        .bind(ids[0])
        .fetch_one(&app.state.pool)
        .await
        .unwrap();

    let (status, asked) = post(&app, &json!({ "space": "own", "dry_run": true })).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        asked,
        json!({ "items": 3, "deleted": 3, "folders": 0, "bytes": 100 + 101 + 102, "dry_run": true })
    );
    assert_eq!(trashed(&app).await, 3);

    // One more arrived since the dialog asked: 409 with the number now.
    let body = json!({ "space": "own", "ids": [ids[3]] });
    assert_eq!(
        app.post_json("/api/move_to_trash", &body).await.0,
        StatusCode::OK
    );
    let (status, error) = post(&app, &json!({ "space": "own", "expected_count": 3 })).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error["error"], "count_changed");
    assert_eq!(error["count"], 4);
    assert!(error["message"].as_str().unwrap().contains("4 items"));
    assert_eq!(trashed(&app).await, 4);

    let (status, done) = post(&app, &json!({ "space": "own", "expected_count": 4 })).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (done["deleted"].as_u64(), done["dry_run"].as_bool()),
        (Some(4), Some(false))
    );
    assert_eq!(trashed(&app).await, 0);
    let storage = &app.state.storage;
    assert!(!storage.exists(FileKind::Original, &key).await.unwrap());
    assert!(!storage.exists(FileKind::Thumbnail, &key).await.unwrap());
    let (_, page) = app.get_json("/api/list_trash?space=own").await;
    assert_eq!(
        (page["total"].as_i64(), page["folder_total"].as_i64()),
        (Some(0), Some(0))
    );
    let entries: Vec<(String, i64)> =
        sqlx::query_as("SELECT action, asset_count FROM audit_log WHERE action = 'empty_trash'")
            .fetch_all(&app.state.pool)
            .await
            .unwrap();
    assert_eq!(entries, [("empty_trash".to_owned(), 4)]);
}

#[tokio::test]
async fn malformed_empty_trash_requests_are_json_400s() {
    let app = TestApp::new().await;
    three_in_trash(&app).await;
    for body in [
        json!({ "space": "own" }),
        json!({ "space": "own", "dry_run": false }),
        json!({ "space": "own", "expected_count": -1 }),
        json!({ "space": "own", "expected_count": "three" }),
        json!({ "space": "own", "expectedCount": 3 }),
        json!({ "space": "own", "expected_count": 3, "ids": [1] }),
        json!({ "expected_count": 3 }),
        json!("not an object"),
    ] {
        let (status, error) = post(&app, &body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(error["error"], "validation", "{body}");
        assert!(!error["message"].as_str().unwrap().is_empty());
    }
    let raw = Request::post("/api/empty_trash")
        .header(header::HOST, "trove.test")
        .header(header::ORIGIN, "http://trove.test")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{not json"))
        .unwrap();
    assert_eq!(app.send(raw).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(trashed(&app).await, 3);
}

#[tokio::test]
async fn a_retry_with_the_same_key_gets_the_first_answer() {
    let app = TestApp::new().await;
    let ids = three_in_trash(&app).await;
    let body = json!({ "space": "own", "expected_count": 3 });
    let send = |key: &'static str| {
        Request::post("/api/empty_trash")
            .header(header::ORIGIN, "http://trove.test")
            .header(header::CONTENT_TYPE, "application/json")
            .header("idempotency-key", key)
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    let (status, headers, first) = app.send(send("empty-1")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers.get("idempotent-replayed").is_none());
    // Something new in Trash: a retry replays, it does not act again.
    let more = json!({ "space": "own", "ids": [ids[3]] });
    assert_eq!(
        app.post_json("/api/move_to_trash", &more).await.0,
        StatusCode::OK
    );
    let (status, headers, again) = app.send(send("empty-1")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers.get("idempotent-replayed").unwrap(), "true");
    assert_eq!(first, again);
    assert_eq!(trashed(&app).await, 1);
    // A new key is a new request: the count is checked again.
    let (status, _, _) = app.send(send("empty-2")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(trashed(&app).await, 1);
}
