//! "All matching" and dry runs through the API: Trash's restore and
//! permanent deletion of everything matching its filters, with the
//! confirmed count, the empty-filter guard and `dry_run`.

use app::auth::model::Role;
use app::domain::time::Timestamp;
use app::platform::storage::FileKind;
use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::harness::{TestApp, OWNER, PASSWORD};

const MANAGER: &str = "manager@test.example";
/// 2026-11-28T13:30Z.
const NOV_28: Timestamp = Timestamp::from_millis(1_795_872_600_000);
const DAY: i64 = 24 * 60 * 60 * 1000;

async fn trashed_ids(app: &TestApp) -> Vec<i64> {
    sqlx::query_scalar("SELECT id FROM assets WHERE deleted_at IS NOT NULL ORDER BY id")
        .fetch_all(&app.state.pool)
        .await
        .unwrap()
}

async fn audit_count(app: &TestApp, action: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1")
        .bind(action)
        .fetch_one(&app.state.pool)
        .await
        .unwrap()
}

async fn post(app: &TestApp, path: &str, body: &Value) -> (StatusCode, Value) {
    let (status, _, bytes) = app.post_json(path, body).await;
    (status, serde_json::from_slice(&bytes).unwrap())
}

/// Owner deletes 0–4 on the 27th and 5–7 on the 28th; the manager deletes
/// 8–9 on the 28th. Returns the ids and the owner's user id.
async fn trash_in_three_batches(app: &mut TestApp) -> (Vec<i64>, i64) {
    app.freeze_clock(NOV_28.minus_millis(DAY));
    let ids = app.space_with_assets("own", 12).await;
    app.member(MANAGER, "own", Role::AssetManager).await;
    let owner: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(OWNER)
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    let move_ids = |ids: &[i64]| json!({ "space": "own", "ids": ids });
    assert_eq!(
        post(app, "/api/move_to_trash", &move_ids(&ids[..5]))
            .await
            .0,
        StatusCode::OK
    );
    app.freeze_clock(NOV_28);
    assert_eq!(
        post(app, "/api/move_to_trash", &move_ids(&ids[5..8]))
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(app.sign_in(MANAGER, PASSWORD).await, StatusCode::OK);
    assert_eq!(
        post(app, "/api/move_to_trash", &move_ids(&ids[8..10]))
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(app.sign_in(OWNER, PASSWORD).await, StatusCode::OK);
    (ids, owner)
}

/// "Put back everything the owner deleted on the 28th": counted, refused
/// on a stale count, previewed by a dry run, then restored as one change.
#[tokio::test]
async fn restore_all_matching_puts_back_exactly_the_confirmed_set() {
    let mut app = TestApp::new().await;
    let (ids, owner) = trash_in_three_batches(&mut app).await;
    let (status, count) = app
        .get_json(&format!(
            "/api/count_trash?space=own&by={owner}&from=2026-11-28&to=2026-11-28"
        ))
        .await;
    assert_eq!((status, count), (StatusCode::OK, json!(3)));
    let restore = |expected: u64, dry_run: bool| {
        json!({
            "space": "own",
            "matching": { "deleted_by": owner, "from": "2026-11-28", "to": "2026-11-28" },
            "expected_count": expected,
            "dry_run": dry_run,
        })
    };

    // The person saw 2: nothing changes, and the answer has the new number.
    let (status, body) = post(&app, "/api/restore_from_trash", &restore(2, false)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        (body["error"].as_str(), body["count"].as_u64()),
        (Some("count_changed"), Some(3))
    );
    assert_eq!(trashed_ids(&app).await.len(), 10);

    // A dry run says what would happen and changes nothing.
    let (status, body) = post(&app, "/api/restore_from_trash", &restore(3, true)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["restored"].as_u64(), body["dry_run"].as_bool()),
        (Some(3), Some(true))
    );
    assert_eq!(trashed_ids(&app).await.len(), 10);
    assert_eq!(audit_count(&app, "restore").await, 0);

    let (status, body) = post(&app, "/api/restore_from_trash", &restore(3, false)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["restored"].as_u64(), body["dry_run"].as_bool()),
        (Some(3), Some(false))
    );
    let mut left = ids[..5].to_vec();
    left.extend_from_slice(&ids[8..10]);
    assert_eq!(trashed_ids(&app).await, left);
    assert_eq!(audit_count(&app, "restore").await, 1);
}

/// A filter lost or mistyped on the way never widens the set.
#[tokio::test]
async fn a_lost_or_mistyped_trash_filter_is_refused() {
    let mut app = TestApp::new().await;
    trash_in_three_batches(&mut app).await;
    for (label, body) in [
        // No filter: only the whole of Trash (10) may be named.
        (
            "no filter",
            json!({ "space": "own", "matching": {}, "expected_count": 3 }),
        ),
        (
            "a misspelt filter",
            json!({ "space": "own", "matching": { "deleted_by_user": 1 }, "expected_count": 10 }),
        ),
        (
            "no count",
            json!({ "space": "own", "matching": { "search": "asset" } }),
        ),
        (
            "ids and matching",
            json!({ "space": "own", "ids": [1], "matching": { "search": "asset" }, "expected_count": 1 }),
        ),
        (
            "a day that does not exist",
            json!({ "space": "own", "matching": { "from": "2026-02-30" }, "expected_count": 1 }),
        ),
    ] {
        for path in ["/api/restore_from_trash", "/api/delete_permanently"] {
            let (status, _, body) = app.post_json(path, &body).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{label} to {path}");
            let body: Value = serde_json::from_slice(&body).unwrap();
            assert!(body["message"].is_string(), "{label}: {body}");
        }
    }
    assert_eq!(trashed_ids(&app).await.len(), 10);
}

/// Delete permanently everything matching a search and a day, files and
/// all; then the rest of Trash by its exact size.
#[tokio::test]
async fn delete_permanently_all_matching_removes_rows_and_files() {
    let mut app = TestApp::new().await;
    let (ids, _) = trash_in_three_batches(&mut app).await;
    let key: String = sqlx::query_scalar("SELECT storage_key FROM assets WHERE id = $1")
        .bind(ids[0])
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    let body = json!({
        "space": "own",
        "matching": { "search": "asset-00", "from": "2026-11-27", "to": "2026-11-27" },
        "expected_count": 5,
    });
    let (status, outcome) = post(&app, "/api/delete_permanently", &body).await;
    assert_eq!(status, StatusCode::OK, "{outcome}");
    assert_eq!(outcome["deleted"], 5);
    let gone: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM assets WHERE id <= $1")
        .bind(ids[4])
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    assert_eq!(gone, 0);
    // The first asset had a file and a thumbnail: they went with it.
    let storage = &app.state.storage;
    assert!(!storage.exists(FileKind::Original, &key).await.unwrap());
    assert!(!storage.exists(FileKind::Thumbnail, &key).await.unwrap());

    let rest = json!({ "space": "own", "matching": {}, "expected_count": 5 });
    let (status, outcome) = post(&app, "/api/delete_permanently", &rest).await;
    assert_eq!(
        (status, outcome["deleted"].as_u64()),
        (StatusCode::OK, Some(5))
    );
    assert!(trashed_ids(&app).await.is_empty());
    assert_eq!(audit_count(&app, "delete_permanently").await, 2);
}

/// `dry_run` on a move and a permanent deletion: the real answer, no change.
#[tokio::test]
async fn dry_runs_answer_without_changing_anything() {
    let app = TestApp::new().await;
    let ids = app.space_with_assets("own", 4).await;
    let body = json!({ "space": "own", "ids": [ids[0], ids[1]], "dry_run": true });
    let (status, outcome) = post(&app, "/api/move_to_trash", &body).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (outcome["moved"].as_u64(), outcome["dry_run"].as_bool()),
        (Some(2), Some(true))
    );
    let all = json!({ "space": "own", "matching": { "search": "asset" }, "expected_count": 4, "dry_run": true });
    let (status, outcome) = post(&app, "/api/move_to_trash", &all).await;
    assert_eq!(
        (status, outcome["moved"].as_u64()),
        (StatusCode::OK, Some(4))
    );
    assert!(trashed_ids(&app).await.is_empty());
    assert_eq!(audit_count(&app, "move_to_trash").await, 0);

    // A dry run is checked like the real thing.
    let stale = json!({ "space": "own", "matching": { "search": "asset" }, "expected_count": 3, "dry_run": true });
    assert_eq!(
        post(&app, "/api/move_to_trash", &stale).await.0,
        StatusCode::CONFLICT
    );

    app.trash(ids[2]).await;
    let purge = json!({ "space": "own", "ids": [ids[2]], "dry_run": true });
    let (status, outcome) = post(&app, "/api/delete_permanently", &purge).await;
    assert_eq!(
        (status, outcome["deleted"].as_u64()),
        (StatusCode::OK, Some(1))
    );
    assert_eq!(trashed_ids(&app).await, [ids[2]]);
}
