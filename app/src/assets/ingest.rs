//! Taking a file in: the one pipeline every new asset goes through, from an
//! upload request, the demo data or a test, without HTTP.
//!
//! [`store_file`] streams the bytes into the store (never the whole file in
//! memory) within the size limit, refuses empty files and types Trove does
//! not take (judged by the content, not the name), cleans the name, and
//! makes the thumbnail; nothing is visible under the key until the file is
//! complete and accepted. [`ingest`] then writes the row, and removes the
//! file again if the row cannot be written.
//!
//! A space's quota (bytes of live and trashed files together) is judged
//! three times: by the caller on the declared size, if it knows one (the
//! upload route, on `Content-Length`), before a byte is stored; while the
//! bytes arrive, bounded by the room the space had when the upload began;
//! and in the row's write transaction, where concurrent uploads queue, so
//! that two of them cannot both take the last room (the loser's file goes).

use bytes::Bytes;
use futures::{Stream, StreamExt as _};
use sqlx::AnyPool;

use super::data::{insert, NewAsset};
use super::file_type::{clean_name, refusal, sniff, SNIFF_BYTES};
use super::model::{too_large_message, Asset};
use crate::domain::error::AppError;
use crate::domain::ids::{FolderId, SpaceId, UserId};
use crate::domain::time::Timestamp;
use crate::platform::clock::Clock;
use crate::platform::storage::{is_storage_full, PendingUpload, Storage, StorageError};
use crate::spaces::model::Quota;
use crate::spaces::storage::{quota_of, require_room};

/// Images the thumbnailer decodes.
const THUMBNAILED: [&str; 4] = ["image/jpeg", "image/png", "image/gif", "image/webp"];

/// A file in the store, accepted, waiting for its row.
#[derive(Debug, Clone)]
pub struct AcceptedFile {
    pub storage_key: String,
    /// The cleaned name.
    pub name: String,
    pub mime_type: String,
    pub size_bytes: i64,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub has_thumbnail: bool,
}

impl AcceptedFile {
    /// The row for this file in `space`, by `user`, at `at`.
    pub fn into_new_asset(
        self,
        space: SpaceId,
        folder: Option<FolderId>,
        user: Option<UserId>,
        at: Timestamp,
    ) -> NewAsset {
        NewAsset {
            space,
            name: self.name,
            mime_type: self.mime_type,
            size_bytes: self.size_bytes,
            width: self.width,
            height: self.height,
            storage_key: self.storage_key,
            has_thumbnail: self.has_thumbnail,
            folder,
            created_by: user,
            created_at: at,
            updated_at: at,
        }
    }
}

/// Streams `chunks` into the store as a file named `raw_name` (as the client
/// sent it), at most `max_bytes` long and, under a `quota`, no more than it
/// leaves (507 `space_full` past it). An error in the stream ends the
/// upload with that error; dropped before it finishes (the client went
/// away), it leaves nothing behind.
pub async fn store_file<S>(
    storage: &Storage,
    raw_name: &str,
    max_bytes: u64,
    quota: Option<Quota>,
    mut chunks: S,
) -> Result<AcceptedFile, AppError>
where
    S: Stream<Item = Result<Bytes, AppError>> + Unpin,
{
    let name = clean_name(raw_name);
    let key = Storage::new_key();
    let mut pending = storage.begin_upload(&key).await.map_err(storage_error)?;
    // A refusal aborts the upload and waits for it: dropping `pending`
    // would remove the staging file (or S3's parts) in the background,
    // after the refusal was answered. (Dropped mid-stream, when the client
    // goes away, it still does.)
    let mime = match receive(&mut pending, &mut chunks, &name, max_bytes, quota).await {
        Ok(mime) => mime,
        Err(error) => {
            pending.abort().await;
            return Err(error);
        }
    };
    let size = pending.size();
    storage
        .commit_upload(pending)
        .await
        .map_err(storage_error)?;
    // A picture that does not decode is still kept, without a thumbnail.
    let picture = if THUMBNAILED.contains(&mime.as_str()) {
        match storage.make_thumbnail(&key).await {
            Ok(picture) => picture,
            Err(error) => {
                tracing::warn!(%error, "no thumbnail for an uploaded image");
                None
            }
        }
    } else {
        None
    };
    Ok(AcceptedFile {
        storage_key: key,
        name,
        mime_type: mime,
        size_bytes: i64::try_from(size).map_err(AppError::internal)?,
        width: picture.map(|p| i64::from(p.dimensions.width)),
        height: picture.map(|p| i64::from(p.dimensions.height)),
        has_thumbnail: picture.is_some_and(|p| p.thumbnail),
    })
}

/// Streams `chunks` into `pending` within `max_bytes` and the `quota`'s
/// room, and judges what arrived: not empty, of a type Trove takes. Returns
/// the type.
async fn receive<S>(
    pending: &mut PendingUpload,
    chunks: &mut S,
    name: &str,
    max_bytes: u64,
    quota: Option<Quota>,
) -> Result<String, AppError>
where
    S: Stream<Item = Result<Bytes, AppError>> + Unpin,
{
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk?;
        let size = pending.size() + chunk.len() as u64;
        if size > max_bytes {
            return Err(AppError::TooLarge(too_large_message(name, max_bytes)));
        }
        if let Some(quota) = quota.filter(|quota| !quota.admits(size)) {
            return Err(quota.refusal());
        }
        pending
            .write(chunk, SNIFF_BYTES)
            .await
            .map_err(storage_error)?;
    }
    if pending.size() == 0 {
        return Err(AppError::validation(format!(
            "{name} is empty; there is nothing to upload."
        )));
    }
    let mime = sniff(pending.head(), name);
    if let Some(what) = refusal(&mime) {
        return Err(AppError::UnsupportedType(format!(
            "{name} was not uploaded: {what} are not allowed."
        )));
    }
    Ok(mime)
}

/// [`store_file`] within the space's quota, then the row: the new asset,
/// first in its space's listing (its time is read once the file is in, not
/// when it started arriving). If the row cannot be written (the quota
/// filled meanwhile, among others), the file goes again.
#[allow(clippy::too_many_arguments)]
pub async fn ingest<S>(
    pool: &AnyPool,
    storage: &Storage,
    space: SpaceId,
    folder: Option<FolderId>,
    user: Option<UserId>,
    raw_name: &str,
    max_bytes: u64,
    clock: &Clock,
    chunks: S,
) -> Result<Asset, AppError>
where
    S: Stream<Item = Result<Bytes, AppError>> + Unpin,
{
    let quota = quota_of(pool, space).await?;
    if let Some(quota) = quota.filter(|quota| quota.room() == 0) {
        return Err(quota.refusal());
    }
    let stored = store_file(storage, raw_name, max_bytes, quota, chunks).await?;
    let key = stored.storage_key.clone();
    let at = clock.now();
    match insert_under_write_lock(pool, &stored.into_new_asset(space, folder, user, at)).await {
        Ok(asset) => Ok(asset),
        Err(error) => {
            if let Err(removal) = storage.remove(&key).await {
                tracing::warn!(%removal, "could not remove the file of a refused row; the sweep will");
            }
            Err(error)
        }
    }
}

/// The row goes in under the write lock, as every change that reads before
/// it writes: its folder's check then sees what a bulk change committed (on
/// PostgreSQL, whose statements would otherwise read a snapshot from before
/// it), and the upload cannot deadlock with a bulk change that locks the
/// same space and folder rows. On SQLite every write queues anyway. The
/// quota is judged again here, after every upload committed before it.
async fn insert_under_write_lock(pool: &AnyPool, asset: &NewAsset) -> Result<Asset, AppError> {
    let mut tx = crate::platform::db::begin_write_on(pool).await?;
    let size = u64::try_from(asset.size_bytes).map_err(AppError::internal)?;
    require_room(&mut *tx, asset.space, size).await?;
    let inserted = insert(&mut *tx, asset).await?;
    tx.commit().await?;
    Ok(inserted)
}

fn storage_error(error: StorageError) -> AppError {
    if is_storage_full(&error) {
        AppError::StorageFull
    } else {
        AppError::internal(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::db::test_pool;
    use crate::platform::storage::FileKind;
    use crate::spaces::data::ensure;

    fn chunks(parts: Vec<&'static [u8]>) -> impl Stream<Item = Result<Bytes, AppError>> + Unpin {
        futures::stream::iter(parts.into_iter().map(|p| Ok(Bytes::from_static(p))))
    }

    fn png() -> Vec<u8> {
        let image = image::RgbImage::from_pixel(40, 20, image::Rgb([9, 9, 9]));
        let mut png = Vec::new();
        image::DynamicImage::ImageRgb8(image)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        png
    }

    #[tokio::test]
    async fn a_file_goes_in_whole_with_its_row_type_and_thumbnail() {
        let (pool, _dir) = test_pool().await;
        let storage = Storage::in_memory();
        let space = ensure(&pool, "s", "S", Timestamp::EPOCH).await.unwrap().id;
        let png: &'static [u8] = Box::leak(png().into_boxed_slice());
        let (head, tail) = png.split_at(10);
        let asset = ingest(
            &pool,
            &storage,
            space,
            None,
            None,
            "../../Reports/logo.pdf",
            1 << 20,
            &Clock::frozen(Timestamp::from_millis(1_000)),
            chunks(vec![head, tail]),
        )
        .await
        .unwrap();
        // The name is the last part, the type is what the bytes are.
        assert_eq!(asset.name, "logo.pdf");
        assert_eq!(asset.mime_type, "image/png");
        assert_eq!((asset.width, asset.height), (Some(40), Some(20)));
        assert!(asset.has_thumbnail);
        assert_eq!(asset.updated_at, Timestamp::from_millis(1_000));
        let key: String = sqlx::query_scalar("SELECT storage_key FROM assets WHERE id = $1")
            .bind(asset.id)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(
            storage.read(FileKind::Original, &key).await.unwrap().len(),
            png.len()
        );
    }

    /// Every file under `dir`, staging files included.
    fn files_under(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir).map_or(0, |entries| {
            entries
                .map(|entry| entry.unwrap().path())
                .map(|path| if path.is_dir() { files_under(&path) } else { 1 })
                .sum()
        })
    }

    /// On local disk an upload writes a staging file as it arrives; a
    /// refusal must have removed it by the time it is answered (it was
    /// removed in the background, and a check right after the answer could
    /// still see it: the fault suite's malformed uploads, now and then).
    #[tokio::test]
    async fn a_refused_upload_has_left_nothing_on_disk_when_it_answers() {
        let dir = tempfile::tempdir().unwrap();
        let storage = Storage::local(dir.path()).unwrap();
        let cases: Vec<(Vec<&'static [u8]>, u64)> = vec![
            (vec![], 100),
            (vec![b"0123456789", b"0123456789"], 15),
            (vec![b"<!DOCTYPE html><html></html>"], 100),
        ];
        for (parts, limit) in cases {
            let refused = store_file(&storage, "x.png", limit, None, chunks(parts)).await;
            assert!(refused.is_err());
            // No yield in between: the answer must not rely on a task.
            assert_eq!(files_under(dir.path()), 0);
        }
    }

    #[tokio::test]
    async fn refusals_leave_no_file_and_no_row() {
        let (pool, _dir) = test_pool().await;
        let storage = Storage::in_memory();
        let space = ensure(&pool, "s", "S", Timestamp::EPOCH).await.unwrap().id;
        let cases: Vec<(Vec<&'static [u8]>, u64, &str)> = vec![
            (vec![], 100, "validation"),
            (vec![b"0123456789", b"0123456789"], 15, "too_large"),
            (
                vec![b"<!DOCTYPE html><html></html>"],
                100,
                "unsupported_type",
            ),
        ];
        for (parts, limit, code) in cases {
            let error = ingest(
                &pool,
                &storage,
                space,
                None,
                None,
                "x.png",
                limit,
                &Clock::frozen(Timestamp::from_millis(1)),
                chunks(parts),
            )
            .await
            .unwrap_err();
            assert_eq!(serde_json::to_value(&error).unwrap()["error"], code);
        }
        let broken = futures::stream::iter(vec![
            Ok(Bytes::from_static(b"hello")),
            Err(AppError::validation("The upload broke off.")),
        ]);
        assert!(ingest(
            &pool,
            &storage,
            space,
            None,
            None,
            "x.txt",
            100,
            &Clock::frozen(Timestamp::from_millis(1)),
            broken
        )
        .await
        .is_err());
        let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM assets")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(rows, 0);
        let (files, _) = storage
            .keys_older_than(std::time::SystemTime::now() + std::time::Duration::from_secs(60))
            .await
            .unwrap();
        assert!(files.is_empty(), "{files:?}");
    }

    /// The stored files of `storage` (originals and thumbnails).
    async fn stored_files(storage: &Storage) -> std::collections::BTreeSet<String> {
        let (files, _) = storage
            .keys_older_than(std::time::SystemTime::now() + std::time::Duration::from_secs(60))
            .await
            .unwrap();
        files
    }

    /// The quota as `settings::quota::set_quota` stores it.
    async fn set_quota(pool: &AnyPool, space: SpaceId, bytes: i64) {
        sqlx::query("UPDATE spaces SET quota_bytes = $1 WHERE id = $2")
            .bind(bytes)
            .bind(space)
            .execute(pool)
            .await
            .unwrap();
    }

    async fn used_bytes(pool: &AnyPool, space: SpaceId) -> u64 {
        crate::spaces::storage::quota_of(pool, space)
            .await
            .unwrap()
            .unwrap()
            .used_bytes
    }

    /// Past the quota while streaming: 507, and neither a file nor a row;
    /// up to it exactly: taken.
    #[tokio::test]
    async fn an_upload_past_the_quota_is_refused_and_leaves_nothing() {
        let (pool, _dir) = test_pool().await;
        let storage = Storage::in_memory();
        let space = ensure(&pool, "s", "S", Timestamp::EPOCH).await.unwrap().id;
        set_quota(&pool, space, 30).await;
        let clock = Clock::frozen(Timestamp::from_millis(1));
        let upload = |parts: Vec<&'static [u8]>| {
            ingest(
                &pool,
                &storage,
                space,
                None,
                None,
                "notes.txt",
                1 << 20,
                &clock,
                chunks(parts),
            )
        };
        upload(vec![b"0123456789", b"0123456789"]).await.unwrap();
        assert_eq!(used_bytes(&pool, space).await, 20);
        let refused = upload(vec![b"0123456789", b"x"]).await.unwrap_err();
        assert_eq!(refused.code(), "space_full");
        assert!(refused.to_string().contains("This space is full"));
        assert!(refused.to_string().contains("Trash included"));
        assert_eq!(used_bytes(&pool, space).await, 20);
        assert_eq!(stored_files(&storage).await.len(), 1);
        // The last room, exactly.
        upload(vec![b"0123456789"]).await.unwrap();
        assert_eq!(used_bytes(&pool, space).await, 30);
        // Full: refused before reading a byte.
        let refused = upload(vec![b"x"]).await.unwrap_err();
        assert_eq!(refused.code(), "space_full");
        let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM assets")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(rows, 2);
        assert_eq!(stored_files(&storage).await.len(), 2);
    }

    /// Another upload fills the space while this one streams (it had room
    /// when it began): the write transaction refuses its row, and its
    /// stored file goes again.
    #[tokio::test]
    async fn the_quota_is_judged_again_when_the_row_is_written() {
        let (pool, _dir) = test_pool().await;
        let storage = Storage::in_memory();
        let space = ensure(&pool, "s", "S", Timestamp::EPOCH).await.unwrap().id;
        set_quota(&pool, space, 100).await;
        let rival = pool.clone();
        // The first chunk arrives after a rival's 95-byte file is in.
        let chunks = futures::stream::once(async move {
            let mut other = NewAsset::for_test(space, None, "rival.png");
            other.size_bytes = 95;
            insert(&rival, &other).await.unwrap();
            Ok(Bytes::from_static(b"0123456789"))
        });
        let refused = ingest(
            &pool,
            &storage,
            space,
            None,
            None,
            "late.txt",
            1 << 20,
            &Clock::frozen(Timestamp::from_millis(1)),
            Box::pin(chunks),
        )
        .await
        .unwrap_err();
        assert_eq!(refused.code(), "space_full");
        assert!(refused.to_string().contains("it holds 95 B"), "{refused}");
        let names: Vec<String> = sqlx::query_scalar("SELECT name FROM assets")
            .fetch_all(&pool)
            .await
            .unwrap();
        assert_eq!(names, ["rival.png"]);
        assert!(
            stored_files(&storage).await.is_empty(),
            "the file went again"
        );
    }
}
