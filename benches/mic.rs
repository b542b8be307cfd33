//! Cost of one candidate in the key checks: a PMK and a nonce pair tried
//! against a message's MIC. With a key that verifies nothing, every
//! station message tries each ANonce of its link (with 32 nonce
//! corrections of each when the frame it answers is missing), so this is
//! what a capture of failing links spends its key-check time on. `whole_ptk` is the PTK-then-MIC path, `kck_only` the
//! one the analysis runs. Run with `cargo bench --bench mic`.

use std::hint::black_box;

use divan::Bencher;
use wpadiag::crypto::{MicInput, MicKey, PairwiseKeys, PairwiseParams, Pmk};
use wpadiag::wire::MacAddr;

fn main() {
    divan::main();
}

/// Descriptor version 2 (PRF-SHA1, HMAC-SHA1 MIC) and 3 (KDF-SHA256,
/// AES-CMAC).
const VERSIONS: [u8; 2] = [2, 3];

fn params(version: u8, n: u32) -> PairwiseParams {
    let mut anonce = [0x11; 32];
    anonce[28..].copy_from_slice(&n.to_le_bytes());
    PairwiseParams {
        aa: MacAddr([2, 0, 0, 0, 0, 1]),
        spa: MacAddr([2, 0, 0, 0, 0, 2]),
        anonce,
        snonce: [0x22; 32],
        descriptor_version: version,
        akm: Some(if version == 3 { 6 } else { 2 }),
        tkip: false,
    }
}

/// A msg 2/4 with an RSN element in its key data (121 bytes, as sent).
fn m2(version: u8) -> Vec<u8> {
    let rsn = [
        0x30, 0x14, 0x01, 0x00, 0x00, 0x0f, 0xac, 0x04, 0x01, 0x00, 0x00, 0x0f, 0xac, 0x04, 0x01,
        0x00, 0x00, 0x0f, 0xac, 0x02, 0x00, 0x00,
    ];
    let mut body = vec![2];
    body.extend((0x0108u16 | u16::from(version)).to_be_bytes());
    body.extend(0u16.to_be_bytes());
    body.extend(1u64.to_be_bytes());
    body.extend([0x22; 32]);
    body.extend([0xab; 16 + 8 + 8 + 16]);
    body.extend((rsn.len() as u16).to_be_bytes());
    body.extend(rsn);
    let mut frame = vec![2, 3];
    frame.extend((body.len() as u16).to_be_bytes());
    frame.extend(body);
    frame
}

fn pmk() -> Pmk {
    Pmk::from_hex("0dc0d6eb90555ed6419756b9a15ec3e3209b63df707dd508d14581f8982721af").unwrap()
}

#[divan::bench(args = VERSIONS)]
fn whole_ptk(bencher: Bencher, version: u8) {
    let (pmk, frame) = (pmk(), m2(version));
    let mut n = 0u32;
    bencher.bench_local(|| {
        n = n.wrapping_add(1);
        let keys = PairwiseKeys::derive(&pmk, &params(version, n)).unwrap();
        black_box(keys.verify_mic(black_box(&frame), 16).is_ok())
    });
}

#[divan::bench(args = VERSIONS)]
fn kck_only(bencher: Bencher, version: u8) {
    let (pmk, frame) = (pmk(), m2(version));
    let input = MicInput::new(&frame, 16).unwrap();
    let mut n = 0u32;
    bencher.bench_local(|| {
        n = n.wrapping_add(1);
        let key = MicKey::derive(&pmk, &params(version, n)).unwrap();
        black_box(key.verify(black_box(&input)).is_ok())
    });
}
