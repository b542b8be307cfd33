//! The key hierarchy of the PSK AKMs, replayed exactly: passphrase to PMK
//! (PBKDF2), PMK to PTK (PRF-SHA1 or KDF-SHA256/384), the EAPOL-Key MIC, Key
//! Data decryption, and the PMKID.
//!
//! Secrets live in the types of [`secret`]: they zeroize on drop and print
//! as `Pmk(..)`. Public values that went over the air (nonces, MICs,
//! PMKIDs) are plain arrays. A MIC that verifies yields a [`MicVerified`],
//! which only [`PairwiseKeys::verify_mic`] and [`MicKey::verify`] can make:
//! a finding that says "this side used this key" must hold one.

pub mod keydata;
pub mod mic;
pub mod pmk;
pub mod pmkid;
pub mod prf;
pub mod ptk;
pub mod secret;
// The one module with `unsafe` (SHA-NI intrinsics); see its header.
#[cfg(target_arch = "x86_64")]
mod sha1_ni;
pub mod typo;

use std::collections::HashMap;

use crate::wire::MacAddr;
use crate::wire::eapol::EapolKey;
use crate::wire::eapol::key::DESCRIPTOR_WPA;

pub use mic::MicAlgorithm;
pub use pmkid::pmkid;
pub use ptk::Suite;
pub use secret::{Gtk, Kck, Kek, KeyData, Passphrase, Pmk, Psk, Ptk, Tk};
pub use typo::TypoVariant;

/// Why the crypto layer could not do what was asked. Messages never contain
/// secret bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The passphrase breaks the IEEE 802.11 rule; the message names the rule.
    #[error("{0}")]
    Passphrase(String),
    /// A hex PSK that is not 64 hex digits.
    #[error("{0}")]
    PskHex(String),
    /// Legal, but not something wpadiag can replay (FT, unknown AKM, ...).
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// The EAPOL frame does not decode.
    #[error("{0}")]
    Frame(#[from] crate::wire::Error),
    /// Key Data that does not decrypt.
    #[error("{0}")]
    KeyData(String),
}

pub type Result<T> = std::result::Result<T, Error>;

/// What the user gave: a passphrase (PMK depends on the SSID) or a PSK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyMaterial {
    Passphrase(Passphrase),
    Pmk(Pmk),
}

impl KeyMaterial {
    /// The PMK on the network named `ssid`; a PSK given as hex is the PMK.
    pub fn pmk_for_ssid(&self, ssid: &[u8]) -> Pmk {
        match self {
            KeyMaterial::Passphrase(passphrase) => pmk::pmk(passphrase, ssid),
            KeyMaterial::Pmk(pmk) => pmk.clone(),
        }
    }

    pub fn passphrase(&self) -> Option<&Passphrase> {
        match self {
            KeyMaterial::Passphrase(passphrase) => Some(passphrase),
            KeyMaterial::Pmk(_) => None,
        }
    }
}

/// Derives each (secret, SSID) PMK once: PBKDF2 is the one slow step.
#[derive(Debug)]
pub struct PmkCache {
    key: KeyMaterial,
    by_ssid: HashMap<Vec<u8>, Pmk>,
}

impl PmkCache {
    pub fn new(key: KeyMaterial) -> PmkCache {
        PmkCache {
            key,
            by_ssid: HashMap::new(),
        }
    }

    pub fn key(&self) -> &KeyMaterial {
        &self.key
    }

    /// The PMK for `ssid`, derived on first use.
    pub fn pmk(&mut self, ssid: &[u8]) -> &Pmk {
        // A PSK does not depend on the SSID: keep one entry for all.
        let slot: &[u8] = match self.key {
            KeyMaterial::Pmk(_) => b"",
            KeyMaterial::Passphrase(_) => ssid,
        };
        let key = &self.key;
        self.by_ssid
            .entry(slot.to_vec())
            .or_insert_with(|| key.pmk_for_ssid(ssid))
    }

    /// How many PMKs have been derived (tests and statistics).
    pub fn len(&self) -> usize {
        self.by_ssid.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_ssid.is_empty()
    }
}

/// The public inputs of one pairwise key expansion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PairwiseParams {
    pub aa: MacAddr,
    pub spa: MacAddr,
    pub anonce: [u8; 32],
    pub snonce: [u8; 32],
    /// Key Descriptor Version from Key Information (0-3).
    pub descriptor_version: u8,
    /// 00-0F-AC AKM suite type, if known (from the RSN element).
    pub akm: Option<u8>,
    /// Pairwise cipher TKIP (32-byte TK) rather than CCMP-128.
    pub tkip: bool,
}

/// A PTK derived for one set of [`PairwiseParams`], and what to do with it.
#[derive(Debug, Clone)]
pub struct PairwiseKeys {
    suite: Suite,
    ptk: Ptk,
}

/// Proof that a MIC verified under these keys. Only
/// [`PairwiseKeys::verify_mic`] and [`MicKey::verify`] make one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MicVerified {
    algorithm: MicAlgorithm,
}

impl MicVerified {
    pub fn algorithm(&self) -> MicAlgorithm {
        self.algorithm
    }
}

/// Why a MIC did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MicMismatch {
    /// Computed and received MICs differ: a different PMK, nonce or frame.
    #[error("{algorithm} MIC does not match", algorithm = .algorithm.name())]
    Differs { algorithm: MicAlgorithm },
    /// The frame cannot carry a MIC of this length.
    #[error("{0}")]
    Frame(crate::wire::Error),
    /// The MIC length does not match the AKM, or the KCK does not fit it.
    #[error("unsupported: {0}")]
    Unsupported(String),
}

impl PairwiseKeys {
    /// Expands `pmk` with the KDF and key lengths the parameters select.
    pub fn derive(pmk: &Pmk, p: &PairwiseParams) -> Result<PairwiseKeys> {
        let suite = Suite::select(p.descriptor_version, p.akm, p.tkip)?;
        let ptk = ptk::derive_ptk(pmk, &suite, p.aa, p.spa, &p.anonce, &p.snonce)?;
        Ok(PairwiseKeys { suite, ptk })
    }

    pub fn suite(&self) -> &Suite {
        &self.suite
    }

    pub fn ptk(&self) -> &Ptk {
        &self.ptk
    }

    /// Checks the MIC of `eapol_frame` (the whole EAPOL frame; link-layer
    /// padding after the body is ignored): recomputed over the frame up to
    /// its body length with the MIC field zeroed.
    pub fn verify_mic(
        &self,
        eapol_frame: &[u8],
        mic_len: usize,
    ) -> std::result::Result<MicVerified, MicMismatch> {
        check_length(self.suite.mic, mic_len)?;
        let input = MicInput::new(eapol_frame, mic_len)?;
        check_mic(self.suite.mic, self.ptk.kck(), &input)
    }

    /// The plaintext Key Data of `eapol_frame` (msg 3/4 or group msg 1/2):
    /// AES key unwrap with the KEK, RC4 for descriptor version 1, or the
    /// bytes as they are when the frame says they are not encrypted.
    pub fn unwrap_key_data(&self, eapol_frame: &[u8], mic_len: usize) -> Result<KeyData> {
        let key = EapolKey::new_checked(eapol_frame, mic_len)?;
        let info = key.key_info();
        let data = key.key_data();
        // WPA1 msg 3/4 carries its WPA element in the clear; WPA1 group
        // messages are RC4-encrypted without the Encrypted Key Data bit
        // (hostap wpa_supplicant_process_1_of_2_wpa()). RSN says by the bit.
        let encrypted = if key.descriptor_type() == DESCRIPTOR_WPA {
            !info.pairwise()
        } else {
            info.encrypted_key_data()
        };
        if !encrypted {
            return Ok(KeyData::from_slice(data));
        }
        let kek = self.ptk.kek().as_bytes();
        match self.suite.mic {
            MicAlgorithm::HmacMd5 => Ok(keydata::rc4_decrypt(&key.key_iv(), kek, data)),
            _ => keydata::aes_unwrap(kek, data),
        }
    }
}

/// An EAPOL-Key frame made ready for MIC checks under many candidate
/// keys: the bytes the MIC covers with its field zeroed, and the MIC sent.
pub struct MicInput {
    covered: Vec<u8>,
    received: Vec<u8>,
}

impl MicInput {
    pub fn new(eapol_frame: &[u8], mic_len: usize) -> std::result::Result<MicInput, MicMismatch> {
        let key = EapolKey::new_checked(eapol_frame, mic_len).map_err(MicMismatch::Frame)?;
        Ok(MicInput {
            covered: mic::zeroed_copy(key.mic_covered(), mic_len),
            received: key.key_mic().to_vec(),
        })
    }
}

/// The KCK of one key expansion without the rest of the PTK: what checking
/// a candidate PMK or nonce against a MIC needs, one HMAC block of the
/// expansion instead of three (four for TKIP) with PRF-SHA1.
pub struct MicKey {
    algorithm: MicAlgorithm,
    kck: Kck,
}

impl MicKey {
    pub fn derive(pmk: &Pmk, p: &PairwiseParams) -> Result<MicKey> {
        let suite = Suite::select(p.descriptor_version, p.akm, p.tkip)?;
        let kck = ptk::derive_kck(pmk, &suite, p.aa, p.spa, &p.anonce, &p.snonce);
        Ok(MicKey {
            algorithm: suite.mic,
            kck,
        })
    }

    /// As [`PairwiseKeys::verify_mic`], on a prepared frame.
    pub fn verify(&self, input: &MicInput) -> std::result::Result<MicVerified, MicMismatch> {
        check_length(self.algorithm, input.received.len())?;
        check_mic(self.algorithm, &self.kck, input)
    }
}

fn check_length(algorithm: MicAlgorithm, mic_len: usize) -> std::result::Result<(), MicMismatch> {
    if mic_len == algorithm.mic_len() {
        Ok(())
    } else {
        Err(MicMismatch::Unsupported(format!(
            "{mic_len}-byte MIC field for {}",
            algorithm.name()
        )))
    }
}

fn check_mic(
    algorithm: MicAlgorithm,
    kck: &Kck,
    input: &MicInput,
) -> std::result::Result<MicVerified, MicMismatch> {
    let computed = mic::compute(algorithm, kck.as_bytes(), &input.covered)
        .map_err(|err| MicMismatch::Unsupported(err.to_string()))?;
    if mic::equal(&computed, &input.received) {
        Ok(MicVerified { algorithm })
    } else {
        Err(MicMismatch::Differs { algorithm })
    }
}

impl KeyData {
    /// The GTK from the first GTK KDE (00-0F-AC:1) of RSN key data: skips
    /// the Key ID / Tx byte and the reserved byte (IEEE 802.11-2020 Figure 12-35).
    pub fn rsn_gtk(&self) -> Option<Gtk> {
        let mut rest = self.as_bytes();
        while let [id, len, tail @ ..] = rest {
            let len = usize::from(*len);
            let (body, next) = tail.split_at_checked(len)?;
            if *id == 0xdd {
                if len == 0 {
                    // Padding: 0xdd followed by zeros.
                    return None;
                }
                if let [0x00, 0x0f, 0xac, 0x01, _key_id, _reserved, gtk @ ..] = body {
                    return Some(Gtk::from_slice(gtk));
                }
            }
            rest = next;
        }
        None
    }
}

/// Byte order of the counter in the last 4 bytes of a corrected ANonce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endian {
    Little,
    Big,
}

/// ANonce variants whose last 4 bytes, read as a counter, are off by ±1..=8
/// in either byte order, smallest correction first. Some APs increment the
/// ANonce between retransmitted msg 1/4 frames and send M3 with another
/// value than the M1 a station answered; hcxtools calls trying these
/// "nonce error correction".
pub fn nonce_corrections(anonce: [u8; 32]) -> impl Iterator<Item = ([u8; 32], i8, Endian)> {
    (1..=8i8)
        .flat_map(|step| [step, -step])
        .flat_map(|delta| [(delta, Endian::Little), (delta, Endian::Big)])
        .map(move |(delta, endian)| {
            let mut nonce = anonce;
            let mut tail = [0u8; 4];
            tail.copy_from_slice(&anonce[28..]);
            let counter = match endian {
                Endian::Little => u32::from_le_bytes(tail),
                Endian::Big => u32::from_be_bytes(tail),
            };
            let counter = counter.wrapping_add_signed(i32::from(delta));
            let bytes = match endian {
                Endian::Little => counter.to_le_bytes(),
                Endian::Big => counter.to_be_bytes(),
            };
            nonce[28..].copy_from_slice(&bytes);
            (nonce, delta, endian)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonce_corrections_cover_both_orders_and_signs() {
        let mut anonce = [0u8; 32];
        anonce[31] = 0x10;
        let all: Vec<_> = nonce_corrections(anonce).collect();
        assert_eq!(all.len(), 32);
        let (first, delta, endian) = all[0];
        assert_eq!((delta, endian), (1, Endian::Little));
        assert_eq!(&first[28..], &[1, 0, 0, 0x10]);
        let (second, _, endian) = all[1];
        assert_eq!(endian, Endian::Big);
        assert_eq!(&second[28..], &[0, 0, 0, 0x11]);
        let (minus, delta, _) = all[3];
        assert_eq!(delta, -1);
        assert_eq!(&minus[28..], &[0, 0, 0, 0x0f]);
        assert!(all.iter().all(|(n, _, _)| n[..28] == anonce[..28]));
    }

    #[test]
    fn pmk_cache_derives_once_per_ssid() {
        let passphrase = Passphrase::new("password".into()).unwrap();
        let mut cache = PmkCache::new(KeyMaterial::Passphrase(passphrase));
        let first = cache.pmk(b"IEEE").clone();
        let again = cache.pmk(b"IEEE").clone();
        assert_eq!(first, again);
        assert_eq!(
            first.to_hex(),
            "f42c6fc52df0ebef9ebb4b90b38a5f902e83fe1b135a70e23aed762e9710a12e"
        );
        cache.pmk(b"other");
        assert_eq!(cache.len(), 2);

        let mut psk = PmkCache::new(KeyMaterial::Pmk(Pmk::from_bytes([3; 32])));
        assert_eq!(psk.pmk(b"a").as_bytes(), &[3; 32]);
        psk.pmk(b"b");
        assert_eq!(psk.len(), 1);
    }

    /// An EAPOL-Key frame with `mic_len` MIC bytes and `key_data`.
    fn key_frame(
        descriptor: u8,
        key_info: u16,
        mic_len: usize,
        key_iv: [u8; 16],
        key_data: &[u8],
    ) -> Vec<u8> {
        let body_len = 95 - 16 + mic_len + key_data.len();
        let mut frame = vec![2, 3];
        frame.extend_from_slice(&(body_len as u16).to_be_bytes());
        frame.push(descriptor);
        frame.extend_from_slice(&key_info.to_be_bytes());
        frame.extend_from_slice(&[0, 32]); // key length
        frame.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 2]); // replay counter
        frame.extend_from_slice(&[0x11; 32]); // nonce
        frame.extend_from_slice(&key_iv);
        frame.extend_from_slice(&[0; 16]); // RSC, reserved
        frame.extend(std::iter::repeat_n(0, mic_len));
        frame.extend_from_slice(&(key_data.len() as u16).to_be_bytes());
        frame.extend_from_slice(key_data);
        frame
    }

    fn params(descriptor_version: u8, akm: Option<u8>, tkip: bool) -> PairwiseParams {
        PairwiseParams {
            aa: MacAddr([2, 0, 0, 0, 0, 1]),
            spa: MacAddr([2, 0, 0, 0, 0, 2]),
            anonce: [0xa0; 32],
            snonce: [0x50; 32],
            descriptor_version,
            akm,
            tkip,
        }
    }

    #[test]
    fn sha384_akm_uses_a_24_byte_mic_at_offset_81() {
        let keys =
            PairwiseKeys::derive(&Pmk::from_bytes([7; 32]), &params(0, Some(20), false)).unwrap();
        assert_eq!((keys.ptk().kck().len(), keys.ptk().kek().len()), (24, 32));
        // Key Information: version 0, Pairwise, Key MIC.
        let mut frame = key_frame(2, 0x0108, 24, [0; 16], &[]);
        let mic = mic::compute(
            MicAlgorithm::HmacSha384_192,
            keys.ptk().kck().as_bytes(),
            &frame,
        )
        .unwrap();
        frame[81..105].copy_from_slice(&mic);
        let proof = keys.verify_mic(&frame, 24).unwrap();
        assert_eq!(proof.algorithm(), MicAlgorithm::HmacSha384_192);
        frame[104] ^= 1;
        assert_eq!(
            keys.verify_mic(&frame, 24),
            Err(MicMismatch::Differs {
                algorithm: MicAlgorithm::HmacSha384_192
            })
        );
        assert!(matches!(
            keys.verify_mic(&frame, 16),
            Err(MicMismatch::Unsupported(_))
        ));
    }

    #[test]
    fn wpa1_group_key_data_is_rc4_and_rsn_key_data_is_aes_wrapped() {
        let gtk = [0x3c; 32];
        let iv = [0x42; 16];
        let wpa1 = PairwiseKeys::derive(&Pmk::from_bytes([9; 32]), &params(1, None, true)).unwrap();
        let encrypted = keydata::rc4_decrypt(&iv, wpa1.ptk().kek().as_bytes(), &gtk);
        // WPA1 group msg 1/2: Key Information Secure | MIC | Ack, version 1, no Encrypted bit.
        let frame = key_frame(DESCRIPTOR_WPA, 0x0391, 16, iv, encrypted.as_bytes());
        assert_eq!(wpa1.unwrap_key_data(&frame, 16).unwrap().as_bytes(), &gtk);

        let rsn = PairwiseKeys::derive(&Pmk::from_bytes([9; 32]), &params(2, None, false)).unwrap();
        let mut plain = vec![0xdd, 0x16, 0x00, 0x0f, 0xac, 0x01, 0x01, 0x00];
        plain.extend_from_slice(&gtk[..16]);
        let wrapped = keydata::aes_wrap(rsn.ptk().kek().as_bytes(), &plain).unwrap();
        let frame = key_frame(2, 0x13ca, 16, [0; 16], &wrapped);
        let data = rsn.unwrap_key_data(&frame, 16).unwrap();
        assert_eq!(data.rsn_gtk().unwrap().as_bytes(), &gtk[..16]);
        // The wrong KEK fails the RFC 3394 integrity check.
        let other =
            PairwiseKeys::derive(&Pmk::from_bytes([8; 32]), &params(2, None, false)).unwrap();
        let err = other.unwrap_key_data(&frame, 16).unwrap_err().to_string();
        assert!(err.contains("integrity check failed"), "{err}");
    }

    #[test]
    fn rsn_gtk_reads_the_gtk_kde_and_stops_at_padding() {
        // m3_key_data_plain of aircrack-ng_wpa2.eapol.cap (vectors file).
        let plain = crate::wire::parse_hex(
            "30140100000fac040100000fac040100000fac020100dd16000fac010100d91cf489de428889c33d732d2e1065f70000",
        )
        .unwrap();
        let gtk = KeyData::from_slice(&plain).rsn_gtk().unwrap();
        assert_eq!(
            crate::wire::hex(gtk.as_bytes()),
            "d91cf489de428889c33d732d2e1065f7"
        );
        assert_eq!(KeyData::from_slice(&[0xdd, 0, 0, 0]).rsn_gtk(), None);
        assert_eq!(KeyData::from_slice(&[0xdd, 9, 0]).rsn_gtk(), None);
    }
}
