//! `trove trash list` and `trove trash restore` on a real installation: an
//! admin puts back "everything Alex deleted today" without a browser.

use sqlx::SqlitePool;

use crate::db::trashed_count;
use crate::process::{Trove, OWNER, SPACE};

const ALEX: &str = "alex@faults.test";

async fn user_id(db: &SqlitePool, email: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(db)
        .await
        .unwrap()
}

/// Moves the assets with ids in `ids` to Trash as `by`, `ago_ms` ago.
async fn trash(db: &SqlitePool, ids: std::ops::RangeInclusive<i64>, by: i64, ago_ms: i64) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    sqlx::query(
        "UPDATE assets SET deleted_at = $1, deleted_by = $2, delete_batch = 'cli-test'
         WHERE id BETWEEN $3 AND $4",
    )
    .bind(now - ago_ms)
    .bind(by)
    .bind(ids.start())
    .bind(ids.end())
    .execute(db)
    .await
    .unwrap();
}

#[tokio::test]
async fn an_admin_restores_what_one_person_deleted_today_from_the_command_line() {
    const HOUR: i64 = 60 * 60 * 1000;
    let trove = Trove::new();
    trove.add_user(OWNER, SPACE, "owner").await;
    trove.add_user(ALEX, SPACE, "asset-manager").await;
    trove.seed(SPACE, 40).await;
    let db = trove.open_db().await;
    let (alex, owner) = (user_id(&db, ALEX).await, user_id(&db, OWNER).await);
    trash(&db, 1..=15, alex, 2 * HOUR).await;
    trash(&db, 16..=20, owner, HOUR).await;
    trash(&db, 21..=23, alex, 72 * HOUR).await;
    let today = [SPACE, "--deleted-by", ALEX, "--since", "1d"];
    let args = |command: &[&str], extra: &[&'static str]| -> Vec<String> {
        let mut args: Vec<String> = command.iter().map(|s| (*s).to_owned()).collect();
        args.push("--space".to_owned());
        args.extend(today.iter().map(|s| (*s).to_owned()));
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        args
    };
    let run = |args: Vec<String>| {
        let trove = &trove;
        async move {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            trove.try_run(&args, &[], None).await
        }
    };

    let listed = run(args(&["trash", "list"], &[])).await;
    let stdout = String::from_utf8_lossy(&listed.stdout);
    assert!(listed.status.success(), "{stdout}");
    assert!(stdout.contains("15 assets in the Trash of"), "{stdout}");
    assert!(stdout.contains(ALEX.split('@').next().unwrap()), "{stdout}");

    let dry = run(args(&["trash", "restore"], &["--dry-run"])).await;
    let stdout = String::from_utf8_lossy(&dry.stdout);
    assert!(dry.status.success(), "{stdout}");
    assert!(
        stdout.contains("Dry run: would restore 15 assets"),
        "{stdout}"
    );
    assert_eq!(trashed_count(&db, SPACE).await, 23);

    // No terminal to ask on, and no --yes: it refuses rather than guess.
    let unasked = run(args(&["trash", "restore"], &[])).await;
    assert!(!unasked.status.success());
    assert!(String::from_utf8_lossy(&unasked.stderr).contains("--yes"));
    assert_eq!(trashed_count(&db, SPACE).await, 23);

    let done = run(args(&["trash", "restore"], &["--yes"])).await;
    let stdout = String::from_utf8_lossy(&done.stdout);
    assert!(done.status.success(), "{stdout}");
    assert!(stdout.contains("Restored 15 assets."), "{stdout}");
    assert_eq!(trashed_count(&db, SPACE).await, 8);
    let audited: (i64, Option<i64>) =
        sqlx::query_as("SELECT asset_count, actor_id FROM audit_log WHERE action = 'restore'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(audited, (15, None), "one entry, by the command line");

    let unknown = trove
        .try_run(&["trash", "list", "--space", "nowhere"], &[], None)
        .await;
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("there is no space"));
}
