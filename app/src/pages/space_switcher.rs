use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::domain::routes;
use crate::spaces::model::Space;

/// The header's "Space" select: switching opens the other space's assets.
#[component]
pub fn SpaceSwitcher(spaces: Vec<Space>, current: Memo<String>) -> impl IntoView {
    let navigate = use_navigate();
    let on_change = move |event| {
        let slug = event_target_value(&event);
        navigate(&routes::assets(&slug), Default::default());
    };
    view! {
        <div class="space-switcher">
            <label class="space-switcher__label" for="space-switcher">"Space"</label>
            <select id="space-switcher" on:change=on_change prop:value=move || current.get()>
                {spaces
                    .into_iter()
                    .map(|space| {
                        let selected = space.slug == current.get_untracked();
                        view! {
                            <option value=space.slug selected=selected>
                                {space.name}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}
