use leptos::prelude::*;

use super::AssetsListing;
use crate::assets::api::MoveToFolder;
use crate::assets::folders::api::list_folders;
use crate::assets::folders::model::{
    mix_count, path_label, Folder, FolderPage, MoveItemsOutcome, TOP_LEVEL,
};
use crate::domain::bulk_target::Items;
use crate::domain::format::items_count;
use crate::domain::ids::FolderId;
use crate::ui::modal::Modal;

/// "Move": a folder picker (one level at a time: open a folder with its
/// button, go back up with the path's buttons) and "Move here", which
/// moves the selection into the folder the picker shows. Refusals (a
/// folder into itself, a name taken there) keep it open with the reason.
/// Its content is code of its own (`#[lazy]`), fetched the first time it
/// opens: most visits never move anything.
#[component]
pub fn MoveDialog(
    open: RwSignal<bool>,
    space: Signal<String>,
    /// The folder shown on the page: where the picker starts.
    start: Signal<Option<FolderId>>,
    /// What moves: the page's selection (or "Select all {N} matching",
    /// when chosen), read when the dialog opens.
    listing: AssetsListing,
    on_moved: Callback<MoveItemsOutcome>,
) -> impl IntoView {
    let busy = RwSignal::new(false);
    let props = MoveProps {
        space,
        start,
        listing,
        open,
        busy,
        on_moved,
    };
    view! {
        <Modal id="move" title="Move" open busy described=true>
            // Only while open: the server renders the dialog closed.
            <Show when=move || open.get()>
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move { move_body(props).await })}
                </Suspense>
            </Show>
        </Modal>
    }
}

#[derive(Clone, Copy)]
struct MoveProps {
    space: Signal<String>,
    start: Signal<Option<FolderId>>,
    listing: AssetsListing,
    open: RwSignal<bool>,
    busy: RwSignal<bool>,
    on_moved: Callback<MoveItemsOutcome>,
}

/// The open dialog: what moves, the picker from the page's folder, the
/// last refusal, Cancel and "Move here".
#[lazy]
fn move_body(props: MoveProps) -> AnyView {
    let MoveProps {
        space,
        start,
        listing,
        open,
        busy,
        on_moved,
    } = props;
    let action = ServerAction::<MoveToFolder>::new();
    Effect::new(move |_| busy.set(action.pending().get()));
    Effect::new(move |_| {
        if let Some(Ok(outcome)) = action.value().get() {
            on_moved.run(outcome);
        }
    });
    let at = RwSignal::new(start.get_untracked());
    // After the person goes into or out of a folder, the new level takes
    // the focus (its buttons replaced the one they pressed).
    let moved = RwSignal::new(false);
    Effect::new(move |first: Option<()>| {
        at.track();
        if first.is_some() {
            moved.set(true);
        }
    });
    let level = LocalResource::new(move || {
        let (space, parent) = (space.get(), at.get());
        async move { list_folders(space, parent, None).await.ok() }
    });
    let target = listing.target();
    let assets = match &target.items {
        Items::Ids(ids) => ids.len() as u64,
        Items::Matching { expected, .. } => *expected,
    };
    let text = format!(
        "Move {} to the folder chosen below.",
        mix_count(target.folders.len() as u64, assets)
    );
    let move_here = move |_| {
        let (space, target) = (space.get_untracked(), target.clone());
        action.dispatch(MoveToFolder::new(space, target, at.get_untracked()));
    };
    let error = move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| view! { <p class="notice notice--error" role="alert">{e.to_string()}</p> })
    };
    view! {
        <p id="move-text">{text}</p>
        <Suspense fallback=|| view! { <p class="loading">"Loading folders…"</p> }>
            {move || Suspend::new(async move {
                level.await.map(|page| view! { <Picker page at space moved /> })
            })}
        </Suspense>
        {error}
        <div class="dialog__actions">
            <button type="button" class="button" on:click=move |_| open.set(false)>"Cancel"</button>
            <button
                type="button"
                class="button button--primary"
                disabled=move || action.pending().get()
                on:click=move_here
            >
                "Move here"
            </button>
        </div>
    }
    .into_any()
}

/// One level of the picker: the path to it (buttons back up) and its
/// folders (buttons that open them).
#[component]
fn Picker(
    page: FolderPage,
    at: RwSignal<Option<FolderId>>,
    space: Signal<String>,
    /// The person changed levels: this one takes the focus.
    moved: RwSignal<bool>,
) -> impl IntoView {
    let group = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(group) = group.get() {
            if moved.get_untracked() {
                request_animation_frame(move || {
                    let _ = group.focus();
                });
            }
        }
    });
    let here = path_label(page.path.iter().map(|c| c.name.as_str()));
    let last = page.path.len();
    let up = page
        .path
        .iter()
        .enumerate()
        .map(|(i, crumb)| {
            let id = crumb.id;
            let current = (i + 1 == last).then_some("location");
            view! {
                <li>
                    <button type="button" class="button button--link" aria-current=current on:click=move |_| at.set(Some(id))>
                        {crumb.name.clone()}
                    </button>
                </li>
            }
        })
        .collect_view();
    // Past the first page of a level, "More folders" reads the next one.
    let folders = RwSignal::new(page.folders);
    let next = RwSignal::new(page.next);
    let parent = at.get_untracked();
    let load_more = move |_| {
        let Some(after) = next.get_untracked() else {
            return;
        };
        let space = space.get_untracked();
        leptos::task::spawn_local(async move {
            if let Ok(more) = list_folders(space, parent, Some(after)).await {
                folders.update(|f| f.extend(more.folders));
                next.set(more.next);
            }
        });
    };
    let more = move || {
        next.get().is_some().then(|| {
            view! { <button type="button" class="button button--link" on:click=load_more>"More folders"</button> }
        })
    };
    view! {
        <div class="picker" role="group" aria-label="Folder picker" tabindex="-1" node_ref=group>
            <nav class="breadcrumb picker__where" aria-label="Destination">
                <ol>
                    <li>
                        <button type="button" class="button button--link" aria-current=(last == 0).then_some("location") on:click=move |_| at.set(None)>
                            {TOP_LEVEL}
                        </button>
                    </li>
                    {up}
                </ol>
            </nav>
            {
                let label = format!("Folders in {here}");
                move || {
                    if folders.with(Vec::is_empty) {
                        view! { <p class="picker__empty">"No folders in here."</p> }.into_any()
                    } else {
                        view! {
                            <ul aria-label=label.clone()>
                                {folders.get().into_iter().map(|folder| view! { <PickerFolder folder at /> }).collect_view()}
                            </ul>
                        }
                        .into_any()
                    }
                }
            }
            {more}
        </div>
        <p class="picker__where">"Destination: " <strong>{here}</strong></p>
    }
}

#[component]
fn PickerFolder(folder: Folder, at: RwSignal<Option<FolderId>>) -> impl IntoView {
    let id = folder.id;
    view! {
        <li>
            <button
                type="button"
                class="picker__folder"
                aria-label=format!("Open {}", folder.name)
                on:click=move |_| at.set(Some(id))
            >
                <span>{folder.name.clone()}</span>
                <span class="muted">{items_count(folder.items.max(0) as u64)}</span>
            </button>
        </li>
    }
}
