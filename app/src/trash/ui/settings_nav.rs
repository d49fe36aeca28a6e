use leptos::prelude::*;
use leptos_router::components::A;

use crate::auth::model::Permission;
use crate::auth::ui::use_current_space;
use crate::domain::routes;

/// The settings navigation: "General" and, for people who may delete and
/// restore assets, "Trash".
#[component]
pub fn SettingsNav() -> impl IntoView {
    let current = use_current_space();
    let slug = current
        .as_ref()
        .map(|c| c.space.slug.clone())
        .unwrap_or_default();
    let can_delete = current.is_some_and(|c| c.allows(Permission::Delete));
    let general = routes::settings(&slug);
    let trash = routes::trash(&slug);
    view! {
        <nav class="settings__nav" aria-label="Settings">
            <A href=general exact=true>"General"</A>
            {can_delete.then(|| view! { <A href=trash>"Trash"</A> })}
        </nav>
    }
}
