//! The Trash page.

mod settings_nav;
mod trash_page;

pub use settings_nav::SettingsNav;
pub use trash_page::TrashPage;
