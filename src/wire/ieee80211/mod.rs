//! IEEE 802.11 MAC frames (IEEE 802.11-2020 9.2-9.6) and elements (9.4.2).

pub mod elements;

use crate::wire::{MacAddr, Result};
pub use elements::Elements;

/// Frame type and subtype, from the Frame Control field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameControl(pub u16);

impl FrameControl {
    /// 0 management, 1 control, 2 data, 3 extension.
    pub fn frame_type(self) -> u8 {
        ((self.0 >> 2) & 0x3) as u8
    }
    pub fn subtype(self) -> u8 {
        ((self.0 >> 4) & 0xf) as u8
    }
    pub fn to_ds(self) -> bool {
        self.0 & 0x0100 != 0
    }
    pub fn from_ds(self) -> bool {
        self.0 & 0x0200 != 0
    }
    pub fn retry(self) -> bool {
        self.0 & 0x0800 != 0
    }
    pub fn protected(self) -> bool {
        self.0 & 0x4000 != 0
    }
    pub fn order(self) -> bool {
        self.0 & 0x8000 != 0
    }
}

/// A decoded 802.11 frame: header fields plus the body as far as a
/// handshake diagnosis needs it.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    pub fc: FrameControl,
    pub duration: u16,
    pub addr1: MacAddr,
    pub addr2: Option<MacAddr>,
    pub addr3: Option<MacAddr>,
    pub addr4: Option<MacAddr>,
    /// Sequence Control (sequence number << 4 | fragment number).
    pub sequence_control: Option<u16>,
    pub qos_control: Option<u16>,
    pub body: Body<'a>,
}

impl<'a> Frame<'a> {
    /// Receiver address (addr1).
    pub fn ra(&self) -> MacAddr {
        self.addr1
    }
    /// Transmitter address (addr2), absent in ACK and CTS.
    pub fn ta(&self) -> Option<MacAddr> {
        self.addr2
    }
    /// BSSID by the To/From DS bits; `None` for WDS (4-address) and control.
    pub fn bssid(&self) -> Option<MacAddr> {
        match (self.fc.frame_type(), self.fc.to_ds(), self.fc.from_ds()) {
            (1, _, _) => None,
            (_, false, false) => self.addr3,
            (_, true, false) => Some(self.addr1),
            (_, false, true) => self.addr2,
            (_, true, true) => None,
        }
    }
    pub fn retry(&self) -> bool {
        self.fc.retry()
    }
    pub fn sequence_number(&self) -> Option<u16> {
        self.sequence_control.map(|sc| sc >> 4)
    }
    /// Short name of the frame kind, as used in `wpadiag frames` JSON.
    pub fn kind(&self) -> &'static str {
        self.body.kind()
    }
}

#[derive(Debug, Clone, Copy)]
pub enum Body<'a> {
    Beacon {
        elements: Elements<'a>,
    },
    ProbeResponse {
        elements: Elements<'a>,
    },
    ProbeRequest {
        elements: Elements<'a>,
    },
    Authentication {
        algorithm: u16,
        sequence: u16,
        status: u16,
        /// Algorithm-specific fields (SAE commit/confirm) and elements.
        rest: &'a [u8],
    },
    AssociationRequest {
        reassociation: bool,
        elements: Elements<'a>,
    },
    AssociationResponse {
        reassociation: bool,
        status: u16,
        aid: u16,
        elements: Elements<'a>,
    },
    Deauthentication {
        reason: u16,
    },
    Disassociation {
        reason: u16,
    },
    Action {
        category: u8,
        body: &'a [u8],
    },
    OtherManagement,
    Ack,
    Cts,
    Rts,
    BlockAck,
    BlockAckRequest,
    OtherControl,
    /// A data frame; `eapol` is the EAPOL frame behind LLC/SNAP 88-8E when
    /// the frame is not protected.
    Data {
        protected: bool,
        null: bool,
        eapol: Option<&'a [u8]>,
    },
    Extension,
}

impl Body<'_> {
    pub fn kind(&self) -> &'static str {
        match self {
            Body::Beacon { .. } => "beacon",
            Body::ProbeResponse { .. } => "probe-response",
            Body::ProbeRequest { .. } => "probe-request",
            Body::Authentication { .. } => "auth",
            Body::AssociationRequest {
                reassociation: false,
                ..
            } => "assoc-request",
            Body::AssociationRequest {
                reassociation: true,
                ..
            } => "reassoc-request",
            Body::AssociationResponse {
                reassociation: false,
                ..
            } => "assoc-response",
            Body::AssociationResponse {
                reassociation: true,
                ..
            } => "reassoc-response",
            Body::Deauthentication { .. } => "deauth",
            Body::Disassociation { .. } => "disassoc",
            Body::Action { .. } => "action",
            Body::OtherManagement => "management",
            Body::Ack => "ack",
            Body::Cts => "cts",
            Body::Rts => "rts",
            Body::BlockAck => "block-ack",
            Body::BlockAckRequest => "block-ack-request",
            Body::OtherControl => "control",
            Body::Data { eapol: Some(_), .. } => "eapol",
            Body::Data { null: true, .. } => "null-data",
            Body::Data { .. } => "data",
            Body::Extension => "extension",
        }
    }
}

/// Decodes an 802.11 frame (without FCS).
pub fn parse(bytes: &[u8]) -> Result<Frame<'_>> {
    let _ = bytes;
    Err(crate::wire::Error::Unsupported("802.11 frame"))
}
