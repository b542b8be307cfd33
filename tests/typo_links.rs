//! The typo search across many failing links of one network: a variant
//! found on one link is tested on the others, and a network whose first
//! links match no variant is not searched link after link.

mod util;

use std::path::{Path, PathBuf};

use wpadiag::crypto::{PairwiseKeys, PairwiseParams, mic, pmk::pmk_from_bytes};
use wpadiag::wire::MacAddr;

const SSID: &[u8] = b"Corner Bakery";
const BSSID: [u8; 6] = [0x02, 0, 0, 0, 0, 0];
const RSN_IE: [u8; 22] = [
    0x30, 0x14, 0x01, 0x00, 0x00, 0x0f, 0xac, 0x04, 0x01, 0x00, 0x00, 0x0f, 0xac, 0x04, 0x01, 0x00,
    0x00, 0x0f, 0xac, 0x02, 0x00, 0x00,
];

fn record(out: &mut Vec<u8>, second: u32, frame: &[u8]) {
    let len = (8 + frame.len()) as u32;
    for word in [second, 0, len, len] {
        out.extend_from_slice(&word.to_le_bytes());
    }
    out.extend_from_slice(&[0, 0, 8, 0, 0, 0, 0, 0]); // radiotap, no fields
    out.extend_from_slice(frame);
}

fn header(fc: u16, a1: [u8; 6], a2: [u8; 6], seq: u16) -> Vec<u8> {
    let mut h = Vec::new();
    h.extend_from_slice(&fc.to_le_bytes());
    h.extend_from_slice(&[0x3a, 0x01]);
    h.extend_from_slice(&a1);
    h.extend_from_slice(&a2);
    h.extend_from_slice(&BSSID);
    h.extend_from_slice(&(seq << 4).to_le_bytes());
    h
}

fn beacon() -> Vec<u8> {
    let mut f = header(0x0080, [0xff; 6], BSSID, 0);
    f.extend_from_slice(&[0; 8]);
    f.extend_from_slice(&[0x64, 0x00, 0x11, 0x04]);
    f.extend_from_slice(&[0, SSID.len() as u8]);
    f.extend_from_slice(SSID);
    f.extend_from_slice(&RSN_IE);
    f
}

/// An EAPOL-Key frame (RSN descriptor, HMAC-SHA1 MIC) with a zero MIC.
fn eapol_key(info: u16, nonce: [u8; 32], key_data: &[u8]) -> Vec<u8> {
    let mut body = vec![2];
    body.extend_from_slice(&info.to_be_bytes());
    body.extend_from_slice(&16u16.to_be_bytes());
    body.extend_from_slice(&1u64.to_be_bytes());
    body.extend_from_slice(&nonce);
    body.extend_from_slice(&[0; 16 + 8 + 8 + 16]);
    body.extend_from_slice(&(key_data.len() as u16).to_be_bytes());
    body.extend_from_slice(key_data);
    let mut frame = vec![2, 3];
    frame.extend_from_slice(&(body.len() as u16).to_be_bytes());
    frame.extend_from_slice(&body);
    frame
}

fn data(to_ap: bool, sta: [u8; 6], seq: u16, eapol: &[u8]) -> Vec<u8> {
    let mut f = if to_ap {
        header(0x0108, BSSID, sta, seq)
    } else {
        header(0x0208, sta, BSSID, seq)
    };
    f.extend_from_slice(&[0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x88, 0x8e]);
    f.extend_from_slice(eapol);
    f
}

/// A capture of `stations` stations, each sending msg 2/4 with a real MIC
/// under `passphrase`, and getting no msg 3/4.
fn capture(name: &str, stations: u8, passphrase: &[u8]) -> PathBuf {
    let mut out = Vec::new();
    out.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    out.extend_from_slice(&[2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    out.extend_from_slice(&65535u32.to_le_bytes());
    out.extend_from_slice(&127u32.to_le_bytes());
    record(&mut out, 1, &beacon());
    let pmk = pmk_from_bytes(passphrase, SSID);
    for n in 0..stations {
        let sta = [0x02, 0, 0, 0, 1, n];
        let anonce = [0xa0 ^ n; 32];
        let snonce = [0x50 ^ n; 32];
        let second = 2 + u32::from(n);
        record(
            &mut out,
            second,
            &data(false, sta, 1, &eapol_key(0x008a, anonce, &[])),
        );
        let mut m2 = eapol_key(0x010a, snonce, &RSN_IE);
        let keys = PairwiseKeys::derive(
            &pmk,
            &PairwiseParams {
                aa: MacAddr(BSSID),
                spa: MacAddr(sta),
                anonce,
                snonce,
                descriptor_version: 2,
                akm: Some(2),
                tkip: false,
            },
        )
        .unwrap();
        let mic = mic::compute(keys.suite().mic, keys.ptk().kck().as_bytes(), &m2).unwrap();
        m2[81..97].copy_from_slice(&mic[..16]);
        record(&mut out, second, &data(true, sta, 2, &m2));
    }
    let path =
        std::env::temp_dir().join(format!("wpadiag-typo-{}-{name}.pcap", std::process::id()));
    std::fs::write(&path, out).unwrap();
    path
}

/// The links of `wpadiag analyze PATH --passphrase GIVEN EXTRA...` (JSON).
fn links(path: &Path, given: &str, extra: &[&str]) -> Vec<serde_json::Value> {
    let path = path.to_string_lossy();
    let mut args = vec!["analyze", &path, "--format", "json", "--passphrase", given];
    args.extend_from_slice(extra);
    let report = util::json(&util::run(&args));
    report["links"].as_array().unwrap().clone()
}

fn notes(link: &serde_json::Value) -> Vec<String> {
    link["findings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["evidence"].as_array().unwrap())
        .filter_map(|e| e["note"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn a_variant_found_on_one_link_is_named_on_every_link() {
    let path = capture("found", 7, b"sourdough&Rye#2210");
    let links = links(&path, "sourdough&Rye#2201", &[]);
    std::fs::remove_file(&path).unwrap();
    assert_eq!(links.len(), 7);
    for link in &links {
        assert_eq!(link["key"]["station_uses_given_key"], false);
        assert_eq!(link["key"]["variant"], "characters 17 and 18 swapped");
        assert!(!notes(link).iter().any(|n| n.contains("were not tried")));
    }
}

#[test]
fn a_network_matching_no_variant_is_searched_on_its_first_links_only() {
    // The stations' passphrase is no small edit of the one given.
    let path = capture("none", 6, b"sourdough&Rye#2210");
    let all = links(&path, "kx7!Qa9z", &[]);
    let alone = links(&path, "kx7!Qa9z", &["--sta", "02:00:00:00:01:05"]);
    std::fs::remove_file(&path).unwrap();
    assert_eq!(all.len(), 6);
    let skipped: Vec<bool> = all
        .iter()
        .map(|link| {
            assert_eq!(link["key"]["station_uses_given_key"], false);
            assert_eq!(link["key"]["variant"], serde_json::Value::Null);
            notes(link)
                .iter()
                .any(|n| n.contains("typo variants of your passphrase were not tried on this link"))
        })
        .collect();
    let limit = wpadiag::handshake::keycheck::TYPO_SEARCHES_PER_SSID;
    assert_eq!(skipped.iter().filter(|s| !**s).count(), limit);
    assert_eq!(skipped.iter().filter(|s| **s).count(), 6 - limit);

    // Alone, a link that was skipped gets its own search.
    assert_eq!(alone.len(), 1);
    assert!(
        !notes(&alone[0])
            .iter()
            .any(|n| n.contains("were not tried"))
    );
}
