//! The S3-compatible store: `TROVE_STORAGE=s3://bucket/prefix`, configured
//! by the usual `AWS_*` settings (object_store's `AmazonS3Builder::from_env`:
//! `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, and for an
//! S3-compatible store `AWS_ENDPOINT_URL`, plus `AWS_ALLOW_HTTP=true` for a
//! plain-HTTP endpoint).

use object_store::aws::AmazonS3Builder;
use object_store::prefix::PrefixStore;
use object_store::ObjectStore;

use super::StorageError;

/// S3 takes multipart uploads in parts of at least 5 MiB (but the last).
pub(super) const PART_BYTES: usize = 5 * 1024 * 1024;

/// A bucket and a key prefix, from `s3://bucket/prefix`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub bucket: String,
    pub prefix: String,
}

impl Location {
    pub fn parse(url: &str) -> Result<Self, StorageError> {
        let bad = |why: &str| StorageError::Config(format!("{why}: expected s3://bucket/prefix"));
        let rest = url
            .strip_prefix("s3://")
            .ok_or_else(|| bad("not an s3:// URL"))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let valid_bucket = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
        if !valid_bucket {
            return Err(bad(
                "a bucket name is 3 to 63 lowercase letters, digits, '-' or '.'",
            ));
        }
        let prefix = prefix.trim_matches('/');
        if prefix.contains("//") || prefix.chars().any(char::is_control) || prefix.contains('?') {
            return Err(bad("the prefix is a path without empty parts"));
        }
        Ok(Self {
            bucket: bucket.to_owned(),
            prefix: prefix.to_owned(),
        })
    }
}

/// The store for `url`, with the `AWS_*` settings of the environment.
pub(super) fn store(url: &str) -> Result<Box<dyn ObjectStore>, StorageError> {
    let location = Location::parse(url)?;
    let bucket = AmazonS3Builder::from_env()
        .with_bucket_name(&location.bucket)
        .build()?;
    Ok(if location.prefix.is_empty() {
        Box::new(bucket)
    } else {
        Box::new(PrefixStore::new(bucket, location.prefix.as_str()))
    })
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use object_store::{GetOptions, GetRange};

    use super::*;
    use crate::platform::storage::{FileKind, Storage};

    /// The bucket of `make test-scale`'s S3-compatible server, with the
    /// `AWS_*` settings it exports.
    fn test_bucket() -> String {
        std::env::var("TROVE_TEST_S3_URL")
            .expect("TROVE_TEST_S3_URL (run through `make test-scale`)")
    }

    #[tokio::test]
    #[ignore = "needs an S3-compatible server: make test-scale"]
    async fn a_bucket_takes_multipart_uploads_ranges_thumbnails_listings_and_removals() {
        let url = format!("{}/unit-{}", test_bucket(), Storage::new_key());
        let storage = Storage::s3(&url).unwrap();
        let key = Storage::new_key();

        // 12 MiB in 64 KiB chunks: three parts, two of them full 5 MiB.
        let chunk: Vec<u8> = (0..64 * 1024).map(|i| (i % 251) as u8).collect();
        let mut pending = storage.begin_upload(&key).await.unwrap();
        for _ in 0..192 {
            pending.write(Bytes::from(chunk.clone()), 8).await.unwrap();
        }
        assert!(!storage.exists(FileKind::Original, &key).await.unwrap());
        storage.commit_upload(pending).await.unwrap();
        let meta = storage
            .head(FileKind::Original, &key)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(meta.size, 12 * 1024 * 1024);

        let from = 5 * 1024 * 1024 + 7;
        let options = GetOptions {
            range: Some(GetRange::Bounded(from..from + 10)),
            ..GetOptions::default()
        };
        let part = storage
            .get(FileKind::Original, &key, options)
            .await
            .unwrap();
        let expected: Vec<u8> = (from..from + 10)
            .map(|i| ((i % (64 * 1024)) % 251) as u8)
            .collect();
        assert_eq!(part.bytes().await.unwrap().as_ref(), expected.as_slice());

        // A dropped upload leaves nothing under its key.
        let dropped = Storage::new_key();
        let mut pending = storage.begin_upload(&dropped).await.unwrap();
        pending.write(Bytes::from(chunk.clone()), 8).await.unwrap();
        drop(pending);
        assert!(!storage.exists(FileKind::Original, &dropped).await.unwrap());

        // The thumbnail is made from a spooled copy of the stream.
        let picture = Storage::new_key();
        storage
            .put_original(&picture, &crate::platform::storage::tests::png(640, 480))
            .await
            .unwrap();
        let made = storage.make_thumbnail(&picture).await.unwrap().unwrap();
        assert!(made.thumbnail);
        assert!(storage.exists(FileKind::Thumbnail, &picture).await.unwrap());

        let soon = std::time::SystemTime::now() + std::time::Duration::from_secs(60);
        let (keys, stale) = storage.keys_older_than(soon).await.unwrap();
        assert_eq!(stale, 0);
        assert_eq!(keys, [key.clone(), picture.clone()].into_iter().collect());
        let (recent, _) = storage
            .keys_older_than(std::time::SystemTime::now() - std::time::Duration::from_secs(600))
            .await
            .unwrap();
        assert!(recent.is_empty(), "new files are not orphans yet");

        assert_eq!(storage.remove(&key).await.unwrap(), 1);
        assert_eq!(storage.remove(&picture).await.unwrap(), 2);
        assert_eq!(storage.remove(&picture).await.unwrap(), 0, "idempotent");
        let (left, _) = storage.keys_older_than(soon).await.unwrap();
        assert!(left.is_empty());
    }

    #[test]
    fn locations_parse_strictly() {
        let found = Location::parse("s3://trove-assets/teams/one/").unwrap();
        assert_eq!(found.bucket, "trove-assets");
        assert_eq!(found.prefix, "teams/one");
        assert_eq!(Location::parse("s3://trove").unwrap().prefix, "");
        for bad in [
            "trove",
            "file:///tmp",
            "s3://",
            "s3://UPPER",
            "s3://a",
            "s3://b/x//y",
        ] {
            assert!(Location::parse(bad).is_err(), "{bad}");
        }
    }
}
