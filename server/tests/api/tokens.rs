//! API tokens: `Authorization: Bearer` on `/api/*`, as the person who made
//! the token, in its space only, with at most its role; revoked at once;
//! never a page, a sign-in or a token of its own; guesses throttled.

use app::auth::model::Role;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};

use crate::harness::{tiny_png, TestApp, OWNER, PASSWORD};

/// A request with `token` and nothing else a browser would add: no cookie,
/// no Origin.
async fn with_token(
    app: &TestApp,
    method: &str,
    uri: &str,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, axum::http::HeaderMap, Value) {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, "trove.test")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .unwrap();
    let saved = app.cookie.lock().unwrap().take();
    let (status, headers, body) = app.send(request).await;
    *app.cookie.lock().unwrap() = saved;
    (
        status,
        headers,
        serde_json::from_slice(&body).unwrap_or(Value::Null),
    )
}

/// A token made through the API by whoever is signed in.
async fn make_token(app: &TestApp, space: &str, name: &str, role: &str) -> String {
    let (status, _, body) = app
        .post_json(
            "/api/create_token",
            &json!({ "space": space, "name": name, "role": role }),
        )
        .await;
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(status, StatusCode::OK, "{body}");
    body["secret"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_token_acts_in_its_space_only_with_at_most_its_role() {
    let app = TestApp::new().await;
    let ids = app.space_with_assets("marketing", 3).await;
    app.space_with_assets_unsigned("product", 1).await;
    app.member(OWNER, "product", Role::Owner).await;
    let viewer = make_token(&app, "marketing", "Reader", "viewer").await;
    assert!(viewer.starts_with("trove_pat_"));

    let (status, _, page) = with_token(
        &app,
        "GET",
        "/api/list_assets?space=marketing",
        &viewer,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["items"].as_array().unwrap().len(), 3);
    // Another space of the same person: as if it did not exist.
    let (status, ..) =
        with_token(&app, "GET", "/api/list_assets?space=product", &viewer, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, _, spaces) = with_token(&app, "GET", "/api/list_spaces", &viewer, None).await;
    assert_eq!(spaces.as_array().unwrap().len(), 1, "{spaces}");
    assert_eq!(spaces[0]["role"], "viewer");
    // The Owner's token of role Viewer may not delete, Origin or not.
    let body = json!({ "space": "marketing", "ids": [ids[0]] });
    let (status, ..) = with_token(
        &app,
        "POST",
        "/api/move_to_trash",
        &viewer,
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // An Asset Manager token may, with no Origin and no cookie; the audit
    // log names the person and the token.
    let manager = make_token(&app, "marketing", "CMS", "asset_manager").await;
    let (status, _, moved) =
        with_token(&app, "POST", "/api/move_to_trash", &manager, Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["moved"], 1);
    let (actor, token): (Option<String>, Option<String>) = sqlx::query_as(
        "SELECT u.email, t.name FROM audit_log l
         LEFT JOIN users u ON u.id = l.actor_id LEFT JOIN api_tokens t ON t.id = l.token_id",
    )
    .fetch_one(&app.state.pool)
    .await
    .unwrap();
    assert_eq!(
        (actor.as_deref(), token.as_deref()),
        (Some(OWNER), Some("CMS"))
    );
    // Undo too, as the same person through the same token.
    let undo = json!({ "space": "marketing", "batch": moved["batch"] });
    let (status, ..) = with_token(&app, "POST", "/api/restore_batch", &manager, Some(undo)).await;
    assert_eq!(status, StatusCode::OK);

    // Uploads (a plain route, not a server function) take tokens too.
    let request = Request::post("/api/upload?space=marketing&name=from-cms.png")
        .header(header::HOST, "trove.test")
        .header(header::AUTHORIZATION, format!("Bearer {manager}"))
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from(tiny_png()))
        .unwrap();
    *app.cookie.lock().unwrap() = None;
    let (status, _, body) = app.send(request).await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&body)
    );
}

#[tokio::test]
async fn a_token_follows_its_makers_role_and_membership() {
    let app = TestApp::new().await;
    let ids = app.space_with_assets("marketing", 2).await;
    app.member("admin@test.example", "marketing", Role::Admin)
        .await;
    assert_eq!(
        app.sign_in("admin@test.example", PASSWORD).await,
        StatusCode::OK
    );
    let token = make_token(&app, "marketing", "Build", "admin").await;
    let body = json!({ "space": "marketing", "ids": [ids[0]], "dry_run": true });
    let (status, ..) = with_token(
        &app,
        "POST",
        "/api/move_to_trash",
        &token,
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // The maker becomes a Viewer: the token at once (no cache to wait out).
    app.member("admin@test.example", "marketing", Role::Viewer)
        .await;
    let (status, ..) = with_token(
        &app,
        "POST",
        "/api/move_to_trash",
        &token,
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The maker leaves the space: the token stops.
    sqlx::query("DELETE FROM memberships WHERE user_id = (SELECT id FROM users WHERE email = $1)")
        .bind("admin@test.example")
        .execute(&app.state.pool)
        .await
        .unwrap();
    let (status, headers, error) = with_token(
        &app,
        "GET",
        "/api/list_assets?space=marketing",
        &token,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(error["error"], "invalid_token");
    assert!(headers[header::WWW_AUTHENTICATE]
        .to_str()
        .unwrap()
        .starts_with("Bearer"));
}

#[tokio::test]
async fn revoking_is_immediate_and_only_people_manage_tokens() {
    let app = TestApp::new().await;
    app.space_with_assets("marketing", 1).await;
    let token = make_token(&app, "marketing", "CMS", "admin").await;
    let (status, ..) = with_token(
        &app,
        "GET",
        "/api/list_assets?space=marketing",
        &token,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // A token makes no tokens, lists none and revokes none.
    let (status, ..) = with_token(
        &app,
        "POST",
        "/api/create_token",
        &token,
        Some(json!({ "space": "marketing", "name": "Heir", "role": "admin" })),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, ..) = with_token(
        &app,
        "GET",
        "/api/list_tokens?space=marketing",
        &token,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, list) = app.get_json("/api/list_tokens?space=marketing").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list[0]["name"], "CMS");
    assert_eq!(list[0]["role"], "admin");
    assert!(list[0].get("secret").is_none(), "{list}");
    let id = list[0]["id"].clone();
    let (status, ..) = app
        .post_json(
            "/api/revoke_token",
            &json!({ "space": "marketing", "id": id }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, error) = with_token(
        &app,
        "GET",
        "/api/list_assets?space=marketing",
        &token,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(error["error"], "invalid_token");
    let (_, list) = app.get_json("/api/list_tokens?space=marketing").await;
    assert_eq!(list, json!([]));
}

#[tokio::test]
async fn roles_are_capped_when_making_a_token() {
    let app = TestApp::new().await;
    app.space_with_assets("marketing", 1).await;
    // No Owner tokens, even from an Owner.
    let (status, ..) = app
        .post_json(
            "/api/create_token",
            &json!({ "space": "marketing", "name": "Root", "role": "owner" }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Names are unique among live tokens.
    make_token(&app, "marketing", "CMS", "viewer").await;
    let (status, ..) = app
        .post_json(
            "/api/create_token",
            &json!({ "space": "marketing", "name": "cms", "role": "viewer" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    // An Asset Manager manages no tokens at all.
    app.member("manager@test.example", "marketing", Role::AssetManager)
        .await;
    assert_eq!(
        app.sign_in("manager@test.example", PASSWORD).await,
        StatusCode::OK
    );
    let (status, ..) = app
        .post_json(
            "/api/create_token",
            &json!({ "space": "marketing", "name": "Mine", "role": "viewer" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn tokens_never_open_pages_or_sign_in_and_ignore_cookies() {
    let app = TestApp::new().await;
    let ids = app.space_with_assets("marketing", 1).await;
    let viewer = make_token(&app, "marketing", "Reader", "viewer").await;
    for (method, uri) in [
        ("GET", "/spaces/marketing/assets"),
        ("GET", "/"),
        ("POST", "/api/sign_in"),
        ("POST", "/api/sign_out"),
    ] {
        let (status, _, body) = with_token(&app, method, uri, &viewer, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{method} {uri}: {body}");
    }
    // With the Owner's cookie beside it, the request is still the Viewer
    // token's: the cookie is not read.
    let request = Request::post("/api/move_to_trash")
        .header(header::HOST, "trove.test")
        .header(header::AUTHORIZATION, format!("Bearer {viewer}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({ "space": "marketing", "ids": [ids[0]] }).to_string(),
        ))
        .unwrap();
    let (status, headers, _) = app.send(request).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(headers.get(header::SET_COOKIE).is_none());
}

#[tokio::test]
async fn guessed_tokens_are_throttled_per_address() {
    let app = TestApp::with_default_limits().await;
    app.space_with_assets("marketing", 1).await;
    let mut statuses = Vec::new();
    for i in 0..8 {
        let guess = format!("trove_pat_{:0>43}", i);
        let (status, ..) = with_token(
            &app,
            "GET",
            "/api/list_assets?space=marketing",
            &guess,
            None,
        )
        .await;
        statuses.push(status);
    }
    // Five failures per address and kind, then refused outright.
    assert_eq!(statuses[..5], [StatusCode::UNAUTHORIZED; 5]);
    assert!(
        statuses[5..]
            .iter()
            .all(|s| *s == StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    // A missing token is a failure too, not a way around the count.
    let (status, ..) = with_token(&app, "GET", "/api/list_assets?space=marketing", "", None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}
