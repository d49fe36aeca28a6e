use leptos::prelude::*;
use leptos_router::{components::Redirect, hooks::use_location};

use crate::domain::routes;

/// Sends a signed-out visitor to the sign-in page, to come back here after.
#[component]
pub fn SignInRedirect() -> impl IntoView {
    let location = use_location();
    let search = location.search.get_untracked();
    let here = if search.is_empty() {
        location.pathname.get_untracked()
    } else {
        format!(
            "{}?{}",
            location.pathname.get_untracked(),
            search.trim_start_matches('?')
        )
    };
    let path = routes::login_then(&here);
    view! { <Redirect path /> }
}
