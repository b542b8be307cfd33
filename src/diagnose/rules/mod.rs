//! The rules, one file each, named after the finding id they produce.

pub mod anonce_changed;
pub mod ap_ignored_m2;
pub mod ap_not_found;
pub mod group_key_timeout;
pub mod handshake_ok;
pub mod incomplete_capture;
pub mod key_descriptor_mismatch;
pub mod m1_unanswered;
pub mod m2_not_received;
pub mod m3_not_received;
pub mod m3_rejected;
pub mod m4_lost;
pub mod no_handshake;
pub mod psk_mismatch;
pub mod replay_counter;
pub mod rsn_ie_mismatch_m2;
pub mod rsn_ie_mismatch_m3;
pub mod sae_failure;
pub mod suspicious_frames;
pub mod wrong_key_given;
