//! PMKID (IEEE 802.11-2020 12.7.1.3): the first 128 bits of
//! HMAC-Hash(PMK, "PMK Name" || AA || SPA). An AP that puts it in a PMKID KDE
//! of msg 1/4 proves which PMK it holds without any other message.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::secret::Pmk;
use crate::wire::MacAddr;

const LABEL: &[u8] = b"PMK Name";

/// HMAC-SHA1-128, or HMAC-SHA256-128 for the SHA-256 AKMs (5, 6, 8, ...).
pub fn pmkid(pmk: &Pmk, aa: MacAddr, spa: MacAddr, sha256: bool) -> [u8; 16] {
    let full = if sha256 {
        match <Hmac<Sha256> as KeyInit>::new_from_slice(pmk.as_bytes()) {
            Ok(mut mac) => {
                mac.update(LABEL);
                mac.update(&aa.0);
                mac.update(&spa.0);
                mac.finalize().into_bytes().to_vec()
            }
            Err(_) => Vec::new(),
        }
    } else {
        let mut mac = super::prf::hmac_sha1(pmk.as_bytes());
        mac.update(LABEL);
        mac.update(&aa.0);
        mac.update(&spa.0);
        mac.finalize().into_bytes().to_vec()
    };
    let mut out = [0u8; 16];
    if let Some(prefix) = full.get(..16) {
        out.copy_from_slice(prefix);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::hex;

    #[test]
    fn aircrack_test_0018() {
        let pmk = Pmk::from_hex("797d07faa764195cabe5f6292d0edee1b1047bb402f8afdee0c497c4596615e1")
            .unwrap();
        let aa = MacAddr::parse("00:12:bf:77:16:2d").unwrap();
        let spa = MacAddr::parse("00:21:e9:24:a5:e7").unwrap();
        assert_eq!(
            hex(&pmkid(&pmk, aa, spa, false)),
            "c2ea9449c142e84a0479041702526532"
        );
        assert_ne!(pmkid(&pmk, aa, spa, true), pmkid(&pmk, aa, spa, false));
    }
}
