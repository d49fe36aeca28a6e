//! The Trove server: configuration, the axum router around the Leptos app
//! (with each feature's own routes merged in [`router`]), housekeeping,
//! demo data, the synthetic seeder and the Trash commands. `main.rs` is the
//! CLI.

pub mod bearer;
pub mod cli_values;
pub mod demo;
pub mod fields;
pub mod files;
pub mod guard;
pub mod health;
mod housekeeping;
pub mod idempotency;
pub mod listen;
mod open;
pub mod openapi;
pub mod routes;
pub mod seed;
pub mod space_cli;
pub mod token_cli;
pub mod trash_cli;
pub mod upload;

pub use housekeeping::{forget_expired, housekeeping, purge_trash};
pub use open::{open_state, DataArgs, DataConfig};
pub use routes::PlainRoutes;

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use anyhow::Context as _;
use app::auth::session_store::CachedSessions;
use app::domain::error::AppError;
use app::platform::site::PublicOrigin;
use app::platform::state::AppState;
use app::{shell, App};
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse as _, Response};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::compression::predicate::{DefaultPredicate, Predicate as _};
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::session_store::ExpiredDeletion;
use tower_sessions::{Expiry, SessionManagerLayer};

/// Sessions, memberships and accounts' session generations remembered at
/// most (each entry is a few hundred bytes or less; past this, the least
/// used are read from the database again).
const RECENT_SESSIONS_CAPACITY: u64 = 50_000;
pub(crate) const RECENT_ACCESS_CAPACITY: u64 = 50_000;
pub(crate) const RECENT_USERS_CAPACITY: u64 = 50_000;

/// The Leptos options: what cargo-leptos compiled in (or the `LEPTOS_*`
/// environment), with the address we actually serve on.
pub fn leptos_options(addr: SocketAddr) -> anyhow::Result<LeptosOptions> {
    let mut options = leptos::config::get_configuration(None)
        .context("reading Leptos configuration")?
        .leptos_options;
    options.site_addr = addr;
    Ok(options)
}

/// Every feature's routes that are not server functions, merged here and
/// nowhere else (see [`routes`]).
fn plain_routes(max_upload_bytes: u64) -> PlainRoutes {
    health::routes()
        .merge(openapi::routes())
        .merge(files::routes())
        .merge(upload::routes(max_upload_bytes))
}

/// What [`router`] serves besides the server functions, as (method, path):
/// for the tests that walk every endpoint, which see a new route as soon
/// as a feature adds it.
pub fn plain_route_list() -> Vec<(&'static str, &'static str)> {
    plain_routes(0).listed().to_vec()
}

/// The app's routes, generated once per process. Generating them renders
/// the app with resource loading suspended through a process-wide flag
/// (leptos_router's `SuppressResourceLoad`): a page render whose resource
/// first polls while another thread generates waits forever (until the
/// request's time limit, a 503). Routers built later (every router test
/// builds one, while other tests render pages) reuse the first list, so no
/// render can overlap a generation.
fn app_routes() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

pub fn router(state: AppState) -> Router {
    let routes = app_routes();
    let leptos_options = state.leptos_options.clone();
    let site = state.public_origin.clone();
    let limits = state.request_limits;
    let plain = plain_routes(state.max_upload_bytes);
    let idempotency = idempotency::IdempotencyLayer::new(state.clone(), plain.listed());
    plain
        .into_router()
        .leptos_routes_with_context(
            &state,
            routes,
            {
                let state = state.clone();
                move || provide_context(state.clone())
            },
            move || shell(leptos_options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        // Inside the session layer: a key belongs to the signed-in user.
        .layer(idempotency)
        // Outside it: a request with a misspelt field never acted, so it
        // has no answer to keep.
        .layer(middleware::from_fn(fields::refuse_unknown))
        .layer(session_layer(&state))
        // Outside it: a token request's cookie is dropped before the
        // session layer could read it.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            bearer::bearer_tokens,
        ))
        .layer(middleware::from_fn(api_router_errors))
        .layer(middleware::from_fn_with_state(
            site.clone(),
            guard::same_origin_mutations,
        ))
        .layer(
            CompressionLayer::new().compress_when(DefaultPredicate::new().and(
                // Downloads are sent as stored: ranges must address the bytes
                // on disk, and most media is compressed already.
                |_: StatusCode,
                 _: axum::http::Version,
                 headers: &axum::http::HeaderMap,
                 _: &axum::http::Extensions| {
                    !headers.contains_key(axum::http::header::CONTENT_DISPOSITION)
                },
            )),
        )
        .layer(middleware::from_fn_with_state(limits, guard::time_limit))
        .layer(
            tower::ServiceBuilder::new()
                .layer(axum::error_handling::HandleErrorLayer::new(
                    guard::overloaded,
                ))
                .load_shed()
                .layer(tower::limit::GlobalConcurrencyLimitLayer::new(
                    limits.max_in_flight,
                )),
        )
        .layer(middleware::from_fn_with_state(site, guard::known_host))
        // Outside the guards, so that their refusals carry the headers too.
        .layer(middleware::from_fn(guard::security_headers))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Server-side sessions in the database: the cookie carries only a random id;
/// HttpOnly, SameSite=Lax, Secure over HTTPS; ends after 12 idle hours (and
/// 7 days after sign-in, see `app::auth::session`).
///
/// Sessions are read through a few seconds' memory (`CachedSessions`), so
/// most requests skip the session query; sign-out is final, whatever
/// requests are still in flight.
fn session_layer(state: &AppState) -> SessionManagerLayer<CachedSessions> {
    let store = CachedSessions::new(
        state.sessions.clone(),
        RECENT_SESSIONS_CAPACITY,
        state.clock,
    );
    SessionManagerLayer::new(store)
        .with_name("trove_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.secure_cookies)
        .with_expiry(Expiry::OnInactivity(
            tower_sessions::cookie::time::Duration::hours(12),
        ))
}

/// API clients get JSON where the router itself answers: its 405 for a
/// wrong method has no body, and an unknown `/api/…` path would get the
/// HTML 404 page. (Server functions' own errors carry their status and JSON
/// body already: see `AppError`'s `FromServerFnError::ser`.)
async fn api_router_errors(request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let method = request.method().clone();
    let response = next.run(request).await;
    if !is_api {
        return response;
    }
    match response.status() {
        StatusCode::METHOD_NOT_ALLOWED => {
            let error =
                AppError::validation(format!("This endpoint does not accept {method} requests."));
            // The router's `Allow` header stays: a 405 must say what is allowed.
            let allow = response.headers().get(axum::http::header::ALLOW).cloned();
            let mut answer = (StatusCode::METHOD_NOT_ALLOWED, axum::Json(error)).into_response();
            if let Some(allow) = allow {
                answer
                    .headers_mut()
                    .insert(axum::http::header::ALLOW, allow);
            }
            answer
        }
        StatusCode::NOT_FOUND
            if response
                .headers()
                .get(axum::http::header::CONTENT_TYPE)
                .is_some_and(|t| t.as_bytes().starts_with(b"text/html")) =>
        {
            AppError::NotFound.into_response()
        }
        _ => response,
    }
}

/// Serves until SIGTERM or Ctrl-C, then lets in-flight requests finish.
/// Housekeeping (the purge, and forgetting expired keys) runs every
/// `purge_every` meanwhile.
///
/// With port 0 the system picks a free port; `addr_file`, if given,
/// receives the address actually bound (`http://127.0.0.1:40123`) once the
/// server accepts connections, so scripts need not guess a free port.
pub async fn serve(
    mut state: AppState,
    addr: SocketAddr,
    addr_file: Option<&Path>,
    purge_every: Duration,
    connections: listen::ConnectionLimits,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding {addr}"))?;
    let bound = listener.local_addr()?;
    // The default public URL names the address asked for; with port 0
    // that is the one bound.
    if state.public_origin == PublicOrigin::for_addr(addr) {
        state.public_origin = PublicOrigin::for_addr(bound);
    }
    if let Some(path) = addr_file {
        let partial = path.with_extension("partial");
        std::fs::write(&partial, format!("http://{bound}\n"))
            .and_then(|()| std::fs::rename(&partial, path))
            .with_context(|| format!("writing the address to {}", path.display()))?;
    }
    tracing::info!(
        "Trove is listening on http://{bound} for {}",
        state.public_origin.origin()
    );
    // Sweep expired session rows hourly.
    let sweeper = tokio::spawn(
        state
            .sessions
            .clone()
            .continuously_delete_expired(tokio::time::Duration::from_secs(3600)),
    );
    let purger = tokio::spawn(housekeeping::housekeeping_job(state.clone(), purge_every));
    listen::serve_connections(listener, router(state), connections, shutdown_signal()).await;
    sweeper.abort();
    purger.abort();
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
