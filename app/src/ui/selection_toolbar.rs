use leptos::prelude::*;

/// The "Selection" toolbar: shown above a listing only while something is
/// selected, with "{n} selected", the actions passed as children, and
/// "Clear selection".
#[component]
pub fn SelectionToolbar(
    count: Signal<usize>,
    on_clear: Callback<()>,
    children: ChildrenFn,
) -> impl IntoView {
    let children = StoredValue::new(children);
    view! {
        <Show when=move || { count.get() > 0 }>
            <div class="selection-toolbar" role="toolbar" aria-label="Selection">
                <span class="selection-toolbar__count">{move || format!("{} selected", count.get())}</span>
                {children.read_value()()}
                <button type="button" class="button" on:click=move |_| on_clear.run(())>
                    "Clear selection"
                </button>
            </div>
        </Show>
    }
}
