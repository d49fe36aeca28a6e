//! The parts of the Assets page, and the details page.

mod asset_details_page;
mod asset_table;
mod breadcrumb;
mod folder_dialogs;
mod search_box;
mod thumbnail;
mod uploader;

pub use asset_details_page::AssetDetailsPage;
pub use asset_table::{folder_href, AssetTable};
pub use breadcrumb::Breadcrumb;
pub use folder_dialogs::{NewFolder, RenameFolderDialog};
pub use search_box::SearchBox;
pub use thumbnail::Thumbnail;
pub use uploader::Uploader;
