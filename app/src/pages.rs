//! Pages that combine features: the frame around every space page (the
//! header's space switcher and account menu, the main navigation), the
//! home redirect, Space Settings (General and API tokens), and the Assets page, where assets are
//! listed, uploaded and moved to Trash. Nothing below imports from here.

mod assets_page;
mod home;
mod layout;
mod settings_page;
mod space_switcher;
mod tokens_page;

pub use assets_page::AssetsPage;
pub use home::Home;
pub use layout::SpaceLayout;
pub use settings_page::SettingsPage;
pub use tokens_page::TokensPage;
