use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;

use crate::auth::api::SignOut;
use crate::auth::model::User;

/// The signed-in person and "Sign out", at the end of the header.
///
/// Signing out is a plain form post: the server ends the session and
/// answers with a redirect to the sign-in page, which the browser follows
/// as a full page load (nothing of the signed-in page is kept). It works
/// before the page has hydrated, and needs none of the browser code of an
/// `ActionForm` in the first download.
#[component]
pub fn UserMenu(user: User) -> impl IntoView {
    view! {
        <div class="user-menu">
            <span class="user-menu__name" title=user.email.clone()>{user.name}</span>
            <form method="post" action=SignOut::PATH>
                <button type="submit" class="button">"Sign out"</button>
            </form>
        </div>
    }
}
