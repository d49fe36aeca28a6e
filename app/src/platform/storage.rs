//! Asset files, behind the `object_store` crate's `ObjectStore` trait: the
//! local file system in production (`LocalFileSystem`, which writes to a
//! staging file, fsyncs and renames it into place, so a key never names half
//! a file), memory in tests, and S3-compatible storage one constructor away
//! (README, "Running at scale"). Originals live under `originals/`, JPEG
//! thumbnails under `thumbnails/`, fanned out by the first two characters
//! of a random, unguessable storage key.

pub mod s3;
mod staging;
mod thumbnail;
mod upload;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use futures::stream::{BoxStream, TryChunksError};
use futures::{StreamExt as _, TryStreamExt as _};
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{
    GetOptions, GetResult, GetResultPayload, ObjectMeta, ObjectStore, ObjectStoreExt,
    WriteMultipart,
};

use crate::platform::cpu_gate::{CpuGate, GateError};
pub use thumbnail::{Dimensions, Picture, MAX_DECODE_BYTES, MAX_THUMBNAIL_PIXELS, THUMBNAIL_EDGE};
pub use upload::PendingUpload;

/// An upload is written in parts of this size (S3's: 5 MiB), at most two in
/// flight, so an upload holds a few MB of memory whatever the size of the
/// file.
const UPLOAD_PART_BYTES: usize = 1024 * 1024;
const UPLOAD_PARTS_IN_FLIGHT: usize = 2;

/// Keys whose files one blocking task unlinks in [`Storage::remove_many`]:
/// a few milliseconds of a blocking thread each.
const LOCAL_REMOVALS_PER_TASK: usize = 1_000;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("object store: {0}")]
    Store(#[from] object_store::Error),
    #[error("storage I/O: {0}")]
    Io(#[from] std::io::Error),
    #[error("image: {0}")]
    Image(#[from] image::ImageError),
    #[error("background task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
    #[error("decoding: {0}")]
    Gate(#[from] GateError),
    #[error("storage settings: {0}")]
    Config(String),
}

/// Which of an asset's two files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Original,
    Thumbnail,
}

#[derive(Debug, Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    /// The directory of a local store, for the sweep of staging files that
    /// a crash left behind (the store does not list them).
    local_root: Option<PathBuf>,
    /// The size of an upload's parts: S3 needs at least 5 MiB.
    part_bytes: usize,
    /// Image decoding: one per core at once (a decode can hold hundreds of
    /// MB); uploads beyond that wait for their turn.
    decode_gate: CpuGate,
    /// The memory all decodes at once may take, in KiB
    /// ([`MAX_DECODE_BYTES`] in all).
    decode_memory: Arc<tokio::sync::Semaphore>,
    /// Originals of a remote store copied to temporary files for decoding
    /// at once: one per core, so parallel uploads of large pictures cannot
    /// fill the disk (or, with /tmp in memory, the memory) with copies.
    spools: Arc<tokio::sync::Semaphore>,
}

fn decode_memory() -> Arc<tokio::sync::Semaphore> {
    let kib = usize::try_from(MAX_DECODE_BYTES / 1024).unwrap_or(usize::MAX);
    Arc::new(tokio::sync::Semaphore::new(kib))
}

/// How long an upload waits for a free decoder before it is stored
/// without a thumbnail.
const DECODE_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

impl Storage {
    /// Files under `root` on the local disk (created if missing).
    pub fn local(root: impl Into<PathBuf>) -> Result<Self, StorageError> {
        let root = root.into();
        std::fs::create_dir_all(&root)?;
        let store = LocalFileSystem::new_with_prefix(&root)?
            .with_fsync(true)
            .with_automatic_cleanup(true);
        Ok(Self::over(Arc::new(store), Some(root), UPLOAD_PART_BYTES))
    }

    /// Files in an S3-compatible bucket, `s3://bucket/prefix` (see
    /// [`s3`] for the settings). An incomplete multipart upload (a crash
    /// mid-upload) is invisible and costs only storage: give the bucket a
    /// lifecycle rule that aborts them after a day.
    pub fn s3(url: &str) -> Result<Self, StorageError> {
        Ok(Self::over(Arc::from(s3::store(url)?), None, s3::PART_BYTES))
    }

    /// Files in memory, for tests.
    #[cfg(test)]
    pub fn in_memory() -> Self {
        Self::over(
            Arc::new(object_store::memory::InMemory::new()),
            None,
            UPLOAD_PART_BYTES,
        )
    }

    fn over(store: Arc<dyn ObjectStore>, local_root: Option<PathBuf>, part_bytes: usize) -> Self {
        Self {
            store,
            local_root,
            part_bytes,
            decode_gate: CpuGate::per_core(DECODE_WAIT),
            decode_memory: decode_memory(),
            spools: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(1, usize::from),
            )),
        }
    }

    /// A new random storage key (122 random bits, hex).
    pub fn new_key() -> String {
        uuid::Uuid::new_v4().simple().to_string()
    }

    fn location(kind: FileKind, key: &str) -> ObjectPath {
        let prefix = key.get(..2).unwrap_or("__");
        match kind {
            FileKind::Original => ObjectPath::from(format!("originals/{prefix}/{key}")),
            FileKind::Thumbnail => ObjectPath::from(format!("thumbnails/{prefix}/{key}.jpg")),
        }
    }

    /// Writes an original in one go (demo data, tests).
    pub async fn put_original(&self, key: &str, bytes: &[u8]) -> Result<(), StorageError> {
        self.store
            .put(
                &Self::location(FileKind::Original, key),
                Bytes::copy_from_slice(bytes).into(),
            )
            .await?;
        Ok(())
    }

    /// A file's size and modification time; `None` when there is none.
    pub async fn head(
        &self,
        kind: FileKind,
        key: &str,
    ) -> Result<Option<ObjectMeta>, StorageError> {
        match self.store.head(&Self::location(kind, key)).await {
            Ok(meta) => Ok(Some(meta)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(error) => Err(error.into()),
        }
    }

    /// Whether a file is stored.
    pub async fn exists(&self, kind: FileKind, key: &str) -> Result<bool, StorageError> {
        Ok(self.head(kind, key).await?.is_some())
    }

    /// Reads (part of) a file: a streaming body for downloads.
    pub async fn get(
        &self,
        kind: FileKind,
        key: &str,
        options: GetOptions,
    ) -> Result<GetResult, object_store::Error> {
        self.store
            .get_opts(&Self::location(kind, key), options)
            .await
    }

    /// A whole file in memory (thumbnails, tests).
    pub async fn read(&self, kind: FileKind, key: &str) -> Result<Bytes, StorageError> {
        Ok(self
            .store
            .get(&Self::location(kind, key))
            .await?
            .bytes()
            .await?)
    }

    /// Starts writing the original under `key`, in parts. Nothing is visible
    /// under the key until [`Storage::commit_upload`]; dropped before that
    /// (refused, failed, or the client went away and the request was
    /// dropped mid-stream) the upload leaves nothing behind.
    pub async fn begin_upload(&self, key: &str) -> Result<PendingUpload, StorageError> {
        let upload = self
            .store
            .put_multipart(&Self::location(FileKind::Original, key))
            .await?;
        Ok(PendingUpload {
            writer: Some(WriteMultipart::new_with_chunk_size(upload, self.part_bytes)),
            size: 0,
            head: Vec::new(),
        })
    }

    /// Makes a finished upload the original under its key.
    pub async fn commit_upload(&self, mut pending: PendingUpload) -> Result<(), StorageError> {
        if let Some(writer) = pending.writer.take() {
            writer.finish().await?;
        }
        Ok(())
    }

    /// Removes an asset's original and thumbnail; a file that is already
    /// gone is fine (so removal is idempotent). Returns how many went.
    pub async fn remove(&self, key: &str) -> Result<u64, StorageError> {
        let mut removed = 0;
        for kind in [FileKind::Original, FileKind::Thumbnail] {
            if !self.exists(kind, key).await? {
                continue;
            }
            match self.store.delete(&Self::location(kind, key)).await {
                Ok(()) => removed += 1,
                Err(object_store::Error::NotFound { .. }) => {}
                Err(error) => return Err(error.into()),
            }
        }
        Ok(removed)
    }

    /// Removes the originals and thumbnails of many keys (see
    /// [`Storage::remove`]), for a purge or Empty Trash. On the local disk
    /// the files are unlinked [`LOCAL_REMOVALS_PER_TASK`] keys to a blocking
    /// task, with no existence check first (a file already gone is fine):
    /// going through the object store there costs two or three blocking
    /// round trips per key, which at 100,000 keys took seconds. Elsewhere
    /// each key goes through [`Storage::remove`], `at_once` at a time.
    /// Answers how many files went, and each key that failed with why.
    pub async fn remove_many(
        &self,
        keys: &[String],
        at_once: usize,
    ) -> (u64, Vec<(String, StorageError)>) {
        let mut removed = 0;
        let mut failed = Vec::new();
        if let Some(root) = &self.local_root {
            for some in keys.chunks(LOCAL_REMOVALS_PER_TASK) {
                let first = some.first().cloned().unwrap_or_default();
                let (root, some) = (root.clone(), some.to_vec());
                let done = tokio::task::spawn_blocking(move || {
                    let mut removed = 0;
                    let mut failed = Vec::new();
                    for key in some {
                        for kind in [FileKind::Original, FileKind::Thumbnail] {
                            let path = root.join(Self::location(kind, &key).as_ref());
                            match std::fs::remove_file(&path) {
                                Ok(()) => removed += 1,
                                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                                Err(error) => failed.push((key.clone(), error.into())),
                            }
                        }
                    }
                    (removed, failed)
                })
                .await;
                match done {
                    Ok((n, mut errors)) => {
                        removed += n;
                        failed.append(&mut errors);
                    }
                    // The task panicked: its keys' files are left to the sweep.
                    Err(error) => failed.push((first, error.into())),
                }
            }
            return (removed, failed);
        }
        for some in keys.chunks(at_once.max(1)) {
            let results = futures::future::join_all(some.iter().map(|key| self.remove(key))).await;
            for (key, result) in some.iter().zip(results) {
                match result {
                    Ok(n) => removed += n,
                    Err(error) => failed.push((key.clone(), error)),
                }
            }
        }
        (removed, failed)
    }

    /// The keys of stored files (originals, then thumbnails) last modified
    /// before `cutoff`, `page` at a time as the store lists them, so a sweep
    /// of millions of files holds one page. A key whose original and
    /// thumbnail are both old comes twice. Files newer than `cutoff` are
    /// left out: they may belong to an upload whose row is about to be
    /// written.
    pub fn old_keys(
        &self,
        cutoff: SystemTime,
        page: usize,
    ) -> BoxStream<'_, Result<Vec<String>, StorageError>> {
        let cutoff_millis = cutoff
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        let listings = ["originals", "thumbnails"]
            .into_iter()
            .map(|area| self.store.list(Some(&ObjectPath::from(area))));
        futures::stream::iter(listings)
            .flatten()
            .try_filter_map(move |meta| async move {
                if meta.last_modified.timestamp_millis() >= cutoff_millis {
                    return Ok(None);
                }
                Ok(meta
                    .location
                    .filename()
                    .map(|name| name.strip_suffix(".jpg").unwrap_or(name).to_owned()))
            })
            .try_chunks(page.max(1))
            .map_err(|TryChunksError(_, error)| StorageError::from(error))
            .boxed()
    }

    /// Removes the local store's staging files of writes that never
    /// finished (a crash mid-upload) older than `cutoff`; returns how many.
    /// A remote store has none: its unfinished uploads are invisible.
    pub async fn remove_stale_staging(&self, cutoff: SystemTime) -> Result<u64, StorageError> {
        match self.local_root.clone() {
            Some(root) => {
                Ok(
                    tokio::task::spawn_blocking(move || staging::remove_stale(&root, cutoff))
                        .await??,
                )
            }
            None => Ok(0),
        }
    }

    /// Every key of [`Storage::old_keys`] at once, and the stale staging
    /// files removed: for tests.
    #[cfg(test)]
    pub async fn keys_older_than(
        &self,
        cutoff: SystemTime,
    ) -> Result<(std::collections::BTreeSet<String>, u64), StorageError> {
        let pages: Vec<Vec<String>> = self.old_keys(cutoff, 1_000).try_collect().await?;
        let stale = self.remove_stale_staging(cutoff).await?;
        Ok((pages.into_iter().flatten().collect(), stale))
    }

    /// Reads an image original's dimensions from its header and, below
    /// [`MAX_THUMBNAIL_PIXELS`], decodes it (within explicit limits, one
    /// decode per core at once, straight from the stored file) and writes a
    /// JPEG thumbnail. `None` for files that are not images the `image`
    /// crate reads; a picture too big (or too broken) to decode keeps its
    /// dimensions and gets no thumbnail.
    pub async fn make_thumbnail(&self, key: &str) -> Result<Option<Picture>, StorageError> {
        let original = self
            .store
            .get(&Self::location(FileKind::Original, key))
            .await?;
        // Held until the decode is done: the spooled copy lives as long.
        let mut _spool_slot = None;
        let mut source = match original.payload {
            // The local store hands over the open file: decode from it,
            // not from a second copy in memory.
            GetResultPayload::File(file, _) => thumbnail::Source::file(file),
            // A remote store's stream is spooled to an unnamed temporary
            // file, not memory: an original can be as large as uploads are.
            // One copy per core at once; past a minute's wait, the upload
            // is kept without a thumbnail.
            GetResultPayload::Stream(stream) => {
                let slot = self.spools.clone().acquire_owned();
                let Ok(Ok(slot)) = tokio::time::timeout(DECODE_WAIT, slot).await else {
                    tracing::warn!("no spool slot free for a minute: no thumbnail");
                    return Ok(None);
                };
                _spool_slot = Some(slot);
                thumbnail::Source::file(spool(stream).await?)
            }
        };
        let (header, source) = self
            .decode_gate
            .run(move || (thumbnail::read_header(&mut source), source))
            .await?;
        let Some(header) = header? else {
            return Ok(None);
        };
        let no_thumbnail = Ok(Some(Picture {
            dimensions: header.dimensions,
            thumbnail: false,
        }));
        if !header.within_budget() {
            tracing::info!(?header.dimensions, "picture over the decode budget: no thumbnail");
            return no_thumbnail;
        }
        // Decodes at once share one memory budget, in KiB: a large picture
        // waits until enough of it is free.
        let kib = u32::try_from(header.decoded_bytes.div_ceil(1024)).unwrap_or(u32::MAX);
        let memory = self.decode_memory.clone().acquire_many_owned(kib);
        let Ok(Ok(memory)) = tokio::time::timeout(DECODE_WAIT, memory).await else {
            tracing::warn!("no decode memory free for a minute: no thumbnail");
            return no_thumbnail;
        };
        let jpeg = self
            .decode_gate
            .run(move || {
                let rendered = thumbnail::render(source, &header);
                drop(memory);
                rendered
            })
            .await??;
        let thumbnail = match jpeg {
            Some(jpeg) => {
                self.store
                    .put(&Self::location(FileKind::Thumbnail, key), jpeg.into())
                    .await?;
                true
            }
            None => false,
        };
        Ok(Some(Picture {
            dimensions: header.dimensions,
            thumbnail,
        }))
    }
}

/// Copies a stream to an unnamed temporary file (gone when closed) and
/// rewinds it.
async fn spool(
    mut stream: futures::stream::BoxStream<'static, object_store::Result<Bytes>>,
) -> Result<std::fs::File, StorageError> {
    use tokio::io::{AsyncSeekExt as _, AsyncWriteExt as _};
    let file = tokio::task::spawn_blocking(tempfile::tempfile).await??;
    let mut file = tokio::fs::File::from_std(file);
    while let Some(chunk) = stream.try_next().await? {
        file.write_all(&chunk).await?;
    }
    file.flush().await?;
    file.seek(std::io::SeekFrom::Start(0)).await?;
    Ok(file.into_std().await)
}

/// Whether a storage error means the disk is full.
pub fn is_storage_full(error: &StorageError) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = cause {
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::StorageFull || io.raw_os_error() == Some(28) {
                return true;
            }
        }
        cause = current.source();
    }
    false
}

#[cfg(test)]
mod tests;
