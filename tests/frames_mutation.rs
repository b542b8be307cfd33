//! Deterministic mutation testing of every decoder: the public captures,
//! damaged by bit flips, truncations, length fields forced to 0 and
//! 0xFFFFFFFF, and random bytes from a fixed-seed xorshift, must never make
//! the reader or a decoder panic or loop. Complements the cargo-fuzz
//! targets in fuzz/, which need a nightly toolchain; this runs in
//! `cargo test` on stable.

mod util;

use std::io::Cursor;

use util::XorShift;

use wpadiag::{
    source::CaptureReader,
    wire::{
        self,
        eapol::{EapolKey, kde::Kde},
        ieee80211::{self, Body},
        link::Link,
        radiotap,
        rsn::RsnInfo,
    },
};

const CAPTURES: &str = "../shared/captures-public";

/// Runs every decoder that could see `record` and returns how many layers
/// decoded, so the work cannot be optimised away.
fn exercise(linktype: wire::LinkType, record: &[u8]) -> usize {
    let mut depth = 0;
    let _ = radiotap::parse(record);
    let Ok(decoded) = wire::decode(linktype, record) else {
        return depth;
    };
    depth += 1;
    let eapol = match decoded.link {
        Link::Dot11(bytes) => {
            let Ok(frame) = ieee80211::parse(bytes) else {
                return depth;
            };
            depth += 1;
            if let Some(elements) = frame.body.elements() {
                depth += elements.iter().count();
                let _ = elements.rsn().map(RsnInfo::parse_rsn);
                let _ = elements.wpa().map(RsnInfo::parse_wpa);
                let _ = (elements.ssid(), elements.ds_channel(), elements.rsnxe());
            }
            match frame.body {
                Body::Data { eapol, .. } => eapol,
                _ => None,
            }
        }
        Link::Ethernet { payload, .. } => Some(payload),
    };
    if let Some(eapol) = eapol {
        if let Ok(key) = EapolKey::new_detect(eapol) {
            depth += 1;
            let _ = (
                key.message(),
                key.key_nonce(),
                key.key_mic(),
                key.mic_covered(),
            );
            for kde in Kde::iter(key.key_data()) {
                if let Ok(Kde::Rsn(body)) = kde {
                    let _ = RsnInfo::parse_rsn(body);
                }
                depth += 1;
            }
        }
    }
    depth
}

/// Reads a whole (possibly damaged) capture, decoding every record.
fn read_capture(bytes: Vec<u8>) -> (u64, usize) {
    let Ok(mut reader) = CaptureReader::new(Cursor::new(bytes)) else {
        return (0, 0);
    };
    let mut records = 0;
    let mut depth = 0;
    while let Some(record) = reader.next_record() {
        records += 1;
        assert!(records < 1_000_000, "reader does not terminate");
        if let Ok(record) = record {
            depth += exercise(record.linktype, record.data);
        }
    }
    (records, depth)
}

fn captures() -> Vec<Vec<u8>> {
    let Ok(dir) = std::fs::read_dir(CAPTURES) else {
        return Vec::new();
    };
    let mut paths: Vec<_> = dir
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| !p.extension().is_some_and(|e| e == "tsv" || e == "md"))
        .collect();
    paths.sort();
    paths
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        // Big files make the mutation loops slow in debug builds.
        .filter(|bytes| bytes.len() < 400_000)
        .collect()
}

#[test]
fn damaged_capture_files_never_panic() {
    let files = captures();
    if files.is_empty() {
        eprintln!("skipped: {CAPTURES} not found");
        return;
    }
    let mut rng = XorShift(0x5eed_cafe_f00d_d00d);
    for original in &files {
        let (records, _) = read_capture(original.clone());
        assert!(records > 0);
        for round in 0..24 {
            let mut bytes = original.clone();
            match round % 4 {
                0 => {
                    for _ in 0..1 + rng.below(16) {
                        let at = rng.below(bytes.len());
                        bytes[at] ^= 1 << rng.below(8);
                    }
                }
                1 => bytes.truncate(rng.below(bytes.len())),
                2 => {
                    // A length-looking u32 set to an extreme.
                    let at = rng.below(bytes.len().saturating_sub(4)) & !3;
                    let value: u32 = if rng.below(2) == 0 { 0 } else { u32::MAX };
                    bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
                }
                _ => {
                    let start = rng.below(bytes.len());
                    let len = rng.below(256).min(bytes.len() - start);
                    for byte in &mut bytes[start..start + len] {
                        *byte = rng.next() as u8;
                    }
                }
            }
            read_capture(bytes);
        }
    }
}

#[test]
fn mutated_records_never_panic_a_decoder() {
    let files = captures();
    if files.is_empty() {
        eprintln!("skipped: {CAPTURES} not found");
        return;
    }
    let mut rng = XorShift(0x0123_4567_89ab_cdef);
    let mut decoded_deep = 0;
    for file in files {
        let Ok(mut reader) = CaptureReader::new(Cursor::new(file)) else {
            continue;
        };
        let mut taken = 0;
        while let Some(record) = reader.next_record() {
            let Ok(record) = record else { continue };
            taken += 1;
            if taken > 60 {
                break;
            }
            let data = record.data.to_vec();
            decoded_deep += exercise(record.linktype, &data);
            for len in (0..data.len()).step_by(1 + data.len() / 40) {
                exercise(record.linktype, &data[..len]);
            }
            for _ in 0..20 {
                let mut mutated = data.clone();
                for _ in 0..1 + rng.below(4) {
                    if mutated.is_empty() {
                        break;
                    }
                    let at = rng.below(mutated.len());
                    mutated[at] ^= 1 << rng.below(8);
                }
                exercise(record.linktype, &mutated);
            }
        }
    }
    assert!(
        decoded_deep > 1000,
        "mutation base decoded only {decoded_deep} layers"
    );
    // Pure noise under every link type.
    for _ in 0..20_000 {
        let len = rng.below(300);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        for linktype in [1, 105, 113, 119, 127, 163, 192, 276] {
            exercise(wire::LinkType(linktype), &bytes);
        }
        let _ = Kde::parse(&bytes);
        let _ = RsnInfo::parse_rsn(&bytes);
        let _ = EapolKey::new_detect(&bytes[..]);
    }
}

#[test]
fn files_that_are_not_captures_are_refused() {
    for bytes in [
        Vec::new(),
        b"GET / HTTP/1.1\r\n".to_vec(),
        vec![0xd4, 0xc3, 0xb2],
        vec![0x1f, 0x8b, 0x08, 0x00, 0xff],
    ] {
        assert!(CaptureReader::new(Cursor::new(bytes)).is_err());
    }
}
