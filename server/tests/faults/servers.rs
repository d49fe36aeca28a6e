//! Two `trove serve` processes on one installation's data, as two servers
//! behind a load balancer: what one does, the other sees at once; the
//! sign-in throttle counts failures on both; both purge at the same moment
//! and every expired asset goes once; a move on one racing a restore on the
//! other leaves every asset in one state; a password set with `trove user
//! add` ends the account's sessions on both (within `recent::FRESH_FOR`).
//! Nothing is kept in one process.
//!
//! `make test` runs them on the embedded default (one SQLite file, the
//! local file store); `make test-scale` runs them again on PostgreSQL
//! (`TROVE_TEST_DATABASE_URL`: a fresh database per test) with the files in
//! an S3-compatible bucket (`TROVE_STORAGE`, which the processes inherit).

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sqlx::AnyPool;

use crate::client::{encode, Client};
use crate::kill::upload_text_files;
use crate::process::{exclusive, Trove, OWNER, PASSWORD, SPACE};

/// Two servers on the same data, the second started beside the first.
async fn two_servers(env: &[(&str, &str)]) -> (Trove, Trove) {
    let mut a = Trove::on_test_database().await;
    a.add_user(OWNER, SPACE, "owner").await;
    let mut b = Trove::beside(&a);
    a.start(env).await;
    b.start(env).await;
    (a, b)
}

/// `client`'s session, used on `server`: sessions live in the database.
fn on(server: &Trove, client: &Client) -> Client {
    Client {
        cookie: client.cookie.clone(),
        ..server.client()
    }
}

async fn space_ids(db: &AnyPool, limit: usize) -> Vec<i64> {
    sqlx::query_scalar(
        "SELECT a.id FROM assets a JOIN spaces s ON s.id = a.space_id
         WHERE s.slug = $1 ORDER BY a.id LIMIT $2",
    )
    .bind(SPACE)
    .bind(i64::try_from(limit).unwrap_or(i64::MAX))
    .fetch_all(db)
    .await
    .unwrap()
}

fn listed_ids(answer: &Value, list: &str) -> BTreeSet<i64> {
    answer[list]
        .as_array()
        .unwrap_or_else(|| panic!("no {list} in {answer}"))
        .iter()
        .filter_map(|row| row["id"].as_i64())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_delete_on_one_server_is_seen_on_the_other_and_undone_there() {
    let _alone = exclusive().await;
    let (a, b) = two_servers(&[]).await;
    let owner_a = a.sign_in(OWNER).await;
    let ids = upload_text_files(&owner_a, 6).await;
    let owner_b = on(&b, &owner_a);

    let moved = owner_a
        .post_json(
            "/api/move_to_trash",
            &json!({ "space": SPACE, "ids": ids[..4] }),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text());
    let batch = moved.json()["batch"].as_str().unwrap().to_owned();

    let trash = owner_b.get(&format!("/api/list_trash?space={SPACE}")).await;
    assert_eq!(trash.status, 200, "{}", trash.text());
    let in_trash = listed_ids(&trash.json(), "items");
    assert_eq!(in_trash, ids[..4].iter().copied().collect(), "B's Trash");
    let live = owner_b
        .get(&format!("/api/list_assets?space={SPACE}"))
        .await;
    assert_eq!(live.status, 200, "{}", live.text());
    assert_eq!(
        listed_ids(&live.json(), "items"),
        ids[4..].iter().copied().collect(),
        "B's listing"
    );

    let undone = owner_b
        .post_json(
            "/api/restore_batch",
            &json!({ "space": SPACE, "batch": batch }),
        )
        .await;
    assert_eq!(undone.status, 200, "{}", undone.text());
    assert_eq!(undone.json()["restored"], 4);
    let live = owner_a
        .get(&format!("/api/list_assets?space={SPACE}"))
        .await;
    assert_eq!(
        listed_ids(&live.json(), "items").len(),
        6,
        "A sees the Undo"
    );
    let file = owner_a
        .get(&format!("/files/{SPACE}/{}/download", ids[0]))
        .await;
    assert_eq!(file.status, 200, "a restored file downloads from A");
    assert!(file.text().starts_with("file "), "{}", file.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_wrong_passwords_over_two_servers_lock_the_account_on_both() {
    let _alone = exclusive().await;
    let (a, b) = two_servers(&[]).await;
    let form = |password: &str| format!("email={}&password={}", encode(OWNER), encode(password));
    for attempt in 0..5 {
        let server = if attempt % 2 == 0 { &a } else { &b };
        let answer = server
            .client()
            .post_form("/api/sign_in", &form("not-the-password"))
            .await;
        assert_eq!(
            answer.status,
            401,
            "wrong password {attempt}: {}",
            answer.text()
        );
    }
    for server in [&a, &b] {
        let answer = server
            .client()
            .post_form("/api/sign_in", &form(PASSWORD))
            .await;
        assert_eq!(
            answer.status,
            429,
            "the right password, locked: {}",
            answer.text()
        );
        assert!(answer.text().contains("Too many failed sign-in attempts"));
    }
}

/// `trove user add` on an existing account (a new password) ends the
/// account's sessions on every server: within `recent::FRESH_FOR` where
/// the server remembers the account, at once where it does not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_set_with_the_cli_ends_the_account_s_sessions_on_every_server() {
    let _alone = exclusive().await;
    let (a, b) = two_servers(&[]).await;
    let on_a = a.sign_in(OWNER).await;
    let on_b = on(&b, &on_a);
    for client in [&on_a, &on_b] {
        assert_eq!(client.get("/api/list_spaces").await.status, 200);
    }
    let password = "a brand new password";
    a.run(
        &[
            "user", "add", "--email", OWNER, "--space", SPACE, "--role", "owner",
        ],
        &[],
        Some(&format!("{password}\n")),
    )
    .await;
    let deadline = Instant::now() + app::platform::recent::FRESH_FOR + Duration::from_secs(5);
    for client in [&on_a, &on_b] {
        loop {
            let answer = client.get("/api/list_spaces").await;
            if answer.status == 401 {
                break;
            }
            assert_eq!(answer.status, 200, "{}", answer.text());
            assert!(Instant::now() < deadline, "the old session still works");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let form = |password: &str| format!("email={}&password={}", encode(OWNER), encode(password));
    for server in [&a, &b] {
        let old = server
            .client()
            .post_form("/api/sign_in", &form(PASSWORD))
            .await;
        assert_eq!(old.status, 401, "the old password: {}", old.text());
        let new = server
            .client()
            .post_form("/api/sign_in", &form(password))
            .await;
        assert!(
            (200..400).contains(&new.status),
            "the new password: {}",
            new.text()
        );
    }
}

/// Trash entries for the purge test: uploaded files, and seeded rows.
const PURGED_FILES: usize = 40;
const PURGED_ROWS: usize = 3_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_purging_at_once_remove_every_expired_asset_once() {
    let _alone = exclusive().await;
    let mut a = Trove::on_test_database().await;
    a.add_user(OWNER, SPACE, "owner").await;
    a.seed(SPACE, PURGED_ROWS).await;
    a.start(&[]).await;
    let owner = a.sign_in(OWNER).await;
    upload_text_files(&owner, PURGED_FILES).await;
    let db = a.database().await;
    let ids = space_ids(&db, usize::MAX).await;
    assert_eq!(ids.len(), PURGED_FILES + PURGED_ROWS);
    let keys: Vec<String> = sqlx::query_scalar(
        "SELECT storage_key FROM assets WHERE id IN (SELECT value FROM json_each($1))",
    )
    .bind(serde_json::to_string(&ids).unwrap())
    .fetch_all(&db)
    .await
    .unwrap();
    let files = server::DataConfig {
        data_dir: a.data_dir(),
        database_url: None,
        storage_url: std::env::var("TROVE_STORAGE").ok(),
        refresh_statistics: false,
    }
    .storage()
    .unwrap();
    let stored = |keys: &[String]| {
        let files = files.clone();
        let keys = keys.to_vec();
        async move {
            let mut found = 0;
            for key in &keys {
                if files
                    .exists(app::platform::storage::FileKind::Original, key)
                    .await
                    .unwrap()
                {
                    found += 1;
                }
            }
            found
        }
    };
    assert_eq!(stored(&keys).await, PURGED_FILES, "the uploads' files");
    for chunk in ids.chunks(10_000) {
        let moved = owner
            .post_json(
                "/api/move_to_trash",
                &json!({ "space": SPACE, "ids": chunk }),
            )
            .await;
        assert_eq!(moved.status, 200, "{}", moved.text());
    }
    a.kill();
    let audit_before: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM audit_log")
        .fetch_one(&db)
        .await
        .unwrap();

    // Both start 15 days later at the same moment: each purges at start-up.
    let expired = [
        ("TROVE_CLOCK_OFFSET", "15d"),
        ("TROVE_PURGE_INTERVAL", "1h"),
    ];
    let mut b = Trove::beside(&a);
    a.spawn(&expired);
    b.spawn(&expired);
    a.wait_healthy().await;
    b.wait_healthy().await;
    let started = Instant::now();
    while trashed_count(&db).await > 0 || stored(&keys).await > 0 {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the purges did not finish:\nA: {}\nB: {}",
            a.log_tail(),
            b.log_tail()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Every expired asset is in exactly one purge entry, and nothing else.
    let entries: Vec<String> =
        sqlx::query_scalar("SELECT asset_ids FROM audit_log WHERE action = 'purge' AND id > $1")
            .bind(audit_before)
            .fetch_all(&db)
            .await
            .unwrap();
    let mut times_purged: BTreeMap<i64, usize> = BTreeMap::new();
    for entry in &entries {
        for id in serde_json::from_str::<Vec<i64>>(entry).unwrap() {
            *times_purged.entry(id).or_default() += 1;
        }
    }
    assert_eq!(
        times_purged.len(),
        ids.len(),
        "every expired asset is audited"
    );
    assert!(
        times_purged.values().all(|times| *times == 1),
        "an asset was audited twice: {:?}",
        times_purged.iter().find(|(_, times)| **times > 1)
    );
    assert_eq!(audit_sum(&db, "purge").await, ids.len() as i64);
    assert_counts_agree(&db).await;
    assert_eq!(stored(&keys).await, 0, "no file is left behind");
    eprintln!("{} purge entries from the two servers", entries.len());
    db.close().await;
}

/// Assets for the race, and how many are in Trash before it.
const RACED: usize = 10_000;
const TRASHED_BEFORE: usize = 5_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_move_on_one_server_racing_a_restore_on_the_other_leaves_one_state() {
    let _alone = exclusive().await;
    let mut a = Trove::on_test_database().await;
    a.add_user(OWNER, SPACE, "owner").await;
    a.seed(SPACE, RACED).await;
    let mut b = Trove::beside(&a);
    a.start(&[]).await;
    b.start(&[]).await;
    let db = a.database().await;
    let ids = space_ids(&db, RACED).await;
    let owner_a = a.sign_in(OWNER).await;
    let owner_b = on(&b, &owner_a);
    let first = owner_a
        .post_json(
            "/api/move_to_trash",
            &json!({ "space": SPACE, "ids": ids[..TRASHED_BEFORE] }),
        )
        .await;
    assert_eq!(first.status, 200, "{}", first.text());

    // A moves all 10,000 while B restores the 5,000 already in Trash.
    let move_all = json!({ "space": SPACE, "ids": ids });
    let restore = json!({ "space": SPACE, "ids": ids[..TRASHED_BEFORE] });
    let (moved, restored) = tokio::join!(
        owner_a.post_json("/api/move_to_trash", &move_all),
        owner_b.post_json("/api/restore_from_trash", &restore),
    );
    assert_eq!(moved.status, 200, "{}", moved.text());
    assert_eq!(restored.status, 200, "{}", restored.text());
    let (moved, restored) = (moved.json(), restored.json());
    let count = |answer: &Value, field: &str| answer[field].as_u64().unwrap() as usize;
    assert_eq!(count(&moved, "moved") + count(&moved, "skipped"), RACED);
    assert_eq!(
        count(&restored, "restored") + count(&restored, "skipped"),
        TRASHED_BEFORE
    );

    let trashed: BTreeSet<i64> = sqlx::query_scalar(
        "SELECT id FROM assets WHERE deleted_at IS NOT NULL AND id IN (SELECT value FROM json_each($1))",
    )
    .bind(serde_json::to_string(&ids).unwrap())
    .fetch_all(&db)
    .await
    .unwrap()
    .into_iter()
    .collect();
    let all: BTreeSet<i64> = ids.iter().copied().collect();
    let rest: BTreeSet<i64> = ids[TRASHED_BEFORE..].iter().copied().collect();
    // One of the two orders, whole: the move first (it skips the 5,000,
    // then they are restored) or the restore first (then all are moved).
    if count(&moved, "moved") == RACED {
        assert_eq!(count(&restored, "restored"), TRASHED_BEFORE);
        assert_eq!(trashed, all, "restore, then move: all in Trash");
    } else {
        assert_eq!(count(&moved, "moved"), RACED - TRASHED_BEFORE);
        assert_eq!(count(&restored, "restored"), TRASHED_BEFORE);
        assert_eq!(trashed, rest, "move, then restore: the first 5,000 live");
    }
    assert_counts_agree(&db).await;
    let net = audit_sum(&db, "move_to_trash").await - audit_sum(&db, "restore").await;
    assert_eq!(net, trashed.len() as i64, "the audit log adds up");
    db.close().await;
}

async fn trashed_count(db: &AnyPool) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM assets a JOIN spaces s ON s.id = a.space_id
         WHERE s.slug = $1 AND a.deleted_at IS NOT NULL",
    )
    .bind(SPACE)
    .fetch_one(db)
    .await
    .unwrap()
}

/// Assets named by the space's audit entries of one action.
async fn audit_sum(db: &AnyPool, action: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(a.asset_count), 0) AS BIGINT) FROM audit_log a
         JOIN spaces s ON s.id = a.space_id WHERE s.slug = $1 AND a.action = $2",
    )
    .bind(SPACE)
    .bind(action)
    .fetch_one(db)
    .await
    .unwrap()
}

/// The space's kept counters (live assets, those at the top level) agree
/// with its rows: two servers' changes did not tear them.
async fn assert_counts_agree(db: &AnyPool) {
    let (live, counted, root, top): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT s.live_assets,
                (SELECT COUNT(*) FROM assets a WHERE a.space_id = s.id AND a.deleted_at IS NULL),
                s.root_assets,
                (SELECT COUNT(*) FROM assets a
                 WHERE a.space_id = s.id AND a.deleted_at IS NULL AND a.folder_id IS NULL)
         FROM spaces s WHERE s.slug = $1",
    )
    .bind(SPACE)
    .fetch_one(db)
    .await
    .unwrap();
    assert_eq!(
        (live, root),
        (counted, top),
        "kept counters against the rows"
    );
}
