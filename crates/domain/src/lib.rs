//! Flow HQ's pure core.
//!
//! Nothing in this crate performs I/O: ids, entities, enums, validated value
//! types, the tenant status machine and the bot engine are plain data and
//! plain functions of their inputs (and of the current time, passed in), so
//! they are tested exhaustively without a database or a network.

pub mod bot;
pub mod entities;
#[macro_use]
pub mod enums;
// After `enums`, whose `string_enum!` it uses.
pub mod alerts;
pub mod api_keys;
pub mod calendar;
pub mod digest;
pub mod facts;
pub mod hours;
pub mod ids;
pub mod inbox;
pub mod lifecycle;
pub mod media;
pub mod protocol;
pub mod silence;
pub mod values;
pub mod webhooks;

pub use enums::*;
pub use ids::*;
