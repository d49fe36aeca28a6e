//! `trove trash list` and `trove trash restore` on a real installation: an
//! admin puts back "everything Alex deleted today" without a browser.

use sqlx::SqlitePool;

use crate::db::{space_id, trashed_count};
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
        "UPDATE assets SET deleted_at = $1, deleted_by = $2, delete_batch = 'cli-test',
                           expires_at = $1 + 1209600000
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

/// A folder the manager deleted with its 3 assets is one row in Trash, as
/// on the Trash page: the command line lists it, counts it, and brings it
/// back with everything that was deleted with it.
#[tokio::test]
async fn a_deleted_folder_is_listed_counted_and_restored_whole() {
    use app::assets::folders::data::create;
    use app::assets::moving::move_items;
    use app::domain::bulk_target::BulkTarget;
    use app::domain::ids::{AssetId, SpaceId, UserId};
    use app::platform::clock::Clock;
    use app::trash::bulk::{trash_assets, BulkChange, Effect};

    const MANAGER: &str = "manager@faults.test";
    let trove = Trove::new();
    trove.add_user(MANAGER, SPACE, "asset-manager").await;
    trove.seed(SPACE, 5).await;
    let db = trove.open_db().await;
    let pool = trove.database().await;
    let space = SpaceId(space_id(&db, SPACE).await);
    let manager = UserId(user_id(&db, MANAGER).await);
    let clock = Clock::system();
    let now = clock.now();
    let folder = create(&pool, space, None, "Campaign", Some(manager), now)
        .await
        .unwrap()
        .id;
    let inside = BulkTarget::ids(vec![AssetId(1), AssetId(2), AssetId(3)], Vec::new());
    move_items(&pool, space, Some(folder), &inside, now)
        .await
        .unwrap();
    let change = BulkChange {
        space,
        actor: manager.into(),
        target: BulkTarget::ids(Vec::new(), vec![folder]),
        effect: Effect::Apply,
    };
    trash_assets(&pool, &change, &clock).await.unwrap();
    assert_eq!(trashed_count(&db, SPACE).await, 3);
    let in_trash = ["--space", SPACE, "--deleted-by", MANAGER, "--since", "1d"];
    let command = |verb: &[&'static str], extra: &[&'static str]| -> Vec<&'static str> {
        [verb, &in_trash[..], extra].concat()
    };

    let listed = trove
        .run(&command(&["trash", "list"], &[]), &[], None)
        .await;
    assert!(listed.contains("Campaign"), "{listed}");
    assert!(listed.contains("Folder, 3 assets inside"), "{listed}");
    assert!(listed.contains("1 folder in the Trash of"), "{listed}");

    let dry = trove
        .run(&command(&["trash", "restore"], &["--dry-run"]), &[], None)
        .await;
    assert!(
        dry.contains("Dry run: would restore 1 folder and 3 assets"),
        "{dry}"
    );
    assert_eq!(trashed_count(&db, SPACE).await, 3);

    let done = trove
        .run(&command(&["trash", "restore"], &["--yes"]), &[], None)
        .await;
    assert!(done.contains("Restored 1 folder and 3 assets."), "{done}");
    assert_eq!(trashed_count(&db, SPACE).await, 0);
    let back: (Option<i64>, i64) =
        sqlx::query_as("SELECT deleted_at, live_assets FROM folders WHERE id = $1")
            .bind(folder.0)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(back, (None, 3), "the folder is live, with its 3 assets");
}
