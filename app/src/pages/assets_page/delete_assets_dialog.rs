use leptos::prelude::*;

use crate::format::assets_count;
use crate::trash::api::MoveToTrash;
use crate::trash::model::RETENTION_DAYS;
use crate::ui::confirm_dialog::ConfirmDialog;

/// "Delete Assets": confirms moving the selection to Trash.
#[component]
pub fn DeleteAssetsDialog(
    open: RwSignal<bool>,
    count: Signal<usize>,
    /// The search behind "Select all {N} matching", when that is what is
    /// being deleted.
    matching_search: Signal<Option<String>>,
    action: ServerAction<MoveToTrash>,
    on_confirm: Callback<()>,
) -> impl IntoView {
    let text = Signal::derive(move || {
        let what = match matching_search.get() {
            Some(search) if !search.trim().is_empty() => format!(
                "{} matching “{}”",
                assets_count(count.get() as u64),
                search.trim()
            ),
            Some(_) => format!("All {} in this space", assets_count(count.get() as u64)),
            None => assets_count(count.get() as u64),
        };
        format!(
            "{what} will be moved to Trash. You can restore them from Trash within {RETENTION_DAYS} days."
        )
    });
    let error = Signal::derive(move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    });
    view! {
        <ConfirmDialog
            id="delete-assets"
            title="Delete Assets"
            text
            confirm_label="Delete"
            pending_label="Deleting…"
            open
            pending=action.pending()
            error
            on_confirm
        />
    }
}
