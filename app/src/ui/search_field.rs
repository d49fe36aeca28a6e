use leptos::prelude::*;

use crate::domain::paging::{
    is_prefix_search, normalize_search, MAX_SEARCH_CHARS, MIN_INSIDE_CHARS,
};

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

/// Under a search of one or two characters: that it matched the start of
/// names, and how to search inside them.
#[component]
pub fn PrefixSearchNote(#[prop(into)] term: Signal<String>) -> impl IntoView {
    move || {
        let term = normalize_search(&term.get());
        is_prefix_search(&term).then(|| {
            view! {
                <p class="search__note">
                    {format!(
                        "Showing names that start with “{term}”. Type at least {MIN_INSIDE_CHARS} characters to search inside names."
                    )}
                </p>
            }
        })
    }
}
