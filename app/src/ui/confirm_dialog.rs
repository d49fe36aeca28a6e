use leptos::prelude::*;

use super::modal::Modal;

/// A confirmation on a [`Modal`] (a native `<dialog>`). Esc and Cancel
/// change nothing; the confirm button shows progress and is disabled while
/// the action runs; on failure the dialog stays open with the error. Used for "Delete Assets" and "Delete Permanently".
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
    view! {
        <Modal id title open busy=pending described=true>
            <p id=format!("{id}-text")>{text}</p>
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
        </Modal>
    }
}
