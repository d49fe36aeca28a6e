//! A JSON request with a field its endpoint does not have is refused with
//! 400 naming it, and nothing happens: a misspelt flag must not be dropped
//! in silence (issue 23: `"dryRun"` deleted for real, `"destination"`
//! moved to the top level).

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::harness::TestApp;

async fn ids_where(app: &TestApp, condition: &str) -> Vec<i64> {
    sqlx::query_scalar(&format!(
        "SELECT id FROM assets WHERE {condition} ORDER BY id"
    ))
    .fetch_all(&app.state.pool)
    .await
    .unwrap()
}

fn message(body: &[u8]) -> String {
    let error: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(error["error"], "validation", "{error}");
    error["message"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_misspelt_dry_run_deletes_nothing() {
    let app = TestApp::new().await;
    let ids = app.space_with_assets("own", 2).await;
    let trash = json!({ "space": "own", "ids": [ids[0]] });
    assert_eq!(
        app.post_json("/api/move_to_trash", &trash).await.0,
        StatusCode::OK
    );

    let misspelt = json!({ "space": "own", "ids": [ids[0]], "dryRun": true });
    let (status, _, body) = app.post_json("/api/delete_permanently", &misspelt).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(message(&body).contains("`dryRun`"), "{}", message(&body));
    assert_eq!(ids_where(&app, "deleted_at IS NOT NULL").await, [ids[0]]);

    // Spelt right, it is a dry run.
    let dry = json!({ "space": "own", "ids": [ids[0]], "dry_run": true });
    assert_eq!(
        app.post_json("/api/delete_permanently", &dry).await.0,
        StatusCode::OK
    );
    assert_eq!(ids_where(&app, "deleted_at IS NOT NULL").await, [ids[0]]);
}

#[tokio::test]
async fn a_misspelt_destination_moves_nothing() {
    let app = TestApp::new().await;
    let ids = app.space_with_assets("own", 2).await;
    let (status, _, body) = app
        .post_json(
            "/api/create_folder",
            &json!({ "space": "own", "name": "Reports" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let folder = serde_json::from_slice::<Value>(&body).unwrap()["id"]
        .as_i64()
        .unwrap();
    let into = json!({ "space": "own", "ids": [ids[0]], "to": folder });
    assert_eq!(
        app.post_json("/api/move_to_folder", &into).await.0,
        StatusCode::OK
    );

    let misspelt = json!({ "space": "own", "ids": [ids[0]], "destination": null });
    let (status, _, body) = app.post_json("/api/move_to_folder", &misspelt).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(message(&body).contains("`destination`"));
    assert_eq!(
        ids_where(&app, &format!("folder_id = {folder}")).await,
        [ids[0]]
    );
}

#[tokio::test]
async fn every_unknown_field_is_named_and_nested_objects_refuse_theirs() {
    let app = TestApp::new().await;
    app.space_with_assets("own", 1).await;
    let body = json!({ "space": "own", "ids": [1], "force": true, "Space": "own" });
    let (status, _, answer) = app.post_json("/api/move_to_trash", &body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let text = message(&answer);
    assert!(
        text.contains("`force`") && text.contains("`Space`"),
        "{text}"
    );
    let nested = json!({ "space": "own", "matching": { "search": "x", "serach": "y" }, "expected_count": 1 });
    let (status, _, _) = app.post_json("/api/move_to_trash", &nested).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(ids_where(&app, "deleted_at IS NOT NULL").await.is_empty());
}
