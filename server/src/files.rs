//! File routes: thumbnails, Trash thumbnails and downloads. Each request
//! checks the caller's permission in the space, then looks the asset up by
//! space and id, on its shelf (live, or restorable in Trash), so a trashed
//! asset's thumbnail or download is a 404 even to someone who kept the URL.

use std::time::{Duration, SystemTime};

use app::assets::data::{find_live_file, StoredFile};
use app::assets::file_type::content_disposition;
use app::auth::model::Permission;
use app::auth::session::{authorize_credentials, Credentials};
use app::domain::error::AppError;
use app::domain::ids::AssetId;
use app::platform::state::AppState;
use app::platform::storage::{FileKind, Storage};
use app::trash::listing::find_trashed_file;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use object_store::{GetOptions, GetRange};

use crate::routes::PlainRoutes;

pub fn routes() -> PlainRoutes {
    PlainRoutes::new()
        .get("/files/{space}/{id}/thumbnail", thumbnail)
        .get("/files/{space}/trash/{id}/thumbnail", trash_thumbnail)
        .get("/files/{space}/{id}/download", download)
}

/// `GET /files/{space}/{id}/thumbnail`: the JPEG thumbnail of a live image.
pub async fn thumbnail(
    State(state): State<AppState>,
    Path((space, id)): Path<(String, String)>,
    credentials: Credentials,
    headers: HeaderMap,
) -> Response {
    serve_thumbnail(&state, &credentials, &space, &id, Shelf::Live, headers).await
}

/// `GET /files/{space}/trash/{id}/thumbnail`: the thumbnail of an image in
/// Trash, for the Trash page; needs the delete permission, and is a 404
/// once the asset is restored or its time in Trash is over.
pub async fn trash_thumbnail(
    State(state): State<AppState>,
    Path((space, id)): Path<(String, String)>,
    credentials: Credentials,
    headers: HeaderMap,
) -> Response {
    serve_thumbnail(&state, &credentials, &space, &id, Shelf::Trash, headers).await
}

/// `GET /files/{space}/{id}/download`: a live asset's original, streamed
/// from the store with Range and conditional requests, as an attachment
/// under its name. The permission is checked on every request; a trashed
/// asset is a 404. The stored type is the sniffed one, and `nosniff` plus a
/// sandboxing CSP keep an SVG from running script.
pub async fn download(
    State(state): State<AppState>,
    Path((space, id)): Path<(String, String)>,
    credentials: Credentials,
    headers: HeaderMap,
) -> Response {
    let file = match stored_file(&state, &credentials, &space, &id, Shelf::Live).await {
        Ok(file) => file,
        Err(response) => return response,
    };
    let mut response = stream(
        &state.storage,
        FileKind::Original,
        &file.storage_key,
        &file.mime_type,
        &headers,
    )
    .await;
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&content_disposition(&file.name)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
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
    credentials: &Credentials,
    space: &str,
    id: &str,
    shelf: Shelf,
) -> Result<StoredFile, Response> {
    let permission = match shelf {
        Shelf::Live => Permission::View,
        Shelf::Trash => Permission::Delete,
    };
    if let Err(error) = authorize_credentials(credentials, state, space, permission).await {
        return Err(error.into_response());
    }
    let Ok(id) = id.parse::<i64>().map(AssetId) else {
        return Err(AppError::NotFound.into_response());
    };
    let found = match shelf {
        Shelf::Live => find_live_file(&state.pool, space, id).await,
        Shelf::Trash => find_trashed_file(&state.pool, space, id, state.clock.now()).await,
    };
    match found {
        Ok(Some(file)) => Ok(file),
        Ok(None) => Err(AppError::NotFound.into_response()),
        Err(error) => Err(error.into_response()),
    }
}

/// What a `Range` header asks of a file of `total` bytes.
#[derive(Debug, PartialEq, Eq)]
enum ByteRange {
    /// No range (or one we do not serve, like several ranges): all of it.
    Full,
    /// Bytes `start..=end`.
    Part(u64, u64),
    /// A range that starts past the end: 416.
    Unsatisfiable,
}

fn parse_range(header: Option<&HeaderValue>, total: u64) -> ByteRange {
    let Some(spec) = header
        .and_then(|v| v.to_str().ok())
        .and_then(|s| s.trim().strip_prefix("bytes="))
    else {
        return ByteRange::Full;
    };
    if spec.contains(',') {
        return ByteRange::Full;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return ByteRange::Full;
    };
    let (first, last) = (first.trim(), last.trim());
    if first.is_empty() {
        // The last N bytes.
        return match last.parse::<u64>() {
            Ok(0) => ByteRange::Unsatisfiable,
            Ok(_) if total == 0 => ByteRange::Unsatisfiable,
            Ok(n) => ByteRange::Part(total.saturating_sub(n), total - 1),
            Err(_) => ByteRange::Full,
        };
    }
    let Ok(start) = first.parse::<u64>() else {
        return ByteRange::Full;
    };
    let end = if last.is_empty() {
        u64::MAX
    } else {
        match last.parse::<u64>() {
            Ok(end) if end >= start => end,
            _ => return ByteRange::Full,
        }
    };
    if start >= total {
        return ByteRange::Unsatisfiable;
    }
    ByteRange::Part(start, end.min(total - 1))
}

/// Streams one stored file: 200 with all of it, 206 with the range asked
/// for, 416 for a range past the end, 304 when the client's copy (ETag) is
/// current; `nosniff` always. The body streams from the store in chunks.
async fn stream(
    storage: &Storage,
    kind: FileKind,
    key: &str,
    mime: &str,
    request: &HeaderMap,
) -> Response {
    let meta = match storage.head(kind, key).await {
        Ok(Some(meta)) => meta,
        Ok(None) => return AppError::NotFound.into_response(),
        Err(error) => return AppError::internal(error).into_response(),
    };
    // The local store's tags are bare; S3's come quoted already.
    let etag = meta.e_tag.as_ref().map(|tag| {
        if tag.starts_with('"') || tag.starts_with("W/\"") {
            tag.clone()
        } else {
            format!("\"{tag}\"")
        }
    });
    let modified = SystemTime::UNIX_EPOCH
        + Duration::from_millis(u64::try_from(meta.last_modified.timestamp_millis()).unwrap_or(0));
    let mut builder = Response::builder()
        .header(header::CONTENT_TYPE, mime)
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::LAST_MODIFIED, httpdate::fmt_http_date(modified))
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    if let Some(etag) = &etag {
        builder = builder.header(header::ETAG, etag);
        let current = request
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
        if current {
            return builder
                .status(StatusCode::NOT_MODIFIED)
                .body(Body::empty())
                .unwrap_or_else(|_| StatusCode::NOT_MODIFIED.into_response());
        }
    }
    let total = meta.size;
    let (status, range) = match parse_range(request.get(header::RANGE), total) {
        ByteRange::Full => (StatusCode::OK, None),
        ByteRange::Part(start, end) => (
            StatusCode::PARTIAL_CONTENT,
            Some(GetRange::Bounded(start..end + 1)),
        ),
        ByteRange::Unsatisfiable => {
            return builder
                .status(StatusCode::RANGE_NOT_SATISFIABLE)
                .header(header::CONTENT_RANGE, format!("bytes */{total}"))
                .body(Body::empty())
                .unwrap_or_else(|_| StatusCode::RANGE_NOT_SATISFIABLE.into_response());
        }
    };
    let options = GetOptions {
        range,
        ..GetOptions::default()
    };
    let result = match storage.get(kind, key, options).await {
        Ok(result) => result,
        Err(object_store::Error::NotFound { .. }) => return AppError::NotFound.into_response(),
        Err(error) => return AppError::internal(error).into_response(),
    };
    let sent = result.range.clone();
    builder = builder
        .status(status)
        .header(header::CONTENT_LENGTH, sent.end - sent.start);
    if status == StatusCode::PARTIAL_CONTENT {
        builder = builder.header(
            header::CONTENT_RANGE,
            format!(
                "bytes {}-{}/{total}",
                sent.start,
                sent.end.saturating_sub(1)
            ),
        );
    }
    builder
        .body(Body::from_stream(result.into_stream()))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

async fn serve_thumbnail(
    state: &AppState,
    credentials: &Credentials,
    space: &str,
    id: &str,
    shelf: Shelf,
    headers: HeaderMap,
) -> Response {
    let file = match stored_file(state, credentials, space, id, shelf).await {
        Ok(file) if file.has_thumbnail => file,
        Ok(_) => return AppError::NotFound.into_response(),
        Err(response) => return response,
    };
    let mut response = stream(
        &state.storage,
        FileKind::Thumbnail,
        &file.storage_key,
        "image/jpeg",
        &headers,
    )
    .await;
    if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        // Private: a thumbnail is only for members of the space. Short-lived,
        // so that a trashed asset's thumbnail does not linger in caches.
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, max-age=300"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(value: &str, total: u64) -> ByteRange {
        parse_range(Some(&HeaderValue::from_str(value).unwrap()), total)
    }

    #[test]
    fn ranges_are_read_as_rfc_9110_says() {
        assert_eq!(parse_range(None, 100), ByteRange::Full);
        assert_eq!(range("bytes=0-9", 100), ByteRange::Part(0, 9));
        assert_eq!(range("bytes=90-", 100), ByteRange::Part(90, 99));
        assert_eq!(range("bytes=90-500", 100), ByteRange::Part(90, 99));
        assert_eq!(range("bytes=-10", 100), ByteRange::Part(90, 99));
        assert_eq!(range("bytes=-500", 100), ByteRange::Part(0, 99));
        assert_eq!(range("bytes=100-", 100), ByteRange::Unsatisfiable);
        assert_eq!(range("bytes=-0", 100), ByteRange::Unsatisfiable);
        assert_eq!(range("bytes=0-0", 0), ByteRange::Unsatisfiable);
        // Not understood or not served: the whole file.
        assert_eq!(range("bytes=9-3", 100), ByteRange::Full);
        assert_eq!(range("bytes=0-1,5-6", 100), ByteRange::Full);
        assert_eq!(range("items=0-1", 100), ByteRange::Full);
        assert_eq!(range("bytes=a-b", 100), ByteRange::Full);
    }
}
