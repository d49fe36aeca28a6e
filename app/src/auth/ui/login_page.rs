use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use leptos_router::components::Redirect;

use crate::auth::api::{current_user, SignIn};
use crate::auth::model::safe_next;

/// `/login`: "Email", "Password", "Sign in". Works before hydration too:
/// the form posts to the server function, which redirects on success.
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_else(|| "/".to_owned());
    let sign_in = ServerAction::<SignIn>::new();
    let pending = sign_in.pending();
    let error = move || {
        sign_in
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    };
    // Someone already signed in goes straight on.
    let user = Resource::new(|| (), |_| current_user());
    let already_signed_in = move || {
        Suspend::new(async move {
            user.await.ok().flatten().map(|_| {
                let path = safe_next(query.read_untracked().get("next").as_deref());
                view! { <Redirect path /> }
            })
        })
    };

    view! {
        <Title text="Sign in" />
        <Suspense>{already_signed_in}</Suspense>
        <main id="main" class="signin">
            <div class="signin__card">
                <p class="brand signin__brand">"Trove"</p>
                <h1>"Sign in"</h1>
                <ActionForm action=sign_in>
                    <input type="hidden" name="next" value=next />
                    <label class="field">
                        <span>"Email"</span>
                        <input type="email" name="email" autocomplete="username" required autofocus />
                    </label>
                    <label class="field">
                        <span>"Password"</span>
                        <input type="password" name="password" autocomplete="current-password" required />
                    </label>
                    {move || error().map(|message| view! { <p class="notice notice--error" role="alert">{message}</p> })}
                    <button type="submit" class="button button--primary" disabled=move || pending.get()>
                        {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </ActionForm>
            </div>
        </main>
    }
}
