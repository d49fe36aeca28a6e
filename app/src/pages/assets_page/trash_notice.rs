use leptos::prelude::*;

use crate::trash::model::assets_count;

/// What the last bulk action did, announced in a `role="status"` region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    Moved { count: u64, batch: String },
    Restored { count: u64 },
    Failed(String),
}

/// "{n} assets moved to Trash" with Undo and View Trash; the region stays in
/// the page so screen readers announce each new message.
#[component]
pub fn TrashNotice(
    notice: RwSignal<Option<Notice>>,
    trash_href: Signal<String>,
    on_undo: Callback<String>,
) -> impl IntoView {
    view! {
        <div class="toast-region" role="status" aria-live="polite">
            {move || {
                notice
                    .get()
                    .map(|current| match current {
                        Notice::Moved { count, batch } => {
                            view! {
                                <div class="toast">
                                    <span>{format!("{} moved to Trash", assets_count(count))}</span>
                                    <button type="button" class="button" on:click=move |_| on_undo.run(batch.clone())>
                                        "Undo"
                                    </button>
                                    <a href=move || trash_href.get()>"View Trash"</a>
                                </div>
                            }
                                .into_any()
                        }
                        Notice::Restored { count } => {
                            view! { <div class="toast">{format!("{} restored", assets_count(count))}</div> }.into_any()
                        }
                        Notice::Failed(message) => {
                            view! { <div class="toast toast--error">{message}</div> }.into_any()
                        }
                    })
            }}
        </div>
    }
}
