//! EAPOL-Key MICs (IEEE 802.11-2020 12.7.2 and Table 12-11; hostap
//! `wpa_eapol_key_mic()`), computed over the EAPOL frame as far as its body
//! length says, with the MIC field zeroed.

use aes::Aes128;
use cmac::Cmac;
use hmac::{Hmac, KeyInit, Mac};
use md5::Md5;
use sha1::Sha1;
use sha2::{Sha256, Sha384};

use super::Error;
use crate::wire::eapol::key::KEY_MIC_OFFSET;

/// The MIC function of a key descriptor version / AKM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MicAlgorithm {
    /// Descriptor version 1 (WPA1/TKIP).
    HmacMd5,
    /// Descriptor version 2: first 128 bits of HMAC-SHA1.
    HmacSha1_128,
    /// Descriptor version 3, and SAE with version 0: AES-128-CMAC.
    AesCmac,
    /// Suite B and OWE (group 19) with version 0.
    HmacSha256_128,
    /// SHA-384 AKMs with version 0: 24-byte MIC.
    HmacSha384_192,
}

impl MicAlgorithm {
    pub fn mic_len(self) -> usize {
        match self {
            MicAlgorithm::HmacSha384_192 => 24,
            _ => 16,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            MicAlgorithm::HmacMd5 => "HMAC-MD5",
            MicAlgorithm::HmacSha1_128 => "HMAC-SHA1-128",
            MicAlgorithm::AesCmac => "AES-128-CMAC",
            MicAlgorithm::HmacSha256_128 => "HMAC-SHA256-128",
            MicAlgorithm::HmacSha384_192 => "HMAC-SHA384-192",
        }
    }
}

/// The MIC of `data` (already zeroed where the MIC goes) under `kck`.
pub fn compute(algorithm: MicAlgorithm, kck: &[u8], data: &[u8]) -> Result<Vec<u8>, Error> {
    let bad_key =
        |_| Error::Unsupported(format!("{}-byte KCK for {}", kck.len(), algorithm.name()));
    let mut out = match algorithm {
        MicAlgorithm::HmacMd5 => mac::<Hmac<Md5>>(kck, data).map_err(bad_key)?,
        MicAlgorithm::HmacSha1_128 => mac::<Hmac<Sha1>>(kck, data).map_err(bad_key)?,
        MicAlgorithm::AesCmac => mac::<Cmac<Aes128>>(kck, data).map_err(bad_key)?,
        MicAlgorithm::HmacSha256_128 => mac::<Hmac<Sha256>>(kck, data).map_err(bad_key)?,
        MicAlgorithm::HmacSha384_192 => mac::<Hmac<Sha384>>(kck, data).map_err(bad_key)?,
    };
    out.truncate(algorithm.mic_len());
    Ok(out)
}

fn mac<M: Mac + KeyInit>(key: &[u8], data: &[u8]) -> Result<Vec<u8>, hmac::digest::InvalidLength> {
    let mut mac = <M as KeyInit>::new_from_slice(key)?;
    mac.update(data);
    Ok(mac.finalize().into_bytes().to_vec())
}

/// `covered` with the MIC field (`mic_len` bytes at offset 81) zeroed.
pub fn zeroed_copy(covered: &[u8], mic_len: usize) -> Vec<u8> {
    let mut data = covered.to_vec();
    if let Some(field) = data.get_mut(KEY_MIC_OFFSET..KEY_MIC_OFFSET + mic_len) {
        field.fill(0);
    }
    data
}

/// Compares without an early exit.
pub fn equal(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::hex;

    #[test]
    fn rfc_4493_example_2() {
        let key = crate::wire::parse_hex("2b7e151628aed2a6abf7158809cf4f3c").unwrap();
        let msg = crate::wire::parse_hex("6bc1bee22e409f96e93d7e117393172a").unwrap();
        let mic = compute(MicAlgorithm::AesCmac, &key, &msg).unwrap();
        assert_eq!(hex(&mic), "070a16b46b4d4144f79bdd9dd04a287c");
    }

    #[test]
    fn cmac_refuses_a_24_byte_kck() {
        let err = compute(MicAlgorithm::AesCmac, &[0; 24], b"x").unwrap_err();
        assert_eq!(err.to_string(), "unsupported: 24-byte KCK for AES-128-CMAC");
    }

    #[test]
    fn sha384_mic_is_24_bytes() {
        assert_eq!(
            compute(MicAlgorithm::HmacSha384_192, &[1; 24], b"x")
                .unwrap()
                .len(),
            24
        );
    }
}
