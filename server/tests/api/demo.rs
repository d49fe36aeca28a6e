//! The demo seeder: data, files and accounts, seeded once.

use app::platform::storage::FileKind;
use axum::http::StatusCode;

use crate::harness::TestApp;

#[tokio::test]
async fn demo_data_is_seeded_once_with_real_files() {
    let app = TestApp::new().await;
    assert!(server::demo::seed_if_empty(&app.state).await.unwrap());
    assert!(
        !server::demo::seed_if_empty(&app.state).await.unwrap(),
        "seeded twice"
    );
    let signed_in = app
        .sign_in("owner@example.com", server::demo::DEMO_PASSWORD)
        .await;
    assert_eq!(signed_in, StatusCode::OK);

    let (_, page) = app.get_json("/api/list_assets?space=marketing").await;
    assert!(page["total"].as_i64().unwrap() >= 60);
    let (_, product) = app.get_json("/api/list_assets?space=product").await;
    assert!(product["total"].as_i64().unwrap() >= 3);

    let keys: Vec<(String, app::platform::db::Flag)> =
        sqlx::query_as("SELECT storage_key, has_thumbnail FROM assets")
            .fetch_all(&app.state.pool)
            .await
            .unwrap();
    let storage = &app.state.storage;
    for (key, app::platform::db::Flag(has_thumbnail)) in keys {
        assert!(storage.exists(FileKind::Original, &key).await.unwrap());
        assert_eq!(
            storage.exists(FileKind::Thumbnail, &key).await.unwrap(),
            has_thumbnail
        );
    }
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    assert_eq!(users, 3);
}
