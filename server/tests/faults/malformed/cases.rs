//! Broken values by argument name, and the cases for the plain routes
//! (path parameters, Range headers, multipart uploads).

use super::router_app::{Fixture, Wire};
use super::{Case, Expect, JSON, LONG_IN_BODY, LONG_IN_URL, NESTING, UNKNOWN_ID};
use crate::process::SPACE;

/// Values of the wrong type or out of range for a JSON argument, raw.
pub(super) fn bad_json(name: &str) -> Vec<(String, String)> {
    let long = format!("\"{}\"", "x".repeat(LONG_IN_BODY));
    let mut cases: Vec<(&str, String)> = vec![
        ("null", "null".into()),
        ("an object", "{}".into()),
        (
            "10,000 nested arrays",
            format!("{}{}", "[".repeat(NESTING), "]".repeat(NESTING)),
        ),
        ("a number out of range", "1e400".into()),
    ];
    let ids = |n: usize| {
        let listed: Vec<String> = (1..=n).map(|i| i.to_string()).collect();
        format!("[{}]", listed.join(","))
    };
    match name {
        "ids" | "folder_ids" => cases.extend([
            ("a string", "\"1,2\"".into()),
            ("2^63", "[9223372036854775808]".into()),
            ("-1", "[-1]".into()),
            ("0", "[0]".into()),
            ("a fraction", "[1.5]".into()),
            ("an id as a string", "[\"1\"]".into()),
            ("a null id", "[null]".into()),
            ("no ids", "[]".into()),
            ("an id twice", format!("[{UNKNOWN_ID},{UNKNOWN_ID}]")),
            ("a nested array", "[[1]]".into()),
            ("10,001 ids", ids(10_001)),
            ("200,000 ids", ids(200_000)),
            (
                "a 100,000-character string among the ids",
                format!("[{long}]"),
            ),
            (
                "a 100,000-digit id",
                format!("[{}]", "9".repeat(LONG_IN_BODY)),
            ),
        ]),
        // -1 and 0 are numbers an optional filter (`by`) may take; an id
        // of either is simply unknown.
        "id" => cases.extend([("-1", "-1".into()), ("0", "0".into())]),
        "matching" => cases.extend([
            ("a misspelt filter", r#"{"searhc":"x"}"#.into()),
            ("a number as the search", r#"{"search":12}"#.into()),
            (
                "a day that does not exist",
                r#"{"from":"2026-02-30"}"#.into(),
            ),
            ("a string", "\"all\"".into()),
            (
                "a folder that is not an id",
                r#"{"within":{"folder":"x"}}"#.into(),
            ),
            ("an unknown place", r#"{"within":"everywhere"}"#.into()),
            ("an unknown usage", r#"{"usage":"sometimes"}"#.into()),
        ]),
        "expected_count" => cases.extend([
            ("-1", "-1".into()),
            ("a string", "\"3\"".into()),
            ("2^64", "18446744073709551616".into()),
        ]),
        "dry_run" | "keep_in_use" => {
            cases.extend([("a string", "\"yes\"".into()), ("a number", "1".into())])
        }
        // A source's list: an empty one is a valid request (it removes the
        // source), so only lists that are wrong themselves are cases.
        "assets" => cases.extend([
            ("a string", "\"1,2\"".into()),
            ("-1", "[-1]".into()),
            ("0", "[0]".into()),
            ("a fraction", "[1.5]".into()),
            ("a null id", "[null]".into()),
            ("10,001 ids", ids(10_001)),
            (
                "a 100,000-digit id",
                format!("[{}]", "9".repeat(LONG_IN_BODY)),
            ),
        ]),
        "source" => cases.extend([
            ("a string", "\"cms\"".into()),
            (
                "a javascript: url",
                r#"{"system":"faults","id":"x","title":"T","url":"javascript:alert(1)"}"#.into(),
            ),
            (
                "a misspelt field",
                r#"{"system":"faults","id":"x","titel":"T"}"#.into(),
            ),
            (
                "an empty title",
                r#"{"system":"faults","id":"x","title":""}"#.into(),
            ),
            (
                "a control character",
                r#"{"system":"faults","id":"x\u0000","title":"T"}"#.into(),
            ),
            (
                "a 100,000-character title",
                format!(r#"{{"system":"faults","id":"x","title":{long}}}"#),
            ),
        ]),
        _ => {}
    }
    match name {
        "id" | "by" | "parent" | "to" => cases.extend([
            ("a string", "\"x\"".into()),
            ("2^63", "9223372036854775808".into()),
            ("a fraction", "1.5".into()),
            ("an array", "[1]".into()),
            ("a 100,000-character string", long),
            ("a 100,000-digit number", "9".repeat(LONG_IN_BODY)),
        ]),
        "space" | "batch" | "name" | "email" | "password" => cases.extend([
            ("a number", "12".into()),
            ("an array", "[\"faults\"]".into()),
            ("an empty string", "\"\"".into()),
            ("a 100,000-character string", long),
        ]),
        // An argument this suite does not know: only what is wrong for any type.
        _ => {}
    }
    cases
        .into_iter()
        .map(|(label, value)| (label.to_owned(), value))
        .collect()
}

/// Broken `k=v` pairs (raw, already encoded) for a query or form argument.
pub(super) fn bad_pairs(name: &str) -> Vec<(String, String)> {
    let long = "x".repeat(LONG_IN_URL);
    let mut cases: Vec<(&str, String)> = vec![
        ("a list", format!("{name}[]=1&{name}[]=2")),
        ("a map", format!("{name}[a]=1")),
        (
            "10,000 nested brackets",
            format!("{name}{}=1", "[a]".repeat(NESTING)),
        ),
    ];
    if name == "id" {
        // An optional filter (`by`) may read an empty value as absent, and
        // -1 is a number; for an id they are refused or unknown.
        cases.extend([("-1", "id=-1".to_owned()), ("empty", "id=".to_owned())]);
    }
    match name {
        "id" | "by" | "folder" | "parent" => cases.extend([
            ("letters", format!("{name}=abc")),
            ("2^63", format!("{name}=9223372036854775808")),
            ("20 digits", format!("{name}=99999999999999999999")),
            ("a fraction", format!("{name}=1.5")),
            ("invalid UTF-8", format!("{name}=%FF%FE")),
            (
                "60,000 digits",
                format!("{name}={}", "9".repeat(LONG_IN_URL)),
            ),
        ]),
        "after" | "before" => cases.extend([
            ("garbage", format!("{name}=garbage")),
            ("invalid UTF-8", format!("{name}=%FF%FE")),
            ("60,000 characters", format!("{name}={long}")),
            ("both directions", "after=garbage&before=garbage".to_owned()),
        ]),
        "sort" => cases.push(("an unknown sort", "sort=colour".to_owned())),
        "scope" => cases.push(("an unknown scope", "scope=everywhere".to_owned())),
        "dir" => cases.push(("an unknown direction", "dir=sideways".to_owned())),
        "kind" => cases.push(("an unknown kind", "kind=spreadsheet".to_owned())),
        "from" | "to" => cases.extend([
            ("not a day", format!("{name}=2026-02-30")),
            ("another format", format!("{name}=28/11/2026")),
            ("invalid UTF-8", format!("{name}=%FF%FE")),
            ("60,000 characters", format!("{name}={long}")),
        ]),
        "tz" => cases.extend([
            ("beyond 14 hours", "tz=841".to_owned()),
            ("letters", "tz=abc".to_owned()),
            ("2^31", "tz=2147483648".to_owned()),
        ]),
        "q" => cases.push(("60,000 characters", format!("q={long}"))),
        "space" | "batch" | "name" | "email" | "password" => cases.extend([
            ("empty", format!("{name}=")),
            ("invalid UTF-8", format!("{name}=%FF%FE")),
            ("60,000 characters", format!("{name}={long}")),
        ]),
        _ => {}
    }
    cases
        .into_iter()
        .map(|(label, value)| (label.to_owned(), value))
        .collect()
}

/// Broken values for a path parameter, by its name.
fn bad_segments(name: &str) -> Vec<(&'static str, String)> {
    let mut cases = vec![
        ("invalid UTF-8", "%FF%FE".to_owned()),
        ("60,000 characters", "x".repeat(LONG_IN_URL)),
    ];
    match name {
        "space" => cases.extend([
            ("an unknown space", "nowhere".to_owned()),
            ("a NUL byte", format!("{SPACE}%00")),
            ("an encoded path", "..%2F..%2Fetc".to_owned()),
        ]),
        "id" => cases.extend([
            ("-1", "-1".to_owned()),
            ("0", "0".to_owned()),
            ("2^63", "9223372036854775808".to_owned()),
            ("20 digits", "99999999999999999999".to_owned()),
            ("letters", "abc".to_owned()),
            ("a fraction", "1.5".to_owned()),
            ("an unknown id", UNKNOWN_ID.to_string()),
            ("60,000 digits", "9".repeat(LONG_IN_URL)),
        ]),
        _ => {}
    }
    cases
}

/// The names of a route pattern's parameters: `{space}`, `{id}`.
fn parameters(pattern: &str) -> Vec<&str> {
    pattern
        .split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .collect()
}

/// The pattern with every parameter valid except `broken`.
fn fill(pattern: &str, fixture: &Fixture, broken: Option<(&str, &str)>) -> String {
    pattern
        .split('/')
        .map(
            |segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                None => segment.to_owned(),
                Some(name) => match broken {
                    Some((broken_name, value)) if broken_name == name => value.to_owned(),
                    _ => match name {
                        "space" => SPACE.to_owned(),
                        "id" => fixture.live_id.to_string(),
                        _ => "x".to_owned(),
                    },
                },
            },
        )
        .collect::<Vec<_>>()
        .join("/")
}

pub(super) fn plain_route_cases(method: &str, pattern: &str, fixture: &Fixture) -> Vec<Case> {
    let valid = fill(pattern, fixture, None);
    let mut cases = Vec::new();
    if method == "GET" {
        cases.push(Case::new(
            "the wrong method",
            Wire::post(valid.clone(), Some(JSON), "{}"),
            Expect::Refused,
        ));
        let names = parameters(pattern);
        if names.is_empty() {
            cases.push(Case::new(
                "a junk query",
                Wire::get(format!("{valid}?%FF%FE=%C3%28&{}", "x".repeat(LONG_IN_URL))),
                Expect::NoServerError,
            ));
        }
        for name in names {
            for (label, value) in bad_segments(name) {
                cases.push(Case::new(
                    format!("{name}: {label}"),
                    Wire::get(fill(pattern, fixture, Some((name, value.as_str())))),
                    Expect::Refused,
                ));
            }
        }
        if pattern.ends_with("/download") {
            for (label, range) in absurd_ranges() {
                let mut wire = Wire::get(valid.clone());
                wire.range = Some(range);
                cases.push(Case::new(
                    format!("Range: {label}"),
                    wire,
                    Expect::Range(fixture.live_bytes.clone()),
                ));
            }
        }
    } else {
        cases.push(Case::new(
            "the wrong method",
            Wire::get(valid.clone()),
            Expect::Refused,
        ));
        for (label, target, content_type, body) in broken_uploads(&valid) {
            cases.push(Case::new(
                label,
                Wire::post(target, content_type.as_deref(), body),
                Expect::Refused,
            ));
        }
    }
    cases
}

fn absurd_ranges() -> Vec<(&'static str, Vec<u8>)> {
    let many: Vec<String> = (0..1_000).map(|i| format!("{i}-{i}")).collect();
    [
        (
            "a start past 2^64",
            "bytes=99999999999999999999-".to_owned(),
        ),
        ("the last 0 bytes", "bytes=-0".to_owned()),
        ("an end before the start", "bytes=5-1".to_owned()),
        ("1,000 ranges", format!("bytes={}", many.join(","))),
        (
            "a suffix past 2^64",
            "bytes=-99999999999999999999".to_owned(),
        ),
        (
            "a start of 2^64 - 1",
            "bytes=18446744073709551615-".to_owned(),
        ),
        (
            "an end of 2^64 - 1",
            "bytes=0-18446744073709551615".to_owned(),
        ),
        ("a double minus", "bytes=--1".to_owned()),
        ("no range", "bytes=".to_owned()),
        ("three numbers", "bytes=1-2-3".to_owned()),
        ("another unit", "items=0-1".to_owned()),
        ("the first byte", "bytes=0-0".to_owned()),
        ("the last byte", "bytes=-1".to_owned()),
    ]
    .into_iter()
    .map(|(label, value)| (label, value.into_bytes()))
    .chain([("invalid UTF-8", b"bytes=\xff-\xfe".to_vec())])
    .collect()
}

/// Broken uploads for a POST route (the upload): broken multipart, a body
/// of the wrong kind, a broken `space`. Files that could be accepted by
/// mistake are empty or go to a space that does not exist, so nothing is
/// ever stored.
fn broken_uploads(path: &str) -> Vec<(&'static str, String, Option<String>, Vec<u8>)> {
    let boundary = "trove-faults-7d1f";
    let multipart = Some(format!("multipart/form-data; boundary={boundary}"));
    let target = format!("{path}?space={SPACE}");
    let part = |name: &str, filename: &[u8], content: &[u8]| {
        multipart_part(boundary, name, filename, content)
    };
    let closing = format!("--{boundary}--\r\n").into_bytes();
    let whole = |name: &str, filename: &[u8], content: &[u8]| {
        let mut body = part(name, filename, content);
        body.extend_from_slice(&closing);
        body
    };
    let good = whole("file", &b"good.txt"[..], &b"x"[..]);
    let long_boundary = "b".repeat(LONG_IN_BODY);
    let long_boundary_body = format!(
        "--{long_boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
         filename=\"a.txt\"\r\n\r\n\r\n--{long_boundary}--\r\n"
    )
    .into_bytes();
    let mut many_parts = Vec::new();
    for i in 0..10_000 {
        many_parts.extend_from_slice(&part("other", format!("{i}.txt").as_bytes(), &b"x"[..]));
    }
    many_parts.extend_from_slice(&closing);
    let mut cut = part("file", &b"cut.txt"[..], &b"hello, wor"[..]);
    cut.truncate(cut.len() - 2);
    vec![
        (
            "a boundary that is not in the body",
            target.clone(),
            Some("multipart/form-data; boundary=another-boundary".to_owned()),
            good.clone(),
        ),
        (
            "no boundary",
            target.clone(),
            Some("multipart/form-data".to_owned()),
            good.clone(),
        ),
        (
            "a body cut off inside the file",
            target.clone(),
            multipart.clone(),
            cut,
        ),
        (
            "no file field",
            target.clone(),
            multipart.clone(),
            whole("other", &b"a.txt"[..], &b"hello"[..]),
        ),
        (
            "an empty body",
            target.clone(),
            multipart.clone(),
            Vec::new(),
        ),
        (
            "only the closing boundary",
            target.clone(),
            multipart.clone(),
            closing.clone(),
        ),
        (
            "a part without headers",
            target.clone(),
            multipart.clone(),
            format!("--{boundary}\r\n\r\nhello\r\n--{boundary}--\r\n").into_bytes(),
        ),
        (
            "invalid UTF-8 in the file name",
            target.clone(),
            multipart.clone(),
            whole("file", &b"\xff\xfe.txt"[..], &b""[..]),
        ),
        (
            "a 100,000-character file name",
            target.clone(),
            multipart.clone(),
            whole("file", "x".repeat(LONG_IN_BODY).as_bytes(), &b""[..]),
        ),
        (
            "a 100,000-character boundary",
            target.clone(),
            Some(format!("multipart/form-data; boundary={long_boundary}")),
            long_boundary_body,
        ),
        (
            "10,000 parts and no file",
            target.clone(),
            multipart.clone(),
            many_parts,
        ),
        (
            "JSON instead of multipart",
            target.clone(),
            Some(JSON.to_owned()),
            b"{\"file\":\"x\"}".to_vec(),
        ),
        (
            "10,000 nested arrays",
            target.clone(),
            Some(JSON.to_owned()),
            format!("{}{}", "[".repeat(NESTING), "]".repeat(NESTING)).into_bytes(),
        ),
        ("no space", path.to_owned(), multipart.clone(), good.clone()),
        (
            "a 60,000-character space",
            format!("{path}?space={}", "x".repeat(LONG_IN_URL)),
            multipart.clone(),
            good.clone(),
        ),
        (
            "invalid UTF-8 in the space",
            format!("{path}?space=%FF%FE"),
            multipart.clone(),
            good.clone(),
        ),
        (
            "space as a list",
            format!("{path}?space[]={SPACE}"),
            multipart.clone(),
            good,
        ),
    ]
}

/// One multipart part (headers written byte by byte, so that they can be
/// broken), ending with its line break.
fn multipart_part(boundary: &str, name: &str, filename: &[u8], content: &[u8]) -> Vec<u8> {
    let mut body =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"")
            .into_bytes();
    body.extend_from_slice(filename);
    body.extend_from_slice(b"\"\r\n\r\n");
    body.extend_from_slice(content);
    body.extend_from_slice(b"\r\n");
    body
}
