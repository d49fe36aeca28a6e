use leptos::prelude::*;

/// A modal on a native `<dialog>`: the browser keeps focus inside it,
/// closes it with Esc and returns focus to the button that opened it.
/// `open` shows and hides it; Esc does nothing while `busy` (an action is
/// running). Named by its heading (`{id}-title`) and described by
/// `{id}-text` when the content has an element with that id.
#[component]
pub fn Modal(
    /// Prefix for the element ids that name and describe the dialog.
    id: &'static str,
    title: &'static str,
    open: RwSignal<bool>,
    #[prop(into, optional)] busy: Signal<bool>,
    /// Whether the content has a `{id}-text` paragraph describing it.
    #[prop(optional)]
    described: bool,
    children: Children,
) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    Effect::new(move |_| {
        let Some(element) = dialog.get() else { return };
        if open.get() {
            if !element.open() {
                let _ = element.show_modal();
            }
        } else if element.open() {
            element.close();
        }
    });
    view! {
        <dialog
            node_ref=dialog
            class="dialog"
            aria-labelledby=format!("{id}-title")
            aria-describedby=described.then(|| format!("{id}-text"))
            on:cancel=move |event: leptos::ev::Event| {
                // Esc: close, unless the action is already running.
                event.prevent_default();
                if !busy.get_untracked() {
                    open.set(false);
                }
            }
            on:close=move |_| open.set(false)
        >
            <h2 id=format!("{id}-title")>{title}</h2>
            {children()}
        </dialog>
    }
}
