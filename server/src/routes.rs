//! The routes that are not server functions (Leptos registers those, and
//! `leptos::server_fn::axum::server_fn_paths` lists them). Each feature
//! gives its own as [`PlainRoutes`] (`files::routes`, `upload::routes`,
//! `health::routes`, `openapi::routes`), and `server::router` merges them in
//! one place. A route is added with its method, so the router and the list
//! that the tests walking every endpoint read (`server::plain_route_list`)
//! come from the same call: a new route cannot be missing from the list.

use app::platform::state::AppState;
use axum::handler::Handler;
use axum::routing::{get, post};
use axum::Router;

/// A feature's routes, with what they serve as (method, path).
#[derive(Default)]
pub struct PlainRoutes {
    router: Router<AppState>,
    listed: Vec<(&'static str, &'static str)>,
}

impl PlainRoutes {
    pub fn new() -> Self {
        Self::default()
    }

    /// `GET path` (and `HEAD`, as axum answers it) by `handler`.
    pub fn get<H, T>(mut self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.router = self.router.route(path, get(handler));
        self.listed.push(("GET", path));
        self
    }

    /// `POST path` by `handler`.
    pub fn post<H, T>(mut self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.router = self.router.route(path, post(handler));
        self.listed.push(("POST", path));
        self
    }

    /// Both sets of routes (a path routed twice panics, as axum's merge
    /// does).
    pub fn merge(mut self, other: Self) -> Self {
        self.router = self.router.merge(other.router);
        self.listed.extend(other.listed);
        self
    }

    /// What these routes serve, as (method, path).
    pub fn listed(&self) -> &[(&'static str, &'static str)] {
        &self.listed
    }

    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}
