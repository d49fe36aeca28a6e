use leptos::prelude::*;
use leptos_router::components::Form;

use crate::assets::model::ListQuery;
use crate::ui::search_field::{PrefixSearchNote, SearchField};

/// "Search assets": a GET form, so it works before hydration too. The
/// current sort rides along in hidden fields; a search starts at page one.
#[component]
pub fn SearchBox(query: Memo<ListQuery>, base: Signal<String>) -> impl IntoView {
    view! {
        <div class="search" role="search">
            <Form method="GET" action=move || base.get()>
                <SearchField label="Search assets" value=Signal::derive(move || query.get().search) />
                <input type="hidden" name="sort" value=move || query.get().sort.as_str() />
                <input type="hidden" name="dir" value=move || query.get().effective_dir().as_str() />
                <button type="submit" class="button">"Search"</button>
            </Form>
            <PrefixSearchNote term=Signal::derive(move || query.get().search) />
        </div>
    }
}
