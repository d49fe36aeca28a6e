//! The Trash page.

mod empty_trash_dialog;
mod settings_nav;
mod trash_page;
mod trash_table;

pub use settings_nav::SettingsNav;
pub use trash_page::TrashPage;
