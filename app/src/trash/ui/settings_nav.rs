use leptos::prelude::*;
use leptos_router::components::A;

use crate::auth::model::Permission;
use crate::auth::ui::use_current_space;
use crate::domain::routes;

/// The settings navigation: "General"; for people who may delete and
/// restore assets, "Trash"; for Owner and Admin, "API tokens".
#[component]
pub fn SettingsNav() -> impl IntoView {
    let current = use_current_space();
    let slug = current
        .as_ref()
        .map(|c| c.space.slug.clone())
        .unwrap_or_default();
    let can_delete = current
        .as_ref()
        .is_some_and(|c| c.allows(Permission::Delete));
    let can_manage = current.is_some_and(|c| c.allows(Permission::Manage));
    let general = routes::settings(&slug);
    let trash = routes::trash(&slug);
    let tokens = routes::tokens(&slug);
    view! {
        <nav class="settings__nav" aria-label="Settings">
            <A href=general exact=true>"General"</A>
            {can_delete.then(|| view! { <A href=trash>"Trash"</A> })}
            {can_manage.then(|| view! { <A href=tokens>"API tokens"</A> })}
        </nav>
    }
}
