//! Pairwise key expansion (IEEE 802.11-2020 12.7.1.3 and 12.7.1.6.2) and the
//! key lengths each descriptor version and AKM define (Table 12-11; hostap
//! `wpa_pmk_to_ptk()`, `wpa_kck_len()`, `wpa_kek_len()`).

use super::Error;
use super::mic::MicAlgorithm;
use sha2::{Sha256, Sha384};

use super::prf::{kdf, prf_sha1};
use super::secret::{Kck, Pmk, Ptk};
use crate::wire::MacAddr;

/// Label of the pairwise key expansion.
pub const LABEL: &[u8] = b"Pairwise key expansion";

/// Which function expands the PMK.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kdf {
    PrfSha1,
    KdfSha256,
    KdfSha384,
}

/// Everything that follows from descriptor version, AKM and cipher: how to
/// expand, how long each key is, and how the MIC is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Suite {
    pub kdf: Kdf,
    pub mic: MicAlgorithm,
    pub kck_len: usize,
    pub kek_len: usize,
    pub tk_len: usize,
}

impl Suite {
    /// PTK length in bits, the `Length` the KDF takes.
    pub fn ptk_bits(&self) -> usize {
        (self.kck_len + self.kek_len + self.tk_len) * 8
    }

    /// The suite for Key Descriptor Version `version` (Key Information bits
    /// 0-2), the 00-0F-AC AKM number if known, and whether the pairwise
    /// cipher is TKIP (32-byte TK) rather than CCMP-128 (16 bytes).
    pub fn select(version: u8, akm: Option<u8>, tkip: bool) -> Result<Suite, Error> {
        let tk_len = if tkip { 32 } else { 16 };
        let sha1 = |mic| Suite {
            kdf: Kdf::PrfSha1,
            mic,
            kck_len: 16,
            kek_len: 16,
            tk_len,
        };
        let sha256 = |mic| Suite {
            kdf: Kdf::KdfSha256,
            mic,
            kck_len: 16,
            kek_len: 16,
            tk_len,
        };
        let sha384 = Suite {
            kdf: Kdf::KdfSha384,
            mic: MicAlgorithm::HmacSha384_192,
            kck_len: 24,
            kek_len: 32,
            tk_len,
        };
        // FT derives the PTK from PMK-R1 with another label (12.7.1.7.5):
        // there is no PMK-to-PTK step here to replay.
        if let Some(ft @ (3 | 4 | 9 | 13 | 16 | 17 | 19 | 22 | 25)) = akm {
            return Err(Error::Unsupported(format!("FT AKM 00-0F-AC:{ft}")));
        }
        match version {
            1 => Ok(sha1(MicAlgorithm::HmacMd5)),
            2 => Ok(sha1(MicAlgorithm::HmacSha1_128)),
            // Descriptor 3 is PSK-SHA256 / 802.1X-SHA256 (AKMs 5, 6).
            3 => Ok(sha256(MicAlgorithm::AesCmac)),
            0 => match akm {
                // SAE and OSEN-like: KDF-SHA256, AES-128-CMAC (hostap wpa_eapol_key_mic()).
                Some(8) => Ok(sha256(MicAlgorithm::AesCmac)),
                // Suite B and OWE with group 19: KDF-SHA256, HMAC-SHA256-128.
                Some(11 | 18) => Ok(sha256(MicAlgorithm::HmacSha256_128)),
                // Suite B 192, PSK-SHA384, 802.1X-SHA384.
                Some(12 | 20 | 23) => Ok(sha384),
                Some(other) => Err(Error::Unsupported(format!(
                    "key descriptor version 0 with AKM 00-0F-AC:{other}"
                ))),
                None => Err(Error::Unsupported(
                    "key descriptor version 0 without a known AKM".into(),
                )),
            },
            other => Err(Error::Unsupported(format!(
                "key descriptor version {other}"
            ))),
        }
    }
}

/// min(AA,SPA) || max(AA,SPA) || min(ANonce,SNonce) || max(ANonce,SNonce),
/// compared as unsigned byte strings (12.7.1.3).
pub fn expansion_data(aa: MacAddr, spa: MacAddr, anonce: &[u8; 32], snonce: &[u8; 32]) -> [u8; 76] {
    let mut data = [0u8; 76];
    let (low_mac, high_mac) = if aa.0 <= spa.0 { (aa, spa) } else { (spa, aa) };
    let (low_nonce, high_nonce) = if anonce <= snonce {
        (anonce, snonce)
    } else {
        (snonce, anonce)
    };
    let parts: [&[u8]; 4] = [&low_mac.0, &high_mac.0, low_nonce, high_nonce];
    let mut at = 0;
    for part in parts {
        if let Some(slot) = data.get_mut(at..at + part.len()) {
            slot.copy_from_slice(part);
        }
        at += part.len();
    }
    data
}

/// Raw PTK bytes of `bits` from `kdf`.
pub fn expand(kdf: Kdf, pmk: &Pmk, data: &[u8], bits: usize) -> zeroize::Zeroizing<Vec<u8>> {
    expand_prefix(kdf, pmk, data, bits, usize::MAX)
}

/// The first `bytes` of [`expand`], computing only the HMAC blocks they
/// need. `Length` stays `bits`: the KDFs hash it into every block.
fn expand_prefix(
    kdf_kind: Kdf,
    pmk: &Pmk,
    data: &[u8],
    bits: usize,
    bytes: usize,
) -> zeroize::Zeroizing<Vec<u8>> {
    let key = pmk.as_bytes();
    let bits16 = u16::try_from(bits).unwrap_or(u16::MAX);
    match kdf_kind {
        // PRF-SHA1 output is prefix-stable: PRF-128 is the start of PRF-384.
        Kdf::PrfSha1 => prf_sha1(key, LABEL, data, bits.min(bytes.saturating_mul(8))),
        Kdf::KdfSha256 => kdf::<Sha256>(key, LABEL, data, bits16, bytes),
        Kdf::KdfSha384 => kdf::<Sha384>(key, LABEL, data, bits16, bytes),
    }
}

/// The KCK of the PTK for `suite` alone, equal to `derive_ptk(..).kck()`:
/// a MIC check needs nothing else, and it is the first HMAC block of the
/// expansion (of three or four for PRF-SHA1).
pub fn derive_kck(
    pmk: &Pmk,
    suite: &Suite,
    aa: MacAddr,
    spa: MacAddr,
    anonce: &[u8; 32],
    snonce: &[u8; 32],
) -> Kck {
    let data = expansion_data(aa, spa, anonce, snonce);
    Kck::from_slice(&expand_prefix(
        suite.kdf,
        pmk,
        &data,
        suite.ptk_bits(),
        suite.kck_len,
    ))
}

/// The PTK for `suite`.
pub fn derive_ptk(
    pmk: &Pmk,
    suite: &Suite,
    aa: MacAddr,
    spa: MacAddr,
    anonce: &[u8; 32],
    snonce: &[u8; 32],
) -> Result<Ptk, Error> {
    let data = expansion_data(aa, spa, anonce, snonce);
    let bytes = expand(suite.kdf, pmk, &data, suite.ptk_bits());
    Ptk::split(&bytes, suite.kck_len, suite.kek_len)
        .ok_or_else(|| Error::Unsupported("PTK shorter than its KCK and KEK".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::hex;

    #[test]
    fn suites_follow_descriptor_and_akm() {
        let v1 = Suite::select(1, None, true).unwrap();
        assert_eq!((v1.kdf, v1.ptk_bits()), (Kdf::PrfSha1, 512));
        let v2 = Suite::select(2, Some(2), false).unwrap();
        assert_eq!((v2.mic, v2.ptk_bits()), (MicAlgorithm::HmacSha1_128, 384));
        let v3 = Suite::select(3, Some(6), false).unwrap();
        assert_eq!((v3.kdf, v3.mic), (Kdf::KdfSha256, MicAlgorithm::AesCmac));
        let sae = Suite::select(0, Some(8), false).unwrap();
        assert_eq!(
            (sae.kdf, sae.mic, sae.ptk_bits()),
            (Kdf::KdfSha256, MicAlgorithm::AesCmac, 384)
        );
        let b192 = Suite::select(0, Some(12), false).unwrap();
        assert_eq!((b192.kck_len, b192.kek_len, b192.ptk_bits()), (24, 32, 576));
        assert_eq!(
            Suite::select(0, None, false).unwrap_err().to_string(),
            "unsupported: key descriptor version 0 without a known AKM"
        );
        assert!(Suite::select(3, Some(4), false).is_err());
        assert!(Suite::select(5, None, false).is_err());
    }

    #[test]
    fn kck_alone_equals_the_ptks_kck_for_every_suite() {
        let pmk = Pmk::from_hex("0dc0d6eb90555ed6419756b9a15ec3e3209b63df707dd508d14581f8982721af")
            .unwrap();
        let aa = MacAddr([0x02, 0, 0, 0, 0, 1]);
        let spa = MacAddr([0x02, 0, 0, 0, 0, 2]);
        let anonce = [0x5a; 32];
        let snonce = [0xa5; 32];
        let suites = [
            (1, None, true),
            (2, Some(2), false),
            (2, None, true),
            (3, Some(6), false),
            (0, Some(8), false),
            (0, Some(11), false),
            (0, Some(12), false),
            (0, Some(20), true),
        ];
        for (version, akm, tkip) in suites {
            let suite = Suite::select(version, akm, tkip).unwrap();
            let ptk = derive_ptk(&pmk, &suite, aa, spa, &anonce, &snonce).unwrap();
            let kck = derive_kck(&pmk, &suite, aa, spa, &anonce, &snonce);
            assert_eq!(kck.as_bytes().len(), suite.kck_len, "{suite:?}");
            assert_eq!(kck, *ptk.kck(), "{suite:?}");
        }
    }

    #[test]
    fn ieee_j_7_2_ccmp_ptk() {
        let pmk = Pmk::from_hex("0dc0d6eb90555ed6419756b9a15ec3e3209b63df707dd508d14581f8982721af")
            .unwrap();
        let aa = MacAddr([0xa0, 0xa1, 0xa1, 0xa3, 0xa4, 0xa5]);
        let spa = MacAddr([0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5]);
        let nonce =
            |text: &str| -> [u8; 32] { crate::wire::parse_hex(text).unwrap().try_into().unwrap() };
        let anonce = nonce("e0e1e2e3e4e5e6e7e8e9f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405");
        let snonce = nonce("c0c1c2c3c4c5c6c7c8c9d0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5");
        let suite = Suite::select(2, None, false).unwrap();
        // Swapping the roles of both pairs must not change the PTK.
        let ptk = derive_ptk(&pmk, &suite, aa, spa, &anonce, &snonce).unwrap();
        let swapped = derive_ptk(&pmk, &suite, spa, aa, &snonce, &anonce).unwrap();
        assert_eq!(
            hex(ptk.kck().as_bytes()),
            "379f9852d0199236b94e407ce4c00ec8"
        );
        assert_eq!(hex(ptk.tk().as_bytes()), "b2360c79e9710fdd58bea93deaf06599");
        assert_eq!(ptk, swapped);
    }
}
