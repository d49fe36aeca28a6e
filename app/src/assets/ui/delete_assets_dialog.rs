use leptos::prelude::*;

use crate::trash::api::MoveToTrash;
use crate::trash::model::{assets_count, RETENTION_DAYS};

/// "Delete Assets": a native modal `<dialog>`, so the browser keeps focus
/// inside it, closes it with Esc and returns focus to the toolbar. Esc and
/// Cancel change nothing; Delete shows progress, and on failure the dialog
/// stays open with the error.
#[component]
pub fn DeleteAssetsDialog(
    open: RwSignal<bool>,
    count: Signal<usize>,
    action: ServerAction<MoveToTrash>,
    on_confirm: Callback<()>,
) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let pending = action.pending();
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
    let error = move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    };
    let text = move || {
        format!(
            "{} will be moved to Trash. You can restore them from Trash within {RETENTION_DAYS} days.",
            assets_count(count.get() as u64)
        )
    };
    view! {
        <dialog
            node_ref=dialog
            class="dialog"
            aria-labelledby="delete-assets-title"
            aria-describedby="delete-assets-text"
            on:cancel=move |event: leptos::ev::Event| {
                // Esc: close, unless the deletion is already running.
                event.prevent_default();
                if !pending.get_untracked() {
                    open.set(false);
                }
            }
            on:close=move |_| open.set(false)
        >
            <h2 id="delete-assets-title">"Delete Assets"</h2>
            <p id="delete-assets-text">{text}</p>
            {move || error().map(|message| view! { <p class="notice notice--error" role="alert">{message}</p> })}
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
                    {move || if pending.get() { "Deleting…" } else { "Delete" }}
                </button>
            </div>
        </dialog>
    }
}
