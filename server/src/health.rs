//! `GET /healthz`: whether this server can reach its database, for load
//! balancers and orchestrators.

use app::platform::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;

use crate::routes::PlainRoutes;

pub fn routes() -> PlainRoutes {
    PlainRoutes::new().get("/healthz", healthz)
}

/// 200 when the database answers.
async fn healthz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match sqlx::query("SELECT 1").execute(&state.pool).await {
        Ok(_) => (StatusCode::OK, "ok"),
        Err(error) => {
            tracing::error!(%error, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
