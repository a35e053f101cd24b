//! Who is asking: admin bearer tokens, user sessions, password hashing.

mod admin;
pub mod password;
mod secret;

pub use admin::{Actor, Admin};
pub use secret::Secret;
