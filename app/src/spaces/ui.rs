//! Space pages and widgets.

mod home;
mod settings_page;
mod space_switcher;

pub use home::Home;
pub use settings_page::{SettingsNav, SettingsPage};
pub use space_switcher::SpaceSwitcher;
