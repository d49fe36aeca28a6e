use leptos::prelude::*;

use crate::trash::api::{empty_trash, EmptyTrash};
use crate::trash::model::{
    emptied_summary, empty_trash_text, EmptyTrashOutcome, TrashMatching, TrashPage, TrashQuery,
};
use crate::ui::confirm_dialog::{refusal, ConfirmDialog};
use crate::ui::listing_page::ListingPage;
use crate::ui::select_all_matching::changed_count;

/// The Trash page's listing state.
type TrashListing = ListingPage<TrashQuery, TrashMatching, TrashPage>;

/// "Empty Trash", for Owner and Admin, beside the listing: opens the
/// dialog. Not shown while Trash is empty (with a filter the page cannot
/// tell, and it shows).
#[component]
pub fn EmptyTrashButton(
    page: TrashPage,
    query: Memo<TrashQuery>,
    open: RwSignal<bool>,
) -> impl IntoView {
    let empty =
        page.total == 0 && page.folder_total == 0 && !query.with_untracked(TrashQuery::is_filtered);
    (!empty).then(|| {
        view! {
            <div class="trash__actions">
                <button type="button" class="button button--danger" on:click=move |_| open.set(true)>
                    "Empty Trash"
                </button>
            </div>
        }
    })
}

/// What the dialog knows of Trash: asked with a dry run as it opens, and
/// again after a 409.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Holds {
    Asking,
    Read(EmptyTrashOutcome),
    Failed(String),
}

/// The dialog's state that its asking part (code fetched when it first
/// shows) reads and sets.
#[derive(Clone, Copy)]
struct AskState {
    space: Signal<String>,
    holds: RwSignal<Holds>,
    action: ServerAction<EmptyTrash>,
}

/// "Empty Trash": says how many items (and bytes) go, sends the number
/// the person saw as `expected_count`, and on a 409 shows the number now
/// to confirm again. Success closes it, refreshes Trash and says what went.
#[component]
pub fn EmptyTrashDialog(
    open: RwSignal<bool>,
    listing: TrashListing,
    message: RwSignal<Option<Result<String, String>>>,
) -> impl IntoView {
    let action = ServerAction::<EmptyTrash>::new();
    let state = AskState {
        space: listing.space,
        holds: RwSignal::new(Holds::Asking),
        action,
    };
    // Each opening starts afresh: no last refusal, Trash asked again.
    Effect::new(move |was_open: Option<bool>| {
        let is_open = open.get();
        if is_open && was_open != Some(true) {
            message.set(None);
            action.value().set(None);
            state.holds.set(Holds::Asking);
        }
        is_open
    });
    // Not `after_change`: a 409 here is no news for "all matching".
    let (selection, refetch) = (listing.selection, listing.refetch);
    Effect::new(move |_| {
        if let Some(Ok(outcome)) = action.value().get() {
            open.set(false);
            selection.clear();
            message.set(Some(Ok(emptied_summary(outcome.items))));
            refetch.bump();
        }
    });
    let on_confirm = Callback::new(move |()| {
        if let Holds::Read(read) = state.holds.get_untracked() {
            action.dispatch(EmptyTrash {
                space: state.space.get_untracked(),
                expected_count: Some(read.items),
                dry_run: None,
            });
        }
    });
    let text = Signal::derive(move || match state.holds.get() {
        Holds::Asking => "Counting what is in Trash…".to_owned(),
        Holds::Read(read) => empty_trash_text(read.items, read.bytes),
        Holds::Failed(error) => error,
    });
    let blocked = Signal::derive(move || !matches!(state.holds.get(), Holds::Read(_)));
    let extra = ViewFn::from(move || {
        view! {
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move { asking_part(state).await })}
            </Suspense>
        }
    });
    view! {
        <ConfirmDialog
            id="empty-trash"
            title="Empty Trash"
            text
            confirm_label="Empty Trash"
            pending_label="Emptying…"
            open
            pending=action.pending()
            error=refusal(action)
            on_confirm
            blocked
            extra
        />
    }
}

/// The part of the dialog that asks the server what Trash holds (a dry
/// run), code of its own (`#[lazy]`): as it shows, and again after a 409
/// (items arrived or left since), so the sentence names the number now.
#[lazy]
fn asking_part(state: AskState) -> AnyView {
    let AskState {
        space,
        holds,
        action,
    } = state;
    let ask = move || {
        holds.set(Holds::Asking);
        let space = space.get_untracked();
        leptos::task::spawn_local(async move {
            let answer = empty_trash(space, None, Some(true)).await;
            holds.set(match answer {
                Ok(read) => Holds::Read(read),
                Err(error) => Holds::Failed(error.to_string()),
            });
        });
    };
    ask();
    Effect::new(move |_| {
        if action.value().with(changed_count).is_some() {
            ask();
        }
    });
    ().into_any()
}
