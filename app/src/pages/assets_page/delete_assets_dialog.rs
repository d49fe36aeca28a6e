use leptos::prelude::*;

use super::trash_notice::Notice;
use super::{AssetsListing, PHRASING};
use crate::assets::folders::model::{mix_count, mix_with_inside};
use crate::domain::bulk_target::Items;
use crate::domain::format::assets_count;
use crate::trash::api::{usage_of_selection, MoveToTrash};
use crate::trash::model::SelectionUsage;
use crate::ui::confirm_dialog::{refusal, ConfirmDialog};
use crate::ui::select_all_matching::changed_count;

/// What the dialog knows of the assets in use among the selection.
#[derive(Debug, Clone, PartialEq, Eq)]
enum InUseRead {
    /// Asked when the dialog opened; no answer yet.
    Asking,
    Read(SelectionUsage),
    /// The question failed: the Delete goes ahead as asked, and the server
    /// still keeps what is in use if the box is ticked.
    Unknown,
}

impl InUseRead {
    fn read(&self) -> Option<&SelectionUsage> {
        match self {
            Self::Read(usage) => Some(usage),
            _ => None,
        }
    }
}

/// The dialog's state that its in-use part (code fetched when it first
/// shows) reads and sets.
#[derive(Clone, Copy)]
struct InUseState {
    listing: AssetsListing,
    usage: RwSignal<InUseRead>,
    /// "Keep the assets that are in use", ticked on each opening.
    keep: RwSignal<bool>,
    action: ServerAction<MoveToTrash>,
}

impl InUseState {
    /// Nothing would move: every chosen asset (and folder) is in use and
    /// kept.
    fn nothing_moves(&self) -> bool {
        let folders = self.listing.folders_selected.get();
        self.keep.get()
            && self.usage.with(|usage| {
                usage.read().is_some_and(|u| {
                    u.in_use > 0 && u.moving_if_kept == 0 && u.kept_folders.len() >= folders
                })
            })
    }
}

/// "Delete Assets": confirms moving the selection to Trash, sends it, and
/// tells the page what moved (with Undo). Opening it asks the server what
/// the selection holds (`usage_of_selection`): the assets inside selected
/// folders, and those some source uses, which it offers to keep (ticked).
#[component]
pub fn DeleteAssetsDialog(
    open: RwSignal<bool>,
    listing: AssetsListing,
    notice: RwSignal<Option<Notice>>,
) -> impl IntoView {
    let action = ServerAction::<MoveToTrash>::new();
    let state = InUseState {
        listing,
        usage: RwSignal::new(InUseRead::Asking),
        keep: RwSignal::new(true),
        action,
    };
    listing.after_change(action, move |outcome| {
        open.set(false);
        notice.set(Some(Notice::Moved {
            text: outcome.summary(),
            batch: outcome.batch,
        }));
    });
    // Each opening starts afresh: no last refusal, the box ticked, and the
    // question asked again (by the in-use part, as it shows).
    Effect::new(move |was_open: Option<bool>| {
        let is_open = open.get();
        if is_open && was_open != Some(true) {
            action.value().set(None);
            state.usage.set(InUseRead::Asking);
            state.keep.set(true);
        }
        is_open
    });
    let on_confirm = Callback::new(move |()| {
        let keep = state.keep.get_untracked();
        let mut target = listing.target();
        // "All matching", keeping those in use, confirms the number that
        // moves: the confirmed number less those in use, if the set read is
        // still the one confirmed. If it is not, the confirmed number goes
        // as it is, and the server refuses it (409) with what matches now:
        // the set never changes under the person's confirmation.
        if let (true, Items::Matching { expected, .. }) = (keep, &mut target.items) {
            let confirmed = *expected;
            if let Some(moving) = state.usage.with_untracked(|u| {
                u.read()
                    .filter(|u| u.matching == Some(confirmed))
                    .and_then(|u| u.expected_if_kept)
            }) {
                *expected = moving;
            }
        }
        let space = listing.space.get_untracked();
        action.dispatch(MoveToTrash::new(space, target, false).keeping_in_use(keep));
    });
    let text = delete_text(listing, state.usage);
    let error = refusal(action);
    let blocked = Signal::derive(move || {
        state.usage.with(|u| *u == InUseRead::Asking) || state.nothing_moves()
    });
    let extra = ViewFn::from(move || {
        view! {
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move { in_use_part(state).await })}
            </Suspense>
        }
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
            blocked
            extra
        />
    }
}

/// The dialog's sentence: what moves to Trash, in words (with the count
/// inside the selected folders once the server answers).
fn delete_text(listing: AssetsListing, usage: RwSignal<InUseRead>) -> Signal<String> {
    let retention = crate::auth::ui::use_current_space().map(|c| c.retention_days);
    Signal::derive(move || {
        let days = crate::domain::format::days(
            retention.map_or(crate::trash::model::DEFAULT_RETENTION_DAYS, |days| {
                days.get()
            }),
        );
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
                // Everything the move takes, less the ticked assets.
                let inside = usage.with(|u| u.read().map(|u| u.assets.saturating_sub(assets)));
                let what = mix_with_inside(folders, inside, assets);
                if inside.is_none() {
                    format!("{what} (counting what is inside…)")
                } else {
                    what
                }
            }
            None => assets_count(assets),
        };
        format!("{what} will be moved to Trash. You can restore them from Trash within {days}.")
    })
}

/// The in-use part of the dialog, code of its own (`#[lazy]`): asks the
/// server what the selection holds as it shows (and again after a 409, the
/// set having changed), then, when some of it is in use, says how many,
/// names up to five with where they are used, and offers to keep them.
#[lazy]
fn in_use_part(state: InUseState) -> AnyView {
    let InUseState {
        listing,
        usage,
        keep,
        action,
    } = state;
    // `follow`: after a 409, "all matching" takes the number that matches
    // now (the person confirms it anew); on opening it keeps the one the
    // person chose, which the server checks.
    let ask = move |follow: bool| {
        let space = listing.space.get_untracked();
        let fields = listing.target().into_fields();
        leptos::task::spawn_local(async move {
            let answer = usage_of_selection(
                space,
                fields.ids,
                fields.folder_ids,
                fields.matching,
                fields.expected_count,
            )
            .await;
            match answer {
                Ok(read) => {
                    // After a 409 the set changed: confirm what matches now.
                    if let (true, Some(matching)) = (follow, read.matching) {
                        listing.all_matching.update(|all| {
                            if let Some(all) = all {
                                all.count = matching;
                            }
                        });
                    }
                    usage.set(InUseRead::Read(read));
                }
                Err(_) => usage.set(InUseRead::Unknown),
            }
        });
    };
    ask(false);
    Effect::new(move |_| {
        if action.value().with(changed_count).is_some() {
            ask(true);
        }
    });
    let nothing_moves = move || state.nothing_moves();
    view! {
        {move || {
            usage.with(|u| u.read().filter(|u| u.in_use > 0).cloned()).map(|read| {
                let k = read.in_use;
                let heading = if k == 1 {
                    "1 of these assets is in use".to_owned()
                } else {
                    format!("{k} of these assets are in use")
                };
                view! {
                    <p><strong>{heading}</strong></p>
                    <ul class="in-use-list">
                        {read.examples.into_iter().map(|asset| {
                            let titles: Vec<String> = asset.sources.into_iter().map(|s| s.title).collect();
                            let more = asset.used_in - titles.len() as i64;
                            let mut place = titles.join(", ");
                            if more > 0 {
                                place.push_str(&format!(" and {more} more"));
                            }
                            view! { <li>{format!("{} — used in {place}", asset.name)}</li> }
                        }).collect_view()}
                    </ul>
                    <label class="keep-in-use">
                        <input
                            type="checkbox"
                            prop:checked=move || keep.get()
                            on:change=move |event| keep.set(event_target_checked(&event))
                        />
                        "Keep the assets that are in use"
                    </label>
                    {move || match (keep.get(), nothing_moves()) {
                        (true, true) => Some(view! {
                            <p>"Every chosen asset is in use. Uncheck the box to move them to Trash anyway."</p>
                        }.into_any()),
                        (true, false) => Some(view! {
                            <p>{format!("{} will be moved to Trash; those in use stay where they are.", assets_count(read.moving_if_kept))}</p>
                        }.into_any()),
                        (false, _) => None,
                    }}
                }
            })
        }}
    }
    .into_any()
}
