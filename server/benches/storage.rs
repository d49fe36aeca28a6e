//! File throughput through `app::platform::storage::Storage`, what uploads and
//! downloads use: a 64 MiB file written in the 64 KiB chunks an HTTP body
//! arrives in (multipart parts of 1 MiB on disk, 5 MiB on S3, two in
//! flight), then read back as a stream, and a 1 MiB range of it. The local
//! store or an S3-compatible bucket: `BENCH_STORAGE` is a directory or
//! `s3://bucket/prefix` (with the `AWS_*` settings). Medians of 3 rounds;
//! each round's file is removed after it.

use std::time::Instant;

use app::platform::storage::{FileKind, Storage};
use bytes::Bytes;
use futures::TryStreamExt as _;
use object_store::{GetOptions, GetRange};

const FILE_MIB: usize = 64;
const CHUNK: usize = 64 * 1024;
const ROUNDS: usize = 3;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let target = std::env::var("BENCH_STORAGE")?;
    let storage = if target.starts_with("s3://") {
        Storage::s3(&target)?
    } else {
        Storage::local(&target)?
    };
    let chunk = Bytes::from((0..CHUNK).map(|i| (i % 251) as u8).collect::<Vec<u8>>());
    let bytes = (FILE_MIB * 1024 * 1024) as f64;
    let (mut up, mut down, mut ranged) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let key = Storage::new_key();
        let started = Instant::now();
        let mut pending = storage.begin_upload(&key).await?;
        for _ in 0..FILE_MIB * 1024 * 1024 / CHUNK {
            pending.write(chunk.clone(), 0).await?;
        }
        storage.commit_upload(pending).await?;
        up.push(bytes / started.elapsed().as_secs_f64() / 1e6);

        let started = Instant::now();
        let read = storage
            .get(FileKind::Original, &key, GetOptions::default())
            .await?;
        let mut seen = 0;
        let mut stream = read.into_stream();
        while let Some(part) = stream.try_next().await? {
            seen += part.len();
        }
        down.push(bytes / started.elapsed().as_secs_f64() / 1e6);
        anyhow::ensure!(seen == FILE_MIB * 1024 * 1024);

        let started = Instant::now();
        let options = GetOptions {
            range: Some(GetRange::Bounded(32 << 20..33 << 20)),
            ..GetOptions::default()
        };
        let part = storage
            .get(FileKind::Original, &key, options)
            .await?
            .bytes()
            .await?;
        ranged.push(started.elapsed().as_secs_f64() * 1e3);
        anyhow::ensure!(part.len() == 1 << 20);
        storage.remove(&key).await?;
    }
    println!(
        "storage {target}: upload {:.0} MB/s, download {:.0} MB/s ({FILE_MIB} MiB file), 1 MiB range {:.1} ms (medians of {ROUNDS})",
        median(up),
        median(down),
        median(ranged)
    );
    Ok(())
}
