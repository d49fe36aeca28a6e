//! Router-level tests of the attacks and faults found in review (issue 10):
//! each failed before its fix. The fault suite (`faults.rs`) keeps the
//! whole classes out with real processes.
#![allow(clippy::unwrap_used)] // a failed setup step should fail the test loudly

#[path = "support/harness.rs"]
mod harness;

use std::time::Duration;

use app::auth::model::Role;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use harness::*;
use serde_json::{json, Value};
use tower::ServiceExt as _;

fn sign_in_body(email: &str, password: &str, next: &str) -> String {
    format!(
        "email={}&password={}&next={next}",
        encode(email),
        encode(password)
    )
}

/// `next` with a TAB, CR or LF (which browsers drop) or another control
/// character never leaves the site, and never breaks the response.
#[tokio::test]
async fn sign_in_never_redirects_off_the_site() {
    let app = TestApp::new().await;
    app.space_with_assets_unsigned("own", 1).await;
    app.member(OWNER, "own", Role::Owner).await;
    for next in [
        "%2F%09%2Fevil.example",
        "%2F%0A%2Fevil.example",
        "%2F%0D%2Fevil.example",
        "%2F%01",
        "%2F%7F",
        "%2F%5Cevil.example",
        "https%3A%2F%2Fevil.example",
    ] {
        let body = sign_in_body(OWNER, PASSWORD, next);
        let (status, headers, _) = app.post_form("/api/sign_in", &body).await;
        assert!(
            status.is_success() || status.is_redirection(),
            "{next}: {status}"
        );
        assert_eq!(headers[header::LOCATION], "/", "{next}");
    }
    // A good `next` is still followed.
    let body = sign_in_body(OWNER, PASSWORD, "%2Fspaces%2Fown%2Fassets%3Fq%3Da");
    let (_, headers, _) = app.post_form("/api/sign_in", &body).await;
    assert_eq!(headers[header::LOCATION], "/spaces/own/assets?q=a");
}

#[tokio::test]
async fn the_sign_in_page_sends_a_signed_in_visitor_only_to_this_site() {
    let app = TestApp::new().await;
    app.space_with_assets("own", 1).await;
    for next in ["%2F%09%2Fevil.example", "%2F%01x"] {
        let (status, headers, _) = app.get_page(&format!("/login?next={next}")).await;
        assert!(status.is_redirection(), "{next}: {status}");
        assert_eq!(headers[header::LOCATION], "/", "{next}");
    }
}

/// 60 wrong passwords sent at once: only the first 5 are checked, the
/// rest are refused before any password work.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_guesses_cannot_outrun_the_throttle() {
    let app = TestApp::with_default_limits().await;
    app.space_with_assets_unsigned("own", 1).await;
    app.member(OWNER, "own", Role::Owner).await;
    let guesses = (0..60).map(|i| {
        let request = Request::post("/api/sign_in")
            .header(header::HOST, "trove.test")
            .header(header::ORIGIN, "http://trove.test")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(sign_in_body(
                OWNER,
                &format!("guess {i}"),
                "%2F",
            )))
            .unwrap();
        app.router.clone().oneshot(request)
    });
    let statuses: Vec<StatusCode> = futures::future::join_all(guesses)
        .await
        .into_iter()
        .map(|response| response.unwrap().status())
        .collect();
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((checked, refused), (5, 55), "{statuses:?}");
}

/// A DNS-rebinding page: its Host and Origin agree with each other, but
/// not with the name this server answers to.
#[tokio::test]
async fn requests_for_another_host_name_are_refused() {
    let app = TestApp::new().await;
    app.space_with_assets_unsigned("own", 1).await;
    app.member(OWNER, "own", Role::Owner).await;
    let request = Request::post("/api/sign_in")
        .header(header::HOST, "evil.test:3000")
        .header(header::ORIGIN, "http://evil.test:3000")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(sign_in_body(OWNER, PASSWORD, "%2F")))
        .unwrap();
    let (status, headers, body) = app.send(request).await;
    assert_eq!(status, StatusCode::MISDIRECTED_REQUEST);
    assert!(headers.get(header::SET_COOKIE).is_none());
    assert_eq!(
        serde_json::from_slice::<Value>(&body).unwrap()["error"],
        "wrong_host"
    );
    // Pages too; and a request target's own authority (absolute-form
    // HTTP/1.1, as HTTP/2's `:authority` arrives) counts as the host.
    let page = Request::get("/login")
        .header(header::HOST, "evil.test:3000")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(page).await.0, StatusCode::MISDIRECTED_REQUEST);
    let h2 = Request::get("http://evil.test:3000/login")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(h2).await.0, StatusCode::MISDIRECTED_REQUEST);
    let h2 = Request::get("http://trove.test/login")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(h2).await.0, StatusCode::OK);
    // The right name with a foreign Origin is still no change.
    let request = Request::post("/api/sign_in")
        .header(header::HOST, "trove.test")
        .header(header::ORIGIN, "http://evil.test:3000")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(sign_in_body(OWNER, PASSWORD, "%2F")))
        .unwrap();
    assert_eq!(app.send(request).await.0, StatusCode::FORBIDDEN);
    // Load balancers may probe by address.
    let probe = Request::get("/healthz")
        .header(header::HOST, "10.0.0.7:3000")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(probe).await.0, StatusCode::OK);
}

/// Pages carry a CSP whose nonce is on every inline script, and no page
/// may be framed.
#[tokio::test]
async fn pages_carry_a_nonce_csp_and_cannot_be_framed() {
    let app = TestApp::new().await;
    app.space_with_assets_unsigned("own", 2).await;
    app.member(OWNER, "own", Role::Owner).await;
    let mut pages = vec![app.get_page("/login").await];
    // Another render, another nonce.
    let again = app.get_page("/login").await;
    assert_ne!(
        pages[0].1[header::CONTENT_SECURITY_POLICY],
        again.1[header::CONTENT_SECURITY_POLICY]
    );
    assert_eq!(app.sign_in(OWNER, PASSWORD).await, StatusCode::OK);
    for path in [
        "/spaces/own/assets",
        "/spaces/own/settings/trash",
        "/nowhere",
    ] {
        pages.push(app.get_page(path).await);
    }
    for (path, (status, headers, body)) in [
        "/login",
        "/spaces/own/assets",
        "/spaces/own/settings/trash",
        "/nowhere",
    ]
    .into_iter()
    .zip(pages)
    {
        assert!(
            status == StatusCode::OK || status == StatusCode::NOT_FOUND,
            "{path}: {status}"
        );
        let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .unwrap();
        let html = String::from_utf8(body).unwrap();
        // Every script tag carries this render's nonce.
        let tags: Vec<&str> = html
            .split("<script")
            .skip(1)
            .map(|rest| rest.split('>').next().unwrap_or_default())
            .collect();
        assert!(!tags.is_empty(), "{path}: no scripts");
        for tag in &tags {
            assert!(
                tag.contains(&format!("nonce=\"{nonce}\"")),
                "{path}: <script{tag}> has no nonce"
            );
        }
        assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
        assert_eq!(headers[header::REFERRER_POLICY], "same-origin");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }
    // API answers allow nothing at all.
    let (_, headers, _) = app.get("/api/list_spaces").await;
    assert_eq!(
        headers[header::CONTENT_SECURITY_POLICY],
        "default-src 'none'; frame-ancestors 'none'"
    );
}

/// An upload of one file that sends its start (the multipart head and
/// `first`) and then nothing, ever.
fn stalled_upload(space: &str, first: Vec<u8>) -> Request<Body> {
    let boundary = "trove-test-boundary-7d1f";
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"slow.bin\"\r\n\r\n"
    );
    let start = futures::stream::iter(vec![Ok::<_, std::io::Error>(head.into_bytes()), Ok(first)]);
    let body = futures::StreamExt::chain(start, futures::stream::pending());
    Request::post(format!("/api/upload?space={space}"))
        .header(header::HOST, "trove.test")
        .header(header::ORIGIN, "http://trove.test")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from_stream(body))
        .unwrap()
}

/// An upload that stops sending is cut off after the idle limit, and its
/// staging file goes with it.
#[tokio::test]
async fn a_stalled_upload_is_cut_off_and_leaves_nothing() {
    let mut app = TestApp::new().await;
    app.state.request_limits.body_idle = Duration::from_millis(300);
    app.router = server::router(app.state.clone());
    app.space_with_assets("own", 1).await;
    let request = stalled_upload("own", vec![7_u8; 64 * 1024]);
    let (status, _, body) = tokio::time::timeout(Duration::from_secs(10), app.send(request))
        .await
        .expect("the stalled upload is answered");
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("stalled"),
        "{body}"
    );
    assert_eq!(app.temp_files().await, 0);
    let (_, page) = app.get_json("/api/list_assets?space=own").await;
    assert_eq!(page["total"], 1);
}

/// Beyond the cap on requests in progress, the answer is 503 at once
/// rather than a queue without end; and no request runs past its time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overload_is_answered_quickly_and_requests_have_a_deadline() {
    let mut app = TestApp::new().await;
    app.state.request_limits.max_in_flight = 1;
    app.router = server::router(app.state.clone());
    app.space_with_assets("own", 1).await;
    // One upload that never finishes holds the only slot.
    let mut hold = stalled_upload("own", Vec::new());
    hold.headers_mut().insert(
        header::COOKIE,
        app.cookie.lock().unwrap().clone().unwrap().parse().unwrap(),
    );
    let held = tokio::spawn(app.router.clone().oneshot(hold));
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = std::time::Instant::now();
    let (status, headers, body) = app.get("/api/list_spaces").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(headers[header::RETRY_AFTER], "1");
    assert_eq!(
        serde_json::from_slice::<Value>(&body).unwrap()["error"],
        "unavailable"
    );
    assert!(started.elapsed() < Duration::from_secs(1));
    held.abort();

    // A request over its time limit is answered 503.
    let mut app = TestApp::new().await;
    app.state.request_limits.timeout = Duration::from_millis(1);
    app.router = server::router(app.state.clone());
    app.space_with_assets_unsigned("own", 1).await;
    app.member(OWNER, "own", Role::Owner).await;
    let body = sign_in_body(OWNER, PASSWORD, "%2F");
    assert_eq!(
        app.post_form("/api/sign_in", &body).await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );
}

/// A 56-megapixel PNG of ~60 KB is kept, with its dimensions, but never
/// decoded.
#[tokio::test]
async fn huge_pictures_are_kept_without_being_decoded() {
    let app = TestApp::new().await;
    app.space_with_assets("own", 1).await;
    let image = image::GrayImage::from_pixel(8000, 7000, image::Luma([90]));
    let mut png = Vec::new();
    image::DynamicImage::ImageLuma8(image)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let (status, asset) = app.upload("own", "poster.png", &png).await;
    assert_eq!(status, StatusCode::CREATED, "{asset}");
    assert_eq!(asset["width"], 8000);
    assert_eq!(asset["height"], 7000);
    assert_eq!(asset["has_thumbnail"], false);
}

/// `invoice\u{202E}fdp.exe` would display as `invoiceexe.pdf`.
#[tokio::test]
async fn names_cannot_reorder_themselves() {
    let app = TestApp::new().await;
    app.space_with_assets("own", 1).await;
    let (status, asset) = app
        .upload("own", "invoice\u{202E}fdp.exe", b"just text\n")
        .await;
    assert_eq!(status, StatusCode::CREATED, "{asset}");
    assert_eq!(asset["name"], "invoicefdp.exe");
    let id = asset["id"].as_i64().unwrap();
    let (status, _, body) = app
        .post_json(
            "/api/rename_asset",
            &json!({"space": "own", "id": id, "name": "report\u{2067}fdp.exe"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("invisible"),
        "{body}"
    );
}
