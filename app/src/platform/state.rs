//! Shared server state, handed to axum handlers and, through Leptos context,
//! to server functions.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::*;
use sqlx::AnyPool;

use crate::platform::db::SessionRows;

use crate::domain::error::AppError;
use crate::domain::ids::UserId;
use crate::domain::roles::SpaceRole;
use crate::platform::clock::Clock;
use crate::platform::cpu_gate::CpuGate;
use crate::platform::rate_limit::SignInLimiter;
use crate::platform::recent::Recent;
use crate::platform::site::PublicOrigin;
use crate::platform::storage::Storage;

/// The default upload limit: 100 MB.
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 100 * 1024 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: AnyPool,
    /// The session table (on the same database, through its own pool).
    pub sessions: SessionRows,
    pub storage: Arc<Storage>,
    pub clock: Clock,
    pub sign_in_limiter: SignInLimiter,
    /// Password checks: one per core at once (each holds ~19 MiB).
    pub password_gate: CpuGate,
    /// The origin people use (`--public-url`): other Host headers are
    /// refused, and changes must come from this Origin.
    pub public_origin: PublicOrigin,
    /// Reverse proxies whose `X-Forwarded-For` names the client
    /// (`--trusted-proxy`); the sign-in throttle counts per client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Mark the session cookie `Secure` (set when served over HTTPS).
    pub secure_cookies: bool,
    /// The largest file an upload may carry, in bytes.
    pub max_upload_bytes: u64,
    pub request_limits: RequestLimits,
    /// Members' roles by (user, space slug), read on every request; kept
    /// a few seconds (`crate::platform::recent`). Only found memberships are kept.
    pub recent_access: Recent<(UserId, String), SpaceRole>,
    /// Accounts' session generations (`None`: no such account), read on
    /// every request to end sessions from before a password change; kept a
    /// few seconds (`crate::platform::recent`).
    pub recent_session_generations: Recent<UserId, Option<i64>>,
}

/// Limits on each request (the connection's own are the listener's).
#[derive(Debug, Clone, Copy)]
pub struct RequestLimits {
    /// The longest a request may take to answer (not uploads: they take as
    /// long as the file needs, each chunk within `body_idle`).
    pub timeout: std::time::Duration,
    /// The longest an upload may go without sending a byte.
    pub body_idle: std::time::Duration,
    /// Requests in progress at most; beyond it the answer is 503 at once.
    pub max_in_flight: usize,
}

impl Default for RequestLimits {
    fn default() -> Self {
        Self {
            timeout: std::time::Duration::from_secs(30),
            body_idle: std::time::Duration::from_secs(30),
            max_in_flight: 256,
        }
    }
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
