use leptos::prelude::*;
use leptos_meta::Title;

/// Sets the HTTP status of the server render; does nothing in the browser.
pub fn set_status(status: http::StatusCode) {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = status;
}

/// The body of a 404: used inside a space's layout and on its own.
#[component]
pub fn NotFound() -> impl IntoView {
    set_status(http::StatusCode::NOT_FOUND);
    view! {
        <PageNotice heading_id="not-found-heading" title="Page not found" heading="Page not found">
            <p>"There is nothing here. The link may be wrong, or the page may have moved."</p>
            <p>
                <a href="/">"Go to your assets"</a>
            </p>
        </PageNotice>
    }
}

/// A notice that stands in for a whole page: the document title, a heading
/// that names the section, and what the visitor can do.
#[component]
pub fn PageNotice(
    heading_id: &'static str,
    title: &'static str,
    heading: &'static str,
    children: Children,
) -> impl IntoView {
    super::page_ready::mark_page_hydrated();
    view! {
        <Title text=title />
        <section class="notice notice--page" aria-labelledby=heading_id>
            <h1 id=heading_id>{heading}</h1>
            {children()}
        </section>
    }
}

/// The router's fallback: a whole page around [`NotFound`].
#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <header class="topbar">
            <a class="brand" href="/">"Trove"</a>
        </header>
        <main id="main" class="page">
            <NotFound />
        </main>
    }
}
