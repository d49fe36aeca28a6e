use leptos::prelude::*;

use crate::assets::folders::api::CreateFolder;
use crate::assets::folders::model::Folder;
use crate::ids::FolderId;
use crate::ui::modal::Modal;

/// "New folder": a button, and the dialog "New Folder" with "Folder name"
/// and "Create". The folder is made in `parent` (the folder shown); a
/// refused name keeps the dialog open with the reason.
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
    let error = move || {
        create
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| view! { <p class="notice notice--error" role="alert">{e.to_string()}</p> })
    };
    let show = move |_| {
        create.value().set(None);
        name.set(String::new());
        open.set(true);
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        create.dispatch(CreateFolder {
            space: space.get_untracked(),
            parent: parent.get_untracked(),
            name: name.get_untracked(),
        });
    };
    view! {
        <button type="button" class="button" on:click=show>"New folder"</button>
        <Modal id="new-folder" title="New Folder" open busy=create.pending()>
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
                {error}
                <div class="dialog__actions">
                    <button type="button" class="button" on:click=move |_| open.set(false)>"Cancel"</button>
                    <button
                        type="submit"
                        class="button button--primary"
                        disabled=move || create.pending().get()
                    >
                        "Create"
                    </button>
                </div>
            </form>
        </Modal>
    }
}
