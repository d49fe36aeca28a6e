//! File routes: thumbnails, Trash thumbnails and downloads. Each request
//! checks the session's permission in the space, then looks the asset up by
//! space and id, on its shelf (live, or restorable in Trash), so a trashed
//! asset's thumbnail or download is a 404 even to someone who kept the URL.

use app::assets::data::{find_live_file, StoredFile};
use app::assets::file_type::content_disposition;
use app::assets::model::AssetId;
use app::auth::model::Permission;
use app::auth::session::authorize_session;
use app::state::AppState;
use app::trash::data::find_trashed_file;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt as _;
use tower_http::services::ServeFile;
use tower_sessions::Session;

/// `GET /files/{space}/{id}/thumbnail`: the JPEG thumbnail of a live image.
pub async fn thumbnail(
    State(state): State<AppState>,
    Path((space, id)): Path<(String, String)>,
    session: Session,
    request: Request<Body>,
) -> Response {
    serve_thumbnail(&state, &session, &space, &id, Shelf::Live, request).await
}

/// `GET /files/{space}/trash/{id}/thumbnail`: the thumbnail of an image in
/// Trash, for the Trash page; needs the delete permission, and is a 404
/// once the asset is restored or its 14 days are over.
pub async fn trash_thumbnail(
    State(state): State<AppState>,
    Path((space, id)): Path<(String, String)>,
    session: Session,
    request: Request<Body>,
) -> Response {
    serve_thumbnail(&state, &session, &space, &id, Shelf::Trash, request).await
}

/// `GET /files/{space}/{id}/download`: a live asset's original, streamed
/// from disk with Range and conditional requests (tower-http `ServeFile`),
/// as an attachment under its name. The permission is checked on every
/// request; a trashed asset is a 404. The stored type is the sniffed one,
/// and `nosniff` plus a sandboxing CSP keep an SVG from running script.
pub async fn download(
    State(state): State<AppState>,
    Path((space, id)): Path<(String, String)>,
    session: Session,
    request: Request<Body>,
) -> Response {
    let file = match stored_file(&state, &session, &space, &id, Shelf::Live).await {
        Ok(file) => file,
        Err(response) => return response,
    };
    let mime = file
        .mime_type
        .parse::<mime::Mime>()
        .unwrap_or(mime::APPLICATION_OCTET_STREAM);
    let path = state.storage.original_path(&file.storage_key);
    let mut response = serve(path, &mime, request).await;
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&content_disposition(&file.name)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    response
}

/// Where the asset must be for its files to be served.
#[derive(Clone, Copy)]
enum Shelf {
    /// Live assets, for anyone who may view the space.
    Live,
    /// Restorable assets in Trash, for those who may restore them.
    Trash,
}

/// The stored file of asset `id` in `space`, after checking the session's
/// permission; otherwise the response to send (401/403/404, or 500).
async fn stored_file(
    state: &AppState,
    session: &Session,
    space: &str,
    id: &str,
    shelf: Shelf,
) -> Result<StoredFile, Response> {
    let permission = match shelf {
        Shelf::Live => Permission::View,
        Shelf::Trash => Permission::Delete,
    };
    if let Err(error) = authorize_session(session, state, space, permission).await {
        return Err(error.status().into_response());
    }
    let Ok(id) = id.parse::<i64>().map(AssetId) else {
        return Err(StatusCode::NOT_FOUND.into_response());
    };
    let found = match shelf {
        Shelf::Live => find_live_file(&state.pool, space, id).await,
        Shelf::Trash => find_trashed_file(&state.pool, space, id, state.clock.now_millis()).await,
    };
    match found {
        Ok(Some(file)) => Ok(file),
        Ok(None) => Err(StatusCode::NOT_FOUND.into_response()),
        Err(error) => {
            tracing::error!(%error, "file lookup failed");
            Err(StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
    }
}

/// Streams a file from disk (Range, If-Modified-Since; 404 if missing).
async fn serve(path: std::path::PathBuf, mime: &mime::Mime, request: Request<Body>) -> Response {
    match ServeFile::new_with_mime(path, mime).oneshot(request).await {
        Ok(response) => response.into_response(),
        Err(never) => match never {},
    }
}

async fn serve_thumbnail(
    state: &AppState,
    session: &Session,
    space: &str,
    id: &str,
    shelf: Shelf,
    request: Request<Body>,
) -> Response {
    let file = match stored_file(state, session, space, id, shelf).await {
        Ok(file) if file.has_thumbnail => file,
        Ok(_) => return StatusCode::NOT_FOUND.into_response(),
        Err(response) => return response,
    };
    let path = state.storage.thumbnail_path(&file.storage_key);
    let mut response = serve(path, &mime::IMAGE_JPEG, request).await;
    if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        // Private: a thumbnail is only for members of the space. Short-lived,
        // so that a trashed asset's thumbnail does not linger in caches.
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, max-age=300"),
        );
        response.headers_mut().insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
    }
    response
}
