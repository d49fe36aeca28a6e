//! The Trash page.

mod settings_nav;
mod trash_page;
mod trash_table;

pub use settings_nav::SettingsNav;
pub use trash_page::TrashPage;
