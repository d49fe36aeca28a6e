use leptos::prelude::*;

/// A confirmation on a native modal `<dialog>`, so the browser keeps focus
/// inside it, closes it with Esc and returns focus to the button that opened
/// it. Esc and Cancel change nothing; the confirm button shows progress and
/// is disabled while the action runs; on failure the dialog stays open with
/// the error. Used for "Delete Assets" and "Delete Permanently".
#[component]
pub fn ConfirmDialog(
    /// Prefix for the element ids that name and describe the dialog.
    id: &'static str,
    title: &'static str,
    /// What will happen, e.g. "2 assets will be moved to Trash. …".
    #[prop(into)]
    text: Signal<String>,
    confirm_label: &'static str,
    pending_label: &'static str,
    open: RwSignal<bool>,
    #[prop(into)] pending: Signal<bool>,
    /// The last failure, shown in the dialog.
    #[prop(into)]
    error: Signal<Option<String>>,
    on_confirm: Callback<()>,
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
    let title_id = format!("{id}-title");
    let text_id = format!("{id}-text");
    view! {
        <dialog
            node_ref=dialog
            class="dialog"
            aria-labelledby=format!("{id}-title")
            aria-describedby=format!("{id}-text")
            on:cancel=move |event: leptos::ev::Event| {
                // Esc: close, unless the action is already running.
                event.prevent_default();
                if !pending.get_untracked() {
                    open.set(false);
                }
            }
            on:close=move |_| open.set(false)
        >
            <h2 id=title_id>{title}</h2>
            <p id=text_id>{text}</p>
            {move || error.get().map(|message| view! { <p class="notice notice--error" role="alert">{message}</p> })}
            <div class="dialog__actions">
                <button type="button" class="button" disabled=move || pending.get() on:click=move |_| open.set(false)>
                    "Cancel"
                </button>
                <button
                    type="button"
                    class="button button--danger"
                    disabled=move || pending.get()
                    aria-busy=move || pending.get().to_string()
                    on:click=move |_| on_confirm.run(())
                >
                    {move || if pending.get() { pending_label } else { confirm_label }}
                </button>
            </div>
        </dialog>
    }
}
