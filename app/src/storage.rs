//! Files on local disk under `<data dir>/files`: originals under
//! `originals/`, JPEG thumbnails under `thumbnails/`, both fanned out by the
//! first two characters of a random, unguessable storage key.

use std::collections::BTreeSet;
use std::io::Cursor as IoCursor;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use image::{imageops::FilterType, DynamicImage, ImageFormat, ImageReader};

/// Longest edge of a thumbnail, in pixels (2× the listing's 48 px cell and
/// the details view's 160 px).
pub const THUMBNAIL_EDGE: u32 = 320;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("storage I/O: {0}")]
    Io(#[from] std::io::Error),
    #[error("image: {0}")]
    Image(#[from] image::ImageError),
    #[error("background task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
}

#[derive(Debug, Clone)]
pub struct Storage {
    root: PathBuf,
}

/// Pixel size of a decoded image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dimensions {
    pub width: u32,
    pub height: u32,
}

impl Storage {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// A new random storage key (122 random bits, hex).
    pub fn new_key() -> String {
        uuid::Uuid::new_v4().simple().to_string()
    }

    fn fan_out(&self, area: &str, key: &str, suffix: &str) -> PathBuf {
        let prefix = key.get(..2).unwrap_or("__");
        self.root
            .join(area)
            .join(prefix)
            .join(format!("{key}{suffix}"))
    }

    pub fn original_path(&self, key: &str) -> PathBuf {
        self.fan_out("originals", key, "")
    }

    pub fn thumbnail_path(&self, key: &str) -> PathBuf {
        self.fan_out("thumbnails", key, ".jpg")
    }

    /// Writes an original atomically: a temporary file in the same directory,
    /// then a rename, so a crash never leaves a half-written file under the key.
    pub async fn put_original(&self, key: &str, bytes: &[u8]) -> Result<(), StorageError> {
        write_atomically(&self.original_path(key), bytes).await
    }

    /// Starts an upload: a new temporary file under `tmp/`, on the same
    /// file system as the originals, so that committing it is a rename.
    pub async fn begin_upload(&self) -> Result<PendingUpload, StorageError> {
        let dir = self.root.join("tmp");
        tokio::fs::create_dir_all(&dir).await?;
        let path = dir.join(format!(".tmp-{}", uuid::Uuid::new_v4().simple()));
        let file = tokio::fs::File::create(&path).await?;
        Ok(PendingUpload {
            file: Some(file),
            path,
            size: 0,
            head: Vec::new(),
        })
    }

    /// Makes a finished upload the original under `key` (flushed to disk,
    /// then one rename: never half a file under a key).
    pub async fn commit_upload(
        &self,
        mut pending: PendingUpload,
        key: &str,
    ) -> Result<(), StorageError> {
        if let Some(file) = pending.file.take() {
            file.sync_all().await?;
        }
        let target = self.original_path(key);
        if let Some(dir) = target.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        tokio::fs::rename(&pending.path, &target).await?;
        // Renamed away: nothing left for Drop to remove.
        pending.path = PathBuf::new();
        Ok(())
    }

    /// Removes an asset's original and thumbnail; a file that is already
    /// gone is fine (so removal is idempotent). Returns how many went.
    pub async fn remove(&self, key: &str) -> Result<u64, StorageError> {
        let mut removed = 0;
        for path in [self.original_path(key), self.thumbnail_path(key)] {
            match tokio::fs::remove_file(&path).await {
                Ok(()) => removed += 1,
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                Err(error) => return Err(error.into()),
            }
        }
        Ok(removed)
    }

    /// The keys of stored files (originals or thumbnails) last modified
    /// before `cutoff`, for the orphan sweep. Temporary files of writes that
    /// never finished (older than `cutoff`) are removed on the way and
    /// counted. Files newer than `cutoff` are left alone: they may belong to
    /// an upload whose row is about to be written.
    pub async fn keys_older_than(
        &self,
        cutoff: SystemTime,
    ) -> Result<(BTreeSet<String>, u64), StorageError> {
        let root = self.root.clone();
        Ok(tokio::task::spawn_blocking(move || scan_keys(&root, cutoff)).await??)
    }

    /// Decodes the original, records its dimensions and writes a thumbnail,
    /// off the async runtime. Returns `None` for files that are not images
    /// the `image` crate can read.
    pub async fn make_thumbnail(&self, key: &str) -> Result<Option<Dimensions>, StorageError> {
        let original = self.original_path(key);
        let thumbnail = self.thumbnail_path(key);
        let encoded = tokio::task::spawn_blocking(move || render_thumbnail(&original)).await??;
        match encoded {
            Some((dimensions, jpeg)) => {
                write_atomically(&thumbnail, &jpeg).await?;
                Ok(Some(dimensions))
            }
            None => Ok(None),
        }
    }
}

/// An upload being written to a temporary file. Dropped before
/// [`Storage::commit_upload`] (refused, failed, or the client went away and
/// the request was dropped mid-stream) it removes its temporary file.
#[derive(Debug)]
pub struct PendingUpload {
    file: Option<tokio::fs::File>,
    path: PathBuf,
    size: u64,
    head: Vec<u8>,
}

impl PendingUpload {
    /// Appends a chunk, keeping the first bytes for type detection.
    pub async fn write(&mut self, chunk: &[u8], keep_head: usize) -> Result<(), StorageError> {
        use tokio::io::AsyncWriteExt as _;
        if self.head.len() < keep_head {
            let take = (keep_head - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        if let Some(file) = self.file.as_mut() {
            file.write_all(chunk).await?;
        }
        self.size += chunk.len() as u64;
        Ok(())
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// The first bytes written (up to `keep_head` of [`Self::write`]).
    pub fn head(&self) -> &[u8] {
        &self.head
    }

    /// The temporary file's path (tests check it is gone).
    pub fn temp_path(&self) -> &Path {
        &self.path
    }
}

impl Drop for PendingUpload {
    fn drop(&mut self) {
        if !self.path.as_os_str().is_empty() {
            // Blocking, but one unlink; the sweep catches what this misses.
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Whether an I/O error means the disk is full.
pub fn is_storage_full(error: &StorageError) -> bool {
    matches!(error, StorageError::Io(io) if io.kind() == std::io::ErrorKind::StorageFull
        || io.raw_os_error() == Some(28))
}

/// Blocking: walks `originals/*/*` and `thumbnails/*/*`, and removes stale
/// temporary files there and under `tmp/`.
fn scan_keys(root: &Path, cutoff: SystemTime) -> std::io::Result<(BTreeSet<String>, u64)> {
    let mut keys = BTreeSet::new();
    let mut stale_temps = 0;
    if let Ok(temps) = std::fs::read_dir(root.join("tmp")) {
        for file in temps {
            let file = file?;
            if file.metadata()?.modified()? < cutoff {
                stale_temps += remove_if_present(&file.path())?;
            }
        }
    }
    for area in ["originals", "thumbnails"] {
        let Ok(prefixes) = std::fs::read_dir(root.join(area)) else {
            continue;
        };
        for prefix in prefixes {
            let prefix = prefix?;
            if !prefix.file_type()?.is_dir() {
                continue;
            }
            for file in std::fs::read_dir(prefix.path())? {
                let file = file?;
                let modified = file.metadata()?.modified()?;
                if modified >= cutoff {
                    continue;
                }
                let name = file.file_name().to_string_lossy().into_owned();
                if name.starts_with(".tmp-") {
                    stale_temps += remove_if_present(&file.path())?;
                    continue;
                }
                let key = name.strip_suffix(".jpg").unwrap_or(&name);
                keys.insert(key.to_owned());
            }
        }
    }
    Ok((keys, stale_temps))
}

/// Blocking: removes a file; 1 if it was there, 0 if it was already gone.
fn remove_if_present(path: &Path) -> std::io::Result<u64> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(1),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(0),
        Err(error) => Err(error),
    }
}

async fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), StorageError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    tokio::fs::create_dir_all(dir).await?;
    let temp = dir.join(format!(".tmp-{}", uuid::Uuid::new_v4().simple()));
    tokio::fs::write(&temp, bytes).await?;
    if let Err(error) = tokio::fs::rename(&temp, path).await {
        let _ = tokio::fs::remove_file(&temp).await;
        return Err(error.into());
    }
    Ok(())
}

/// Blocking: decode, shrink and encode a JPEG thumbnail.
fn render_thumbnail(original: &Path) -> Result<Option<(Dimensions, Vec<u8>)>, StorageError> {
    let reader = ImageReader::open(original)?.with_guessed_format()?;
    if reader.format().is_none() {
        return Ok(None);
    }
    let image = match reader.decode() {
        Ok(image) => image,
        Err(image::ImageError::Unsupported(_)) => return Ok(None),
        Err(other) => return Err(other.into()),
    };
    let dimensions = Dimensions {
        width: image.width(),
        height: image.height(),
    };
    let small = if image.width() > THUMBNAIL_EDGE || image.height() > THUMBNAIL_EDGE {
        image.resize(THUMBNAIL_EDGE, THUMBNAIL_EDGE, FilterType::Triangle)
    } else {
        image
    };
    // JPEG has no alpha: flatten onto white so transparent PNGs look right.
    let rgb = DynamicImage::ImageRgb8(flatten_on_white(&small));
    let mut jpeg = Vec::new();
    rgb.write_to(&mut IoCursor::new(&mut jpeg), ImageFormat::Jpeg)?;
    Ok(Some((dimensions, jpeg)))
}

fn flatten_on_white(image: &DynamicImage) -> image::RgbImage {
    let rgba = image.to_rgba8();
    image::RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let blend =
            |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        image::Rgb([blend(r), blend(g), blend(b)])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stores_originals_and_makes_thumbnails() {
        let dir = tempfile::tempdir().unwrap();
        let storage = Storage::new(dir.path());
        let key = Storage::new_key();
        assert_eq!(key.len(), 32);

        let image = image::RgbaImage::from_pixel(800, 400, image::Rgba([200, 10, 10, 128]));
        let mut png = Vec::new();
        DynamicImage::ImageRgba8(image)
            .write_to(&mut IoCursor::new(&mut png), ImageFormat::Png)
            .unwrap();
        storage.put_original(&key, &png).await.unwrap();
        assert_eq!(std::fs::read(storage.original_path(&key)).unwrap(), png);

        let dimensions = storage.make_thumbnail(&key).await.unwrap();
        assert_eq!(
            dimensions,
            Some(Dimensions {
                width: 800,
                height: 400
            })
        );
        let thumb = image::open(storage.thumbnail_path(&key)).unwrap();
        assert_eq!(
            (thumb.width(), thumb.height()),
            (THUMBNAIL_EDGE, THUMBNAIL_EDGE / 2)
        );
        // Half-transparent red on white is pink, not dark red.
        let pixel = thumb.to_rgb8().get_pixel(5, 5).0;
        assert!(pixel[1] > 100 && pixel[0] > 200, "{pixel:?}");
    }

    #[tokio::test]
    async fn non_images_get_no_thumbnail() {
        let dir = tempfile::tempdir().unwrap();
        let storage = Storage::new(dir.path());
        let key = Storage::new_key();
        storage
            .put_original(&key, b"%PDF-1.4 not an image")
            .await
            .unwrap();
        assert_eq!(storage.make_thumbnail(&key).await.unwrap(), None);
        assert!(!storage.thumbnail_path(&key).exists());
    }
}
