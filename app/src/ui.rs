//! Widgets and page chrome shared by every feature.

pub mod error_notice;
pub mod layout;
pub mod not_found;
pub mod selection;
pub mod selection_checkboxes;
pub mod selection_toolbar;
