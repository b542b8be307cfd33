//! wpadiag: why a WPA/WPA2/WPA3 4-way handshake fails, and the proof.
//!
//! Data flows one way through the layers, each using only those before it:
//! `source` (files, sockets, logs) -> `wire` (decoders over borrowed bytes and
//! log lines) -> `crypto` (key hierarchy) -> `handshake` (per-link timeline of
//! normalized events, both sides' checks) -> `diagnose` (one rule per failure
//! mode) -> `report` (text, Markdown, JSON, redaction).
//!
//! Decoding an EAPOL-Key frame and naming its message, as the receiving
//! side would:
//!
//! ```
//! use wpadiag::wire::eapol::{EapolKey, KeyMsg};
//! // Message 1 of 4: EAPOL v2, type Key, body 95 bytes, RSN descriptor,
//! // Key Information 0x008a (pairwise, ack, version 2), replay counter 1.
//! let mut frame = vec![0x02, 0x03, 0x00, 0x5f, 0x02, 0x00, 0x8a, 0x00, 0x10];
//! frame.extend_from_slice(&1u64.to_be_bytes());
//! frame.extend_from_slice(&[0xa5; 32]); // ANonce
//! frame.extend_from_slice(&[0; 16 + 8 + 8 + 16 + 2]); // IV, RSC, ID, MIC, key data length
//! let key = EapolKey::new_checked(&frame[..], 16).unwrap();
//! assert_eq!(key.message(), KeyMsg::M1);
//! assert_eq!(key.replay_counter(), 1);
//! assert_eq!(key.key_nonce(), [0xa5; 32]);
//! ```
// `deny`, not `forbid`: crypto::sha1_ni allows it for the SHA-NI intrinsics
// that make PBKDF2 fast enough for the typo search, and the capture reader
// for one prefetch hint.
#![deny(unsafe_code)]

pub mod crypto;
pub mod diagnose;
pub mod handshake;
pub mod report;
pub mod source;
pub mod wire;
