//! The retention field of Space Settings → General.

use leptos::prelude::*;

use super::api::PutSpaceSettings;
use crate::auth::model::Permission;
use crate::auth::ui::use_current_space;
use crate::spaces::model::{DEFAULT_RETENTION_DAYS, MAX_RETENTION_DAYS, MIN_RETENTION_DAYS};
use crate::ui::status_message::StatusMessage;

/// "Keep deleted items for (days)", 1 to 365, with "Save" for Owner and
/// Admin (others see the number, read-only). A saved change updates what
/// the rest of the space's pages promise (the Delete Assets dialog) at
/// once, and a status message says what it applies to.
#[component]
pub fn RetentionForm() -> impl IntoView {
    let current = use_current_space();
    let can_change = current
        .as_ref()
        .is_some_and(|c| c.allows(Permission::Manage));
    let slug = current
        .as_ref()
        .map(|c| c.space.slug.clone())
        .unwrap_or_default();
    let saved_days = current
        .as_ref()
        .map(|c| c.retention_days)
        .unwrap_or_else(|| RwSignal::new(DEFAULT_RETENTION_DAYS));
    let value = RwSignal::new(saved_days.get_untracked().to_string());
    let save = ServerAction::<PutSpaceSettings>::new();
    let message = RwSignal::new(None::<Result<String, String>>);
    Effect::new(move |_| match save.value().get() {
        Some(Ok(saved)) => {
            saved_days.set(saved.retention_days);
            value.set(saved.retention_days.to_string());
            message.set(Some(Ok(saved.summary())));
        }
        Some(Err(error)) => message.set(Some(Err(error.to_string()))),
        None => {}
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        message.set(None);
        let text = value.get_untracked();
        // The field's own checks come first; a number it lets through that
        // is still out of range is refused by the server with the same words.
        match text.trim().parse::<i64>() {
            Ok(days) => {
                save.dispatch(PutSpaceSettings {
                    space: slug.clone(),
                    retention_days: days,
                });
            }
            Err(_) => message.set(Some(Err(format!(
                "Keep deleted items for {MIN_RETENTION_DAYS} to {MAX_RETENTION_DAYS} days: enter a whole number."
            )))),
        }
    };
    view! {
        <form class="retention" on:submit=submit>
            <label class="field">
                <span>"Keep deleted items for (days)"</span>
                <input
                    type="number"
                    name="retention_days"
                    inputmode="numeric"
                    min=MIN_RETENTION_DAYS.to_string()
                    max=MAX_RETENTION_DAYS.to_string()
                    step="1"
                    required=true
                    readonly=!can_change
                    aria-describedby="retention-help"
                    prop:value=move || value.get()
                    on:input=move |event| value.set(event_target_value(&event))
                />
            </label>
            <p id="retention-help" class="muted">
                {move || format!(
                    "Deleted items stay in Trash for {} and can be restored until then; after that they are removed permanently.",
                    crate::domain::format::days(saved_days.get()),
                )}
                " A longer time applies to what is in Trash now, a shorter one to what is deleted after the change."
            </p>
            {can_change.then(|| view! {
                <button type="submit" class="button button--primary" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { "Saving…" } else { "Save" }}
                </button>
            })}
            <StatusMessage message />
        </form>
    }
}
