//! The Assets page and its parts.

mod asset_details_page;
mod asset_table;
mod assets_page;
mod delete_assets_dialog;
mod search_box;
mod trash_notice;
mod uploader;

pub use asset_details_page::AssetDetailsPage;
pub use assets_page::AssetsPage;
