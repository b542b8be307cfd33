//! source layer.

pub mod log;
