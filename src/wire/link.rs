//! Link-layer decapsulation: from a capture record of some link type to an
//! 802.11 frame (with radio metadata) or an Ethernet frame.

use crate::wire::{MacAddr, Result};

/// A pcap/pcapng link type (LINKTYPE_* from tcpdump.org).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LinkType(pub u32);

impl LinkType {
    pub const ETHERNET: LinkType = LinkType(1);
    pub const IEEE802_11: LinkType = LinkType(105);
    pub const LINUX_SLL: LinkType = LinkType(113);
    pub const PRISM: LinkType = LinkType(119);
    pub const RADIOTAP: LinkType = LinkType(127);
    pub const AVS: LinkType = LinkType(163);
    pub const PPI: LinkType = LinkType(192);
    pub const LINUX_SLL2: LinkType = LinkType(276);

    pub fn name(self) -> &'static str {
        match self.0 {
            1 => "Ethernet",
            105 => "IEEE 802.11",
            113 => "Linux cooked (SLL)",
            119 => "Prism",
            127 => "radiotap",
            163 => "AVS",
            192 => "PPI",
            276 => "Linux cooked (SLL2)",
            _ => "unknown",
        }
    }

    /// Whether frames of this link type are 802.11 frames seen on the air
    /// (so ACKs, retries and deauthentications can be in the capture).
    pub fn is_wireless(self) -> bool {
        matches!(self.0, 105 | 119 | 127 | 163 | 192)
    }
}

/// What a radio header said about a frame. All optional: raw 802.11 has none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RadioInfo {
    /// The record ends with the 4-byte FCS (already cut off in `Link::Dot11`).
    pub fcs_present: bool,
    /// The receiver flagged the FCS as bad: the frame's bytes are untrustworthy.
    pub bad_fcs: bool,
    pub short_preamble: bool,
    pub freq_mhz: Option<u16>,
    pub signal_dbm: Option<i8>,
    pub noise_dbm: Option<i8>,
    /// Legacy rate in units of 500 kb/s.
    pub rate_500kbps: Option<u8>,
    /// HT/VHT MCS index.
    pub mcs: Option<u8>,
    pub tx_flags: Option<u16>,
}

/// A decapsulated record.
#[derive(Debug, Clone, Copy)]
pub struct Decoded<'a> {
    pub radio: Option<RadioInfo>,
    pub link: Link<'a>,
}

#[derive(Debug, Clone, Copy)]
pub enum Link<'a> {
    /// An 802.11 MAC frame, FCS removed when the header said it was there.
    Dot11(&'a [u8]),
    /// An Ethernet-like frame (Ethernet, SLL, SLL2), VLAN tags removed.
    /// `dst` is zero when the header does not carry it (SLL).
    Ethernet {
        dst: MacAddr,
        src: MacAddr,
        ethertype: u16,
        payload: &'a [u8],
    },
}

/// Decapsulates one record of `linktype`.
pub fn decode(linktype: LinkType, data: &[u8]) -> Result<Decoded<'_>> {
    let _ = (linktype, data);
    Err(crate::wire::Error::Unsupported("link type"))
}
