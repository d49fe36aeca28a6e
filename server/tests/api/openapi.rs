//! `GET /api/openapi.json`: the OpenAPI document, public, describing every
//! endpoint there is (server functions from their registry, plain `/api/`
//! routes from `server::plain_route_list()`).

use axum::http::StatusCode;

use crate::harness::TestApp;

#[tokio::test]
async fn the_openapi_document_describes_every_endpoint() {
    let app = TestApp::new().await;
    // Signed out: the document is public.
    let (status, document) = app.get_json("/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        document["openapi"].as_str().unwrap().starts_with("3."),
        "{}",
        document["openapi"]
    );
    assert_eq!(document["info"]["title"], "Trove API");

    let server_fns = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| (path.to_owned(), method.to_string()));
    let plain = server::plain_route_list()
        .into_iter()
        .filter(|(_, path)| path.starts_with("/api/"))
        .map(|(method, path)| (path.to_owned(), method.to_owned()));
    let mut described = 0;
    for (path, method) in server_fns.chain(plain) {
        let operation = &document["paths"][&path][method.to_lowercase()];
        assert!(operation.is_object(), "{method} {path} is not described");
        described += 1;
    }
    assert!(described >= 17, "{described} endpoints");
    assert_eq!(
        document["paths"]["/api/upload"]["post"]["responses"]["201"]["content"]["application/json"]
            ["schema"]["$ref"],
        "#/components/schemas/Asset"
    );
    let upload_headers: Vec<&str> = document["paths"]["/api/upload"]["post"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["in"] == "header")
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(upload_headers, ["Origin", "Idempotency-Key"]);

    let schemas = &document["components"]["schemas"];
    for name in ["MoveOutcome", "TrashMatching", "MoveToTrash", "Error"] {
        assert!(schemas[name].is_object(), "no schema {name}");
    }
    assert_eq!(
        document["components"]["securitySchemes"]["session"]["name"],
        "trove_session"
    );
}
