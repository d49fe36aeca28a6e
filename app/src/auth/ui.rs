//! Sign-in page and the header's account controls.

mod login_page;
mod sign_in_redirect;
mod user_menu;

pub use login_page::LoginPage;
pub use sign_in_redirect::SignInRedirect;
pub use user_menu::UserMenu;
