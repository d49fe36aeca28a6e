//! SIGKILL in the middle of Empty Trash: 30,000 assets with their files in
//! Trash go in three chunks of 10,000. Killed once the first chunk has
//! committed (its files being removed), the server must leave every chunk
//! whole or absent, every remaining row with its file, and one audit entry
//! saying how far it got; a second Empty Trash finishes, and the purge's
//! sweep takes the files the kill left behind.

use std::time::{Duration, Instant};

use serde_json::json;
use sqlx::SqlitePool;

use crate::db;
use crate::process::{backdate, exclusive, Trove, OWNER, SPACE};

const TRASHED: usize = 30_000;
/// Rows per chunk in the server (`app::trash::empty::EMPTY_CHUNK`).
const CHUNK: i64 = 10_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_trash_killed_in_the_middle_leaves_whole_chunks_and_every_file() {
    let _alone = exclusive().await;
    let mut trove = Trove::new();
    trove.seed(SPACE, TRASHED).await;
    trove.add_user(OWNER, SPACE, "owner").await;
    let db = trove.open_db().await;
    // Every seeded asset gets a file, and goes to Trash a minute ago (the
    // server is down: nothing else writes).
    let keys: Vec<String> = sqlx::query_scalar("SELECT storage_key FROM assets ORDER BY id")
        .fetch_all(&db)
        .await
        .unwrap();
    assert_eq!(keys.len(), TRASHED);
    for key in &keys {
        let path = trove.original_path(key);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, b"x").unwrap();
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    let deleted_at = now.as_millis() as i64 - 60_000;
    sqlx::query("UPDATE assets SET deleted_at = $1, expires_at = $2, delete_batch = 'seeded'")
        .bind(deleted_at)
        .bind(deleted_at + 14 * 86_400_000)
        .execute(&db)
        .await
        .unwrap();
    db.close().await;

    trove.start(&[]).await;
    let owner = trove.sign_in(OWNER).await;
    let asked = owner
        .post_json(
            "/api/empty_trash",
            &json!({ "space": SPACE, "dry_run": true }),
        )
        .await;
    assert_eq!(asked.status, 200, "{}", asked.text());
    assert_eq!(asked.json()["items"], TRASHED);

    // Sent without waiting for the answer; killed as soon as rows go.
    let body = json!({ "space": SPACE, "expected_count": TRASHED }).to_string();
    let sender = {
        let owner = owner.clone();
        tokio::spawn(async move {
            let sent = owner.send(
                "POST",
                "/api/empty_trash",
                Some("application/json"),
                body.as_bytes(),
            );
            sent.await
        })
    };
    let seen = kill_when_rows_go(&mut trove).await;
    let _ = sender.await;
    eprintln!("Empty Trash killed once rows went ({seen:?})");
    let left = check_aftermath(&trove, &keys, false).await;
    assert!(
        left > 0 && left < TRASHED as i64,
        "the kill did not land in the middle: {left} rows left"
    );
    assert_eq!(
        left % CHUNK,
        0,
        "a chunk is whole or absent: {left} rows left"
    );

    // After the restart, what is left is in Trash and a second Empty Trash
    // finishes it (an entry of its own).
    trove.start(&[]).await;
    let owner = trove.sign_in(OWNER).await;
    let asked = owner
        .post_json(
            "/api/empty_trash",
            &json!({ "space": SPACE, "dry_run": true }),
        )
        .await;
    assert_eq!(asked.json()["items"], left, "{}", asked.text());
    let done = owner
        .post_json(
            "/api/empty_trash",
            &json!({ "space": SPACE, "expected_count": left }),
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.text());
    assert_eq!(done.json()["deleted"], left);
    trove.kill();
    assert_eq!(check_aftermath(&trove, &keys, true).await, 0);

    // The files the kill left without rows go with the sweep, an hour on.
    backdate(&trove.files_dir(), Duration::from_secs(2 * 60 * 60));
    trove.run(&["purge"], &[], None).await;
    let kept = keys
        .iter()
        .filter(|key| trove.original_path(key).exists())
        .count();
    assert_eq!(kept, 0, "files of emptied assets are still on disk");
}

/// Watches the rows from outside and kills the server as soon as some are
/// gone (the first chunk committed). Gives up (and kills anyway) after a
/// minute.
async fn kill_when_rows_go(trove: &mut Trove) -> Option<i64> {
    let db = trove.open_db().await;
    let started = Instant::now();
    let mut seen = None;
    while started.elapsed() < Duration::from_secs(60) {
        let count = db::trashed_count(&db, SPACE).await;
        if count < TRASHED as i64 {
            seen = Some(count);
            break;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    trove.kill();
    db.close().await;
    seen
}

/// After a kill (or the end): every row left is in Trash with its file;
/// the `empty_trash` entries' progress adds up to the rows gone, and only
/// the second one (`finished`) is complete. Returns how many rows are left.
async fn check_aftermath(trove: &Trove, keys: &[String], finished: bool) -> i64 {
    let db = trove.open_db().await;
    db::assert_consistent(&db, SPACE).await;
    let remaining: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, storage_key FROM assets WHERE deleted_at IS NOT NULL")
            .fetch_all(&db)
            .await
            .unwrap();
    for (id, key) in &remaining {
        assert!(
            trove.original_path(key).is_file(),
            "asset {id} still has its row but its file {key} is gone"
        );
    }
    let left = remaining.len() as i64;
    let entries = entries(&db).await;
    let gone: i64 = entries.iter().map(|(_, deleted, _)| deleted).sum();
    assert_eq!(
        gone + left,
        keys.len() as i64,
        "rows left ({left}) and rows the entries say went ({gone}) must add up: {entries:?}"
    );
    assert_eq!(
        entries[0].0, TRASHED as i64,
        "the first entry names the whole snapshot"
    );
    // The killed one never completes; the second (after the restart) does.
    let complete: Vec<bool> = entries.iter().map(|(_, _, complete)| *complete).collect();
    let expected: &[bool] = if finished { &[false, true] } else { &[false] };
    assert_eq!(complete, expected, "{entries:?}");
    db.close().await;
    left
}

/// (asset_count, deleted so far, complete) of every empty_trash entry.
async fn entries(db: &SqlitePool) -> Vec<(i64, i64, bool)> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT asset_count, detail FROM audit_log WHERE action = 'empty_trash' ORDER BY id",
    )
    .fetch_all(db)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(count, detail)| {
            let detail: serde_json::Value = serde_json::from_str(&detail).unwrap();
            (
                count,
                detail["deleted"].as_i64().unwrap(),
                detail["complete"].as_bool().unwrap(),
            )
        })
        .collect()
}
