//! [`PendingUpload`]: an upload being written in parts.

use bytes::Bytes;
use object_store::WriteMultipart;

use super::{StorageError, UPLOAD_PARTS_IN_FLIGHT};

/// An upload being written. See [`Storage::begin_upload`].
pub struct PendingUpload {
    /// `None` once finished.
    pub(super) writer: Option<WriteMultipart>,
    pub(super) size: u64,
    pub(super) head: Vec<u8>,
}

impl std::fmt::Debug for PendingUpload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingUpload")
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

/// An upload dropped before it was committed is aborted: the local store
/// removes its staging file, S3 its parts (which would otherwise be kept,
/// and billed, until a lifecycle rule ends them). Dropping is the path of a
/// client that went away mid-body; every refusal calls [`PendingUpload::abort`]
/// instead, so that nothing is left once the refusal is answered.
impl Drop for PendingUpload {
    fn drop(&mut self) {
        let Some(writer) = self.writer.take() else {
            return;
        };
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                if let Err(error) = writer.abort().await {
                    tracing::warn!(%error, "could not abort an unfinished upload");
                }
            });
        }
    }
}

impl PendingUpload {
    /// Appends a chunk, keeping the first bytes for type detection. Waits
    /// while too many parts are being written (back-pressure on the client).
    pub async fn write(&mut self, chunk: Bytes, keep_head: usize) -> Result<(), StorageError> {
        if self.head.len() < keep_head {
            let take = (keep_head - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        // Never `None` here: committing takes the upload.
        let Some(writer) = self.writer.as_mut() else {
            return Ok(());
        };
        writer.wait_for_capacity(UPLOAD_PARTS_IN_FLIGHT).await?;
        self.size += chunk.len() as u64;
        writer.put(chunk);
        Ok(())
    }

    /// Ends the upload and waits until nothing of it is left (the staging
    /// file removed, the parts aborted), so that a refused upload has left
    /// nothing behind by the time the refusal is answered. A failure is
    /// logged: the sweep removes what is left.
    pub async fn abort(mut self) {
        if let Some(writer) = self.writer.take() {
            if let Err(error) = writer.abort().await {
                tracing::warn!(%error, "could not abort an unfinished upload");
            }
        }
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// The first bytes written (up to `keep_head` of [`Self::write`]).
    pub fn head(&self) -> &[u8] {
        &self.head
    }
}
