//! A fresh server as an attacker on the network meets it: no account with
//! a published password, and no way to hold its connections with slow or
//! idle clients.

use std::time::{Duration, Instant};

use crate::client;
use crate::process::{exclusive, Trove, OWNER, SPACE};

/// Without `--demo`, a fresh `trove serve` has no account at all (the demo
/// password is published), and it says how to create the first Owner.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_server_has_no_demo_accounts() {
    let _one = exclusive().await;
    let mut trove = Trove::new();
    trove.start(&[]).await;
    let answer = trove
        .client()
        .post_form(
            "/api/sign_in",
            "email=owner%40example.com&password=trove-demo",
        )
        .await;
    assert_eq!(answer.status, 401, "{}", answer.text());
    assert!(
        trove.log_tail().contains("trove user add"),
        "{}",
        trove.log_tail()
    );
}

/// A client that sends its headers a byte at a time, or never finishes
/// them, is cut off at the header deadline (10 s) instead of holding a
/// connection for ever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_finishes_its_headers_is_cut_off() {
    let _one = exclusive().await;
    let mut trove = Trove::new();
    trove.start(&[]).await;
    let authority = trove.client().authority;
    let stream = client::connect(&authority).await.unwrap();
    let started = Instant::now();
    client::write_all(
        &stream,
        format!("GET /healthz HTTP/1.1\r\nHost: {authority}\r\n").as_bytes(),
    )
    .await
    .unwrap();
    let answer = tokio::time::timeout(Duration::from_secs(30), client::read_to_end(&stream))
        .await
        .expect("the server closes the connection");
    let waited = started.elapsed();
    assert!(
        (Duration::from_secs(9)..Duration::from_secs(20)).contains(&waited),
        "closed after {waited:?}"
    );
    // hyper answers 408 or just closes; either way nothing was served.
    let answer = answer.unwrap_or_default();
    assert!(!String::from_utf8_lossy(&answer).contains("200 OK"));
}

/// Beyond `--max-connections`, new connections are closed at once (not
/// queued), and the server serves again as soon as some go.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_beyond_the_cap_are_closed_at_once() {
    let _one = exclusive().await;
    let mut trove = Trove::new();
    trove.start(&[("TROVE_MAX_CONNECTIONS", "4")]).await;
    let authority = trove.client().authority;
    let mut idle = Vec::new();
    for _ in 0..4 {
        // Each is served once and kept open: the server has taken all four
        // before the fifth comes, however busy the machine (a fixed pause
        // was not enough while other builds ran).
        let stream = client::connect(&authority).await.unwrap();
        let request = format!("GET /healthz HTTP/1.1\r\nHost: {authority}\r\n\r\n");
        client::write_all(&stream, request.as_bytes())
            .await
            .unwrap();
        let head = client::read_head(&stream).await.unwrap();
        assert!(String::from_utf8_lossy(&head).starts_with("HTTP/1.1 200"));
        idle.push(stream);
    }
    let extra = client::connect(&authority).await.unwrap();
    let started = Instant::now();
    let read = tokio::time::timeout(Duration::from_secs(5), client::read_to_end(&extra))
        .await
        .expect("the fifth connection is closed at once");
    assert!(read.map_or(true, |bytes| bytes.is_empty()));
    assert!(started.elapsed() < Duration::from_secs(2));
    drop(idle);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let health = trove.client().get("/healthz").await;
    assert_eq!(health.status, 200);
}

/// A client that stops reading a download is cut off after the stall
/// limit, instead of holding the connection and the open file for ever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_a_download_is_cut_off() {
    const FILE_BYTES: usize = 40 * 1024 * 1024;
    let _one = exclusive().await;
    let mut trove = Trove::new();
    trove.add_user(OWNER, SPACE, "owner").await;
    trove.start(&[("TROVE_STALL_TIMEOUT", "2s")]).await;
    let owner = trove.sign_in(OWNER).await;
    // Far more than the socket buffers on both sides can hold.
    let upload = owner
        .upload(SPACE, "big.bin", &vec![7_u8; FILE_BYTES])
        .await;
    assert_eq!(upload.status, 201, "{}", upload.text());
    let id = upload.json()["id"].as_i64().unwrap();

    let stream = client::connect(&owner.authority).await.unwrap();
    let request = owner.request("GET", &format!("/files/{SPACE}/{id}/download"), None, b"");
    client::write_all(&stream, &request).await.unwrap();
    // Read nothing for well over the stall limit.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let received = tokio::time::timeout(Duration::from_secs(30), client::read_to_end(&stream))
        .await
        .expect("the server has given up on this connection");
    let received = received.map_or(0, |bytes| bytes.len());
    assert!(
        received < FILE_BYTES,
        "the whole file arrived ({received} bytes): the stalled connection was kept"
    );
    // The server is fine and serves others.
    assert_eq!(trove.client().get("/healthz").await.status, 200);
}
