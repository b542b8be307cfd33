//! Passphrase to PMK: IEEE 802.11-2020 J.4.1, PBKDF2-HMAC-SHA1 with the SSID
//! as salt, 4096 iterations, 256 bits.

use sha1::Sha1;

use super::secret::{Passphrase, Pmk};

pub const ITERATIONS: u32 = 4096;

/// The PMK of `passphrase` on the network named `ssid`. The SSID is an octet
/// string: non-UTF-8 bytes and trailing spaces change the result.
pub fn pmk(passphrase: &Passphrase, ssid: &[u8]) -> Pmk {
    pmk_from_bytes(passphrase.as_bytes(), ssid)
}

/// As [`pmk`], for byte strings the passphrase rule has not checked (typo
/// variants, test vectors with other iteration counts go through
/// [`pbkdf2_sha1`]).
pub fn pmk_from_bytes(passphrase: &[u8], ssid: &[u8]) -> Pmk {
    let mut out = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<Sha1>(passphrase, ssid, ITERATIONS, &mut out);
    let pmk = Pmk::from_bytes(out);
    zeroize::Zeroize::zeroize(&mut out);
    pmk
}

/// Plain PBKDF2-HMAC-SHA1 of any length and iteration count (RFC 8018 5.2).
pub fn pbkdf2_sha1(password: &[u8], salt: &[u8], iterations: u32, out: &mut [u8]) {
    pbkdf2::pbkdf2_hmac::<Sha1>(password, salt, iterations, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ieee_j_4_2_case_1() {
        let passphrase = Passphrase::new("password".into()).unwrap();
        assert_eq!(
            pmk(&passphrase, b"IEEE").to_hex(),
            "f42c6fc52df0ebef9ebb4b90b38a5f902e83fe1b135a70e23aed762e9710a12e"
        );
    }

    #[test]
    fn trailing_space_in_ssid_changes_the_pmk() {
        let passphrase = Passphrase::new("password".into()).unwrap();
        assert_ne!(pmk(&passphrase, b"IEEE"), pmk(&passphrase, b"IEEE "));
    }
}
