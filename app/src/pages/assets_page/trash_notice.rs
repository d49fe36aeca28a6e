use leptos::prelude::*;

use crate::ui::status_message::{StatusRegion, Toast};

/// What the last action did, announced in a `role="status"` region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// "2 assets moved to Trash", with Undo of `batch`.
    Moved {
        text: String,
        batch: crate::domain::ids::BatchId,
    },
    /// "2 assets restored", "Folder “Spring 25” created"…
    Done(String),
    Failed(String),
}

/// "{n} assets moved to Trash" with Undo and View Trash.
#[component]
pub fn TrashNotice(
    notice: RwSignal<Option<Notice>>,
    trash_href: Signal<String>,
    on_undo: Callback<crate::domain::ids::BatchId>,
) -> impl IntoView {
    view! {
        <StatusRegion>
            {move || {
                notice
                    .get()
                    .map(|current| match current {
                        Notice::Moved { text, batch } => {
                            view! {
                                <Toast>
                                    <span>{text}</span>
                                    <button type="button" class="button" on:click=move |_| on_undo.run(batch.clone())>
                                        "Undo"
                                    </button>
                                    <a href=move || trash_href.get()>"View Trash"</a>
                                </Toast>
                            }
                                .into_any()
                        }
                        Notice::Done(text) => view! { <Toast>{text}</Toast> }.into_any(),
                        Notice::Failed(message) => view! { <Toast error=true>{message}</Toast> }.into_any(),
                    })
            }}
        </StatusRegion>
    }
}
