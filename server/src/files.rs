//! File routes. Each request checks the session's permission in the space,
//! then looks the asset up by space and id, live assets only, so a trashed
//! asset's thumbnail is a 404 even to someone who kept the URL.

use app::assets::data::find_live_file;
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

/// Where the asset must be for its thumbnail to be served.
#[derive(Clone, Copy)]
enum Shelf {
    Live,
    Trash,
}

async fn serve_thumbnail(
    state: &AppState,
    session: &Session,
    space: &str,
    id: &str,
    shelf: Shelf,
    request: Request<Body>,
) -> Response {
    let permission = match shelf {
        Shelf::Live => Permission::View,
        Shelf::Trash => Permission::Delete,
    };
    if let Err(error) = authorize_session(session, state, space, permission).await {
        return error.status().into_response();
    }
    let Ok(id) = id.parse::<i64>().map(AssetId) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let found = match shelf {
        Shelf::Live => find_live_file(&state.pool, space, id).await,
        Shelf::Trash => find_trashed_file(&state.pool, space, id, state.clock.now_millis()).await,
    };
    let file = match found {
        Ok(Some(file)) if file.has_thumbnail => file,
        Ok(_) => return StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(%error, "thumbnail lookup failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let path = state.storage.thumbnail_path(&file.storage_key);
    let mut response = match ServeFile::new_with_mime(path, &mime::IMAGE_JPEG)
        .oneshot(request)
        .await
    {
        Ok(response) => response.into_response(),
        Err(never) => match never {},
    };
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
