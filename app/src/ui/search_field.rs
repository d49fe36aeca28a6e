use leptos::prelude::*;

use crate::paging::MAX_SEARCH_CHARS;

/// The search term of a listing's GET form (`q`), named by `label` for
/// screen readers and shown as its placeholder.
#[component]
pub fn SearchField(label: &'static str, #[prop(into)] value: Signal<String>) -> impl IntoView {
    view! {
        <input
            type="search"
            name="q"
            aria-label=label
            placeholder=label
            maxlength=MAX_SEARCH_CHARS
            autocomplete="off"
            prop:value=move || value.get()
        />
    }
}
