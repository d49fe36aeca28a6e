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
        <Title text="Page not found" />
        <section class="notice notice--page" aria-labelledby="not-found-heading">
            <h1 id="not-found-heading">"Page not found"</h1>
            <p>"There is nothing here. The link may be wrong, or the page may have moved."</p>
            <p>
                <a href="/">"Go to your assets"</a>
            </p>
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
