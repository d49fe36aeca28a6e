//! `POST /api/upload?space={space}`: one file per request, in the multipart
//! field `file`. The body streams into the store part by part (never the
//! whole file in memory; on local disk into a staging file), the size limit
//! is enforced while streaming, the type comes from the first bytes, and
//! only a complete, accepted file is committed under its key and gets its
//! row. One request per file lets
//! the browser show each file's progress and lets one file fail alone.

use std::collections::HashMap;

use app::assets::ingest::ingest;
use app::assets::model::{too_large_message, Asset};
use app::auth::model::Permission;
use app::auth::session::authorize_session;
use app::error::AppError;
use app::state::AppState;
use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use tower_sessions::Session;

pub async fn upload(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    session: Session,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let space = query.get("space").map(String::as_str).unwrap_or_default();
    let result = match multipart {
        Ok(multipart) => receive(&state, &session, space, multipart).await,
        Err(_) => Err(AppError::validation(
            "Send the file as multipart/form-data in a field named \"file\".",
        )),
    };
    match result {
        Ok(asset) => (StatusCode::CREATED, Json(asset)).into_response(),
        Err(error) => error.into_response(),
    }
}

async fn receive(
    state: &AppState,
    session: &Session,
    space: &str,
    mut multipart: Multipart,
) -> Result<Asset, AppError> {
    let access = authorize_session(session, state, space, Permission::Upload).await?;
    let limit = state.max_upload_bytes;
    let idle = state.request_limits.body_idle;
    while let Some(field) = within(idle, multipart.next_field())
        .await?
        .map_err(broken(limit))?
    {
        if field.name() != Some("file") {
            continue;
        }
        let raw_name = field.file_name().unwrap_or_default().to_owned();
        // The field's chunks, each within the idle limit; a stream error
        // ends the upload (and `ingest` leaves nothing behind).
        let chunks = futures::stream::unfold(Some(field), move |field| async move {
            let mut field = field?;
            match within(idle, field.chunk()).await {
                Ok(Ok(Some(chunk))) => Some((Ok(chunk), Some(field))),
                Ok(Ok(None)) => None,
                Ok(Err(error)) => Some((Err(broken(limit)(error)), None)),
                Err(stalled) => Some((Err(stalled), None)),
            }
        });
        return ingest(
            &state.pool,
            &state.storage,
            access.space.id,
            Some(access.user_id),
            &raw_name,
            limit,
            &state.clock,
            Box::pin(chunks),
        )
        .await;
    }
    Err(AppError::validation("Choose a file to upload."))
}

/// The next piece of the body, unless the client sent nothing for `idle`:
/// a stalled upload is cut off (and its staging file goes with `pending`).
async fn within<T>(
    idle: std::time::Duration,
    next: impl std::future::Future<Output = T>,
) -> Result<T, AppError> {
    tokio::time::timeout(idle, next).await.map_err(|_| {
        AppError::validation(format!(
            "The upload stalled: nothing arrived for {} seconds.",
            idle.as_secs()
        ))
    })
}

/// A body that broke off, is over the limit or is not valid multipart.
fn broken(limit: u64) -> impl Fn(MultipartError) -> AppError {
    move |error| {
        if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large("The file", limit)
        } else {
            AppError::validation("The upload broke off or was not valid multipart/form-data.")
        }
    }
}

fn too_large(what: &str, limit: u64) -> AppError {
    AppError::TooLarge(too_large_message(what, limit))
}
