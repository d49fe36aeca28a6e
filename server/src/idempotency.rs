//! `Idempotency-Key` on the JSON mutations and on uploads: a client that
//! retries a request (a timeout, a dropped connection) with the same key
//! and the same request gets the first answer again instead of acting
//! twice. Keys belong to the signed-in user and are kept 24 hours
//! (housekeeping forgets older ones); the same key with a different request
//! is 422, and a retry that arrives while the first request is still
//! running is 409.
//!
//! Only a request that may act touches its key. First the session must be
//! able to change something in the space the request names, read as the
//! endpoint reads it (the JSON body's `space`, the upload's `?space=`):
//! a signed-out visitor, a Viewer, a stranger to the space, a path that is
//! no mutation or a body without a space goes straight to the endpoint,
//! which refuses it, and nothing is written. The same check comes before a
//! stored answer is replayed, so a member who can no longer change the
//! space gets the endpoint's refusal, not their old 200. (The check is the
//! space's, not the endpoint's own permission: a member downgraded from
//! Admin to Asset Manager still gets their earlier answer to a permanent
//! delete; an upload's replay does run the handler's own check.)
//!
//! Then the key is claimed (a row with no answer yet) before the request
//! runs, so of two requests racing with one key exactly one acts and the
//! other gets 409. Only the answer of a request that acted (2xx) is kept:
//! any other answer (a 403 for a permission the space check did not cover,
//! a 404, a 5xx) releases the key, so a refusal leaves no row and a retry
//! is judged afresh. A running request renews its claim every
//! [`RENEW_EVERY`], and one cut off (the client went away, the time limit)
//! releases it at once. A claim not renewed for [`STALE_AFTER`] was left by
//! a crash between a change's commit and storing its answer, and a retry
//! may take it over and act again (the bulk changes are themselves safe to
//! repeat: a second move skips, a stale count 409s).
//!
//! An upload's body may be gigabytes and is never held here. Its claim
//! names the request's target (space, folder, and the name for a raw body);
//! the handler digests the file (its name and bytes) as it streams into the
//! store and puts the [`FileFingerprint`] on its answer, and the key keeps
//! target and digest together. A retry of an answered upload is read again
//! through the same digest, storing nothing ([`UploadUnderKey::Retry`]),
//! and gets the first answer if the file is the same, or 422.

use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use app::auth::model::{Permission, Role};
use app::auth::session::Credentials;
use app::domain::error::AppError;
use app::domain::time::MILLIS_PER_DAY;
use app::platform::state::AppState;
use axum::body::Body;
use axum::extract::{Query, Request};
use axum::http::{header, HeaderName, Method};
use axum::response::{IntoResponse as _, Response};
use futures::future::{BoxFuture, Either};
use sha2::{Digest as _, Sha256};
use tower::{Layer, Service, ServiceExt as _};

mod file_digest;
mod keys;

pub use file_digest::{FileDigest, FileFingerprint, UploadUnderKey};
pub use keys::forget_expired;
use keys::{claim, key_reused, Answer, Claim, Held, Keyed};

pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
/// Set on an answer that is a stored one.
pub const REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");
/// How long a key and its answer are kept.
pub const KEPT_MILLIS: i64 = MILLIS_PER_DAY;
/// How often a running request renews its claim.
pub const RENEW_EVERY: Duration = Duration::from_secs(10);
/// A claim not renewed for this long was abandoned (its server stopped).
pub const STALE_AFTER: Duration = Duration::from_secs(30);
/// The longest key accepted (visible ASCII).
const MAX_KEY_CHARS: usize = 255;
/// JSON bodies are read in full to fingerprint them; the mutations' are
/// small (10,000 ids is about 100 KB).
const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
/// Answers larger than this are not kept (none of the mutations' are).
const MAX_ANSWER_BYTES: usize = 256 * 1024;
const UPLOAD: &str = "/api/upload";
const SIGN_IN: &str = "/api/sign_in";
/// What a role must allow one of for its requests to claim keys.
const CHANGES: [Permission; 4] = [
    Permission::Upload,
    Permission::Delete,
    Permission::Purge,
    Permission::Manage,
];

/// The layer. A request it does not apply to (anything but a POST with the
/// header to a mutation: a server function other than signing in, or the
/// upload) goes straight through: no state clone, no boxed future, so the
/// listing and every GET pay nothing for it.
#[derive(Clone)]
pub struct IdempotencyLayer {
    state: AppState,
    endpoints: Arc<HashSet<String>>,
}

impl IdempotencyLayer {
    /// `plain_routes`: the router's routes other than server functions,
    /// as (method, path).
    pub fn new(state: AppState, plain_routes: &[(&str, &str)]) -> Self {
        // Every POST the router serves: a key on any other path (an
        // unknown one is the HTML 404) is never claimed.
        let server_fns = leptos::server_fn::axum::server_fn_paths()
            .filter(|(_, method)| *method == Method::POST)
            .map(|(path, _)| path.to_owned());
        let plain = plain_routes
            .iter()
            .filter(|(method, _)| *method == "POST")
            .map(|(_, path)| (*path).to_owned());
        let endpoints = server_fns
            .chain(plain)
            .filter(|path| path != SIGN_IN)
            .collect();
        Self {
            state,
            endpoints: Arc::new(endpoints),
        }
    }
}

impl<S> Layer<S> for IdempotencyLayer {
    type Service = Idempotency<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Idempotency {
            inner,
            state: self.state.clone(),
            endpoints: Arc::clone(&self.endpoints),
        }
    }
}

#[derive(Clone)]
pub struct Idempotency<S> {
    inner: S,
    state: AppState,
    endpoints: Arc<HashSet<String>>,
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
            && self.endpoints.contains(request.uri().path());
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
    let Some(credentials) = Credentials::from_extensions(request.extensions()) else {
        return run(inner, request).await;
    };
    // Signed out: the endpoint answers 401 itself.
    let Ok(user) = app::auth::session::user_of(&credentials, &state).await else {
        return run(inner, request).await;
    };
    if request.uri().path() == UPLOAD {
        let keyed = Keyed { state, user, key };
        return replay_upload(keyed, &credentials, request, inner).await;
    }
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return AppError::TooLarge("The request is too large.".to_owned()).into_response()
        }
    };
    let target = parts.uri.to_string();
    let fingerprint = fingerprint(&parts.method, target.as_bytes(), &bytes);
    let request = Request::from_parts(parts, Body::from(bytes.clone()));
    // The space as the server function reads it: the JSON body's `space`
    // (serde's rules, so a duplicated field is refused here as there).
    let space = serde_json::from_slice::<NamedSpace>(&bytes)
        .ok()
        .map(|named| named.space);
    match may_act(&state, &credentials, space.as_deref()).await {
        Ok(true) => {}
        Ok(false) => return run(inner, request).await,
        Err(error) => return error.into_response(),
    }
    let held = match claim(Keyed { state, user, key }, &fingerprint).await {
        Ok(Claim::Mine(held)) => held,
        Ok(Claim::Refused(refusal)) => return refusal,
        Ok(Claim::Kept { request, answer }) if request == fingerprint => return answer,
        Ok(Claim::Kept { .. }) => return key_reused().into_response(),
        Err(error) => return error.into_response(),
    };
    let response = renewing(&held, run(inner, request)).await;
    keep_if_acted(held, &fingerprint, response).await
}

/// An upload with the header: as [`replay`], but the body streams through
/// the handler, which fingerprints the file on the way.
async fn replay_upload<S>(
    keyed: Keyed,
    credentials: &Credentials,
    mut request: Request,
    inner: S,
) -> Response
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    // The space as the handler reads it: its `Query` of the target.
    let space = Query::<HashMap<String, String>>::try_from_uri(request.uri())
        .ok()
        .and_then(|Query(query)| query.get("space").cloned());
    match may_act(&keyed.state, credentials, space.as_deref()).await {
        Ok(true) => {}
        Ok(false) => return run(inner, request).await,
        Err(error) => return error.into_response(),
    }
    let method = request.method().clone();
    let target = request.uri().to_string();
    // The claim names the target; once answered, target and file.
    let claimed = fingerprint(&method, target.as_bytes(), b"");
    let whole = |file: &FileFingerprint| fingerprint(&method, target.as_bytes(), &file.0);
    let held = match claim(keyed, &claimed).await {
        Ok(Claim::Mine(held)) => held,
        Ok(Claim::Refused(refusal)) => return refusal,
        // Answered: the same request only if the file is the same.
        Ok(Claim::Kept {
            request: kept,
            answer,
        }) => {
            request.extensions_mut().insert(UploadUnderKey::Retry);
            let read = run(inner, request).await;
            return match read.extensions().get::<FileFingerprint>() {
                Some(file) if whole(file) == kept => answer,
                Some(_) => key_reused().into_response(),
                // Refused by the handler (its own permission check, a
                // broken body): its answer.
                None => read,
            };
        }
        Err(error) => return error.into_response(),
    };
    request.extensions_mut().insert(UploadUnderKey::First);
    let response = renewing(&held, run(inner, request)).await;
    match response.extensions().get::<FileFingerprint>().map(whole) {
        Some(fingerprint) => keep_if_acted(held, &fingerprint, response).await,
        None => {
            held.release().await;
            response
        }
    }
}

/// A body's `space`, read as the server functions' JSON decoder reads it.
#[derive(serde::Deserialize)]
struct NamedSpace {
    space: String,
}

/// Whether the caller (a session or a token) may change anything in `space`: only such a
/// request claims its key, or is answered from it. Any other goes to the
/// endpoint, which refuses it (401, 403, 404, 400) with nothing written.
async fn may_act(
    state: &AppState,
    credentials: &Credentials,
    space: Option<&str>,
) -> Result<bool, AppError> {
    let Some(space) = space else {
        return Ok(false);
    };
    match app::auth::session::authorize_credentials(credentials, state, space, Permission::View)
        .await
    {
        Ok(access) => Ok(may_change(access.role)),
        Err(error) if error.status().is_server_error() => Err(error),
        Err(_) => Ok(false),
    }
}

fn may_change(role: Role) -> bool {
    CHANGES
        .into_iter()
        .any(|permission| role.allows(permission))
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

/// Waits for `running` while renewing its claim every [`RENEW_EVERY`], so
/// that a retry finds it alive (409) however long the request takes: an
/// upload of a large file may take an hour.
async fn renewing(held: &Held, running: impl std::future::Future<Output = Response>) -> Response {
    let renew = async {
        let first = tokio::time::Instant::now() + RENEW_EVERY;
        let mut ticks = tokio::time::interval_at(first, RENEW_EVERY);
        loop {
            ticks.tick().await;
            held.renew().await;
        }
    };
    futures::pin_mut!(running, renew);
    match futures::future::select(running, renew).await {
        Either::Left((response, _)) => response,
        Either::Right(((), running)) => running.await,
    }
}

/// Keeps the answer of a request that acted (2xx) under its key, with the
/// request's `fingerprint`; any other answer releases the key.
async fn keep_if_acted(held: Held, fingerprint: &[u8], response: Response) -> Response {
    let status = response.status();
    if !status.is_success() {
        held.release().await;
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ANSWER_BYTES).await else {
        held.release().await;
        return AppError::Internal.into_response();
    };
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    held.keep(Answer {
        fingerprint,
        status,
        content_type,
        body: &bytes,
    })
    .await;
    Response::from_parts(parts, Body::from(bytes))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_roles_that_may_change_something_claim_keys() {
        assert!(!may_change(Role::Viewer));
        for role in [Role::Owner, Role::Admin, Role::AssetManager] {
            assert!(may_change(role), "{role:?}");
        }
    }

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
