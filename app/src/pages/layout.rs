use leptos::prelude::*;
use leptos_router::{
    components::{Outlet, A},
    hooks::use_params_map,
};

use super::space_switcher::SpaceSwitcher;
use crate::auth::api::current_user;
use crate::auth::api::list_spaces;
use crate::auth::model::{CurrentSpace, Membership};
use crate::auth::ui::{SignInRedirect, UserMenu};
use crate::domain::error::AppError;
use crate::domain::routes;
use crate::ui::error_notice::ErrorNotice;
use crate::ui::not_found::NotFound;

/// Everything under `/spaces/{space}`: the header with the space switcher,
/// the main navigation, and the page. A space the user cannot open is a 404.
#[component]
pub fn SpaceLayout() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("space").unwrap_or_default());
    let spaces = Resource::new(|| (), |_| list_spaces());
    let user = Resource::new(|| (), |_| current_user());

    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="topbar">
            <a class="brand" href="/">"Trove"</a>
            <Suspense>
                {move || Suspend::new(async move {
                    spaces.await.ok().map(|list| {
                        let list = list.into_iter().map(|m| m.space).collect::<Vec<_>>();
                        view! { <SpaceSwitcher spaces=list current=slug /> }
                    })
                })}
            </Suspense>
            <Suspense>
                {move || Suspend::new(async move {
                    user.await.ok().flatten().map(|user| view! { <UserMenu user /> })
                })}
            </Suspense>
        </header>
        <Suspense fallback=|| view! { <main id="main" class="page" aria-busy="true"></main> }>
            {move || Suspend::new(async move {
                let current = slug.get();
                match spaces.await {
                    Ok(list) => match list.into_iter().find(|m| m.space.slug == current) {
                        Some(membership) => view! { <SpaceFrame membership /> }.into_any(),
                        None => view! { <main id="main" class="page"><NotFound /></main> }.into_any(),
                    },
                    Err(AppError::Unauthorized) => view! { <SignInRedirect /> }.into_any(),
                    Err(error) => view! { <main id="main" class="page"><ErrorNotice error /></main> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SpaceFrame(membership: Membership) -> impl IntoView {
    let Membership {
        space,
        role,
        retention_days,
    } = membership;
    let assets = routes::assets(&space.slug);
    let settings = routes::settings(&space.slug);
    provide_context(CurrentSpace {
        space,
        role,
        retention_days: RwSignal::new(retention_days),
    });
    view! {
        <nav class="mainnav" aria-label="Main">
            <A href=assets>"Assets"</A>
            <A href=settings>"Space Settings"</A>
        </nav>
        <main id="main" class="page">
            <Outlet />
        </main>
    }
}
