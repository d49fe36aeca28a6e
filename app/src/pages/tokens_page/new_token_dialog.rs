use leptos::prelude::*;

use crate::domain::roles::Role;
use crate::tokens::api::CreateToken;
use crate::tokens::model::{ApiToken, MAX_TOKEN_NAME_CHARS};
use crate::ui::modal::Modal;

/// "New API Token": "Token name", "Role" (the roles the person may give:
/// theirs or lower, Admin at most) and "Create"; then the token, once, in
/// a read-only "Token" field with "Done".
#[component]
pub fn NewTokenDialog(
    open: RwSignal<bool>,
    space: Signal<String>,
    roles: Vec<Role>,
    on_created: Callback<ApiToken>,
) -> impl IntoView {
    let busy = RwSignal::new(false);
    let roles = StoredValue::new(roles);
    view! {
        <Modal id="new-token" title="New API Token" open busy>
            // Only while open: each opening starts a new form, and the
            // token shown goes with the dialog.
            <Show when=move || open.get()>
                <NewTokenForm open busy space roles=roles.get_value() on_created />
            </Show>
        </Modal>
    }
}

#[component]
fn NewTokenForm(
    open: RwSignal<bool>,
    busy: RwSignal<bool>,
    space: Signal<String>,
    roles: Vec<Role>,
    on_created: Callback<ApiToken>,
) -> impl IntoView {
    let create = ServerAction::<CreateToken>::new();
    let name = RwSignal::new(String::new());
    // A lower role is the safer default: Asset Manager where it may be
    // given, else the one role there is.
    let initial = if roles.contains(&Role::AssetManager) {
        Role::AssetManager
    } else {
        roles.first().copied().unwrap_or(Role::Viewer)
    };
    let role = RwSignal::new(initial);
    Effect::new(move |_| busy.set(create.pending().get()));
    Effect::new(move |_| {
        if let Some(Ok(made)) = create.value().get() {
            on_created.run(made.token);
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        create.dispatch(CreateToken {
            space: space.get_untracked(),
            name: name.get_untracked(),
            role: role.get_untracked(),
        });
    };
    let input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = input.get() {
            request_animation_frame(move || {
                let _ = input.focus();
            });
        }
    });
    let error = move || {
        create
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| view! { <p class="notice notice--error" role="alert">{e.to_string()}</p> })
    };
    let roles = StoredValue::new(roles);
    let options = move || {
        roles
            .get_value()
            .into_iter()
            .map(|r| view! { <option value=r.as_str() selected=r == initial>{r.label()}</option> })
            .collect_view()
    };
    view! {
        {move || match create.value().get() {
            Some(Ok(made)) => view! { <CreatedToken secret=made.secret open /> }.into_any(),
            _ => view! {
                <form on:submit=submit>
                    <label class="field">
                        <span>"Token name"</span>
                        <input
                            node_ref=input
                            type="text"
                            name="name"
                            maxlength=MAX_TOKEN_NAME_CHARS.to_string()
                            autocomplete="off"
                            prop:value=move || name.get()
                            on:input=move |event| name.set(event_target_value(&event))
                        />
                    </label>
                    <label class="field">
                        <span>"Role"</span>
                        <select on:change=move |event| {
                            if let Some(r) = Role::parse(&event_target_value(&event)) {
                                role.set(r);
                            }
                        }>
                            {options()}
                        </select>
                    </label>
                    {error}
                    <div class="dialog__actions">
                        <button type="button" class="button" on:click=move |_| open.set(false)>"Cancel"</button>
                        <button type="submit" class="button button--primary" disabled=move || create.pending().get()>
                            {move || if create.pending().get() { "Creating…" } else { "Create" }}
                        </button>
                    </div>
                </form>
            }
            .into_any(),
        }}
    }
}

/// The token, shown this once, selected for copying.
#[component]
fn CreatedToken(secret: String, open: RwSignal<bool>) -> impl IntoView {
    let field = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(field) = field.get() {
            request_animation_frame(move || {
                let _ = field.focus();
                field.select();
            });
        }
    });
    view! {
        <label class="field">
            <span>"Token"</span>
            <input node_ref=field type="text" readonly value=secret class="token-secret" />
        </label>
        <p class="notice">"Copy it now: you won't see it again"</p>
        <div class="dialog__actions">
            <button type="button" class="button button--primary" on:click=move |_| open.set(false)>"Done"</button>
        </div>
    }
}
