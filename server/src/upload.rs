//! `POST /api/upload?space={space}`: one file per request, in the multipart
//! field `file`. The body streams into the store part by part (never the
//! whole file in memory; on local disk into a staging file), the size limit
//! is enforced while streaming, the type comes from the first bytes, and
//! only a complete, accepted file is committed under its key and gets its
//! row. One request per file lets
//! the browser show each file's progress and lets one file fail alone.

use std::collections::HashMap;

use app::assets::data::{insert, NewAsset};
use app::assets::file_type::{clean_name, refusal, sniff, SNIFF_BYTES};
use app::assets::model::{too_large_message, Asset, AssetKind};
use app::auth::model::Permission;
use app::auth::session::authorize_session;
use app::error::AppError;
use app::state::AppState;
use app::storage::{is_storage_full, Storage, StorageError};
use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use tower_sessions::Session;

/// Images the thumbnailer decodes.
const THUMBNAILED: [&str; 4] = ["image/jpeg", "image/png", "image/gif", "image/webp"];

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
    while let Some(mut field) = within(idle, multipart.next_field())
        .await?
        .map_err(broken(limit))?
    {
        if field.name() != Some("file") {
            continue;
        }
        let name = clean_name(field.file_name().unwrap_or_default());
        let key = Storage::new_key();
        let mut pending = state.storage.begin_upload(&key).await.map_err(storage)?;
        // On any early return below (or if the client goes away and this
        // future is dropped) `pending` is dropped and leaves nothing behind.
        while let Some(chunk) = within(idle, field.chunk()).await?.map_err(broken(limit))? {
            if pending.size() + chunk.len() as u64 > limit {
                return Err(too_large(&name, limit));
            }
            pending.write(chunk, SNIFF_BYTES).await.map_err(storage)?;
        }
        if pending.size() == 0 {
            return Err(AppError::validation(format!(
                "{name} is empty; there is nothing to upload."
            )));
        }
        let mime = sniff(pending.head(), &name);
        if let Some(what) = refusal(&mime) {
            return Err(AppError::UnsupportedType(format!(
                "{name} was not uploaded: {what} are not allowed."
            )));
        }
        let size = pending.size();
        state
            .storage
            .commit_upload(pending)
            .await
            .map_err(storage)?;
        return match store_row(
            state,
            access.space.id,
            access.user_id,
            &name,
            &mime,
            size,
            &key,
        )
        .await
        {
            Ok(asset) => Ok(asset),
            Err(error) => {
                let _ = state.storage.remove(&key).await;
                Err(error)
            }
        };
    }
    Err(AppError::validation("Choose a file to upload."))
}

/// Thumbnail (images only, off the async runtime), then the row. A picture
/// that does not decode is still kept, as a file without a thumbnail.
async fn store_row(
    state: &AppState,
    space: app::ids::SpaceId,
    user: i64,
    name: &str,
    mime: &str,
    size: u64,
    key: &str,
) -> Result<Asset, AppError> {
    let picture = if THUMBNAILED.contains(&mime) {
        match state.storage.make_thumbnail(key).await {
            Ok(picture) => picture,
            Err(error) => {
                tracing::warn!(%error, "no thumbnail for an uploaded image");
                None
            }
        }
    } else {
        None
    };
    let dimensions = picture.map(|p| p.dimensions);
    let now = state.clock.now_millis();
    let asset = NewAsset {
        space,
        name: name.to_owned(),
        mime_type: mime.to_owned(),
        size_bytes: i64::try_from(size).map_err(AppError::internal)?,
        width: dimensions.map(|d| i64::from(d.width)),
        height: dimensions.map(|d| i64::from(d.height)),
        storage_key: key.to_owned(),
        has_thumbnail: picture.is_some_and(|p| p.thumbnail),
        created_by: Some(user),
        created_at: now,
        updated_at: now,
    };
    let id = insert(&state.pool, &asset).await?;
    Ok(Asset {
        id,
        name: asset.name,
        mime_type: asset.mime_type.clone(),
        kind: AssetKind::from_mime(&asset.mime_type),
        size_bytes: asset.size_bytes,
        width: asset.width,
        height: asset.height,
        has_thumbnail: asset.has_thumbnail,
        updated_at: now,
    })
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

fn storage(error: StorageError) -> AppError {
    if is_storage_full(&error) {
        AppError::StorageFull
    } else {
        AppError::internal(error)
    }
}
