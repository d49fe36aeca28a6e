//! What every request passes before it reaches the app: the Host check
//! (DNS rebinding), the Origin check for changes (cross-site requests), the
//! time limit and the overload cap, and the security headers of every
//! response.

use app::domain::error::AppError;
use app::platform::site::PublicOrigin;
use app::platform::state::RequestLimits;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;

/// 421 for a request whose Host (HTTP/1.1) or `:authority` (HTTP/2, and
/// absolute-form HTTP/1.1 targets) does not name this server. A page on
/// another name that resolves to this server (DNS rebinding) is refused
/// before anything else happens. `/healthz` answers any name, for load
/// balancers that probe by address.
pub async fn known_host(
    State(site): State<PublicOrigin>,
    request: Request,
    next: Next,
) -> Response {
    let host = request
        .uri()
        .authority()
        .map(|a| a.as_str().to_owned())
        .or_else(|| {
            request
                .headers()
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .map(str::to_owned)
        });
    match host {
        Some(host) if site.allows_host(&host) => next.run(request).await,
        _ if request.uri().path() == "/healthz" => next.run(request).await,
        host => {
            // A client's doing (or an attack's), not the server's failure.
            tracing::info!(?host, "refused a request for another host name");
            error_response(&AppError::WrongHost)
        }
    }
}

/// 403 for any request that could change something (not GET, HEAD or
/// OPTIONS) unless its `Origin`, or absent that its `Referer`, is this
/// site's public origin. SameSite cookies already stop most cross-site
/// requests; this also stops sibling sites and old browsers.
///
/// A request with an API token (`Authorization: Bearer`) needs no Origin:
/// it is authenticated by the token alone, its cookie dropped
/// (`bearer::bearer_tokens`), and no page of another site can set that
/// header without a CORS preflight, which Trove never grants.
pub async fn same_origin_mutations(
    State(site): State<PublicOrigin>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) || app::auth::bearer::presented(request.headers()).is_some()
    {
        return next.run(request).await;
    }
    let headers = request.headers();
    let source = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|h| h.to_str().ok());
    if source.is_some_and(|source| site.allows_source(source)) {
        return next.run(request).await;
    }
    tracing::info!(?source, uri = %request.uri(), "refused a cross-origin request");
    error_response(&AppError::Forbidden)
}

/// 503 when a request takes longer than the limit. Uploads are timed per
/// chunk instead (`body_idle`), since a large file may take minutes.
pub async fn time_limit(
    State(limits): State<RequestLimits>,
    request: Request,
    next: Next,
) -> Response {
    if request.uri().path() == "/api/upload" {
        return next.run(request).await;
    }
    let uri = request.uri().clone();
    match tokio::time::timeout(limits.timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(%uri, "request cut off after {:?}", limits.timeout);
            error_response(&AppError::Unavailable)
        }
    }
}

/// The answer when more requests are in progress than the cap allows.
pub async fn overloaded(_: tower::BoxError) -> Response {
    tracing::warn!("refused a request: too many in progress");
    let mut response = error_response(&AppError::Unavailable);
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

/// Headers every response carries. Pages set their own
/// `Content-Security-Policy` (with the render's nonce, see `app::shell`);
/// everything else gets one that allows nothing.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    for (name, value) in [
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; frame-ancestors 'none'",
        ),
    ] {
        headers
            .entry(name)
            .or_insert_with(|| HeaderValue::from_static(value));
    }
    response
}

/// The refusal, logged above with what was refused rather than again by
/// `AppError`'s own answer line.
fn error_response(error: &AppError) -> Response {
    error.clone().into_quiet_response()
}
