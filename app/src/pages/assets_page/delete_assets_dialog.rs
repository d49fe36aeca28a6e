use leptos::prelude::*;

use super::trash_notice::Notice;
use super::{AssetsListing, PHRASING};
use crate::assets::folders::model::{mix_count, mix_with_inside};
use crate::domain::format::assets_count;
use crate::trash::api::{move_to_trash, MoveToTrash};
use crate::trash::model::MoveOutcome;
use crate::trash::model::RETENTION_DAYS;
use crate::ui::confirm_dialog::{refusal, ConfirmDialog};

/// "Delete Assets": confirms moving the selection to Trash, sends it, and
/// tells the page what moved (with Undo). Opening it with folders selected
/// asks the server for a dry run, for the count of what is inside them.
#[component]
pub fn DeleteAssetsDialog(
    open: RwSignal<bool>,
    listing: AssetsListing,
    notice: RwSignal<Option<Notice>>,
) -> impl IntoView {
    let action = ServerAction::<MoveToTrash>::new();
    let preview = RwSignal::new(None::<MoveOutcome>);
    listing.after_change(action, move |outcome| {
        open.set(false);
        notice.set(Some(Notice::Moved {
            text: outcome.summary(),
            batch: outcome.batch,
        }));
    });
    // What the Delete sends: ticked ids or all matching, and ticked folders.
    let request =
        move |dry_run| MoveToTrash::new(listing.space.get_untracked(), listing.target(), dry_run);
    // Each opening starts afresh: no last refusal, and with folders
    // selected a dry run counts what is inside them.
    Effect::new(move |was_open: Option<bool>| {
        let is_open = open.get();
        if !is_open || was_open == Some(true) {
            return is_open;
        }
        action.value().set(None);
        preview.set(None);
        if listing.folders_selected.get_untracked() > 0 {
            let MoveToTrash {
                space,
                ids,
                folder_ids,
                matching,
                expected_count,
                dry_run,
            } = request(true);
            leptos::task::spawn_local(async move {
                let dry = move_to_trash(space, ids, folder_ids, matching, expected_count, dry_run);
                if let Ok(outcome) = dry.await {
                    preview.set(Some(outcome));
                }
            });
        }
        is_open
    });
    let on_confirm = Callback::new(move |()| {
        action.dispatch(request(false));
    });
    let text = delete_text(listing, preview);
    let error = refusal(action);
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

/// The dialog's sentence: what moves to Trash, in words (with the count
/// inside the selected folders once the dry run answers).
fn delete_text(listing: AssetsListing, preview: RwSignal<Option<MoveOutcome>>) -> Signal<String> {
    Signal::derive(move || {
        let folders = listing.folders_selected.get();
        let assets = (listing.count.get() - folders) as u64;
        let folders = folders as u64;
        let what = match listing.all_matching.get() {
            Some(all) => {
                let what = PHRASING.chosen(&all);
                match folders {
                    0 => what,
                    _ => format!("{what}, and {}", mix_count(folders, 0)),
                }
            }
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
    })
}
