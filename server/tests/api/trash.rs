//! Trash through the API: moving, undoing, restoring, listing and deleting
//! permanently, with their refusals.

use app::auth::model::Role;
use app::domain::time::Timestamp;
use app::platform::storage::FileKind;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::Value;

use crate::harness::{TestApp, OWNER, PASSWORD};

async fn trashed_ids(app: &TestApp) -> Vec<i64> {
    sqlx::query_scalar("SELECT id FROM assets WHERE deleted_at IS NOT NULL ORDER BY id")
        .fetch_all(&app.state.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn move_to_trash_and_undo_through_the_api() {
    let app = TestApp::new().await;
    let ids = app.space_with_assets("own", 4).await;
    let body = serde_json::json!({ "space": "own", "ids": [ids[0], ids[1]] });
    let (status, _, outcome) = app.post_json("/api/move_to_trash", &body).await;
    assert_eq!(status, StatusCode::OK);
    let outcome: Value = serde_json::from_slice(&outcome).unwrap();
    assert_eq!(
        (outcome["moved"].as_u64(), outcome["skipped"].as_u64()),
        (Some(2), Some(0))
    );
    assert_eq!(trashed_ids(&app).await, ids[..2]);
    // Gone from the listing and from thumbnails.
    let (_, page) = app.get_json("/api/list_assets?space=own").await;
    assert_eq!(page["total"], 2);
    assert_eq!(
        app.get(&format!("/files/own/{}/thumbnail", ids[0])).await.0,
        StatusCode::NOT_FOUND
    );

    let undo = serde_json::json!({ "space": "own", "batch": outcome["batch"] });
    let (status, _, restored) = app.post_json("/api/restore_batch", &undo).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        serde_json::from_slice::<Value>(&restored).unwrap()["restored"],
        2
    );
    assert!(trashed_ids(&app).await.is_empty());
}

#[tokio::test]
async fn a_viewer_cannot_move_to_trash_and_nothing_changes() {
    let app = TestApp::new().await;
    let ids = app.space_with_assets("own", 2).await;
    app.member("viewer@test.example", "own", Role::Viewer).await;
    app.sign_in("viewer@test.example", PASSWORD).await;
    let body = serde_json::json!({ "space": "own", "ids": ids });
    let (status, _, body) = app.post_json("/api/move_to_trash", &body).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        serde_json::from_slice::<Value>(&body).unwrap()["error"],
        "forbidden"
    );
    assert!(trashed_ids(&app).await.is_empty());
}

#[tokio::test]
async fn foreign_ids_are_a_404_naming_them_and_nothing_changes() {
    let app = TestApp::new().await;
    let foreign = app.space_with_assets_unsigned("other", 1).await;
    let ids = app.space_with_assets("own", 2).await;
    let body = serde_json::json!({ "space": "own", "ids": [ids[0], foreign[0]] });
    let (status, _, body) = app.post_json("/api/move_to_trash", &body).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["error"], "unknown_assets");
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains(&foreign[0].to_string()));
    assert!(trashed_ids(&app).await.is_empty());
}

#[tokio::test]
async fn malformed_bulk_requests_are_json_400s() {
    let app = TestApp::new().await;
    let ids = app.space_with_assets("own", 2).await;
    let too_many: Vec<i64> = (1..=10_001).collect();
    for body in [
        serde_json::json!({ "space": "own", "ids": [] }),
        serde_json::json!({ "space": "own", "ids": too_many }),
        serde_json::json!({ "space": "own", "ids": [ids[0], ids[0], ids[0]] }),
        serde_json::json!({ "space": "own", "ids": ["one", "two"] }),
        serde_json::json!({ "space": "own", "ids": [-4] }),
        serde_json::json!({ "space": "own" }),
        serde_json::json!({ "ids": [ids[0]] }),
        serde_json::json!("not an object"),
    ] {
        let (status, _, response) = app.post_json("/api/move_to_trash", &body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let response: Value = serde_json::from_slice(&response).unwrap();
        assert_eq!(response["error"], "validation", "{body}");
        assert!(!response["message"].as_str().unwrap().is_empty());
    }
    let raw = Request::post("/api/move_to_trash")
        .header(header::HOST, "trove.test")
        .header(header::ORIGIN, "http://trove.test")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{not json"))
        .unwrap();
    assert_eq!(app.send(raw).await.0, StatusCode::BAD_REQUEST);
    assert!(trashed_ids(&app).await.is_empty());
}

#[tokio::test]
async fn move_to_trash_from_another_origin_is_refused() {
    let app = TestApp::new().await;
    let ids = app.space_with_assets("own", 1).await;
    let request = Request::post("/api/move_to_trash")
        .header(header::HOST, "trove.test")
        .header(header::ORIGIN, "http://evil.example")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            serde_json::json!({ "space": "own", "ids": ids }).to_string(),
        ))
        .unwrap();
    assert_eq!(app.send(request).await.0, StatusCode::FORBIDDEN);
    assert!(trashed_ids(&app).await.is_empty());
}

#[tokio::test]
async fn trash_lists_and_restores_through_the_api() {
    let app = TestApp::new().await;
    let ids = app.space_with_assets("own", 3).await;
    let body = serde_json::json!({ "space": "own", "ids": [ids[0], ids[1]] });
    assert_eq!(
        app.post_json("/api/move_to_trash", &body).await.0,
        StatusCode::OK
    );
    let (status, page) = app.get_json("/api/list_trash?space=own").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["total"], 2);
    assert_eq!(page["deleters"][0]["name"], OWNER);
    let trash = page["items"].as_array().unwrap();
    assert_eq!(trash.len(), 2);
    assert_eq!(trash[0]["days_left"], "14 days left");
    assert_eq!(trash[0]["deleted_by"], OWNER);

    let body = serde_json::json!({ "space": "own", "ids": [ids[0]] });
    let (status, _, outcome) = app.post_json("/api/restore_from_trash", &body).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        serde_json::from_slice::<Value>(&outcome).unwrap()["restored"],
        1
    );
    assert_eq!(trashed_ids(&app).await, [ids[1]]);

    // Without the delete permission the Trash page is a 403.
    app.member("viewer@test.example", "own", Role::Viewer).await;
    app.sign_in("viewer@test.example", PASSWORD).await;
    let (status, _, _) = app.get_page("/spaces/own/settings/trash").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn trash_filters_and_bad_cursors() {
    let app = TestApp::new().await;
    let ids = app.space_with_assets("own", 3).await;
    let body = serde_json::json!({ "space": "own", "ids": ids });
    assert_eq!(
        app.post_json("/api/move_to_trash", &body).await.0,
        StatusCode::OK
    );
    let (status, page) = app
        .get_json("/api/list_trash?space=own&q=asset-001&kind=image")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["id"], ids[1]);
    let (_, page) = app.get_json("/api/list_trash?space=own&kind=audio").await;
    assert_eq!(page["total"], 0);
    for uri in [
        "/api/list_trash?space=own&after=garbage",
        "/api/list_trash?space=own&after=a&before=b",
        "/api/list_trash?space=own&kind=spreadsheet",
        "/api/list_trash?space=own&by=ann",
    ] {
        let (status, error) = app.get_json(uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(error["error"], "validation", "{uri}");
    }
}

#[tokio::test]
async fn delete_permanently_needs_owner_or_admin_and_removes_files() {
    let app = TestApp::new().await;
    let ids = app.space_with_assets("own", 3).await;
    let key: String = sqlx::query_scalar("SELECT storage_key FROM assets WHERE id = $1")
        .bind(ids[0])
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    let body = serde_json::json!({ "space": "own", "ids": [ids[0], ids[1]] });
    assert_eq!(
        app.post_json("/api/move_to_trash", &body).await.0,
        StatusCode::OK
    );

    // An asset manager may restore but not delete permanently.
    app.member("manager@test.example", "own", Role::AssetManager)
        .await;
    app.sign_in("manager@test.example", PASSWORD).await;
    let (status, _, error) = app.post_json("/api/delete_permanently", &body).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        serde_json::from_slice::<Value>(&error).unwrap()["error"],
        "forbidden"
    );
    assert_eq!(trashed_ids(&app).await, [ids[0], ids[1]]);

    app.sign_in(OWNER, PASSWORD).await;
    for bad in [
        serde_json::json!({ "space": "own", "ids": [] }),
        serde_json::json!({ "space": "own", "ids": ["x"] }),
        serde_json::json!({ "space": "own", "ids": [ids[0], ids[0]] }),
        serde_json::json!({ "space": "own" }),
    ] {
        let (status, _, _) = app.post_json("/api/delete_permanently", &bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    }
    let (status, _, outcome) = app.post_json("/api/delete_permanently", &body).await;
    assert_eq!(status, StatusCode::OK);
    let outcome: Value = serde_json::from_slice(&outcome).unwrap();
    assert_eq!(outcome["deleted"], 2);
    assert!(trashed_ids(&app).await.is_empty());
    let storage = &app.state.storage;
    assert!(!storage.exists(FileKind::Original, &key).await.unwrap());
    assert!(!storage.exists(FileKind::Thumbnail, &key).await.unwrap());
    let (_, page) = app.get_json("/api/list_assets?space=own").await;
    assert_eq!(page["total"], 1);
    // Gone for good: a second request names them as unknown.
    let (status, _, _) = app.post_json("/api/delete_permanently", &body).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// The 14-day edge through the API, on a frozen clock: the last
/// millisecond is still restorable, the next is gone from Trash and its
/// restore is refused.
#[tokio::test]
async fn fourteen_days_after_deletion_trash_lets_go() {
    const T0: Timestamp = Timestamp::from_millis(1_800_000_000_000);
    const FOURTEEN_DAYS: i64 = 14 * 24 * 60 * 60 * 1000;
    let mut app = TestApp::new().await;
    app.freeze_clock(T0);
    let ids = app.space_with_assets("own", 2).await;
    let body = serde_json::json!({ "space": "own", "ids": [ids[0]] });
    assert_eq!(
        app.post_json("/api/move_to_trash", &body).await.0,
        StatusCode::OK
    );

    app.freeze_clock(T0.plus_millis(FOURTEEN_DAYS - 1));
    // Sessions end after 7 days: sign in again, at the new time.
    assert_eq!(app.sign_in(OWNER, PASSWORD).await, StatusCode::OK);
    let (_, page) = app.get_json("/api/list_trash?space=own").await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["days_left"], "Less than a day left");

    app.freeze_clock(T0.plus_millis(FOURTEEN_DAYS));
    assert_eq!(app.sign_in(OWNER, PASSWORD).await, StatusCode::OK);
    let (_, page) = app.get_json("/api/list_trash?space=own").await;
    assert_eq!(page["total"], 0);
    let restore = serde_json::json!({ "space": "own", "ids": [ids[0]] });
    let (status, _, body) = app.post_json("/api/restore_from_trash", &restore).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["error"], "conflict");
    assert_eq!(trashed_ids(&app).await, [ids[0]]);
}

/// "Select all N matching": the server resolves the set under the write
/// lock and moves it only if it is still the number the person confirmed.
#[tokio::test]
async fn all_matching_moves_exactly_the_confirmed_set_or_nothing() {
    let app = TestApp::new().await;
    let ids = app.space_with_assets("own", 12).await;
    let other = app.space_with_assets_unsigned("other", 3).await;
    // asset-010.png and asset-011.png do not match "asset-00".
    let (status, count) = app
        .get_json("/api/count_matching_assets?space=own&q=asset-00")
        .await;
    assert_eq!((status, count), (StatusCode::OK, serde_json::json!(10)));
    let matching = |expected: u64| {
        serde_json::json!({
            "space": "own",
            "matching": { "search": "asset-00" },
            "expected_count": expected,
        })
    };

    // One more asset matches than were confirmed: 409 with the new number.
    let (status, _, body) = app.post_json("/api/move_to_trash", &matching(9)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["error"], "count_changed");
    assert_eq!(body["count"], 10);
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("10 assets match now"));
    assert!(trashed_ids(&app).await.is_empty());

    // A filter lost on the way never widens the set to the whole space.
    let lost = serde_json::json!({ "space": "own", "matching": {}, "expected_count": 10 });
    let (status, _, _) = app.post_json("/api/move_to_trash", &lost).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Half a request, or both kinds at once.
    let half = serde_json::json!({ "space": "own", "matching": { "search": "asset" } });
    assert_eq!(
        app.post_json("/api/move_to_trash", &half).await.0,
        StatusCode::BAD_REQUEST
    );
    let both = serde_json::json!({
        "space": "own", "ids": [ids[0]], "matching": { "search": "asset" }, "expected_count": 12,
    });
    assert_eq!(
        app.post_json("/api/move_to_trash", &both).await.0,
        StatusCode::BAD_REQUEST
    );
    assert!(trashed_ids(&app).await.is_empty());

    // The confirmed number: all ten move as one batch, and Undo puts them back.
    let (status, _, outcome) = app.post_json("/api/move_to_trash", &matching(10)).await;
    assert_eq!(status, StatusCode::OK);
    let outcome: Value = serde_json::from_slice(&outcome).unwrap();
    assert_eq!(outcome["moved"], 10);
    assert_eq!(trashed_ids(&app).await, ids[..10]);
    assert!(other.iter().all(|id| !ids.contains(id)));
    let audits: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'move_to_trash'")
            .fetch_one(&app.state.pool)
            .await
            .unwrap();
    assert_eq!(audits, 1);
    let undo = serde_json::json!({ "space": "own", "batch": outcome["batch"] });
    assert_eq!(
        app.post_json("/api/restore_batch", &undo).await.0,
        StatusCode::OK
    );
    assert!(trashed_ids(&app).await.is_empty());

    // Without a search: the whole space, if the count is the whole space.
    let all =
        serde_json::json!({ "space": "own", "matching": { "search": "" }, "expected_count": 12 });
    assert_eq!(
        app.post_json("/api/move_to_trash", &all).await.0,
        StatusCode::OK
    );
    assert_eq!(trashed_ids(&app).await, ids);
}

/// "Deleted on" through the API: days as `YYYY-MM-DD`, clear 400s otherwise.
#[tokio::test]
async fn trash_filters_by_day_and_refuses_bad_days() {
    let mut app = TestApp::new().await;
    app.freeze_clock(Timestamp::from_millis(1_795_872_600_000)); // 2026-11-28T13:30Z
    let ids = app.space_with_assets("own", 2).await;
    let body = serde_json::json!({ "space": "own", "ids": [ids[0]] });
    assert_eq!(
        app.post_json("/api/move_to_trash", &body).await.0,
        StatusCode::OK
    );
    let (status, page) = app
        .get_json("/api/list_trash?space=own&from=2026-11-28&to=2026-11-28")
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["total"], 1);
    let (_, page) = app
        .get_json("/api/list_trash?space=own&from=2026-11-29")
        .await;
    assert_eq!(page["total"], 0);
    // Twelve hours behind UTC, 13:30Z is 01:30 on the 28th; fourteen
    // ahead, 03:30 on the 29th.
    let (_, page) = app
        .get_json("/api/list_trash?space=own&from=2026-11-29&tz=-840")
        .await;
    assert_eq!(page["total"], 1);
    for bad in ["from=2026-02-30", "to=28.11.2026", "from=2026-11-28&tz=900"] {
        let (status, body) = app
            .get_json(&format!("/api/list_trash?space=own&{bad}"))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(body["message"].is_string(), "{bad}: {body}");
    }
}

/// The ERROR events logged on this thread while it is alive.
struct ErrorEvents {
    seen: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    _guard: tracing::subscriber::DefaultGuard,
}

impl ErrorEvents {
    fn capture() -> Self {
        use tracing_subscriber::layer::SubscriberExt as _;
        let seen = std::sync::Arc::default();
        let layer = ErrorLayer(std::sync::Arc::clone(&seen));
        let subscriber = tracing_subscriber::registry().with(layer);
        Self {
            seen,
            _guard: tracing::subscriber::set_default(subscriber),
        }
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

struct ErrorLayer(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for ErrorLayer {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if *event.metadata().level() == tracing::Level::ERROR {
            let mut fields = String::new();
            event.record(
                &mut |field: &tracing::field::Field, value: &dyn std::fmt::Debug| {
                    fields.push_str(&format!("{field}={value:?} "));
                },
            );
            self.0
                .lock()
                .unwrap()
                .push(format!("{}: {fields}", event.metadata().target()));
        }
    }
}

/// An Undo of a batch the space does not know is the client's mistake: a
/// 404, logged below ERROR, where the server's own failures are.
#[tokio::test]
async fn a_refused_undo_is_not_logged_as_an_error() {
    let app = TestApp::new().await;
    app.space_with_assets("own", 1).await;
    let errors = ErrorEvents::capture();
    let undo = serde_json::json!({
        "space": "own",
        "batch": "6f1c0c1e-8d5b-4a5e-9f3a-2b7c9d0e1f2a",
    });
    let (status, _, _) = app.post_json("/api/restore_batch", &undo).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(errors.seen(), Vec::<String>::new());
}
