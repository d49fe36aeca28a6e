//! `POST /api/upload?space={space}[&folder={id}]`: one file per request,
//! into the folder `folder` (the top level without it), either as the
//! request body itself with its name in `name` (`?space=…&name=…`, what the
//! browser sends: no multipart framing to parse and copy), or in the
//! multipart field `file` (what HTML forms and most API clients send). The
//! body streams into the store part by part (never the whole file in
//! memory; on local disk into a staging file), the size limit is enforced
//! while streaming, the type comes from the first bytes, and only a
//! complete, accepted file is committed under its key and gets its row.
//! One request per file lets the browser show each file's progress and
//! lets one file fail alone.
//!
//! A space's quota (live and trashed bytes together) refuses an upload with
//! 507 `space_full`: on the declared `Content-Length` of a body before any
//! byte is stored, then while streaming and when the row is written
//! (`app::assets::ingest`); a refused upload keeps nothing.
//!
//! Under an `Idempotency-Key` the file is also digested as it streams (the
//! layer compares a retry's file with the first's by it; see
//! `crate::idempotency`), and a retry of an answered upload is only read.

use std::collections::HashMap;
use std::sync::Mutex;

use app::assets::folders::data::require_live;
use app::assets::ingest::ingest;
use app::assets::model::{too_large_message, Asset};
use app::auth::model::Permission;
use app::auth::session::{authorize_credentials, Credentials};
use app::domain::error::AppError;
use app::domain::ids::FolderId;
use app::platform::state::AppState;
use app::spaces::storage::quota_of;
use axum::extract::multipart::MultipartError;
use axum::extract::{FromRequest, Multipart, Query, Request, State};
use axum::handler::Handler as _;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use bytes::Bytes;
use futures::{Stream, StreamExt as _};

use crate::idempotency::{FileDigest, FileFingerprint, UploadUnderKey};
use crate::routes::PlainRoutes;

/// `POST /api/upload`. The size limit is checked while streaming; the body
/// limit lets a body through up to it (plus the multipart framing).
pub fn routes(max_upload_bytes: u64) -> PlainRoutes {
    let body_limit = usize::try_from(max_upload_bytes)
        .unwrap_or(usize::MAX)
        .saturating_add(64 * 1024);
    PlainRoutes::new().post(
        "/api/upload",
        upload.layer(axum::extract::DefaultBodyLimit::max(body_limit)),
    )
}

pub async fn upload(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    credentials: Credentials,
    request: Request,
) -> Response {
    let keyed = request.extensions().get::<UploadUnderKey>().copied();
    let space = query.get("space").map(String::as_str).unwrap_or_default();
    let folder = match query.get("folder").map(|f| f.parse::<i64>()) {
        None => None,
        Some(Ok(id)) if id > 0 => Some(FolderId(id)),
        Some(_) => {
            return AppError::validation("`folder` is a folder's id.").into_response();
        }
    };
    let to = Destination { space, folder };
    let is_multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            value
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        });
    let result = if is_multipart {
        match Multipart::from_request(request, &state).await {
            Ok(multipart) => receive_multipart(&state, &credentials, to, keyed, multipart).await,
            Err(_) => Err(AppError::validation(
                "Send the file as multipart/form-data in a field named \"file\", or as the body with its name in `name`.",
            )),
        }
    } else {
        match query.get("name") {
            Some(name) => receive_body(&state, &credentials, to, keyed, name, request).await,
            None => Err(AppError::validation(
                "Name the file in `name` (or send it as multipart/form-data in a field named \"file\").",
            )),
        }
    };
    let received = match result {
        Ok(received) => received,
        Err(error) => return error.into_response(),
    };
    let mut answer = match received.asset {
        Some(asset) => (StatusCode::CREATED, Json(asset)).into_response(),
        // A retry's file, only read: the layer answers from the key.
        None => StatusCode::OK.into_response(),
    };
    if let Some(file) = received.file {
        answer.extensions_mut().insert(file);
    }
    answer
}

/// What became of an upload's file: the new asset (none when a retry's
/// file was only read), and its fingerprint under a key.
struct Received {
    asset: Option<Asset>,
    file: Option<FileFingerprint>,
}

/// Where an upload goes: a space, and a folder of it or its top level.
#[derive(Clone, Copy)]
struct Destination<'a> {
    space: &'a str,
    folder: Option<FolderId>,
}

impl Destination<'_> {
    /// The caller may upload here, and the folder is live (checked again
    /// when the row is written): refused before any byte is stored.
    async fn authorize(
        &self,
        state: &AppState,
        credentials: &Credentials,
    ) -> Result<app::auth::session::Access, AppError> {
        let access =
            authorize_credentials(credentials, state, self.space, Permission::Upload).await?;
        if let Some(folder) = self.folder {
            let mut conn = state.pool.acquire().await?;
            require_live(&mut conn, access.space.id, folder).await?;
        }
        Ok(access)
    }
}

/// The file is the body.
async fn receive_body(
    state: &AppState,
    credentials: &Credentials,
    to: Destination<'_>,
    keyed: Option<UploadUnderKey>,
    raw_name: &str,
    request: Request,
) -> Result<Received, AppError> {
    let access = to.authorize(state, credentials).await?;
    let limit = state.max_upload_bytes;
    let idle = state.request_limits.body_idle;
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(too_large("The file", limit));
    }
    // A retry of an answered upload is only read, and takes no room.
    if let Some(length) = declared.filter(|_| keyed != Some(UploadUnderKey::Retry)) {
        let quota = quota_of(&state.pool, access.space.id).await?;
        if let Some(quota) = quota.filter(|quota| !quota.admits(length)) {
            return Err(quota.refusal());
        }
    }
    let body = request.into_body().into_data_stream();
    let chunks = each_within(idle, body, move |_| {
        // The route's body limit, or the client went away mid-body.
        AppError::validation("The upload broke off before the whole file arrived.")
    });
    store(state, access, to.folder, keyed, raw_name, limit, chunks).await
}

/// The file is the multipart field `file`.
async fn receive_multipart(
    state: &AppState,
    credentials: &Credentials,
    to: Destination<'_>,
    keyed: Option<UploadUnderKey>,
    mut multipart: Multipart,
) -> Result<Received, AppError> {
    let access = to.authorize(state, credentials).await?;
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
        let chunks = each_within(idle, field, broken(limit));
        return store(state, access, to.folder, keyed, &raw_name, limit, chunks).await;
    }
    Err(AppError::validation("Choose a file to upload."))
}

/// Streams the chunks through the ingest pipeline; a stream error ends the
/// upload (and `ingest` leaves nothing behind). Under a key the file is
/// digested on the way, and a retry's is only read through the digest.
async fn store(
    state: &AppState,
    access: app::auth::session::Access,
    folder: Option<FolderId>,
    keyed: Option<UploadUnderKey>,
    raw_name: &str,
    limit: u64,
    chunks: impl Stream<Item = Result<Bytes, AppError>>,
) -> Result<Received, AppError> {
    // Fed chunk by chunk; shared with the stream, which `ingest` owns.
    let digest = keyed.map(|_| Mutex::new(FileDigest::new(raw_name)));
    let chunks = chunks.inspect(|chunk| {
        if let (Some(digest), Ok(bytes)) = (&digest, chunk) {
            if let Ok(mut digest) = digest.lock() {
                digest.update(bytes);
            }
        }
    });
    let asset = if keyed == Some(UploadUnderKey::Retry) {
        read_through(Box::pin(chunks), limit).await?;
        None
    } else {
        let asset = ingest(
            &state.pool,
            &state.storage,
            access.space.id,
            folder,
            Some(access.user_id),
            raw_name,
            limit,
            &state.clock,
            Box::pin(chunks),
        )
        .await?;
        Some(asset)
    };
    let file = digest
        .map(|digest| digest.into_inner().map(FileDigest::finish))
        .transpose()
        .map_err(AppError::internal)?;
    Ok(Received { asset, file })
}

/// Reads a file to its end within the size limit, keeping nothing.
async fn read_through(
    mut chunks: impl Stream<Item = Result<Bytes, AppError>> + Unpin,
    limit: u64,
) -> Result<(), AppError> {
    let mut size = 0_u64;
    while let Some(chunk) = chunks.next().await {
        size = size.saturating_add(chunk?.len() as u64);
        if size > limit {
            return Err(too_large("The file", limit));
        }
    }
    Ok(())
}

/// A body stream whose every chunk must arrive within `idle`; it ends at
/// the first error (`error` names it) or stall.
fn each_within<S, E>(
    idle: std::time::Duration,
    stream: S,
    error: impl Fn(E) -> AppError + Copy,
) -> impl Stream<Item = Result<Bytes, AppError>>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
{
    futures::stream::unfold(Some(stream), move |stream| async move {
        let mut stream = stream?;
        match within(idle, stream.next()).await {
            Ok(Some(Ok(chunk))) => Some((Ok(chunk), Some(stream))),
            Ok(None) => None,
            Ok(Some(Err(cause))) => Some((Err(error(cause)), None)),
            Err(stalled) => Some((Err(stalled), None)),
        }
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
fn broken(limit: u64) -> impl Fn(MultipartError) -> AppError + Copy {
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
