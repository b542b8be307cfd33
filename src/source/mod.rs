//! source layer.
