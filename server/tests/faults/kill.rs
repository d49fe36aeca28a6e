//! SIGKILL at the worst moments: during a 10,000-asset move to Trash, and
//! during the start-up purge. A kill must never leave half a change: a move
//! is all or nothing and audited iff it happened, and a purged asset loses
//! its row before its file, never the other way round.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use sqlx::SqlitePool;

use crate::client::Client;
use crate::db;
use crate::process::{backdate, exclusive, Trove, OWNER, SPACE};

/// Assets in the space, and how many one move carries (the most a bulk
/// request may).
const SEEDED: usize = 20_000;
const MOVED: usize = 10_000;

/// When the server is killed, in milliseconds after the request's last byte
/// went out: before it is read, while it is parsed and checked, while the
/// transaction runs, around its commit, after the answer.
const MOVE_KILL_DELAYS_MS: [u64; 7] = [0, 5, 20, 60, 150, 400, 1_000];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_move_killed_at_any_moment_is_all_or_nothing() {
    let _alone = exclusive().await;
    let mut trove = Trove::new();
    trove.seed(SPACE, SEEDED).await;
    trove.add_user(OWNER, SPACE, "owner").await;
    let db = trove.open_db().await;
    let space = db::space_id(&db, SPACE).await;
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM assets WHERE space_id = $1 ORDER BY id LIMIT $2")
            .bind(space)
            .bind(MOVED as i64)
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(ids.len(), MOVED);
    db.close().await;
    let ids_json = serde_json::to_string(&ids).unwrap();
    let body = json!({ "space": SPACE, "ids": ids });
    let body_bytes = body.to_string().into_bytes();

    trove.start(&[]).await;
    let mut outcomes = Vec::new();
    for delay in MOVE_KILL_DELAYS_MS {
        let audit_before = last_audit_id(&trove).await;
        let owner = trove.sign_in(OWNER).await;
        let request = owner.request(
            "POST",
            "/api/move_to_trash",
            Some("application/json"),
            &body_bytes,
        );
        let answer = trove
            .send_then_kill(&request, Duration::from_millis(delay))
            .await;
        trove.start(&[]).await;
        let batch = check_move(&trove, &ids_json, audit_before, delay).await;
        if let Some(answer) = answer.filter(|a| a.status == 200) {
            // It answered before the kill: then it must have happened.
            assert_eq!(answer.json()["moved"], MOVED, "{}", answer.text());
            assert_eq!(
                batch.as_deref(),
                answer.json()["batch"].as_str(),
                "answered a move that is not in the database (kill at {delay} ms)"
            );
        }
        outcomes.push((delay, batch.is_some()));
        if let Some(batch) = batch {
            // Undo, so that the next attempt starts from live assets again.
            undo(&trove.sign_in(OWNER).await, &batch).await;
            let db = trove.open_db().await;
            assert_eq!(db::trashed_count(&db, SPACE).await, 0);
            db.close().await;
        }
    }

    // Uninterrupted, the same request moves them all.
    let audit_before = last_audit_id(&trove).await;
    let owner = trove.sign_in(OWNER).await;
    let answer = owner.post_json("/api/move_to_trash", &body).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(answer.json()["moved"], MOVED);
    let batch = check_move(&trove, &ids_json, audit_before, u64::MAX).await;
    assert_eq!(batch.as_deref(), answer.json()["batch"].as_str());
    eprintln!("move killed at (ms, had committed): {outcomes:?}");
}

async fn last_audit_id(trove: &Trove) -> i64 {
    let db = trove.open_db().await;
    let id: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM audit_log")
        .fetch_one(&db)
        .await
        .unwrap();
    db.close().await;
    id
}

/// After one attempt: the 10,000 are all in Trash in one batch with exactly
/// one audit row naming all of them, or all live with no new audit row; no
/// other asset moved; the file and the live counter are sound. Returns the
/// batch if the move happened.
async fn check_move(
    trove: &Trove,
    ids_json: &str,
    audit_before: i64,
    delay: u64,
) -> Option<String> {
    let db = trove.open_db().await;
    db::assert_consistent(&db, SPACE).await;
    let trashed: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM assets
         WHERE id IN (SELECT value FROM json_each($1)) AND deleted_at IS NOT NULL",
    )
    .bind(ids_json)
    .fetch_one(&db)
    .await
    .unwrap();
    assert!(
        trashed == 0 || trashed == MOVED as i64,
        "kill at {delay} ms: {trashed} of {MOVED} in Trash, not all or nothing"
    );
    assert_eq!(
        db::trashed_count(&db, SPACE).await,
        trashed,
        "kill at {delay} ms: assets outside the request moved"
    );
    let audited: Vec<(Option<String>, i64, i64)> = sqlx::query_as(
        "SELECT batch, asset_count, json_array_length(asset_ids) FROM audit_log
         WHERE action = 'move_to_trash' AND id > $1 ORDER BY id",
    )
    .bind(audit_before)
    .fetch_all(&db)
    .await
    .unwrap();
    let batch = if trashed == 0 {
        assert!(
            audited.is_empty(),
            "kill at {delay} ms: nothing moved, yet the audit log says {audited:?}"
        );
        None
    } else {
        assert_eq!(
            audited.len(),
            1,
            "kill at {delay} ms: the move is in Trash but audited {} times",
            audited.len()
        );
        let (batch, count, listed) = audited[0].clone();
        assert_eq!((count, listed), (MOVED as i64, MOVED as i64));
        assert!(batch.is_some(), "a move's audit row names its batch");
        let batches: Vec<Option<String>> = sqlx::query_scalar(
            "SELECT DISTINCT delete_batch FROM assets WHERE id IN (SELECT value FROM json_each($1))",
        )
        .bind(ids_json)
        .fetch_all(&db)
        .await
        .unwrap();
        assert_eq!(
            batches,
            std::slice::from_ref(&batch),
            "kill at {delay} ms: one batch"
        );
        batch
    };
    db.close().await;
    batch
}

async fn undo(owner: &Client, batch: &str) {
    let answer = owner
        .post_json(
            "/api/restore_batch",
            &json!({ "space": SPACE, "batch": batch }),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(answer.json()["restored"], MOVED);
}

/// Files uploaded for the purge test, and uploads in flight at once.
const PURGE_FILES: usize = 2_000;
const UPLOADS_AT_ONCE: usize = 4;

/// When the server is killed, in milliseconds after it was started with the
/// clock 15 days ahead (so everything in Trash is expired and the start-up
/// purge removes it): during start-up, at the purge's first transactions,
/// while it removes files.
const PURGE_KILL_DELAYS_MS: [u64; 4] = [20, 80, 200, 400];

/// The clock 15 days ahead, and no purge but the one at start-up.
const EXPIRED: [(&str, &str); 2] = [
    ("TROVE_CLOCK_OFFSET", "15d"),
    ("TROVE_PURGE_INTERVAL", "1h"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_purge_killed_at_any_moment_never_leaves_a_row_without_its_file() {
    let _alone = exclusive().await;
    let mut trove = Trove::new();
    trove.add_user(OWNER, SPACE, "owner").await;
    trove.start(&[]).await;
    let owner = trove.sign_in(OWNER).await;
    let ids = upload_text_files(&owner, PURGE_FILES).await;
    let answer = owner
        .post_json("/api/move_to_trash", &json!({ "space": SPACE, "ids": ids }))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(answer.json()["moved"], PURGE_FILES);
    trove.kill();

    let db = trove.open_db().await;
    let uploaded: Vec<(i64, String)> = sqlx::query_as(
        "SELECT a.id, a.storage_key FROM assets a JOIN spaces s ON s.id = a.space_id
         WHERE s.slug = $1 ORDER BY a.id",
    )
    .bind(SPACE)
    .fetch_all(&db)
    .await
    .unwrap();
    db.close().await;
    assert_eq!(uploaded.len(), PURGE_FILES);
    for (id, key) in &uploaded {
        assert!(trove.original_path(key).is_file(), "asset {id} has no file");
    }

    // First the most telling moment: just after the first purge transaction
    // commits, while its files are being removed.
    trove.spawn(&EXPIRED);
    let seen = kill_when_rows_go(&mut trove, PURGE_FILES).await;
    let mut remaining = vec![check_purge_aftermath(&trove, &uploaded).await];
    eprintln!("purge killed once rows went ({seen:?})");
    for delay in PURGE_KILL_DELAYS_MS {
        trove.spawn(&EXPIRED);
        tokio::time::sleep(Duration::from_millis(delay)).await;
        trove.kill();
        remaining.push(check_purge_aftermath(&trove, &uploaded).await);
    }
    eprintln!("rows left after each killed purge: {remaining:?}");
    assert!(seen.is_some(), "the purge never removed a row");
    assert!(
        remaining
            .iter()
            .any(|left| *left > 0 && *left < PURGE_FILES),
        "no kill landed in the middle of the purge: {remaining:?}"
    );

    // An hour later (file times moved back, so the sweep may take files a
    // crash left without a row), one purge runs to the end.
    backdate(&trove.files_dir(), Duration::from_secs(2 * 60 * 60));
    let printed = trove
        .run(&["purge"], &[("TROVE_CLOCK_OFFSET", "15d")], None)
        .await;
    eprintln!("trove purge: {printed}");
    let db = trove.open_db().await;
    db::assert_consistent(&db, SPACE).await;
    let left: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM assets a JOIN spaces s ON s.id = a.space_id WHERE s.slug = $1",
    )
    .bind(SPACE)
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(left, 0, "expired assets left after a full purge");
    assert_eq!(
        db::audit_sum(&db, SPACE, "purge").await,
        PURGE_FILES as i64,
        "every purged asset is audited exactly once"
    );
    db.close().await;
    let kept: Vec<&String> = uploaded
        .iter()
        .map(|(_, key)| key)
        .filter(|key| trove.original_path(key).exists())
        .collect();
    assert!(
        kept.is_empty(),
        "{} files of purged assets are still on disk, e.g. {:?}",
        kept.len(),
        kept.first()
    );
}

/// Uploads `count` small text files, a few at a time; returns their ids.
pub(crate) async fn upload_text_files(owner: &Client, count: usize) -> Vec<i64> {
    let next = Arc::new(AtomicUsize::new(0));
    let uploaders: Vec<_> = (0..UPLOADS_AT_ONCE)
        .map(|_| {
            let owner = owner.clone();
            let next = next.clone();
            tokio::spawn(async move {
                let mut ids = Vec::new();
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= count {
                        return ids;
                    }
                    let name = format!("file-{n:04}.txt");
                    let answer = owner
                        .upload(SPACE, &name, format!("file {n}\n").as_bytes())
                        .await;
                    assert_eq!(answer.status, 201, "upload of {name}: {}", answer.text());
                    ids.push(answer.json()["id"].as_i64().unwrap());
                }
            })
        })
        .collect();
    let mut ids = Vec::with_capacity(count);
    for uploader in uploaders {
        ids.extend(uploader.await.unwrap());
    }
    ids
}

/// Watches the row count from outside and kills the server as soon as it
/// drops below `before` (a purge transaction committed). Gives up (and
/// kills anyway) after a minute. Returns the count it saw.
async fn kill_when_rows_go(trove: &mut Trove, before: usize) -> Option<i64> {
    let db = trove.open_db().await;
    let started = Instant::now();
    let mut seen = None;
    while started.elapsed() < Duration::from_secs(60) {
        let count = space_rows(&db).await;
        if count < before as i64 {
            seen = Some(count);
            break;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    trove.kill();
    db.close().await;
    seen
}

async fn space_rows(db: &SqlitePool) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM assets a JOIN spaces s ON s.id = a.space_id WHERE s.slug = $1",
    )
    .bind(SPACE)
    .fetch_one(db)
    .await
    .unwrap()
}

/// After a killed purge: every row left has its original on disk (files go
/// only after their rows), and rows left plus rows audited as purged make
/// up all the uploads (a row is deleted iff its audit row commits with
/// it). Returns how many rows are left.
async fn check_purge_aftermath(trove: &Trove, uploaded: &[(i64, String)]) -> usize {
    let db = trove.open_db().await;
    db::assert_consistent(&db, SPACE).await;
    let remaining: Vec<(i64, String)> = sqlx::query_as(
        "SELECT a.id, a.storage_key FROM assets a JOIN spaces s ON s.id = a.space_id
         WHERE s.slug = $1",
    )
    .bind(SPACE)
    .fetch_all(&db)
    .await
    .unwrap();
    for (id, key) in &remaining {
        assert!(
            trove.original_path(key).is_file(),
            "asset {id} still has its row but its file {key} is gone"
        );
    }
    let purged = db::audit_sum(&db, SPACE, "purge").await;
    assert_eq!(
        purged as usize + remaining.len(),
        uploaded.len(),
        "rows left ({}) and rows audited as purged ({purged}) must add up",
        remaining.len()
    );
    db.close().await;
    remaining.len()
}
