//! Trove: a self-hosted asset library. This crate holds the whole app: the
//! Leptos components (rendered on the server and hydrated in the browser),
//! the server functions, and, behind the `ssr` feature, data access and rules.
//!
//! # Where things live, and which way arrows point
//!
//! Each feature is one folder: `api.rs` (server functions), `model.rs`
//! (types that cross the wire), `ui/` (components) and, on the server,
//! its data access and rules.
//!
//! - **Shared** rooms use no feature, and each only the rooms before it:
//!   `domain` (the vocabulary both sides share: `ids`, `names`, `roles`,
//!   `time`, `format`, `encoding`, `paging`, `routes`, `error`, and
//!   `bulk_target`, what a bulk request names) → `platform` (the server's
//!   machinery: `db`, `keyset`, `search`, `audit`, `storage`, `clock`,
//!   `state`, `site`, `recent`, `rate_limit`, `cpu_gate`) and `ui` (widgets,
//!   which run in the browser too, so never the platform).
//! - **Features** form a line, each using only the ones before it:
//!   `spaces` (what a space is, its quota) → `auth` (people, sessions, roles,
//!   memberships, the permission check, API tokens as credentials) →
//!   `tokens` (making and revoking them) → `assets` (files, the listing,
//!   uploads, details) → `trash` (moving to Trash and back, the purge) → `settings` (a space's
//!   retention and storage).
//! - **`pages`** combine features (the frame around a space, the Assets page
//!   that moves assets to Trash, Space Settings); nothing uses them but this
//!   root, which assembles the routes.
//! - **`openapi`** (server only) describes every feature's endpoints for
//!   `/api/openapi.json`; like the pages, it may use everything and nothing
//!   in the crate uses it.
//!
//! Inside a feature, a sub-feature with a model of its own
//! (`assets/folders`) sits below the rest of its feature.
//!
//! `tests/layers.rs` reads every `crate::…` path and fails on an arrow that
//! points up or a cycle.

pub mod assets;
pub mod auth;
pub mod domain;
pub mod pages;
pub mod settings;
pub mod spaces;
pub mod tokens;
pub mod trash;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod openapi;
#[cfg(feature = "ssr")]
pub mod platform;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{ParentRoute, Redirect, Route, Router, Routes},
    lazy_route, path, Lazy, LazyRoute, SsrMode,
};

use crate::assets::ui::AssetDetailsPage;
use crate::auth::ui::LoginPage;
use crate::pages::{AssetsPage, Home, SettingsPage, SpaceLayout, TokensPage};
use crate::trash::ui::TrashPage;
use crate::ui::not_found::NotFoundPage;
use crate::ui::page_ready::mark_page_hydrated;

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The page's Content-Security-Policy: scripts only from this site or
/// inline with this render's nonce (the hydration script and resolved
/// resources carry it), WebAssembly allowed to compile, no plugins, no
/// `<base>`, forms only to this site, and no framing by any site.
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    use http::{header::CONTENT_SECURITY_POLICY, HeaderValue};
    let Some(nonce) = leptos::nonce::use_nonce() else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(&policy),
    ) {
        response.insert_header(CONTENT_SECURITY_POLICY, value);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    view! {
        <Stylesheet id="leptos" href="/pkg/trove.css" />
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg" />
        <Title formatter=|title: String| {
            if title.is_empty() { "Trove".to_owned() } else { format!("{title} · Trove") }
        } />
        <Router>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/") view=Home ssr=SsrMode::Async />
                <Route path=path!("/login") view={Lazy::<LoginRoute>::new()} ssr=SsrMode::Async />
                <ParentRoute path=path!("/spaces/:space") view=SpaceLayout ssr=SsrMode::Async>
                    <Route path=path!("/assets") view=AssetsPage ssr=SsrMode::Async />
                    <Route path=path!("/assets/:id") view={Lazy::<DetailsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/settings") view={Lazy::<SettingsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/settings/trash") view={Lazy::<TrashRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/settings/tokens") view={Lazy::<TokensRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("") view=SpaceIndex />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

// The pages other than Assets are split out of the first download: each is
// a lazy route whose code (and only it) is fetched when the route is first
// visited, or before hydrating when a page is loaded on it (`--split`).
macro_rules! lazy_page {
    ($route:ident, $page:ident) => {
        struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                mark_page_hydrated();
                view! { <$page /> }.into_any()
            }
        }
    };
}

lazy_page!(LoginRoute, LoginPage);
lazy_page!(DetailsRoute, AssetDetailsPage);
lazy_page!(SettingsRoute, SettingsPage);
lazy_page!(TrashRoute, TrashPage);
lazy_page!(TokensRoute, TokensPage);

/// `/spaces/{space}` on its own shows the space's assets.
#[component]
fn SpaceIndex() -> impl IntoView {
    view! { <Redirect path="assets" /> }
}
