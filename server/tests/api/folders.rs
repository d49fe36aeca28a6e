//! Folders through the router: what each refusal answers (status and a
//! JSON body that says why), uploads into a folder, and a folder's trip
//! to Trash and back with its contents.

use app::auth::model::Role;
use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::harness::{encode, TestApp, PASSWORD};

async fn post(app: &TestApp, path: &str, body: Value) -> (StatusCode, Value) {
    let (status, _, bytes) = app.post_json(path, &body).await;
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

async fn create(app: &TestApp, parent: Option<i64>, name: &str) -> (StatusCode, Value) {
    let body = json!({ "space": "marketing", "parent": parent, "name": name });
    post(app, "/api/create_folder", body).await
}

#[tokio::test]
async fn refusals_say_why_with_the_right_status() {
    let app = TestApp::new().await;
    let ids = app.space_with_assets("marketing", 2).await;
    app.space_with_assets_unsigned("other", 1).await;
    let (status, spring) = create(&app, None, "Spring").await;
    assert_eq!(status, StatusCode::OK);
    let spring = spring["id"].as_i64().unwrap();

    let cases: Vec<(&str, Value, StatusCode, &str)> = vec![
        (
            "/api/create_folder",
            json!({ "space": "marketing", "name": "SPRING" }),
            StatusCode::CONFLICT,
            "already exists here",
        ),
        (
            "/api/create_folder",
            json!({ "space": "marketing", "name": "  " }),
            StatusCode::BAD_REQUEST,
            "Give the folder a name.",
        ),
        (
            "/api/create_folder",
            json!({ "space": "marketing", "name": "a/b" }),
            StatusCode::BAD_REQUEST,
            "slashes",
        ),
        (
            "/api/create_folder",
            json!({ "space": "marketing", "parent": 999_999, "name": "x" }),
            StatusCode::NOT_FOUND,
            "",
        ),
        (
            "/api/move_to_folder",
            json!({ "space": "marketing", "folder_ids": [spring], "to": spring }),
            StatusCode::BAD_REQUEST,
            "into itself",
        ),
        (
            "/api/move_to_folder",
            json!({ "space": "marketing", "ids": [ids[0], 999_999], "to": spring }),
            StatusCode::NOT_FOUND,
            "999999",
        ),
        (
            "/api/move_to_folder",
            json!({ "space": "marketing", "ids": [ids[0], ids[0]] }),
            StatusCode::BAD_REQUEST,
            "once",
        ),
        (
            "/api/move_to_trash",
            json!({ "space": "marketing", "folder_ids": [999_999] }),
            StatusCode::NOT_FOUND,
            "These folders do not exist in this space: 999999.",
        ),
        (
            "/api/move_to_trash",
            json!({ "space": "marketing", "folder_ids": [] }),
            StatusCode::BAD_REQUEST,
            "",
        ),
    ];
    for (path, body, status, says) in cases {
        let (got, answer) = post(&app, path, body.clone()).await;
        assert_eq!(got, status, "{path} {body}: {answer}");
        assert!(answer["error"].is_string(), "{path} {body}: {answer}");
        let message = answer["message"].as_str().unwrap_or_default();
        assert!(message.contains(says), "{path} {body}: {message}");
    }

    // Twenty levels deep, and no deeper.
    let mut parent = spring;
    for level in 2..=20 {
        let (status, folder) = create(&app, Some(parent), &format!("L{level}")).await;
        assert_eq!(status, StatusCode::OK, "level {level}");
        parent = folder["id"].as_i64().unwrap();
    }
    let (status, answer) = create(&app, Some(parent), "L21").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(answer["message"].as_str().unwrap().contains("20 levels"));

    // A folder of another space is a 404, as if it did not exist.
    let other = app.space_id("other").await;
    let foreign = app::assets::folders::data::create(
        &app.state.pool,
        other,
        None,
        "Theirs",
        None,
        app::domain::time::Timestamp::EPOCH,
    )
    .await
    .unwrap()
    .id
    .0;
    let (status, _) = create(&app, Some(foreign), "x").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .get_json(&format!(
            "/api/list_assets?space=marketing&folder={foreign}"
        ))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = post(
        &app,
        "/api/move_to_folder",
        json!({ "space": "marketing", "ids": [ids[0]], "to": foreign }),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// Unknown folders are named as folders, apart from unknown assets: the
/// body's `folder_ids` lists them (it used to put folder ids in `ids`,
/// the list of unknown assets).
#[tokio::test]
async fn unknown_folders_and_assets_are_named_apart() {
    let app = TestApp::new().await;
    let ids = app.space_with_assets("marketing", 1).await;
    for path in ["/api/move_to_trash", "/api/move_to_folder"] {
        let body = json!({ "space": "marketing", "ids": [ids[0]], "folder_ids": [999_999] });
        let (status, answer) = post(&app, path, body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {answer}");
        assert_eq!(answer["error"], "unknown_assets", "{path}: {answer}");
        assert_eq!(answer["folder_ids"], json!([999_999]), "{path}: {answer}");
        assert!(answer.get("ids").is_none(), "{path}: {answer}");
        let body = json!({ "space": "marketing", "ids": [999_998] });
        let (status, answer) = post(&app, path, body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {answer}");
        assert_eq!(answer["ids"], json!([999_998]), "{path}: {answer}");
        assert!(answer.get("folder_ids").is_none(), "{path}: {answer}");
        // Both kinds unknown: one answer names both.
        let body = json!({ "space": "marketing", "ids": [999_998], "folder_ids": [999_999] });
        let (status, answer) = post(&app, path, body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {answer}");
        assert_eq!(answer["ids"], json!([999_998]), "{path}: {answer}");
        assert_eq!(answer["folder_ids"], json!([999_999]), "{path}: {answer}");
    }
}

#[tokio::test]
async fn a_folder_holds_uploads_goes_to_trash_whole_and_comes_back() {
    let app = TestApp::new().await;
    app.space_with_assets("marketing", 1).await;
    let (_, folder) = create(&app, None, "Campaigns").await;
    let folder = folder["id"].as_i64().unwrap();
    for name in ["brief.txt", "notes.txt"] {
        let request = axum::http::Request::post(format!(
            "/api/upload?space=marketing&name={}&folder={folder}",
            encode(name)
        ))
        .header("host", "trove.test")
        .header("origin", "http://trove.test")
        .header("content-type", "text/plain")
        .body(axum::body::Body::from(format!("{name}\n")))
        .unwrap();
        assert_eq!(app.send(request).await.0, StatusCode::CREATED);
    }
    let (status, page) = app
        .get_json(&format!("/api/list_assets?space=marketing&folder={folder}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["total"], 2);
    assert_eq!(page["path"][0]["name"], "Campaigns");
    let (_, top) = app.get_json("/api/list_assets?space=marketing").await;
    assert_eq!(
        (top["folder_total"].as_i64(), top["total"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(top["folders"][0]["items"], 2);

    let (status, moved) = post(
        &app,
        "/api/move_to_trash",
        json!({ "space": "marketing", "folder_ids": [folder] }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (moved["folders"].as_i64(), moved["inside"].as_i64()),
        (Some(1), Some(2))
    );
    // Nothing goes into a folder in Trash.
    let request = axum::http::Request::post(format!(
        "/api/upload?space=marketing&name=late.txt&folder={folder}"
    ))
    .header("host", "trove.test")
    .header("origin", "http://trove.test")
    .body(axum::body::Body::from("late\n"))
    .unwrap();
    assert_eq!(app.send(request).await.0, StatusCode::NOT_FOUND);
    let (_, trash) = app.get_json("/api/list_trash?space=marketing").await;
    assert_eq!(trash["folders"][0]["name"], "Campaigns");
    assert_eq!(trash["folders"][0]["assets"], 2);
    assert_eq!(trash["items"].as_array().unwrap().len(), 0);

    let (status, undone) = post(
        &app,
        "/api/restore_batch",
        json!({ "space": "marketing", "batch": moved["batch"] }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (undone["restored"].as_i64(), undone["folders"].as_i64()),
        (Some(2), Some(1))
    );

    // A viewer sees it and cannot change it.
    app.member("viewer@test.example", "marketing", Role::Viewer)
        .await;
    assert_eq!(
        app.sign_in("viewer@test.example", PASSWORD).await,
        StatusCode::OK
    );
    let (status, _) = app
        .get_json(&format!("/api/list_assets?space=marketing&folder={folder}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = create(&app, Some(folder), "Mine").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// Look-alike names are one name: beside a folder, a name that differs only
/// by a zero-width (non-)joiner, or by the Unicode form of its letters, is
/// refused as another case is (409), whether created, renamed or moved
/// there. What is stored is the composed form (NFC), for folders and files.
#[tokio::test]
async fn look_alike_folder_names_are_refused_and_names_are_kept_in_nfc() {
    let app = TestApp::new().await;
    app.space_with_assets("marketing", 1).await;
    let (_, inner) = create(&app, None, "Inner").await;
    let inner = inner["id"].as_i64().unwrap();
    let pairs = [
        ("Reports", "Reports\u{200C}"),
        ("Budget", "Budget\u{200D}"),
        ("Caf\u{E9}", "Cafe\u{301}"),
    ];
    for (n, (first, twin)) in pairs.into_iter().enumerate() {
        let (status, answer) = create(&app, None, first).await;
        assert_eq!(status, StatusCode::OK, "{first:?}: {answer}");
        let (status, answer) = create(&app, None, twin).await;
        assert_eq!(status, StatusCode::CONFLICT, "created {twin:?}: {answer}");
        let message = answer["message"].as_str().unwrap_or_default();
        assert!(message.contains("already exists here"), "{message}");

        let (_, other) = create(&app, None, &format!("Other {n}")).await;
        let rename = json!({ "space": "marketing", "id": other["id"], "name": twin });
        let (status, answer) = post(&app, "/api/rename_folder", rename).await;
        assert_eq!(
            status,
            StatusCode::CONFLICT,
            "renamed to {twin:?}: {answer}"
        );

        let (status, below) = create(&app, Some(inner), twin).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "{twin:?} in another folder: {below}"
        );
        let up = json!({ "space": "marketing", "folder_ids": [below["id"]] });
        let (status, answer) = post(&app, "/api/move_to_folder", up).await;
        assert_eq!(status, StatusCode::CONFLICT, "moved {twin:?}: {answer}");
    }

    let (status, folder) = create(&app, None, "Cre\u{300}me").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(folder["name"], "Cr\u{E8}me");
    let (_, listed) = app.get_json("/api/list_folders?space=marketing").await;
    let names: Vec<&str> = listed["folders"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["name"].as_str())
        .collect();
    assert!(names.contains(&"Cr\u{E8}me"), "{names:?}");

    // An upload named with a combining accent ("Cafe\u{301}.txt").
    let request = axum::http::Request::post("/api/upload?space=marketing&name=Cafe%CC%81.txt")
        .header("host", "trove.test")
        .header("origin", "http://trove.test")
        .header("content-type", "text/plain")
        .body(axum::body::Body::from("menu\n"))
        .unwrap();
    let (status, _, body) = app.send(request).await;
    assert_eq!(status, StatusCode::CREATED);
    let asset: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(asset["name"], "Caf\u{E9}.txt");
}
