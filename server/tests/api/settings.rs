//! A space's settings through the API: `PUT /api/space_settings` (who may,
//! what it refuses, the rule that a change never takes time away), and
//! Trash's `expires_within` and banner count.

use app::auth::model::Role;
use app::domain::time::Timestamp;
use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::harness::{TestApp, OWNER, PASSWORD};

const T0: Timestamp = Timestamp::from_millis(1_800_000_000_000);
const DAY: i64 = 24 * 60 * 60 * 1000;

async fn put(app: &TestApp, body: &Value) -> (StatusCode, Value) {
    let (status, _, bytes) = app.put_json("/api/space_settings", body).await;
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

async fn trash(app: &TestApp, ids: &[i64]) {
    let body = json!({ "space": "own", "ids": ids });
    let (status, _, bytes) = app.post_json("/api/move_to_trash", &body).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&bytes)
    );
}

/// Moves the app's clock, and signs in again (sessions end after 7 days).
async fn at(app: &mut TestApp, when: Timestamp) {
    app.freeze_clock(when);
    assert_eq!(app.sign_in(OWNER, PASSWORD).await, StatusCode::OK);
}

#[tokio::test]
async fn lengthening_reaches_what_is_in_trash_and_the_pages_follow() {
    let mut app = TestApp::new().await;
    app.freeze_clock(T0);
    let ids = app.space_with_assets("own", 2).await;
    trash(&app, &ids[..1]).await;
    let (status, body) = put(&app, &json!({ "space": "own", "retention_days": 30 })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({ "retention_days": 30, "previous_retention_days": 14, "extended": 1 })
    );
    let (_, page) = app.get_json("/api/list_trash?space=own").await;
    assert_eq!(page["retention_days"], 30);
    assert_eq!(page["items"][0]["days_left"], "30 days left");
    let (_, spaces) = app.get_json("/api/list_spaces").await;
    assert_eq!(spaces[0]["retention_days"], 30);

    // Day 20: what would have gone at 14 is still there, and comes back.
    at(&mut app, T0.plus_millis(20 * DAY)).await;
    let (_, page) = app.get_json("/api/list_trash?space=own").await;
    assert_eq!(page["items"][0]["days_left"], "10 days left");
    let (status, _, _) = app
        .post_json(
            "/api/restore_from_trash",
            &json!({ "space": "own", "ids": [ids[0]] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn shortening_applies_to_what_is_deleted_after_it() {
    let mut app = TestApp::new().await;
    app.freeze_clock(T0);
    let ids = app.space_with_assets("own", 2).await;
    trash(&app, &ids[..1]).await;
    let (status, body) = put(&app, &json!({ "space": "own", "retention_days": 3 })).await;
    assert_eq!((status, &body["extended"]), (StatusCode::OK, &json!(0)));
    trash(&app, &ids[1..]).await;
    let (_, page) = app.get_json("/api/list_trash?space=own").await;
    let left: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["days_left"].as_str().unwrap())
        .collect();
    assert_eq!(left, ["3 days left", "14 days left"]);

    at(&mut app, T0.plus_millis(3 * DAY)).await;
    let (_, page) = app.get_json("/api/list_trash?space=own").await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["id"], ids[0]);
    let (status, _, _) = app
        .post_json(
            "/api/restore_from_trash",
            &json!({ "space": "own", "ids": [ids[1]] }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "its 3 days are over");
}

#[tokio::test]
async fn only_owner_and_admin_change_it_and_bad_numbers_are_refused() {
    let app = TestApp::new().await;
    app.space_with_assets("own", 1).await;
    for (role, status) in [
        (Role::AssetManager, StatusCode::FORBIDDEN),
        (Role::Viewer, StatusCode::FORBIDDEN),
        (Role::Admin, StatusCode::OK),
    ] {
        let email = format!("{}@test.example", role.as_str());
        app.member(&email, "own", role).await;
        assert_eq!(app.sign_in(&email, PASSWORD).await, StatusCode::OK);
        let (got, body) = put(&app, &json!({ "space": "own", "retention_days": 7 })).await;
        assert_eq!(got, status, "{role:?}: {body}");
        assert!(
            body["error"].is_string() || status == StatusCode::OK,
            "{body}"
        );
    }
    assert_eq!(app.sign_in(OWNER, PASSWORD).await, StatusCode::OK);
    for wrong in [
        json!(0),
        json!(366),
        json!(-1),
        json!("ten"),
        json!(7.5),
        Value::Null,
    ] {
        let (status, body) = put(&app, &json!({ "space": "own", "retention_days": wrong })).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{wrong}: {body}");
        assert!(body["message"].is_string(), "{body}");
    }
    let (status, body) = put(&app, &json!({ "space": "own", "retention_days": 0 })).await;
    assert_eq!(
        (status, &body["message"]),
        (
            StatusCode::BAD_REQUEST,
            &json!("Keep deleted items for 1 to 365 days.")
        )
    );
    // Another space: not found, as for every endpoint.
    app.space_with_assets_unsigned("other", 0).await;
    let (status, _) = put(&app, &json!({ "space": "other", "retention_days": 7 })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A GET changes nothing.
    let (status, _, _) = app
        .get("/api/space_settings?space=own&retention_days=9")
        .await;
    assert!(status.is_client_error(), "{status}");
    let days: i64 = sqlx::query_scalar("SELECT retention_days FROM spaces WHERE slug = 'own'")
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    assert_eq!(days, 7);
    let audited: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'settings_changed'")
            .fetch_one(&app.state.pool)
            .await
            .unwrap();
    assert_eq!(audited, 1, "the Admin's change; the refusals wrote nothing");
}

#[tokio::test]
async fn trash_lists_and_counts_what_expires_within_days() {
    let mut app = TestApp::new().await;
    app.freeze_clock(T0);
    let ids = app.space_with_assets("own", 3).await;
    trash(&app, &ids[..1]).await;
    at(&mut app, T0.plus_millis(5 * DAY)).await;
    trash(&app, &ids[1..2]).await;
    at(&mut app, T0.plus_millis(12 * DAY)).await;
    trash(&app, &ids[2..]).await;
    // Left: 2 days, 7 days, 14 days.
    let (_, page) = app.get_json("/api/list_trash?space=own").await;
    assert_eq!(page["expiring_soon"], 1);
    let soon: Vec<bool> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["expires_soon"].as_bool().unwrap())
        .collect();
    assert_eq!(soon, [false, false, true]);
    for (days, total) in [(1, 0), (3, 1), (7, 1), (8, 2), (365, 3)] {
        let (status, page) = app
            .get_json(&format!("/api/list_trash?space=own&expires_within={days}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(page["total"], total, "within {days}");
        let (_, count) = app
            .get_json(&format!("/api/count_trash?space=own&expires_within={days}"))
            .await;
        assert_eq!(count, total, "count within {days}");
    }
    for wrong in ["0", "366", "soon", "-3"] {
        let (status, body) = app
            .get_json(&format!("/api/list_trash?space=own&expires_within={wrong}"))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{wrong}: {body}");
    }
    // "Restore everything about to expire": all matching the filter.
    let body = json!({
        "space": "own",
        "matching": { "expires_within": 3 },
        "expected_count": 1,
    });
    let (status, _, bytes) = app.post_json("/api/restore_from_trash", &body).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    let outcome: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(outcome["restored"], 1);
    let (_, page) = app.get_json("/api/list_trash?space=own").await;
    assert_eq!(
        (page["total"].clone(), page["expiring_soon"].clone()),
        (json!(2), json!(0))
    );
}
