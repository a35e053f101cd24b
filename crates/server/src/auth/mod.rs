//! Who is asking: admin bearer tokens, login sessions, the trusted-header
//! portal mode, password hashing and policy, login throttling, refusing
//! cross-origin requests.

mod admin;
pub mod api_key;
pub mod cross_site;
mod owner;
pub mod password;
pub mod password_policy;
pub mod rate_limit;
mod secret;
pub mod session;

pub use admin::{Actor, Admin};
pub use api_key::ApiCaller;
pub use owner::{INTERNAL_KEY_HEADER, Member, Owner, USER_EMAIL_HEADER};
pub use secret::Secret;
