use leptos::prelude::*;
use leptos_meta::Title;

use crate::auth::ui::{use_current_space, use_space_slug};
use crate::domain::error::AppError;
use crate::domain::roles::Role;
use crate::tokens::api::{list_tokens, RevokeToken};
use crate::tokens::model::ApiToken;
use crate::trash::ui::SettingsNav;
use crate::ui::confirm_dialog::{refusal, ConfirmDialog};
use crate::ui::error_notice::ErrorNotice;
use crate::ui::local_time::LocalTime;
use crate::ui::status_message::StatusMessage;

mod new_token_dialog;

use new_token_dialog::NewTokenDialog;

/// `/spaces/{space}/settings/tokens`: the space's API tokens (Owner and
/// Admin). "New token" makes one and shows it once; each row can be
/// revoked ("Revoke {name}", confirmed by "Revoke Token").
#[component]
pub fn TokensPage() -> impl IntoView {
    let space = use_space_slug();
    let role = use_current_space().map_or(Role::Viewer, |c| c.role);
    let message = RwSignal::new(None::<Result<String, String>>);
    let new_open = RwSignal::new(false);
    let revoking = RwSignal::new(None::<ApiToken>);
    let revoke_open = RwSignal::new(false);
    let revoke = ServerAction::<RevokeToken>::new();
    let changed = RwSignal::new(0_u32);
    let tokens = Resource::new(
        move || (space.get(), changed.get(), revoke.version().get()),
        |(space, ..)| list_tokens(space),
    );
    Effect::new(move |_| {
        if let Some(Ok(token)) = revoke.value().get() {
            revoke_open.set(false);
            message.set(Some(Ok(format!("Token “{}” revoked", token.name))));
        }
    });
    let on_created = Callback::new(move |token: ApiToken| {
        message.set(Some(Ok(format!("Token “{}” created", token.name))));
        changed.update(|n| *n += 1);
    });
    let on_revoke = Callback::new(move |token: ApiToken| {
        message.set(None);
        revoke.value().set(None);
        revoking.set(Some(token));
        revoke_open.set(true);
    });
    let confirm_revoke = Callback::new(move |()| {
        if let Some(token) = revoking.get_untracked() {
            revoke.dispatch(RevokeToken {
                space: space.get_untracked(),
                id: token.id,
            });
        }
    });
    let revoke_text = Signal::derive(move || {
        revoking.get().map_or_else(String::new, |token| {
            format!(
                "“{}” will stop working at once. Systems that use it will be refused until they get a new token.",
                token.name
            )
        })
    });
    view! {
        <Title text="API tokens" />
        <h1>"API tokens"</h1>
        <div class="settings">
            <SettingsNav />
            <section class="settings__panel" aria-label="API tokens">
                <p class="muted">
                    "A token lets another system, such as a CMS, call Trove's API as you, in this space only, with at most the role you choose. Send it as "
                    <code>"Authorization: Bearer …"</code>
                    "."
                </p>
                <p>
                    <button type="button" class="button button--primary" on:click=move |_| {
                        message.set(None);
                        new_open.set(true);
                    }>"New token"</button>
                </p>
                <StatusMessage message />
                <Transition fallback=|| view! { <p class="loading" role="status">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match tokens.await {
                            Ok(list) => view! { <TokenTable tokens=list on_revoke /> }.into_any(),
                            Err(AppError::Forbidden) => view! {
                                <p class="empty">"Only the space's Owners and Admins manage its API tokens."</p>
                            }
                            .into_any(),
                            Err(error) => view! { <ErrorNotice error /> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
        </div>
        <NewTokenDialog open=new_open space roles=role.token_roles() on_created />
        <ConfirmDialog
            id="revoke-token"
            title="Revoke Token"
            text=revoke_text
            confirm_label="Revoke"
            pending_label="Revoking…"
            open=revoke_open
            pending=revoke.pending()
            error=refusal(revoke)
            on_confirm=confirm_revoke
        />
    }
}

/// The live tokens: name, role, who made it, when, when last used, and a
/// "Revoke {name}" button each.
#[component]
fn TokenTable(tokens: Vec<ApiToken>, on_revoke: Callback<ApiToken>) -> impl IntoView {
    if tokens.is_empty() {
        return view! { <p class="empty">"No API tokens yet."</p> }.into_any();
    }
    view! {
        <table class="assets tokens">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Role"</th>
                    <th scope="col" class="wide">"Created by"</th>
                    <th scope="col" class="wide">"Created"</th>
                    <th scope="col">"Last used"</th>
                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                </tr>
            </thead>
            <tbody>
                {tokens
                    .into_iter()
                    .map(|token| {
                        let revoke_label = format!("Revoke {}", token.name);
                        let row = token.clone();
                        view! {
                            <tr>
                                <td>{token.name.clone()}</td>
                                <td>{token.role.label()}</td>
                                <td class="wide">{token.created_by.clone().unwrap_or_else(|| "—".to_owned())}</td>
                                <td class="wide"><LocalTime at=token.created_at /></td>
                                <td>
                                    {match token.last_used_at {
                                        Some(at) => view! { <LocalTime at /> }.into_any(),
                                        None => view! { <span class="muted">"Never"</span> }.into_any(),
                                    }}
                                </td>
                                <td>
                                    <button type="button" class="button" aria-label=revoke_label on:click=move |_| on_revoke.run(row.clone())>
                                        "Revoke"
                                    </button>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
