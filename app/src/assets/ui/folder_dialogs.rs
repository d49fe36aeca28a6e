use leptos::prelude::*;

use crate::assets::folders::api::{CreateFolder, RenameFolder};
use crate::assets::folders::model::Folder;
use crate::domain::ids::FolderId;
use crate::ui::modal::Modal;

/// What a folder-name dialog does with the name.
#[derive(Clone, Copy)]
enum NameChange {
    /// A new folder in the folder shown (the top level for `None`).
    Create(Signal<Option<FolderId>>),
    /// A new name for this folder (its id and current name).
    Rename(Signal<Option<(FolderId, String)>>),
}

#[derive(Clone, Copy)]
struct NameProps {
    space: Signal<String>,
    open: RwSignal<bool>,
    busy: RwSignal<bool>,
    change: NameChange,
    confirm: &'static str,
    on_done: Callback<Folder>,
}

/// A dialog asking for a folder's name ("Folder name"), with Cancel and
/// `confirm`; a refused name keeps it open with the server's reason. Its
/// form is code of its own (`#[lazy]`), fetched the first time it opens.
#[component]
fn FolderNameDialog(id: &'static str, title: &'static str, props: NameProps) -> impl IntoView {
    let open = props.open;
    view! {
        <Modal id title open busy=props.busy>
            // Only while open: the server renders the dialog closed.
            <Show when=move || open.get()>
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move { name_form(props).await })}
                </Suspense>
            </Show>
        </Modal>
    }
}

/// The open dialog's form, focused on the name.
#[lazy]
fn name_form(props: NameProps) -> AnyView {
    let NameProps {
        space,
        open,
        busy,
        change,
        confirm,
        on_done,
    } = props;
    let create = ServerAction::<CreateFolder>::new();
    let rename = ServerAction::<RenameFolder>::new();
    let initial = match change {
        NameChange::Create(_) => String::new(),
        NameChange::Rename(folder) => folder.get_untracked().map(|f| f.1).unwrap_or_default(),
    };
    let name = RwSignal::new(initial);
    let pending = move || create.pending().get() || rename.pending().get();
    Effect::new(move |_| busy.set(pending()));
    Effect::new(move |_| {
        let done = match change {
            NameChange::Create(_) => create.value().get(),
            NameChange::Rename(_) => rename.value().get(),
        };
        if let Some(Ok(folder)) = done {
            on_done.run(folder);
        }
    });
    let error = move || {
        let failed = match change {
            NameChange::Create(_) => create.value().get(),
            NameChange::Rename(_) => rename.value().get(),
        };
        failed.and_then(Result::err).map(|e| {
            view! { <p class="notice notice--error" role="alert">{e.to_string()}</p> }
        })
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let (space, name) = (space.get_untracked(), name.get_untracked());
        match change {
            NameChange::Create(parent) => {
                create.dispatch(CreateFolder {
                    space,
                    parent: parent.get_untracked(),
                    name,
                });
            }
            NameChange::Rename(folder) => {
                if let Some((id, _)) = folder.get_untracked() {
                    rename.dispatch(RenameFolder { space, id, name });
                }
            }
        }
    };
    // Shown after the dialog opened: the field takes the focus itself.
    let input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = input.get() {
            // Once it is in the page (a lazy part arrives after the dialog
            // opened).
            request_animation_frame(move || {
                let _ = input.focus();
            });
        }
    });
    view! {
        <form on:submit=submit>
            <label class="field">
                <span>"Folder name"</span>
                <input
                    node_ref=input
                    type="text"
                    name="name"
                    maxlength="255"
                    autocomplete="off"
                    prop:value=move || name.get()
                    on:input=move |event| name.set(event_target_value(&event))
                />
            </label>
            {error}
            <div class="dialog__actions">
                <button type="button" class="button" on:click=move |_| open.set(false)>"Cancel"</button>
                <button type="submit" class="button button--primary" disabled=pending>
                    {confirm}
                </button>
            </div>
        </form>
    }
    .into_any()
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
    let on_done = Callback::new(move |folder| {
        open.set(false);
        on_created.run(folder);
    });
    let props = NameProps {
        space,
        open,
        busy: RwSignal::new(false),
        change: NameChange::Create(parent),
        confirm: "Create",
        on_done,
    };
    view! {
        <button type="button" class="button" on:click=move |_| open.set(true)>"New folder"</button>
        <FolderNameDialog id="new-folder" title="New Folder" props />
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
    let on_done = Callback::new(move |folder| {
        open.set(false);
        on_renamed.run(folder);
    });
    let props = NameProps {
        space,
        open,
        busy: RwSignal::new(false),
        change: NameChange::Rename(folder),
        confirm: "Rename",
        on_done,
    };
    view! { <FolderNameDialog id="rename-folder" title="Rename Folder" props /> }
}
