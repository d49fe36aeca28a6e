//! Signing in and out: sessions, the origin check on mutations, wrong
//! passwords, throttling and the redirect to sign in.

use std::str::FromStr as _;

use app::auth::data::upsert_user;
use app::auth::model::Role;
use app::auth::password;
use app::platform::clock::MILLIS_PER_MINUTE;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::Value;
use tower_sessions::session::Id;
use tower_sessions::SessionStore as _;

use crate::harness::{encode, TestApp, OWNER, PASSWORD};

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

/// Whether the session of `cookie` ("trove_session=…") has a row.
async fn session_row_exists(app: &TestApp, cookie: &str) -> bool {
    let id = Id::from_str(cookie.trim_start_matches("trove_session=")).unwrap();
    app.state.sessions.load(&id).await.unwrap().is_some()
}

/// Sign-out is final: a request that began before it (a slow upload) and
/// saves the session as it ends (the five-minute renewal is due) must not
/// bring the session back, in this server's memory or in the table.
#[tokio::test]
async fn a_request_in_flight_cannot_undo_sign_out() {
    let mut app = TestApp::new().await;
    app.space_with_assets("own", 1).await;
    let cookie = app.cookie.lock().unwrap().clone().unwrap();
    // Six minutes on, the next request renews the session.
    let later = app.state.clock.now().plus_millis(6 * MILLIS_PER_MINUTE);
    app.freeze_clock(later);

    // The upload's body: its first read says the upload is under way
    // (authorized, the renewal made), then waits until sign-out is done.
    let (started, upload_started) = tokio::sync::oneshot::channel::<()>();
    let (release, released) = tokio::sync::oneshot::channel::<()>();
    let body = futures::stream::unfold(Some((started, released)), |waiting| async move {
        let (started, released) = waiting?;
        let _ = started.send(());
        let _ = released.await;
        Some((
            Ok::<_, std::io::Error>(bytes::Bytes::from_static(b"slow")),
            None,
        ))
    });
    let upload = Request::post("/api/upload?space=own&name=slow.txt")
        .header(header::ORIGIN, "http://trove.test")
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from_stream(body))
        .unwrap();
    let sign_out = async {
        upload_started.await.unwrap();
        assert_eq!(app.post_form("/api/sign_out", "").await.0, StatusCode::OK);
        assert!(!session_row_exists(&app, &cookie).await);
        release.send(()).unwrap();
    };
    let ((status, _, _), ()) = tokio::join!(app.send(upload), sign_out);
    assert_eq!(status, StatusCode::CREATED, "the upload began signed in");

    // The old cookie, replayed: refused at once (this server's memory)...
    assert_eq!(
        app.get("/api/list_spaces").await.0,
        StatusCode::UNAUTHORIZED
    );
    // ...and by the table, which another server (or this one, once its
    // memory of sessions has expired) reads.
    assert!(!session_row_exists(&app, &cookie).await);
    app.freeze_clock(later); // a new router: nothing remembered
    assert_eq!(
        app.get("/api/list_spaces").await.0,
        StatusCode::UNAUTHORIZED
    );
}

/// A new password (`trove user add` on an existing account calls
/// `upsert_user`) ends every session of that account, and only those.
#[tokio::test]
async fn a_new_password_ends_the_account_s_sessions() {
    let app = TestApp::new().await;
    app.space_with_assets("own", 1).await;
    let first = app.cookie.lock().unwrap().clone().unwrap();
    assert_eq!(app.sign_in(OWNER, PASSWORD).await, StatusCode::OK);
    let second = app.cookie.lock().unwrap().clone().unwrap();
    app.member("viewer@test.example", "own", Role::Viewer).await;
    assert_eq!(
        app.sign_in("viewer@test.example", PASSWORD).await,
        StatusCode::OK
    );
    let viewer = app.cookie.lock().unwrap().clone().unwrap();
    let status_with = |cookie: &str| {
        *app.cookie.lock().unwrap() = Some(cookie.to_owned());
        app.get("/api/list_spaces")
    };
    for cookie in [&first, &second, &viewer] {
        assert_eq!(status_with(cookie).await.0, StatusCode::OK);
    }

    let hash = password::hash("a brand new password").unwrap();
    upsert_user(&app.state.pool, OWNER, OWNER, &hash, app.state.clock.now())
        .await
        .unwrap();
    // Written behind the server's back, as the CLI does: forget the
    // generations it remembers instead of waiting `recent::FRESH_FOR`.
    app.state.recent_session_generations.invalidate_all();

    for cookie in [&first, &second] {
        assert_eq!(status_with(cookie).await.0, StatusCode::UNAUTHORIZED);
        assert!(
            !session_row_exists(&app, cookie).await,
            "ended, not just refused"
        );
    }
    assert_eq!(status_with(&viewer).await.0, StatusCode::OK);
    assert_eq!(
        app.sign_in(OWNER, "a brand new password").await,
        StatusCode::OK
    );
    assert_eq!(app.get("/api/list_spaces").await.0, StatusCode::OK);
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

/// A known account is throttled under its id, an unknown email under the
/// text typed: the two must never meet, or anyone could lock an account
/// out without knowing its email by typing what its key is made of.
#[tokio::test]
async fn an_email_spelling_an_account_s_id_does_not_lock_it_out() {
    let app = TestApp::with_default_limits().await;
    app.space_with_assets_unsigned("own", 1).await;
    app.member(OWNER, "own", Role::Owner).await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(OWNER)
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    for _ in 0..5 {
        let body = format!("email={}&password=guess", encode(&format!("user {id}")));
        assert_eq!(
            app.post_form("/api/sign_in", &body).await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(app.sign_in(OWNER, PASSWORD).await, StatusCode::OK);
}

/// The account is counted by what the database finds, not by the text
/// typed: every spelling its lookup takes (on PostgreSQL's ICU collation
/// also full-width letters) counts against one account.
#[tokio::test]
async fn spellings_of_one_email_share_the_account_s_limit() {
    let app = TestApp::with_default_limits().await;
    app.space_with_assets_unsigned("own", 1).await;
    app.member(OWNER, "own", Role::Owner).await;
    // SQLite's NOCASE equates ASCII case; PostgreSQL's ICU collation also
    // full-width letters, which `to_lowercase` leaves apart.
    let other = match app::platform::db::dialect() {
        app::platform::db::Dialect::Sqlite => OWNER.to_uppercase(),
        app::platform::db::Dialect::Postgres => OWNER
            .chars()
            .map(|c| match c {
                'a'..='z' => char::from_u32(u32::from(c) - u32::from('a') + 0xFF41).unwrap(),
                c => c,
            })
            .collect(),
    };
    let spellings = [OWNER, other.as_str()];
    let mut statuses = Vec::new();
    for n in 0..6 {
        let body = format!("email={}&password=guess", encode(spellings[n % 2]));
        statuses.push(app.post_form("/api/sign_in", &body).await.0);
    }
    assert_eq!(&statuses[..5], [StatusCode::UNAUTHORIZED; 5]);
    assert_eq!(statuses[5], StatusCode::TOO_MANY_REQUESTS);
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
