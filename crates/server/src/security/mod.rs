//! Defences at the edge of the control plane: response headers for the
//! browser ([`headers`]), limits on connections ([`connections`]), errors
//! the framework makes in the API's shape ([`api_errors`]), a private data
//! dir ([`files`]) and an orderly stop ([`shutdown`]).

pub mod api_errors;
pub mod connections;
pub mod files;
pub mod headers;
pub mod shutdown;
