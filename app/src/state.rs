//! Shared server state, handed to axum handlers and, through Leptos context,
//! to server functions.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::*;
use sqlx::SqlitePool;

use crate::auth::rate_limit::SignInLimiter;
use crate::clock::Clock;
use crate::error::AppError;
use crate::storage::Storage;

/// The default upload limit: 100 MB.
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 100 * 1024 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: SqlitePool,
    pub storage: Arc<Storage>,
    pub clock: Clock,
    pub sign_in_limiter: SignInLimiter,
    /// Mark the session cookie `Secure` (set when served over HTTPS).
    pub secure_cookies: bool,
    /// The largest file an upload may carry, in bytes.
    pub max_upload_bytes: u64,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The state inside a server function or an SSR render.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| AppError::internal("AppState missing from context"))
}
