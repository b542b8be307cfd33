//! IEEE 802.1X EAPOL frames (IEEE 802.1X-2010 11.3) and the EAPOL-Key body
//! (IEEE 802.11-2020 12.7.2).

pub mod kde;
pub mod key;

pub use key::{EapolKey, KeyInfo, KeyMsg};

/// Ethertype of EAPOL frames.
pub const ETHERTYPE: u16 = 0x888e;

/// EAPOL packet types.
pub const PACKET_TYPE_EAP: u8 = 0;
pub const PACKET_TYPE_START: u8 = 1;
pub const PACKET_TYPE_LOGOFF: u8 = 2;
pub const PACKET_TYPE_KEY: u8 = 3;

/// Bytes before the body: version, packet type, body length.
pub const HEADER_LEN: usize = 4;

/// The EAPOL header of `frame`: (version, packet type, body length).
pub fn header(frame: &[u8]) -> Option<(u8, u8, u16)> {
    let version = *frame.first()?;
    let packet_type = *frame.get(1)?;
    let body_length = super::u16_be(frame, 2)?;
    Some((version, packet_type, body_length))
}
