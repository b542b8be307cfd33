//! Honesty under damage and attack: a frame the radio marked as damaged is
//! dropped and counted, never evidence; frames that someone else may have
//! sent (another transmitter, a sequence number out of line) are pointed
//! out, without becoming the verdict. The test captures are edited copies
//! of the project's own.

mod util;

use std::path::{Path, PathBuf};

/// Offset of the 802.11 header and of the radiotap Flags byte in a record.
fn layout(pcap: &[u8], record: (usize, usize)) -> (usize, usize) {
    let data = &pcap[record.0..record.0 + record.1];
    let rt_len = usize::from(u16::from_le_bytes([data[2], data[3]]));
    let present = u32::from_le_bytes(data[4..8].try_into().unwrap());
    assert_eq!(present & 0x8000_0000, 0, "no extended presence bitmap");
    assert_ne!(present & 0b10, 0, "the radiotap header has a Flags field");
    // TSFT (bit 0) is 8 bytes, 8-aligned, right after the bitmap.
    let flags = if present & 1 != 0 { 16 } else { 8 };
    (record.0 + rt_len, record.0 + flags)
}

fn write_capture(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wpadiag-honesty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn analyze_json(path: &Path, passphrase: &str) -> serde_json::Value {
    let output = util::run(&[
        "analyze",
        path.to_str().unwrap(),
        "--format",
        "json",
        "--passphrase",
        passphrase,
    ]);
    assert!(matches!(output.status.code(), Some(0 | 1)), "{output:?}");
    util::json(&output)
}

/// Every frame number any finding cites.
fn cited_frames(report: &serde_json::Value) -> Vec<u64> {
    let mut frames = Vec::new();
    for link in report["links"].as_array().unwrap() {
        for finding in link["findings"].as_array().unwrap() {
            for evidence in finding["evidence"].as_array().unwrap() {
                if let Some(frame) = evidence["frame"].as_u64() {
                    frames.push(frame);
                }
            }
        }
    }
    frames
}

fn finding<'a>(link: &'a serde_json::Value, id: &str) -> Option<&'a serde_json::Value> {
    link["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
}

const OK: &str = "captures/handshake-ok-radiotap.pcap";
const MISMATCH: &str = "captures/psk-mismatch-radiotap.pcap";

#[test]
fn eapol_frame_with_bad_fcs_is_dropped_and_counted() {
    let mut pcap = std::fs::read(OK).unwrap();
    let all = util::pcap_records(&pcap);
    // Frame 97 is msg 3/4 (frames --format json).
    let m3 = all[96];
    let (_, flags) = layout(&pcap, m3);
    pcap[flags] |= 0x40;
    let path = write_capture("bad-fcs-m3.pcap", &pcap);

    let frames = util::run(&["frames", path.to_str().unwrap(), "--format", "json"]);
    let m3_line = util::stdout(&frames)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|l| l["frame"] == 97)
        .unwrap();
    assert_eq!(m3_line["message"], "3/4");
    assert_eq!(m3_line["bad_fcs"], true);

    let report = analyze_json(&path, "quiet-meadow-17");
    let skipped = report["inputs"][0]["skipped"].as_array().unwrap();
    assert!(
        skipped
            .iter()
            .any(|s| s.as_str().unwrap() == "1 frames with a bad FCS were dropped, 1 of them EAPOL"),
        "{skipped:?}"
    );
    // The damaged msg 3/4 is evidence of nothing, in any finding.
    let cited = cited_frames(&report);
    assert!(!cited.contains(&97), "frame 97 cited: {cited:?}");
    let link = &report["links"][0];
    let timeline: Vec<u64> = link["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["frame"].as_u64())
        .collect();
    assert!(!timeline.contains(&97), "{timeline:?}");
    // Without a trustworthy msg 3/4 nothing is certain any more: the
    // station's MICs (2/4, 4/4) still verify, but the completed handshake
    // is not claimed.
    assert_eq!(link["verdict"], "incomplete-capture");
    assert_eq!(link["confidence"], "possible");
    assert!(finding(link, "handshake-ok").is_none());
}

#[test]
fn forged_msg1_from_another_transmitter_is_pointed_out() {
    let mut pcap = std::fs::read(MISMATCH).unwrap();
    let all = util::pcap_records(&pcap);
    // Frame 105 is the AP's second msg 1/4: give it another transmitter
    // (addr2) while its source address (addr3) stays the AP's.
    let (dot11, _) = layout(&pcap, all[104]);
    assert_eq!(pcap[dot11 + 1] & 0x03, 0x02, "from DS");
    pcap[dot11 + 10..dot11 + 16].copy_from_slice(&[0x02, 0, 0, 0, 0, 0x99]);
    let path = write_capture("forged-m1.pcap", &pcap);
    let report = analyze_json(&path, "sourdough&Rye#2210");
    let links = report["links"].as_array().unwrap();
    let forged = links
        .iter()
        .find(|l| l["bssid"] == "02:00:00:00:00:99")
        .expect("the forged msg 1/4 forms its own link");
    let suspicious = finding(forged, "suspicious-frames").expect("pointed out");
    assert_eq!(suspicious["confidence"], "possible");
    // About the link's frames, not about one of its attempts.
    assert_eq!(suspicious["attempt"], serde_json::Value::Null);
    let evidence = suspicious["evidence"].as_array().unwrap();
    assert_eq!(evidence.len(), 1);
    assert_eq!(evidence[0]["frame"], 105);
    assert!(
        evidence[0]["note"]
            .as_str()
            .unwrap()
            .contains("on behalf of another source address"),
        "{evidence:?}"
    );
    assert_ne!(forged["verdict"], "suspicious-frames");
    // The real link keeps its verdict and is not accused of anything.
    let real = links
        .iter()
        .find(|l| l["bssid"] == "02:00:00:00:00:00")
        .unwrap();
    assert_eq!(real["verdict"], "psk-mismatch");
    assert!(finding(real, "suspicious-frames").is_none());
}

#[test]
fn deauth_with_sequence_number_out_of_line_is_pointed_out() {
    let mut pcap = std::fs::read(MISMATCH).unwrap();
    let all = util::pcap_records(&pcap);
    // Frame 147 is the AP's deauthentication, sequence number 9 between
    // the AP's msg 1/4 with 8 and its Authentication with 14.
    let (dot11, _) = layout(&pcap, all[146]);
    assert_eq!(pcap[dot11], 0xc0, "deauthentication");
    let sc = u16::from_le_bytes([pcap[dot11 + 22], pcap[dot11 + 23]]);
    assert_eq!(sc >> 4, 9);
    pcap[dot11 + 22..dot11 + 24].copy_from_slice(&(2000u16 << 4).to_le_bytes());
    let path = write_capture("spoofed-deauth.pcap", &pcap);
    let report = analyze_json(&path, "sourdough&Rye#2210");
    let link = &report["links"][0];
    assert_eq!(link["verdict"], "psk-mismatch");
    let suspicious = finding(link, "suspicious-frames").expect("pointed out");
    let evidence = suspicious["evidence"].as_array().unwrap();
    assert_eq!(evidence.len(), 1, "{evidence:?}");
    assert_eq!(evidence[0]["frame"], 147);
    assert_eq!(
        evidence[0]["note"],
        "deauthentication with sequence number 2000, out of line with the sender's other frames (8 before it, 14 after it)"
    );
}

#[test]
fn untouched_captures_have_no_suspicious_frames() {
    for capture in [OK, MISMATCH, "captures/m4-lost-radiotap.pcap"] {
        let output = util::run(&["analyze", capture, "--format", "json"]);
        let report = util::json(&output);
        for link in report["links"].as_array().unwrap() {
            assert!(finding(link, "suspicious-frames").is_none(), "{capture}");
        }
    }
}
