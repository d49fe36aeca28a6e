//! `<body data-hydrated="true">`: tells end-to-end tests (and CSS) that the
//! page is interactive.

use leptos::prelude::*;

/// Called by each routed page (and each full-page notice): the attribute
/// appears once that page's own view has hydrated. Not once for the whole
/// app: a lazy route's view hydrates after the frame around it, and a test
/// that clicked in between would click a dead checkbox.
pub fn mark_page_hydrated() {
    Effect::new(|| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}
