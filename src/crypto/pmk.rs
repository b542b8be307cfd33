//! Passphrase to PMK: IEEE 802.11-2020 J.4.1, PBKDF2-HMAC-SHA1 with the SSID
//! as salt, 4096 iterations, 256 bits.

use hmac::Mac;
use sha1::Sha1;
use sha1::block_api::compress;
use zeroize::Zeroize;

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
    pbkdf2_sha1_256(passphrase, ssid, &mut out);
    let pmk = Pmk::from_bytes(out);
    out.zeroize();
    pmk
}

/// SHA-1 initial state (FIPS 180-4 5.3.1).
const SHA1_INIT: [u32; 5] = [
    0x6745_2301,
    0xefcd_ab89,
    0x98ba_dcfe,
    0x1032_5476,
    0xc3d2_e1f0,
];

/// PBKDF2-HMAC-SHA1, 4096 iterations, 32 bytes, at two SHA-1 compressions
/// per iteration: the HMAC key blocks are hashed once, and each iteration
/// hashes one pre-padded 64-byte block from the inner and one from the
/// outer state. A PMK costs 2 x 2 x 4096 = 16,384 compressions, the floor.
fn pbkdf2_sha1_256(password: &[u8], salt: &[u8], out: &mut [u8; 32]) {
    let mut key_block = [0u8; 64];
    if password.len() > 64 {
        let digest = <Sha1 as sha1::Digest>::digest(password);
        key_block[..20].copy_from_slice(&digest);
    } else {
        key_block[..password.len()].copy_from_slice(password);
    }
    let mut inner_init = SHA1_INIT;
    let mut outer_init = SHA1_INIT;
    let mut pad = [0u8; 64];
    for (p, k) in pad.iter_mut().zip(&key_block) {
        *p = k ^ 0x36;
    }
    compress(&mut inner_init, &[pad]);
    for (p, k) in pad.iter_mut().zip(&key_block) {
        *p = k ^ 0x5c;
    }
    compress(&mut outer_init, &[pad]);
    pad.zeroize();

    // U1 = HMAC(P, S || INT(i)) for the two output blocks i = 1, 2: the
    // only step whose input length varies.
    let mut u = [[0u32; 5]; 2];
    for (index, words) in (1u32..).zip(u.iter_mut()) {
        let mut mac = super::prf::hmac_sha1(password);
        mac.update(salt);
        mac.update(&index.to_be_bytes());
        for (word, bytes) in words
            .iter_mut()
            .zip(mac.finalize().into_bytes().chunks_exact(4))
        {
            *word = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        }
    }
    let mut t = u;

    // One block per chain holding a 20-byte message after a 64-byte key
    // block: message || 0x80 || zeros || bit length 672 (big-endian). Kept
    // as one-element slices so compress() reads them in place.
    let mut template = [0u8; 64];
    template[20] = 0x80;
    template[56..].copy_from_slice(&((64u64 + 20) * 8).to_be_bytes());
    let mut blocks = [[template], [template]];

    // The two output blocks are independent chains: running them in one
    // loop lets the CPU overlap one chain's message schedule with the
    // other's rounds, which a single chain of dependent compressions cannot.
    for _ in 1..ITERATIONS {
        let mut inner = [inner_init; 2];
        for ((state, block), u) in inner.iter_mut().zip(blocks.iter_mut()).zip(&u) {
            write_words(&mut block[0], u);
            compress(state, block);
        }
        for ((state, block), u) in inner.iter().zip(blocks.iter_mut()).zip(u.iter_mut()) {
            write_words(&mut block[0], state);
            *u = outer_init;
            compress(u, block);
        }
        for (t, u) in t.iter_mut().zip(&u) {
            for (t, u) in t.iter_mut().zip(u) {
                *t ^= u;
            }
        }
    }
    let mut bytes = [0u8; 40];
    for (slot, word) in bytes.chunks_exact_mut(4).zip(t.iter().flatten()) {
        slot.copy_from_slice(&word.to_be_bytes());
    }
    out.copy_from_slice(&bytes[..32]);
    bytes.zeroize();
    t.zeroize();
    u.zeroize();
    blocks.zeroize();
    key_block.zeroize();
    inner_init.zeroize();
    outer_init.zeroize();
}

/// Writes the 5 words big-endian as one 16-byte and one 4-byte store, so
/// the 16-byte loads of the SHA-NI code can forward from them.
#[inline(always)]
fn write_words(block: &mut [u8; 64], words: &[u32; 5]) {
    let [a, b, c, d, e] = *words;
    let head =
        (u128::from(a) << 96) | (u128::from(b) << 64) | (u128::from(c) << 32) | u128::from(d);
    block[..16].copy_from_slice(&head.to_be_bytes());
    block[16..20].copy_from_slice(&e.to_be_bytes());
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
    fn fast_path_equals_the_pbkdf2_crate() {
        let long = [b'k'; 100];
        let cases: [(&[u8], &[u8]); 5] = [
            (b"password", b"IEEE"),
            (b"", b""),
            (&[0xff; 63], &[0; 32]),
            (&long[..64], b"exactly one block of key"),
            (&long, b"key longer than a block is hashed first"),
        ];
        for (password, salt) in cases {
            let mut expected = [0u8; 32];
            pbkdf2_sha1(password, salt, ITERATIONS, &mut expected);
            assert_eq!(pmk_from_bytes(password, salt).as_bytes(), &expected);
        }
    }

    #[test]
    fn trailing_space_in_ssid_changes_the_pmk() {
        let passphrase = Passphrase::new("password".into()).unwrap();
        assert_ne!(pmk(&passphrase, b"IEEE"), pmk(&passphrase, b"IEEE "));
    }
}
