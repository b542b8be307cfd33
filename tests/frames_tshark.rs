//! `wpadiag frames` against tshark on every public capture, and the same
//! capture as pcap, pcapng and gzip giving the same frames.
//!
//! Needs tshark and editcap (Debian package `tshark`); without them the tests
//! print why and return.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    process::Command,
};

use serde_json::Value;

const CAPTURES: &str = "../shared/captures-public";

fn wpadiag() -> Command {
    Command::new(env!("CARGO_BIN_EXE_wpadiag"))
}

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Capture files listed in MANIFEST.tsv.
fn captures() -> Option<Vec<PathBuf>> {
    let manifest = std::fs::read_to_string(Path::new(CAPTURES).join("MANIFEST.tsv")).ok()?;
    Some(
        manifest
            .lines()
            .skip(1)
            .filter_map(|line| line.split('\t').next())
            .filter(|name| !name.is_empty())
            .map(|name| Path::new(CAPTURES).join(name))
            .collect(),
    )
}

fn frames_json(path: &Path, all: bool) -> (Vec<Value>, String) {
    let mut command = wpadiag();
    command.args(["frames", "--format", "json"]);
    if all {
        command.arg("--all");
    }
    let output = command.arg(path).output().expect("run wpadiag");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}: {}",
        path.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 output");
    let values = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    (values, stdout)
}

#[derive(Debug)]
struct TsharkKey {
    frame: u64,
    ta: String,
    ra: String,
    msgnr: u8,
    replay_counter: u64,
    nonce: String,
}

fn tshark_keys(path: &Path) -> Vec<TsharkKey> {
    let output = Command::new("tshark")
        .arg("-r")
        .arg(path)
        .args(["-Y", "eapol", "-T", "fields", "-E", "separator=|"])
        .args(["-e", "frame.number", "-e", "wlan.ta", "-e", "wlan.ra"])
        .args(["-e", "eth.src", "-e", "eth.dst"])
        .args(["-e", "wlan_rsna_eapol.keydes.msgnr"])
        .args(["-e", "eapol.keydes.replay_counter"])
        .args(["-e", "wlan_rsna_eapol.keydes.nonce"])
        .output()
        .expect("run tshark");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split('|').collect();
            let [
                frame,
                wlan_ta,
                wlan_ra,
                eth_src,
                eth_dst,
                msgnr,
                replay,
                nonce,
            ] = f[..]
            else {
                return None;
            };
            // EAP and EAPOL-Start frames have no key fields.
            let replay_counter = replay.parse().ok()?;
            let (ta, ra) = if wlan_ta.is_empty() {
                (eth_src, eth_dst)
            } else {
                (wlan_ta, wlan_ra)
            };
            Some(TsharkKey {
                frame: frame.parse().ok()?,
                ta: ta.to_owned(),
                ra: ra.to_owned(),
                msgnr: msgnr.parse().unwrap_or(0),
                replay_counter,
                nonce: nonce.to_owned(),
            })
        })
        .collect()
}

/// tshark numbers group messages 1 and 2 as well: "Group Message 1 of 2".
fn tshark_msgnr(message: &str) -> Option<u8> {
    match message {
        "1/4" | "group-1/2" => Some(1),
        "2/4" | "group-2/2" => Some(2),
        "3/4" => Some(3),
        "4/4" => Some(4),
        _ => None,
    }
}

#[test]
fn every_eapol_key_frame_tshark_lists_is_decoded_alike() {
    if !have("tshark") {
        eprintln!("skipped: tshark is not installed (Debian package tshark)");
        return;
    }
    let Some(files) = captures() else {
        eprintln!("skipped: {CAPTURES}/MANIFEST.tsv not found");
        return;
    };
    let mut compared = 0;
    let mut disagreements = Vec::new();
    for path in files {
        let expected = tshark_keys(&path);
        let (ours, _) = frames_json(&path, false);
        let by_number: HashMap<u64, &Value> = ours
            .iter()
            .filter(|v| v["kind"] == "eapol-key")
            .map(|v| (v["frame"].as_u64().unwrap_or(0), v))
            .collect();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        for key in &expected {
            let Some(got) = by_number.get(&key.frame) else {
                disagreements.push(format!("{name} frame {}: missing", key.frame));
                continue;
            };
            compared += 1;
            assert_eq!(got["ta"], key.ta, "{name} frame {}", key.frame);
            assert_eq!(got["ra"], key.ra, "{name} frame {}", key.frame);
            assert_eq!(
                got["replay_counter"], key.replay_counter,
                "{name} frame {}",
                key.frame
            );
            assert_eq!(got["nonce"], key.nonce, "{name} frame {}", key.frame);
            let ours = got["message"].as_str().and_then(tshark_msgnr);
            if ours != Some(key.msgnr) && !tshark_msgnr_is_wrong(&name, key, got) {
                disagreements.push(format!(
                    "{name} frame {}: tshark says {}, wpadiag says {}",
                    key.frame, key.msgnr, got["message"]
                ));
            }
        }
        // Nothing tshark does not list either.
        let listed: Vec<u64> = expected.iter().map(|k| k.frame).collect();
        for number in by_number.keys() {
            assert!(
                listed.contains(number),
                "{name} frame {number}: not an EAPOL-Key frame for tshark"
            );
        }
    }
    assert!(disagreements.is_empty(), "{disagreements:#?}");
    // Every EAPOL-Key frame of the public captures (MANIFEST.tsv).
    assert_eq!(compared, 381, "EAPOL-Key frames compared");
}

/// Where tshark's message number may differ from ours.
///
/// Wireshark's `dissect_wlan_rsna_eapol_wpa_or_rsn_key` tells M2 from M4 by
/// a zero nonce (and for WPA1 has no Secure bit to go by); hostapd's
/// `wpa_receive`, which decides what the AP does with the frame, tells them
/// apart by Key Data Length alone, and wpadiag follows hostapd. On all 381
/// EAPOL-Key frames of the public captures, WPA1 ones included, the two
/// rules agree, so no exception is granted: a station that repeats its
/// SNonce in M4 would show up here, and hostapd's reading (M4) is the
/// right one, because it is the AP that acts on it.
fn tshark_msgnr_is_wrong(_name: &str, _key: &TsharkKey, _got: &Value) -> bool {
    false
}

fn write_gzip(from: &Path, to: &Path) {
    let bytes = std::fs::read(from).expect("read capture");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, &bytes).expect("gzip");
    std::fs::write(to, gz.finish().expect("gzip")).expect("write gzip");
}

#[test]
fn pcap_pcapng_and_gzip_give_the_same_frames() {
    if !have("editcap") {
        eprintln!("skipped: editcap is not installed (Debian package tshark)");
        return;
    }
    let dir = std::env::temp_dir().join(format!("wpadiag-frames-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for name in [
        "aircrack-ng_wpa2.eapol.cap",
        "aircrack-ng_wpa.cap",
        "cowpatty_eap-test.dump",
        "heigvd-swi_wpa_handshake.cap",
        "aircrack-ng_test1.pcap",
    ] {
        let original = Path::new(CAPTURES).join(name);
        if !original.exists() {
            eprintln!("skipped {name}: not found");
            continue;
        }
        let pcapng = dir.join(format!("{name}.pcapng"));
        let status = Command::new("editcap")
            .args(["-F", "pcapng"])
            .arg(&original)
            .arg(&pcapng)
            .status()
            .expect("run editcap");
        assert!(status.success());
        let gz = dir.join(format!("{name}.gz"));
        write_gzip(&original, &gz);
        let pcapng_gz = dir.join(format!("{name}.pcapng.gz"));
        write_gzip(&pcapng, &pcapng_gz);

        let (reference, text) = frames_json(&original, true);
        assert!(!reference.is_empty(), "{name}: no frames");
        for other in [&pcapng, &gz, &pcapng_gz] {
            let (_, got) = frames_json(other, true);
            assert_eq!(got, text, "{name} vs {}", other.display());
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn not_a_capture_exits_2_with_one_error() {
    let output = wpadiag()
        .args(["frames", "Cargo.toml"])
        .output()
        .expect("run wpadiag");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("not a capture file"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn non_utf8_ssid_is_hex_and_truncated_record_is_skipped() {
    let path = Path::new(CAPTURES).join("aircrack-ng_Chinese-SSID-Name.pcap");
    if !path.exists() {
        eprintln!("skipped: {} not found", path.display());
        return;
    }
    let (frames, _) = frames_json(&path, true);
    assert_eq!(frames.len(), 1);
    assert_eq!(frames[0]["kind"], "beacon");
    assert_eq!(frames[0]["ssid"], "$HEX[b2e2cad4]");
    assert_eq!(frames[0]["bssid"], "00:24:01:8d:c0:84");

    let crash = Path::new(CAPTURES).join("aircrack-ng_wpaclean_crash.pcap");
    let (frames, _) = frames_json(&crash, true);
    assert_eq!(frames.len(), 1);
    assert_eq!(frames[0]["kind"], "undecodable");
    assert_eq!(
        frames[0]["error"],
        "Prism header truncated: need 144 bytes, have 17"
    );
}
