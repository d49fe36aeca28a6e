//! `Idempotency-Key`: a retried mutation returns the first answer instead
//! of acting twice; the key is the user's, kept a day, and bound to one
//! request.

use app::auth::model::Role;
use app::time::Timestamp;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};

use crate::harness::{TestApp, PASSWORD};

async fn post_with_key(
    app: &TestApp,
    uri: &str,
    key: &str,
    body: &Value,
) -> (StatusCode, axum::http::HeaderMap, Value) {
    let request = Request::post(uri)
        .header(header::ORIGIN, "http://trove.test")
        .header(header::CONTENT_TYPE, "application/json")
        .header("idempotency-key", key)
        .body(Body::from(body.to_string()))
        .unwrap();
    let (status, headers, bytes) = app.send(request).await;
    (status, headers, serde_json::from_slice(&bytes).unwrap())
}

async fn audit_entries(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
        .fetch_one(&app.state.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_same_key_twice_acts_once_and_answers_the_same() {
    let app = TestApp::new().await;
    let ids = app.space_with_assets("own", 3).await;
    let body = json!({ "space": "own", "ids": [ids[0], ids[1]] });
    let (status, headers, first) = post_with_key(&app, "/api/move_to_trash", "k-1", &body).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert!(headers.get("idempotent-replayed").is_none());
    assert_eq!(first["moved"], 2);

    let (status, headers, again) = post_with_key(&app, "/api/move_to_trash", "k-1", &body).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["idempotent-replayed"], "true");
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    // The first answer, batch id and all; without the key it would say
    // "moved 0, skipped 2" with a new batch.
    assert_eq!(again, first);
    assert_eq!(audit_entries(&app).await, 1);

    // A refusal is an answer too: replayed, not re-run.
    let bad = json!({ "space": "own", "ids": [999_999] });
    let (status, _, _) = post_with_key(&app, "/api/move_to_trash", "k-2", &bad).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, headers, _) = post_with_key(&app, "/api/move_to_trash", "k-2", &bad).await;
    assert_eq!(
        (status, &headers["idempotent-replayed"]),
        (StatusCode::NOT_FOUND, &"true".parse().unwrap())
    );
}

#[tokio::test]
async fn a_key_reused_for_another_request_is_422() {
    let app = TestApp::new().await;
    let ids = app.space_with_assets("own", 3).await;
    let first = json!({ "space": "own", "ids": [ids[0]] });
    assert_eq!(
        post_with_key(&app, "/api/move_to_trash", "k", &first)
            .await
            .0,
        StatusCode::OK
    );
    let other = json!({ "space": "own", "ids": [ids[1]] });
    let (status, _, body) = post_with_key(&app, "/api/move_to_trash", "k", &other).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"], "idempotency_key_reused");
    // Another endpoint with the same body is another request too.
    let (status, _, _) = post_with_key(&app, "/api/restore_from_trash", "k", &first).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(audit_entries(&app).await, 1);
}

#[tokio::test]
async fn keys_are_checked_belong_to_their_user_and_expire_after_a_day() {
    const T0: Timestamp = Timestamp::from_millis(1_795_872_600_000);
    let mut app = TestApp::new().await;
    app.freeze_clock(T0);
    let ids = app.space_with_assets("own", 3).await;
    let body = json!({ "space": "own", "ids": [ids[0]] });
    for bad in ["", "tab\there", &"x".repeat(256), "naïve"] {
        let request = Request::post("/api/move_to_trash")
            .header(header::ORIGIN, "http://trove.test")
            .header(header::CONTENT_TYPE, "application/json")
            .header(
                "idempotency-key",
                axum::http::HeaderValue::from_bytes(bad.as_bytes()).unwrap(),
            )
            .body(Body::from(body.to_string()))
            .unwrap();
        let (status, _, bytes) = app.send(request).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad:?}");
        let body: Value = serde_json::from_slice(&bytes).unwrap();
        assert!(body["message"].is_string());
    }
    assert_eq!(audit_entries(&app).await, 0);

    assert_eq!(
        post_with_key(&app, "/api/move_to_trash", "k", &body)
            .await
            .0,
        StatusCode::OK
    );
    // Another user's "k" is their own key: it acts (and skips, already in Trash).
    app.member("manager@test.example", "own", Role::AssetManager)
        .await;
    assert_eq!(
        app.sign_in("manager@test.example", PASSWORD).await,
        StatusCode::OK
    );
    let (status, headers, answer) = post_with_key(&app, "/api/move_to_trash", "k", &body).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers.get("idempotent-replayed").is_none());
    assert_eq!(answer["skipped"], 1);
    assert_eq!(audit_entries(&app).await, 1);

    // A day later the key is free again, and the purge forgets it.
    app.freeze_clock(T0.plus_millis(24 * 60 * 60 * 1000));
    assert_eq!(
        app.sign_in("manager@test.example", PASSWORD).await,
        StatusCode::OK
    );
    let other = json!({ "space": "own", "ids": [ids[1]] });
    let (status, _, answer) = post_with_key(&app, "/api/move_to_trash", "k", &other).await;
    assert_eq!(
        (status, answer["moved"].as_u64()),
        (StatusCode::OK, Some(1))
    );
    server::purge_once(&app.state).await.unwrap();
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM idempotency_keys")
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    assert_eq!(
        kept, 1,
        "the owner's day-old key is forgotten, the new one kept"
    );
}
