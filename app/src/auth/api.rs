//! Server functions for signing in and out.
//!
//! `input_derive` on each `#[server]` repeats the macro's own derives for
//! the arguments' struct (`Clone` and serde's: the wire format is the same)
//! and adds `utoipa::ToSchema`: the OpenAPI document (`openapi.rs`) reads
//! the endpoint's parameters and its doc comment from it.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::model::{Membership, User};
use crate::domain::error::AppError;

/// Signs in and redirects to `next` (a path on this site) or `/`.
#[server(prefix = "/api", endpoint = "sign_in",
    input_derive = (Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema))]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use super::{data, model::safe_next, password as hashing, session};
    const MAX_EMAIL_CHARS: usize = 254;
    const MAX_PASSWORD_CHARS: usize = 1024;

    let state = crate::platform::state::app_state()?;
    let email = email.trim().to_owned();
    if email.is_empty() || password.is_empty() {
        return Err(AppError::validation("Enter your email and password."));
    }
    if email.chars().count() > MAX_EMAIL_CHARS || password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(AppError::InvalidCredentials);
    }
    let peer = leptos_axum::extract::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .await
        .ok()
        .map(|info| info.0.ip());
    let headers = leptos_axum::extract::<http::HeaderMap>()
        .await
        .unwrap_or_default();
    let ip = crate::platform::site::client_address(peer, &headers, &state.trusted_proxies);
    let now = state.clock.now();
    let found = data::find_for_sign_in(&state.pool, &email).await?;
    // The throttle counts per account: the account found (by id, so that
    // every spelling the database takes for its email counts as one; on
    // PostgreSQL its case-insensitive collation also equates full-width
    // letters and ignorable characters), or what was typed.
    // The two kinds never share a key: see `rate_limit::Account`.
    let account = match &found {
        Some((user, _, _)) => crate::platform::rate_limit::Account::Known(user.id),
        None => crate::platform::rate_limit::Account::Unknown(&email),
    };
    // Reserved before the password is checked: parallel guesses cannot all
    // pass the limit before the first failure is counted.
    let attempt = match state
        .sign_in_limiter
        .begin(&state.pool, ip, account, now)
        .await?
    {
        Ok(attempt) => attempt,
        Err(retry) => {
            // A 429 is the client's doing: worth a line, not a warning.
            tracing::info!(?ip, "sign-in refused: too many failed attempts");
            return Err(AppError::RateLimited(retry.message()));
        }
    };
    // Verify against a real hash even for unknown emails, so the answer takes
    // as long either way and does not reveal which accounts exist.
    let (user, hash) = match found {
        Some((user, hash, generation)) => (Some((user, generation)), hash),
        None => (None, hashing::dummy_hash().clone()),
    };
    // Each check holds ~19 MiB for tens of milliseconds: at most one per
    // core runs at once, the rest wait their turn or are told to retry
    // (and then their attempt does not count: no password was checked).
    let matches = match state
        .password_gate
        .run(move || hashing::verify(&password, &hash))
        .await
    {
        Ok(matches) => matches,
        Err(error) => {
            attempt.cancel().await;
            return Err(match error {
                crate::platform::cpu_gate::GateError::Busy => AppError::Unavailable,
                other => AppError::internal(other),
            });
        }
    };
    let Some((user, generation)) = user.filter(|_| matches) else {
        return Err(AppError::InvalidCredentials);
    };
    attempt.succeeded().await;
    session::sign_in(user.id, generation, now).await?;
    tracing::info!(user = user.id.0, "signed in");
    leptos_axum::redirect(&safe_next(next.as_deref()));
    Ok(())
}

/// Ends the session and goes to the sign-in page.
#[server(prefix = "/api", endpoint = "sign_out",
    input_derive = (Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema))]
pub async fn sign_out() -> Result<(), AppError> {
    super::session::sign_out().await?;
    leptos_axum::redirect(crate::domain::routes::LOGIN);
    Ok(())
}

/// The signed-in user, or `None`.
#[server(prefix = "/api", endpoint = "current_user", input = GetUrl,
    input_derive = (Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema))]
pub async fn current_user() -> Result<Option<User>, AppError> {
    let state = crate::platform::state::app_state()?;
    match super::session::current_user_id(&state).await {
        Ok(id) => Ok(super::data::find_user(&state.pool, id).await?),
        Err(AppError::Unauthorized) => Ok(None),
        Err(other) => Err(other),
    }
}

/// The spaces the current user can open, with their role in each (with
/// an API token: its space, with the role it has there).
#[server(prefix = "/api", endpoint = "list_spaces", input = GetUrl,
    input_derive = (Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema))]
pub async fn list_spaces() -> Result<Vec<Membership>, AppError> {
    let state = crate::platform::state::app_state()?;
    let credentials = super::session::credentials().await?;
    if let Some(grant) = credentials.token() {
        let space = grant.space();
        let retention_days = crate::spaces::data::retention_days(&state.pool, space.id).await?;
        return Ok(vec![Membership {
            space,
            role: grant.space.role,
            retention_days,
        }]);
    }
    let user = super::session::user_of(&credentials, &state).await?;
    super::data::list_for_user(&state.pool, user).await
}
