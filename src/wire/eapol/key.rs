//! EAPOL-Key frames: a checked view over the bytes of an EAPOL frame whose
//! packet type is 3, and the message naming rules hostap uses.

use crate::wire::{Error, Result, array_at, u16_be};

/// Offsets from the start of the EAPOL frame (IEEE 802.11-2020 Figure 12-32).
mod field {
    use std::ops::Range;
    pub type Field = Range<usize>;
    pub const DESCRIPTOR_TYPE: usize = 4;
    pub const KEY_INFO: Field = 5..7;
    pub const KEY_LENGTH: Field = 7..9;
    pub const REPLAY_COUNTER: Field = 9..17;
    pub const KEY_NONCE: Field = 17..49;
    pub const KEY_IV: Field = 49..65;
    pub const KEY_RSC: Field = 65..73;
    pub const KEY_ID: Field = 73..81;
    pub const KEY_MIC_START: usize = 81;
    pub const fn key_mic(mic_len: usize) -> Field {
        KEY_MIC_START..KEY_MIC_START + mic_len
    }
    pub const fn key_data_length(mic_len: usize) -> Field {
        KEY_MIC_START + mic_len..KEY_MIC_START + mic_len + 2
    }
    pub const fn key_data_start(mic_len: usize) -> usize {
        KEY_MIC_START + mic_len + 2
    }
}

/// Where the MIC starts in the EAPOL frame: the crypto layer zeroes
/// `KEY_MIC_OFFSET..KEY_MIC_OFFSET + mic_len` before computing it.
pub const KEY_MIC_OFFSET: usize = field::KEY_MIC_START;

/// Descriptor types (IEEE 802.11-2020 12.7.2; 254 is the pre-RSNA WPA one).
pub const DESCRIPTOR_RSN: u8 = 2;
pub const DESCRIPTOR_WPA: u8 = 254;

/// Length of the shortest EAPOL-Key frame with a 16-byte MIC and no key data.
pub const MIN_LEN_MIC16: usize = field::key_data_start(16);

/// A view over an EAPOL frame carrying an EAPOL-Key body.
#[derive(Debug, Clone, Copy)]
pub struct EapolKey<T: AsRef<[u8]>> {
    buffer: T,
    mic_len: usize,
}

impl<T: AsRef<[u8]>> EapolKey<T> {
    /// Wraps `buffer` (an EAPOL frame, header included) without checks.
    pub fn new_unchecked(buffer: T, mic_len: usize) -> Self {
        EapolKey { buffer, mic_len }
    }

    /// Wraps and checks `buffer`; see [`EapolKey::check_len`].
    pub fn new_checked(buffer: T, mic_len: usize) -> Result<Self> {
        let key = Self::new_unchecked(buffer, mic_len);
        key.check_len()?;
        Ok(key)
    }

    /// Wraps `buffer` with the MIC length its lengths agree with: 16 bytes
    /// for every AKM but the SHA-384 ones, whose 24-byte MIC moves the Key
    /// Data Length field by 8. The frame does not say which, so the body
    /// length decides: only one choice makes Key Data end where the body does.
    pub fn new_detect(buffer: T) -> Result<Self> {
        let sixteen = Self::new_checked(buffer, 16);
        match sixteen {
            Ok(key) if key.key_data_end_matches_body() => Ok(key),
            Ok(key) => {
                let buffer = key.into_inner();
                let mic24 = Self::new_unchecked(buffer, 24);
                if mic24.check_len().is_ok() && mic24.key_data_end_matches_body() {
                    Ok(mic24)
                } else {
                    Ok(Self::new_unchecked(mic24.into_inner(), 16))
                }
            }
            Err(err) => Err(err),
        }
    }

    fn key_data_end_matches_body(&self) -> bool {
        field::key_data_start(self.mic_len) + usize::from(self.key_data_length())
            == super::HEADER_LEN + usize::from(self.body_length())
    }

    /// Proves every accessor in range: the EAPOL header says Key, the body
    /// length fits in the captured bytes, the fixed fields fit in the body,
    /// and Key Data Length fits in what remains of the body.
    pub fn check_len(&self) -> Result<()> {
        let data = self.buffer.as_ref();
        let Some((_, packet_type, body_length)) = super::header(data) else {
            return Err(Error::Truncated {
                what: "EAPOL header",
                need: super::HEADER_LEN,
                have: data.len(),
            });
        };
        if packet_type != super::PACKET_TYPE_KEY {
            return Err(Error::Malformed("EAPOL packet type (not Key)"));
        }
        if self.mic_len != 16 && self.mic_len != 24 {
            return Err(Error::Unsupported("EAPOL-Key MIC length"));
        }
        let frame_len = super::HEADER_LEN + usize::from(body_length);
        if frame_len > data.len() {
            return Err(Error::Truncated {
                what: "EAPOL-Key body",
                need: frame_len,
                have: data.len(),
            });
        }
        let fixed = field::key_data_start(self.mic_len);
        if fixed > frame_len {
            return Err(Error::Truncated {
                what: "EAPOL-Key fixed fields",
                need: fixed,
                have: frame_len,
            });
        }
        let key_data_length = u16_be(data, field::key_data_length(self.mic_len).start)
            .map(usize::from)
            .unwrap_or(usize::MAX);
        if fixed.saturating_add(key_data_length) > frame_len {
            return Err(Error::Malformed(
                "EAPOL-Key Key Data Length past end of body",
            ));
        }
        Ok(())
    }

    pub fn into_inner(self) -> T {
        self.buffer
    }

    pub fn mic_len(&self) -> usize {
        self.mic_len
    }

    fn bytes(&self) -> &[u8] {
        self.buffer.as_ref()
    }

    fn get<const N: usize>(&self, at: usize) -> [u8; N] {
        let value = array_at::<N>(self.bytes(), at);
        debug_assert!(value.is_some(), "EapolKey accessor past check_len");
        value.unwrap_or([0; N])
    }

    pub fn version(&self) -> u8 {
        self.get::<1>(0)[0]
    }

    pub fn body_length(&self) -> u16 {
        u16::from_be_bytes(self.get(2))
    }

    pub fn descriptor_type(&self) -> u8 {
        self.get::<1>(field::DESCRIPTOR_TYPE)[0]
    }

    pub fn key_info(&self) -> KeyInfo {
        KeyInfo(u16::from_be_bytes(self.get(field::KEY_INFO.start)))
    }

    pub fn key_length(&self) -> u16 {
        u16::from_be_bytes(self.get(field::KEY_LENGTH.start))
    }

    pub fn replay_counter(&self) -> u64 {
        u64::from_be_bytes(self.get(field::REPLAY_COUNTER.start))
    }

    pub fn key_nonce(&self) -> [u8; 32] {
        self.get(field::KEY_NONCE.start)
    }

    pub fn key_iv(&self) -> [u8; 16] {
        self.get(field::KEY_IV.start)
    }

    pub fn key_rsc(&self) -> [u8; 8] {
        self.get(field::KEY_RSC.start)
    }

    pub fn key_id(&self) -> [u8; 8] {
        self.get(field::KEY_ID.start)
    }

    pub fn key_mic(&self) -> &[u8] {
        self.bytes()
            .get(field::key_mic(self.mic_len))
            .unwrap_or_default()
    }

    pub fn key_data_length(&self) -> u16 {
        u16::from_be_bytes(self.get(field::key_data_length(self.mic_len).start))
    }

    pub fn key_data(&self) -> &[u8] {
        let start = field::key_data_start(self.mic_len);
        let end = start + usize::from(self.key_data_length());
        self.bytes().get(start..end).unwrap_or_default()
    }

    /// The bytes the MIC covers: the EAPOL frame up to its body length, not
    /// the link-layer padding after it (IEEE 802.11-2020 12.7.2 j).
    pub fn mic_covered(&self) -> &[u8] {
        let end = super::HEADER_LEN + usize::from(self.body_length());
        self.bytes().get(..end).unwrap_or_default()
    }

    /// Names the message the way the receiving side would.
    pub fn message(&self) -> KeyMsg {
        KeyMsg::classify(self.key_info(), self.key_data_length())
    }
}

/// The Key Information field (IEEE 802.11-2020 Figure 12-33).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KeyInfo(pub u16);

impl KeyInfo {
    pub const VERSION_MASK: u16 = 0x0007;
    pub const PAIRWISE: u16 = 0x0008;
    pub const INDEX_MASK: u16 = 0x0030;
    pub const INSTALL: u16 = 0x0040;
    pub const ACK: u16 = 0x0080;
    pub const MIC: u16 = 0x0100;
    pub const SECURE: u16 = 0x0200;
    pub const ERROR: u16 = 0x0400;
    pub const REQUEST: u16 = 0x0800;
    pub const ENCRYPTED_KEY_DATA: u16 = 0x1000;
    pub const SMK_MESSAGE: u16 = 0x2000;

    /// Key Descriptor Version: 1 HMAC-MD5/RC4, 2 HMAC-SHA1/AES key wrap,
    /// 3 AES-CMAC/AES key wrap, 0 defined by the AKM.
    pub fn descriptor_version(self) -> u8 {
        (self.0 & Self::VERSION_MASK) as u8
    }
    pub fn pairwise(self) -> bool {
        self.0 & Self::PAIRWISE != 0
    }
    /// Key Index: used by WPA1 group messages only.
    pub fn key_index(self) -> u8 {
        ((self.0 & Self::INDEX_MASK) >> 4) as u8
    }
    pub fn install(self) -> bool {
        self.0 & Self::INSTALL != 0
    }
    pub fn ack(self) -> bool {
        self.0 & Self::ACK != 0
    }
    pub fn mic(self) -> bool {
        self.0 & Self::MIC != 0
    }
    pub fn secure(self) -> bool {
        self.0 & Self::SECURE != 0
    }
    pub fn error(self) -> bool {
        self.0 & Self::ERROR != 0
    }
    pub fn request(self) -> bool {
        self.0 & Self::REQUEST != 0
    }
    pub fn encrypted_key_data(self) -> bool {
        self.0 & Self::ENCRYPTED_KEY_DATA != 0
    }
    pub fn smk_message(self) -> bool {
        self.0 & Self::SMK_MESSAGE != 0
    }

    /// The names wpa_supplicant prints after `key_info 0x..`, in its order.
    pub fn flag_names(self) -> impl Iterator<Item = &'static str> {
        [
            (Self::PAIRWISE, "Pairwise"),
            (Self::INSTALL, "Install"),
            (Self::ACK, "Ack"),
            (Self::MIC, "MIC"),
            (Self::SECURE, "Secure"),
            (Self::ERROR, "Error"),
            (Self::REQUEST, "Request"),
            (Self::ENCRYPTED_KEY_DATA, "Encr"),
            (Self::SMK_MESSAGE, "SMK"),
        ]
        .into_iter()
        .filter(move |(bit, _)| self.0 & bit != 0)
        .map(|(_, name)| name)
    }
}

/// Which message of which handshake an EAPOL-Key frame is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyMsg {
    M1,
    M2,
    M3,
    M4,
    Group1,
    Group2,
    /// A station's request (Request bit): rekey or MIC failure report.
    Request,
}

impl KeyMsg {
    /// hostap's rules: the supplicant (`wpa_sm_rx_eapol`) tells M1 from M3 by
    /// the MIC bit on frames with Ack; the authenticator (`wpa_receive`) tells
    /// M2 from M4 by Key Data Length alone, which also covers WPA1, where M4
    /// has the same Key Information as M2 and M3 has no Secure bit.
    pub fn classify(info: KeyInfo, key_data_length: u16) -> KeyMsg {
        if info.request() {
            return KeyMsg::Request;
        }
        match (info.pairwise(), info.ack(), info.mic()) {
            (true, true, false) => KeyMsg::M1,
            (true, true, true) => KeyMsg::M3,
            (true, false, _) if key_data_length == 0 => KeyMsg::M4,
            (true, false, _) => KeyMsg::M2,
            (false, true, _) => KeyMsg::Group1,
            (false, false, _) => KeyMsg::Group2,
        }
    }

    /// Sent by the authenticator (AP) rather than the supplicant.
    pub fn from_authenticator(self) -> bool {
        matches!(self, KeyMsg::M1 | KeyMsg::M3 | KeyMsg::Group1)
    }

    /// The label used in reports and JSON: `1/4`..`4/4`, `group-1/2`, ...
    pub fn label(self) -> &'static str {
        match self {
            KeyMsg::M1 => "1/4",
            KeyMsg::M2 => "2/4",
            KeyMsg::M3 => "3/4",
            KeyMsg::M4 => "4/4",
            KeyMsg::Group1 => "group-1/2",
            KeyMsg::Group2 => "group-2/2",
            KeyMsg::Request => "request",
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing, clippy::unwrap_used)]
    use super::*;

    /// Message 1 of 4 from aircrack-ng_wpa2.eapol.cap (frame 1), EAPOL part.
    fn m1_wpa2() -> Vec<u8> {
        let mut frame = vec![0x02, 0x03, 0x00, 0x5f, 0x02, 0x00, 0x8a, 0x00, 0x10];
        frame.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 1]);
        frame.extend((0..32).map(|i| i as u8 + 0xa0));
        frame.extend_from_slice(&[0u8; 16 + 8 + 8 + 16]);
        frame.extend_from_slice(&[0, 0]);
        frame
    }

    #[test]
    fn decodes_m1_fields() {
        let bytes = m1_wpa2();
        let key = EapolKey::new_checked(&bytes[..], 16).unwrap();
        assert_eq!(key.descriptor_type(), DESCRIPTOR_RSN);
        assert_eq!(key.key_info().0, 0x008a);
        assert_eq!(key.key_info().descriptor_version(), 2);
        assert_eq!(key.key_length(), 16);
        assert_eq!(key.replay_counter(), 1);
        assert_eq!(key.key_nonce()[0], 0xa0);
        assert_eq!(key.key_data_length(), 0);
        assert_eq!(key.message(), KeyMsg::M1);
        assert_eq!(key.mic_covered().len(), 99);
    }

    #[test]
    fn cut_at_every_length_is_an_error_never_a_panic() {
        let bytes = m1_wpa2();
        for len in 0..bytes.len() {
            assert!(
                EapolKey::new_checked(&bytes[..len], 16).is_err(),
                "len {len}"
            );
            assert!(EapolKey::new_detect(&bytes[..len]).is_err(), "len {len}");
        }
    }

    #[test]
    fn rejects_key_data_length_past_body() {
        let mut bytes = m1_wpa2();
        bytes[97] = 0;
        bytes[98] = 1;
        assert_eq!(
            EapolKey::new_checked(&bytes[..], 16).unwrap_err(),
            Error::Malformed("EAPOL-Key Key Data Length past end of body")
        );
    }

    #[test]
    fn padding_after_body_is_not_covered_by_the_mic() {
        let mut bytes = m1_wpa2();
        bytes.extend_from_slice(&[0xee; 6]);
        let key = EapolKey::new_checked(&bytes[..], 16).unwrap();
        assert_eq!(key.mic_covered().len(), 99);
    }

    #[test]
    fn detects_24_byte_mic() {
        let mut bytes = m1_wpa2();
        bytes.splice(97..97, [0u8; 8]);
        bytes[3] = 0x5f + 8;
        let key = EapolKey::new_detect(&bytes[..]).unwrap();
        assert_eq!(key.mic_len(), 24);
        assert_eq!(key.key_data_length(), 0);
    }

    #[test]
    fn wpa1_m3_has_no_secure_bit_and_m4_equals_m2_bits() {
        assert_eq!(KeyMsg::classify(KeyInfo(0x01c9), 26), KeyMsg::M3);
        assert_eq!(KeyMsg::classify(KeyInfo(0x0109), 26), KeyMsg::M2);
        assert_eq!(KeyMsg::classify(KeyInfo(0x0109), 0), KeyMsg::M4);
        assert_eq!(KeyMsg::classify(KeyInfo(0x0391), 32), KeyMsg::Group1);
        assert_eq!(KeyMsg::classify(KeyInfo(0x0311), 0), KeyMsg::Group2);
        assert_eq!(KeyMsg::classify(KeyInfo(0x13ca), 56), KeyMsg::M3);
        assert_eq!(KeyMsg::classify(KeyInfo(0x0b0a), 0), KeyMsg::Request);
    }
}
