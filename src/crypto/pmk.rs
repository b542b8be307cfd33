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
    let keys = Keys::new(passphrase, ssid);
    #[cfg(target_arch = "x86_64")]
    if let Some(t) =
        super::sha1_ni::pbkdf2_chains(&[keys.inner; 2], &[keys.outer; 2], &keys.u1, ITERATIONS)
    {
        return to_pmk(t);
    }
    to_pmk(chains_portable(&keys))
}

/// How many candidates [`pmks`] runs through one call of the SHA-NI
/// kernel: 2 chains each (T1, T2). Callers that split work into chunks
/// should use multiples of it. Measured on Zen 3, PMK/s on one core
/// against [`pmk_from_bytes`] (2 chains) in the same run: 2 candidates
/// 1.07 x, 3 candidates 1.30-1.35 x, 4 candidates 0.96 x. From 4 chains on
/// the states no longer fit the 16 vector registers; at 6 the spills still
/// hide behind the SHA unit, at 8 they no longer do.
pub const BATCH: usize = 3;

/// The PMKs of several (passphrase, SSID) pairs, in order: the same values
/// as [`pmk_from_bytes`] on each, computed [`BATCH`] at a time as
/// independent chains the CPU overlaps.
pub fn pmks(inputs: &[(&[u8], &[u8])]) -> Vec<Pmk> {
    pmks_by::<BATCH, { 2 * BATCH }>(inputs)
}

/// [`pmks`] with `C` candidates, `N` = 2 `C` chains, per kernel call.
fn pmks_by<const C: usize, const N: usize>(inputs: &[(&[u8], &[u8])]) -> Vec<Pmk> {
    let mut out = Vec::with_capacity(inputs.len());
    for chunk in inputs.chunks(C) {
        #[cfg(target_arch = "x86_64")]
        if chunk.len() > 1 && super::sha1_ni::available() {
            let mut inner = [[0u32; 5]; N];
            let mut outer = inner;
            let mut u1 = inner;
            for (i, (passphrase, ssid)) in chunk.iter().enumerate() {
                let keys = Keys::new(passphrase, ssid);
                inner[2 * i..2 * i + 2].copy_from_slice(&[keys.inner; 2]);
                outer[2 * i..2 * i + 2].copy_from_slice(&[keys.outer; 2]);
                u1[2 * i..2 * i + 2].copy_from_slice(&keys.u1);
            }
            // A short last chunk runs with all-zero chains in the unused
            // lanes: cheaper than a kernel per width.
            let done = super::sha1_ni::pbkdf2_chains(&inner, &outer, &u1, ITERATIONS);
            inner.zeroize();
            outer.zeroize();
            u1.zeroize();
            if let Some(mut t) = done {
                for pair in t.chunks_exact(2).take(chunk.len()) {
                    out.push(to_pmk([pair[0], pair[1]]));
                }
                t.zeroize();
                continue;
            }
        }
        for (passphrase, ssid) in chunk {
            out.push(pmk_from_bytes(passphrase, ssid));
        }
    }
    out
}

/// [`pmks`] for several passphrases on one network.
pub fn pmks_from_bytes(passphrases: &[&[u8]], ssid: &[u8]) -> Vec<Pmk> {
    let inputs: Vec<(&[u8], &[u8])> = passphrases.iter().map(|p| (*p, ssid)).collect();
    pmks(&inputs)
}

/// [`pmk_from_bytes`] without the SHA-NI kernel: what runs on other CPUs,
/// callable directly so tests can check it on any machine.
pub fn pmk_from_bytes_portable(passphrase: &[u8], ssid: &[u8]) -> Pmk {
    to_pmk(chains_portable(&Keys::new(passphrase, ssid)))
}

/// SHA-1 initial state (FIPS 180-4 5.3.1).
const SHA1_INIT: [u32; 5] = [
    0x6745_2301,
    0xefcd_ab89,
    0x98ba_dcfe,
    0x1032_5476,
    0xc3d2_e1f0,
];

/// What both paths start from: the HMAC states after the key block xor
/// ipad and opad, hashed once, and U1 of output blocks 1 and 2.
struct Keys {
    inner: [u32; 5],
    outer: [u32; 5],
    u1: [[u32; 5]; 2],
}

impl Drop for Keys {
    fn drop(&mut self) {
        self.inner.zeroize();
        self.outer.zeroize();
        self.u1.zeroize();
    }
}

impl Keys {
    fn new(password: &[u8], salt: &[u8]) -> Keys {
        let mut key_block = [0u8; 64];
        if password.len() > 64 {
            let digest = <Sha1 as sha1::Digest>::digest(password);
            key_block[..20].copy_from_slice(&digest);
        } else {
            key_block[..password.len()].copy_from_slice(password);
        }
        let mut keys = Keys {
            inner: SHA1_INIT,
            outer: SHA1_INIT,
            u1: [[0; 5]; 2],
        };
        let mut pad = [0u8; 64];
        for (p, k) in pad.iter_mut().zip(&key_block) {
            *p = k ^ 0x36;
        }
        compress(&mut keys.inner, &[pad]);
        for (p, k) in pad.iter_mut().zip(&key_block) {
            *p = k ^ 0x5c;
        }
        compress(&mut keys.outer, &[pad]);
        pad.zeroize();
        key_block.zeroize();

        // U1 = HMAC(P, S || INT(i)) for the two output blocks i = 1, 2: the
        // only step whose input length varies.
        for (index, words) in (1u32..).zip(keys.u1.iter_mut()) {
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
        keys
    }
}

/// The first 32 bytes of T1 || T2.
fn to_pmk(mut t: [[u32; 5]; 2]) -> Pmk {
    let mut bytes = [0u8; 40];
    for (slot, word) in bytes.chunks_exact_mut(4).zip(t.iter().flatten()) {
        slot.copy_from_slice(&word.to_be_bytes());
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(&bytes[..32]);
    let pmk = Pmk::from_bytes(out);
    out.zeroize();
    bytes.zeroize();
    t.zeroize();
    pmk
}

/// The 4,095 iterations after U1 of both output blocks at two SHA-1
/// compressions each: each iteration hashes one pre-padded 64-byte block
/// from the inner and one from the outer state. A PMK costs
/// 2 x 2 x 4096 = 16,384 compressions, the floor.
fn chains_portable(keys: &Keys) -> [[u32; 5]; 2] {
    let mut u = keys.u1;
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
        let mut inner = [keys.inner; 2];
        for ((state, block), u) in inner.iter_mut().zip(blocks.iter_mut()).zip(&u) {
            write_words(&mut block[0], u);
            compress(state, block);
        }
        for ((state, block), u) in inner.iter().zip(blocks.iter_mut()).zip(u.iter_mut()) {
            write_words(&mut block[0], state);
            *u = keys.outer;
            compress(u, block);
        }
        for (t, u) in t.iter_mut().zip(&u) {
            for (t, u) in t.iter_mut().zip(u) {
                *t ^= u;
            }
        }
    }
    u.zeroize();
    blocks.zeroize();
    t
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

    /// The crate's PBKDF2, the reference every fast path must equal.
    fn crate_pmk(password: &[u8], salt: &[u8]) -> [u8; 32] {
        let mut expected = [0u8; 32];
        pbkdf2_sha1(password, salt, ITERATIONS, &mut expected);
        expected
    }

    #[test]
    fn every_path_equals_the_pbkdf2_crate() {
        let long = [b'k'; 100];
        let cases: [(&[u8], &[u8]); 5] = [
            (b"password", b"IEEE"),
            (b"", b""),
            (&[0xff; 63], &[0; 32]),
            (&long[..64], b"exactly one block of key"),
            (&long, b"key longer than a block is hashed first"),
        ];
        for (password, salt) in cases {
            let expected = crate_pmk(password, salt);
            assert_eq!(pmk_from_bytes(password, salt).as_bytes(), &expected);
            assert_eq!(
                pmk_from_bytes_portable(password, salt).as_bytes(),
                &expected
            );
        }
    }

    /// Every PBKDF2-HMAC-SHA1 vector of ../shared/vectors: those with 4,096
    /// iterations through the PMK functions (a shorter expected output is
    /// a prefix of the 32 bytes: PBKDF2 blocks are independent), and all of
    /// them, whatever the count, through the SHA-NI kernel directly.
    #[test]
    fn fast_paths_equal_the_crate_on_every_vector() {
        let text = std::fs::read_to_string("../shared/vectors/wpa_vectors.json")
            .expect("reading ../shared/vectors/wpa_vectors.json");
        let json: serde_json::Value = serde_json::from_str(&text).expect("parsing vectors");
        let field = |v: &serde_json::Value, key: &str| -> Vec<u8> {
            match v[format!("{key}_ascii")].as_str() {
                Some(ascii) => ascii.as_bytes().to_vec(),
                None => crate::wire::parse_hex(v[key].as_str().unwrap()).unwrap(),
            }
        };
        let list = json["pbkdf2_sha1"].as_array().unwrap();
        let mut at_4096 = 0;
        for v in list {
            let id = &v["id"];
            let (password, salt) = (field(v, "passphrase"), field(v, "ssid"));
            let want = crate::wire::parse_hex(v["psk"].as_str().unwrap()).unwrap();
            let iterations = u32::try_from(v["iterations"].as_u64().unwrap()).unwrap();
            let mut reference = vec![0u8; want.len()];
            pbkdf2_sha1(&password, &salt, iterations, &mut reference);
            assert_eq!(reference, want, "{id}");
            assert!(want.len() <= 40, "{id}: more than two output blocks");

            #[cfg(target_arch = "x86_64")]
            {
                let keys = Keys::new(&password, &salt);
                let chains = super::super::sha1_ni::pbkdf2_chains(
                    &[keys.inner; 2],
                    &[keys.outer; 2],
                    &keys.u1,
                    iterations,
                );
                if let Some(t) = chains {
                    let bytes: Vec<u8> = t.iter().flatten().flat_map(|w| w.to_be_bytes()).collect();
                    assert_eq!(bytes[..want.len()], want[..], "{id}");
                } else {
                    println!("{id}: SHA-NI kernel skipped: this CPU has no SHA extensions");
                }
            }

            if iterations != ITERATIONS {
                continue;
            }
            at_4096 += 1;
            let n = want.len().min(32);
            let full = crate_pmk(&password, &salt);
            assert_eq!(full[..n], want[..n], "{id}");
            assert_eq!(pmk_from_bytes(&password, &salt).as_bytes(), &full, "{id}");
            assert_eq!(
                pmk_from_bytes_portable(&password, &salt).as_bytes(),
                &full,
                "{id}"
            );
            let batch = pmks(&[(&password, &salt), (b"other passphrase", b"other")]);
            assert_eq!(batch[0].as_bytes(), &full, "{id}");
        }
        // J.4.2 cases 1-3 and RFC 6070 cases 3 and 5.
        assert_eq!(at_4096, 5);
    }

    #[test]
    fn batches_of_any_size_equal_the_crate_in_order() {
        let long = [b'x'; 100];
        let passwords: [&[u8]; 5] = [b"", b"8 chars!", &[b'p'; 63], &[b'q'; 64], &long];
        let ssids: [&[u8]; 2] = [b"", &[b's'; 32]];
        for size in [1, 3, 5, 9] {
            let inputs: Vec<(&[u8], &[u8])> = (0..size)
                .map(|i| (passwords[i % 5], ssids[(i / 2) % 2]))
                .collect();
            let got = pmks(&inputs);
            assert_eq!(got.len(), size);
            for (pmk, (password, ssid)) in got.iter().zip(&inputs) {
                assert_eq!(pmk.as_bytes(), &crate_pmk(password, ssid), "size {size}");
            }
        }
        let one_network = pmks_from_bytes(&[b"first one", b"second one", b"third one"], b"Lab");
        assert_eq!(one_network.len(), 3);
        assert_eq!(one_network[2].as_bytes(), &crate_pmk(b"third one", b"Lab"));
        assert!(pmks(&[]).is_empty());
    }

    #[test]
    fn trailing_space_in_ssid_changes_the_pmk() {
        let passphrase = Passphrase::new("password".into()).unwrap();
        assert_ne!(pmk(&passphrase, b"IEEE"), pmk(&passphrase, b"IEEE "));
    }
}
