//! Router-level tests: the real axum router with a fresh SQLite database and
//! file store per test, driven with `oneshot` requests.
#![allow(clippy::unwrap_used)] // a failed setup step should fail the test loudly

#[path = "support/harness.rs"]
mod harness;

use app::auth::data::upsert_user;
use app::auth::model::{Permission, Role};
use app::clock::Clock;
use app::storage::FileKind;
use app::trash::bulk::{move_to_trash, restore_batch};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use harness::*;
use serde_json::Value;

#[tokio::test]
async fn healthz_answers_ok() {
    let app = TestApp::new().await;
    let (status, _, body) = app.get("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, b"ok");
}

#[tokio::test]
async fn list_assets_returns_a_page_with_a_cursor() {
    let app = TestApp::new().await;
    app.space_with_assets("marketing", 60).await;
    let (status, page) = app
        .get_json("/api/list_assets?space=marketing&sort=name&dir=asc")
        .await;
    assert_eq!(status, StatusCode::OK);
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 50);
    assert_eq!(items[0]["name"], "asset-000.png");
    assert_eq!(page["total"], 60);
    assert!(page["prev"].is_null());
    let next = page["next"].as_str().unwrap();

    let (status, second) = app
        .get_json(&format!(
            "/api/list_assets?space=marketing&sort=name&dir=asc&after={next}"
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(second["items"].as_array().unwrap().len(), 10);
    assert_eq!(second["items"][0]["name"], "asset-050.png");
    assert!(second["next"].is_null());
}

#[tokio::test]
async fn unknown_space_is_a_json_404() {
    let app = TestApp::new().await;
    app.space_with_assets("marketing", 1).await;
    let (status, body) = app.get_json("/api/list_assets?space=nowhere").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        body,
        serde_json::json!({ "error": "not_found", "message": "Not found." })
    );
}

#[tokio::test]
async fn bad_input_is_a_json_400_with_a_clear_message() {
    let app = TestApp::new().await;
    app.space_with_assets("marketing", 3).await;
    let long = "x".repeat(201);
    let cases = [
        "/api/list_assets?space=marketing&after=not-a-cursor".to_owned(),
        "/api/list_assets?space=marketing&sort=colour".to_owned(),
        "/api/list_assets?space=marketing&dir=up".to_owned(),
        "/api/list_assets?space=marketing&after=a&before=b".to_owned(),
        format!("/api/list_assets?space=marketing&q={long}"),
        "/api/list_assets".to_owned(),
    ];
    for uri in cases {
        let (status, body) = app.get_json(&uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {body}");
        assert_eq!(body["error"], "validation", "{uri}");
        let message = body["message"].as_str().unwrap();
        assert!(!message.is_empty(), "{uri}");
    }
    // A cursor made for another sort is refused, not misread.
    let (_, page) = app
        .get_json("/api/list_assets?space=marketing&sort=name")
        .await;
    assert!(page["next"].is_null());
    let (_, page) = app
        .get_json("/api/list_assets?space=marketing&sort=size")
        .await;
    assert!(page["items"].as_array().unwrap().len() == 3);
}

#[tokio::test]
async fn the_wrong_method_is_a_json_4xx() {
    let app = TestApp::new().await;
    let (status, _, body) = app.post_form("/api/list_assets", "space=marketing").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["error"], "validation");
}

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
async fn the_assets_page_is_rendered_on_the_server_with_its_rows() {
    let app = TestApp::new().await;
    app.space_with_assets("marketing", 3).await;
    let (status, _, body) = app
        .get_page("/spaces/marketing/assets?sort=name&dir=asc")
        .await;
    assert_eq!(status, StatusCode::OK);
    let html = String::from_utf8(body).unwrap();
    assert!(html.contains("<h1>Assets</h1>"), "{html}");
    assert!(html.contains("<tbody>"));
    for name in ["asset-000.png", "asset-001.png", "asset-002.png"] {
        assert!(html.contains(name), "{name} missing");
    }
    assert!(html.contains(r#"aria-label="Search assets""#));
}

#[tokio::test]
async fn unknown_spaces_and_paths_render_a_404_page() {
    let app = TestApp::new().await;
    app.space_with_assets("marketing", 1).await;
    for uri in ["/spaces/nowhere/assets", "/no/such/page"] {
        let (status, _, body) = app.get_page(uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(
            String::from_utf8(body).unwrap().contains("Page not found"),
            "{uri}"
        );
    }
}

#[tokio::test]
async fn home_redirects_to_the_first_space() {
    let app = TestApp::new().await;
    app.space_with_assets("marketing", 1).await;
    let (status, headers, _) = app.get_page("/").await;
    assert!(status.is_redirection(), "{status}");
    assert_eq!(headers[header::LOCATION], "/spaces/marketing/assets");
}

#[tokio::test]
async fn demo_data_is_seeded_once_with_real_files() {
    let app = TestApp::new().await;
    assert!(server::demo::seed_if_empty(&app.state).await.unwrap());
    assert!(
        !server::demo::seed_if_empty(&app.state).await.unwrap(),
        "seeded twice"
    );
    let signed_in = app
        .sign_in("owner@example.com", server::demo::DEMO_PASSWORD)
        .await;
    assert_eq!(signed_in, StatusCode::OK);

    let (_, page) = app.get_json("/api/list_assets?space=marketing").await;
    assert!(page["total"].as_i64().unwrap() >= 60);
    let (_, product) = app.get_json("/api/list_assets?space=product").await;
    assert!(product["total"].as_i64().unwrap() >= 3);

    let keys: Vec<(String, bool)> = sqlx::query_as("SELECT storage_key, has_thumbnail FROM assets")
        .fetch_all(&app.state.pool)
        .await
        .unwrap();
    let storage = &app.state.storage;
    for (key, has_thumbnail) in keys {
        assert!(storage.exists(FileKind::Original, &key).await.unwrap());
        assert_eq!(
            storage.exists(FileKind::Thumbnail, &key).await.unwrap(),
            has_thumbnail
        );
    }
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    assert_eq!(users, 3);
}

/// Who makes a request in the permission matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Actor {
    SignedOut,
    Member(Role),
}

const ACTORS: [Actor; 5] = [
    Actor::SignedOut,
    Actor::Member(Role::Viewer),
    Actor::Member(Role::AssetManager),
    Actor::Member(Role::Admin),
    Actor::Member(Role::Owner),
];

fn email_of(role: Role) -> String {
    format!(
        "{}@matrix.example",
        role.label().replace(' ', "-").to_lowercase()
    )
}

/// Every server function × every actor × {own space, other space}: the
/// status is the one DESIGN.md §1 gives, and a refused request changes
/// nothing. A server function missing from `expected` fails the test.
#[tokio::test]
async fn permission_matrix_covers_every_server_function() {
    let app = TestApp::new().await;
    let own_ids = app.space_with_assets_unsigned("own", 2).await;
    let other_ids = app.space_with_assets_unsigned("other", 2).await;
    for actor in ACTORS {
        if let Actor::Member(role) = actor {
            app.member(&email_of(role), "own", role).await;
        }
    }

    // (path, method) → the status for an actor in a space.
    type Rule = Box<dyn Fn(Actor, &str) -> StatusCode>;
    fn needs(permission: Permission) -> Rule {
        Box::new(move |actor, space| match actor {
            Actor::SignedOut => StatusCode::UNAUTHORIZED,
            Actor::Member(_) if space != "own" => StatusCode::NOT_FOUND,
            Actor::Member(role) if role.allows(permission) => StatusCode::OK,
            Actor::Member(_) => StatusCode::FORBIDDEN,
        })
    }
    // One asset in Trash, and one finished batch (moved, then restored).
    let own = app.space_id("own").await;
    let by = upsert_user(&app.state.pool, "setup@test.example", "Setup", "x", 0)
        .await
        .unwrap();
    let trashed = own_ids[0];
    let done = move_to_trash(&app.state.pool, own, by, &[own_ids[1]], &Clock::frozen(1))
        .await
        .unwrap();
    restore_batch(&app.state.pool, own, by, &done.batch, &Clock::frozen(2))
        .await
        .unwrap();
    move_to_trash(&app.state.pool, own, by, &[trashed], &Clock::frozen(3))
        .await
        .unwrap();
    let expected: Vec<(&str, &str, Rule)> = vec![
        ("/api/list_assets", "GET", needs(Permission::View)),
        ("/api/get_asset", "GET", needs(Permission::View)),
        ("/api/upload_limit", "GET", needs(Permission::Upload)),
        // Sent with the asset's current name: allowed, and changes nothing.
        ("/api/rename_asset", "POST", needs(Permission::Upload)),
        (
            "/api/list_spaces",
            "GET",
            Box::new(|actor, _| match actor {
                Actor::SignedOut => StatusCode::UNAUTHORIZED,
                Actor::Member(_) => StatusCode::OK,
            }),
        ),
        ("/api/current_user", "GET", Box::new(|_, _| StatusCode::OK)),
        // Public: a wrong password is refused the same way for everyone.
        (
            "/api/sign_in",
            "POST",
            Box::new(|_, _| StatusCode::UNAUTHORIZED),
        ),
        ("/api/sign_out", "POST", Box::new(|_, _| StatusCode::OK)),
        // Sent for an asset already in Trash (own space), so an allowed
        // request answers 200 and still changes nothing.
        ("/api/move_to_trash", "POST", needs(Permission::Delete)),
        // Sent for a batch whose assets are already back.
        ("/api/restore_batch", "POST", needs(Permission::Delete)),
        ("/api/list_trash", "GET", needs(Permission::Delete)),
        // Sent for a live asset, which is skipped.
        ("/api/restore_from_trash", "POST", needs(Permission::Delete)),
        // Sent for a live asset too: skipped, nothing deleted.
        ("/api/delete_permanently", "POST", needs(Permission::Purge)),
    ];

    let registered: std::collections::BTreeSet<(String, String)> =
        leptos::server_fn::axum::server_fn_paths()
            .map(|(path, method)| (path.to_owned(), method.to_string()))
            .collect();
    let covered: std::collections::BTreeSet<(String, String)> = expected
        .iter()
        .map(|(path, method, _)| ((*path).to_owned(), (*method).to_owned()))
        .collect();
    assert_eq!(
        registered, covered,
        "add every server function to the permission matrix"
    );

    let snapshot = || async {
        let rows: Vec<(i64, String, i64, Option<i64>)> =
            sqlx::query_as("SELECT id, name, updated_at, deleted_at FROM assets ORDER BY id")
                .fetch_all(&app.state.pool)
                .await
                .unwrap();
        rows
    };
    let before = snapshot().await;
    for actor in ACTORS {
        for space in ["own", "other"] {
            for (path, method, rule) in &expected {
                match actor {
                    Actor::SignedOut => *app.cookie.lock().unwrap() = None,
                    Actor::Member(role) => {
                        assert_eq!(app.sign_in(&email_of(role), PASSWORD).await, StatusCode::OK)
                    }
                }
                let live = if space == "own" {
                    own_ids[1]
                } else {
                    other_ids[0]
                };
                let status = if *path == "/api/get_asset" {
                    app.get(&format!("{path}?space={space}&id={live}")).await.0
                } else if *method == "GET" {
                    app.get(&format!("{path}?space={space}")).await.0
                } else if *path == "/api/rename_asset" {
                    let name = if space == "own" {
                        "asset-001.png"
                    } else {
                        "asset-000.png"
                    };
                    let body = serde_json::json!({ "space": space, "id": live, "name": name });
                    app.post_json(path, &body).await.0
                } else if *path == "/api/move_to_trash" {
                    let id = if space == "own" {
                        trashed
                    } else {
                        other_ids[0]
                    };
                    let body = serde_json::json!({ "space": space, "ids": [id] });
                    app.post_json(path, &body).await.0
                } else if *path == "/api/restore_from_trash" || *path == "/api/delete_permanently" {
                    let id = if space == "own" {
                        own_ids[1]
                    } else {
                        other_ids[0]
                    };
                    let body = serde_json::json!({ "space": space, "ids": [id] });
                    app.post_json(path, &body).await.0
                } else if *path == "/api/restore_batch" {
                    let body = serde_json::json!({ "space": space, "batch": done.batch });
                    app.post_json(path, &body).await.0
                } else {
                    let body = format!("space={space}&email=nobody%40x.example&password=wrong");
                    app.post_form(path, &body).await.0
                };
                assert_eq!(
                    status,
                    rule(actor, space),
                    "{method} {path} as {actor:?} in {space}"
                );
            }
        }
    }
    assert_eq!(
        snapshot().await,
        before,
        "a request in the matrix changed data"
    );
}

#[tokio::test]
async fn cross_origin_mutations_are_refused_and_change_nothing() {
    let app = TestApp::new().await;
    app.space_with_assets("own", 1).await;
    for (origin, referer) in [
        (Some("http://evil.example"), None),
        (None, Some("http://evil.example/page")),
        (Some("null"), Some("http://trove.test/")),
        (None, None),
    ] {
        let mut request = Request::post("/api/sign_out")
            .header(header::HOST, "trove.test")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(origin) = origin {
            request = request.header(header::ORIGIN, origin);
        }
        if let Some(referer) = referer {
            request = request.header(header::REFERER, referer);
        }
        let (status, _, body) = app.send(request.body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{origin:?} {referer:?}");
        assert_eq!(
            serde_json::from_slice::<Value>(&body).unwrap()["error"],
            "forbidden"
        );
        // Still signed in: the sign-out did not happen.
        assert_eq!(app.get("/api/list_spaces").await.0, StatusCode::OK);
    }
    // The same request from the site itself goes through.
    let (status, _, _) = app.post_form("/api/sign_out", "").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn sign_in_rotates_the_session_and_sign_out_ends_it() {
    let app = TestApp::new().await;
    app.space_with_assets("own", 1).await;
    let first = app.cookie.lock().unwrap().clone().unwrap();
    assert!(first.starts_with("trove_session="));
    // The cookie attributes: HttpOnly, SameSite=Lax.
    let body = format!("email={}&password={}", encode(OWNER), encode(PASSWORD));
    let (_, headers, _) = app.post_form("/api/sign_in", &body).await;
    let set_cookie = headers[header::SET_COOKIE].to_str().unwrap().to_owned();
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    let second = set_cookie.split(';').next().unwrap().to_owned();
    assert_ne!(first, second, "signing in again issues a new session id");

    *app.cookie.lock().unwrap() = Some(second.clone());
    assert_eq!(app.post_form("/api/sign_out", "").await.0, StatusCode::OK);
    // The old cookie, replayed, is worthless.
    *app.cookie.lock().unwrap() = Some(second);
    assert_eq!(
        app.get("/api/list_spaces").await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn wrong_passwords_and_unknown_emails_get_the_same_answer() {
    let app = TestApp::new().await;
    app.space_with_assets("own", 1).await;
    for (email, password) in [(OWNER, "wrong password"), ("nobody@test.example", PASSWORD)] {
        let body = format!("email={}&password={}", encode(email), encode(password));
        let (status, _, body) = app.post_form("/api/sign_in", &body).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["message"], "Invalid email or password");
    }
}

#[tokio::test]
async fn repeated_sign_in_attempts_are_throttled() {
    let app = TestApp::with_default_limits().await;
    app.space_with_assets_unsigned("own", 1).await;
    app.member(OWNER, "own", Role::Owner).await;
    // Signing in often is never throttled: only failures count.
    for _ in 0..10 {
        assert_eq!(app.sign_in(OWNER, PASSWORD).await, StatusCode::OK);
    }
    let mut statuses = Vec::new();
    for _ in 0..7 {
        let body = format!("email={}&password=guess", encode(OWNER));
        statuses.push(app.post_form("/api/sign_in", &body).await.0);
    }
    assert_eq!(&statuses[..5], [StatusCode::UNAUTHORIZED; 5]);
    assert_eq!(statuses[5], StatusCode::TOO_MANY_REQUESTS);
    let body = format!("email={}&password={}", encode(OWNER), encode(PASSWORD));
    let (status, _, body) = app.post_form("/api/sign_in", &body).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits now"
    );
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["error"], "rate_limited");
    assert!(body["message"]
        .as_str()
        .unwrap()
        .starts_with("Too many failed sign-in attempts. Try again in"));
}

#[tokio::test]
async fn signed_out_visitors_are_sent_to_sign_in_and_back() {
    let app = TestApp::new().await;
    app.space_with_assets_unsigned("own", 1).await;
    let (status, headers, _) = app.get_page("/spaces/own/assets?sort=name").await;
    assert!(status.is_redirection(), "{status}");
    assert_eq!(
        headers[header::LOCATION],
        "/login?next=%2Fspaces%2Fown%2Fassets%3Fsort%3Dname"
    );
    let (status, _, body) = app.get_page("/login").await;
    assert_eq!(status, StatusCode::OK);
    let html = String::from_utf8(body).unwrap();
    assert!(html.contains("Sign in") && html.contains(r#"name="password""#));
}

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
async fn delete_permanently_needs_owner_or_admin_and_removes_files() {
    let app = TestApp::new().await;
    let ids = app.space_with_assets("own", 3).await;
    let key: String = sqlx::query_scalar("SELECT storage_key FROM assets WHERE id = ?")
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

#[tokio::test]
async fn renaming_checks_the_name_and_the_permission() {
    let app = TestApp::new().await;
    let ids = app.space_with_assets("own", 2).await;
    let rename =
        |id: i64, name: &str| serde_json::json!({ "space": "own", "id": id, "name": name });
    let (status, _, body) = app
        .post_json("/api/rename_asset", &rename(ids[0], "  Logo final.png "))
        .await;
    assert_eq!(status, StatusCode::OK);
    let details: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(details["asset"]["name"], "Logo final.png");
    for bad in ["", "   ", "a/b.png", &"x".repeat(256)] {
        let (status, _, _) = app
            .post_json("/api/rename_asset", &rename(ids[0], bad))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad:?}");
    }
    app.trash(ids[1]).await;
    let (status, _, _) = app
        .post_json("/api/rename_asset", &rename(ids[1], "x.png"))
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a trashed asset is not renamed"
    );
    app.member("viewer@test.example", "own", Role::Viewer).await;
    app.sign_in("viewer@test.example", PASSWORD).await;
    let (status, _, _) = app
        .post_json("/api/rename_asset", &rename(ids[0], "y.png"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
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
