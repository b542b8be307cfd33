//! The key derivation functions of IEEE 802.11-2020 12.7.1: PRF-n over
//! HMAC-SHA1 (12.7.1.2) and KDF-Hash-Length over HMAC-SHA256/384 (12.7.1.6.2).

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::{Sha256, Sha384};
use zeroize::Zeroizing;

/// PRF-`bits`(K, A, B): concatenates HMAC-SHA1(K, A || 0 || B || i) for
/// i = 0, 1, ... (one octet) and truncates. Output is prefix-stable: a
/// 384-bit PTK is the start of the 512-bit one.
pub fn prf_sha1(key: &[u8], label: &[u8], data: &[u8], bits: usize) -> Zeroizing<Vec<u8>> {
    let len = bits.div_ceil(8);
    let mut out = Zeroizing::new(Vec::with_capacity(len + 20));
    let mut counter: u8 = 0;
    while out.len() < len {
        let mut mac = hmac_sha1(key);
        mac.update(label);
        mac.update(&[0]);
        mac.update(data);
        mac.update(&[counter]);
        out.extend_from_slice(&mac.finalize().into_bytes());
        counter = counter.wrapping_add(1);
    }
    out.truncate(len);
    out
}

/// KDF-SHA256-`bits`(K, label, context): HMAC-SHA256(K, i || label ||
/// context || Length), i from 1, both 16-bit little-endian. Length is an
/// input, so a 384-bit output is not a prefix of a 640-bit one.
pub fn kdf_sha256(key: &[u8], label: &[u8], context: &[u8], bits: u16) -> Zeroizing<Vec<u8>> {
    kdf::<Sha256>(key, label, context, bits, usize::MAX)
}

/// KDF-SHA384-`bits`, as [`kdf_sha256`] over HMAC-SHA384.
pub fn kdf_sha384(key: &[u8], label: &[u8], context: &[u8], bits: u16) -> Zeroizing<Vec<u8>> {
    kdf::<Sha384>(key, label, context, bits, usize::MAX)
}

/// The first `prefix` bytes of KDF-`bits` over HMAC-`D`, computing only the
/// blocks they need (`usize::MAX`: all of it).
pub(crate) fn kdf<D>(
    key: &[u8],
    label: &[u8],
    context: &[u8],
    bits: u16,
    prefix: usize,
) -> Zeroizing<Vec<u8>>
where
    D: hmac::EagerHash,
    Hmac<D>: KeyInit + Mac,
{
    let len = usize::from(bits).div_ceil(8).min(prefix);
    let mut out = Zeroizing::new(Vec::with_capacity(len + 48));
    let mut counter: u16 = 1;
    while out.len() < len {
        // HMAC accepts keys of any length.
        let Ok(mut mac) = <Hmac<D> as KeyInit>::new_from_slice(key) else {
            break;
        };
        mac.update(&counter.to_le_bytes());
        mac.update(label);
        mac.update(context);
        mac.update(&bits.to_le_bytes());
        out.extend_from_slice(&mac.finalize().into_bytes());
        counter = counter.wrapping_add(1);
    }
    out.truncate(len);
    out
}

pub(crate) fn hmac_sha1(key: &[u8]) -> Hmac<Sha1> {
    // HMAC keys may have any length: new_from_slice cannot fail for Hmac.
    match <Hmac<Sha1> as KeyInit>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::hex;

    #[test]
    fn ieee_j_3_2_case_1() {
        let out = prf_sha1(&[0x0b; 20], b"prefix", b"Hi There", 512);
        assert_eq!(
            hex(&out),
            "bcd4c650b30b9684951829e0d75f9d54b862175ed9f00606e17d8da35402ffee\
             75df78c3d31e0f889f012120c0862beb67753e7439ae242edb8373698356cf5a"
        );
        assert_eq!(
            hex(&prf_sha1(&[0x0b; 20], b"prefix", b"Hi There", 192)),
            hex(&out[..24])
        );
    }

    #[test]
    fn kdf_length_is_an_input() {
        let short = kdf_sha256(&[1; 32], b"label", b"ctx", 384);
        let long = kdf_sha256(&[1; 32], b"label", b"ctx", 640);
        assert_eq!((short.len(), long.len()), (48, 80));
        assert_ne!(&short[..], &long[..48]);
        assert_eq!(kdf_sha384(&[1; 48], b"label", b"ctx", 704).len(), 88);
    }
}
