//! A sniffer misses frames. A real handshake with its msg 4/4 cut out:
//! the station's encrypted data afterwards shows it completed; cut those
//! too and the capture just ends mid-handshake.

mod util;

use std::path::PathBuf;

const CAPTURE: &str = "captures/handshake-ok-radiotap.pcap";

/// The lines `wpadiag frames` prints for the capture, one per frame.
fn frame_lines() -> Vec<String> {
    let output = util::run(&["frames", CAPTURE]);
    util::stdout(&output).lines().map(str::to_string).collect()
}

/// The capture without the frames `drop` says to drop (1-based numbers).
fn without(name: &str, drop: impl Fn(usize) -> bool) -> PathBuf {
    let pcap =
        std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(CAPTURE)).unwrap();
    let mut out = pcap[..24].to_vec();
    for (index, (data, len)) in util::pcap_records(&pcap).into_iter().enumerate() {
        if !drop(index + 1) {
            // The record with its 16-byte header.
            out.extend_from_slice(&pcap[data - 16..data + len]);
        }
    }
    let path =
        std::env::temp_dir().join(format!("wpadiag-gaps-{}-{name}.pcap", std::process::id()));
    std::fs::write(&path, out).unwrap();
    path
}

fn analyze(path: &PathBuf) -> (Option<i32>, serde_json::Value) {
    let path_text = path.to_string_lossy().into_owned();
    let output = util::run(&[
        "analyze",
        &path_text,
        "--format",
        "json",
        "--passphrase",
        "quiet-meadow-17",
    ]);
    std::fs::remove_file(path).unwrap();
    (output.status.code(), util::json(&output))
}

/// Numbers of the frames whose `wpadiag frames` line contains all of `words`.
fn frames_with(lines: &[String], words: &[&str]) -> Vec<usize> {
    lines
        .iter()
        .filter(|l| words.iter().all(|w| l.contains(w)))
        .filter_map(|l| l.split_whitespace().next()?.parse().ok())
        .collect()
}

#[test]
fn a_missed_msg4_with_the_station_encrypting_is_a_completed_handshake() {
    let lines = frame_lines();
    let m4 = frames_with(&lines, &["4/4"]);
    assert_eq!(m4.len(), 1, "{lines:?}");
    let m4 = m4[0];
    // msg 4/4 and the ACK right after it.
    let (code, report) = analyze(&without("m4", |n| n == m4 || n == m4 + 1));
    let link = &report["links"][0];
    assert_eq!(link["verdict"], "handshake-ok", "{link:#}");
    assert_eq!(link["confidence"], "likely", "{link:#}");
    assert_eq!(code, Some(0));
    let notes: Vec<&str> = link["findings"][0]["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["note"].as_str())
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("encrypted data frame after msg 3/4")),
        "{notes:?}"
    );
    assert!(
        !link["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == "incomplete-capture"),
        "{link:#}"
    );
}

#[test]
fn a_capture_that_ends_after_msg3_is_incomplete() {
    let lines = frame_lines();
    let m3 = frames_with(&lines, &["3/4"])[0];
    // Everything after msg 3/4 and its ACK is gone.
    let (code, report) = analyze(&without("end", |n| n > m3 + 1));
    let link = &report["links"][0];
    assert_eq!(link["verdict"], "incomplete-capture", "{link:#}");
    assert_eq!(code, Some(1));
}
