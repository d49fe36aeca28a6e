use leptos::prelude::*;
use leptos_meta::Title;

use crate::auth::ui::use_current_space;
use crate::domain::routes;
use crate::settings::retention::ui::RetentionForm;
use crate::settings::storage::ui::StorageSection;
use crate::trash::ui::SettingsNav;

/// `/spaces/{space}/settings`: the space's settings, starting with General.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let space = use_current_space().map(|current| current.space);
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
                    <dd><code>{space.as_ref().map(|s| routes::assets(&s.slug))}</code></dd>
                </dl>
                <RetentionForm />
                <StorageSection />
            </section>
        </div>
    }
}
