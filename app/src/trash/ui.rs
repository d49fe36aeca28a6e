//! The Trash page.

mod trash_page;

pub use trash_page::TrashPage;
