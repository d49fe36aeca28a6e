use leptos::prelude::*;

use crate::assets::model::{ListQuery, Usage};
use crate::domain::paging::{ListingQuery as _, PageAt};
use crate::ui::search_field::{PrefixSearchNote, SearchField};

/// "Search assets" and the "Usage" filter: a GET form, so it works before
/// hydration too (the current sort rides along in hidden fields). Once
/// hydrated, a submit navigates in the app instead of reloading the page,
/// to the first page of the results, and so does a new choice of Usage.
/// (A plain form and `use_navigate` rather than the router's `Form`, whose
/// code would be the only copy in the first download: see BENCHMARKS.md on
/// the bundle.)
#[component]
pub fn SearchBox(query: Memo<ListQuery>, base: Signal<String>) -> impl IntoView {
    let navigate = leptos_router::hooks::use_navigate();
    let go = move |next: ListQuery| {
        let href = format!("{}{}", base.get_untracked(), next.to_query_string());
        navigate(&href, Default::default());
    };
    let go_filtered = go.clone();
    let on_usage = move |event: leptos::ev::Event| {
        let current = query.get_untracked();
        go_filtered(ListQuery {
            usage: Usage::parse(&event_target_value(&event)),
            at: PageAt::First,
            ..current
        });
    };
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        let Some(term) = submitted_term(&event) else {
            return; // let the browser submit it
        };
        event.prevent_default();
        let current = query.get_untracked();
        let next = ListQuery {
            folder: current.folder,
            this_folder: submitted_scope(&event),
            search: term,
            usage: current.usage,
            sort: current.sort,
            dir: Some(current.effective_dir()),
            at: PageAt::First,
        };
        go(next);
    };
    let usage = move || query.get().usage;
    view! {
        <div class="search" role="search">
            <form method="get" action=move || base.get() on:submit=on_submit>
                <SearchField label="Search assets" value=Signal::derive(move || query.get().search) />
                {move || query.get().folder.map(|folder| view! {
                    <input type="hidden" name="folder" value=folder.0.to_string() />
                    <label class="search__scope">
                        <input
                            type="checkbox"
                            name="scope"
                            value="folder"
                            checked=query.get_untracked().this_folder
                            prop:checked=move || query.get().this_folder
                        />
                        "Only this folder"
                    </label>
                })}
                // Named by its own label only (`for`), not by the options'
                // text a wrapping label would add.
                <span class="search__usage">
                    <label for="usage-filter">"Usage"</label>
                    <select
                        id="usage-filter"
                        name="usage"
                        on:change=on_usage
                        prop:value=move || usage().map_or("", |u| u.as_str())
                    >
                        <option value="" selected=move || usage().is_none()>"All assets"</option>
                        <option value="in_use" selected=move || usage() == Some(Usage::InUse)>"In use"</option>
                        <option value="not_in_use" selected=move || usage() == Some(Usage::NotInUse)>"Not in use"</option>
                    </select>
                </span>
                <input type="hidden" name="sort" value=move || query.get().sort.as_str() />
                <input type="hidden" name="dir" value=move || query.get().effective_dir().as_str() />
                <button type="submit" class="button">"Search"</button>
            </form>
            <PrefixSearchNote term=Signal::derive(move || query.get().search) />
        </div>
    }
}

/// The `q` field of the submitted form.
fn submitted_term(event: &leptos::ev::SubmitEvent) -> Option<String> {
    submitted_field(event, "q")
}

/// Whether "Only this folder" was ticked.
fn submitted_scope(event: &leptos::ev::SubmitEvent) -> bool {
    submitted_field(event, "scope").as_deref() == Some("folder")
}

#[cfg(feature = "hydrate")]
fn submitted_field(event: &leptos::ev::SubmitEvent, name: &str) -> Option<String> {
    use wasm_bindgen::JsCast as _;
    let form = event
        .target()?
        .dyn_into::<web_sys::HtmlFormElement>()
        .ok()?;
    web_sys::FormData::new_with_form(&form)
        .ok()?
        .get(name)
        .as_string()
}

#[cfg(not(feature = "hydrate"))]
fn submitted_field(_: &leptos::ev::SubmitEvent, _: &str) -> Option<String> {
    None
}
