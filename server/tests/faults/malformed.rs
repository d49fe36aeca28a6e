//! Broken input on every endpoint, at the router (no process): wrong types,
//! ids out of range, deep nesting, 10,001 and 200,000 ids, invalid UTF-8,
//! huge values, bad cursors, absurd Range headers, broken multipart.
//!
//! The endpoints come from the server-function registry and
//! `server::plain_route_list()`, so a new one gets the whole-request cases as soon
//! as it exists. The arguments of a server function are found by asking
//! it: a request without them is refused naming the first missing field
//! (serde's "missing field `x`"), which is then added with a harmless value
//! (an unknown id, an unknown batch, a wrong password: every harmless
//! request is a 4xx or a read). Each argument then gets the broken values
//! for its name. Optional arguments do not show up that way; the known ones
//! are listed in `discover::OPTIONAL`.
//!
//! For each case: no 5xx and no panic; a 4xx unless the endpoint takes no
//! input at all; an `/api/` refusal is Trove's JSON error; and nothing in
//! the database or the file store changed.

mod cases;
mod discover;
mod router_app;

use axum::http::header;
use serde_json::Value;

use cases::plain_route_cases;
use discover::{discover, Encoding};
use router_app::{Answer, RouterApp, Wire};

const HOST: &str = "trove.test";
const ORIGIN: &str = "http://trove.test";
const FORM: &str = "application/x-www-form-urlencoded";
const JSON: &str = "application/json";
/// Ids and batches that exist nowhere: harmless to send anywhere.
const UNKNOWN_ID: i64 = 999_999_999;
const UNKNOWN_BATCH: &str = "00000000-0000-4000-8000-000000000000";
/// Huge values: 100,000 characters in bodies; in URLs 60,000, because the
/// `http` crate refuses a URI over 65,534 bytes (and a real server's
/// header limit refuses one long before the app sees it).
const LONG_IN_BODY: usize = 100_000;
const LONG_IN_URL: usize = 60_000;
const NESTING: usize = 10_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_input_on_every_endpoint_is_a_4xx_and_changes_nothing() {
    let (mut app, fixture) = RouterApp::with_fixture().await;
    let start = app.snapshot().await;

    let mut registered: Vec<(String, String)> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| (path.to_owned(), method.to_string()))
        .collect();
    registered.sort();
    let mut server_fns = Vec::new();
    for (path, method) in &registered {
        server_fns.push(discover(&mut app, path, method).await);
    }
    // Without arguments found, every endpoint would look like one that
    // takes none, and most cases would prove nothing.
    let restoring = server_fns
        .iter()
        .find(|f| f.path == "/api/restore_from_trash")
        .expect("restore_from_trash is registered");
    assert_eq!(restoring.encoding, Encoding::Json);
    // `restore_from_trash` and `move_to_trash` take `ids` or `matching`:
    // only `space` is required, and the rest are listed in
    // `discover::OPTIONAL`.
    assert_eq!(restoring.argument_names(), ["space"]);
    let moving = server_fns
        .iter()
        .find(|f| f.path == "/api/move_to_trash")
        .expect("move_to_trash is registered");
    assert_eq!(moving.encoding, Encoding::Json);
    assert_eq!(moving.argument_names(), ["space"]);
    assert_eq!(
        app.snapshot().await,
        start,
        "discovering the arguments changed data"
    );

    let mut cases = Vec::new();
    for server_fn in &server_fns {
        cases.extend(server_fn.cases());
    }
    let plain_routes = server::plain_route_list();
    for &(method, pattern) in &plain_routes {
        cases.extend(plain_route_cases(method, pattern, &fixture));
    }

    let mut failures = Vec::new();
    let mut before = start;
    for case in &cases {
        let answer = app.send(&case.wire).await;
        if let Some(problem) = judge(case, &answer) {
            failures.push(format!(
                "{}: {problem}; body: {}",
                case.describe(),
                shorten(&String::from_utf8_lossy(&answer.body), 200)
            ));
        }
        let after = app.snapshot().await;
        if after != before {
            failures.push(format!("{}: changed the data", case.describe()));
            before = after;
        }
    }
    eprintln!(
        "malformed: {} cases on {} server functions ({}) and {} plain routes",
        cases.len(),
        server_fns.len(),
        server_fns
            .iter()
            .map(|f| format!("{} {:?} {:?}", f.path, f.encoding, f.argument_names()))
            .collect::<Vec<_>>()
            .join(", "),
        plain_routes.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} malformed requests were mishandled:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// What a case must get back (never a 5xx, in every case).
#[derive(Debug, Clone)]
enum Expect {
    /// A 4xx.
    Refused,
    /// The endpoint takes no input, so it may ignore the junk: anything
    /// but a 5xx.
    NoServerError,
    /// A Range on a download of these bytes: the whole file (200; RFC 9110
    /// lets a server ignore a Range it will not serve), exactly the part
    /// asked for (206), or 416.
    Range(Vec<u8>),
}

struct Case {
    label: String,
    wire: Wire,
    expect: Expect,
}

impl Case {
    fn new(label: impl Into<String>, wire: Wire, expect: Expect) -> Self {
        Self {
            label: label.into(),
            wire,
            expect,
        }
    }

    fn describe(&self) -> String {
        format!(
            "{} {} [{}]",
            self.wire.method,
            shorten(&self.wire.target, 100),
            self.label
        )
    }
}

fn judge(case: &Case, answer: &Answer) -> Option<String> {
    let status = answer.status;
    if status.is_server_error() {
        return Some(format!("answered {status}"));
    }
    match &case.expect {
        Expect::Refused if !status.is_client_error() => {
            return Some(format!("answered {status}, not a 4xx"));
        }
        Expect::Range(full) => {
            if let Some(problem) = judge_range(full, answer) {
                return Some(problem);
            }
        }
        _ => {}
    }
    if status.is_client_error() && case.wire.path().starts_with("/api/") {
        let error: Value = serde_json::from_slice(&answer.body).unwrap_or(Value::Null);
        if !error["error"].is_string() {
            return Some(format!("answered {status} without a JSON error"));
        }
    }
    None
}

fn judge_range(full: &[u8], answer: &Answer) -> Option<String> {
    match answer.status.as_u16() {
        200 if answer.body != full => Some(format!(
            "200 with {} bytes of a {}-byte file",
            answer.body.len(),
            full.len()
        )),
        206 => {
            let range = answer
                .headers
                .get(header::CONTENT_RANGE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            let parsed = range
                .strip_prefix("bytes ")
                .and_then(|r| r.split_once('/'))
                .and_then(|(span, total)| {
                    let (start, end) = span.split_once('-')?;
                    Some((
                        start.parse::<usize>().ok()?,
                        end.parse::<usize>().ok()?,
                        total.parse::<usize>().ok()?,
                    ))
                });
            match parsed {
                Some((start, end, total))
                    if total == full.len()
                        && start <= end
                        && end < total
                        && answer.body == full[start..=end] =>
                {
                    None
                }
                _ => Some(format!(
                    "206 with Content-Range {range:?} and {} bytes",
                    answer.body.len()
                )),
            }
        }
        _ => None,
    }
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let head: String = text.chars().take(max).collect();
    format!("{head}… ({} characters)", text.chars().count())
}
