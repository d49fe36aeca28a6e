//! The Assets page and its parts.

mod asset_table;
mod assets_page;
mod pagination;
mod search_box;

pub use assets_page::AssetsPage;
