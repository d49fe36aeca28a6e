//! An upload's file as its `Idempotency-Key` knows it: the handler digests
//! it as it streams (the body may be gigabytes and is never held), and the
//! layer compares a retry's digest with the first's.

use sha2::{Digest as _, Sha256};

/// Put on an upload request by the layer for the handler: the request is
/// under a key, so its file is digested as it streams ([`FileDigest`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadUnderKey {
    /// The key is this request's: store the file, and put its
    /// [`FileFingerprint`] on the 201.
    First,
    /// The key holds an answer: only read the file through its digest,
    /// store nothing, and answer 200 with its [`FileFingerprint`].
    Retry,
}

/// An uploaded file as its key knows it: SHA-256 over the name the client
/// gave it and its bytes, fed as they stream in (the whole body is never
/// held; the digest also fixes the length).
pub struct FileDigest(Sha256);

impl FileDigest {
    pub fn new(raw_name: &str) -> Self {
        let mut hash = Sha256::new();
        hash.update((raw_name.len() as u64).to_be_bytes());
        hash.update(raw_name.as_bytes());
        Self(hash)
    }

    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    pub fn finish(self) -> FileFingerprint {
        FileFingerprint(self.0.finalize().to_vec())
    }
}

/// What [`FileDigest`] made of an upload's file: an extension on the
/// handler's answer, read here and never sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFingerprint(pub(super) Vec<u8>);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_s_digest_is_its_name_and_bytes_however_they_arrive() {
        let digest = |name: &str, chunks: &[&[u8]]| {
            let mut digest = FileDigest::new(name);
            for chunk in chunks {
                digest.update(chunk);
            }
            digest.finish()
        };
        let whole = digest("a.txt", &[b"hello"]);
        assert_eq!(whole, digest("a.txt", &[b"hel", b"", b"lo"]));
        assert_ne!(whole, digest("a.txt", &[b"hellO"]));
        assert_ne!(whole, digest("b.txt", &[b"hello"]));
        // The name's length keeps name and bytes apart.
        assert_ne!(digest("a.txth", &[b"ello"]), whole);
    }
}
