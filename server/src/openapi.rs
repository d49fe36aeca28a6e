//! `GET /api/openapi.json`: the OpenAPI 3.1 document of the JSON API
//! (`app::openapi`, generated from the Rust types), built on first use and
//! served as is after. Public: it describes the API, no data.

use std::sync::LazyLock;

use axum::http::header;
use axum::response::IntoResponse;
use bytes::Bytes;

use crate::routes::PlainRoutes;

pub fn routes() -> PlainRoutes {
    PlainRoutes::new().get("/api/openapi.json", document)
}

/// The document, built once for the process: served from here, and read
/// by `fields` for each endpoint's fields.
pub static SPEC: LazyLock<utoipa::openapi::OpenApi> = LazyLock::new(app::openapi::document);

static DOCUMENT: LazyLock<Bytes> = LazyLock::new(|| {
    Bytes::from(serde_json::to_vec(&*SPEC).expect("the OpenAPI document is JSON"))
});

pub async fn document() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        DOCUMENT.clone(),
    )
}
