//! Server functions as found in the registry: how each takes its
//! arguments, which it requires, and the broken requests to send it.

use serde_json::{json, Value};

use super::cases::{bad_json, bad_pairs};
use super::router_app::{Answer, RouterApp, Wire};
use super::{Case, Expect, FORM, JSON, LONG_IN_URL, NESTING, UNKNOWN_BATCH, UNKNOWN_ID};
use crate::client::encode;
use crate::process::SPACE;

/// Optional arguments of server functions, by path: discovery cannot see
/// them (serde does not ask for what it may leave out).
const OPTIONAL: &[(&str, &[&str])] = &[
    (
        "/api/list_assets",
        &[
            "folder", "scope", "q", "usage", "sort", "dir", "after", "before",
        ],
    ),
    (
        "/api/list_trash",
        &["q", "by", "kind", "from", "to", "tz", "after", "before"],
    ),
    // Either `ids`, or `matching` with `expected_count`, and `folder_ids`
    // beside either or alone; and `dry_run`.
    (
        "/api/move_to_trash",
        &[
            "ids",
            "folder_ids",
            "matching",
            "expected_count",
            "dry_run",
            "keep_in_use",
        ],
    ),
    (
        "/api/usage_of_selection",
        &["ids", "folder_ids", "matching", "expected_count"],
    ),
    (
        "/api/restore_from_trash",
        &["ids", "folder_ids", "matching", "expected_count", "dry_run"],
    ),
    (
        "/api/delete_permanently",
        &["ids", "folder_ids", "matching", "expected_count", "dry_run"],
    ),
    ("/api/empty_trash", &["expected_count", "dry_run"]),
    (
        "/api/count_matching_assets",
        &["folder", "scope", "q", "usage"],
    ),
    ("/api/create_folder", &["parent"]),
    (
        "/api/move_to_folder",
        &["ids", "folder_ids", "matching", "expected_count", "to"],
    ),
    ("/api/list_folders", &["parent", "after"]),
    ("/api/count_trash", &["q", "by", "kind", "from", "to", "tz"]),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Encoding {
    /// `GET` with the arguments in the query string.
    Query,
    /// `POST` with a form-encoded body.
    Form,
    /// `POST` (or `PUT`) with a JSON body.
    Json,
}

/// A server function as discovered: how it takes its arguments and which
/// it requires, each with a harmless value.
#[derive(Debug)]
pub(super) struct ServerFn {
    pub(super) path: String,
    method: String,
    pub(super) encoding: Encoding,
    required: Vec<(String, Value)>,
}

/// The method of a server function that takes a body: `PUT`, or `POST`.
fn body_method(method: &str) -> &'static str {
    if method == "PUT" {
        "PUT"
    } else {
        "POST"
    }
}

/// Finds how a server function takes its arguments and which it requires.
pub(super) async fn discover(app: &mut RouterApp, path: &str, method: &str) -> ServerFn {
    let encodings: &[Encoding] = if method == "GET" {
        &[Encoding::Query]
    } else {
        // An empty form body names a form endpoint's first missing field,
        // while a JSON endpoint cannot parse it; `{}` then names a JSON
        // endpoint's.
        &[Encoding::Form, Encoding::Json]
    };
    for &encoding in encodings {
        let mut server_fn = ServerFn {
            path: path.to_owned(),
            method: method.to_owned(),
            encoding,
            required: Vec::new(),
        };
        let mut answer = app.send(&server_fn.with(None, "")).await;
        if missing_field(&answer).is_none() {
            continue;
        }
        while let Some(name) = missing_field(&answer) {
            assert!(
                server_fn.required.len() < 16
                    && !server_fn.required.iter().any(|(n, _)| *n == name),
                "{path} keeps asking for {name}"
            );
            let value = harmless(&name);
            server_fn.required.push((name, value));
            answer = app.send(&server_fn.with(None, "")).await;
        }
        assert!(
            !answer.status.is_server_error(),
            "{path}: the harmless request answered {}",
            answer.status
        );
        return server_fn;
    }
    ServerFn {
        path: path.to_owned(),
        method: method.to_owned(),
        encoding: *encodings.last().unwrap(),
        required: Vec::new(),
    }
}

/// The field a refusal says is missing: serde's "missing field `x`".
fn missing_field(answer: &Answer) -> Option<String> {
    if !answer.status.is_client_error() {
        return None;
    }
    let error: Value = serde_json::from_slice(&answer.body).ok()?;
    let message = error["message"].as_str()?;
    let rest = message.split("missing field `").nth(1)?;
    Some(rest.split('`').next()?.to_owned())
}

/// A value for argument `name` that gets a request past decoding and
/// changes nothing: ids and batches that do not exist, a wrong password.
fn harmless(name: &str) -> Value {
    match name {
        "space" => json!(SPACE),
        "ids" | "assets" => json!([UNKNOWN_ID]),
        "source" => json!({ "system": "faults", "id": "x", "title": "Harmless" }),
        "id" | "by" => json!(UNKNOWN_ID),
        "batch" => json!(UNKNOWN_BATCH),
        "name" => json!("harmless.txt"),
        "email" => json!("nobody@faults.test"),
        "password" => json!("not-the-password"),
        _ => json!("x"),
    }
}

/// A query or form pair for a harmless value.
fn pair(name: &str, value: &Value) -> String {
    match value {
        Value::String(text) => format!("{name}={}", encode(text)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| pair(&format!("{name}[{i}]"), item))
            .collect::<Vec<_>>()
            .join("&"),
        other => format!("{name}={other}"),
    }
}

/// A JSON object from raw member values, so that values too deep for
/// `serde_json::Value` (or not valid JSON at all) can be written.
fn json_object(members: &[(String, String)]) -> String {
    let members: Vec<String> = members
        .iter()
        .map(|(name, raw)| format!("{}:{raw}", Value::from(name.as_str())))
        .collect();
    format!("{{{}}}", members.join(","))
}

impl ServerFn {
    pub(super) fn argument_names(&self) -> Vec<&str> {
        self.required
            .iter()
            .map(|(name, _)| name.as_str())
            .collect()
    }

    fn takes_input(&self) -> bool {
        !self.required.is_empty()
    }

    /// The harmless request with argument `name` set to `value`: raw JSON
    /// for a JSON endpoint, a whole raw `k=v` pair otherwise (so that the
    /// key itself can be broken). A name not carried yet is added.
    fn with(&self, name: Option<&str>, value: &str) -> Wire {
        let mut members: Vec<(String, String)> = self
            .required
            .iter()
            .map(|(n, v)| {
                let raw = match self.encoding {
                    Encoding::Json => v.to_string(),
                    Encoding::Query | Encoding::Form => pair(n, v),
                };
                (n.clone(), raw)
            })
            .collect();
        if let Some(name) = name {
            match members.iter_mut().find(|(n, _)| n == name) {
                Some(member) => member.1 = value.to_owned(),
                None => members.push((name.to_owned(), value.to_owned())),
            }
        }
        let joined = || {
            members
                .iter()
                .map(|(_, p)| p.as_str())
                .collect::<Vec<_>>()
                .join("&")
        };
        match self.encoding {
            Encoding::Json => Wire::post(&self.path, Some(JSON), json_object(&members))
                .with_method(body_method(&self.method)),
            Encoding::Form => Wire::post(&self.path, Some(FORM), joined()),
            Encoding::Query if members.is_empty() => Wire::get(&self.path),
            Encoding::Query => Wire::get(format!("{}?{}", self.path, joined())),
        }
    }

    pub(super) fn cases(&self) -> Vec<Case> {
        let mut cases = Vec::new();
        let whole = if self.takes_input() {
            Expect::Refused
        } else {
            Expect::NoServerError
        };
        let wrong_method = if self.method == "GET" {
            Wire::post(&self.path, Some(JSON), "{}")
        } else {
            Wire::get(&self.path)
        };
        cases.push(Case::new("the wrong method", wrong_method, Expect::Refused));
        for (label, wire) in whole_request_cases(&self.path, &self.method) {
            cases.push(Case::new(label, wire, whole.clone()));
        }
        let optional = OPTIONAL
            .iter()
            .filter(|(path, _)| *path == self.path)
            .flat_map(|(_, names)| names.iter().copied());
        let names: Vec<&str> = self.argument_names().into_iter().chain(optional).collect();
        for name in names {
            let broken = match self.encoding {
                Encoding::Json => bad_json(name),
                Encoding::Query | Encoding::Form => bad_pairs(name),
            };
            for (label, value) in broken {
                cases.push(Case::new(
                    format!("{name}: {label}"),
                    self.with(Some(name), &value),
                    Expect::Refused,
                ));
            }
        }
        cases
    }
}

/// Broken requests as a whole, for any server function.
fn whole_request_cases(path: &str, method: &str) -> Vec<(&'static str, Wire)> {
    if method == "GET" {
        return vec![
            (
                "invalid UTF-8 in the query",
                Wire::get(format!("{path}?%FF%FE=%C3%28&space=%FF%FE")),
            ),
            (
                "10,000 nested brackets in a query key",
                Wire::get(format!("{path}?space{}=x", "[a]".repeat(NESTING))),
            ),
            (
                "a 60,000-character query",
                Wire::get(format!("{path}?{}", "x".repeat(LONG_IN_URL))),
            ),
            (
                "a query of separators",
                Wire::get(format!("{path}?{}", "&=".repeat(1_000))),
            ),
        ];
    }
    let post = |content_type: Option<&str>, body: Vec<u8>| {
        Wire::post(path, content_type, body).with_method(body_method(method))
    };
    vec![
        ("an empty body", post(Some(JSON), Vec::new())),
        (
            "invalid UTF-8 in a JSON body",
            post(Some(JSON), b"{\"space\":\"\xff\xfe\",\"ids\":[1]}".to_vec()),
        ),
        (
            "invalid UTF-8 in a form body",
            post(
                Some(FORM),
                b"email=\xff\xfe&password=\xc3\x28&space=\xff".to_vec(),
            ),
        ),
        (
            "10,000 nested arrays",
            post(
                Some(JSON),
                format!("{}{}", "[".repeat(NESTING), "]".repeat(NESTING)).into_bytes(),
            ),
        ),
        (
            "10,000 nested objects",
            post(
                Some(JSON),
                format!("{}1{}", "{\"a\":".repeat(NESTING), "}".repeat(NESTING)).into_bytes(),
            ),
        ),
        (
            "truncated JSON",
            post(Some(JSON), br#"{"space":"faults","ids":[1,"#.to_vec()),
        ),
        ("JSON null", post(Some(JSON), b"null".to_vec())),
        ("a JSON string", post(Some(JSON), b"\"faults\"".to_vec())),
        (
            "a 3 MB body",
            post(
                Some(JSON),
                format!("{{\"space\":\"{}\"}}", "x".repeat(3 * 1024 * 1024)).into_bytes(),
            ),
        ),
        (
            "10,000 nested brackets in a form key",
            post(
                Some(FORM),
                format!("email{}=x", "[a]".repeat(NESTING)).into_bytes(),
            ),
        ),
        ("no Content-Type", post(None, b"garbage".to_vec())),
    ]
}
