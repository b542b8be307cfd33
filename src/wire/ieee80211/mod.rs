//! IEEE 802.11 MAC frames (IEEE 802.11-2020 9.2-9.6) and elements (9.4.2).

pub mod elements;

use crate::wire::{Error, MacAddr, Result, link::llc_snap, u16_le};
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
    /// A protected (802.11w) Deauthentication, Disassociation or Action
    /// frame: its body is encrypted, so no reason or category is readable.
    ProtectedManagement {
        subtype: u8,
    },
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
            Body::ProtectedManagement { subtype } => match *subtype {
                subtype::DISASSOCIATION => "disassoc",
                subtype::DEAUTHENTICATION => "deauth",
                subtype::ACTION | subtype::ACTION_NO_ACK => "action",
                _ => "management",
            },
        }
    }
}

/// Frame types (Frame Control bits 2-3).
pub mod frame_type {
    pub const MANAGEMENT: u8 = 0;
    pub const CONTROL: u8 = 1;
    pub const DATA: u8 = 2;
    pub const EXTENSION: u8 = 3;
}

/// Subtypes used here (IEEE 802.11-2020 Table 9-1).
pub mod subtype {
    pub const ASSOCIATION_REQUEST: u8 = 0;
    pub const ASSOCIATION_RESPONSE: u8 = 1;
    pub const REASSOCIATION_REQUEST: u8 = 2;
    pub const REASSOCIATION_RESPONSE: u8 = 3;
    pub const PROBE_REQUEST: u8 = 4;
    pub const PROBE_RESPONSE: u8 = 5;
    pub const BEACON: u8 = 8;
    pub const DISASSOCIATION: u8 = 10;
    pub const AUTHENTICATION: u8 = 11;
    pub const DEAUTHENTICATION: u8 = 12;
    pub const ACTION: u8 = 13;
    pub const ACTION_NO_ACK: u8 = 14;
    // Control
    pub const BLOCK_ACK_REQUEST: u8 = 8;
    pub const BLOCK_ACK: u8 = 9;
    pub const PS_POLL: u8 = 10;
    pub const RTS: u8 = 11;
    pub const CTS: u8 = 12;
    pub const ACK: u8 = 13;
}

/// Action categories a diagnosis names (IEEE 802.11-2020 Table 9-51).
pub mod category {
    pub const SPECTRUM_MANAGEMENT: u8 = 0;
    pub const BLOCK_ACK: u8 = 3;
    pub const PUBLIC: u8 = 4;
    pub const FT: u8 = 6;
    pub const SA_QUERY: u8 = 8;
    pub const PROTECTED_DUAL_OF_PUBLIC: u8 = 9;
    pub const WNM: u8 = 10;
    pub const VENDOR_PROTECTED: u8 = 126;
    pub const VENDOR: u8 = 127;

    pub fn name(category: u8) -> &'static str {
        match category {
            0 => "spectrum-management",
            1 => "qos",
            3 => "block-ack",
            4 => "public",
            5 => "radio-measurement",
            6 => "ft",
            7 => "ht",
            8 => "sa-query",
            9 => "protected-dual-of-public",
            10 => "wnm",
            11 => "unprotected-wnm",
            12 => "tdls",
            13 => "mesh",
            19 => "fst",
            21 => "vht",
            30 => "he",
            126 => "vendor-protected",
            127 => "vendor",
            _ => "other",
        }
    }
}

/// Authentication algorithm numbers whose bodies carry SAE fields.
pub const AUTH_ALGORITHM_SAE: u16 = 3;

impl Body<'_> {
    /// For an SAE Authentication frame, "commit" or "confirm" by its
    /// transaction sequence number (IEEE 802.11-2020 12.4.7).
    pub fn sae_message(&self) -> Option<&'static str> {
        match self {
            Body::Authentication {
                algorithm: AUTH_ALGORITHM_SAE,
                sequence,
                ..
            } => match sequence {
                1 => Some("commit"),
                2 => Some("confirm"),
                _ => None,
            },
            _ => None,
        }
    }

    /// For an SA Query Action frame (IEEE 802.11-2020 9.6.9): whether it
    /// is the response, and its transaction identifier.
    pub fn sa_query(&self) -> Option<(bool, u16)> {
        match self {
            Body::Action {
                category: category::SA_QUERY,
                body,
            } => {
                let action = *body.first()?;
                let id = crate::wire::u16_be(body, 1)?;
                (action <= 1).then_some((action == 1, id))
            }
            _ => None,
        }
    }

    /// The element list of management bodies that have one.
    pub fn elements(&self) -> Option<Elements<'_>> {
        match self {
            Body::Beacon { elements }
            | Body::ProbeResponse { elements }
            | Body::ProbeRequest { elements }
            | Body::AssociationRequest { elements, .. }
            | Body::AssociationResponse { elements, .. } => Some(*elements),
            _ => None,
        }
    }
}

fn truncated(what: &'static str, need: usize, have: usize) -> Error {
    Error::Truncated { what, need, have }
}

fn mac_at(bytes: &[u8], at: usize) -> Option<MacAddr> {
    crate::wire::array_at::<6>(bytes, at).map(MacAddr)
}

/// Decodes only the Frame Control field: callers skip frames that cannot
/// matter before paying for the rest.
pub fn frame_control(bytes: &[u8]) -> Option<FrameControl> {
    u16_le(bytes, 0).map(FrameControl)
}

/// Decodes an 802.11 frame (without FCS).
pub fn parse(bytes: &[u8]) -> Result<Frame<'_>> {
    let fc = frame_control(bytes).ok_or(truncated("802.11 header", 10, bytes.len()))?;
    let duration = u16_le(bytes, 2).ok_or(truncated("802.11 header", 10, bytes.len()))?;
    let addr1 = mac_at(bytes, 4).ok_or(truncated("802.11 header", 10, bytes.len()))?;
    let mut frame = Frame {
        fc,
        duration,
        addr1,
        addr2: None,
        addr3: None,
        addr4: None,
        sequence_control: None,
        qos_control: None,
        body: Body::OtherControl,
    };
    match fc.frame_type() {
        frame_type::CONTROL => parse_control(bytes, &mut frame)?,
        frame_type::MANAGEMENT => parse_management(bytes, &mut frame)?,
        frame_type::DATA => parse_data(bytes, &mut frame)?,
        _ => {
            frame.addr2 = mac_at(bytes, 10);
            frame.body = Body::Extension;
        }
    }
    Ok(frame)
}

fn parse_control(bytes: &[u8], frame: &mut Frame<'_>) -> Result<()> {
    let sub = frame.fc.subtype();
    frame.body = match sub {
        subtype::ACK => Body::Ack,
        subtype::CTS => Body::Cts,
        subtype::RTS => Body::Rts,
        subtype::BLOCK_ACK => Body::BlockAck,
        subtype::BLOCK_ACK_REQUEST => Body::BlockAckRequest,
        _ => Body::OtherControl,
    };
    // ACK, CTS and the Control Wrapper carry only the receiver address.
    if !matches!(sub, subtype::ACK | subtype::CTS | 7) && sub >= 4 {
        frame.addr2 =
            Some(mac_at(bytes, 10).ok_or(truncated("802.11 control frame", 16, bytes.len()))?);
    }
    Ok(())
}

/// The three-address header shared by management and data frames.
fn three_addresses(bytes: &[u8], frame: &mut Frame<'_>, what: &'static str) -> Result<()> {
    let (Some(addr2), Some(addr3), Some(sequence)) =
        (mac_at(bytes, 10), mac_at(bytes, 16), u16_le(bytes, 22))
    else {
        return Err(truncated(what, 24, bytes.len()));
    };
    frame.addr2 = Some(addr2);
    frame.addr3 = Some(addr3);
    frame.sequence_control = Some(sequence);
    Ok(())
}

fn parse_management<'a>(bytes: &'a [u8], frame: &mut Frame<'a>) -> Result<()> {
    three_addresses(bytes, frame, "802.11 management header")?;
    // In management frames the Order bit announces a 4-byte HT Control field.
    let header_len = if frame.fc.order() { 28 } else { 24 };
    let body = bytes.get(header_len..).ok_or(truncated(
        "802.11 management header",
        header_len,
        bytes.len(),
    ))?;
    let sub = frame.fc.subtype();
    if frame.fc.protected() {
        frame.body = match sub {
            // Only these can be protected; an encrypted Authentication is
            // shared-key's third message, whose fixed fields stay clear.
            subtype::AUTHENTICATION => auth(body)?,
            _ => Body::ProtectedManagement { subtype: sub },
        };
        return Ok(());
    }
    frame.body = match sub {
        subtype::BEACON => Body::Beacon {
            elements: Elements(fixed(body, 12, "beacon fixed fields")?),
        },
        subtype::PROBE_RESPONSE => Body::ProbeResponse {
            elements: Elements(fixed(body, 12, "probe response fixed fields")?),
        },
        subtype::PROBE_REQUEST => Body::ProbeRequest {
            elements: Elements(body),
        },
        subtype::ASSOCIATION_REQUEST => Body::AssociationRequest {
            reassociation: false,
            elements: Elements(fixed(body, 4, "association request fixed fields")?),
        },
        subtype::REASSOCIATION_REQUEST => Body::AssociationRequest {
            reassociation: true,
            elements: Elements(fixed(body, 10, "reassociation request fixed fields")?),
        },
        subtype::ASSOCIATION_RESPONSE | subtype::REASSOCIATION_RESPONSE => {
            let elements = fixed(body, 6, "association response fixed fields")?;
            Body::AssociationResponse {
                reassociation: sub == subtype::REASSOCIATION_RESPONSE,
                status: u16_le(body, 2).unwrap_or(0),
                aid: u16_le(body, 4).unwrap_or(0) & 0x3fff,
                elements: Elements(elements),
            }
        }
        subtype::AUTHENTICATION => auth(body)?,
        subtype::DEAUTHENTICATION => Body::Deauthentication {
            reason: u16_le(body, 0).ok_or(truncated("deauthentication reason", 2, body.len()))?,
        },
        subtype::DISASSOCIATION => Body::Disassociation {
            reason: u16_le(body, 0).ok_or(truncated("disassociation reason", 2, body.len()))?,
        },
        subtype::ACTION | subtype::ACTION_NO_ACK => {
            let (&category, body) = body
                .split_first()
                .ok_or(truncated("action category", 1, 0))?;
            Body::Action { category, body }
        }
        _ => Body::OtherManagement,
    };
    Ok(())
}

/// Skips `len` bytes of fixed fields and returns what follows.
fn fixed<'a>(body: &'a [u8], len: usize, what: &'static str) -> Result<&'a [u8]> {
    body.get(len..).ok_or(truncated(what, len, body.len()))
}

fn auth(body: &[u8]) -> Result<Body<'_>> {
    let (Some(algorithm), Some(sequence), Some(status)) =
        (u16_le(body, 0), u16_le(body, 2), u16_le(body, 4))
    else {
        return Err(truncated("authentication fixed fields", 6, body.len()));
    };
    Ok(Body::Authentication {
        algorithm,
        sequence,
        status,
        rest: body.get(6..).unwrap_or_default(),
    })
}

/// LLC/SNAP ethertype of EAPOL.
const ETHERTYPE_EAPOL: u16 = 0x888e;

fn parse_data<'a>(bytes: &'a [u8], frame: &mut Frame<'a>) -> Result<()> {
    three_addresses(bytes, frame, "802.11 data header")?;
    let mut header_len = 24;
    if frame.fc.to_ds() && frame.fc.from_ds() {
        frame.addr4 =
            Some(mac_at(bytes, 24).ok_or(truncated("802.11 4-address header", 30, bytes.len()))?);
        header_len = 30;
    }
    let sub = frame.fc.subtype();
    let qos = sub & 0x8 != 0;
    if qos {
        frame.qos_control = Some(u16_le(bytes, header_len).ok_or(truncated(
            "QoS control",
            header_len + 2,
            bytes.len(),
        ))?);
        header_len += 2;
        // QoS frames with the Order bit carry an HT Control field.
        if frame.fc.order() {
            header_len += 4;
        }
    }
    let body =
        bytes
            .get(header_len..)
            .ok_or(truncated("802.11 data header", header_len, bytes.len()))?;
    let null = sub & 0x4 != 0;
    let protected = frame.fc.protected();
    // An A-MSDU (QoS control bit 7) holds subframes, not one LLC header.
    let amsdu = frame.qos_control.is_some_and(|qc| qc & 0x0080 != 0);
    let eapol = if protected || null || amsdu {
        None
    } else {
        match llc_snap(body) {
            Some((ETHERTYPE_EAPOL, eapol)) => Some(eapol),
            _ => None,
        }
    };
    frame.body = Body::Data {
        protected,
        null,
        eapol,
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing, clippy::unwrap_used, clippy::panic)]
    use super::*;

    const AP: [u8; 6] = [0x00, 0x14, 0x6c, 0x7e, 0x40, 0x80];
    const STA: [u8; 6] = [0x00, 0x13, 0x46, 0xfe, 0x32, 0x0c];

    fn header(fc: u16, a1: [u8; 6], a2: [u8; 6], a3: [u8; 6]) -> Vec<u8> {
        let mut frame = fc.to_le_bytes().to_vec();
        frame.extend([0x3a, 0x01]);
        frame.extend(a1);
        frame.extend(a2);
        frame.extend(a3);
        frame.extend([0x30, 0x00]); // sequence 3, fragment 0
        frame
    }

    /// Message 2/4 as a data frame To DS, like frame 3 of aircrack-ng_wpa2.eapol.cap.
    fn eapol_data(fc: u16, qos: bool) -> Vec<u8> {
        let mut frame = header(fc, AP, STA, AP);
        if qos {
            frame.extend([0x07, 0x00]);
        }
        frame.extend([0xaa, 0xaa, 0x03, 0, 0, 0, 0x88, 0x8e]);
        frame.extend([0x01, 0x03, 0x00, 0x5f]);
        frame
    }

    #[test]
    fn data_frame_to_eapol() {
        let bytes = eapol_data(0x0108, false);
        let frame = parse(&bytes).unwrap();
        assert_eq!(frame.ta(), Some(MacAddr(STA)));
        assert_eq!(frame.ra(), MacAddr(AP));
        assert_eq!(frame.bssid(), Some(MacAddr(AP)));
        assert_eq!(frame.sequence_number(), Some(3));
        assert_eq!(frame.kind(), "eapol");
        assert!(matches!(frame.body, Body::Data { eapol: Some(e), .. } if e == [1, 3, 0, 0x5f]));

        // QoS data with the Order bit: QoS control then HT control.
        let mut bytes = header(0x8188, AP, STA, AP);
        bytes.extend([0x06, 0x00, 0, 0, 0, 0]);
        bytes.extend([0xaa, 0xaa, 0x03, 0, 0, 0, 0x88, 0x8e, 2, 3, 0, 0]);
        let frame = parse(&bytes).unwrap();
        assert_eq!(frame.qos_control, Some(6));
        assert!(matches!(frame.body, Body::Data { eapol: Some(e), .. } if e == [2, 3, 0, 0]));

        // Protected: no EAPOL even when the bytes look like it.
        let bytes = eapol_data(0x4108, false);
        let frame = parse(&bytes).unwrap();
        assert!(matches!(
            frame.body,
            Body::Data {
                protected: true,
                eapol: None,
                ..
            }
        ));
    }

    #[test]
    fn four_address_frame_has_no_bssid() {
        let mut bytes = header(0x0388, AP, STA, AP);
        bytes.extend([2, 2, 2, 2, 2, 2]);
        bytes.extend([0, 0]);
        bytes.extend([0xaa, 0xaa, 0x03, 0, 0, 0, 0x88, 0x8e, 1, 3, 0, 0]);
        let frame = parse(&bytes).unwrap();
        assert_eq!(frame.addr4, Some(MacAddr([2; 6])));
        assert_eq!(frame.bssid(), None);
        assert!(matches!(frame.body, Body::Data { eapol: Some(_), .. }));
    }

    #[test]
    fn control_frames_carry_only_what_they_have() {
        let mut ack = vec![0xd4, 0x00, 0, 0];
        ack.extend(STA);
        let frame = parse(&ack).unwrap();
        assert_eq!(frame.kind(), "ack");
        assert_eq!(frame.ta(), None);
        assert_eq!(frame.ra(), MacAddr(STA));
        assert_eq!(frame.bssid(), None);

        let mut rts = vec![0xb4, 0x00, 0, 0];
        rts.extend(AP);
        rts.extend(STA);
        let frame = parse(&rts).unwrap();
        assert_eq!((frame.kind(), frame.ta()), ("rts", Some(MacAddr(STA))));
        assert!(parse(&rts[..12]).is_err());

        let mut ba = vec![0x94, 0x00, 0, 0];
        ba.extend(AP);
        ba.extend(STA);
        ba.extend([0; 4]);
        assert_eq!(parse(&ba).unwrap().kind(), "block-ack");
    }

    #[test]
    fn management_bodies() {
        // Beacon with a hidden (empty) SSID, RSN and DS channel 6.
        let mut beacon = header(0x0080, [0xff; 6], AP, AP);
        beacon.extend([0; 12]);
        beacon.extend([0, 0, 3, 1, 6, 48, 2, 1, 0]);
        let frame = parse(&beacon).unwrap();
        let Body::Beacon { elements } = frame.body else {
            panic!("not a beacon")
        };
        assert_eq!(elements.ssid(), Some(&[][..]));
        assert_eq!(elements.ds_channel(), Some(6));
        assert_eq!(elements.rsn(), Some(&[1, 0][..]));

        let mut auth = header(0x00b0, AP, STA, AP);
        auth.extend([3, 0, 1, 0, 0, 0, 0x13, 0x00]);
        let frame = parse(&auth).unwrap();
        assert!(matches!(
            frame.body,
            Body::Authentication {
                algorithm: 3,
                sequence: 1,
                status: 0,
                rest: [0x13, 0]
            }
        ));
        assert_eq!(frame.body.sae_message(), Some("commit"));

        let mut deauth = header(0x00c0, STA, AP, AP);
        deauth.extend([15, 0]);
        assert!(matches!(
            parse(&deauth).unwrap().body,
            Body::Deauthentication { reason: 15 }
        ));
        assert!(parse(&deauth[..25]).is_err());

        // Protected deauth (802.11w): the reason is encrypted.
        let mut protected = header(0x40c0, STA, AP, AP);
        protected.extend([0; 18]);
        let frame = parse(&protected).unwrap();
        assert!(matches!(
            frame.body,
            Body::ProtectedManagement { subtype: 12 }
        ));
        assert_eq!(frame.kind(), "deauth");

        let mut response = header(0x0010, STA, AP, AP);
        response.extend([0x11, 0x04, 17, 0, 0x01, 0xc0, 1, 1, 0x82]);
        assert!(matches!(
            parse(&response).unwrap().body,
            Body::AssociationResponse {
                reassociation: false,
                status: 17,
                aid: 1,
                ..
            }
        ));

        let mut reassoc = header(0x0020, AP, STA, AP);
        reassoc.extend([0x11, 0x04, 10, 0]);
        reassoc.extend(AP);
        reassoc.extend([0, 4, b't', b'e', b's', b't']);
        let frame = parse(&reassoc).unwrap();
        assert_eq!(frame.kind(), "reassoc-request");
        assert_eq!(frame.body.elements().unwrap().ssid(), Some(&b"test"[..]));

        let mut action = header(0x00d0, AP, STA, AP);
        action.extend([category::SA_QUERY, 0, 1, 2]);
        assert!(matches!(
            parse(&action).unwrap().body,
            Body::Action {
                category: 8,
                body: [0, 1, 2]
            }
        ));
    }

    #[test]
    fn every_cut_is_an_error_or_a_shorter_frame_never_a_panic() {
        let mut frames = vec![eapol_data(0x0108, false), eapol_data(0x0188, true)];
        let mut beacon = header(0x0080, [0xff; 6], AP, AP);
        beacon.extend([0; 12]);
        beacon.extend([0, 2, b'h', b'i']);
        frames.push(beacon);
        for bytes in frames {
            for len in 0..bytes.len() {
                let result = parse(&bytes[..len]);
                if len < 24 {
                    assert!(result.is_err(), "len {len}");
                }
            }
        }
    }
}
