use leptos::prelude::*;

use super::modal::Modal;
use crate::domain::error::AppError;

/// A confirmation on a [`Modal`] (a native `<dialog>`). Esc and Cancel
/// change nothing; the confirm button shows progress and is disabled while
/// the action runs; on failure the dialog stays open with the error. Used
/// for "Delete Assets" and "Delete Permanently".
///
/// Its content is code of its own (`#[lazy]`), fetched the first time a
/// confirmation opens: it is not on any page's first paint, and most visits
/// never delete anything.
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
    /// The confirm button is disabled while this holds (the dialog says why).
    #[prop(optional, into)]
    blocked: Signal<bool>,
    /// More of the dialog, between its text and its buttons.
    #[prop(optional, into)]
    extra: Option<ViewFn>,
) -> impl IntoView {
    let props = ConfirmProps {
        id,
        text,
        confirm_label,
        pending_label,
        open,
        pending,
        error,
        on_confirm,
        blocked,
        extra: StoredValue::new(extra),
    };
    view! {
        <Modal id title open busy=pending described=true>
            // Only while open: the server renders the dialog closed.
            <Show when=move || open.get()>
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move { confirm_body(props).await })}
                </Suspense>
            </Show>
        </Modal>
    }
}

#[derive(Clone, Copy)]
struct ConfirmProps {
    id: &'static str,
    text: Signal<String>,
    confirm_label: &'static str,
    pending_label: &'static str,
    open: RwSignal<bool>,
    pending: Signal<bool>,
    error: Signal<Option<String>>,
    on_confirm: Callback<()>,
    blocked: Signal<bool>,
    extra: StoredValue<Option<ViewFn>>,
}

/// The open dialog: the text, the last error, Cancel and the confirm
/// button. Cancel takes the focus, as the browser gives it to a dialog's
/// first button when it opens with its content already there (this part
/// arrives after the dialog opened).
#[lazy]
fn confirm_body(props: ConfirmProps) -> AnyView {
    let ConfirmProps {
        id,
        text,
        confirm_label,
        pending_label,
        open,
        pending,
        error,
        on_confirm,
        blocked,
        extra,
    } = props;
    let cancel = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(button) = cancel.get() {
            request_animation_frame(move || {
                let _ = button.focus();
            });
        }
    });
    view! {
        <p id=format!("{id}-text")>{text}</p>
        {extra.with_value(|extra| extra.as_ref().map(ViewFn::run))}
        {move || error.get().map(|message| view! { <p class="notice notice--error" role="alert">{message}</p> })}
        <div class="dialog__actions">
            <button node_ref=cancel type="button" class="button" disabled=move || pending.get() on:click=move |_| open.set(false)>
                "Cancel"
            </button>
            <button
                type="button"
                class="button button--danger"
                disabled=move || pending.get() || blocked.get()
                aria-busy=move || pending.get().to_string()
                on:click=move |_| on_confirm.run(())
            >
                {move || if pending.get() { pending_label } else { confirm_label }}
            </button>
        </div>
    }
    .into_any()
}

/// The last refusal of `action`, for the dialog that confirmed it (shown
/// while it stays open).
pub fn refusal<S>(action: ServerAction<S>) -> Signal<Option<String>>
where
    S: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    })
}
