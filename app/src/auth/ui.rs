//! Sign-in page, the header's account controls, and the current space.

mod current_space;
mod login_page;
mod sign_in_redirect;
mod user_menu;

pub use current_space::{use_current_space, use_space_slug};
pub use login_page::LoginPage;
pub use sign_in_redirect::SignInRedirect;
pub use user_menu::UserMenu;
