//! The Assets page and its parts.

mod asset_table;
mod assets_page;
mod delete_assets_dialog;
mod search_box;
mod trash_notice;

pub use assets_page::AssetsPage;
