use std::io::Cursor as IoCursor;

use image::{DynamicImage, ImageFormat};

use super::*;

pub(super) fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbaImage::from_pixel(width, height, image::Rgba([200, 10, 10, 128]));
    let mut png = Vec::new();
    DynamicImage::ImageRgba8(image)
        .write_to(&mut IoCursor::new(&mut png), ImageFormat::Png)
        .unwrap();
    png
}

#[tokio::test]
async fn stores_originals_and_makes_thumbnails() {
    let dir = tempfile::tempdir().unwrap();
    for storage in [Storage::local(dir.path()).unwrap(), Storage::in_memory()] {
        let key = Storage::new_key();
        assert_eq!(key.len(), 32);
        let png = png(800, 400);
        storage.put_original(&key, &png).await.unwrap();
        assert_eq!(storage.read(FileKind::Original, &key).await.unwrap(), png);

        let picture = storage.make_thumbnail(&key).await.unwrap();
        assert_eq!(
            picture,
            Some(Picture {
                dimensions: Dimensions {
                    width: 800,
                    height: 400
                },
                thumbnail: true,
            })
        );
        let jpeg = storage.read(FileKind::Thumbnail, &key).await.unwrap();
        let thumb = image::load_from_memory(&jpeg).unwrap();
        assert_eq!(
            (thumb.width(), thumb.height()),
            (THUMBNAIL_EDGE, THUMBNAIL_EDGE / 2)
        );
        // Half-transparent red on white is pink, not dark red.
        let pixel = thumb.to_rgb8().get_pixel(5, 5).0;
        assert!(pixel[1] > 100 && pixel[0] > 200, "{pixel:?}");

        assert_eq!(storage.remove(&key).await.unwrap(), 2);
        assert_eq!(storage.remove(&key).await.unwrap(), 0, "idempotent");
    }
}

#[tokio::test]
async fn non_images_get_no_thumbnail() {
    let storage = Storage::in_memory();
    let key = Storage::new_key();
    storage
        .put_original(&key, b"%PDF-1.4 not an image")
        .await
        .unwrap();
    assert_eq!(storage.make_thumbnail(&key).await.unwrap(), None);
    assert!(!storage.exists(FileKind::Thumbnail, &key).await.unwrap());
}

#[tokio::test]
async fn an_upload_is_invisible_until_committed_and_gone_if_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::local(dir.path()).unwrap();
    let files_on_disk = || walk(dir.path());
    let key = Storage::new_key();
    let mut pending = storage.begin_upload(&key).await.unwrap();
    for _ in 0..3 {
        pending
            .write(Bytes::from(vec![7_u8; 600 * 1024]), 16)
            .await
            .unwrap();
    }
    assert_eq!(pending.size(), 3 * 600 * 1024);
    assert_eq!(pending.head(), &[7_u8; 16]);
    assert!(!storage.exists(FileKind::Original, &key).await.unwrap());
    drop(pending);
    // The staging file goes with the dropped upload (removed on the
    // blocking pool, so give it a moment).
    for _ in 0..100 {
        if files_on_disk() == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(files_on_disk(), 0);

    let mut pending = storage.begin_upload(&key).await.unwrap();
    pending
        .write(Bytes::from_static(b"hello"), 16)
        .await
        .unwrap();
    storage.commit_upload(pending).await.unwrap();
    assert_eq!(
        storage.read(FileKind::Original, &key).await.unwrap(),
        Bytes::from_static(b"hello")
    );
    assert_eq!(files_on_disk(), 1);
}

fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| {
                    let e = e.unwrap();
                    if e.file_type().unwrap().is_dir() {
                        walk(&e.path())
                    } else {
                        1
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

/// Many keys at once: on the local disk (unlinked directly) and in memory
/// (through the store) alike, every original and thumbnail goes, a key
/// with no files is fine, and the count is of files removed.
#[tokio::test]
async fn many_keys_are_removed_at_once_on_any_store() {
    let dir = tempfile::tempdir().unwrap();
    for storage in [Storage::local(dir.path()).unwrap(), Storage::in_memory()] {
        let mut keys = Vec::new();
        for i in 0..2_500 {
            let key = Storage::new_key();
            if i % 1_000 == 0 {
                storage.put_original(&key, &png(8, 8)).await.unwrap();
                assert!(storage.make_thumbnail(&key).await.unwrap().is_some());
            } else {
                storage.put_original(&key, b"bytes").await.unwrap();
            }
            keys.push(key);
        }
        keys.push(Storage::new_key()); // never stored
        let (removed, failed) = storage.remove_many(&keys, 16).await;
        assert!(failed.is_empty(), "{failed:?}");
        assert_eq!(removed, 2_503, "2,500 originals and 3 thumbnails");
        for key in &keys {
            assert!(!storage.exists(FileKind::Original, key).await.unwrap());
            assert!(!storage.exists(FileKind::Thumbnail, key).await.unwrap());
        }
        assert_eq!(storage.remove_many(&keys, 16).await.0, 0, "idempotent");
    }
}
