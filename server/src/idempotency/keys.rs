//! The rows behind `Idempotency-Key` (`idempotency_keys`): a key's claim,
//! its kept answer, and their renewal, release and expiry.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use app::domain::error::AppError;
use app::domain::ids::UserId;
use app::domain::time::Timestamp;
use app::platform::state::AppState;
use axum::body::Bytes;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse as _, Response};
use sqlx::AnyPool;

use super::{KEPT_MILLIS, REPLAYED, STALE_AFTER};

/// The key of one user's request, as the rows name it.
pub(super) struct Keyed {
    pub state: AppState,
    pub user: UserId,
    pub key: String,
}

pub(super) fn key_reused() -> AppError {
    AppError::KeyReused(
        "This Idempotency-Key was already used for a different request. Use a new key for a new request."
            .to_owned(),
    )
}

pub(super) enum Claim {
    /// This request holds the key: run it.
    Mine(Held),
    /// Another request holds it (409), or held it for another (422).
    Refused(Response),
    /// The key's kept answer, to the request whose fingerprint is `request`
    /// (for an upload: its target and file).
    Kept { request: Vec<u8>, answer: Response },
}

type Row = (
    Vec<u8>,
    Timestamp,
    Option<i64>,
    Option<String>,
    Option<Vec<u8>>,
);

/// Claims the key for a request with `fingerprint`, or says what the key
/// already holds. A claim is judged by `fingerprint` here (an upload's
/// claim names its target); a kept answer by the caller.
pub(super) async fn claim(keyed: Keyed, fingerprint: &[u8]) -> Result<Claim, AppError> {
    let now = keyed.state.clock.now();
    let stale = now.minus_millis(i64::try_from(STALE_AFTER.as_millis()).unwrap_or(i64::MAX));
    let mut tx = app::platform::db::begin_write_on(&keyed.state.pool).await?;
    let row: Option<Row> = sqlx::query_as(
        "SELECT request_hash, created_at, status, content_type, body
         FROM idempotency_keys WHERE user_id = $1 AND key = $2",
    )
    .bind(keyed.user)
    .bind(&keyed.key)
    .fetch_optional(&mut *tx)
    .await?;
    let expired = |created: Timestamp| created <= now.minus_millis(KEPT_MILLIS);
    let claim = match row {
        None => None,
        Some((_, created, _, _, _)) if expired(created) => None,
        Some((hash, _, None, _, _)) if hash != fingerprint => {
            Some(Claim::Refused(key_reused().into_response()))
        }
        Some((_, renewed, None, _, _)) if renewed > stale => Some(Claim::Refused(
            AppError::Conflict(
                "A request with this Idempotency-Key is still in progress. Try again in a moment."
                    .to_owned(),
            )
            .into_response(),
        )),
        // Claimed by a request that stopped renewing it (a crash): take it over.
        Some((_, _, None, _, _)) => None,
        Some((hash, _, Some(status), content_type, body)) => Some(Claim::Kept {
            request: hash,
            answer: stored(status, content_type, body),
        }),
    };
    if let Some(claim) = claim {
        return Ok(claim);
    }
    sqlx::query(
        "INSERT INTO idempotency_keys (user_id, key, request_hash, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, key) DO UPDATE SET request_hash = excluded.request_hash,
             created_at = excluded.created_at, status = NULL, content_type = NULL, body = NULL",
    )
    .bind(keyed.user)
    .bind(&keyed.key)
    .bind(fingerprint)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Claim::Mine(Held {
        claim: Arc::new(Own {
            keyed,
            written: AtomicI64::new(now.millis()),
        }),
        settled: false,
    }))
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

/// A request's answer, to keep under its key.
pub(super) struct Answer<'a> {
    /// The request's: for an upload, target and file.
    pub fingerprint: &'a [u8],
    pub status: StatusCode,
    pub content_type: Option<String>,
    pub body: &'a [u8],
}

/// A claim this request holds. Its answer is kept, and the claim renewed
/// or released, only while the row is still this claim (written when it
/// last was): never one a retry took over after it went stale. Dropped
/// unsettled (the client went away, the time limit cut the request off),
/// it is released at once, so that a retry need not wait for it to go
/// stale.
pub(super) struct Held {
    claim: Arc<Own>,
    settled: bool,
}

struct Own {
    keyed: Keyed,
    /// `created_at` as this request last wrote it, in milliseconds.
    written: AtomicI64,
}

impl Held {
    /// The request is still running.
    pub async fn renew(&self) {
        let own = &self.claim;
        let now = own.keyed.state.clock.now();
        let renewed = sqlx::query(
            "UPDATE idempotency_keys SET created_at = $1
             WHERE user_id = $2 AND key = $3 AND status IS NULL AND created_at = $4",
        )
        .bind(now)
        .bind(own.keyed.user)
        .bind(&own.keyed.key)
        .bind(own.written())
        .execute(&own.keyed.state.pool)
        .await;
        match renewed {
            Ok(done) if done.rows_affected() == 1 => {
                own.written.store(now.millis(), Ordering::Relaxed)
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "could not renew an idempotency key's claim"),
        }
    }

    /// Keeps the answer of the request under its key (or, failing that,
    /// releases the key).
    pub async fn keep(mut self, answer: Answer<'_>) {
        let own = &self.claim;
        let stored = sqlx::query(
            "UPDATE idempotency_keys SET request_hash = $1, status = $2, content_type = $3, body = $4
             WHERE user_id = $5 AND key = $6 AND status IS NULL AND created_at = $7",
        )
        .bind(answer.fingerprint)
        .bind(i64::from(answer.status.as_u16()))
        .bind(answer.content_type)
        .bind(answer.body)
        .bind(own.keyed.user)
        .bind(&own.keyed.key)
        .bind(own.written())
        .execute(&own.keyed.state.pool)
        .await;
        if let Err(error) = stored {
            tracing::warn!(%error, "could not keep an idempotent answer; the key is released");
            release(own).await;
        }
        self.settled = true;
    }

    /// Lets a retry act: the request did not (or its answer is not kept).
    pub async fn release(mut self) {
        release(&self.claim).await;
        self.settled = true;
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        let own = Arc::clone(&self.claim);
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move { release(&own).await });
        }
    }
}

impl Own {
    fn written(&self) -> Timestamp {
        Timestamp::from_millis(self.written.load(Ordering::Relaxed))
    }
}

/// Deletes the claim if it is still this request's; a kept answer stays.
async fn release(own: &Own) {
    let deleted = sqlx::query(
        "DELETE FROM idempotency_keys
         WHERE user_id = $1 AND key = $2 AND status IS NULL AND created_at = $3",
    )
    .bind(own.keyed.user)
    .bind(&own.keyed.key)
    .bind(own.written())
    .execute(&own.keyed.state.pool)
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
