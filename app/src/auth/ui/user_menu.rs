use leptos::prelude::*;

use crate::auth::api::SignOut;
use crate::auth::model::User;

/// The signed-in person and "Sign out", at the end of the header.
#[component]
pub fn UserMenu(user: User) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <div class="user-menu">
            <span class="user-menu__name" title=user.email.clone()>{user.name}</span>
            <ActionForm action=sign_out>
                <button type="submit" class="button">"Sign out"</button>
            </ActionForm>
        </div>
    }
}
