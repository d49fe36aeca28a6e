//! The permission matrix: every server function for every role, in the
//! actor's own space and another.

use app::auth::data::upsert_user;
use app::auth::model::{Permission, Role};
use app::domain::time::Timestamp;
use app::platform::clock::Clock;
use app::trash::bulk::{move_to_trash, restore_batch};
use axum::http::StatusCode;

use crate::harness::{TestApp, PASSWORD};

/// Who makes a request in the permission matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Actor {
    SignedOut,
    Member(Role),
}

const ACTORS: [Actor; 5] = [
    Actor::SignedOut,
    Actor::Member(Role::Viewer),
    Actor::Member(Role::AssetManager),
    Actor::Member(Role::Admin),
    Actor::Member(Role::Owner),
];

fn email_of(role: Role) -> String {
    format!(
        "{}@matrix.example",
        role.label().replace(' ', "-").to_lowercase()
    )
}

/// Every server function × every actor × {own space, other space}: the
/// status is the one docs/roles.md gives, and a refused request changes
/// nothing. A server function missing from `expected` fails the test.
#[tokio::test]
async fn permission_matrix_covers_every_server_function() {
    let app = TestApp::new().await;
    let own_ids = app.space_with_assets_unsigned("own", 2).await;
    let other_ids = app.space_with_assets_unsigned("other", 2).await;
    for actor in ACTORS {
        if let Actor::Member(role) = actor {
            app.member(&email_of(role), "own", role).await;
        }
    }

    // (path, method) → the status for an actor in a space.
    type Rule = Box<dyn Fn(Actor, &str) -> StatusCode>;
    fn needs(permission: Permission) -> Rule {
        Box::new(move |actor, space| match actor {
            Actor::SignedOut => StatusCode::UNAUTHORIZED,
            Actor::Member(_) if space != "own" => StatusCode::NOT_FOUND,
            Actor::Member(role) if role.allows(permission) => StatusCode::OK,
            Actor::Member(_) => StatusCode::FORBIDDEN,
        })
    }
    // Allowed, then refused by the rules with `status` (so nothing changes).
    fn needs_then(permission: Permission, status: StatusCode) -> Rule {
        let rule = needs(permission);
        Box::new(move |actor, space| match rule(actor, space) {
            StatusCode::OK => status,
            other => other,
        })
    }
    // One asset in Trash, and one finished batch (moved, then restored).
    let own = app.space_id("own").await;
    let by = upsert_user(
        &app.state.pool,
        "setup@test.example",
        "Setup",
        &app::auth::password::PasswordHash::from_stored("x"),
        Timestamp::EPOCH,
    )
    .await
    .unwrap();
    let trashed = own_ids[0];
    let done = move_to_trash(
        &app.state.pool,
        own,
        by,
        &[app::domain::ids::AssetId(own_ids[1])],
        &Clock::frozen(Timestamp::from_millis(1)),
    )
    .await
    .unwrap();
    restore_batch(
        &app.state.pool,
        own,
        by.into(),
        &done.batch,
        &Clock::frozen(Timestamp::from_millis(2)),
    )
    .await
    .unwrap();
    move_to_trash(
        &app.state.pool,
        own,
        by,
        &[app::domain::ids::AssetId(trashed)],
        &Clock::frozen(Timestamp::from_millis(3)),
    )
    .await
    .unwrap();
    // A folder in each space, named "Existing".
    let mut folder_ids = std::collections::HashMap::new();
    for space in ["own", "other"] {
        let id = app::assets::folders::data::create(
            &app.state.pool,
            app.space_id(space).await,
            None,
            "Existing",
            None,
            Timestamp::EPOCH,
        )
        .await
        .unwrap()
        .id;
        folder_ids.insert(space, id);
    }
    let expected: Vec<(&str, &str, Rule)> = vec![
        ("/api/list_assets", "GET", needs(Permission::View)),
        ("/api/count_matching_assets", "GET", needs(Permission::View)),
        ("/api/get_asset", "GET", needs(Permission::View)),
        ("/api/upload_limit", "GET", needs(Permission::Upload)),
        // Sent with the asset's current name: allowed, and changes nothing.
        ("/api/rename_asset", "POST", needs(Permission::Upload)),
        ("/api/list_folders", "GET", needs(Permission::View)),
        // Sent with a name taken there: allowed, then 409.
        (
            "/api/create_folder",
            "POST",
            needs_then(Permission::Upload, StatusCode::CONFLICT),
        ),
        // Sent with the folder's current name: allowed, changes nothing.
        ("/api/rename_folder", "POST", needs(Permission::Upload)),
        // Sent for a live asset to where it is already: changes nothing.
        ("/api/move_to_folder", "POST", needs(Permission::Upload)),
        // An empty list for a source that does not exist: changes nothing.
        ("/api/references", "PUT", needs(Permission::Upload)),
        ("/api/asset_usage", "GET", needs(Permission::View)),
        ("/api/space_usage", "GET", needs(Permission::View)),
        (
            "/api/list_spaces",
            "GET",
            Box::new(|actor, _| match actor {
                Actor::SignedOut => StatusCode::UNAUTHORIZED,
                Actor::Member(_) => StatusCode::OK,
            }),
        ),
        ("/api/current_user", "GET", Box::new(|_, _| StatusCode::OK)),
        // Public: a wrong password is refused the same way for everyone.
        (
            "/api/sign_in",
            "POST",
            Box::new(|_, _| StatusCode::UNAUTHORIZED),
        ),
        ("/api/sign_out", "POST", Box::new(|_, _| StatusCode::OK)),
        // Sent for an asset already in Trash (own space), so an allowed
        // request answers 200 and still changes nothing.
        ("/api/move_to_trash", "POST", needs(Permission::Delete)),
        // A read of what a delete would move: changes nothing.
        ("/api/usage_of_selection", "POST", needs(Permission::Delete)),
        // Sent for a batch whose assets are already back.
        ("/api/restore_batch", "POST", needs(Permission::Delete)),
        ("/api/list_trash", "GET", needs(Permission::Delete)),
        ("/api/count_trash", "GET", needs(Permission::Delete)),
        // Sent for a live asset, which is skipped.
        ("/api/restore_from_trash", "POST", needs(Permission::Delete)),
        // Sent for a live asset too: skipped, nothing deleted.
        ("/api/delete_permanently", "POST", needs(Permission::Purge)),
        // A dry run: answers what Trash holds, deletes nothing.
        ("/api/empty_trash", "POST", needs(Permission::Purge)),
        ("/api/list_tokens", "GET", needs(Permission::Manage)),
        // Sent with the retention the space has: allowed, changes nothing.
        ("/api/space_settings", "PUT", needs(Permission::Manage)),
        // Sent with an empty name: refused, nothing made.
        (
            "/api/create_token",
            "POST",
            needs_then(Permission::Manage, StatusCode::BAD_REQUEST),
        ),
        // Sent for a token that does not exist.
        (
            "/api/revoke_token",
            "POST",
            needs_then(Permission::Manage, StatusCode::NOT_FOUND),
        ),
    ];

    let registered: std::collections::BTreeSet<(String, String)> =
        leptos::server_fn::axum::server_fn_paths()
            .map(|(path, method)| (path.to_owned(), method.to_string()))
            .collect();
    let covered: std::collections::BTreeSet<(String, String)> = expected
        .iter()
        .map(|(path, method, _)| ((*path).to_owned(), (*method).to_owned()))
        .collect();
    assert_eq!(
        registered, covered,
        "add every server function to the permission matrix"
    );

    // (id, name, updated_at, deleted_at, folder) of every asset or folder.
    type Rows = Vec<(i64, String, Timestamp, Option<Timestamp>, Option<i64>)>;
    let snapshot = || async {
        let rows: Rows = sqlx::query_as(
            "SELECT id, name, updated_at, deleted_at, folder_id FROM assets ORDER BY id",
        )
        .fetch_all(&app.state.pool)
        .await
        .unwrap();
        let folders: Rows = sqlx::query_as(
            "SELECT id, name, updated_at, deleted_at, parent_id FROM folders ORDER BY id",
        )
        .fetch_all(&app.state.pool)
        .await
        .unwrap();
        (rows, folders)
    };
    let before = snapshot().await;
    for actor in ACTORS {
        for space in ["own", "other"] {
            for (path, method, rule) in &expected {
                match actor {
                    Actor::SignedOut => *app.cookie.lock().unwrap() = None,
                    Actor::Member(role) => {
                        assert_eq!(app.sign_in(&email_of(role), PASSWORD).await, StatusCode::OK)
                    }
                }
                let live = if space == "own" {
                    own_ids[1]
                } else {
                    other_ids[0]
                };
                let status = if *path == "/api/get_asset" || *path == "/api/asset_usage" {
                    app.get(&format!("{path}?space={space}&id={live}")).await.0
                } else if *method == "GET" {
                    app.get(&format!("{path}?space={space}")).await.0
                } else if *path == "/api/rename_asset" {
                    let name = if space == "own" {
                        "asset-001.png"
                    } else {
                        "asset-000.png"
                    };
                    let body = serde_json::json!({ "space": space, "id": live, "name": name });
                    app.post_json(path, &body).await.0
                } else if *path == "/api/move_to_trash" || *path == "/api/usage_of_selection" {
                    let id = if space == "own" {
                        trashed
                    } else {
                        other_ids[0]
                    };
                    let body = serde_json::json!({ "space": space, "ids": [id] });
                    app.post_json(path, &body).await.0
                } else if *path == "/api/restore_from_trash" || *path == "/api/delete_permanently" {
                    let id = if space == "own" {
                        own_ids[1]
                    } else {
                        other_ids[0]
                    };
                    let body = serde_json::json!({ "space": space, "ids": [id] });
                    app.post_json(path, &body).await.0
                } else if *path == "/api/empty_trash" {
                    let body = serde_json::json!({ "space": space, "dry_run": true });
                    app.post_json(path, &body).await.0
                } else if *path == "/api/create_folder" {
                    let body = serde_json::json!({ "space": space, "name": "existing" });
                    app.post_json(path, &body).await.0
                } else if *path == "/api/rename_folder" {
                    let body = serde_json::json!({
                        "space": space, "id": folder_ids[space], "name": "Existing"
                    });
                    app.post_json(path, &body).await.0
                } else if *path == "/api/move_to_folder" {
                    let body = serde_json::json!({ "space": space, "ids": [live] });
                    app.post_json(path, &body).await.0
                } else if *path == "/api/create_token" {
                    let body = serde_json::json!({ "space": space, "name": " ", "role": "viewer" });
                    app.post_json(path, &body).await.0
                } else if *path == "/api/revoke_token" {
                    let body = serde_json::json!({ "space": space, "id": 999_999 });
                    app.post_json(path, &body).await.0
                } else if *path == "/api/references" {
                    let body = serde_json::json!({
                        "space": space,
                        "source": { "system": "matrix", "id": "none", "title": "None" },
                        "assets": [],
                    });
                    app.put_json(path, &body).await.0
                } else if *path == "/api/space_settings" {
                    let body = serde_json::json!({ "space": space, "retention_days": 14 });
                    app.put_json(path, &body).await.0
                } else if *path == "/api/restore_batch" {
                    let body = serde_json::json!({ "space": space, "batch": done.batch });
                    app.post_json(path, &body).await.0
                } else {
                    let body = format!("space={space}&email=nobody%40x.example&password=wrong");
                    app.post_form(path, &body).await.0
                };
                assert_eq!(
                    status,
                    rule(actor, space),
                    "{method} {path} as {actor:?} in {space}"
                );
            }
        }
    }
    assert_eq!(
        snapshot().await,
        before,
        "a request in the matrix changed data"
    );
}

/// Roles are remembered for a few seconds (`app::platform::recent`); a change made
/// through the server's own state is seen by the very next request, in
/// both directions, and a membership removed behind its back stops
/// counting once the remembered roles are forgotten.
#[tokio::test]
async fn a_changed_role_applies_to_the_next_request() {
    let app = TestApp::new().await;
    let ids = app.space_with_assets("own", 2).await;
    let body = |id: i64| serde_json::json!({ "space": "own", "ids": [id] });
    app.member("owner@test.example", "own", Role::Viewer).await;
    assert_eq!(
        app.post_json("/api/move_to_trash", &body(ids[0])).await.0,
        StatusCode::FORBIDDEN
    );
    app.member("owner@test.example", "own", Role::AssetManager)
        .await;
    assert_eq!(
        app.post_json("/api/move_to_trash", &body(ids[0])).await.0,
        StatusCode::OK
    );

    sqlx::query("DELETE FROM memberships")
        .execute(&app.state.pool)
        .await
        .unwrap();
    app.state.recent_access.invalidate_all();
    assert_eq!(
        app.post_json("/api/move_to_trash", &body(ids[1])).await.0,
        StatusCode::NOT_FOUND
    );
}
