//! API tokens at the door: a request with `Authorization: Bearer …` is
//! resolved here, once, into the token's grant (`app::auth::bearer`), which
//! the permission check then uses instead of a session.
//!
//! - Tokens call `/api/*` only: they never open pages, never download
//!   through the page routes and never sign in or out.
//! - A token request carries no session: its `Cookie` header is dropped
//!   here, so nothing it does reads or writes one. That is also why the
//!   Origin check lets it pass (`guard::same_origin_mutations`): a
//!   cross-site page cannot set an `Authorization` header without a CORS
//!   preflight, which Trove never grants, and without a cookie there is
//!   no ambient authority to borrow.
//! - A wrong token is a 401 and counts as a failed attempt in the sign-in
//!   throttle for its address; past the limit the answer is a 429.

use std::net::{IpAddr, SocketAddr};

use app::auth::bearer;
use app::domain::error::AppError;
use app::domain::time::Timestamp;
use app::platform::rate_limit::Account;
use app::platform::state::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};

/// Where a token may not go even under `/api/`: signing in and out.
const NOT_FOR_TOKENS: [&str; 2] = ["/api/sign_in", "/api/sign_out"];

pub async fn bearer_tokens(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let Some(token) = bearer::presented(request.headers()).map(str::to_owned) else {
        return next.run(request).await;
    };
    let path = request.uri().path();
    if !path.starts_with("/api/") || NOT_FOR_TOKENS.contains(&path) {
        tracing::info!(path, "refused an API token outside the API");
        return AppError::validation(
            "API tokens work on /api/ endpoints only, and never sign in or out.",
        )
        .into_quiet_response();
    }
    let now = state.clock.now();
    let grant = match bearer::resolve(&state.pool, &token, now).await {
        Ok(grant) => grant,
        Err(error) => return error.into_response(),
    };
    let Some(grant) = grant else {
        let peer = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip());
        let ip =
            app::platform::site::client_address(peer, request.headers(), &state.trusted_proxies);
        return refuse(&state, ip, now).await;
    };
    request.headers_mut().remove(header::COOKIE);
    request.extensions_mut().insert(grant);
    next.run(request).await
}

/// 401 for a wrong token (429 once its address has failed too often), the
/// failure counted: it is never taken back.
async fn refuse(state: &AppState, ip: Option<IpAddr>, now: Timestamp) -> Response {
    let counted = state
        .sign_in_limiter
        .begin(&state.pool, ip, Account::Token, now)
        .await;
    let error = match counted {
        // Dropped, not taken back: the failure stays counted.
        Ok(Ok(_failed)) => AppError::InvalidToken,
        Ok(Err(retry)) => AppError::RateLimited(retry.message()),
        Err(error) => AppError::from(error),
    };
    tracing::info!(?ip, "refused a wrong API token");
    let mut response = error.into_quiet_response();
    if response.status() == axum::http::StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"trove\", error=\"invalid_token\""),
        );
    }
    response
}
