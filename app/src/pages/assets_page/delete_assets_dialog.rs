use leptos::prelude::*;

use crate::assets::folders::model::{mix_count, mix_with_inside};
use crate::format::assets_count;
use crate::trash::api::MoveToTrash;
use crate::trash::model::MoveOutcome;
use crate::trash::model::RETENTION_DAYS;
use crate::ui::confirm_dialog::ConfirmDialog;

/// "Delete Assets": confirms moving the selection to Trash.
#[component]
pub fn DeleteAssetsDialog(
    open: RwSignal<bool>,
    /// Assets selected (or all matching).
    count: Signal<usize>,
    /// Folders selected.
    folders: Signal<usize>,
    /// A dry run of the move, once it answered: how many assets are inside
    /// the folders.
    preview: Signal<Option<MoveOutcome>>,
    /// "55 assets matching “spring”", "All 62 assets at the top level":
    /// what "Select all {N} matching" chose, when that is being deleted.
    matching_what: Signal<Option<String>>,
    action: ServerAction<MoveToTrash>,
    on_confirm: Callback<()>,
) -> impl IntoView {
    let text = Signal::derive(move || {
        let (assets, folders) = (count.get() as u64, folders.get() as u64);
        let what = match matching_what.get() {
            Some(what) if folders > 0 => format!("{what}, and {}", mix_count(folders, 0)),
            Some(what) => what,
            None if folders > 0 => {
                let inside = preview.get().map(|p| p.inside);
                let what = mix_with_inside(folders, inside, assets);
                if inside.is_none() {
                    format!("{what} (counting what is inside…)")
                } else {
                    what
                }
            }
            None => assets_count(assets),
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
