use leptos::prelude::*;

use crate::assets::folders::api::{CreateFolder, RenameFolder};
use crate::assets::folders::model::Folder;
use crate::error::AppError;
use crate::ids::FolderId;
use crate::ui::modal::Modal;

/// A dialog asking for a folder's name ("Folder name"), with Cancel and
/// `confirm`; a refused name keeps it open with the server's reason.
#[component]
fn FolderNameDialog(
    id: &'static str,
    title: &'static str,
    confirm: &'static str,
    open: RwSignal<bool>,
    name: RwSignal<String>,
    #[prop(into)] pending: Signal<bool>,
    #[prop(into)] error: Signal<Option<AppError>>,
    on_submit: Callback<String>,
) -> impl IntoView {
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        on_submit.run(name.get_untracked());
    };
    view! {
        <Modal id title open busy=pending>
            <form on:submit=submit>
                <label class="field">
                    <span>"Folder name"</span>
                    <input
                        type="text"
                        name="name"
                        maxlength="255"
                        autocomplete="off"
                        prop:value=move || name.get()
                        on:input=move |event| name.set(event_target_value(&event))
                    />
                </label>
                {move || error.get().map(|e| view! {
                    <p class="notice notice--error" role="alert">{e.to_string()}</p>
                })}
                <div class="dialog__actions">
                    <button type="button" class="button" on:click=move |_| open.set(false)>"Cancel"</button>
                    <button type="submit" class="button button--primary" disabled=move || pending.get()>
                        {confirm}
                    </button>
                </div>
            </form>
        </Modal>
    }
}

/// The failure of an action's last run, if it failed.
fn failure<A>(action: ServerAction<A>) -> Signal<Option<AppError>>
where
    A: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    A::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(Result::err))
}

/// "New folder": a button, and the dialog "New Folder" with "Folder name"
/// and "Create". The folder is made in `parent` (the folder shown).
#[component]
pub fn NewFolder(
    space: Signal<String>,
    parent: Signal<Option<FolderId>>,
    on_created: Callback<Folder>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let name = RwSignal::new(String::new());
    let create = ServerAction::<CreateFolder>::new();
    Effect::new(move |_| {
        if let Some(Ok(folder)) = create.value().get() {
            open.set(false);
            on_created.run(folder);
        }
    });
    let show = move |_| {
        create.value().set(None);
        name.set(String::new());
        open.set(true);
    };
    let on_submit = Callback::new(move |name: String| {
        create.dispatch(CreateFolder {
            space: space.get_untracked(),
            parent: parent.get_untracked(),
            name,
        });
    });
    view! {
        <button type="button" class="button" on:click=show>"New folder"</button>
        <FolderNameDialog
            id="new-folder"
            title="New Folder"
            confirm="Create"
            open
            name
            pending=create.pending()
            error=failure(create)
            on_submit
        />
    }
}

/// The dialog "Rename Folder" ("Folder name", "Rename") for the folder
/// `folder` (its id and current name), opened by the page.
#[component]
pub fn RenameFolderDialog(
    space: Signal<String>,
    open: RwSignal<bool>,
    folder: Signal<Option<(FolderId, String)>>,
    on_renamed: Callback<Folder>,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let rename = ServerAction::<RenameFolder>::new();
    Effect::new(move |_| {
        if open.get() {
            rename.value().set(None);
            name.set(
                folder
                    .get_untracked()
                    .map(|(_, name)| name)
                    .unwrap_or_default(),
            );
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(renamed)) = rename.value().get() {
            open.set(false);
            on_renamed.run(renamed);
        }
    });
    let on_submit = Callback::new(move |name: String| {
        if let Some((id, _)) = folder.get_untracked() {
            rename.dispatch(RenameFolder {
                space: space.get_untracked(),
                id,
                name,
            });
        }
    });
    view! {
        <FolderNameDialog
            id="rename-folder"
            title="Rename Folder"
            confirm="Rename"
            open
            name
            pending=rename.pending()
            error=failure(rename)
            on_submit
        />
    }
}
