//! Where assets are used, through the API: `PUT /api/references` (the
//! whole list of one source, its refusals and permissions),
//! `GET /api/asset_usage`, the listing's `used_in` and Usage filter.

use app::auth::model::Role;
use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::harness::{TestApp, PASSWORD};

const VIEWER: &str = "viewer@test.example";
const MANAGER: &str = "manager@test.example";

async fn put(app: &TestApp, body: &Value) -> (StatusCode, Value) {
    let (status, _, bytes) = app.put_json("/api/references", body).await;
    (status, serde_json::from_slice(&bytes).unwrap())
}

fn references(space: &str, id: &str, assets: &[i64]) -> Value {
    json!({
        "space": space,
        "source": {
            "system": "cms",
            "id": id,
            "title": format!("Page {id}"),
            "url": format!("https://cms.example/entries/{id}"),
        },
        "assets": assets,
    })
}

/// (asset id, used_in) of every asset, and how many references exist.
async fn state(app: &TestApp) -> (Vec<(i64, i64)>, i64) {
    let counters = sqlx::query_as("SELECT id, used_in FROM assets ORDER BY id")
        .fetch_all(&app.state.pool)
        .await
        .unwrap();
    let references: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM asset_references")
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    (counters, references)
}

/// The names on the listing's first page for `query` (after `space=own`).
async fn listed(app: &TestApp, query: &str) -> (Vec<String>, i64) {
    let (status, page) = app
        .get_json(&format!(
            "/api/list_assets?space=own&sort=name&dir=asc{query}"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let names = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_owned())
        .collect();
    (names, page["total"].as_i64().unwrap())
}

#[tokio::test]
async fn a_source_s_list_is_set_replaced_and_removed() {
    let app = TestApp::new().await;
    let ids = app.space_with_assets("own", 4).await;

    let (status, body) = put(&app, &references("own", "entry-42", &ids[..2])).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({
            "source": {
                "system": "cms",
                "id": "entry-42",
                "title": "Page entry-42",
                "url": "https://cms.example/entries/entry-42",
            },
            "count": 2,
            "added": 2,
            "removed": 0,
        })
    );
    // The same call again: the same state, nothing added or removed.
    let before = state(&app).await;
    let (status, again) = put(&app, &references("own", "entry-42", &ids[..2])).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((&again["added"], &again["removed"]), (&json!(0), &json!(0)));
    assert_eq!(state(&app).await, before);

    // Replaced, with one id twice (counted once).
    let list = [ids[1], ids[2], ids[2]];
    let (_, replaced) = put(&app, &references("own", "entry-42", &list)).await;
    assert_eq!(
        (&replaced["count"], &replaced["added"], &replaced["removed"]),
        (&json!(2), &json!(1), &json!(1))
    );
    let (_, asset) = app
        .get_json(&format!("/api/asset_usage?space=own&id={}", ids[2]))
        .await;
    assert_eq!(asset[0]["title"], "Page entry-42");

    // Emptied: the source is gone, and nothing counts it.
    let (status, removed) = put(&app, &references("own", "entry-42", &[])).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (&removed["count"], &removed["removed"]),
        (&json!(0), &json!(2))
    );
    let (counters, references) = state(&app).await;
    assert_eq!(references, 0);
    assert!(counters.iter().all(|(_, used)| *used == 0), "{counters:?}");
}

#[tokio::test]
async fn unknown_and_foreign_ids_are_named_and_change_nothing() {
    let app = TestApp::new().await;
    let other = app.space_with_assets_unsigned("other", 1).await;
    let ids = app.space_with_assets("own", 2).await;
    assert_eq!(
        put(&app, &references("own", "1", &ids[..1])).await.0,
        StatusCode::OK
    );
    let before = state(&app).await;

    let list = [ids[1], other[0], 999_999];
    let (status, body) = put(&app, &references("own", "1", &list)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"], "unknown_assets");
    assert_eq!(body["ids"], json!([other[0], 999_999]));
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains(&other[0].to_string()));
    assert_eq!(state(&app).await, before);

    // Trashed assets of the space are known ids.
    app.trash(ids[1]).await;
    let (status, body) = put(&app, &references("own", "1", &ids)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn bad_requests_are_400s_with_json_and_change_nothing() {
    let app = TestApp::new().await;
    let ids = app.space_with_assets("own", 1).await;
    let before = state(&app).await;
    let too_many: Vec<i64> = (1..=10_001).collect();
    let with_source = |source: Value| json!({ "space": "own", "source": source, "assets": ids });
    let cases = [
        ("10,001 ids", references("own", "1", &too_many)),
        ("a zero id", references("own", "1", &[0])),
        (
            "an empty title",
            with_source(json!({ "system": "cms", "id": "1", "title": "  " })),
        ),
        (
            "an empty system",
            with_source(json!({ "system": "", "id": "1", "title": "T" })),
        ),
        (
            "a control character",
            with_source(json!({ "system": "cms", "id": "1\u{0007}", "title": "T" })),
        ),
        (
            "a title too long",
            with_source(json!({ "system": "cms", "id": "1", "title": "x".repeat(256) })),
        ),
        (
            "a javascript: url",
            with_source(json!({
                "system": "cms", "id": "1", "title": "T", "url": "javascript:alert(1)"
            })),
        ),
        (
            "a relative url",
            with_source(json!({ "system": "cms", "id": "1", "title": "T", "url": "/entries/1" })),
        ),
        (
            "a misspelt source field",
            with_source(json!({ "system": "cms", "id": "1", "titel": "T" })),
        ),
        ("no source", json!({ "space": "own", "assets": ids })),
        (
            "a misspelt field",
            json!({ "space": "own", "source": { "system": "cms", "id": "1", "title": "T" },
                    "assets": ids, "asset_ids": [1] }),
        ),
    ];
    for (label, body) in cases {
        let (status, answer) = put(&app, &body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{label}: {answer}");
        assert_eq!(answer["error"], "validation", "{label}: {answer}");
        assert!(
            answer["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{label}"
        );
    }
    // Another method is not this endpoint.
    let (status, _, _) = app
        .post_json("/api/references", &references("own", "1", &ids))
        .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(state(&app).await, before);
}

#[tokio::test]
async fn a_viewer_reads_usage_but_cannot_set_it_and_other_spaces_are_404() {
    let app = TestApp::new().await;
    let other = app.space_with_assets_unsigned("other", 1).await;
    let ids = app.space_with_assets("own", 2).await;
    assert_eq!(
        put(&app, &references("own", "1", &ids)).await.0,
        StatusCode::OK
    );
    app.member(VIEWER, "own", Role::Viewer).await;
    assert_eq!(app.sign_in(VIEWER, PASSWORD).await, StatusCode::OK);
    let before = state(&app).await;

    let (status, body) = put(&app, &references("own", "1", &ids[..1])).await;
    assert_eq!(
        (status, &body["error"]),
        (StatusCode::FORBIDDEN, &json!("forbidden"))
    );
    let (status, sources) = app
        .get_json(&format!("/api/asset_usage?space=own&id={}", ids[0]))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(sources[0]["system"], "cms");

    // Another space is not found, whatever the role there would be.
    let (status, _) = put(&app, &references("other", "1", &other)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .get_json(&format!("/api/asset_usage?space=other&id={}", other[0]))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // An asset of another space, asked for in this one, is not found either.
    let (status, body) = app
        .get_json(&format!("/api/asset_usage?space=own&id={}", other[0]))
        .await;
    assert_eq!(
        (status, &body["error"]),
        (StatusCode::NOT_FOUND, &json!("not_found"))
    );
    let (status, _) = app.get_json("/api/asset_usage?space=own&id=999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(state(&app).await, before);

    // An Asset Manager may set references ("upload & edit").
    app.member(MANAGER, "own", Role::AssetManager).await;
    assert_eq!(app.sign_in(MANAGER, PASSWORD).await, StatusCode::OK);
    assert_eq!(
        put(&app, &references("own", "1", &ids[..1])).await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_listing_counts_usage_and_filters_by_it() {
    let app = TestApp::new().await;
    let ids = app.space_with_assets("own", 6).await;
    put(&app, &references("own", "a", &[ids[1], ids[3]])).await;
    put(&app, &references("own", "b", &[ids[3]])).await;

    let (status, page) = app
        .get_json("/api/list_assets?space=own&sort=name&dir=asc")
        .await;
    assert_eq!(status, StatusCode::OK);
    let used: Vec<i64> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["used_in"].as_i64().unwrap())
        .collect();
    assert_eq!(used, [0, 1, 0, 2, 0, 0]);

    assert_eq!(
        listed(&app, "&usage=in_use").await,
        (vec!["asset-001.png".into(), "asset-003.png".into()], 2)
    );
    let (names, total) = listed(&app, "&usage=not_in_use").await;
    assert_eq!((names.len(), total), (4, 4));
    assert!(!names.contains(&"asset-001.png".to_owned()));
    // With a search and another sort.
    assert_eq!(
        listed(&app, "&usage=in_use&q=003").await,
        (vec!["asset-003.png".into()], 1)
    );
    let (_, by_size) = app
        .get_json("/api/list_assets?space=own&usage=in_use&sort=size&dir=desc")
        .await;
    assert_eq!(by_size["items"][0]["name"], "asset-003.png");
    let (status, count) = app
        .get_json("/api/count_matching_assets?space=own&usage=in_use")
        .await;
    assert_eq!((status, count), (StatusCode::OK, json!(2)));
    let (status, body) = app
        .get_json("/api/list_assets?space=own&usage=sometimes")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    // "Select all N matching" with the filter moves exactly those into a folder.
    let (_, _, folder) = app
        .post_json(
            "/api/create_folder",
            &json!({ "space": "own", "name": "Used" }),
        )
        .await;
    let folder: Value = serde_json::from_slice(&folder).unwrap();
    let all_in_use = |expected: u64| {
        json!({ "space": "own", "matching": { "usage": "in_use" },
                "expected_count": expected, "to": folder["id"] })
    };
    let (status, _, _) = app.post_json("/api/move_to_folder", &all_in_use(3)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _, moved) = app.post_json("/api/move_to_folder", &all_in_use(2)).await;
    assert_eq!(status, StatusCode::OK);
    let moved: Value = serde_json::from_slice(&moved).unwrap();
    assert_eq!(moved["assets"], 2);
    let (_, inside) = app
        .get_json(&format!(
            "/api/list_assets?space=own&folder={}",
            folder["id"]
        ))
        .await;
    assert_eq!(inside["total"], 2);
    let (_, top) = app.get_json("/api/list_assets?space=own").await;
    assert_eq!(
        (&top["total"], &top["folder_total"]),
        (&json!(4), &json!(1))
    );

    // Trash hides them from both, and says they are still used.
    let (status, _, _) = app
        .post_json(
            "/api/move_to_trash",
            &json!({ "space": "own", "ids": [ids[3]] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, in_use) = app
        .get_json(&format!(
            "/api/list_assets?space=own&usage=in_use&folder={}",
            folder["id"]
        ))
        .await;
    assert_eq!(in_use["total"], 1);
    assert_eq!(in_use["items"][0]["name"], "asset-001.png");
    let (status, trash) = app.get_json("/api/list_trash?space=own").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(trash["items"][0]["used_in"], 2);
}

async fn post(app: &TestApp, path: &str, body: &Value) -> (StatusCode, Value) {
    let (status, _, bytes) = app.post_json(path, body).await;
    (status, serde_json::from_slice(&bytes).unwrap())
}

async fn trashed(app: &TestApp) -> Vec<i64> {
    sqlx::query_scalar("SELECT id FROM assets WHERE deleted_at IS NOT NULL ORDER BY id")
        .fetch_all(&app.state.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn keep_in_use_leaves_them_and_a_dry_run_says_so_first() {
    let app = TestApp::new().await;
    let ids = app.space_with_assets("own", 4).await;
    put(&app, &references("own", "42", &[ids[1], ids[2]])).await;
    let target = json!({ "space": "own", "ids": ids });

    // What the dialog asks when it opens.
    let (status, read) = post(&app, "/api/usage_of_selection", &target).await;
    assert_eq!(status, StatusCode::OK, "{read}");
    assert_eq!(
        (&read["assets"], &read["in_use"], &read["moving_if_kept"]),
        (&json!(4), &json!(2), &json!(2))
    );
    assert_eq!(read["examples"][0]["name"], "asset-001.png");
    assert_eq!(read["examples"][0]["sources"][0]["title"], "Page 42");

    let keeping = |dry_run: bool| json!({ "space": "own", "ids": ids, "keep_in_use": true, "dry_run": dry_run });
    let (status, dry) = post(&app, "/api/move_to_trash", &keeping(true)).await;
    assert_eq!(status, StatusCode::OK, "{dry}");
    assert_eq!(
        (&dry["moved"], &dry["kept_in_use"], &dry["dry_run"]),
        (&json!(2), &json!([ids[1], ids[2]]), &json!(true))
    );
    assert!(trashed(&app).await.is_empty(), "a dry run changes nothing");

    let (status, done) = post(&app, "/api/move_to_trash", &keeping(false)).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(
        (&done["moved"], &done["kept_in_use"], &done["kept_folders"]),
        (&json!(2), &json!([ids[1], ids[2]]), &json!([]))
    );
    assert_eq!(trashed(&app).await, [ids[0], ids[3]]);
    // Undo puts back exactly what moved.
    let undo = json!({ "space": "own", "batch": done["batch"] });
    let (status, undone) = post(&app, "/api/restore_batch", &undo).await;
    assert_eq!((status, &undone["restored"]), (StatusCode::OK, &json!(2)));
    assert!(trashed(&app).await.is_empty());

    // Without the flag (or with false), everything moves as before.
    let (_, all) = post(
        &app,
        "/api/move_to_trash",
        &json!({ "space": "own", "ids": ids, "keep_in_use": false }),
    )
    .await;
    assert_eq!(
        (&all["moved"], &all["kept_in_use"]),
        (&json!(4), &json!([]))
    );
}

/// The race the dialog cannot see: an asset referenced after the dialog
/// asked (and after a dry run) but before the confirmation is kept, not
/// trashed, because the move judges it in its own transaction.
#[tokio::test]
async fn an_asset_referenced_after_the_dry_run_is_kept() {
    let app = TestApp::new().await;
    let ids = app.space_with_assets("own", 3).await;
    let target = json!({ "space": "own", "ids": ids, "keep_in_use": true });
    let (_, read) = post(
        &app,
        "/api/usage_of_selection",
        &json!({ "space": "own", "ids": ids }),
    )
    .await;
    assert_eq!(read["in_use"], 0);
    let mut dry_run = target.clone();
    dry_run["dry_run"] = json!(true);
    let (_, dry) = post(&app, "/api/move_to_trash", &dry_run).await;
    assert_eq!(
        (&dry["moved"], &dry["kept_in_use"]),
        (&json!(3), &json!([]))
    );

    // The CMS saves a page using the second asset, in between.
    assert_eq!(
        put(&app, &references("own", "late", &[ids[1]])).await.0,
        StatusCode::OK
    );

    let (status, done) = post(&app, "/api/move_to_trash", &target).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(
        (&done["moved"], &done["kept_in_use"]),
        (&json!(2), &json!([ids[1]]))
    );
    assert_eq!(trashed(&app).await, [ids[0], ids[2]]);
    let (_, listing) = app
        .get_json("/api/list_assets?space=own&usage=in_use")
        .await;
    assert_eq!(listing["items"][0]["id"], ids[1]);
}

#[tokio::test]
async fn all_matching_with_keep_in_use_confirms_only_what_moves() {
    let app = TestApp::new().await;
    let ids = app.space_with_assets("own", 5).await;
    put(&app, &references("own", "42", &[ids[0], ids[4]])).await;
    let matching = json!({ "search": "asset-" });
    let (_, read) = post(
        &app,
        "/api/usage_of_selection",
        &json!({ "space": "own", "matching": matching, "expected_count": 5 }),
    )
    .await;
    assert_eq!(
        (
            &read["matching"],
            &read["in_use"],
            &read["expected_if_kept"]
        ),
        (&json!(5), &json!(2), &json!(3))
    );
    let request = |expected: u64, dry_run: bool| {
        json!({ "space": "own", "matching": matching, "expected_count": expected,
                "keep_in_use": true, "dry_run": dry_run })
    };

    // Confirming all five while keeping two: 409 with the number that moves.
    let (status, body) = post(&app, "/api/move_to_trash", &request(5, false)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(
        (&body["error"], &body["count"]),
        (&json!("count_changed"), &json!(3))
    );
    assert!(trashed(&app).await.is_empty());
    let (status, dry) = post(&app, "/api/move_to_trash", &request(3, true)).await;
    assert_eq!(status, StatusCode::OK, "{dry}");
    assert_eq!(
        (&dry["moved"], &dry["kept_in_use"], &dry["dry_run"]),
        (&json!(3), &json!([ids[0], ids[4]]), &json!(true))
    );
    assert!(trashed(&app).await.is_empty());
    let (status, done) = post(&app, "/api/move_to_trash", &request(3, false)).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["moved"], 3);
    assert_eq!(trashed(&app).await, ids[1..4].to_vec());

    // The Usage filter rides in `matching` too: "Not in use" is what is left.
    let (_, count) = app
        .get_json("/api/count_matching_assets?space=own&usage=not_in_use")
        .await;
    assert_eq!(count, json!(0));
    let (status, body) = post(
        &app,
        "/api/move_to_trash",
        &json!({ "space": "own", "matching": { "usage": "in_use" }, "expected_count": 2 }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["moved"], 2);
}

#[tokio::test]
async fn folders_holding_an_asset_in_use_are_kept() {
    let app = TestApp::new().await;
    let ids = app.space_with_assets("own", 1).await;
    let (_, holder) = post(
        &app,
        "/api/create_folder",
        &json!({ "space": "own", "name": "Holder" }),
    )
    .await;
    let (_, empty) = post(
        &app,
        "/api/create_folder",
        &json!({ "space": "own", "name": "Empty" }),
    )
    .await;
    let (holder, empty) = (
        holder["id"].as_i64().unwrap(),
        empty["id"].as_i64().unwrap(),
    );
    let (_, moved) = post(
        &app,
        "/api/move_to_folder",
        &json!({ "space": "own", "ids": ids, "to": holder }),
    )
    .await;
    assert_eq!(moved["assets"], 1);
    put(&app, &references("own", "42", &ids)).await;
    let target = json!({ "space": "own", "folder_ids": [holder, empty] });
    let (_, read) = post(&app, "/api/usage_of_selection", &target).await;
    assert_eq!(
        (&read["assets"], &read["in_use"], &read["kept_folders"]),
        (&json!(1), &json!(1), &json!([holder]))
    );
    let mut keeping = target.clone();
    keeping["keep_in_use"] = json!(true);
    let (status, done) = post(&app, "/api/move_to_trash", &keeping).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(
        (
            &done["folders"],
            &done["kept_folders"],
            &done["kept_in_use"]
        ),
        (&json!(1), &json!([holder]), &json!(ids))
    );
    assert!(trashed(&app).await.is_empty());
}
