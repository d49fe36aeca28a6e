use leptos::prelude::*;
use leptos_router::components::Form;

use crate::assets::model::{ListQuery, MAX_SEARCH_CHARS};

/// "Search assets": a GET form, so it works before hydration too. The
/// current sort rides along in hidden fields; a search starts at page one.
#[component]
pub fn SearchBox(query: Memo<ListQuery>, base: Signal<String>) -> impl IntoView {
    view! {
        <div class="search" role="search">
            <Form method="GET" action=move || base.get()>
                <input
                    type="search"
                    name="q"
                    aria-label="Search assets"
                    placeholder="Search assets"
                    maxlength=MAX_SEARCH_CHARS
                    autocomplete="off"
                    prop:value=move || query.get().search
                />
                <input type="hidden" name="sort" value=move || query.get().sort.as_str() />
                <input type="hidden" name="dir" value=move || query.get().effective_dir().as_str() />
                <button type="submit" class="button">"Search"</button>
            </Form>
        </div>
    }
}
