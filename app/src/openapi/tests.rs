//! The document against the registry and the types.

use super::*;
use serde_json::Value;

#[test]
fn every_server_function_is_described_with_its_method() {
    let document = document();
    let registered: Vec<_> = leptos::server_fn::axum::server_fn_paths().collect();
    assert!(registered.len() >= 15, "registered: {registered:?}");
    for (path, method) in registered {
        let item = document.paths.get_path_item(path);
        let described = match method {
            Method::GET => item.and_then(|i| i.get.as_ref()),
            Method::POST => item.and_then(|i| i.post.as_ref()),
            Method::PUT => item.and_then(|i| i.put.as_ref()),
            _ => None,
        };
        let operation = described.unwrap_or_else(|| panic!("{method} {path} is not described"));
        let name = path.trim_start_matches("/api/");
        assert_eq!(operation.operation_id.as_deref(), Some(name));
        assert!(
            operation
                .description
                .as_ref()
                .is_some_and(|d| !d.is_empty()),
            "{path}"
        );
    }
}

#[test]
fn requests_and_answers_come_from_the_types() {
    let json = serde_json::to_value(document()).unwrap();
    assert!(json["openapi"].as_str().unwrap().starts_with("3.1"));
    let schemas = &json["components"]["schemas"];
    let moving = &schemas["MoveToTrash"];
    // (A `serde_json::Value` sorts keys; the document keeps the fields' order.)
    let names: Vec<&str> = moving["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        names,
        [
            "dry_run",
            "expected_count",
            "folder_ids",
            "ids",
            "keep_in_use",
            "matching",
            "space"
        ]
    );
    assert_eq!(
        schemas["MoveOutcome"]["properties"]["kept_in_use"]["items"]["$ref"],
        "#/components/schemas/AssetId"
    );
    let usage = &json["paths"]["/api/usage_of_selection"]["post"];
    assert_eq!(
        usage["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/SelectionUsage"
    );
    assert!(schemas["InUseAsset"]["properties"]["sources"].is_object());
    assert_eq!(moving["required"], serde_json::json!(["space"]));
    let post = &json["paths"]["/api/move_to_trash"]["post"];
    assert_eq!(
        post["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/MoveToTrash"
    );
    assert_eq!(
        post["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/MoveOutcome"
    );
    assert!(post["description"]
        .as_str()
        .unwrap()
        .starts_with("Moves assets of a space to Trash"));
    assert_eq!(post["summary"], "Moves assets of a space to Trash");
    let headers: Vec<&str> = post["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(headers, ["Origin", "Idempotency-Key"]);
    // Signing in is a form post, with no session and no key.
    let sign_in = &json["paths"]["/api/sign_in"]["post"];
    assert!(sign_in["requestBody"]["content"]["application/x-www-form-urlencoded"].is_object());
    assert_eq!(sign_in["security"], serde_json::json!([{}]));
    assert_eq!(sign_in["parameters"].as_array().unwrap().len(), 1);
    // A GET's arguments are its query parameters, `Option`s optional.
    let listing = &json["paths"]["/api/list_trash"]["get"];
    let parameters = listing["parameters"].as_array().unwrap();
    assert_eq!(parameters.len(), 10);
    assert!(parameters.iter().all(|p| p["in"] == "query"));
    assert_eq!(
        (&parameters[0]["name"], &parameters[0]["required"]),
        (&"space".into(), &true.into())
    );
    assert_eq!(parameters[3]["name"], "kind");
    assert_eq!(parameters[3]["required"], false);
    assert_eq!(
        parameters[3]["schema"]["$ref"],
        "#/components/schemas/AssetKind"
    );
    assert_eq!(schemas["AssetKind"]["enum"][0], "image");
    assert_eq!(
        schemas["TrashMatching"]["properties"]["from"]["oneOf"][1]["$ref"],
        "#/components/schemas/Day"
    );
    assert_eq!(schemas["Day"]["format"], "date");
    assert_eq!(schemas["Timestamp"]["type"], "integer");
    assert_eq!(schemas["Error"]["required"], serde_json::json!(["error"]));
    assert!(schemas["TrashPage"].is_object());
    // Types inside an `Option` or a `Vec` are named too.
    let ok = |path: &str| {
        json["paths"][path]["get"]["responses"]["200"]["content"][JSON]["schema"].clone()
    };
    assert_eq!(
        ok("/api/current_user")["oneOf"][1]["$ref"],
        "#/components/schemas/User"
    );
    assert_eq!(
        ok("/api/list_spaces")["items"]["$ref"],
        "#/components/schemas/Membership"
    );
    assert_eq!(
        schemas["Membership"]["properties"]["role"]["$ref"],
        "#/components/schemas/Role"
    );
    assert_eq!(ok("/api/upload_limit")["type"], "integer");
    assert_eq!(
        json["components"]["securitySchemes"]["session"]["in"],
        "cookie"
    );
    assert_eq!(
        json["components"]["securitySchemes"]["session"]["name"],
        "trove_session"
    );
    // API tokens: a bearer scheme, accepted beside the session, but not
    // for managing tokens.
    let bearer = &json["components"]["securitySchemes"]["bearer"];
    assert_eq!(
        (bearer["type"].as_str(), bearer["scheme"].as_str()),
        (Some("http"), Some("bearer"))
    );
    assert_eq!(
        json["security"],
        serde_json::json!([{"session": []}, {"bearer": []}])
    );
    assert_eq!(
        json["paths"]["/api/create_token"]["post"]["security"],
        serde_json::json!([{"session": []}])
    );
}

#[test]
fn references_are_a_put_of_the_whole_list_and_usage_a_get() {
    let json = serde_json::to_value(document()).unwrap();
    let put = &json["paths"]["/api/references"]["put"];
    assert_eq!(put["operationId"], "references");
    assert_eq!(
        put["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/PutReferences"
    );
    assert_eq!(
        put["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/ReferencesOutcome"
    );
    // Idempotent by its method: an Origin, no Idempotency-Key.
    let headers: Vec<&str> = put["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(headers, ["Origin"]);
    assert!(json["paths"]["/api/references"]["post"].is_null());
    let schemas = &json["components"]["schemas"];
    assert_eq!(
        schemas["PutReferences"]["required"],
        serde_json::json!(["space", "source", "assets"])
    );
    assert_eq!(
        schemas["PutReferences"]["properties"]["source"]["$ref"],
        "#/components/schemas/Source"
    );
    assert_eq!(
        schemas["Source"]["required"],
        serde_json::json!(["system", "id", "title"])
    );
    let usage = &json["paths"]["/api/asset_usage"]["get"];
    let parameters: Vec<&str> = usage["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(parameters, ["space", "id"]);
    assert_eq!(
        usage["responses"]["200"]["content"]["application/json"]["schema"]["items"]["$ref"],
        "#/components/schemas/Source"
    );
    // The listing's filter is a documented query parameter.
    let listing = &json["paths"]["/api/list_assets"]["get"]["parameters"];
    let usage_filter = listing
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "usage")
        .unwrap();
    assert_eq!(usage_filter["schema"]["$ref"], "#/components/schemas/Usage");
    assert_eq!(
        schemas["Usage"]["enum"],
        serde_json::json!(["in_use", "not_in_use"])
    );
}

#[test]
fn every_reference_resolves() {
    fn references<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    out.push(target);
                }
                map.values().for_each(|v| references(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| references(v, out)),
            _ => {}
        }
    }
    let json = serde_json::to_value(document()).unwrap();
    let mut found = Vec::new();
    references(&json, &mut found);
    assert!(found.len() > 20);
    for target in found {
        let name = target.strip_prefix("#/components/schemas/").unwrap();
        assert!(
            json["components"]["schemas"][name].is_object(),
            "{target} is not defined"
        );
    }
}

#[test]
fn a_name_is_one_schema() {
    let (_, schemas) = parts();
    let mut seen = std::collections::BTreeMap::new();
    for (name, schema) in schemas {
        if let Some(earlier) = seen.insert(name.clone(), schema.clone()) {
            assert!(earlier == schema, "two types are named {name}");
        }
    }
    assert!(seen.contains_key("MoveOutcome") && seen.contains_key("Error"));
}
