//! Widgets and page chrome shared by every feature.

pub mod confirm_dialog;
pub mod error_notice;
pub mod listing;
pub mod listing_page;
pub mod local_time;
pub mod modal;
pub mod not_found;
pub mod page_ready;
pub mod pagination;
pub mod search_field;
pub mod select_all_matching;
pub mod selection;
pub mod selection_checkboxes;
pub mod selection_toolbar;
pub mod status_message;
