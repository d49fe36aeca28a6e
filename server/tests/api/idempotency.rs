//! `Idempotency-Key`: a retried mutation returns the first answer instead
//! of acting twice; the key is the user's, kept a day, and bound to one
//! request.

use app::auth::model::Role;
use app::domain::time::Timestamp;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};

use crate::harness::{encode, TestApp, PASSWORD};

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

async fn kept_keys(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM idempotency_keys")
        .fetch_one(&app.state.pool)
        .await
        .unwrap()
}

async fn assets(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM assets")
        .fetch_one(&app.state.pool)
        .await
        .unwrap()
}

/// An upload with its file as the body, as the browser sends it.
fn upload_request(key: &str, space: &str, name: &str, body: Body) -> Request<Body> {
    Request::post(format!("/api/upload?space={space}&name={}", encode(name)))
        .header(header::ORIGIN, "http://trove.test")
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .header("idempotency-key", key)
        .body(body)
        .unwrap()
}

/// An upload in the multipart field `file`, framed by `boundary` (clients
/// pick a new one for every request, a retry too).
fn multipart_request(key: &str, boundary: &str, name: &str, bytes: &[u8]) -> Request<Body> {
    let (content_type, body) = crate::harness::multipart_file_in(boundary, name, bytes);
    Request::post("/api/upload?space=own")
        .header(header::ORIGIN, "http://trove.test")
        .header(header::CONTENT_TYPE, content_type)
        .header("idempotency-key", key)
        .body(Body::from(body))
        .unwrap()
}

async fn send_json(
    app: &TestApp,
    request: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, Value) {
    let (status, headers, bytes) = app.send(request).await;
    (
        status,
        headers,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
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

    // A refusal acted on nothing: it is not kept, and a retry is judged
    // afresh.
    let bad = json!({ "space": "own", "ids": [999_999] });
    let (status, _, _) = post_with_key(&app, "/api/move_to_trash", "k-2", &bad).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, headers, _) = post_with_key(&app, "/api/move_to_trash", "k-2", &bad).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(headers.get("idempotent-replayed").is_none());
    assert_eq!(kept_keys(&app).await, 1, "only k-1's answer");
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

    // A day later the key is free again, and housekeeping forgets it.
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
    server::housekeeping(&app.state).await.unwrap();
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM idempotency_keys")
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    assert_eq!(
        kept, 1,
        "the owner's day-old key is forgotten, the new one kept"
    );
}

#[tokio::test]
async fn requests_that_may_not_act_leave_no_key() {
    let app = TestApp::new().await;
    let ids = app.space_with_assets("own", 2).await;
    app.space_with_assets_unsigned("other", 1).await;
    app.member("viewer@test.example", "own", Role::Viewer).await;
    app.member("manager@test.example", "own", Role::AssetManager)
        .await;
    let body = json!({ "space": "own", "ids": [ids[0]] });

    // An unknown path, even from someone who may change the space.
    let (status, _, _) = post_with_key(&app, "/api/no_such_thing", "k-path", &body).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A space that is not theirs.
    let foreign = json!({ "space": "other", "ids": [1] });
    let (status, _, _) = post_with_key(&app, "/api/move_to_trash", "k-foreign", &foreign).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(kept_keys(&app).await, 0);

    // A Viewer, many times over.
    assert_eq!(
        app.sign_in("viewer@test.example", PASSWORD).await,
        StatusCode::OK
    );
    for n in 0..5 {
        let (status, _, _) =
            post_with_key(&app, "/api/move_to_trash", &format!("k-{n}"), &body).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    let (status, _, _) = upload_then(&app, "k-up").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(kept_keys(&app).await, 0);

    // A member who may change the space, but not this way.
    assert_eq!(
        app.sign_in("manager@test.example", PASSWORD).await,
        StatusCode::OK
    );
    let (status, _, _) = post_with_key(&app, "/api/delete_permanently", "k-purge", &body).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(kept_keys(&app).await, 0);
    assert_eq!(audit_entries(&app).await, 0);
}

async fn upload_then(app: &TestApp, key: &str) -> (StatusCode, axum::http::HeaderMap, Value) {
    send_json(
        app,
        upload_request(key, "own", "notes.txt", Body::from("hello")),
    )
    .await
}

#[tokio::test]
async fn a_retry_after_losing_the_right_is_refused_not_replayed() {
    let app = TestApp::new().await;
    let ids = app.space_with_assets("own", 2).await;
    app.member("manager@test.example", "own", Role::AssetManager)
        .await;
    assert_eq!(
        app.sign_in("manager@test.example", PASSWORD).await,
        StatusCode::OK
    );
    let body = json!({ "space": "own", "ids": [ids[0]] });
    let (status, _, _) = post_with_key(&app, "/api/move_to_trash", "k", &body).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = upload_then(&app, "k-up").await;
    assert_eq!(status, StatusCode::CREATED);

    app.member("manager@test.example", "own", Role::Viewer)
        .await;
    let (status, headers, answer) = post_with_key(&app, "/api/move_to_trash", "k", &body).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
    assert!(headers.get("idempotent-replayed").is_none());
    let (status, headers, _) = upload_then(&app, "k-up").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(headers.get("idempotent-replayed").is_none());
}

#[tokio::test]
async fn an_upload_under_a_key_is_made_once() {
    let app = TestApp::new().await;
    app.space_with_assets("own", 1).await;
    let before = assets(&app).await;
    let (status, headers, first) = upload_then(&app, "k").await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert!(headers.get("idempotent-replayed").is_none());

    let (status, headers, again) = upload_then(&app, "k").await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(headers["idempotent-replayed"], "true");
    assert_eq!(again, first);
    assert_eq!(assets(&app).await, before + 1);

    // Another file (same name, same length) or another name under the key
    // is another request.
    let other = upload_request("k", "own", "notes.txt", Body::from("HELLO"));
    let (status, _, body) = send_json(&app, other).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"], "idempotency_key_reused");
    let renamed = upload_request("k", "own", "other.txt", Body::from("hello"));
    assert_eq!(
        send_json(&app, renamed).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // Multipart: a retry has a new boundary; the file is what counts.
    let (status, _, first) = send_json(
        &app,
        multipart_request("k-m", "one-boundary", "a.txt", b"text"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (status, headers, again) = send_json(
        &app,
        multipart_request("k-m", "another-longer-boundary", "a.txt", b"text"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(headers["idempotent-replayed"], "true");
    assert_eq!(again, first);
    let (status, _, _) = send_json(&app, multipart_request("k-m", "b", "a.txt", b"TEXT")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(assets(&app).await, before + 2);

    // A refused upload keeps nothing: the retry acts.
    let (status, _, _) = send_json(
        &app,
        upload_request("k-e", "own", "empty.txt", Body::empty()),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(kept_keys(&app).await, 2);
}

#[tokio::test]
async fn an_upload_retried_while_the_first_is_running_is_409() {
    use futures::SinkExt as _;
    let app = TestApp::new().await;
    app.space_with_assets("own", 1).await;
    let before = assets(&app).await;
    let (mut sender, chunks) =
        futures::channel::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(1);
    let first = app.send(upload_request(
        "k",
        "own",
        "notes.txt",
        Body::from_stream(chunks),
    ));
    let retry = async {
        sender.send(Ok(b"hel".to_vec())).await.unwrap();
        // The first holds the key (its claim is written before its body is read).
        for _ in 0..200 {
            if kept_keys(&app).await > 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        assert_eq!(kept_keys(&app).await, 1, "the first upload claims its key");
        let (status, _, body) = upload_then(&app, "k").await;
        sender.send(Ok(b"lo".to_vec())).await.unwrap();
        drop(sender);
        (status, body)
    };
    let ((status, _, first), (retried, body)) = tokio::join!(first, retry);
    assert_eq!(retried, StatusCode::CONFLICT, "{body}");
    assert_eq!(status, StatusCode::CREATED);
    let first: Value = serde_json::from_slice(&first).unwrap();

    let (status, headers, again) = upload_then(&app, "k").await;
    assert_eq!(
        (status, &headers["idempotent-replayed"]),
        (StatusCode::CREATED, &"true".parse().unwrap())
    );
    assert_eq!(again, first);
    assert_eq!(assets(&app).await, before + 1);
}

#[tokio::test]
async fn an_upload_cut_off_releases_its_key_for_the_retry() {
    let app = TestApp::new().await;
    app.space_with_assets("own", 1).await;
    let before = assets(&app).await;
    let (sender, chunks) = futures::channel::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(1);
    let first = app.send(upload_request(
        "k",
        "own",
        "notes.txt",
        Body::from_stream(chunks),
    ));
    let claimed = async {
        while kept_keys(&app).await == 0 {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    };
    // The connection closes while the body is still coming: the request
    // is dropped with its key claimed.
    tokio::select! {
        _ = first => panic!("the upload finished without its body"),
        () = claimed => {}
        () = tokio::time::sleep(std::time::Duration::from_secs(5)) => panic!("no claim"),
    }
    drop(sender);
    // The claim is released by a task the drop starts: its DELETE may take
    // a while on a loaded database (the full suite on PostgreSQL), but it
    // must land before the claim would have gone stale, which is what a
    // retry would otherwise wait for.
    let released = async {
        while kept_keys(&app).await != 0 {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    };
    assert!(
        tokio::time::timeout(server::idempotency::STALE_AFTER, released)
            .await
            .is_ok(),
        "the dropped upload's claim was not released before it went stale"
    );
    // The retry acts then, rather than 409 until the claim goes stale.
    let (status, headers, asset) = upload_then(&app, "k").await;
    assert_eq!(status, StatusCode::CREATED, "{asset}");
    assert!(headers.get("idempotent-replayed").is_none());
    assert_eq!(assets(&app).await, before + 1);
}
