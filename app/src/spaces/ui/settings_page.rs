use leptos::prelude::*;
use leptos_meta::Title;

use leptos_router::components::A;

use crate::auth::model::Permission;
use crate::trash::model::RETENTION_DAYS;
use crate::ui::layout::CurrentSpace;

/// `/spaces/{space}/settings`: the space's settings, starting with General.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let space = use_context::<CurrentSpace>().map(|current| current.space);
    view! {
        <Title text="Space Settings" />
        <h1>"Space Settings"</h1>
        <div class="settings">
            <SettingsNav />
            <section class="settings__panel" aria-labelledby="general-heading">
                <h2 id="general-heading">"General"</h2>
                <dl class="facts">
                    <dt>"Space name"</dt>
                    <dd>{space.as_ref().map(|s| s.name.clone())}</dd>
                    <dt>"Address"</dt>
                    <dd><code>{space.as_ref().map(|s| s.assets_path())}</code></dd>
                    <dt>"Trash retention"</dt>
                    <dd>
                        {format!(
                            "Deleted assets stay in Trash for {RETENTION_DAYS} days and can be restored until then. After {RETENTION_DAYS} days they are removed permanently."
                        )}
                    </dd>
                </dl>
            </section>
        </div>
    }
}

/// The settings navigation: "General" and, for people who may delete and
/// restore assets, "Trash".
#[component]
pub fn SettingsNav() -> impl IntoView {
    let current = use_context::<CurrentSpace>();
    let slug = current
        .as_ref()
        .map(|c| c.space.slug.clone())
        .unwrap_or_default();
    let can_delete = current.is_some_and(|c| c.allows(Permission::Delete));
    let general = format!("/spaces/{slug}/settings");
    let trash = format!("/spaces/{slug}/settings/trash");
    view! {
        <nav class="settings__nav" aria-label="Settings">
            <A href=general exact=true>"General"</A>
            {can_delete.then(|| view! { <A href=trash>"Trash"</A> })}
        </nav>
    }
}
