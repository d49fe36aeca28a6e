//! Unknown fields in a JSON request are refused (400 naming them), before
//! the server function sees the body. serde ignores fields a struct does
//! not have, so a misspelt flag would otherwise be dropped in silence:
//! `{"ids":[7],"dryRun":true}` to `delete_permanently` deleted asset 7 for
//! real. The `#[server]` macro generates the argument structs and takes no
//! `#[serde(deny_unknown_fields)]`, so the check is here, with each
//! endpoint's fields read from the OpenAPI document, which is derived from
//! those same structs: a new argument is known as soon as it exists.
//! (Nested objects such as `matching` refuse unknown fields themselves.)

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use app::domain::error::AppError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};
use utoipa::openapi::{OpenApi, RefOr, Schema};

/// The largest JSON request read here: 10,000 ids take about 110 KB; a
/// larger body is refused (413) before it is parsed.
pub const MAX_JSON_BYTES: usize = 2 * 1024 * 1024;

/// Each JSON endpoint's path and the names of its fields.
type Fields = BTreeMap<String, BTreeSet<String>>;

static FIELDS: LazyLock<Fields> = LazyLock::new(|| json_fields(&crate::openapi::SPEC));

/// The fields of every operation whose request body is JSON.
fn json_fields(document: &OpenApi) -> Fields {
    let schemas = document
        .components
        .as_ref()
        .map(|c| &c.schemas)
        .cloned()
        .unwrap_or_default();
    let properties = |schema: &RefOr<Schema>| -> Option<BTreeSet<String>> {
        let schema = match schema {
            RefOr::Ref(reference) => {
                let name = reference.ref_location.rsplit('/').next()?;
                schemas.get(name)?
            }
            inline => inline,
        };
        match schema {
            RefOr::T(Schema::Object(object)) => Some(object.properties.keys().cloned().collect()),
            _ => None,
        }
    };
    document
        .paths
        .paths
        .iter()
        .filter_map(|(path, item)| {
            let operation = item.post.as_ref().or(item.put.as_ref())?;
            let body = operation.request_body.as_ref()?;
            let schema = body.content.get("application/json")?.schema.as_ref()?;
            Some((path.clone(), properties(schema)?))
        })
        .collect()
}

/// Refuses a JSON POST or PUT with a top-level field its endpoint does not
/// have. A body that is not a JSON object goes on unchanged: the endpoint's
/// own parsing answers it as before.
pub async fn refuse_unknown(request: Request, next: Next) -> Response {
    let Some(known) = matches!(*request.method(), Method::POST | Method::PUT)
        .then(|| FIELDS.get(request.uri().path()))
        .flatten()
    else {
        return next.run(request).await;
    };
    let is_json = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.to_ascii_lowercase().starts_with("application/json"));
    if !is_json {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_JSON_BYTES).await else {
        return AppError::TooLarge(format!(
            "The request is larger than {} MB.",
            MAX_JSON_BYTES / (1024 * 1024)
        ))
        .into_response();
    };
    if let Some(unknown) = unknown_fields(&bytes, known) {
        return AppError::validation(describe(&unknown, known)).into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// The top-level fields of `body` that are not `known`, if it is a JSON
/// object with any.
fn unknown_fields(body: &[u8], known: &BTreeSet<String>) -> Option<Vec<String>> {
    let serde_json::Value::Object(object) = serde_json::from_slice(body).ok()? else {
        return None;
    };
    let unknown: Vec<String> = object
        .keys()
        .filter(|key| !known.contains(*key))
        .cloned()
        .collect();
    (!unknown.is_empty()).then_some(unknown)
}

fn describe(unknown: &[String], known: &BTreeSet<String>) -> String {
    let quoted = |names: &mut dyn Iterator<Item = &String>| {
        names
            .map(|name| format!("`{}`", app::domain::error::clip(name)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let what = if unknown.len() == 1 {
        "Unknown field"
    } else {
        "Unknown fields"
    };
    format!(
        "{what} {}: this endpoint takes {}.",
        quoted(&mut unknown.iter().take(5)),
        quoted(&mut known.iter())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_json_endpoint_has_its_fields() {
        let fields = json_fields(&app::openapi::document());
        let delete = &fields["/api/delete_permanently"];
        for name in [
            "space",
            "ids",
            "folder_ids",
            "matching",
            "expected_count",
            "dry_run",
        ] {
            assert!(delete.contains(name), "{name}: {delete:?}");
        }
        assert!(fields["/api/move_to_folder"].contains("to"));
        // A PUT's JSON body too.
        let references = &fields["/api/references"];
        assert!(["space", "source", "assets"]
            .iter()
            .all(|name| references.contains(*name)));
        // Form-encoded and GET endpoints are not checked here.
        assert!(!fields.contains_key("/api/sign_in"));
        assert!(!fields.contains_key("/api/list_assets"));
    }

    #[test]
    fn names_the_unknown_fields() {
        let known: BTreeSet<String> = ["space", "ids", "dry_run"].map(String::from).into();
        let unknown = unknown_fields(br#"{"space":"m","ids":[1],"dryRun":true}"#, &known).unwrap();
        assert_eq!(unknown, ["dryRun"]);
        assert_eq!(
            describe(&unknown, &known),
            "Unknown field `dryRun`: this endpoint takes `dry_run`, `ids`, `space`."
        );
        assert_eq!(unknown_fields(br#"{"space":"m"}"#, &known), None);
        assert_eq!(unknown_fields(b"[1, 2]", &known), None);
        assert_eq!(unknown_fields(b"not json", &known), None);
    }
}
