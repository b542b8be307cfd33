//! source layer.
pub mod supplicant_conf;
