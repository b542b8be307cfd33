//! diagnose layer.
