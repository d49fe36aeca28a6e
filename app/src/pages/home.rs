use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::auth::api::list_spaces;
use crate::auth::ui::SignInRedirect;
use crate::domain::error::AppError;
use crate::domain::routes;
use crate::ui::error_notice::ErrorNotice;

/// `/`: sends people to the assets of their first space.
#[component]
pub fn Home() -> impl IntoView {
    crate::ui::page_ready::mark_page_hydrated();
    let spaces = Resource::new(|| (), |_| list_spaces());
    view! {
        <main id="main" class="page">
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match spaces.await {
                        Ok(list) => match list.first() {
                            Some(first) => view! { <Redirect path=routes::assets(&first.space.slug) /> }.into_any(),
                            None => view! {
                                <section class="notice notice--page">
                                    <h1>"No spaces yet"</h1>
                                    <p>"You are not a member of any space. Ask an owner to add you to one."</p>
                                </section>
                            }.into_any(),
                        },
                        Err(AppError::Unauthorized) => view! { <SignInRedirect /> }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}
