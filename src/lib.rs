//! wpadiag: why a WPA/WPA2/WPA3 4-way handshake fails, and the proof.
//!
//! Data flows one way through the layers, each using only those before it:
//! `source` (files, sockets, logs) -> `wire` (decoders over borrowed bytes and
//! log lines) -> `crypto` (key hierarchy) -> `handshake` (per-link timeline of
//! normalized events, both sides' checks) -> `diagnose` (one rule per failure
//! mode) -> `report` (text, Markdown, JSON, redaction).
#![forbid(unsafe_code)]

pub mod crypto;
pub mod diagnose;
pub mod handshake;
pub mod report;
pub mod source;
pub mod wire;
