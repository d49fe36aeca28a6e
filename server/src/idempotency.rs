//! `Idempotency-Key` on the JSON mutations: a client that retries a request
//! (a timeout, a dropped connection) with the same key and the same request
//! gets the first answer again instead of acting twice. Keys belong to the
//! signed-in user and are kept 24 hours (the purge job forgets older ones);
//! the same key with a different request is 422, and a retry that arrives
//! while the first request is still running is 409.
//!
//! The key is claimed (a row with no answer yet) before the request runs
//! and the answer stored after it, so of two requests racing with one key
//! exactly one acts. An answer that is not final (5xx, 429) is not kept:
//! the key is released and a retry acts. A crash between a change's commit
//! and storing its answer leaves the claim; once older than the request
//! time limit, a retry may take it over and act again (the bulk changes
//! are themselves safe to repeat: a second move skips, a stale count 409s).

use std::convert::Infallible;
use std::task::{Context, Poll};

use app::error::AppError;
use app::ids::UserId;
use app::state::AppState;
use app::time::{Timestamp, MILLIS_PER_DAY};
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse as _, Response};
use futures::future::{BoxFuture, Either};
use sha2::{Digest as _, Sha256};
use sqlx::AnyPool;
use tower::{Layer, Service, ServiceExt as _};
use tower_sessions::Session;

pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
/// Set on an answer that is a stored one.
pub const REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");
/// How long a key and its answer are kept.
pub const KEPT_MILLIS: i64 = MILLIS_PER_DAY;
/// The longest key accepted (visible ASCII).
const MAX_KEY_CHARS: usize = 255;
/// Requests bodies are read in full to fingerprint them; JSON mutations
/// are small (10,000 ids is about 100 KB).
const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
/// Answers larger than this are not kept (none of the mutations' are).
const MAX_ANSWER_BYTES: usize = 256 * 1024;

/// The layer. A request it does not apply to (anything but a POST to
/// `/api/…` other than the upload and signing in, with the header) goes
/// straight through: no state clone, no boxed future, so the listing and
/// every GET pay nothing for it.
#[derive(Clone)]
pub struct IdempotencyLayer {
    state: AppState,
}

impl IdempotencyLayer {
    pub fn new(state: AppState) -> Self {
        Self { state }
    }
}

impl<S> Layer<S> for IdempotencyLayer {
    type Service = Idempotency<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Idempotency {
            inner,
            state: self.state.clone(),
        }
    }
}

#[derive(Clone)]
pub struct Idempotency<S> {
    inner: S,
    state: AppState,
}

impl<S> Service<Request> for Idempotency<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Either<S::Future, BoxFuture<'static, Result<Response, Infallible>>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let applies = request.method() == Method::POST
            && request.headers().contains_key(IDEMPOTENCY_KEY)
            && request.uri().path().starts_with("/api/")
            && !matches!(request.uri().path(), "/api/upload" | "/api/sign_in");
        if !applies {
            return Either::Left(self.inner.call(request));
        }
        // The ready service goes with this request; a clone stays for the next.
        let clone = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        let state = self.state.clone();
        Either::Right(Box::pin(
            async move { Ok(replay(state, request, inner).await) },
        ))
    }
}

/// A POST with the header: answers from the key, or runs the request
/// (`inner`) and keeps its answer.
async fn replay<S>(state: AppState, request: Request, inner: S) -> Response
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    let key = match request
        .headers()
        .get(IDEMPOTENCY_KEY)
        .and_then(|v| v.to_str().ok())
        .filter(|k| {
            (1..=MAX_KEY_CHARS).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic())
        }) {
        Some(key) => key.to_owned(),
        None => {
            return AppError::validation(format!(
                "An Idempotency-Key is 1 to {MAX_KEY_CHARS} visible ASCII characters."
            ))
            .into_response()
        }
    };
    let user = match request.extensions().get::<Session>() {
        Some(session) => app::auth::session::user_id_in(session, &state).await,
        None => Err(AppError::Unauthorized),
    };
    // Signed out: the endpoint answers 401 itself.
    let Ok(user) = user else {
        return run(inner, request).await;
    };
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return AppError::TooLarge("The request is too large.".to_owned()).into_response()
        }
    };
    let fingerprint = fingerprint(&parts.method, parts.uri.to_string().as_bytes(), &bytes);
    let now = state.clock.now();
    let stale_claim = now
        .minus_millis(i64::try_from(state.request_limits.timeout.as_millis()).unwrap_or(i64::MAX));
    match claim(&state.pool, user, &key, &fingerprint, now, stale_claim).await {
        Ok(Claim::Mine) => {}
        Ok(Claim::Answered(answer)) => return answer,
        Err(error) => return error.into_response(),
    }
    let response = run(inner, Request::from_parts(parts, Body::from(bytes))).await;
    let status = response.status();
    if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
        release(&state.pool, user, &key).await;
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ANSWER_BYTES).await else {
        release(&state.pool, user, &key).await;
        return AppError::Internal.into_response();
    };
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let Err(error) = store(&state.pool, user, &key, status, content_type, &bytes).await {
        tracing::warn!(%error, "could not keep an idempotent answer; the key is released");
        release(&state.pool, user, &key).await;
    }
    Response::from_parts(parts, Body::from(bytes))
}

async fn run<S>(inner: S, request: Request) -> Response
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    match inner.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// SHA-256 of the method, the path with its query, and the body.
fn fingerprint(method: &Method, target: &[u8], body: &[u8]) -> Vec<u8> {
    let mut hash = Sha256::new();
    hash.update(method.as_str().as_bytes());
    hash.update([0]);
    hash.update(target);
    hash.update([0]);
    hash.update(body);
    hash.finalize().to_vec()
}

enum Claim {
    /// This request holds the key: run it.
    Mine,
    /// The key's answer (a stored one, or a refusal).
    Answered(Response),
}

type Row = (
    Vec<u8>,
    Timestamp,
    Option<i64>,
    Option<String>,
    Option<Vec<u8>>,
);

/// Claims `key` for `user`, or answers from what the key already holds.
async fn claim(
    pool: &AnyPool,
    user: UserId,
    key: &str,
    fingerprint: &[u8],
    now: Timestamp,
    stale_claim: Timestamp,
) -> Result<Claim, AppError> {
    let mut tx = app::db::begin_write_on(pool).await?;
    let row: Option<Row> = sqlx::query_as(
        "SELECT request_hash, created_at, status, content_type, body
         FROM idempotency_keys WHERE user_id = $1 AND key = $2",
    )
    .bind(user)
    .bind(key)
    .fetch_optional(&mut *tx)
    .await?;
    let expired = |created: Timestamp| created <= now.minus_millis(KEPT_MILLIS);
    let answer = match row {
        Some((_, created, _, _, _)) if expired(created) => None,
        Some((hash, _, _, _, _)) if hash != fingerprint => Some(
            AppError::KeyReused(
                "This Idempotency-Key was already used for a different request. Use a new key for a new request."
                    .to_owned(),
            )
            .into_response(),
        ),
        Some((_, created, None, _, _)) if created > stale_claim => Some(
            AppError::Conflict(
                "A request with this Idempotency-Key is still in progress. Try again in a moment."
                    .to_owned(),
            )
            .into_response(),
        ),
        // Claimed by a request that never answered (a crash): take it over.
        Some((_, _, None, _, _)) => None,
        Some((_, _, Some(status), content_type, body)) => Some(stored(status, content_type, body)),
        None => None,
    };
    if let Some(answer) = answer {
        return Ok(Claim::Answered(answer));
    }
    sqlx::query(
        "INSERT INTO idempotency_keys (user_id, key, request_hash, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, key) DO UPDATE SET request_hash = excluded.request_hash,
             created_at = excluded.created_at, status = NULL, content_type = NULL, body = NULL",
    )
    .bind(user)
    .bind(key)
    .bind(fingerprint)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Claim::Mine)
}

/// A kept answer, marked as replayed.
fn stored(status: i64, content_type: Option<String>, body: Option<Vec<u8>>) -> Response {
    let status = u16::try_from(status)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    let mut response = (status, Bytes::from(body.unwrap_or_default())).into_response();
    let headers = response.headers_mut();
    if let Some(value) = content_type.and_then(|t| HeaderValue::from_str(&t).ok()) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(REPLAYED, HeaderValue::from_static("true"));
    response
}

async fn store(
    pool: &AnyPool,
    user: UserId,
    key: &str,
    status: StatusCode,
    content_type: Option<String>,
    body: &[u8],
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE idempotency_keys SET status = $1, content_type = $2, body = $3
         WHERE user_id = $4 AND key = $5",
    )
    .bind(i64::from(status.as_u16()))
    .bind(content_type)
    .bind(body)
    .bind(user)
    .bind(key)
    .execute(pool)
    .await
    .map(drop)
}

/// Lets a retry act: the answer was not final.
async fn release(pool: &AnyPool, user: UserId, key: &str) {
    let deleted = sqlx::query("DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2")
        .bind(user)
        .bind(key)
        .execute(pool)
        .await;
    if let Err(error) = deleted {
        tracing::warn!(%error, "could not release an idempotency key");
    }
}

/// Forgets keys older than [`KEPT_MILLIS`]; returns how many.
pub async fn forget_expired(pool: &AnyPool, now: Timestamp) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM idempotency_keys WHERE created_at <= $1")
            .bind(now.minus_millis(KEPT_MILLIS))
            .execute(pool)
            .await?
            .rows_affected(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fingerprint_covers_method_target_and_body() {
        let base = fingerprint(&Method::POST, b"/api/a", b"{}");
        assert_eq!(base, fingerprint(&Method::POST, b"/api/a", b"{}"));
        assert_ne!(base, fingerprint(&Method::PUT, b"/api/a", b"{}"));
        assert_ne!(base, fingerprint(&Method::POST, b"/api/b", b"{}"));
        assert_ne!(base, fingerprint(&Method::POST, b"/api/a", b"{ }"));
        // The separators keep the parts apart.
        assert_ne!(
            fingerprint(&Method::POST, b"/api/a", b"x"),
            fingerprint(&Method::POST, b"/api/ax", b"")
        );
    }
}
