use leptos::prelude::*;

use crate::format::assets_count;
use crate::ui::status_message::{StatusRegion, Toast};

/// What the last bulk action did, announced in a `role="status"` region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    Moved {
        count: u64,
        batch: crate::ids::BatchId,
    },
    Restored {
        count: u64,
    },
    Failed(String),
}

/// "{n} assets moved to Trash" with Undo and View Trash.
#[component]
pub fn TrashNotice(
    notice: RwSignal<Option<Notice>>,
    trash_href: Signal<String>,
    on_undo: Callback<crate::ids::BatchId>,
) -> impl IntoView {
    view! {
        <StatusRegion>
            {move || {
                notice
                    .get()
                    .map(|current| match current {
                        Notice::Moved { count, batch } => {
                            view! {
                                <Toast>
                                    <span>{format!("{} moved to Trash", assets_count(count))}</span>
                                    <button type="button" class="button" on:click=move |_| on_undo.run(batch.clone())>
                                        "Undo"
                                    </button>
                                    <a href=move || trash_href.get()>"View Trash"</a>
                                </Toast>
                            }
                                .into_any()
                        }
                        Notice::Restored { count } => {
                            view! { <Toast>{format!("{} restored", assets_count(count))}</Toast> }.into_any()
                        }
                        Notice::Failed(message) => view! { <Toast error=true>{message}</Toast> }.into_any(),
                    })
            }}
        </StatusRegion>
    }
}
